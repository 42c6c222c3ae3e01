/* config_guest.c: svirt.conf's per-guest options (issue 17 item 4), the guest_* keys:
 * lists of "<guest> [<value>]", the guest a name or a uuid, checked once every key is read. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"
#include "uuid.h"

#define GUEST_NAME_MAX 64	/* libxl's limit on a domain's name */

static const char *seclabel_problem(const char *v, struct sv_guest_entry *e);

static enum sv_guest_opt kind_of(enum sv_cfg_key k)
{
	switch (k) {
	case K_GUEST_SECLABEL:
		return SV_GOPT_SECLABEL;
	case K_GUEST_RELABEL_NO:
		return SV_GOPT_RELABEL_NO;
	case K_GUEST_SHARED:
		return SV_GOPT_SHARED;
	default:
		return SV_GOPT_NETWORK_OFF;
	}
}

static enum sv_cfg_key key_of(enum sv_guest_opt o)
{
	static const enum sv_cfg_key keys[] = {
		K_GUEST_SECLABEL, K_GUEST_RELABEL_NO, K_GUEST_SHARED,
		K_GUEST_NETWORK_OFF,
	};

	return keys[o];
}

static void entry_free(struct sv_guest_entry *e)
{
	free(e->guest);
	free(e->path);
	free(e->label);
}

void sv_cfg_guest_free(struct sv_config *c)
{
	for (size_t i = 0; i < c->nguests; i++)
		entry_free(&c->guests[i]);
	free(c->guests);
	c->guests = NULL;
	c->nguests = 0;
}

/* The guest part of an item: a name (printable, no space, at most 64
 * bytes) or a uuid, which is matched only as a uuid. */
static const char *guest_problem(const char *g, size_t n)
{
	if (n == 0)
		return "no guest: expected \"<name or uuid> ...\"";
	if (n > GUEST_NAME_MAX)
		return "a guest name is at most 64 bytes";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)g[i] < 0x21 || (unsigned char)g[i] > 0x7e)
			return "a guest name holds only printable bytes, no space";
	return NULL;
}

/* A value: a pair "cA,cB", or a full label whose pair is taken here and
 * the rest checked against the bases later.  Syntax only. */
const char *sv_guest_seclabel_parse(const char *v, struct sv_pair *pair)
{
	struct sv_guest_entry e = { .kind = SV_GOPT_SECLABEL };
	const char *why = seclabel_problem(v, &e);

	if (!why)
		*pair = e.pair;
	return why;
}

static const char *seclabel_problem(const char *v, struct sv_guest_entry *e)
{
	struct sv_context ctx;
	struct sv_error err;
	unsigned a = 0, b = 0, seen = 0;

	if (strncmp(v, "c", 1) == 0)
		return sv_pair_parse(v, &e->pair, &err) < 0 ?
		       "expected a pair cA,cB (0 < A < B) or a full label" : NULL;
	if (sv_context_parse(v, &ctx, &err) < 0)
		return "neither a pair cA,cB nor a valid context";
	if (!sv_level_equal(&ctx.range.low, &ctx.range.high))
		return "a static label is one level, not a range";
	for (unsigned i = 0; i < SV_CATS; i++) {
		if (!sv_catset_has(&ctx.range.low.cats, i))
			continue;
		if (seen == 0)
			a = i;
		else
			b = i;
		seen++;
	}
	if (seen == 0)
		return "a static label needs a category pair: s0 alone is every guest's shared level";
	if (seen != 2 || a == 0)
		return "a static label has exactly two categories, neither c0";
	e->pair = (struct sv_pair){ a, b };
	return NULL;
}

/* One list item into e; NULL or why not. */
static const char *item_parse(enum sv_guest_opt kind, const char *item,
			      struct sv_guest_entry *e)
{
	const char *sp = strchr(item, ' ');
	size_t n = sp ? (size_t)(sp - item) : strlen(item);
	const char *rest = sp ? sp + 1 : NULL, *why;

	if ((why = guest_problem(item, n)))
		return why;
	if (!(e->guest = strndup(item, n)))
		return "out of memory";
	e->by_uuid = n == SV_UUID_BUF - 1 && sv_uuid_is_canonical(e->guest);
	if (e->by_uuid && sv_uuid_is_nil(e->guest))
		return "the nil uuid is dom0's";
	switch (kind) {
	case SV_GOPT_NETWORK_OFF:
		return rest ? "expected only \"<name or uuid>\"" : NULL;
	case SV_GOPT_RELABEL_NO:
		if (!rest)
			return NULL;	/* the whole guest */
		__attribute__((fallthrough));	/* one disk */
	case SV_GOPT_SHARED:
		if (!rest)
			return "expected \"<name or uuid> /path/of/disk\"";
		if ((why = sv_cfg_path_problem(rest)))
			return why;
		return (e->path = strdup(rest)) ? NULL : "out of memory";
	case SV_GOPT_SECLABEL:
		if (!rest)
			return "expected \"<name or uuid> cA,cB\" or \"<name or uuid> <label>\"";
		if ((why = seclabel_problem(rest, e)))
			return why;
		if (strncmp(rest, "c", 1) != 0 && !(e->label = strdup(rest)))
			return "out of memory";
		return NULL;
	}
	return "unknown option";
}

int sv_cfg_guest_set(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		     struct sv_config *c)
{
	enum sv_guest_opt kind = kind_of(k);
	XLU_ConfigList *list;
	int cnt, r;

	r = xlu_cfg_get_list(p->xlu, sv_cfg_key_names[k], &list, &cnt, 1);
	if (r == EINVAL)
		return sv_cfg_fail_key(p, k, "expected a list: [ \"<name or uuid> ...\", ... ]");
	if (r != 0)
		return sv_cfg_fail_key(p, k, "libxlutil does not see this key");
	if ((size_t)cnt > SV_CONFIG_MAX_GUESTS - c->nguests)
		return sv_cfg_fail_key(p, k, "too many guest entries");
	for (int i = 0; i < cnt; i++) {
		const char *item = xlu_cfg_get_listitem(list, i);
		struct sv_guest_entry e = { .kind = kind, .line = p->line[k] };
		struct sv_guest_entry *v;
		const char *why;

		if (!item)
			return sv_cfg_fail_key(p, k, "list items must be \"strings\"");
		if ((why = item_parse(kind, item, &e))) {
			entry_free(&e);
			return sv_cfg_fail_value(p, k, item, why);
		}
		if (!(v = reallocarray(c->guests, c->nguests + 1, sizeof(*v)))) {
			entry_free(&e);
			return -ENOMEM;
		}
		c->guests = v;
		c->guests[c->nguests++] = e;
	}
	return 0;
}

static int entry_fail(const struct sv_cfg_parse *p, const struct sv_guest_entry *e,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int entry_fail(const struct sv_cfg_parse *p, const struct sv_guest_entry *e,
		      const char *fmt, ...)
{
	char why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return sv_fail(p->err, EINVAL, "%s:%u: %s: \"%s\": %s", p->name, e->line,
		       sv_cfg_key_names[key_of(e->kind)], e->guest, why);
}

static bool same_disk(const struct sv_guest_entry *a, const struct sv_guest_entry *b)
{
	if (!a->path || !b->path)
		return !a->path && !b->path;
	return strcmp(a->path, b->path) == 0;
}

/* A full label must be the device model's label at its pair: the type,
 * user, role and sensitivity of process_context. */
static int check_label(const struct sv_cfg_parse *p, const struct sv_config *c,
		       const struct sv_guest_entry *e)
{
	const struct sv_context *base = &c->bases.process;
	struct sv_context ctx;
	struct sv_error err;

	if (sv_context_parse(e->label, &ctx, &err) < 0)
		return entry_fail(p, e, "%s", err.msg);
	if (strcmp(ctx.user, base->user) || strcmp(ctx.role, base->role) ||
	    strcmp(ctx.type, base->type))
		return entry_fail(p, e, "%s is not process_context's %s:%s:%s "
				  "at a pair", e->label, base->user, base->role,
				  base->type);
	if (ctx.range.low.sens != base->range.low.sens)
		return entry_fail(p, e, "%s is not at process_context's "
				  "sensitivity s%u", e->label, base->range.low.sens);
	return 0;
}

int sv_cfg_guest_check(const struct sv_cfg_parse *p, const struct sv_config *c)
{
	for (size_t i = 0; i < c->nguests; i++) {
		const struct sv_guest_entry *e = &c->guests[i];
		int r;

		for (size_t j = 0; j < i; j++) {
			const struct sv_guest_entry *f = &c->guests[j];

			if (f->kind != e->kind)
				continue;
			if (strcmp(f->guest, e->guest) == 0 && same_disk(e, f))
				return entry_fail(p, e, "given twice");
			if (e->kind == SV_GOPT_SECLABEL && f->pair.a == e->pair.a &&
			    f->pair.b == e->pair.b)
				return entry_fail(p, e, "c%u,c%u is already guest "
						  "%s's (line %u): no two guests "
						  "share a pair", e->pair.a,
						  e->pair.b, f->guest, f->line);
		}
		switch (e->kind) {
		case SV_GOPT_SECLABEL:
			if (e->pair.a < c->cat_lo || e->pair.b > c->cat_hi)
				return entry_fail(p, e, "c%u,c%u is outside "
						  "categories c%u.c%u", e->pair.a,
						  e->pair.b, c->cat_lo, c->cat_hi);
			if (e->label && (r = check_label(p, c, e)) < 0)
				return r;
			break;
		case SV_GOPT_RELABEL_NO:
			if (e->path)
				break;
			{
				struct sv_guest_opts o;

				if (sv_config_guest_opts(c, e->by_uuid ? e->guest : NULL,
							 e->by_uuid ? NULL : e->guest,
							 &o, NULL) < 0 || !o.has_pair)
					return entry_fail(p, e, "relabel off for a "
							  "whole guest needs its static "
							  "pair in guest_seclabel (its "
							  "disks must carry a pair known "
							  "beforehand)");
			}
			break;
		case SV_GOPT_SHARED:
			if (!sv_config_path_under_root(c, e->path))
				return entry_fail(p, e, "%s is not under any "
						  "relabel root", e->path);
			break;
		case SV_GOPT_NETWORK_OFF:
			break;
		}
	}
	return 0;
}

/* ---- lookups ---- */

static bool names(const struct sv_guest_entry *e, const char *uuid,
		  const char *name)
{
	if (e->by_uuid)
		return uuid && strcmp(e->guest, uuid) == 0;
	return name && *name && strcmp(e->guest, name) == 0;
}

int sv_config_guest_opts(const struct sv_config *c, const char *uuid,
			 const char *name, struct sv_guest_opts *o,
			 struct sv_error *err)
{
	struct sv_guest_opts n = { 0 };
	const struct sv_guest_entry *pair_of = NULL;

	for (size_t i = 0; i < c->nguests; i++) {
		const struct sv_guest_entry *e = &c->guests[i];

		if (!names(e, uuid, name))
			continue;
		switch (e->kind) {
		case SV_GOPT_SECLABEL:
			if (pair_of && (pair_of->pair.a != e->pair.a ||
					pair_of->pair.b != e->pair.b))
				return sv_fail(err, EINVAL, "guest_seclabel gives "
					       "it c%u,c%u as %s and c%u,c%u as %s",
					       pair_of->pair.a, pair_of->pair.b,
					       pair_of->guest, e->pair.a,
					       e->pair.b, e->guest);
			pair_of = e;
			n.has_pair = true;
			n.pair = e->pair;
			break;
		case SV_GOPT_RELABEL_NO:
			n.relabel_no |= !e->path;
			break;
		case SV_GOPT_NETWORK_OFF:
			n.network_off = true;
			break;
		case SV_GOPT_SHARED:
			break;
		}
	}
	*o = n;
	return 0;
}

bool sv_config_guest_disk(const struct sv_config *c, enum sv_guest_opt kind,
			  const char *uuid, const char *name, const char *path)
{
	for (size_t i = 0; i < c->nguests; i++) {
		const struct sv_guest_entry *e = &c->guests[i];

		if (e->kind == kind && e->path && strcmp(e->path, path) == 0 &&
		    names(e, uuid, name))
			return true;
	}
	return false;
}

bool sv_config_pair_static(const struct sv_config *c, struct sv_pair p)
{
	for (size_t i = 0; i < c->nguests; i++)
		if (c->guests[i].kind == SV_GOPT_SECLABEL &&
		    c->guests[i].pair.a == p.a && c->guests[i].pair.b == p.b)
			return true;
	return false;
}
