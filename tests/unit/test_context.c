/* test_context.c: contexts and MCS levels are parsed, refused and formatted
 * exactly as the kernel would have them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "context.h"
#include "corpus.h"

/* Parse s as a context and expect it to come back formatted as want. */
static void assert_context_canonical(const char *s, const char *want)
{
	struct sv_context c;
	struct sv_error err = { "" };
	char buf[SV_CONTEXT_MAX];

	if (sv_context_parse(s, &c, &err) != 0)
		fail_msg("\"%s\" refused: %s", s, err.msg);
	assert_int_equal(sv_context_format(&c, buf, sizeof(buf)),
			 (int)strlen(want));
	assert_string_equal(buf, want);
}

/* Expect s refused, with a message containing needle. */
static void assert_context_refused(const char *s, const char *needle)
{
	struct sv_context c;
	struct sv_error err = { "" };

	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(sv_context_parse(s, &c, &err), -22);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
	/* Output untouched on failure. */
	assert_int_equal((unsigned char)c.user[0], 0x5a);
}

static void plain_context_round_trips(void **state)
{
	(void)state;
	assert_context_canonical("system_u:system_r:svirt_xen_t:s0",
				 "system_u:system_r:svirt_xen_t:s0");
}

static void pair_context_round_trips(void **state)
{
	(void)state;
	assert_context_canonical("system_u:system_r:svirt_xen_t:s0:c1,c2",
				 "system_u:system_r:svirt_xen_t:s0:c1,c2");
}

static void full_range_compresses_to_a_dot(void **state)
{
	(void)state;
	assert_context_canonical("u:r:t:s0-s0:c0.c1023", "u:r:t:s0-s0:c0.c1023");
}

static void categories_are_sorted_and_runs_joined(void **state)
{
	(void)state;
	assert_context_canonical("u:r:t:s0:c9,c3,c4,c5,c1",
				 "u:r:t:s0:c1,c3.c5,c9");
}

static void run_of_two_stays_a_comma(void **state)
{
	(void)state;
	assert_context_canonical("u:r:t:s0:c6.c7", "u:r:t:s0:c6,c7");
}

static void equal_range_formats_as_one_level(void **state)
{
	(void)state;
	assert_context_canonical("u:r:t:s0:c1,c2-s0:c1,c2", "u:r:t:s0:c1,c2");
}

static void mls_sensitivities_are_kept(void **state)
{
	(void)state;
	assert_context_canonical("u:r:t:s1-s15:c0.c3", "u:r:t:s1-s15:c0.c3");
}

static void missing_level_is_refused(void **state)
{
	(void)state;
	assert_context_refused("system_u:system_r:svirt_xen_t", "level missing");
}

static void empty_type_is_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r::s0", "type is empty");
}

static void bad_character_in_role_is_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r$ole:t:s0", "bad character");
}

static void category_above_c1023_is_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r:t:s0:c1024", "above c1023");
}

static void descending_category_range_is_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r:t:s0:c5.c2", "not ascending");
}

static void duplicate_category_is_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r:t:s0:c1,c1", "listed twice");
}

static void overlapping_category_ranges_are_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r:t:s0:c1.c5,c3.c9", "listed twice");
}

static void high_not_dominating_low_is_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r:t:s0:c1,c2-s0:c1", "does not dominate");
}

static void lower_high_sensitivity_is_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r:t:s2-s1", "does not dominate");
}

static void translated_level_is_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r:t:SystemLow-SystemHigh",
			       "not a sensitivity");
}

static void leading_zero_category_is_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r:t:s0:c01", "not a category");
}

static void sensitivity_above_s15_is_refused(void **state)
{
	(void)state;
	assert_context_refused("u:r:t:s16", "not a sensitivity");
}

static void overlong_name_is_refused(void **state)
{
	char s[600];

	(void)state;
	memset(s, 'a', sizeof(s));
	memcpy(s + 300, ":r:t:s0", 8);
	assert_context_refused(s, "longer than 255");
}

static void overlong_context_is_refused_not_truncated(void **state)
{
	static char s[SV_CONTEXT_MAX + 100];
	struct sv_context c;
	struct sv_error err;

	(void)state;
	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	assert_int_equal(sv_context_parse(s, &c, &err), -22);
	assert_non_null(strstr(err.msg, "longer than"));
}

static void control_bytes_are_escaped_in_messages(void **state)
{
	struct sv_context c;
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_context_parse("u:r:t\n:s0", &c, &err), -22);
	assert_non_null(strstr(err.msg, "\\x0a"));
	assert_null(strchr(err.msg, '\n'));
}

static void null_error_pointer_is_allowed(void **state)
{
	struct sv_context c;

	(void)state;
	assert_int_equal(sv_context_parse("nonsense", &c, NULL), -22);
}

static void single_level_parses(void **state)
{
	struct sv_level l;
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_level_parse("s0:c3,c700", &l, &err), 0);
	assert_int_equal(l.sens, 0);
	assert_int_equal(sv_catset_count(&l.cats), 2);
	assert_true(sv_catset_has(&l.cats, 3));
	assert_true(sv_catset_has(&l.cats, 700));
	assert_false(sv_catset_has(&l.cats, 4));
}

static void level_parser_refuses_a_range(void **state)
{
	struct sv_level l;
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_level_parse("s0-s0:c1", &l, &err), -22);
	assert_non_null(strstr(err.msg, "is a range"));
}

static void range_parse_gives_low_and_high(void **state)
{
	struct sv_range r;
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_range_parse("s0-s0:c0.c1023", &r, &err), 0);
	assert_int_equal(sv_catset_count(&r.low.cats), 0);
	assert_int_equal(sv_catset_count(&r.high.cats), 1024);
	assert_true(sv_level_dominates(&r.high, &r.low));
	assert_false(sv_level_dominates(&r.low, &r.high));
}

static void format_reports_a_small_buffer(void **state)
{
	struct sv_context c;
	char buf[12];

	(void)state;
	assert_int_equal(sv_context_parse("user_u:role_r:type_t:s0:c1,c2", &c,
					  NULL),
			 0);
	assert_int_equal(sv_context_format(&c, buf, sizeof(buf)), -28);
	assert_string_equal(buf, "");
}

static void worst_case_level_fits_the_limit(void **state)
{
	struct sv_level l;
	char buf[SV_CONTEXT_MAX];

	(void)state;
	/* Every other category: the longest list a level can have. */
	l.sens = 15;
	sv_catset_clear(&l.cats);
	for (unsigned c = 0; c < SV_CATS; c += 2)
		sv_catset_add(&l.cats, c);
	assert_true(sv_level_format(&l, buf, sizeof(buf)) > 0);
	assert_int_equal(sv_catset_count(&l.cats), 512);
}

static void context_equality_ignores_spelling(void **state)
{
	struct sv_context a, b;

	(void)state;
	assert_int_equal(sv_context_parse("u:r:t:s0:c1.c3", &a, NULL), 0);
	assert_int_equal(sv_context_parse("u:r:t:s0:c3,c2,c1-s0:c1.c3", &b,
					  NULL),
			 0);
	assert_true(sv_context_equal(&a, &b));
	assert_int_equal(sv_context_parse("u:r:t2:s0:c1.c3", &b, NULL), 0);
	assert_false(sv_context_equal(&a, &b));
}

static void refuse_context_file(const char *path, const char *data,
				size_t len, void *arg)
{
	struct sv_context c;
	struct sv_error err = { "" };
	int *failures = arg;

	if (sv_context_parse_n(data, corpus_chomp(data, len), &c, &err) != -22 ||
	    err.msg[0] == '\0') {
		print_error("%s: accepted or no message\n", path);
		(*failures)++;
	}
}

static void every_malformed_context_in_the_corpus_is_refused(void **state)
{
	int failures = 0;

	(void)state;
	assert_true(corpus_each("tests/data/bad/context", refuse_context_file,
				&failures) >= 20);
	assert_int_equal(failures, 0);
}

static void refuse_level_file(const char *path, const char *data, size_t len,
			      void *arg)
{
	struct sv_range r;
	struct sv_error err = { "" };
	int *failures = arg;

	if (sv_range_parse_n(data, corpus_chomp(data, len), &r, &err) != -22 ||
	    err.msg[0] == '\0') {
		print_error("%s: accepted or no message\n", path);
		(*failures)++;
	}
}

static void every_malformed_level_in_the_corpus_is_refused(void **state)
{
	int failures = 0;

	(void)state;
	assert_true(corpus_each("tests/data/bad/level", refuse_level_file,
				&failures) >= 15);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_context_round_trips),
		cmocka_unit_test(pair_context_round_trips),
		cmocka_unit_test(full_range_compresses_to_a_dot),
		cmocka_unit_test(categories_are_sorted_and_runs_joined),
		cmocka_unit_test(run_of_two_stays_a_comma),
		cmocka_unit_test(equal_range_formats_as_one_level),
		cmocka_unit_test(mls_sensitivities_are_kept),
		cmocka_unit_test(missing_level_is_refused),
		cmocka_unit_test(empty_type_is_refused),
		cmocka_unit_test(bad_character_in_role_is_refused),
		cmocka_unit_test(category_above_c1023_is_refused),
		cmocka_unit_test(descending_category_range_is_refused),
		cmocka_unit_test(duplicate_category_is_refused),
		cmocka_unit_test(overlapping_category_ranges_are_refused),
		cmocka_unit_test(high_not_dominating_low_is_refused),
		cmocka_unit_test(lower_high_sensitivity_is_refused),
		cmocka_unit_test(translated_level_is_refused),
		cmocka_unit_test(leading_zero_category_is_refused),
		cmocka_unit_test(sensitivity_above_s15_is_refused),
		cmocka_unit_test(overlong_name_is_refused),
		cmocka_unit_test(overlong_context_is_refused_not_truncated),
		cmocka_unit_test(control_bytes_are_escaped_in_messages),
		cmocka_unit_test(null_error_pointer_is_allowed),
		cmocka_unit_test(single_level_parses),
		cmocka_unit_test(level_parser_refuses_a_range),
		cmocka_unit_test(range_parse_gives_low_and_high),
		cmocka_unit_test(format_reports_a_small_buffer),
		cmocka_unit_test(worst_case_level_fits_the_limit),
		cmocka_unit_test(context_equality_ignores_spelling),
		cmocka_unit_test(every_malformed_context_in_the_corpus_is_refused),
		cmocka_unit_test(every_malformed_level_in_the_corpus_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
