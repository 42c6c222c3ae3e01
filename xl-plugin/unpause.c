/* unpause.c: svirt-xl unpause GUEST: a paused guest runs only once svirtd has labelled it and
 * its disks, at the pair of its Flask label; restore and migrate end with the same check. */
#include "svirt-xl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sv_xl_parse_unpause(int argc, char **argv, struct sv_xl_args *a)
{
	if (argc != 2 || argv[1][0] == '-' || !argv[1][0]) {
		fprintf(stderr, "svirt-xl unpause: %s\n", argc < 2 ? "no guest given" :
			argc > 2 ? "give one guest: its domid, uuid or name" :
			"it takes no options, only the guest");
		return -1;
	}
	a->guest = argv[1];
	return 0;
}

int sv_xl_find_domain(struct sv_xl *x, const char *cmd, const char *key,
		      char uuid[SV_UUID_BUF], char **name)
{
	struct sv_error err = { .msg = "" };
	char want[SV_UUID_BUF], id[SV_UUID_BUF];
	bool by_domid = key[0] && strspn(key, "0123456789") == strlen(key);
	bool by_uuid = sv_uuid_normalise(key, want, &err) == 0;
	libxl_dominfo *info;
	int n = 0, found = -1, more = 0;

	if (!(info = libxl_list_domain(x->ctx, &n))) {
		fprintf(stderr, "svirt-xl %s: libxl cannot list the domains\n", cmd);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *nm = NULL;
		bool match;

		snprintf(id, sizeof(id), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(info[i].uuid));
		if (by_domid)
			match = strtoul(key, NULL, 10) == info[i].domid;
		else if (by_uuid)
			match = strcmp(id, want) == 0;
		else
			match = (nm = libxl_domid_to_name(x->ctx, info[i].domid)) &&
				strcmp(nm, key) == 0;
		free(nm);
		if (!match)
			continue;
		if (found >= 0) {
			more++;
			continue;
		}
		found = (int)info[i].domid;
		memcpy(uuid, id, SV_UUID_BUF);
	}
	libxl_dominfo_list_free(info, n);
	if (found < 0 || more) {
		fprintf(stderr, "svirt-xl %s: %s \"%s\"%s\n", cmd, found < 0 ?
			"no domain" : "more than one domain is", key,
			found < 0 ? "" : ": name it by domid or uuid");
		return -1;
	}
	if (found == 0) {
		fprintf(stderr, "svirt-xl %s: \"%s\" is dom0\n", cmd, key);
		return -1;
	}
	*name = libxl_domid_to_name(x->ctx, (uint32_t)found);
	return found;
}

int sv_xl_unpause_labelled(struct sv_xl *x, const char *cmd, int domid,
			   const char *uuid, struct sv_pair *out)
{
	struct sv_error err = { .msg = "" };
	char why[SV_CONTEXT_MAX * 3 + 128], dm[SV_CONTEXT_MAX], id[SV_UUID_BUF];
	int f = x->conf.flask == SV_XL_FLASK_OFF ? 0 : sv_xl_flask_enabled(x);
	struct sv_pair pair;
	libxl_dominfo info;
	bool paused;
	int r = 0;

	if (f < 0) {
		fprintf(stderr, "svirt-xl %s: domain %d: cannot tell whether Xen runs "
			"Flask: %s\n", cmd, domid, strerror(-f));
		return -1;
	}
	if (sv_xl_wait_labelled(x, cmd, domid, NULL, &pair) < 0 ||
	    sv_xl_wait_disks(x, cmd, domid, uuid) < 0)
		return -1;
	libxl_dominfo_init(&info);
	if (libxl_domain_info(x->ctx, &info, (uint32_t)domid) != 0) {
		libxl_dominfo_dispose(&info);
		fprintf(stderr, "svirt-xl %s: domain %d is gone\n", cmd, domid);
		return -1;
	}
	snprintf(id, sizeof(id), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(info.uuid));
	paused = info.paused;
	if (strcmp(id, uuid) != 0) {
		fprintf(stderr, "svirt-xl %s: domain %d is another guest now (uuid %s, "
			"not %s)\n", cmd, domid, id, uuid);
		r = -1;
	} else if (f > 0 && sv_xl_flask_verdict(&x->conf.flask_guest, pair,
						info.ssid_label, why, sizeof(why)) < 0) {
		fprintf(stderr, "svirt-xl %s: domain %d: %s\n", cmd, domid, why);
		r = -1;
	}
	libxl_dominfo_dispose(&info);
	if (r < 0)
		return -1;
	/* A stub device model libxl made for it (an HVM guest's) must be
	 * bound to it, at its pair, before the guest runs. */
	if (f > 0 && sv_xl_flask_label(&x->conf.flask_dm, pair, dm, sizeof(dm), &err) < 0) {
		fprintf(stderr, "svirt-xl %s: domain %d: %s\n", cmd, domid, err.msg);
		return -1;
	}
	if (sv_xl_wait_stub(x, cmd, domid, libxl_get_stubdom_id(x->ctx, (uint32_t)domid) > 0,
			    pair, f > 0 ? dm : NULL) < 0)
		return -1;
	if (out)
		*out = pair;
	if (!paused)
		return 0;	/* someone ran it already; its labels are right */
	if (libxl_domain_unpause(x->ctx, (uint32_t)domid, NULL) != 0) {
		fprintf(stderr, "svirt-xl %s: domain %d: cannot unpause\n", cmd, domid);
		return -1;
	}
	return 0;
}

int sv_xl_cmd_unpause(struct sv_xl *x, const struct sv_xl_args *a)
{
	_cleanup_free_ char *name = NULL;
	char uuid[SV_UUID_BUF], p[SV_PAIR_STRMAX];
	struct sv_pair pair;
	int domid = sv_xl_find_domain(x, "unpause", a->guest, uuid, &name);

	if (domid < 0)
		return 1;
	if (sv_xl_unpause_labelled(x, "unpause", domid, uuid, &pair) < 0) {
		fprintf(stderr, "svirt-xl unpause: domain %d (%s, uuid %s) is left paused\n",
			domid, name ? name : "?", uuid);
		return 1;
	}
	sv_pair_format(pair, p, sizeof(p));
	printf("svirt-xl: domain %d (%s, uuid %s) labelled with pair %s, unpaused\n",
	       domid, name ? name : "?", uuid, p);
	return 0;
}
