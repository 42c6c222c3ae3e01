/* test_interpose_argv.c: how svirt-interpose reads the domid and
 * -xen-domid-restrict from the command lines libxl gives qemu, and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
		cmocka_unit_test(every_bad_corpus_file_is_refused),
		cmocka_unit_test(every_seed_is_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
