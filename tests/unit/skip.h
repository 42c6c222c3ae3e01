/* skip.h: ends the running cmocka test as skipped, saying why on a line
 * `skipped: REASON`, which tests/run-tests lists next to the test's name. */
#ifndef SVIRT_TEST_SKIP_H
#define SVIRT_TEST_SKIP_H

/* After <cmocka.h>.  The reason is a printf format and its arguments; a
 * skip without a reason fails the run, so every skip says why. */
#define skip_because(...)                                                      \
	do {                                                                   \
		print_message("skipped: ");                                    \
		print_message(__VA_ARGS__);                                    \
		print_message("\n");                                           \
		skip();                                                        \
	} while (0)

#endif
