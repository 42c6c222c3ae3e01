/* svirt-xl.c: entry point of svirt-xl (create, restore, list, show, verify): loads
 * /etc/svirt/xl.conf, opens libxl, and runs the command. */
#include "svirt-xl.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* `make install` puts svirt-interpose in PREFIX/libexec/svirt-xen and
 * svirt-xl in PREFIX/sbin: the default interposer is the sibling install's,
 * whatever the prefix; else Debian's path. */
static void default_interposer(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	snprintf(buf, size, "/usr/libexec/svirt-xen/svirt-interpose");
	if (n <= 0)
		return;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return;
	*slash = '\0';
	if ((slash = strrchr(exe, '/')) && strcmp(slash, "/sbin") == 0) {
		char sib[PATH_MAX + 64];

		*slash = '\0';
		n = snprintf(sib, sizeof(sib), "%s/libexec/svirt-xen/svirt-interpose", exe);
		if (n > 0 && (size_t)n < size && access(sib, X_OK) == 0)
			memcpy(buf, sib, (size_t)n + 1);
	}
}

static int usage(FILE *f, int rc)
{
	fputs("usage: svirt-xl [-c CONF] create [--pair cA,cB] [-q] [-d] [-e] CFG [key=value...]\n"
	      "       svirt-xl [-c CONF] restore [-d] [-e] SAVEFILE\n"
	      "       svirt-xl [-c CONF] list [--json]\n"
	      "       svirt-xl [-c CONF] show [--json] GUEST\n"
	      "       svirt-xl [-c CONF] verify\n"
	      "See svirt-xl(1).\n", f);
	return rc;
}

int main(int argc, char **argv)
{
	const char *conf = SV_XL_CONF;
	struct sv_xl x = { .ctx = NULL };
	struct sv_error err = { .msg = "" };
	char interposer[PATH_MAX];
	int i = 1, rc;

	if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
		conf = argv[i + 1];
		i += 2;
	}
	if (i >= argc)
		return usage(stderr, 2);
	if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
		return usage(stdout, 0);
	default_interposer(interposer, sizeof(interposer));
	if (sv_xl_conf_defaults(&x.conf, interposer) < 0 ||
	    sv_xl_conf_load(conf, &x.conf, &err) < 0) {
		fprintf(stderr, "svirt-xl: %s\n", err.msg[0] ? err.msg : "bad built-in settings");
		return 1;
	}
	x.logger = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
	if (!x.logger ||
	    libxl_ctx_alloc(&x.ctx, LIBXL_VERSION, 0, (xentoollog_logger *)x.logger)) {
		fputs("svirt-xl: cannot open libxenlight (is this dom0, as root?)\n", stderr);
		if (x.logger)
			xtl_logger_destroy((xentoollog_logger *)x.logger);
		return 1;
	}
	if (strcmp(argv[i], "create") == 0)
		rc = sv_xl_cmd_create(&x, argc - i, argv + i);
	else if (strcmp(argv[i], "restore") == 0)
		rc = sv_xl_cmd_restore(&x, argc - i, argv + i);
	else if (strcmp(argv[i], "list") == 0)
		rc = sv_xl_cmd_list(&x, argc - i, argv + i);
	else if (strcmp(argv[i], "show") == 0)
		rc = sv_xl_cmd_show(&x, argc - i, argv + i);
	else if (strcmp(argv[i], "verify") == 0)
		rc = sv_xl_cmd_verify(&x, argc - i, argv + i);
	else
		rc = usage(stderr, 2);
	libxl_ctx_free(x.ctx);
	xtl_logger_destroy((xentoollog_logger *)x.logger);
	return rc;
}
