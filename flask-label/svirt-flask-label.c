/* svirt-flask-label.c: prints one domain's Flask label, asked of the hypervisor through libxc
 * (its ssidref from getdomaininfo, turned into a context by Flask's sid_to_context). svirtd runs
 * it per new domain so that svirtd itself holds no hypercall power (issue 17 item 3): only
 * this program's domain (svirt_flasklabel_t) may use privcmd. Exit status: see flask_label.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <xenctrl.h>

#include "flask_label.h"
#include "outside.h"
#include "store.h"

static bool not_flask(int e)
{
	return e == ENOSYS || e == EOPNOTSUPP;
}

static bool absent(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 && errno == ENOENT;
}

int main(int argc, char **argv)
{
	char ctx[SV_FLASK_LABEL_MAX + 1];
	xc_dominfo_t info;
	unsigned domid;
	int n, e;
	xc_interface *xch;

	if (argc != 2 || sv_outside_domid_parse(argv[1], &domid) < 0) {
		fprintf(stderr, "usage: svirt-flask-label DOMID (decimal, "
			"0..%d)\n", SV_DOMID_MAX);
		return SV_FLASK_EXIT_USAGE;
	}
	/* No privcmd at all: not a Xen dom0 (the SELinux-only host). */
	if (absent("/dev/xen/privcmd") && absent("/proc/xen/privcmd")) {
		fprintf(stderr, "svirt-flask-label: no /dev/xen/privcmd: no "
			"hypervisor\n");
		return SV_FLASK_EXIT_NO_XEN;
	}
	if (!(xch = xc_interface_open(NULL, NULL, 0))) {
		fprintf(stderr, "svirt-flask-label: cannot open libxc: %s\n",
			strerror(errno));
		return SV_FLASK_EXIT_ERROR;
	}
	memset(&info, 0, sizeof(info));
	n = xc_domain_getinfo(xch, domid, 1, &info);
	if (n < 0) {
		e = errno;
		xc_interface_close(xch);
		fprintf(stderr, "svirt-flask-label: domain %u: cannot read its "
			"domain info: %s\n", domid, strerror(e));
		return SV_FLASK_EXIT_ERROR;
	}
	/* getdomaininfo answers the first domain at or above domid. */
	if (n == 0 || info.domid != domid) {
		xc_interface_close(xch);
		fprintf(stderr, "svirt-flask-label: domain %u: no such "
			"domain\n", domid);
		return SV_FLASK_EXIT_NO_DOMAIN;
	}
	memset(ctx, 0, sizeof(ctx));
	errno = 0;
	if (xc_flask_sid_to_context(xch, (int)info.ssidref, ctx,
				    sizeof(ctx) - 1) < 0) {
		e = errno ? errno : EIO;
		xc_interface_close(xch);
		if (not_flask(e)) {
			fprintf(stderr, "svirt-flask-label: Xen has no "
				"Flask\n");
			return SV_FLASK_EXIT_NO_FLASK;
		}
		fprintf(stderr, "svirt-flask-label: domain %u: cannot read "
			"its Flask label (ssidref %u): %s\n", domid,
			info.ssidref, strerror(e));
		return SV_FLASK_EXIT_ERROR;
	}
	xc_interface_close(xch);
	if (printf("%s\n", ctx) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "svirt-flask-label: cannot write the label: "
			"%s\n", strerror(errno));
		return SV_FLASK_EXIT_ERROR;
	}
	return 0;
}
