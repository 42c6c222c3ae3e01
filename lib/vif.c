/* vif.c: a domain's vifs from dom0's backend tree (hotplug-status, svirt-plugged,
 * vifname), checked before any of it names an interface svirt labels. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "discover.h"
#include "netlabel.h"
#include "vif.h"

/* A backend node name: the devid, decimal, no leading zero. */
static int parse_devid(const char *s, unsigned *out)
{
	unsigned long v = 0;

	if (!*s || (s[0] == '0' && s[1]) || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 5)
		return -EINVAL;
	v = strtoul(s, NULL, 10);
	if (v > 65535)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int read_opt(struct xs_handle *xs, const char *path, char **out,
		    struct sv_error *err)
{
	int r = sv_xs_read_dom0(xs, path, out, err);

	if (r == -ENOENT) {
		*out = NULL;
		return 0;
	}
	return r;
}

int sv_discover_vifs(struct xs_handle *xs, int domid, struct sv_vifs *out,
		     struct sv_error *err)
{
	struct sv_vifs found = { .n = 0 };
	char dir[64], path[96];
	unsigned n = 0;
	char **names;
	int r = 0;

	snprintf(dir, sizeof(dir), "/local/domain/0/backend/vif/%d", domid);
	if (!(names = xs_directory(xs, XBT_NULL, dir, &n))) {
		if (errno == ENOENT) {
			out->n = 0;
			return 0;
		}
		return sv_fail(err, errno, "%s: %s", dir, strerror(errno));
	}
	for (unsigned i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *vifname = NULL, *status = NULL, *plugged = NULL;
		unsigned devid;

		if (parse_devid(names[i], &devid) < 0)
			continue;	/* not a device node */
		if (found.n == SV_VIFS_MAX) {
			r = sv_fail(err, E2BIG, "domain %d has more than %d vifs",
				    domid, SV_VIFS_MAX);
			break;
		}
		snprintf(path, sizeof(path), "%s/%u/vifname", dir, devid);
		if ((r = read_opt(xs, path, &vifname, err)) < 0)
			break;
		snprintf(path, sizeof(path), "%s/%u/hotplug-status", dir, devid);
		if ((r = read_opt(xs, path, &status, err)) < 0)
			break;
		snprintf(path, sizeof(path), "%s/%u/" SV_VIF_PLUGGED_NODE, dir, devid);
		if ((r = read_opt(xs, path, &plugged, err)) < 0)
			break;
		r = sv_vif_parse(domid, devid, vifname, status, plugged,
				 &found.v[found.n], err);
		if (r == 0)
			found.n++;
	}
	free(names);
	if (r < 0)
		return r;
	*out = found;
	return 0;
}
