/* xl_report.c: svirt-xl list's table and JSON, and verify's drift check, over
 * domains gathered from libxl, svirtd's LIST and the state store. */
#include "xl_report.h"

#include <errno.h>
#include <string.h>

#include "json_out.h"
#include "mcs.h"
#include "outside.h"

void sv_xl_report_clear(struct sv_xl_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct sv_xl_domain *d = &r->doms[i];

		free(d->name);
		free(d->flask_label);
		free(d->record_error);
		free(d->outside);
		sv_record_clear(&d->record);
	}
	free(r->doms);
	memset(r, 0, sizeof(*r));
}

struct sv_xl_domain *sv_xl_report_add(struct sv_xl_report *r)
{
	struct sv_xl_domain *v = realloc(r->doms, (r->n + 1) * sizeof(*v));

	if (!v)
		return NULL;
	r->doms = v;
	memset(&v[r->n], 0, sizeof(v[r->n]));
	v[r->n].domid = -1;
	return &v[r->n++];
}

int sv_xl_report_merge(struct sv_xl_report *r,
		       const struct sv_control_reply *list)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct sv_control_entry *e = &list->entries[i];
		struct sv_xl_domain *d = NULL;

		for (size_t j = 0; e->domid >= 0 && j < r->n; j++)
			if (r->doms[j].domid == e->domid)
				d = &r->doms[j];
		if (!d) {
			if (!(d = sv_xl_report_add(r)))
				return -ENOMEM;
			d->domid = e->domid;
			memcpy(d->uuid, e->uuid, sizeof(d->uuid));
		}
		d->has_entry = true;
		d->entry = *e;
	}
	return 0;
}

int sv_xl_report_add_outside(struct sv_xl_report *r, struct xs_handle *xs)
{
	struct sv_error err = { .msg = "" };
	char msg[sizeof(err.msg) + 16];
	int ret = 0;

	for (size_t i = 0; i < r->n; i++) {
		struct sv_xl_domain *d = &r->doms[i];

		if (!d->has_entry || d->domid <= 0)
			continue;
		free(d->outside);
		d->outside = NULL;
		if (xs && sv_outside_read_published(xs, d->domid, &d->outside,
						    &err) == 0)
			continue;
		snprintf(msg, sizeof(msg), "cannot tell: %s",
			 xs ? err.msg : "xenstore unreachable");
		d->outside = strdup(msg);
		ret = -EIO;
	}
	return ret;
}

static int cmp_dom(const void *a, const void *b)
{
	const struct sv_xl_domain *x = a, *y = b;

	if ((x->domid < 0) != (y->domid < 0))
		return x->domid < 0 ? 1 : -1;
	if (x->domid != y->domid)
		return x->domid < y->domid ? -1 : 1;
	return strcmp(x->uuid, y->uuid);
}

void sv_xl_report_sort(struct sv_xl_report *r)
{
	if (r->n > 1)
		qsort(r->doms, r->n, sizeof(*r->doms), cmp_dom);
}

/* ---- JSON ---- */

void sv_xl_domain_json_fields(FILE *f, const struct sv_xl_domain *d)
{
	const struct sv_control_entry *e = d->has_entry ? &d->entry : NULL;
	char pair[SV_PAIR_STRMAX] = "";

	if (e && sv_pair_format(e->pair, pair, sizeof(pair)) < 0)
		pair[0] = '\0';
	if (d->domid >= 0)
		fprintf(f, "\"domid\": %d, ", d->domid);
	else
		fputs("\"domid\": null, ", f);
	sv_json_key(f, "name", d->name, true);
	sv_json_key(f, "uuid", d->uuid[0] ? d->uuid : NULL, true);
	sv_json_key(f, "run_state", d->run_state, true);
	sv_json_key(f, "svirt_state", e ? sv_dom_state_name(e->state) : NULL, true);
	sv_json_key(f, "pair", e ? pair : NULL, true);
	sv_json_key(f, "label", e ? e->process_label : NULL, true);
	sv_json_key(f, "image_label", e ? e->image_label : NULL, true);
	sv_json_key(f, "flask_label", d->flask_label, true);
	sv_json_key(f, "reason", e && e->state == SV_STATE_ERROR ? e->reason : NULL,
		 true);
	if (e && e->target)
		fprintf(f, "\"stub_domain_of\": %d, ", e->target);
	else
		fputs("\"stub_domain_of\": null, ", f);
	sv_json_key(f, "objects_error", d->record_error, true);
	sv_json_key(f, "outside_backends", d->outside, true);
}

static void json_domain(FILE *f, const struct sv_xl_domain *d)
{
	fputs("    {", f);
	sv_xl_domain_json_fields(f, d);
	fputs("\"objects\": [", f);
	for (size_t i = 0; i < d->record.nobjects; i++) {
		const struct sv_object *o = &d->record.objects[i];

		fputs(i ? ", {" : "{", f);
		sv_json_key(f, "path", o->path, true);
		sv_json_key(f, "label", o->label, true);
		sv_json_key(f, "original", o->orig_label, false);
		fputc('}', f);
	}
	fputs("]}", f);
}

void sv_xl_report_json(FILE *f, const struct sv_xl_report *r)
{
	fprintf(f, "{\"flask\": %s, \"domains\": [", r->flask ? "true" : "false");
	for (size_t i = 0; i < r->n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_domain(f, &r->doms[i]);
	}
	fputs(r->n ? "\n]}\n" : "]}\n", f);
}

/* ---- table ---- */

/* svirtd's report, whole (sv_quote would cut it), control bytes as '?'. */
static void put_outside(FILE *f, const char *s)
{
	fputs("      backends outside dom0: ", f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fputc(*p < 0x20 || *p >= 0x7f ? '?' : *p, f);
	fputc('\n', f);
}

/* Untrusted text (a guest's name, a path) without control bytes. */
static const char *shown(char *buf, size_t size, const char *s)
{
	return s ? sv_quote(buf, size, s, strlen(s)) : "-";
}

/* The name of domid's row, or NULL. */
static const char *guest_name(const struct sv_xl_report *r, int domid)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->doms[i].domid == domid)
			return r->doms[i].name;
	return NULL;
}

void sv_xl_report_text(FILE *f, const struct sv_xl_report *r)
{
	char q[SV_QUOTE_BUF], p[SV_QUOTE_BUF];

	fprintf(f, "%-5s %-16s %-36s %-8s %-9s %-11s %s\n", "DOMID", "NAME",
		"UUID", "STATE", "SVIRT", "PAIR", "FLASK");
	for (size_t i = 0; i < r->n; i++) {
		const struct sv_xl_domain *d = &r->doms[i];
		const struct sv_control_entry *e = d->has_entry ? &d->entry : NULL;
		char pair[SV_PAIR_STRMAX] = "-", id[16] = "-";

		if (e && sv_pair_format(e->pair, pair, sizeof(pair)) < 0)
			strcpy(pair, "?");
		if (d->domid >= 0)
			snprintf(id, sizeof(id), "%d", d->domid);
		fprintf(f, "%-5s %-16s %-36s %-8s %-9s %-11s %s\n", id,
			shown(q, sizeof(q), d->name), d->uuid[0] ? d->uuid : "-",
			d->run_state ? d->run_state : "-",
			e ? sv_dom_state_name(e->state) : "-", pair,
			d->flask_label ? d->flask_label : "-");
		if (e)
			fprintf(f, "      dom0 label %s\n", e->process_label);
		if (e && e->target)
			fprintf(f, "      stub domain of %s (domain %d): its "
				"objects are the guest's\n",
				shown(q, sizeof(q), guest_name(r, e->target)),
				e->target);
		if (e && e->state == SV_STATE_ERROR)
			fprintf(f, "      error: %s\n",
				shown(q, sizeof(q), e->reason));
		if (d->outside)
			put_outside(f, d->outside);
		if (d->record_error)
			fprintf(f, "      objects unknown: %s\n", d->record_error);
		for (size_t j = 0; j < d->record.nobjects; j++)
			fprintf(f, "      %s %s\n",
				shown(p, sizeof(p), d->record.objects[j].path),
				d->record.objects[j].label);
	}
}

/* ---- verify ---- */

static void say(FILE *out, const struct sv_xl_domain *d, const char *what)
{
	char q[SV_QUOTE_BUF];

	fprintf(out, "domain %d (%s): %s\n", d->domid,
		shown(q, sizeof(q), d->name), what);
}

static size_t verify_domain(const struct sv_xl_domain *d,
			    sv_label_reader read_label, void *arg, FILE *out,
			    size_t *checked)
{
	char msg[SV_CONTEXT_MAX * 2 + SV_QUOTE_BUF + 64];
	char cur[SV_CONTEXT_MAX], q[SV_QUOTE_BUF];
	size_t bad = 0;

	if (d->entry.state == SV_STATE_ERROR) {
		snprintf(msg, sizeof(msg), "svirtd refused it: %s",
			 shown(q, sizeof(q), d->entry.reason));
		say(out, d, msg);
		bad++;
	}
	/* Not a problem of labels, which it cannot check there: a note, so
	 * that the guest does not pass for wholly isolated. */
	if (d->outside) {
		snprintf(msg, sizeof(msg), "note: backends outside dom0, which "
			 "svirt-xen does not label: %s", d->outside);
		say(out, d, msg);
	}
	if (d->record_error) {
		snprintf(msg, sizeof(msg), "its record cannot be read: %s",
			 d->record_error);
		say(out, d, msg);
		return bad + 1;
	}
	for (size_t i = 0; i < d->record.nobjects; i++) {
		const struct sv_object *o = &d->record.objects[i];
		int r = read_label(arg, o->path, cur, sizeof(cur));

		++*checked;
		shown(q, sizeof(q), o->path);
		if (r < 0)
			snprintf(msg, sizeof(msg), "%s: cannot read its label (%s), expected %s",
				 q, strerror(-r), o->label);
		else if (strcmp(cur, o->label) != 0)
			snprintf(msg, sizeof(msg), "%s: carries %s, expected %s",
				 q, cur, o->label);
		else
			continue;
		say(out, d, msg);
		bad++;
	}
	return bad;
}

size_t sv_xl_verify(const struct sv_xl_report *r, sv_label_reader read_label,
		    void *arg, FILE *out, size_t *checked)
{
	size_t bad = 0;

	*checked = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct sv_xl_domain *d = &r->doms[i];

		/* A reservation has no objects yet; an allocated domain is
		 * still being labelled: its record lists objects before they
		 * are relabelled. */
		if (!d->has_entry || d->domid < 0 ||
		    d->entry.state == SV_STATE_ALLOCATED)
			continue;
		bad += verify_domain(d, read_label, arg, out, checked);
	}
	return bad;
}

const char *sv_xl_disks_unlabelled(const struct sv_record *rec,
				   char *const *paths, size_t n,
				   sv_label_reader read_label, void *arg)
{
	char cur[SV_CONTEXT_MAX];

	for (size_t i = 0; i < n; i++) {
		const struct sv_object *o = NULL;

		for (size_t j = 0; j < rec->nobjects && !o; j++)
			if (strcmp(rec->objects[j].path, paths[i]) == 0)
				o = &rec->objects[j];
		if (!o || read_label(arg, o->path, cur, sizeof(cur)) < 0 ||
		    strcmp(cur, o->label) != 0)
			return paths[i];
	}
	return NULL;
}

/* --- issue 16 item 8: svirt-xl create of an HVM guest with a stub domain --- */
int sv_xl_stub_check(const struct sv_control_entry *e, int stub_domid,
		     int guest_domid, struct sv_pair pair,
		     const char *flask_label, const char *dm_label,
		     char *why, size_t size)
{
	char q[SV_QUOTE_BUF];

	if (e->domid != stub_domid)
		snprintf(why, size, "svirtd answered for domain %d", e->domid);
	else if (e->state != SV_STATE_LABELLED)
		snprintf(why, size, "svirtd refused to label it: %s",
			 sv_quote(q, sizeof(q), e->reason, strlen(e->reason)));
	else if (e->target != guest_domid)
		snprintf(why, size, "svirtd does not hold it as domain %d's stub "
			 "domain (%s)", guest_domid,
			 e->target ? "it names another target" : "it names no target");
	else if (e->pair.a != pair.a || e->pair.b != pair.b)
		snprintf(why, size, "svirtd gave it another pair than its guest's");
	else if (dm_label && (!flask_label || strcmp(flask_label, dm_label) != 0))
		snprintf(why, size, "Xen labels it %s, not %s",
			 flask_label ? flask_label : "(none)", dm_label);
	else
		return 0;
	return -EPERM;
}
