/* fake_test.c: a cmocka binary that misbehaves on request, for the self-test of
 * tests/run-tests (tests/selftest/run-tests-selftest); make check never runs it alone. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit/skip.h"

static void passes(void **state)
{
	(void)state;
	assert_true(1);
}

static void skips_saying_why(void **state)
{
	(void)state;
	skip_because("the self-test %s", "asks for it");
}

static void skips_silently(void **state)
{
	(void)state;
	skip();
}

/* Never returns: the runner's timeout must end it. */
static void hangs(void **state)
{
	(void)state;
	for (;;)
		pause();
}

/* Leaves a child holding the output, as a failing test_reap did. */
static void leaves_a_child(void **state)
{
	pid_t pid = fork();

	(void)state;
	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	print_message("child %d\n", (int)pid);
}

/* FAKE_TEST picks the misbehaviour: pass, skip, skip-silently, hang, leave-child, crash. */
int main(void)
{
	const char *mode = getenv("FAKE_TEST");
	struct CMUnitTest t[2] = { cmocka_unit_test(passes) };

	if (!mode || !strcmp(mode, "pass"))
		return _cmocka_run_group_tests("fake", t, 1, NULL, NULL);
	if (!strcmp(mode, "crash")) {
		printf("[ RUN      ] passes\n");
		fflush(stdout);
		abort();
	}
	if (!strcmp(mode, "skip"))
		t[1] = (struct CMUnitTest)cmocka_unit_test(skips_saying_why);
	else if (!strcmp(mode, "skip-silently"))
		t[1] = (struct CMUnitTest)cmocka_unit_test(skips_silently);
	else if (!strcmp(mode, "hang"))
		t[1] = (struct CMUnitTest)cmocka_unit_test(hangs);
	else if (!strcmp(mode, "leave-child"))
		t[1] = (struct CMUnitTest)cmocka_unit_test(leaves_a_child);
	else {
		fprintf(stderr, "fake_test: unknown FAKE_TEST=%s\n", mode);
		return 2;
	}
	return _cmocka_run_group_tests("fake", t, 2, NULL, NULL);
}
