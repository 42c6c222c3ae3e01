/* bench_svirtd.c: the real build/svirtd against the test xenstore server: time from
 * @introduceDomain to state=labelled, guests labelled per second, reconcile after a restart. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"
#include "bench-env.h"
#include "control.h"

#define NAME "bench_svirtd"
#define GUESTS_ENV "SVIRTD_BENCH_GUESTS"
#define GUESTS_DEFAULT 1000
#define LATENCY_GUESTS 20
#define LATENCY_DISKS 4
#define WAIT_MS 120000	/* bounds a broken run; a working svirtd is far faster */

/* What svirtd has published so far, as the bench's watch below SVIRT saw it. */
struct tally {
	struct env *e;
	int max_domid;
	unsigned char *done;	/* per domid: 1 labelled, 2 error */
	unsigned labelled, errors;
	double first, last;	/* when the first and the last were seen */
};

#define now bench_now

_Noreturn static void die(const char *what)
{
	bench_die(NAME, what);
}

static void tally_reset(struct tally *t)
{
	memset(t->done, 0, (size_t)t->max_domid + 1);
	t->labelled = t->errors = 0;
	t->first = t->last = 0;
}

/* SVIRT/<domid>/state changed: count it once it reads labelled or error. */
static void saw(struct tally *t, const char *path)
{
	unsigned len;
	int domid, end = 0;
	char *v;

	if (sscanf(path, SVIRT "/%d/state%n", &domid, &end) != 1 ||
	    path[end] != '\0' || domid < 1 || domid > t->max_domid ||
	    t->done[domid])
		return;
	if (!(v = xs_read(t->e->xs, XBT_NULL, path, &len)))
		return;
	if (strcmp(v, "labelled") == 0 || strcmp(v, "error") == 0) {
		t->done[domid] = v[0] == 'l' ? 1 : 2;
		t->labelled += v[0] == 'l';
		t->errors += v[0] == 'e';
		t->last = now();
		if (t->labelled + t->errors == 1)
			t->first = t->last;
	}
	free(v);
}

/* Every pending event, waiting up to ms for the first; false on a timeout. */
static bool take_events(struct tally *t, int ms)
{
	struct pollfd p = { .fd = xs_fileno(t->e->w), .events = POLLIN };
	char **ev;
	int n = poll(&p, 1, ms);

	if (n < 0 && errno != EINTR)
		die("poll on the watch failed");
	while ((ev = xs_check_watch(t->e->w))) {
		saw(t, ev[XS_WATCH_PATH]);
		free(ev);
	}
	return n != 0;
}

static void wait_all(struct tally *t, unsigned n)
{
	while (t->labelled + t->errors < n)
		if (!take_events(t, WAIT_MS)) {
			show_log(t->e);
			die("svirtd stopped labelling");
		}
}

/* LIST on the control socket: how many domains it gives as labelled. */
static unsigned list_labelled(struct env *e)
{
	struct sv_control_request req = { .op = SV_CONTROL_LIST };
	struct sv_control_reply reply = { .n = 0 };
	struct sv_error err;
	unsigned n = 0;

	if (sv_control_call(e->sock, &req, WAIT_MS, &reply, &err) < 0) {
		fprintf(stderr, "bench_svirtd: LIST: %s\n", err.msg);
		exit(1);
	}
	for (size_t i = 0; i < reply.n; i++)
		n += reply.entries[i].domid > 0 &&
		     reply.entries[i].state == SV_STATE_LABELLED;
	sv_control_reply_clear(&reply);
	return n;
}

/* svirtd's peak resident set (VmHWM), in kB; 0 if unreadable. */
static unsigned long peak_rss_kb(pid_t pid)
{
	char path[64], line[256];
	unsigned long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* CPU time (user + system) pid has used so far, in seconds; 0 if unknown.
 * Says which of svirtd and the test xenstore the wall time went to. */
static double cpu_seconds(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After "pid (comm) ": state is field 3, utime and stime 14 and 15. */
	if (!(p = strrchr(buf, ')')) ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
		   &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The xenstore requests svirtd (pid, now ended) made, by type, per guest:
 * the test xenstore appends each connection's counts to XSD_STATS as it
 * closes it, which may be a moment after svirtd's exit. */
static void print_requests(pid_t pid, unsigned guests)
{
	const char *path = getenv("XSD_STATS");
	char prefix[32], line[1024], names[16][24];
	unsigned long counts[16] = { 0 };
	size_t ntypes = 0;
	int conns = 0;

	snprintf(prefix, sizeof(prefix), "pid %d:", (int)pid);
	for (int tries = 0; tries < 200 && conns < 2; tries++) {
		FILE *f = path ? fopen(path, "r") : NULL;

		conns = 0;
		ntypes = 0;
		memset(counts, 0, sizeof(counts));
		while (f && fgets(line, sizeof(line), f)) {
			char *tok, *save = NULL;

			if (strncmp(line, prefix, strlen(prefix)) != 0)
				continue;
			conns++;
			for (tok = strtok_r(line + strlen(prefix), " \n", &save);
			     tok; tok = strtok_r(NULL, " \n", &save)) {
				char name[24];
				unsigned long v;
				size_t i;

				if (sscanf(tok, "%23[a-z_]=%lu", name, &v) != 2)
					continue;
				for (i = 0; i < ntypes; i++)
					if (strcmp(names[i], name) == 0)
						break;
				if (i == ntypes && ntypes < 16)
					snprintf(names[ntypes++], 24, "%s", name);
				if (i < 16)
					counts[i] += v;
			}
		}
		if (f)
			fclose(f);
		if (conns < 2)
			usleep(10000);
	}
	if (!conns)
		return;
	printf("bench_svirtd:   xenstore requests per guest:");
	for (size_t i = 0; i < ntypes; i++)
		if (strcmp(names[i], "total") != 0)
			printf(" %s %.1f", names[i], (double)counts[i] / guests);
	for (size_t i = 0; i < ntypes; i++)
		if (strcmp(names[i], "total") == 0)
			printf("; total %.1f", (double)counts[i] / guests);
	printf("\n");
}

static void print_cpu(struct env *e, double svirtd0, double xsd0)
{
	printf("bench_svirtd:   CPU: svirtd %.2f s, test xenstore %.2f s\n",
	       cpu_seconds(e->svirtd) - svirtd0, cpu_seconds(e->h.pid) - xsd0);
}

/* ndisks writable file disks of their own for domid, written as libxl does
 * (not yet introduced). */
static void guest_prepare(struct env *e, int domid, size_t ndisks)
{
	char params[LATENCY_DISKS][PATH_MAX + 8], name[64], uuid[40];
	struct disk d[LATENCY_DISKS];

	for (size_t i = 0; i < ndisks; i++) {
		snprintf(name, sizeof(name), "g%d-%zu.img", domid, i);
		snprintf(params[i], sizeof(params[i]), "raw:%s",
			 image(e, name, ORIG));
		d[i] = (struct disk){ params[i], "w" };
	}
	uuid_of(domid, uuid, sizeof(uuid));
	guest_write(e, domid, uuid, d, ndisks);
}

static void introduce(struct env *e, int domid)
{
	if (!xs_introduce_domain(e->xs, (unsigned)domid, 0, 0))
		die("xs_introduce_domain failed");
}

/* One guest at a time, svirtd idle before each introduction. */
static void bench_latency(struct tally *t)
{
	struct env *e = t->e;
	double sum = 0, max = 0;

	svirtd_start(e);
	for (int g = 1; g <= LATENCY_GUESTS; g++) {
		double t0, dt;

		guest_prepare(e, g, LATENCY_DISKS);
		/* The backend writes are svirtd's to look at first. */
		(void)list_labelled(e);
		t0 = now();
		introduce(e, g);
		wait_all(t, (unsigned)g);
		dt = t->last - t0;
		sum += dt;
		max = dt > max ? dt : max;
	}
	if (t->errors)
		die("a latency guest ended in state error");
	printf("bench_svirtd: @introduceDomain to state=labelled, %d disks: "
	       "mean %.2f ms, max %.2f ms over %d guests\n", LATENCY_DISKS,
	       sum / LATENCY_GUESTS * 1e3, max * 1e3, LATENCY_GUESTS);
	svirtd_stop(e);
}

/* n guests written first, then introduced back to back; then svirtd killed
 * and started again with all of them alive. */
static void bench_storm_and_restart(struct tally *t, unsigned n)
{
	struct env *e = t->e;
	double t0, dt, t_list, cpu0, xcpu0;
	unsigned long rss;
	pid_t pid;

	for (unsigned g = 1; g <= n; g++)
		guest_prepare(e, (int)g, 1);
	svirtd_start(e);
	(void)list_labelled(e);
	cpu0 = cpu_seconds(e->svirtd);
	xcpu0 = cpu_seconds(e->h.pid);
	t0 = now();
	for (unsigned g = 1; g <= n; g++) {
		introduce(e, (int)g);
		take_events(t, 0);
	}
	wait_all(t, n);
	dt = t->last - t0;
	rss = peak_rss_kb(e->svirtd);
	printf("bench_svirtd: %u guests (1 disk each) introduced back to back: "
	       "all labelled in %.2f s, %.0f guests/s; svirtd peak RSS "
	       "(VmHWM) %lu kB\n", n, dt, n / dt, rss);
	print_cpu(e, cpu0, xcpu0);
	if (t->errors)
		printf("bench_svirtd: %u of them ended in state error\n",
		       t->errors);

	pid = e->svirtd;
	svirtd_kill(e);
	print_requests(pid, n);
	tally_reset(t);
	if (!xs_rm(e->xs, XBT_NULL, SVIRT))
		die("cannot remove " SVIRT);
	xcpu0 = cpu_seconds(e->h.pid);
	t0 = now();
	svirtd_spawn(e);
	wait_all(t, n);
	dt = t->last - t0;
	while (list_labelled(e) < n - t->errors)
		;
	t_list = now() - t0;
	printf("bench_svirtd: restart (after SIGKILL) with %u live guests: "
	       "last state=labelled %.2f s after the start, LIST with all "
	       "labelled %.2f s; svirtd peak RSS (VmHWM) %lu kB\n", n, dt,
	       t_list, peak_rss_kb(e->svirtd));
	/* What the start costs before any guest's pass: exec, the records
	 * loaded, every record's domain asked whether it lives. */
	printf("bench_svirtd:   first state=labelled %.2f s after the start\n",
	       t->first - t0);
	print_cpu(e, 0, xcpu0);
	pid = e->svirtd;
	svirtd_stop(e);
	print_requests(pid, n);
}

int main(void)
{
	const char *s = getenv(GUESTS_ENV);
	unsigned n = s && atoi(s) > 0 ? (unsigned)atoi(s) : GUESTS_DEFAULT;
	struct tally t = { .max_domid = (int)n };
	char stats[PATH_MAX];
	const char *why;

	if (n > SV_CONTROL_DOMID_MAX)
		die(GUESTS_ENV " is beyond the last domid");
	if ((why = bench_begin("svirt-bench"))) {
		printf(NAME ": SKIP: %s\n", why);
		return 77;	/* skipped: make bench counts it */
	}
	/* Set after bench_begin, whose tmpfs holds it. */
	snprintf(stats, sizeof(stats), "%s/xsd-stats", getenv(TOP_ENV));
	setenv("XSD_STATS", stats, 1);
	if (t.max_domid < LATENCY_GUESTS)
		t.max_domid = LATENCY_GUESTS;
	if (!(t.done = calloc((size_t)t.max_domid + 1, 1)))
		die("out of memory");
	printf("bench_svirtd: build/svirtd against the test xenstore (xsd), "
	       "images on a tmpfs; %s=%u\n", GUESTS_ENV, n);

	t.e = bench_env_new(NAME);
	bench_latency(&t);
	bench_env_free(NAME, t.e);

	tally_reset(&t);
	t.e = bench_env_new(NAME);
	bench_storm_and_restart(&t, n);
	bench_env_free(NAME, t.e);

	free(t.done);
	bench_done();
	return 0;
}
