/* test_interpose_argv.c: how svirt-interpose reads the domid, -xen-domid-restrict
 * and the sockets to make from the command lines libxl gives qemu, and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "corpus.h"
/* Compiled in, so the test builds without interpose/'s objects. */
#include "../../interpose/argv.c"

#define QEMU "/usr/libexec/xen-qemu-system-i386"
#define PARSE(out, ...)                                                        \
	parse_list((out), (char *const[]){ QEMU, __VA_ARGS__, NULL })

static int parse_list(struct sv_dm_args *out, char *const argv[])
{
	struct sv_error err = { "" };
	int argc = 0, r;

	while (argv[argc])
		argc++;
	r = sv_dm_args_parse(argc, argv, out, &err);
	assert_true(r == 0 || err.msg[0] != '\0');
	return r;
}

static void libxl_pv_qdisk_command_line(void **state)
{
	struct sv_dm_args a;

	(void)state;
	assert_int_equal(PARSE(&a, "-xen-domid", "3", "-chardev",
			       "socket,id=libxl-cmd,path=/var/run/xen/qmp-libxl-3,server=on,wait=off",
			       "-mon", "chardev=libxl-cmd,mode=control",
			       "-nodefaults", "-no-shutdown", "-xen-attach",
			       "-name", "web1", "-vnc", "none", "-display",
			       "none", "-nographic", "-machine", "xenpv", "-m",
			       "129"),
			 0);
	assert_int_equal(a.domid, 3);
	assert_false(a.restricted);
}

static void domid_and_restrict_anywhere(void **state)
{
	struct sv_dm_args a;

	(void)state;
	assert_int_equal(PARSE(&a, "-nodefaults", "-xen-domid-restrict",
			       "-name", "g", "-xen-domid", "42"),
			 0);
	assert_int_equal(a.domid, 42);
	assert_true(a.restricted);
}

static void double_dash_spelling_is_the_same_option(void **state)
{
	struct sv_dm_args a;

	(void)state;
	assert_int_equal(PARSE(&a, "--xen-domid", "5", "--xen-domid-restrict"), 0);
	assert_int_equal(a.domid, 5);
	assert_true(a.restricted);
}

static void domid_range_ends_are_accepted(void **state)
{
	struct sv_dm_args a;

	(void)state;
	assert_int_equal(PARSE(&a, "-xen-domid", "1"), 0);
	assert_int_equal(a.domid, 1);
	assert_int_equal(PARSE(&a, "-xen-domid", "0"), 0);	/* dom0's own */
	assert_int_equal(a.domid, 0);
	assert_int_equal(PARSE(&a, "-xen-domid", "32751"), 0);
	assert_int_equal(a.domid, 32751);
}

static void bad_domids_are_refused(void **state)
{
	static const char *const bad[] = {
		"00", "-0", "+0", "07", "+7", "-7", "32752", "32767", "65535", "100000",
		"99999999999999999999", "0x10", " 5", "5 ", "5x", "", "1e3",
	};
	struct sv_dm_args a = { .domid = 77 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(PARSE(&a, "-xen-domid", (char *)bad[i]), -EINVAL);
		assert_int_equal(a.domid, 77);	/* untouched */
	}
}

static void missing_domid_is_refused(void **state)
{
	struct sv_dm_args a;

	(void)state;
	assert_int_equal(PARSE(&a, "-nodefaults", "-xen-domid-restrict"), -EINVAL);
	assert_int_equal(PARSE(&a, "-nodefaults", "-xen-domid"), -EINVAL);
	assert_int_equal(parse_list(&a, (char *const[]){ QEMU, NULL }), -EINVAL);
}

static void repeated_domid_is_refused_even_when_equal(void **state)
{
	struct sv_dm_args a;

	(void)state;
	assert_int_equal(PARSE(&a, "-xen-domid", "3", "-xen-domid", "4"), -EINVAL);
	assert_int_equal(PARSE(&a, "-xen-domid", "3", "--xen-domid", "3"), -EINVAL);
	assert_int_equal(PARSE(&a, "-xen-domid", "3", "-xen-domid-restrict",
			       "-xen-domid-restrict"),
			 -EINVAL);
}

/* The OpenXT interposer's fault: position, not meaning.  A guest may be
 * called anything; its name must not switch the restriction check off. */
static void option_arguments_are_not_options(void **state)
{
	struct sv_dm_args a;

	(void)state;
	assert_int_equal(PARSE(&a, "-xen-domid", "9", "-name", "-xen-domid-restrict"), 0);
	assert_false(a.restricted);
	assert_int_equal(PARSE(&a, "-name", "-xen-domid", "-xen-domid", "4"), 0);
	assert_int_equal(a.domid, 4);
	assert_int_equal(PARSE(&a, "-name", "-xen-domid", "5"), -EINVAL);
}

static void unknown_options_are_refused(void **state)
{
	struct sv_dm_args a;

	(void)state;
	assert_int_equal(PARSE(&a, "-xen-domid", "5", "-frobnicate", "x"), -EINVAL);
	assert_int_equal(PARSE(&a, "-xen-domid=5"), -EINVAL);
	assert_int_equal(PARSE(&a, "-xen-domid", "5", "--"), -EINVAL);
}

static void error_names_the_bad_value(void **state)
{
	struct sv_error err = { "" };
	struct sv_dm_args a;
	char *const argv[] = { QEMU, "-xen-domid", "0x10\n", NULL };

	(void)state;
	assert_int_equal(sv_dm_args_parse(3, argv, &a, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "0x10\\x0a"));
}

/* bsearch needs them sorted; a name added out of order would vanish. */
static void option_tables_are_sorted_and_disjoint(void **state)
{
	(void)state;
	for (size_t i = 1; i < ARRAY_SIZE(opts_with_arg); i++)
		assert_true(strcmp(opts_with_arg[i - 1], opts_with_arg[i]) < 0);
	for (size_t i = 1; i < ARRAY_SIZE(opts_without_arg); i++)
		assert_true(strcmp(opts_without_arg[i - 1], opts_without_arg[i]) < 0);
	for (size_t i = 0; i < ARRAY_SIZE(opts_with_arg); i++)
		assert_false(in_table(opts_with_arg[i], opts_without_arg,
				      ARRAY_SIZE(opts_without_arg)));
}

/* ---- -chardev: the sockets the interposer makes for qemu ---- */

/* The one sv_dm_chardev_parse answers for s; err must say why on -EINVAL. */
static int chardev(const char *s, struct sv_dm_listen *l)
{
	struct sv_error err = { "" };
	int r = sv_dm_chardev_parse(s, l, &err);

	assert_true(r >= 0 || err.msg[0] != '\0');
	return r;
}

/* The element [start, end) of s is "path=" and the socket's path as written. */
static void assert_path_element(const char *s, const struct sv_dm_listen *l,
				const char *element)
{
	assert_true(l->end > l->start);
	assert_int_equal(l->end - l->start, strlen(element));
	assert_memory_equal(s + l->start, element, strlen(element));
}

/* What libxl 4.17 gives qemu: each server socket at a path is one to make. */
static void libxl_qmp_sockets_are_sockets_to_make(void **state)
{
	static const char *const libxenstat =
		"socket,id=libxenstat-cmd,path=/var/run/xen/qmp-libxenstat-3,server=on,wait=off";
	static const char *const libxl =
		"socket,id=libxl-cmd,path=/var/run/xen/qmp-libxl-3,server=on,wait=off";
	struct sv_dm_listen l;

	(void)state;
	assert_int_equal(chardev(libxenstat, &l), 1);
	assert_string_equal(l.path, "/var/run/xen/qmp-libxenstat-3");
	assert_path_element(libxenstat, &l, "path=/var/run/xen/qmp-libxenstat-3");
	assert_int_equal(chardev(libxl, &l), 1);
	assert_string_equal(l.path, "/var/run/xen/qmp-libxl-3");
	/* A channel socket, the older spellings of server, explicit backend. */
	assert_int_equal(chardev("socket,id=libxl-channel0,path=/run/ch0,server=on,wait=off", &l), 1);
	assert_int_equal(chardev("socket,path=/run/a,server,nowait", &l), 1);
	assert_int_equal(chardev("socket,path=/run/a,server=yes", &l), 1);
	assert_int_equal(chardev("socket,path=/run/a,server=true", &l), 1);
	assert_int_equal(chardev("socket,path=/run/a,server=y", &l), 1);
	assert_int_equal(chardev("path=/run/a,backend=socket,server=on", &l), 1);
	assert_path_element("path=/run/a,backend=socket,server=on", &l, "path=/run/a");
	assert_int_equal(chardev("socket,server=on,path=/run/a,", &l), 1);
	assert_string_equal(l.path, "/run/a");
}

/* ",," is a comma of the value, as qemu reads it. */
static void doubled_commas_are_part_of_the_path(void **state)
{
	static const char *const s = "socket,path=/run/a,,b,,,,c,server=on";
	struct sv_dm_listen l;

	(void)state;
	assert_int_equal(chardev(s, &l), 1);
	assert_string_equal(l.path, "/run/a,b,,c");
	assert_path_element(s, &l, "path=/run/a,,b,,,,c");
	assert_int_equal(chardev("socket,path=/run/a,,server=on", &l), 0);	/* a client at "/run/a,server=on" */
	assert_int_equal(chardev("socket,,x,path=/run/a,server=on", &l), 0);	/* backend "socket,x" */
}

/* Nothing to make: qemu makes no name for these. */
static void other_chardevs_are_left_alone(void **state)
{
	static const char *const none[] = {
		"socket,id=libxl-cmd,fd=9,server=on,wait=off",	/* libxl under dm_restrict */
		"socket,id=c,path=/run/a",			/* a client */
		"socket,id=c,path=/run/a,server=off",
		"socket,id=c,path=/run/a,noserver",
		"socket,id=c,path=/run/a,server=n",
		"socket,id=c,path=abstract-name,server=on,abstract=on",
		"socket,id=c,host=127.0.0.1,port=4444,server=on",
		"pty,id=serial0",
		"file,id=f,path=/var/log/x",			/* not a socket */
		"pipe,id=p,path=/run/p",
		"stdio,id=s,server=on,path=/run/a",
		"backend=pty,path=/run/a,server=on",
		"help",
	};
	struct sv_dm_listen l;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(none); i++)
		if (chardev(none[i], &l) != 0)
			fail_msg("\"%s\" taken for a socket to make", none[i]);
}

/* What qemu would read otherwise, or not at all, is refused: the interposer
 * must not guess which path qemu would bind. */
static void ambiguous_chardevs_are_refused(void **state)
{
	static const char *const bad[] = {
		"", ",", "=x", "socket,=on", "socket,path=/a,path=/b,server=on",
		"socket,path=/a,server=on,server=off", "socket,path=/a,server=maybe",
		"socket,path=/a,server=on,abstract=perhaps", "socket,backend=file,path=/a",
		"socket,path=/a,server=on,fd=3", "socket,path=/a,fd=3",
		"socket,path=,server=on", "socket,path,server=on",
		"socket,server=on,server",
	};
	struct sv_dm_listen l;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (chardev(bad[i], &l) != -EINVAL)
			fail_msg("\"%s\" was not refused", bad[i]);
}

static void socket_path_must_fit(void **state)
{
	char s[256], path[200];
	struct sv_dm_listen l;

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(l.path) - 1] = '\0';	/* 107 bytes: fits with its NUL */
	snprintf(s, sizeof(s), "socket,path=%s,server=on", path);
	assert_int_equal(chardev(s, &l), 1);
	assert_string_equal(l.path, path);
	path[sizeof(l.path) - 1] = 'a';
	path[sizeof(l.path)] = '\0';
	snprintf(s, sizeof(s), "socket,path=%s,server=on", path);
	assert_int_equal(chardev(s, &l), -EINVAL);
}

/* The whole command line: where each socket is, and no path twice. */
static void command_line_lists_its_sockets(void **state)
{
	struct sv_dm_args a;

	(void)state;
	assert_int_equal(PARSE(&a, "-xen-domid", "3", "-chardev",
			       "socket,id=libxl-cmd,path=/var/run/xen/qmp-libxl-3,server=on,wait=off",
			       "-mon", "chardev=libxl-cmd,mode=control", "-chardev",
			       "socket,id=libxenstat-cmd,path=/var/run/xen/qmp-libxenstat-3,server=on,wait=off",
			       "-name", "-chardev", "-chardev", "pty,id=x"),
			 0);
	assert_int_equal(a.nlisten, 2);
	assert_int_equal(a.listen[0].argi, 4);
	assert_string_equal(a.listen[0].path, "/var/run/xen/qmp-libxl-3");
	assert_int_equal(a.listen[1].argi, 8);
	assert_string_equal(a.listen[1].path, "/var/run/xen/qmp-libxenstat-3");
	assert_int_equal(PARSE(&a, "-xen-domid", "3", "-chardev", "socket,id=a,path=/run/x,server=on",
			       "-chardev", "socket,id=b,path=/run/x,server=on"),
			 -EINVAL);
	assert_int_equal(PARSE(&a, "-xen-domid", "3", "-chardev", "socket,path=/a,server=on,server=on"),
			 -EINVAL);
}

static void at_most_so_many_sockets(void **state)
{
	char *argv[3 + 2 * (SV_DM_LISTEN_MAX + 1) + 1];
	char paths[SV_DM_LISTEN_MAX + 1][48];
	struct sv_error err = { "" };
	struct sv_dm_args a;
	int argc = 0;

	(void)state;
	argv[argc++] = QEMU;
	argv[argc++] = "-xen-domid";
	argv[argc++] = "3";
	for (int i = 0; i <= SV_DM_LISTEN_MAX; i++) {
		snprintf(paths[i], sizeof(paths[i]), "socket,path=/run/s%d,server=on", i);
		argv[argc++] = "-chardev";
		argv[argc++] = paths[i];
	}
	argv[argc] = NULL;
	assert_int_equal(sv_dm_args_parse(argc - 2, argv, &a, &err), 0);
	assert_int_equal(a.nlisten, SV_DM_LISTEN_MAX);
	assert_int_equal(sv_dm_args_parse(argc, argv, &a, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "-chardev sockets"));
}

/* Corpus files hold argv as NUL-separated elements, as the fuzz target reads them. */
static int parse_corpus(const char *data, size_t len)
{
	char *argv[128];
	struct sv_dm_args a;
	struct sv_error err;
	int argc = 0;

	for (size_t i = 0; i < len; i += strlen(data + i) + 1) {
		assert_true(argc < (int)ARRAY_SIZE(argv) - 1);
		argv[argc++] = (char *)data + i;
	}
	argv[argc] = NULL;
	return sv_dm_args_parse(argc, argv, &a, &err);
}

static void refuse_one(const char *path, const char *data, size_t len, void *arg)
{
	(void)arg;
	if (parse_corpus(data, len) == 0)
		fail_msg("%s was accepted", path);
}

static void accept_one(const char *path, const char *data, size_t len, void *arg)
{
	(void)arg;
	if (parse_corpus(data, len) != 0)
		fail_msg("%s was refused", path);
}

static void every_bad_corpus_file_is_refused(void **state)
{
	(void)state;
	assert_true(corpus_each("tests/data/bad/interpose_argv", refuse_one, NULL) > 0);
}

static void every_seed_is_accepted(void **state)
{
	(void)state;
	assert_true(corpus_each("tests/data/fuzz/interpose_argv", accept_one, NULL) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(libxl_pv_qdisk_command_line),
		cmocka_unit_test(domid_and_restrict_anywhere),
		cmocka_unit_test(double_dash_spelling_is_the_same_option),
		cmocka_unit_test(domid_range_ends_are_accepted),
		cmocka_unit_test(bad_domids_are_refused),
		cmocka_unit_test(missing_domid_is_refused),
		cmocka_unit_test(repeated_domid_is_refused_even_when_equal),
		cmocka_unit_test(option_arguments_are_not_options),
		cmocka_unit_test(unknown_options_are_refused),
		cmocka_unit_test(error_names_the_bad_value),
		cmocka_unit_test(option_tables_are_sorted_and_disjoint),
		cmocka_unit_test(libxl_qmp_sockets_are_sockets_to_make),
		cmocka_unit_test(doubled_commas_are_part_of_the_path),
		cmocka_unit_test(other_chardevs_are_left_alone),
		cmocka_unit_test(ambiguous_chardevs_are_refused),
		cmocka_unit_test(socket_path_must_fit),
		cmocka_unit_test(command_line_lists_its_sockets),
		cmocka_unit_test(at_most_so_many_sockets),
		cmocka_unit_test(every_bad_corpus_file_is_refused),
		cmocka_unit_test(every_seed_is_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
