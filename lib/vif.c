/* vif.c: a domain's vifs from dom0's backend tree (hotplug-status, vifname), checked
 * before any of it names an interface svirt labels. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "discover.h"
#include "netlabel.h"
#include "vif.h"

/* Decimal digits at *s up to stop (a char not a digit), no leading zero,
 * at most max; *s moved past them. */
static bool decimal(const char **s, unsigned long max, unsigned long *out)
{
	const char *p = *s;
	unsigned long v = 0;
	size_t n = strspn(p, "0123456789");

	if (n == 0 || n > 5 || (p[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned long)(p[i] - '0');
	if (v > max)
		return false;
	*out = v;
	*s = p + n;
	return true;
}

int sv_vif_name_parse(const char *name, int *domid, unsigned *devid, bool *emu,
		      struct sv_error *err)
{
	char q[SV_QUOTE_BUF];
	const char *p = name;
	unsigned long d, n;
	bool e = false;

	if (!name)
		return sv_fail(err, EINVAL, "no interface name");
	if (strnlen(name, IFNAMSIZ) >= IFNAMSIZ)
		return sv_fail(err, EINVAL, "interface name \"%s\" is longer than "
			       "%d characters", sv_quote(q, sizeof(q), name,
							strnlen(name, 64)),
			       IFNAMSIZ - 1);
	if (strncmp(p, "vif", 3) != 0)
		goto bad;
	p += 3;
	if (!decimal(&p, 32751, &d) || d == 0 || *p++ != '.' ||
	    !decimal(&p, 65535, &n))
		goto bad;
	if (*p) {
		if (strcmp(p, SV_VIF_EMU_SUFFIX) != 0)
			goto bad;
		e = true;
	}
	*domid = (int)d;
	*devid = (unsigned)n;
	*emu = e;
	return 0;
bad:
	return sv_fail(err, EINVAL, "interface name \"%s\" is neither "
		       "vifD.N nor vifD.N" SV_VIF_EMU_SUFFIX " of a guest",
		       sv_quote(q, sizeof(q), name, strlen(name)));
}

/* A vifname must not pass for another device's name, as libxl forms them. */
static int vifname_owned(int domid, unsigned devid, const char *vifname,
			 struct sv_error *err)
{
	size_t len = strlen(vifname), sl = strlen(SV_VIF_EMU_SUFFIX);
	char q[SV_QUOTE_BUF];
	unsigned d_n;
	bool emu;
	int d;

	if (len >= sl && strcmp(vifname + len - sl, SV_VIF_EMU_SUFFIX) == 0)
		return sv_fail(err, EINVAL, "domain %d vif %u: vifname \"%s\" ends "
			       "in \"" SV_VIF_EMU_SUFFIX "\", the suffix of "
			       "an emulated NIC", domid, devid,
			       sv_quote(q, sizeof(q), vifname, len));
	if (sv_vif_name_parse(vifname, &d, &d_n, &emu, NULL) == 0 &&
	    (d != domid || d_n != devid))
		return sv_fail(err, EINVAL, "domain %d vif %u: vifname \"%s\" is "
			       "the name of domain %d's vif %u", domid, devid,
			       sv_quote(q, sizeof(q), vifname, len), d, d_n);
	return 0;
}

int sv_vif_parse(int domid, unsigned devid, const char *vifname,
		 const char *hotplug_status, struct sv_vif *out,
		 struct sv_error *err)
{
	struct sv_vif v = { .devid = devid };
	char q[SV_QUOTE_BUF];
	int n;

	if (domid < 1 || domid > 32751)
		return sv_fail(err, EINVAL, "vif: domain %d is not a guest", domid);
	if (vifname) {
		if (!sv_ifname_valid(vifname))
			return sv_fail(err, EINVAL, "domain %d vif %u: vifname \"%s\" "
				       "is not a valid interface name", domid, devid,
				       sv_quote(q, sizeof(q), vifname,
						strnlen(vifname, 64)));
		if ((n = vifname_owned(domid, devid, vifname, err)) < 0)
			return n;
		strcpy(v.name, vifname);
	} else {
		n = snprintf(v.name, sizeof(v.name), "vif%d.%u", domid, devid);
		if (n < 0 || (size_t)n >= sizeof(v.name))
			return sv_fail(err, EINVAL, "domain %d vif %u: the name "
				       "vif%d.%u is longer than an interface name",
				       domid, devid, domid, devid);
	}
	if (strlen(v.name) + strlen(SV_VIF_EMU_SUFFIX) < sizeof(v.emu))
		snprintf(v.emu, sizeof(v.emu), "%s" SV_VIF_EMU_SUFFIX, v.name);
	v.connected = hotplug_status && strcmp(hotplug_status, "connected") == 0;
	*out = v;
	return 0;
}

static bool iface_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

size_t sv_vif_ports(const struct sv_vif *v, bool (*exists)(const char *name),
		    char out[2][IFNAMSIZ])
{
	size_t n = 0;

	if (v->connected)
		strcpy(out[n++], v->name);
	if (v->emu[0] && (exists ? exists : iface_exists)(v->emu))
		strcpy(out[n++], v->emu);
	return n;
}

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
		_cleanup_free_ char *vifname = NULL, *status = NULL;
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
		r = sv_vif_parse(domid, devid, vifname, status, &found.v[found.n], err);
		if (r == 0)
			found.n++;
	}
	free(names);
	if (r < 0)
		return r;
	*out = found;
	return 0;
}
