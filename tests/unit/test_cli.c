/* test_cli.c: the built tools' command lines: every one prints the tree's version,
 * and svirt-xl reads its arguments and settings file before libxenlight, off dom0 too. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "skip.h"
#include "tmpfs.h"

struct env {
	const char *skip;
	char top[64];		/* the private tmpfs */
	char build[PATH_MAX];	/* $(BUILD): the tools beside check/ */
	char tree[PATH_MAX];	/* the source tree (scripts/version) */
};

struct run {
	int status;		/* exit status, 128 + signal if killed */
	char out[8192];
	char err[8192];
};

static void read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
}

/* Runs the built tool with argv (argv[0] its name), as uid if not -1; its
 * standard output and error read after it exits (they are files, so a tool
 * that writes much cannot block on a pipe). */
static void run_as(struct env *e, uid_t uid, struct run *r, const char *const argv[])
{
	char bin[PATH_MAX * 2], out[128], err[128];
	int fo, fe, st;
	pid_t pid;

	snprintf(bin, sizeof(bin), "%s/%s", e->build, argv[0]);
	snprintf(out, sizeof(out), "%s/out", e->top);
	snprintf(err, sizeof(err), "%s/err", e->top);
	assert_true((fo = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >= 0);
	assert_true((fe = open(err, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (uid != (uid_t)-1 && (setgroups(0, NULL) < 0 || setgid(uid) < 0 ||
					 setuid(uid) < 0))
			_exit(126);
		if (dup2(fo, 1) == 1 && dup2(fe, 2) == 2)
			execv(bin, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	assert_int_equal(lseek(fo, 0, SEEK_SET), 0);
	assert_int_equal(lseek(fe, 0, SEEK_SET), 0);
	read_all(fo, r->out, sizeof(r->out));
	read_all(fe, r->err, sizeof(r->err));
	if (r->status == 126 || r->status == 127)
		fail_msg("%s: could not be run as uid %d", bin, (int)uid);
}

#define run(e, r, ...) run_as(e, (uid_t)-1, r, (const char *const[]){ __VA_ARGS__, NULL })

/* The version the tools must print: SVIRT_VERSION when make was given one
 * (it passes it down), else what scripts/version says of the tree. */
static void tree_version(struct env *e, char *buf, size_t size)
{
	const char *v = getenv("SVIRT_VERSION");
	char cmd[PATH_MAX + 32];
	FILE *p;
	size_t n;

	if (v && *v) {
		snprintf(buf, size, "%s", v);
		return;
	}
	snprintf(cmd, sizeof(cmd), "'%s/scripts/version'", e->tree);
	assert_non_null(p = popen(cmd, "r"));
	n = fread(buf, 1, size - 1, p);
	buf[n] = '\0';
	assert_int_equal(pclose(p), 0);
	assert_true(n > 1 && buf[n - 1] == '\n');
	buf[n - 1] = '\0';
}

/* ---- fixture ---- */

static int group_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	ssize_t n;
	char *slash;

	if (!e)
		return -1;
	*state = e;
	e->skip = tmpfs_private(e->top, sizeof(e->top), "svirt-cli", NULL);
	n = readlink("/proc/self/exe", e->build, sizeof(e->build) - 1);
	if (n <= 0)
		return -1;
	e->build[n] = '\0';
	/* $(BUILD)/check/test_cli: the tools are in $(BUILD), the tree is
	 * the first folder above it holding scripts/version. */
	for (int up = 0; up < 2; up++) {
		if (!(slash = strrchr(e->build, '/')))
			return -1;
		*slash = '\0';
	}
	snprintf(e->tree, sizeof(e->tree), "%s", e->build);
	for (;;) {
		char probe[PATH_MAX + 32];

		if (!(slash = strrchr(e->tree, '/')) || slash == e->tree)
			return -1;
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/scripts/version", e->tree);
		if (access(probe, X_OK) == 0)
			break;
	}
	return 0;
}

static int group_teardown(void **state)
{
	struct env *e = *state;

	tmpfs_remove(e->top);
	free(e);
	return 0;
}

#define need_env(state) need_env_for(__func__, state)
static struct env *need_env_for(const char *test, void **state)
{
	struct env *e = *state;

	if (e->skip)
		skip_because("%s: %s", test, e->skip);
	return e;
}

static void put_file(struct env *e, const char *name, const char *text, char *path,
		     size_t size)
{
	FILE *f;

	snprintf(path, size, "%s/%s", e->top, name);
	assert_non_null(f = fopen(path, "w"));
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* libxenlight was opened: what svirt-xl must not do before its usage and
 * settings are checked. */
static bool tried_libxl(const struct run *r)
{
	return strstr(r->err, "libxenlight") || strstr(r->err, "libxl") ||
	       strstr(r->err, "xencall");
}

/* ---- every tool's --version ---- */

static void every_tool_prints_the_trees_version(void **state)
{
	struct env *e = need_env(state);
	static const char *const tools[] = {
		"svirtd", "svirt-xl", "svirt-interpose", "svirt-vif",
		"svirt-divert", "svirt-demo",
	};
	char version[256], want[512];
	struct run r;

	tree_version(e, version, sizeof(version));
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		run(e, &r, tools[i], "--version");
		snprintf(want, sizeof(want), "%s %s\n", tools[i], version);
		if (r.status != 0 || strncmp(r.out, want, strlen(want)) != 0)
			fail_msg("%s --version: status %d, printed \"%s\" (stderr \"%s\"), "
				 "not \"%s\"", tools[i], r.status, r.out, r.err, want);
	}
}

/* qemu never gets --version alone from libxl; the interposer says what it
 * would run, from the paths compiled in. */
static void interposer_version_names_its_config_and_default_qemu(void **state)
{
	struct env *e = need_env(state);
	struct run r;

	run(e, &r, "svirt-interpose", "--version");
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\nconfiguration: /"));
	assert_non_null(strstr(r.out, "/interpose.conf\ndefault qemu: /"));
	/* anything else is qemu's: refused as ever without -xen-domid */
	run(e, &r, "svirt-interpose", "--version", "-xen-domid");
	assert_int_not_equal(r.status, 0);
	assert_non_null(strstr(r.err, "refusing to start qemu"));
}

/* ---- svirt-xl: arguments before libxenlight ---- */

static void svirt_xl_usage_errors_exit_2_without_libxl(void **state)
{
	struct env *e = need_env(state);
	static const char *const bad[][5] = {
		{ "svirt-xl", NULL },
		{ "svirt-xl", "bogus", NULL },
		{ "svirt-xl", "-x", "list", NULL },
		{ "svirt-xl", "-c", NULL },
		{ "svirt-xl", "create", NULL },
		{ "svirt-xl", "create", "-p", "g.cfg", NULL },
		{ "svirt-xl", "create", "--pair", "c5,c5", "g.cfg" },
		{ "svirt-xl", "restore", NULL },
		{ "svirt-xl", "restore", "s1", "s2", NULL },
		{ "svirt-xl", "list", "--bogus", NULL },
		{ "svirt-xl", "show", NULL },
		{ "svirt-xl", "show", "a", "b", NULL },
		{ "svirt-xl", "verify", "now", NULL },
		{ "svirt-xl", "migrate", "web", NULL },
		{ "svirt-xl", "migrate", "-p", "web", "dst" },
		{ "svirt-xl", "migrate", "-C", "web.cfg", "web" },
		{ "svirt-xl", "migrate", "web", "dst;reboot", NULL },
		{ "svirt-xl", "unpause", NULL },
		{ "svirt-xl", "unpause", "a", "b", NULL },
	};
	struct run r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[6] = { 0 };

		memcpy(argv, bad[i], sizeof(bad[i]));
		run_as(e, (uid_t)-1, &r, argv);
		if (r.status != 2 || tried_libxl(&r) || !r.err[0])
			fail_msg("svirt-xl %s %s %s: status %d, stderr \"%s\" (want 2 and "
				 "a usage message, no libxl)", argv[1] ? argv[1] : "",
				 argv[1] && argv[2] ? argv[2] : "",
				 argv[1] && argv[2] && argv[3] ? argv[3] : "", r.status, r.err);
	}
	run(e, &r, "svirt-xl", "bogus");
	assert_non_null(strstr(r.err, "unknown command \"bogus\""));
}

/* Off dom0 and not root, as a user first trying it. */
static void svirt_xl_help_and_version_work_as_nobody(void **state)
{
	struct env *e = need_env(state);
	struct run r;

	run_as(e, 65534, &r, (const char *const[]){ "svirt-xl", "--help", NULL });
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "usage: svirt-xl", 15) == 0);
	assert_null(strstr(r.err, "libx"));
	run_as(e, 65534, &r, (const char *const[]){ "svirt-xl", "-h", NULL });
	assert_int_equal(r.status, 0);
	run_as(e, 65534, &r, (const char *const[]){ "svirt-xl", "-V", NULL });
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "svirt-xl ", 9) == 0);
	run_as(e, 65534, &r, (const char *const[]){ "svirt-xl", "bogus", NULL });
	assert_int_equal(r.status, 2);
}

static void svirt_xl_settings_file_named_with_c_must_exist(void **state)
{
	struct env *e = need_env(state);
	char missing[PATH_MAX];
	struct run r;

	snprintf(missing, sizeof(missing), "%s/no-such/xl.conf", e->top);
	run(e, &r, "svirt-xl", "-c", missing, "list");
	assert_int_equal(r.status, 1);
	if (!strstr(r.err, missing) || !strstr(r.err, "No such file") || tried_libxl(&r))
		fail_msg("svirt-xl -c %s list: \"%s\"", missing, r.err);
}

static void svirt_xl_bad_settings_are_refused_before_libxl(void **state)
{
	struct env *e = need_env(state);
	char conf[PATH_MAX], want[PATH_MAX + 16];
	struct run r;

	put_file(e, "xl.conf", "wait = 30\nwiat = 30\n", conf, sizeof(conf));
	run(e, &r, "svirt-xl", "-c", conf, "verify");
	assert_int_equal(r.status, 1);
	snprintf(want, sizeof(want), "%s:2: \"wiat\"", conf);
	if (!strstr(r.err, want) || tried_libxl(&r))
		fail_msg("svirt-xl -c xl.conf verify: \"%s\"", r.err);
}

/* ---- svirtd, svirt-vif, svirt-divert, svirt-demo: help and usage ---- */

static void every_tool_has_help_and_refuses_bad_usage_with_2(void **state)
{
	struct env *e = need_env(state);
	static const char *const tools[] = {
		"svirtd", "svirt-vif", "svirt-divert", "svirt-demo",
	};
	struct run r;

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		run(e, &r, tools[i], "--help");
		if (r.status != 0 || !strstr(r.out, "usage:"))
			fail_msg("%s --help: status %d, \"%s\"", tools[i], r.status, r.out);
		run(e, &r, tools[i], "--no-such-option", "x", "y");
		if (r.status != 2)
			fail_msg("%s --no-such-option: status %d", tools[i], r.status);
	}
	run(e, &r, "svirtd", "--help");
	assert_non_null(strstr(r.out, "--test-config"));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_tool_prints_the_trees_version),
		cmocka_unit_test(interposer_version_names_its_config_and_default_qemu),
		cmocka_unit_test(svirt_xl_usage_errors_exit_2_without_libxl),
		cmocka_unit_test(svirt_xl_help_and_version_work_as_nobody),
		cmocka_unit_test(svirt_xl_settings_file_named_with_c_must_exist),
		cmocka_unit_test(svirt_xl_bad_settings_are_refused_before_libxl),
		cmocka_unit_test(every_tool_has_help_and_refuses_bad_usage_with_2),
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
