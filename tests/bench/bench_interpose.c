/* bench_interpose.c: the start latency svirt-interpose adds: a trivial program
 * started 1000 times through it (asking the real svirtd) against directly. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

/* One start: wall time (s), and the child's CPU time (user + system, s)
 * and minor page faults, from wait4: on a loaded machine the wall time
 * mostly measures the wait for a core, these two what the start costs. */
struct start {
	double wall, cpu, faults;
};

static struct start start_once(char *const argv[])
{
	double t0 = bench_now();
	struct rusage ru;
	struct start s;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		bench_die(NAME, "fork failed");
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		bench_die(NAME, "a start failed (see above)");
	s.wall = bench_now() - t0;
	s.cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	s.faults = (double)ru.ru_minflt + (double)ru.ru_majflt;
	return s;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median and 90th percentile of n values, times scale (sorts t). */
static void summarise_by(double *t, unsigned n, double scale, double *median,
			 double *p90)
{
	qsort(t, n, sizeof(*t), by_value);
	*median = t[n / 2] * scale;
	*p90 = t[n * 9 / 10] * scale;
}

/* Of n times in s: median and 90th percentile in ms. */
static void summarise(double *t, unsigned n, double *median, double *p90)
{
	summarise_by(t, n, 1e3, median, p90);
}

/* Per command line: medians and 90th percentiles of the wall time (ms), the
 * child's CPU time (ms) and its page faults. */
struct figures {
	double wall, wall90, cpu, cpu90, faults, faults90;
};

/* n starts of each of the three command lines, taken in turn (direct,
 * through, load, direct, ...), so that a change in the machine's load
 * (other jobs come and go) weighs on the three alike, not on one phase. */
static void measure(char *const *const argv[3], unsigned n,
		    struct figures f[3])
{
	double *t = calloc(9 * (size_t)n, sizeof(*t));

	if (!t)
		bench_die(NAME, "out of memory");
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = 0; k < 3; k++) {
			struct start s = start_once(argv[k]);

			t[(3 * k + 0) * (size_t)n + i] = s.wall;
			t[(3 * k + 1) * (size_t)n + i] = s.cpu;
			t[(3 * k + 2) * (size_t)n + i] = s.faults;
		}
	for (unsigned k = 0; k < 3; k++) {
		summarise(t + (3 * k + 0) * (size_t)n, n, &f[k].wall, &f[k].wall90);
		summarise(t + (3 * k + 1) * (size_t)n, n, &f[k].cpu, &f[k].cpu90);
		summarise_by(t + (3 * k + 2) * (size_t)n, n, 1, &f[k].faults,
			     &f[k].faults90);
	}
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
	struct figures f[3];
	double gm, gp;
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

	measure(argvs, n, f);
	measure_get(e->sock, n, &gm, &gp);
	printf(NAME ": %u starts of %s: directly median %.3f ms (p90 %.3f), "
	       "through the interposer median %.3f ms (p90 %.3f); "
	       "ratio %.1f, added %.3f ms\n", n, TRIVIAL, f[0].wall, f[0].wall90,
	       f[1].wall, f[1].wall90, f[1].wall / f[0].wall,
	       f[1].wall - f[0].wall);
	printf(NAME ":   of which loading the interposer alone "
	       "(exec and exit): median %.3f ms (p90 %.3f)\n", f[2].wall,
	       f[2].wall90);
	printf(NAME ":   and svirtd's answer alone (GET round trip from this "
	       "process): median %.3f ms (p90 %.3f)\n", gm, gp);
	printf(NAME ":   the started process's own CPU time (user+system, "
	       "wait4): directly median %.3f ms, through %.3f ms (added %.3f), "
	       "load alone %.3f ms\n", f[0].cpu, f[1].cpu, f[1].cpu - f[0].cpu,
	       f[2].cpu);
	printf(NAME ":   and its page faults: directly median %.0f, "
	       "through %.0f (added %.0f), load alone %.0f\n", f[0].faults,
	       f[1].faults, f[1].faults - f[0].faults, f[2].faults);
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
