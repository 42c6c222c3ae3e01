/* test_xenstored_svirtd_flap.c: guests that keep svirtd busy (backends flapping as their
 * frontends change, a bind that keeps failing) neither delay another guest nor flood the log. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"

#define BASELINE 7	/* 7 and 8: labelled with nothing else going on */
#define FLAPPER 5	/* labelled; its backends' state nodes flap */
#define FAILING 6	/* FLAPPER's uuid, so its bind fails; flaps too */
#define INCOMING 10	/* FLAPPER's uuid first: migrating in to it (no disk) */
#define NEWCOMER 9	/* introduced while the two flap */
#define DISKS 4
#define FLAP_MS 2000
/* The newcomer's bound: this many times the unflapped latency, and never
 * less than FLOOR_MS (a loaded test host's scheduling jitter). */
#define LATENCY_FACTOR 10
#define FLOOR_MS 400

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* DISKS raw images of their own for domid. */
static void disks_of(struct env *e, int domid, char params[DISKS][PATH_MAX + 8],
		     struct disk d[DISKS])
{
	for (int i = 0; i < DISKS; i++) {
		char name[32];

		snprintf(name, sizeof(name), "g%d-%d.img", domid, i);
		snprintf(params[i], PATH_MAX + 8, "raw:%s", image(e, name, ORIG));
		d[i] = (struct disk){ params[i], "w" };
	}
}

/* Time from introduction to "labelled"; params (may be NULL) the disks'. */
static uint64_t create_and_time(struct env *e, int domid,
				char params[DISKS][PATH_MAX + 8])
{
	char own[DISKS][PATH_MAX + 8];
	struct disk d[DISKS];
	uint64_t t0;

	if (!params)
		params = own;
	disks_of(e, domid, params, d);
	t0 = now_ms();
	guest_create(e, domid, d, DISKS);
	wait_labelled(e, domid);
	return now_ms() - t0;
}

/* A qdisk backend node of domid's device devid. */
static void put(struct xs_handle *xs, int domid, unsigned devid,
		const char *node, const char *value)
{
	char path[160];

	snprintf(path, sizeof(path), "/local/domain/0/backend/qdisk/%d/%u/%s",
		 domid, devid, node);
	if (!xs_write(xs, XBT_NULL, path, value, strlen(value)))
		_exit(3);
}

/* A child that does, as fast as the store lets it, what a guest flapping
 * its frontends makes the backends do: their state nodes go 1, 4, 1, ...;
 * and rewrites a params of each guest unchanged, which svirtd must look
 * at (the one node a toolstack would rewrite, the worst case). */
static pid_t start_flapping(const char *flapper_params)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct xs_handle *xs = xs_open(0);
		char params[64];

		if (!xs)
			_exit(2);
		snprintf(params, sizeof(params), "raw:/nonexistent/g%d.img", FAILING);
		for (unsigned n = 0;; n++) {
			const char *st = n % 2 ? "4" : "1";

			for (unsigned i = 0; i < DISKS; i++)
				put(xs, FLAPPER, 51712 + i * 16, "state", st);
			put(xs, FAILING, 51712, "state", st);
			put(xs, FAILING, 51712, "params", params);
			put(xs, FLAPPER, 51712, "params", flapper_params);
		}
	}
	return pid;
}

/* The flapping child, ended and reaped even when a check fails midway. */
static pid_t flapper = -1;

static void stop_flapping(void)
{
	int status;

	if (flapper <= 0)
		return;
	assert_int_equal(kill(flapper, SIGKILL), 0);
	assert_int_equal(waitpid(flapper, &status, 0), flapper);
	flapper = -1;
	/* It ran the whole time: it did not die on a refused write. */
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static int teardown_flapping(void **state)
{
	if (flapper > 0) {
		kill(flapper, SIGKILL);
		waitpid(flapper, NULL, 0);
		flapper = -1;
	}
	return teardown(state);
}

static unsigned count_in_log(const struct env *e, const char *what)
{
	FILE *f = fopen(e->log, "r");
	char line[4096];
	unsigned n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

static void flapping_guests_delay_no_newcomer_and_log_once(void **state)
{
	struct env *e = *state;
	char uuid[40], failing_params[64], flapper_params[DISKS][PATH_MAX + 8];
	uint64_t base, late, bound, t0;
	unsigned errors, flap_ms;

	svirtd_start(e);
	/* The faster of two: the first start may pay for warming up. */
	base = create_and_time(e, BASELINE, NULL);
	late = create_and_time(e, BASELINE + 1, NULL);
	base = late < base ? late : base;
	create_and_time(e, FLAPPER, flapper_params);
	/* FLAPPER's uuid: its bind fails (the uuid belongs to a live guest,
	 * and a second domain of it, migrating in, is there already). */
	uuid_of(FLAPPER, uuid, sizeof(uuid));
	guest_create_as(e, INCOMING, uuid, NULL, 0);
	wait_labelled(e, INCOMING);
	snprintf(failing_params, sizeof(failing_params), "raw:/nonexistent/g%d.img",
		 FAILING);
	guest_create_as(e, FAILING, uuid, &(struct disk){ failing_params, "w" }, 1);
	t0 = now_ms();
	flapper = start_flapping(flapper_params[0]);
	usleep(300 * 1000);	/* flapping in full swing */
	late = create_and_time(e, NEWCOMER, NULL);
	flap_ms = (unsigned)(now_ms() - t0);
	if (flap_ms < FLAP_MS)
		usleep((FLAP_MS - flap_ms) * 1000);
	flap_ms = (unsigned)(now_ms() - t0);
	stop_flapping();
	svirtd_sync(e);
	errors = count_in_log(e, "domain 6 (guest6): no label");
	bound = base * LATENCY_FACTOR > FLOOR_MS ? base * LATENCY_FACTOR : FLOOR_MS;
	print_message("unflapped %llu ms, while two guests flapped %llu ms (bound "
		      "%llu ms); guest 6's bind failure logged %u times in %u ms\n",
		      (unsigned long long)base, (unsigned long long)late,
		      (unsigned long long)bound, errors, flap_ms);
	if (late > bound) {
		show_log(e);
		fail_msg("guest %d labelled after %llu ms, more than %llu ms",
			 NEWCOMER, (unsigned long long)late,
			 (unsigned long long)bound);
	}
	/* Once when it was introduced, and not again within a minute. */
	assert_int_equal(errors, 1);
	svirtd_stop(e);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown_flapping)
		T(flapping_guests_delay_no_newcomer_and_log_once),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
