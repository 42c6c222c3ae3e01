/* xl_guest.c: the svirt_* keys of a guest's xl config (issue 17 item 4), libvirt's
 * <seclabel> in xl's syntax: svirt_seclabel (a static pair or label), svirt_network. */
#include "xl_guest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

/* A key set elsewhere in svirt-xen than in the guest's config for now. */
struct elsewhere {
	const char *key;
	const char *where;
};

static const struct elsewhere elsewhere[] = {
	{ "svirt_relabel", "guest_relabel_no" },
	{ "svirt_shared_disks", "guest_shared_images" },
};

static int fail(const struct sv_xlcfg_stmt *s, const char *why,
		struct sv_error *err)
{
	return sv_fail(err, EINVAL, "%s:%u: %s: %s", s->src, s->line, s->key,
		       why);
}

static int one(const struct sv_xlcfg *c, const struct sv_xlcfg_stmt *s,
	       struct sv_xl_guest *g, struct sv_error *err)
{
	char why[160];
	const char *w;

	for (size_t i = 0; i < sizeof(elsewhere) / sizeof(elsewhere[0]); i++)
		if (strcmp(s->key, elsewhere[i].key) == 0) {
			snprintf(why, sizeof(why), "svirt-xl cannot hand this to "
				 "svirtd yet: set %s in svirt.conf",
				 elsewhere[i].where);
			return fail(s, why, err);
		}
	if (strcmp(s->key, "svirt_seclabel") == 0) {
		if (s->is_list)
			return fail(s, "expected a \"string\", not a list", err);
		if ((w = sv_guest_seclabel_parse(s->values[0], &g->pair)))
			return fail(s, w, err);
		if (strlen(s->values[0]) >= sizeof(g->label))
			return fail(s, "too long", err);
		g->has_pair = true;
		if (s->values[0][0] != 'c')
			snprintf(g->label, sizeof(g->label), "%s", s->values[0]);
		return 0;
	}
	if (strcmp(s->key, "svirt_network") == 0) {
		if (s->is_list || (strcmp(s->values[0], "on") != 0 &&
				   strcmp(s->values[0], "off") != 0))
			return fail(s, "expected \"on\" or \"off\"", err);
		g->network_off = strcmp(s->values[0], "off") == 0;
		if (g->network_off && c->nvifs > 0) {
			snprintf(why, sizeof(why), "\"off\", but the guest has "
				 "%zu vif(s): a guest without network has none",
				 c->nvifs);
			return fail(s, why, err);
		}
		return 0;
	}
	return fail(s, "unknown svirt-xl key (svirt_seclabel, svirt_network)",
		    err);
}

int sv_xl_guest_parse(const struct sv_xlcfg *c, struct sv_xl_guest *out,
		      struct sv_error *err)
{
	struct sv_xl_guest g = { .has_pair = false };
	int r;

	for (size_t i = 0; i < c->n; i++)
		if (strncmp(c->stmts[i].key, "svirt_", 6) == 0 &&
		    (r = one(c, &c->stmts[i], &g, err)) < 0)
			return r;
	*out = g;
	return 0;
}
