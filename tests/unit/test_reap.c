/* test_reap.c: svirtd ends exactly the processes in a dead guest's label
 * (lib/reap.c) and says so when one will not go.  Real child processes; their
 * labels come from a fake proc tree whose stat files are the real ones. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "reap.h"
#include "wait_kill.h"

#define A "system_u:system_r:svirt_xen_t:s0:c1,c2"
#define B "system_u:system_r:svirt_xen_t:s0:c3,c4"
#define A_CAT "system_u:system_r:svirt_xen_t:s0:c1"

struct env {
	char root[64];
	pid_t pgid;		/* every child's process group, 0 before the first */
	pid_t parent;
};

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* root/<pid>/attr/current = ctx (with the kernel's NUL), stat = the real one. */
static void label(struct env *e, pid_t pid, const char *ctx)
{
	char dir[128], path[160], real[64];

	snprintf(dir, sizeof(dir), "%s/%d", e->root, (int)pid);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/attr", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/attr/current", dir);
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fwrite(ctx, 1, strlen(ctx) + 1, f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/stat", dir);
	snprintf(real, sizeof(real), "/proc/%d/stat", (int)pid);
	assert_int_equal(symlink(real, path), 0);
}

/* A child that waits to be killed.  It dies with the test binary
 * (PDEATHSIG) and is in the test's process group, which teardown kills: a
 * failing test leaves nothing holding run-tests' output pipe open. */
static pid_t child(struct env *e)
{
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
		    getppid() != e->parent)
			_exit(1);
		for (;;)
			pause();
	}
	if (setpgid(p, e->pgid) < 0) {
		kill(p, SIGKILL);
		waitpid(p, NULL, 0);
		fail_msg("setpgid: %s", strerror(errno));
	}
	if (!e->pgid)
		e->pgid = p;
	return p;
}

static bool alive(pid_t p)
{
	return kill(p, 0) == 0;
}

static int setup(void **state)
{
	static struct env e;

	snprintf(e.root, sizeof(e.root), "/tmp/svirt-reap-XXXXXX");
	if (!mkdtemp(e.root))
		return -1;
	e.pgid = 0;
	e.parent = getpid();
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char cmd[128];

	/* Whatever a failed test left running. */
	if (e->pgid) {
		kill(-e->pgid, SIGKILL);
		while (waitpid(-e->pgid, NULL, 0) > 0)
			;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->root);
	return system(cmd) == 0 ? 0 : -1;
}

static void finds_exactly_the_label(void **state)
{
	struct env *e = *state;
	pid_t a1 = child(e), a2 = child(e), b = child(e), c = child(e);
	struct sv_reap r;
	struct sv_error err;

	label(e, a1, A);
	label(e, a2, A);
	label(e, b, B);
	label(e, c, A_CAT);	/* a prefix of A's label is another label */
	assert_int_equal(sv_reap_find(e->root, A, &r, &err), 0);
	assert_int_equal(r.n, 2);
	assert_true((r.pid[0] == a1 && r.pid[1] == a2) || (r.pid[0] == a2 && r.pid[1] == a1));
	for (pid_t *p = (pid_t[]){ a1, a2, b, c }, *end = p + 4; p < end; p++) {
		kill(*p, SIGKILL);
		waitpid(*p, NULL, 0);
	}
}

static void kills_the_label_and_nothing_else(void **state)
{
	struct env *e = *state;
	pid_t a1 = child(e), a2 = child(e), b = child(e);
	struct sv_reap r;
	struct sv_error err;

	label(e, a1, A);
	label(e, a2, A);
	label(e, b, B);
	assert_int_equal(sv_reap_label(&(struct sv_reaper){ .proc_root = e->root, .wait_ms = 5000 }, A, &r, &err), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.alive, 0);
	assert_true(child_killed(a1));
	assert_true(child_killed(a2));
	assert_true(alive(b));
	kill(b, SIGKILL);
	waitpid(b, NULL, 0);
}

static void a_zombie_counts_as_gone(void **state)
{
	struct env *e = *state;
	pid_t a = child(e);
	struct sv_reap r;
	struct sv_error err;

	label(e, a, A);
	kill(a, SIGKILL);
	/* not reaped yet: a zombie, no longer found, nothing to wait for */
	for (int i = 0; i < 100; i++) {
		char path[64], buf[256] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)a);
		if ((f = fopen(path, "r"))) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = '\0';
			fclose(f);
		}
		if (strstr(buf, ") Z "))
			break;
		usleep(10 * 1000);
	}
	assert_int_equal(sv_reap_label(&(struct sv_reaper){ .proc_root = e->root, .wait_ms = 1000 }, A, &r, &err), 0);
	assert_int_equal(r.n, 0);
	assert_true(child_killed(a));
}

/* A process that does not end (here: a pid the kernel does not have, whose
 * stat says it runs) is reported, and the caller must keep the pair. */
static void one_that_stays_is_an_error_naming_it(void **state)
{
	struct env *e = *state;
	char dir[128], path[160];
	struct sv_reap r;
	struct sv_error err = { "" };

	snprintf(dir, sizeof(dir), "%s/999999999", e->root);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/attr", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/attr/current", dir);
	put(path, A "\n");
	snprintf(path, sizeof(path), "%s/stat", dir);
	put(path, "999999999 (qemu) S 1 1 1 0 -1\n");
	assert_int_equal(sv_reap_label(&(struct sv_reaper){ .proc_root = e->root, .wait_ms = 200 }, A, &r, &err), -EBUSY);
	assert_int_equal(r.alive, 1);
	assert_non_null(strstr(err.msg, "pid 999999999"));
	assert_non_null(strstr(err.msg, A));
}

/* A kill that lets the victim fork first: the child appears, in the same
 * label, between the scan that found the parent and the kill. */
struct forker {
	struct env *e;
	int forks;		/* how many kills fork; -1: every one */
	pid_t last;
};

static int forking_kill(pid_t pid, int sig, void *arg)
{
	struct forker *f = arg;

	if (f->forks != 0) {
		if (f->forks > 0)
			f->forks--;
		f->last = child(f->e);
		label(f->e, f->last, A);
	}
	return kill(pid, sig);
}

static void a_child_forked_before_the_kill_is_killed_too(void **state)
{
	struct env *e = *state;
	pid_t a = child(e);
	struct forker f = { e, 1, 0 };
	struct sv_reaper rp = { e->root, forking_kill, &f, 5000 };
	struct sv_reap r;
	struct sv_error err = { "" };

	label(e, a, A);
	assert_int_equal(sv_reap_label(&rp, A, &r, &err), 0);
	assert_int_not_equal(f.last, 0);
	assert_true(child_killed(a));
	assert_true(child_killed(f.last));
	assert_int_equal(r.n, 2);
	assert_int_equal(r.alive, 0);
}

/* One that forks at every kill never leaves a clean scan: bounded, and an
 * error, so the caller keeps the pair. */
static void a_process_forking_forever_is_an_error_in_bounded_time(void **state)
{
	struct env *e = *state;
	pid_t a = child(e);
	struct forker f = { e, -1, 0 };
	struct sv_reaper rp = { e->root, forking_kill, &f, 200 };
	struct sv_reap r;
	struct sv_error err = { "" };
	struct timespec t0, t1;

	label(e, a, A);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(sv_reap_label(&rp, A, &r, &err), -EBUSY);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(r.alive >= 1);
	assert_non_null(strstr(err.msg, A));
	assert_true(t1.tv_sec - t0.tv_sec < 3);
}

static void no_label_or_no_proc_is_an_error(void **state)
{
	struct env *e = *state;
	struct sv_reap r;
	struct sv_error err = { "" };

	assert_int_equal(sv_reap_find(e->root, "", &r, &err), -EINVAL);
	assert_int_equal(sv_reap_find("/nonexistent-proc", A, &r, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent-proc"));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(finds_exactly_the_label),
		T(kills_the_label_and_nothing_else),
		T(a_zombie_counts_as_gone),
		T(one_that_stays_is_an_error_naming_it),
		T(a_child_forked_before_the_kill_is_killed_too),
		T(a_process_forking_forever_is_an_error_in_bounded_time),
		T(no_label_or_no_proc_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
