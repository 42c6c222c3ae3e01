/* test_interpose_rt.c: the freestanding interposer's own formatting and
 * error texts (interpose/rt) against glibc's: its messages must read as they
 * did when glibc wrote them. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* Compiled in: only the pure parts (the rest defines the C library's own
 * names, which a test linked against glibc cannot). */
#include "../../interpose/rt/errtext.c"
#include "../../interpose/rt/format.c"

static int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = svrt_vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Cut short on purpose, below. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* Both formatters, into buffers of each size up to 40 (so every cut is
 * compared too), must give the same bytes and the same length. */
#define SAME(...)                                                              \
	do {                                                                   \
		for (size_t size = 0; size <= 40; size++) {                    \
			char g[96], r[96];                                     \
			int ng, nr;                                            \
                                                                               \
			memset(g, 'x', sizeof(g));                             \
			memset(r, 'x', sizeof(r));                             \
			ng = snprintf(g, size, __VA_ARGS__);                   \
			nr = rt_snprintf(r, size, __VA_ARGS__);                \
			assert_int_equal(nr, ng);                              \
			assert_memory_equal(r, g, sizeof(g));                  \
		}                                                              \
	} while (0)

static void conversions_read_as_glibc_writes_them(void **state)
{
	(void)state;
	SAME("plain text, no conversion");
	SAME("%d %d %d %d", 0, -1, INT_MAX, INT_MIN);
	SAME("%i|%5d|%-5d|%05d|%+d|% d", 42, -42, 42, -42, 42, 42);
	SAME("%u %u %lu %ld %ld", 0u, UINT_MAX, ULONG_MAX, LONG_MIN, LONG_MAX);
	SAME("%zu %zu %lld %llu", (size_t)0, SIZE_MAX, LLONG_MIN, ULLONG_MAX);
	SAME("%hhd %hd %hhu %hu", 300, 70000, 300, 70000);
	SAME("%jd %td %ju", (intmax_t)-5, (ptrdiff_t)-7, (uintmax_t)9);
	SAME("%x %X %02x %02X %#x %#X %#o %o", 255u, 255u, 7u, 10u, 255u, 0u,
	     8u, 8u);
	SAME("%.3d|%.0d|%8.3d|%-8.3d", 5, 0, -5, 5);
	SAME("%c%c|%3c|%-3c|", 'a', '\n', 'z', 'y');
	SAME("%s|%.*s|%.2s|%6s|%-6s|%.0s", "svirt", 3, "interpose", "abc",
	     "ab", "ab", "gone");
	SAME("%*d|%-*d|%*d|%.*d", 6, 1, 6, 1, -6, 1, 3, 7);
	SAME("%p %p", (void *)0x1234, (void *)0);
	SAME("100%% %s", "done");
	SAME("domain %d: real qemu %s: %s", 7, "/usr/libexec/q", "No such file");
}

/* A conversion it does not know is refused, not skipped or guessed. */
static void unknown_conversion_is_an_error(void **state)
{
	char buf[32];
	int (*fmt)(char *, size_t, const char *, ...) = rt_snprintf;

	(void)state;
	/* Called through a pointer: the compiler's format check would stop
	 * the unknown conversion at build time, as it should in real code. */
	assert_int_equal(fmt(buf, sizeof(buf), "a%qb", 1), -1);
	assert_string_equal(buf, "a");
}

/* Every errno the kernel has, worded as glibc words it. */
static void every_errno_text_is_glibcs(void **state)
{
	int known = 0;

	(void)state;
	for (int e = -2; e < 220; e++) {
		const char *t = svrt_errno_text(e);
		const char *g = strerror(e);

		if (strncmp(g, "Unknown error", 13) == 0 || e == 0) {
			if (t)
				fail_msg("errno %d: text \"%s\", glibc has none", e, t);
			continue;
		}
		if (!t)
			fail_msg("errno %d: no text, glibc has \"%s\"", e, g);
		assert_string_equal(t, g);
		known++;
	}
	assert_true(known > 120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conversions_read_as_glibc_writes_them),
		cmocka_unit_test(unknown_conversion_is_an_error),
		cmocka_unit_test(every_errno_text_is_glibcs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
