/* vif_name.c: the names of a guest's vif and emulated NIC, from its backend values and
 * as interface names, checked before any of them names an interface svirt labels; pure,
 * so that tools without Xen's libraries (the SELinux host's svirt-nettool) link it. */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
		 const char *hotplug_status, const char *plugged,
		 struct sv_vif *out, struct sv_error *err)
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
	v.connected = (hotplug_status && strcmp(hotplug_status, "connected") == 0) ||
		      (plugged && strcmp(plugged, "1") == 0);
	*out = v;
	return 0;
}

/* By sysfs, not if_nametoindex: its SIOCGIFINDEX for a name no interface
 * has makes the kernel try to load a module of that name, which checks
 * CAP_SYS_MODULE (an AVC for svirtd_t, which must not load modules). */
static bool iface_exists(const char *name)
{
	char path[sizeof("/sys/class/net/") + IFNAMSIZ];

	if (!sv_ifname_valid(name))
		return false;
	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return access(path, F_OK) == 0;
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
