/* bench_interpose.c: the start latency svirt-interpose adds: a trivial program
 * started 1000 times through it (asking the real svirtd) against directly. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-env.h"
#include "control.h"

#define NAME "bench_interpose"
#define STARTS_ENV "INTERPOSE_BENCH_STARTS"
#define STARTS_DEFAULT 1000
#define DOMID 1
#define TRIVIAL "/bin/true"
/* The interposer linked as build/svirt-interpose is, with its config path as
 * argv[1] (tests/bench/interpose-stub.c), next to this binary. */
#define STUB "interpose-stub"
/* Its argv[1] to only load (the interposer's libraries) and exit. */
#define LOAD_ONLY "--load-only"

static double start_once(char *const argv[])
{
	double t0 = bench_now();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		bench_die(NAME, "fork failed");
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		bench_die(NAME, "a start failed (see above)");
	return bench_now() - t0;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median and 90th percentile of n times, in ms (sorts t). */
static void summarise(double *t, unsigned n, double *median, double *p90)
{
	qsort(t, n, sizeof(*t), by_value);
	*median = t[n / 2] * 1e3;
	*p90 = t[n * 9 / 10] * 1e3;
}

/* n starts of each of the three command lines, taken in turn (direct,
 * through, load, direct, ...), so that a change in the machine's load
 * (other jobs come and go) weighs on the three alike, not on one phase. */
static void measure(char *const *const argv[3], unsigned n, double median[3],
		    double p90[3])
{
	double *t = calloc(3 * (size_t)n, sizeof(*t));

	if (!t)
		bench_die(NAME, "out of memory");
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = 0; k < 3; k++)
			t[k * (size_t)n + i] = start_once(argv[k]);
	for (unsigned k = 0; k < 3; k++)
		summarise(t + k * (size_t)n, n, &median[k], &p90[k]);
	free(t);
}

/* Median and 90th percentile of n GET round trips to svirtd from here (the
 * interposer's one question, without its exec), in ms. */
static void measure_get(const char *sock, unsigned n, double *median,
			double *p90)
{
	struct sv_control_request req = {
		.op = SV_CONTROL_GET, .domid = DOMID, .wait_seconds = 30,
	};
	double *t = calloc(n, sizeof(*t));

	if (!t)
		bench_die(NAME, "out of memory");
	for (unsigned i = 0; i < n; i++) {
		struct sv_control_reply rep = { 0 };
		struct sv_error err = { "" };
		double t0 = bench_now();

		if (sv_control_call(sock, &req, 32000, &rep, &err) < 0 ||
		    rep.n < 1 || rep.entries[0].state != SV_STATE_LABELLED)
			bench_die(NAME, "GET failed");
		t[i] = bench_now() - t0;
		sv_control_reply_clear(&rep);
	}
	summarise(t, n, median, p90);
	free(t);
}

static void run(struct env *e, unsigned n)
{
	char conf[PATH_MAX], stub[PATH_MAX], params[PATH_MAX + 8], body[PATH_MAX + 128];
	double m[3], p[3], gm, gp;
	ssize_t len;

	if ((len = readlink("/proc/self/exe", stub, sizeof(stub) - 1)) < 0)
		bench_die(NAME, "cannot find its own binary");
	stub[len] = '\0';
	if (!strrchr(stub, '/') ||
	    strlen(stub) + sizeof(STUB) >= sizeof(stub))
		bench_die(NAME, "odd path of its own binary");
	strcpy(strrchr(stub, '/') + 1, STUB);
	if (snprintf(params, sizeof(params), "raw:%s",
		     image(e, "g1.img", ORIG)) >= (int)sizeof(params))
		bench_die(NAME, "image path too long");
	guest_create(e, DOMID, &(struct disk){ params, "w" }, 1);
	wait_labelled(e, DOMID);

	if (snprintf(conf, sizeof(conf), "%s/interpose.conf", e->dir) >=
		    (int)sizeof(conf) ||
	    snprintf(body, sizeof(body),
		     "qemu = \"" TRIVIAL "\"\nsocket = \"%s\"\n"
		     "require_dm_restrict = 1\n", e->sock) >= (int)sizeof(body))
		bench_die(NAME, "paths too long");
	put_file(conf, body);

	char *direct[] = { TRIVIAL, "-xen-domid", "1", "-xen-domid-restrict",
			   NULL };
	char *through[] = { stub, conf, "-xen-domid", "1",
			    "-xen-domid-restrict", NULL };
	char *load[] = { stub, LOAD_ONLY, NULL };

	char *const *const argvs[3] = { direct, through, load };

	measure(argvs, n, m, p);
	measure_get(e->sock, n, &gm, &gp);
	printf(NAME ": %u starts of %s: directly median %.3f ms (p90 %.3f), "
	       "through the interposer median %.3f ms (p90 %.3f); "
	       "ratio %.1f, added %.3f ms\n", n, TRIVIAL, m[0], p[0], m[1], p[1],
	       m[1] / m[0], m[1] - m[0]);
	printf(NAME ":   of which loading the interposer's libraries alone "
	       "(exec and exit): median %.3f ms (p90 %.3f)\n", m[2], p[2]);
	printf(NAME ":   and svirtd's answer alone (GET round trip from this "
	       "process): median %.3f ms (p90 %.3f)\n", gm, gp);
}

int main(void)
{
	const char *s = getenv(STARTS_ENV), *why;
	unsigned n = s && atoi(s) > 0 ? (unsigned)atoi(s) : STARTS_DEFAULT;
	struct env *e;

	if ((why = bench_begin("svirt-bench-ip"))) {
		printf(NAME ": SKIP: %s\n", why);
		return 77;	/* skipped: make bench counts it */
	}
	printf(NAME ": GET %d WAIT to build/svirtd on the test xenstore, "
	       "config load, argv check, exec; %s=%u\n", DOMID, STARTS_ENV, n);
	e = bench_env_new(NAME);
	svirtd_start(e);
	run(e, n);
	bench_env_free(NAME, e);
	bench_done();
	return 0;
}
