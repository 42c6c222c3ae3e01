/* test_log_limit.c: a guest's repeated complaint logged once, then once per interval
 * with the count held back; another message or another guest is never held back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "log_limit.h"

#define MIN 60000

static void repeat_is_held_until_the_interval_then_counted(void **state)
{
	struct sv_log_limit l;
	unsigned held = 99;

	(void)state;
	sv_log_limit_init(&l, MIN);
	assert_true(sv_log_limit_pass(&l, 6, "no label: uuid taken", 1000, &held));
	assert_int_equal(held, 0);
	for (int i = 0; i < 5000; i++)
		assert_false(sv_log_limit_pass(&l, 6, "no label: uuid taken",
					       1000 + (uint64_t)i * 10, &held));
	assert_true(sv_log_limit_pass(&l, 6, "no label: uuid taken", 1000 + MIN, &held));
	assert_int_equal(held, 5000);
	assert_false(sv_log_limit_pass(&l, 6, "no label: uuid taken", 2000 + MIN, &held));
	sv_log_limit_free(&l);
}

static void another_message_or_guest_is_logged_at_once(void **state)
{
	struct sv_log_limit l;
	unsigned held;

	(void)state;
	sv_log_limit_init(&l, MIN);
	assert_true(sv_log_limit_pass(&l, 6, "no label: uuid taken", 0, &held));
	assert_true(sv_log_limit_pass(&l, 7, "no label: uuid taken", 1, &held));
	assert_true(sv_log_limit_pass(&l, 6, "no label: no pair free", 2, &held));
	assert_int_equal(held, 0);
	assert_false(sv_log_limit_pass(&l, 6, "no label: no pair free", 3, &held));
	assert_false(sv_log_limit_pass(&l, 7, "no label: uuid taken", 4, &held));
	sv_log_limit_free(&l);
}

/* Once its bind succeeds, a guest's next trouble is news again. */
static void forgotten_guest_is_logged_at_once(void **state)
{
	struct sv_log_limit l;
	unsigned held;

	(void)state;
	sv_log_limit_init(&l, MIN);
	for (int d = 1; d <= 100; d++)
		assert_true(sv_log_limit_pass(&l, d, "x", 0, &held));
	sv_log_limit_forget(&l, 50);
	sv_log_limit_forget(&l, 51);	/* twice-removed is harmless */
	sv_log_limit_forget(&l, 51);
	assert_true(sv_log_limit_pass(&l, 50, "x", 1, &held));
	assert_false(sv_log_limit_pass(&l, 100, "x", 1, &held));
	assert_false(sv_log_limit_pass(&l, 1, "x", 1, &held));
	sv_log_limit_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(repeat_is_held_until_the_interval_then_counted),
		cmocka_unit_test(another_message_or_guest_is_logged_at_once),
		cmocka_unit_test(forgotten_guest_is_logged_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
