/* test_flask_label.c: the pair in a domain's Flask label is read strictly (issue 17 item 3):
 * s0 alone or s0 with exactly a pair, as Xen writes it; anything else refused, saying why. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "corpus.h"
#include "flask_label.h"

#define DOMU "system_u:system_r:svirt_domU_t:"

static void assert_pair(const char *label, unsigned a, unsigned b)
{
	struct sv_error err = { "" };
	struct sv_pair p = { 0, 0 };
	bool has = false;

	if (sv_flask_label_pair(label, strlen(label), &p, &has, &err) != 0)
		fail_msg("\"%s\" refused: %s", label, err.msg);
	assert_true(has);
	assert_int_equal(p.a, a);
	assert_int_equal(p.b, b);
}

static void assert_refused_n(const char *label, size_t len, const char *needle)
{
	struct sv_error err = { "" };
	struct sv_pair p = { 99, 98 };
	bool has = true;

	assert_int_equal(sv_flask_label_pair(label, len, &p, &has, &err),
			 -EINVAL);
	if (!strstr(err.msg, needle))
		fail_msg("refusal of \"%s\" says \"%s\", not \"%s\"", label,
			 err.msg, needle);
	assert_true(has);
	assert_int_equal(p.a, 99);
	assert_int_equal(p.b, 98);
}

static void assert_refused(const char *label, const char *needle)
{
	assert_refused_n(label, strlen(label), needle);
}

static void label_with_a_pair_gives_the_pair(void **state)
{
	(void)state;
	assert_pair(DOMU "s0:c77,c777", 77, 777);
	assert_pair(DOMU "s0:c1,c2", 1, 2);
	assert_pair(DOMU "s0:c1022,c1023", 1022, 1023);
	/* A stub device model's label carries its guest's pair. */
	assert_pair("system_u:system_r:svirt_dm_t:s0:c5,c6", 5, 6);
}

static void label_at_s0_alone_has_no_pair(void **state)
{
	struct sv_pair p = { 99, 98 };
	bool has = true;

	(void)state;
	assert_int_equal(sv_flask_label_pair(DOMU "s0", strlen(DOMU "s0"), &p,
					     &has, NULL), 0);
	assert_false(has);
	assert_int_equal(p.a, 99);
}

static void anything_but_one_level_with_none_or_two_is_refused(void **state)
{
	(void)state;
	assert_refused("system_u:system_r:dom0_t:s0-s0:c0.c1023", "a range");
	assert_refused(DOMU "s0-s0:c1,c2", "a range");
	assert_refused(DOMU "s1:c1,c2", "sensitivity s1");
	assert_refused(DOMU "s0:c7", "one categories");
	assert_refused(DOMU "s0:c1,c2,c3", "more than two");
	assert_refused(DOMU "s0:c1.c3", "more than two");
	assert_refused(DOMU "s0:c0,c5", "c0");
	assert_refused(DOMU "s0:c1.c2", "canonical");
	assert_refused(DOMU "s0:c2,c1", "");
	assert_refused(DOMU "s0:c1,c1024", "Flask label");
	assert_refused(DOMU "s0:c1,c2\n", "Flask label");
	assert_refused_n(DOMU "s0:c1,c2\0:c3", sizeof(DOMU "s0:c1,c2\0:c3") - 1,
			 "Flask label");
	assert_refused("", "Flask label");
	assert_refused("svirt_domU_t:s0:c1,c2", "Flask label");
}

/* The fuzz corpus: what the target accepts is a pair or no pair. */
/* svirt-flask-label's output: exactly one line holding the label. */
static void line_refused(const char *out, size_t len, const char *needle)
{
	struct sv_error err = { "" };
	size_t n = 12345;

	assert_int_equal(sv_flask_label_line(out, len, &n, &err), -EINVAL);
	assert_int_equal(n, 12345);
	if (!strstr(err.msg, needle))
		fail_msg("%s: wanted \"%s\"", err.msg, needle);
}

static void helper_output_is_one_label_line(void **state)
{
	static char big[SV_FLASK_LABEL_MAX + 2];
	struct sv_error err = { "" };
	const char *ok = "system_u:system_r:domU_t:s0\n";
	size_t n = 0;

	(void)state;
	assert_int_equal(sv_flask_label_line(ok, strlen(ok), &n, &err), 0);
	assert_int_equal(n, strlen(ok) - 1);
	line_refused("", 0, "printed nothing");
	line_refused("a:b:c:s0", 8, "no newline");
	line_refused("a:b:c:s0\nx", 10, "more than one line");
	line_refused("a:b:c:s0\n\n", 10, "more than one line");
	line_refused("\n", 1, "empty label");
	line_refused("a:b\0:c:s0\n", 10, "NUL");
	memset(big, 'a', SV_FLASK_LABEL_MAX + 1);
	big[SV_FLASK_LABEL_MAX + 1] = '\n';
	line_refused(big, sizeof(big), "over 4096 bytes");
	big[SV_FLASK_LABEL_MAX] = '\n';
	assert_int_equal(sv_flask_label_line(big, SV_FLASK_LABEL_MAX + 1, &n,
					     &err), 0);
	assert_int_equal(n, SV_FLASK_LABEL_MAX);
}

static void replay(const char *path, const char *data, size_t len, void *arg)
{
	struct sv_pair p = { 0, 0 };
	bool has = false;

	(void)arg;
	if (sv_flask_label_pair(data, len, &p, &has, NULL) == 0 && has &&
	    !sv_pair_valid(p))
		fail_msg("%s: an invalid pair accepted", path);
}

static void corpus_replays(void **state)
{
	(void)state;
	assert_true(corpus_each("tests/data/fuzz/flask_label", replay, NULL) > 0);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(label_with_a_pair_gives_the_pair),
		cmocka_unit_test(label_at_s0_alone_has_no_pair),
		cmocka_unit_test(anything_but_one_level_with_none_or_two_is_refused),
		cmocka_unit_test(helper_output_is_one_label_line),
		cmocka_unit_test(corpus_replays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
