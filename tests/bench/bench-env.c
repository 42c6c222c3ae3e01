/* bench-env.c: the set-up bench_svirtd and bench_interpose share: the real
 * build/svirtd on the test xenstore, its images on a private tmpfs. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../unit/tmpfs.h"
#include "bench-env.h"

static char top[64];

_Noreturn void bench_die(const char *name, const char *what)
{
	fprintf(stderr, "%s: %s\n", name, what);
	exit(1);
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *bench_begin(const char *name)
{
	static char why[PATH_MAX + 64];
	char bin[PATH_MAX];
	const char *skip;

	svirtd_binary(bin, sizeof(bin));
	if (access(bin, X_OK) != 0) {
		snprintf(why, sizeof(why), "no svirtd at %s (make build/svirtd)",
			 bin);
		return why;
	}
	sandbox_enter();
	if ((skip = tmpfs_private(top, sizeof(top), name,
				  (const char *const[]){ ORIG, NULL })))
		return skip;
	setenv(TOP_ENV, top, 1);
	return NULL;
}

void bench_done(void)
{
	tmpfs_remove(top);
}

struct env *bench_env_new(const char *name)
{
	void *state = NULL;
	struct env *e;

	if (setup(&state) != 0)
		bench_die(name, "cannot start the test xenstore (is build/xsd built?)");
	e = state;
	/* svirtd as shipped logs at info: the tests' debug log would cost
	 * more than it measures. */
	write_config_at(e, "", "info");
	return e;
}

void bench_env_free(const char *name, struct env *e)
{
	void *state = e;

	if (e->svirtd > 0)
		svirtd_stop(e);
	if (teardown(&state) != 0)
		bench_die(name, "the test xenstore did not stop cleanly");
}
