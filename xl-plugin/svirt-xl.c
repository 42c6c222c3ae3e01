/* svirt-xl.c: entry point of svirt-xl (create, restore, list, show, verify): reads its
 * arguments and xl.conf, then opens libxl and runs the command. */
#include "svirt-xl.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "version.h"

/* `make install` puts svirt-interpose in PREFIX/libexec/svirt-xen and
 * svirt-xl in PREFIX/sbin: the default interposer is the sibling install's,
 * whatever the prefix; else Debian's path. */
static void default_interposer(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	snprintf(buf, size, "%s/svirt-interpose", SV_LIBEXEC_DIR);
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
	fprintf(f, "usage: svirt-xl [-c CONF] create [--pair cA,cB] [-q] [-d] [-e] "
		"[--ignore-global-affinity-masks] CFG [key=value...]\n"
		"       svirt-xl [-c CONF] restore [-d] [-e] [--ignore-global-affinity-masks] SAVEFILE\n"
		"       svirt-xl [-c CONF] list [--json]\n"
		"       svirt-xl [-c CONF] show [--json] GUEST\n"
		"       svirt-xl [-c CONF] verify\n"
		"       svirt-xl -V|--version\n"
		"       svirt-xl -h|--help\n"
		"CONF is %s unless given. See svirt-xl(1).\n", SV_XL_CONF);
	return rc;
}

static const struct command {
	const char *name;
	int (*parse)(int argc, char **argv, struct sv_xl_args *a);
	int (*run)(struct sv_xl *x, const struct sv_xl_args *a);
} commands[] = {
	{ "create", sv_xl_parse_create, sv_xl_cmd_create },
	{ "restore", sv_xl_parse_restore, sv_xl_cmd_restore },
	{ "list", sv_xl_parse_list, sv_xl_cmd_list },
	{ "show", sv_xl_parse_show, sv_xl_cmd_show },
	{ "verify", sv_xl_parse_verify, sv_xl_cmd_verify },
};

/* The options before the command ("+": the command's own are its own). */
static int parse_options(int argc, char **argv, const char **conf)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (o) {
		case 'c': *conf = optarg; break;
		case 'h': return usage(stdout, 0) == 0 && fflush(stdout) == 0 ? 1 : -1;
		case 'V': return sv_version_print(stdout, "svirt-xl") == 0 ? 1 : -1;
		default: return usage(stderr, -2);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *conf = NULL;	/* -c's, else SV_XL_CONF */
	struct sv_xl x = { .ctx = NULL };
	struct sv_xl_args args = { .file = NULL };
	struct sv_error err = { .msg = "" };
	const struct command *cmd = NULL;
	char interposer[PATH_MAX];
	int rc = parse_options(argc, argv, &conf);

	/* Everything the command line holds is checked before any file is
	 * read or libxl opened: a usage error exits 2 wherever it runs. */
	if (rc != 0)
		return rc == 1 ? 0 : rc == -1 ? 1 : 2;
	if (optind >= argc)
		return usage(stderr, 2);
	for (size_t k = 0; k < ARRAY_SIZE(commands); k++)
		if (strcmp(argv[optind], commands[k].name) == 0)
			cmd = &commands[k];
	if (!cmd) {
		fprintf(stderr, "svirt-xl: unknown command \"%s\"\n", argv[optind]);
		return usage(stderr, 2);
	}
	if (cmd->parse(argc - optind, argv + optind, &args) < 0)
		return 2;
	default_interposer(interposer, sizeof(interposer));
	/* A file named with -c must exist; the default one may not. */
	if (sv_xl_conf_defaults(&x.conf, interposer) < 0 ||
	    sv_xl_conf_load(conf ? conf : SV_XL_CONF, conf != NULL, &x.conf, &err) < 0) {
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
	rc = cmd->run(&x, &args);
	libxl_ctx_free(x.ctx);
	xtl_logger_destroy((xentoollog_logger *)x.logger);
	return rc;
}
