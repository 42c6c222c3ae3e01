/* test_mcs.c: the category pair allocator hands out unique pairs, never c0,
 * reserves and releases exactly, and says "exhausted" instead of looping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mcs.h"

#define FULL_PAIRS 522753u	/* c1..c1023: 1023 * 1022 / 2 */

static struct sv_mcs *new_mcs(unsigned lo, unsigned hi)
{
	struct sv_mcs *m = NULL;
	struct sv_error err;

	if (sv_mcs_new(lo, hi, &m, &err) != 0)
		fail_msg("sv_mcs_new(%u, %u): %s", lo, hi, err.msg);
	return m;
}

static void pair_parses_from_canonical_text(void **state)
{
	struct sv_pair p;
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_pair_parse("c3,c700", &p, &err), 0);
	assert_int_equal(p.a, 3);
	assert_int_equal(p.b, 700);
}

static void pair_refuses(const char *s, const char *needle)
{
	struct sv_pair p = { 77, 88 };
	struct sv_error err = { "" };

	assert_int_equal(sv_pair_parse(s, &p, &err), -22);
	if (!strstr(err.msg, needle))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", s, err.msg,
			 needle);
	assert_int_equal(p.a, 77);
}

static void pair_with_c0_is_refused(void **state)
{
	(void)state;
	pair_refuses("c0,c5", "c0 is never handed out");
}

static void pair_out_of_order_is_refused(void **state)
{
	(void)state;
	pair_refuses("c9,c3", "write it as \"c3,c9\"");
}

static void pair_of_wrong_size_is_refused(void **state)
{
	(void)state;
	pair_refuses("c4", "exactly two");
	pair_refuses("c1,c2,c3", "exactly two");
	pair_refuses("c1.c3", "exactly two");
	pair_refuses("c1,c1", "listed twice");
	pair_refuses("", "no categories");
}

static void pair_formats_round_trip(void **state)
{
	char buf[SV_PAIR_STRMAX];
	struct sv_pair p = { 1022, 1023 }, q;

	(void)state;
	assert_int_equal(sv_pair_format(p, buf, sizeof(buf)), 11);
	assert_string_equal(buf, "c1022,c1023");
	assert_int_equal(sv_pair_parse(buf, &q, NULL), 0);
	assert_int_equal(q.a, p.a);
	assert_int_equal(q.b, p.b);
	assert_int_equal(sv_pair_format(p, buf, 5), -28);
}

static void range_with_c0_is_refused(void **state)
{
	struct sv_mcs *m = NULL;
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_mcs_new(0, 1023, &m, &err), -22);
	assert_non_null(strstr(err.msg, "c0 is never handed out"));
	assert_null(m);
}

static void inverted_or_oversized_range_is_refused(void **state)
{
	struct sv_mcs *m = NULL;

	(void)state;
	assert_int_equal(sv_mcs_new(9, 9, &m, NULL), -22);
	assert_int_equal(sv_mcs_new(9, 3, &m, NULL), -22);
	assert_int_equal(sv_mcs_new(1, 1024, &m, NULL), -22);
	assert_null(m);
}

static void default_range_has_522753_pairs(void **state)
{
	struct sv_mcs *m = new_mcs(1, 1023);

	(void)state;
	assert_int_equal(sv_mcs_total(m), FULL_PAIRS);
	assert_int_equal(sv_mcs_used(m), 0);
	sv_mcs_free(m);
}

static void allocated_pair_is_ascending_in_range_and_taken(void **state)
{
	struct sv_mcs *m = new_mcs(100, 110);
	struct sv_pair p;

	(void)state;
	for (int i = 0; i < 40; i++) {
		assert_int_equal(sv_mcs_alloc(m, &p), 0);
		assert_true(p.a >= 100 && p.a < p.b && p.b <= 110);
		assert_true(sv_mcs_taken(m, p));
		assert_int_equal(sv_mcs_release(m, p), 0);
		assert_false(sv_mcs_taken(m, p));
	}
	sv_mcs_free(m);
}

static void small_range_is_exhausted_with_enospc(void **state)
{
	struct sv_mcs *m = new_mcs(1, 4);
	struct sv_pair p, seen[6];

	(void)state;
	for (int i = 0; i < 6; i++) {
		assert_int_equal(sv_mcs_alloc(m, &seen[i]), 0);
		for (int j = 0; j < i; j++)
			assert_false(seen[i].a == seen[j].a &&
				     seen[i].b == seen[j].b);
	}
	assert_int_equal(sv_mcs_alloc(m, &p), -28);
	assert_int_equal(sv_mcs_alloc(m, &p), -28);
	assert_int_equal(sv_mcs_release(m, seen[3]), 0);
	assert_int_equal(sv_mcs_alloc(m, &p), 0);
	assert_int_equal(p.a, seen[3].a);
	assert_int_equal(p.b, seen[3].b);
	sv_mcs_free(m);
}

static void every_pair_of_a_range_can_be_reserved_once(void **state)
{
	struct sv_mcs *m = new_mcs(5, 60);
	struct sv_pair p;

	(void)state;
	for (unsigned a = 5; a <= 60; a++)
		for (unsigned b = a + 1; b <= 60; b++) {
			p = (struct sv_pair){ a, b };
			assert_int_equal(sv_mcs_reserve(m, p), 0);
			assert_int_equal(sv_mcs_reserve(m, p), -17);
		}
	assert_int_equal(sv_mcs_used(m), sv_mcs_total(m));
	assert_int_equal(sv_mcs_alloc(m, &p), -28);
	sv_mcs_free(m);
}

static void reserve_outside_range_is_erange(void **state)
{
	struct sv_mcs *m = new_mcs(10, 20);

	(void)state;
	assert_int_equal(sv_mcs_reserve(m, (struct sv_pair){ 9, 15 }), -34);
	assert_int_equal(sv_mcs_reserve(m, (struct sv_pair){ 15, 21 }), -34);
	assert_int_equal(sv_mcs_reserve(m, (struct sv_pair){ 15, 15 }), -34);
	assert_int_equal(sv_mcs_reserve(m, (struct sv_pair){ 16, 12 }), -34);
	assert_int_equal(sv_mcs_release(m, (struct sv_pair){ 0, 15 }), -34);
	assert_int_equal(sv_mcs_used(m), 0);
	sv_mcs_free(m);
}

static void release_of_a_free_pair_is_enoent(void **state)
{
	struct sv_mcs *m = new_mcs(1, 1023);

	(void)state;
	assert_int_equal(sv_mcs_release(m, (struct sv_pair){ 3, 4 }), -2);
	assert_int_equal(sv_mcs_reserve(m, (struct sv_pair){ 3, 4 }), 0);
	assert_int_equal(sv_mcs_release(m, (struct sv_pair){ 3, 4 }), 0);
	assert_int_equal(sv_mcs_release(m, (struct sv_pair){ 3, 4 }), -2);
	sv_mcs_free(m);
}

static void alloc_never_returns_a_reserved_pair(void **state)
{
	struct sv_mcs *m = new_mcs(1, 6);	/* 15 pairs */
	struct sv_pair p;

	(void)state;
	assert_int_equal(sv_mcs_reserve(m, (struct sv_pair){ 2, 5 }), 0);
	for (int i = 0; i < 14; i++) {
		assert_int_equal(sv_mcs_alloc(m, &p), 0);
		assert_false(p.a == 2 && p.b == 5);
	}
	assert_int_equal(sv_mcs_alloc(m, &p), -28);
	sv_mcs_free(m);
}

/* Fill 99% of the whole c1..c1023 space, then take the rest: every pair
 * comes out exactly once and the last alloc says exhausted. */
static void full_space_hands_out_every_pair_exactly_once(void **state)
{
	struct sv_mcs *m = new_mcs(1, 1023);
	uint8_t *seen = calloc(1024 * 1024, 1);
	struct sv_pair p;

	(void)state;
	assert_non_null(seen);
	for (unsigned i = 0; i < FULL_PAIRS; i++) {
		assert_int_equal(sv_mcs_alloc(m, &p), 0);
		assert_true(p.a >= 1 && p.a < p.b && p.b <= 1023);
		assert_int_equal(seen[p.a * 1024 + p.b], 0);
		seen[p.a * 1024 + p.b] = 1;
	}
	assert_int_equal(sv_mcs_alloc(m, &p), -28);
	assert_int_equal(sv_mcs_used(m), FULL_PAIRS);
	free(seen);
	sv_mcs_free(m);
}

/* Allocations, reservations and releases in any order agree with a plain
 * table of the pairs taken, the table kept about half full (the allocator
 * keeps only what differs from its start, then an array past a size). */
static void mixed_operations(unsigned lo, unsigned hi, int rounds)
{
	size_t pairs = (size_t)(hi - lo + 1) * (hi - lo) / 2, used = 0;
	struct sv_mcs *m = new_mcs(lo, hi);
	bool *taken = calloc((hi + 1) * (hi + 1), sizeof(bool));
	struct sv_pair *held = calloc(pairs, sizeof(*held)), p;

	assert_non_null(taken);
	assert_non_null(held);
	srand(1795);
	for (int i = 0; i < rounds; i++) {
		unsigned a = lo + (unsigned)rand() % (hi - lo + 1);
		unsigned b = a + 1 + (unsigned)rand() % (hi - lo + 1);
		int op = rand() % 4, r;

		if (op >= 2 && used) {
			size_t k = (size_t)rand() % used;

			assert_int_equal(sv_mcs_release(m, held[k]), 0);
			assert_int_equal(sv_mcs_release(m, held[k]), -2);
			taken[held[k].a * (hi + 1) + held[k].b] = false;
			held[k] = held[--used];
			continue;
		}
		if (op == 1 && b <= hi) {
			p = (struct sv_pair){ a, b };
			r = sv_mcs_reserve(m, p);
			assert_int_equal(r, taken[a * (hi + 1) + b] ? -17 : 0);
			if (r)
				continue;
		} else {
			r = sv_mcs_alloc(m, &p);
			if (used == pairs) {
				assert_int_equal(r, -28);
				continue;
			}
			assert_int_equal(r, 0);
			assert_true(p.a >= lo && p.a < p.b && p.b <= hi);
			assert_false(taken[p.a * (hi + 1) + p.b]);
		}
		taken[p.a * (hi + 1) + p.b] = true;
		held[used++] = p;
		assert_int_equal(sv_mcs_used(m), used);
	}
	for (unsigned x = lo; x <= hi; x++)
		for (unsigned y = x + 1; y <= hi; y++)
			assert_int_equal(sv_mcs_taken(m, (struct sv_pair){ x, y }),
					 taken[x * (hi + 1) + y]);
	free(held);
	free(taken);
	sv_mcs_free(m);
}

static void mixed_operations_agree_with_a_table_of_taken_pairs(void **state)
{
	(void)state;
	mixed_operations(3, 12, 300000);	/* small: maps, much churn */
	mixed_operations(3, 40, 300000);	/* becomes arrays */
	mixed_operations(1, 1023, 20000);	/* stays maps */
}

static void draws_are_spread_evenly(void **state)
{
	struct sv_mcs *m = new_mcs(1, 3);	/* pairs c1,c2 c1,c3 c2,c3 */
	unsigned count[4][4] = { { 0 } };
	struct sv_pair p;

	(void)state;
	for (int i = 0; i < 30000; i++) {
		assert_int_equal(sv_mcs_alloc(m, &p), 0);
		count[p.a][p.b]++;
		assert_int_equal(sv_mcs_release(m, p), 0);
	}
	/* 10000 expected each; the standard deviation is about 82. */
	assert_in_range(count[1][2], 9000, 11000);
	assert_in_range(count[1][3], 9000, 11000);
	assert_in_range(count[2][3], 9000, 11000);
	sv_mcs_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pair_parses_from_canonical_text),
		cmocka_unit_test(pair_with_c0_is_refused),
		cmocka_unit_test(pair_out_of_order_is_refused),
		cmocka_unit_test(pair_of_wrong_size_is_refused),
		cmocka_unit_test(pair_formats_round_trip),
		cmocka_unit_test(range_with_c0_is_refused),
		cmocka_unit_test(inverted_or_oversized_range_is_refused),
		cmocka_unit_test(default_range_has_522753_pairs),
		cmocka_unit_test(allocated_pair_is_ascending_in_range_and_taken),
		cmocka_unit_test(small_range_is_exhausted_with_enospc),
		cmocka_unit_test(every_pair_of_a_range_can_be_reserved_once),
		cmocka_unit_test(reserve_outside_range_is_erange),
		cmocka_unit_test(release_of_a_free_pair_is_enoent),
		cmocka_unit_test(alloc_never_returns_a_reserved_pair),
		cmocka_unit_test(full_space_hands_out_every_pair_exactly_once),
		cmocka_unit_test(mixed_operations_agree_with_a_table_of_taken_pairs),
		cmocka_unit_test(draws_are_spread_evenly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
