/* test_xenstored_svirtd.c: the real build/svirtd against the test xenstore server: guests
 * introduced, labelled and released, the control socket, config and startup errors. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"

/* ---- scenarios ---- */

static void file_disk_gets_the_guests_image_label(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8];
	char *img = image(e, "web.img", ORIG), *want, *label;

	snprintf(params, sizeof(params), "raw:%s", img);
	svirtd_start(e);
	guest_create(e, 5, &(struct disk){ params, "w" }, 1);
	wait_labelled(e, 5);
	label = image_label(e, 5);
	assert_true(strncmp(label, IMAGE_TYPE ":c", strlen(IMAGE_TYPE) + 2) == 0);
	assert_label(img, label);
	assert_true(has_xattr(img, "trusted.svirt"));
	want = svirt_node(e, 5, "name");
	assert_string_equal(want, "guest5");
	free(want);
	free(label);
	svirtd_stop(e);
}

static void two_guests_get_distinct_pairs(void **state)
{
	struct env *e = *state;
	char p1[PATH_MAX + 8], p2[PATH_MAX + 8];
	char *l1, *l2;

	snprintf(p1, sizeof(p1), "raw:%s", image(e, "a.img", ORIG));
	snprintf(p2, sizeof(p2), "aio:%s", image(e, "b.img", ORIG));
	svirtd_start(e);
	guest_create(e, 7, &(struct disk){ p1, "w" }, 1);
	guest_create(e, 8, &(struct disk){ p2, "w" }, 1);
	wait_labelled(e, 7);
	wait_labelled(e, 8);
	l1 = image_label(e, 7);
	l2 = image_label(e, 8);
	assert_string_not_equal(l1, l2);
	assert_label(p1 + 4, l1);
	assert_label(p2 + 4, l2);
	free(l1);
	free(l2);
	svirtd_stop(e);
}

static void release_restores_exact_labels_and_removes_the_nodes(void **state)
{
	struct env *e = *state;
	char p1[PATH_MAX + 8], p2[PATH_MAX + 8];
	const char *odd = "user_u:object_r:odd_t:s0:c1.c5";
	struct disk d[2];

	snprintf(p1, sizeof(p1), "raw:%s", image(e, "c.img", ORIG));
	snprintf(p2, sizeof(p2), "raw:%s", image(e, "d.img", odd));
	d[0] = (struct disk){ p1, "w" };
	d[1] = (struct disk){ p2, "r" };
	svirtd_start(e);
	guest_create(e, 9, d, 2);
	wait_labelled(e, 9);
	assert_label(p2 + 4, CONTENT);
	guest_destroy(e, 9);
	wait_gone(e, 9);
	assert_label(p1 + 4, ORIG);
	assert_label(p2 + 4, odd);
	assert_false(has_xattr(p1 + 4, "trusted.svirt"));
	assert_false(has_xattr(p2 + 4, "trusted.svirt"));
	svirtd_stop(e);
}

/* path: dom0's, no access for any other domain. */
static void assert_dom0_alone(struct env *e, const char *path)
{
	unsigned n = 0;
	struct xs_permissions *p = xs_get_permissions(e->xs, XBT_NULL, path, &n);

	assert_non_null(p);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].id, 0);
	assert_int_equal(p[0].perms, XS_PERM_NONE);
	free(p);
}

/* The guest's directory and nodes too: they get SVIRT's permissions as
 * svirtd makes them (no set-permissions of their own). */
static void published_nodes_are_dom0s_alone(void **state)
{
	struct env *e = *state;
	struct xs_handle *guest;
	char path[64];
	unsigned len;

	svirtd_start(e);
	guest_create(e, 11, NULL, 0);
	wait_labelled(e, 11);
	assert_dom0_alone(e, SVIRT);
	assert_dom0_alone(e, SVIRT "/11");
	assert_dom0_alone(e, SVIRT "/11/state");
	snprintf(path, sizeof(path), SVIRT "/11/label");
	assert_dom0_alone(e, path);
	guest = xsd_open_domain(11);
	assert_null(xs_read(guest, XBT_NULL, path, &len));
	assert_int_equal(errno, EACCES);
	xs_close(guest);
	svirtd_stop(e);
}

static void hotplugged_disk_is_labelled_and_unplugged_one_restored(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8];
	char *label;

	snprintf(params, sizeof(params), "raw:%s", image(e, "hot.img", ORIG));
	svirtd_start(e);
	guest_create(e, 13, NULL, 0);
	wait_labelled(e, 13);
	label = image_label(e, 13);
	xsd_put(e->xs, "/local/domain/0/backend/qdisk/13/51728/mode", "w");
	xsd_put(e->xs, "/local/domain/0/backend/qdisk/13/51728/params", params);
	/* No event says "done" for a domain already labelled: ask svirtd. */
	while (!label_is(params + 4, label))
		wait_event(e);
	assert_true(xs_rm(e->xs, XBT_NULL, "/local/domain/0/backend/qdisk/13/51728"));
	while (!label_is(params + 4, ORIG))
		wait_event(e);
	free(label);
	svirtd_stop(e);
}

static void get_wait_answers_once_the_guest_is_labelled(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8], *r;

	snprintf(params, sizeof(params), "raw:%s", image(e, "g.img", ORIG));
	svirtd_start(e);
	r = control(e, "RESERVE 6b1e7c3a-0000-4000-8000-00000000000e c10,c20\n");
	assert_true(strncmp(r, "OK", 2) == 0);
	free(r);
	guest_create(e, 14, &(struct disk){ params, "w" }, 1);
	r = control(e, "GET 14 WAIT 10\n");
	if (!strstr(r, "labelled") || !strstr(r, "c10,c20"))
		fail_msg("GET reply: %s", r);
	free(r);
	assert_label(params + 4, IMAGE_TYPE ":c10,c20");
	r = control(e, "GET 99\n");
	assert_true(strncmp(r, "ERR ENOENT", 10) == 0);
	free(r);
	svirtd_stop(e);
}

static void get_wait_times_out_while_hotplug_is_unfinished(void **state)
{
	struct env *e = *state;
	char *r;

	svirtd_start(e);
	/* A vbd whose hotplug script has not written physical-device yet. */
	xsd_put(e->xs, "/local/domain/0/backend/vbd/17/51712/type", "phy");
	xsd_put(e->xs, "/local/domain/0/backend/vbd/17/51712/mode", "w");
	xsd_put(e->xs, "/local/domain/0/backend/vbd/17/51712/params", "/dev/null");
	guest_create(e, 17, NULL, 0);
	r = control(e, "GET 17 WAIT 1\n");
	if (strncmp(r, "ERR ETIMEDOUT", 13) != 0)
		fail_msg("GET reply: %s", r);
	free(r);
	assert_true(state_is_one_of(e, 17, "allocated", NULL));
	svirtd_stop(e);
}

static void list_gives_domains_by_domid_then_reservations(void **state)
{
	struct env *e = *state;
	char *r, *a, *b, *c;

	svirtd_start(e);
	free(control(e, "RESERVE 6b1e7c3a-0000-4000-8000-0000000000ff\n"));
	guest_create(e, 19, NULL, 0);
	guest_create(e, 18, NULL, 0);
	wait_labelled(e, 18);
	wait_labelled(e, 19);
	r = control(e, "LIST\n");
	a = strstr(r, "domain 18 ");
	b = strstr(r, "domain 19 ");
	c = strstr(r, "domain - uuid 6b1e7c3a-0000-4000-8000-0000000000ff");
	if (strncmp(r, "OK 3\n", 5) != 0 || !a || !b || !c || a > b || b > c)
		fail_msg("LIST reply: %s", r);
	free(r);
	r = control(e, "RESERVE 6b1e7c3a-0000-4000-8000-0000000000ff\n");
	assert_true(strncmp(r, "ERR EEXIST", 10) == 0);
	free(r);
	r = control(e, "UNRESERVE 6b1e7c3a-0000-4000-8000-0000000000ff\n");
	assert_string_equal(r, "OK 0\n");
	free(r);
	svirtd_stop(e);
}

/* The child's side: plain calls only (a cmocka failure in a forked child
 * would go on running the tests there).  Sends the reply down fd. */
_Noreturn static void ask_as_nobody(const char *sock, int fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[256];
	ssize_t n;
	int c;

	if (setgid(65534) < 0 || setuid(65534) < 0)
		_exit(2);
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock) >=
	    (int)sizeof(sa.sun_path))
		_exit(6);
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		_exit(3);
	/* svirtd may answer and close before reading: the write can fail. */
	(void)!send(c, "LIST\n", 5, MSG_NOSIGNAL);
	n = read(c, buf, sizeof(buf));
	if (n <= 0 || write(fd, buf, (size_t)n) != n)
		_exit(5);
	_exit(0);
}

static void peer_that_is_not_root_is_refused(void **state)
{
	struct env *e = *state;
	struct pollfd p;
	char dir[PATH_MAX], self[PATH_MAX];
	int fds[2], st;
	ssize_t n;
	char buf[128] = "";
	pid_t pid;

	svirtd_start(e);
	/* Open the door on the file system; SO_PEERCRED must still say no. */
	FMT(dir, sizeof(dir), "%s/run", e->dir);
	assert_int_equal(chmod(e->dir, 0755), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(e->sock, 0666), 0);
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	/* The path as readlink gives it (valgrind shows its own binary as
	 * /proc/self/exe to exec, but the test's to readlink). */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* A fresh process (exec'd), so nothing of this one's threads
		 * and memory goes with it (valgrind would count it lost). */
		if (dup2(fds[1], 3) == 3)
			execl(self, "test_xenstored_svirtd", "--ask-as-nobody",
			      e->sock, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	assert_int_equal(poll(&p, 1, XSD_WAIT_MS), 1);
	assert_true(read(fds[0], buf, sizeof(buf) - 1) >= 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (strncmp(buf, "ERR EACCES", 10) != 0)
		fail_msg("reply to nobody: \"%s\" (child status %#x)", buf, st);
	svirtd_stop(e);
}

static void bad_config_on_sighup_keeps_the_old_one(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8], *r;

	snprintf(params, sizeof(params), "raw:%s", image(e, "hup.img", ORIG));
	svirtd_start(e);
	put_file(e->conf, "categories = \"c0.c5\"\nbogus = 1\n");
	assert_int_equal(kill(e->svirtd, SIGHUP), 0);
	/* The signal is pending before this request is written, so svirtd
	 * has handled it by the time it answers. */
	free(control(e, "LIST\n"));
	guest_create(e, 20, &(struct disk){ params, "w" }, 1);
	wait_labelled(e, 20);
	r = image_label(e, 20);
	assert_label(params + 4, r);
	free(r);
	svirtd_stop(e);
}

static void reused_domid_is_a_new_guest_with_a_new_pair(void **state)
{
	struct env *e = *state;
	char p1[PATH_MAX + 8], p2[PATH_MAX + 8], *l1, *l2, *u;
	const char *other = "6b1e7c3a-0000-4000-8000-00000000beef";

	snprintf(p1, sizeof(p1), "raw:%s", image(e, "old.img", ORIG));
	snprintf(p2, sizeof(p2), "raw:%s", image(e, "new.img", ORIG));
	svirtd_start(e);
	guest_create(e, 21, &(struct disk){ p1, "w" }, 1);
	wait_labelled(e, 21);
	l1 = image_label(e, 21);
	/* Destroyed and the domid given to another guest before svirtd
	 * looks again (a fixed domid in its config). */
	guest_destroy(e, 21);
	guest_create_as(e, 21, other, &(struct disk){ p2, "w" }, 1);
	for (;;) {
		u = svirt_node(e, 21, "uuid");
		if (u && strcmp(u, other) == 0 &&
		    state_is_one_of(e, 21, "labelled", NULL))
			break;
		free(u);
		wait_event(e);
	}
	free(u);
	l2 = image_label(e, 21);
	assert_string_not_equal(l1, l2);
	assert_label(p1 + 4, ORIG);
	assert_label(p2 + 4, l2);
	free(l1);
	free(l2);
	svirtd_stop(e);
}

/* The storm's interleaving (test_xenstored_svirtd_restart.c), step by step:
 * libxl removes a guest's backends first, and svirtd restores the disk while
 * the domain is still introduced; the domid is then released and created
 * again (same uuid: a reboot) before svirtd looks.  Meanwhile svirtd shows
 * the earlier life as "labelled", with no objects: a check that trusts the
 * state alone sees a labelled guest on an unlabelled disk.  Once svirtd has
 * caught up, the new life is labelled on its disk. */
static void recreated_domid_shows_its_past_life_until_svirtd_catches_up(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8], *label;

	snprintf(params, sizeof(params), "raw:%s", image(e, "again.img", ORIG));
	svirtd_start(e);
	guest_create(e, 22, &(struct disk){ params, "w" }, 1);
	wait_node(e, 22, "objects", "1");
	wait_labelled(e, 22);
	assert_true(xs_rm(e->xs, XBT_NULL, "/local/domain/0/backend/qdisk/22"));
	wait_node(e, 22, "objects", "0");
	assert_true(state_is_one_of(e, 22, "labelled", NULL));
	assert_label(params + 4, ORIG);
	guest_destroy(e, 22);
	guest_create(e, 22, &(struct disk){ params, "w" }, 1);
	svirtd_sync(e);
	assert_true(state_is_one_of(e, 22, "labelled", NULL));
	wait_node(e, 22, "objects", "1");	/* already so: no wait */
	label = image_label(e, 22);
	assert_label(params + 4, label);
	free(label);
	guest_destroy(e, 22);
	wait_gone(e, 22);
	assert_label(params + 4, ORIG);
	assert_false(has_xattr(params + 4, "trusted.svirt"));
	svirtd_stop(e);
}

static void bad_or_missing_config_exits_1_with_the_message(void **state)
{
	struct env *e = *state;
	char out[1024], missing[PATH_MAX];
	const char *a1[] = { "svirtd", "--foreground", "--config", missing,
			     NULL };
	const char *a2[] = { "svirtd", "--foreground", "--config", e->conf,
			     NULL };

	FMT(missing, sizeof(missing), "%s/nothing.conf", e->dir);
	assert_int_equal(run_svirtd(a1, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "nothing.conf"));
	put_file(e->conf, "categories = \"c0.c9\"\n");
	assert_int_equal(run_svirtd(a2, out, sizeof(out)), 1);
	if (!strstr(out, "svirt.conf:1"))
		fail_msg("message: %s", out);
}

static void version_is_printed(void **state)
{
	char out[256];
	const char *a[] = { "svirtd", "--version", NULL };

	(void)state;
	assert_int_equal(run_svirtd(a, out, sizeof(out)), 0);
	assert_true(strncmp(out, "svirtd ", 7) == 0);
}

/* svirtd -t, as nginx -t: the checks a start and a SIGHUP make, and
 * nothing started (no socket, no state store), whatever the config says. */
static void test_config_says_ok_and_starts_nothing(void **state)
{
	struct env *e = *state;
	char out[2048], sock[PATH_MAX], state_dir[PATH_MAX], want[PATH_MAX + 64];
	const char *a[] = { "svirtd", "-t", "--config", e->conf, "--socket", sock, NULL };
	const char *b[] = { "svirtd", "--test-config", "-c", e->conf, NULL };

	FMT(sock, sizeof(sock), "%s/test.sock", e->dir);
	FMT(state_dir, sizeof(state_dir), "%s/state", e->dir);
	assert_int_equal(run_svirtd(a, out, sizeof(out)), 0);
	FMT(want, sizeof(want), "svirtd: %s: configuration ok: categories c1..c1023, "
	    "state in %s, 1 relabel root(s)\n", e->conf, state_dir);
	assert_string_equal(out, want);
	assert_int_equal(access(sock, F_OK), -1);
	assert_int_equal(access(state_dir, F_OK), -1);
	assert_int_equal(run_svirtd(b, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_config_names_what_is_wrong_and_exits_1(void **state)
{
	struct env *e = *state;
	char out[2048], missing[PATH_MAX], link[PATH_MAX], conf[PATH_MAX + 64];
	const char *a[] = { "svirtd", "-t", "-c", e->conf, NULL };
	const char *m[] = { "svirtd", "-t", "-c", missing, NULL };

	put_file(e->conf, "categories = \"c1.c9\"\nbogus = 1\n");
	assert_int_equal(run_svirtd(a, out, sizeof(out)), 1);
	if (!strstr(out, "svirt.conf:2") || !strstr(out, "configuration test failed"))
		fail_msg("bad key: %s", out);
	FMT(missing, sizeof(missing), "%s/nothing.conf", e->dir);
	assert_int_equal(run_svirtd(m, out, sizeof(out)), 1);
	if (!strstr(out, "nothing.conf: No such file") ||
	    !strstr(out, "configuration test failed"))
		fail_msg("missing file: %s", out);
	/* What only a check of the filesystem finds, as a SIGHUP's would. */
	FMT(link, sizeof(link), "%s/images-link", e->dir);
	assert_int_equal(symlink(e->img, link), 0);
	FMT(conf, sizeof(conf), "relabel_roots = [ \"%s\" ]\n", link);
	put_file(e->conf, conf);
	assert_int_equal(run_svirtd(a, out, sizeof(out)), 1);
	if (!strstr(out, "resolves to") || !strstr(out, "configuration test failed"))
		fail_msg("symlinked root: %s", out);
}

static void help_names_every_option_and_bad_usage_exits_2(void **state)
{
	char out[2048];
	const char *h[] = { "svirtd", "-h", NULL };
	const char *bad[] = { "svirtd", "--frobnicate", NULL };
	const char *extra[] = { "svirtd", "-t", "extra", NULL };

	(void)state;
	assert_int_equal(run_svirtd(h, out, sizeof(out)), 0);
	if (!strstr(out, "--foreground") || !strstr(out, "--config") ||
	    !strstr(out, "--socket") || !strstr(out, "--test-config") ||
	    !strstr(out, "--version") || !strstr(out, "--help"))
		fail_msg("svirtd -h: %s", out);
	assert_int_equal(run_svirtd(bad, out, sizeof(out)), 2);
	assert_int_equal(run_svirtd(extra, out, sizeof(out)), 2);
}

static void second_svirtd_on_the_same_store_refuses_to_start(void **state)
{
	struct env *e = *state;
	char out[2048], sock[PATH_MAX];
	const char *a[] = { "svirtd", "--foreground", "--config", e->conf,
			    "--socket", sock, NULL };

	FMT(sock, sizeof(sock), "%s/second.sock", e->dir);
	svirtd_start(e);
	assert_int_equal(run_svirtd(a, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "svirtd: err:"));
	assert_int_equal(access(sock, F_OK), -1);
	svirtd_stop(e);
}

/* ---- the control socket's directory ---- */

/* svirtd started, expected to give up at once: its exit status (it is
 * killed, and the test fails, if it is still running after 10 s). */
static int svirtd_refuses_to_start(struct env *e)
{
	int st = 0;

	svirtd_spawn(e);
	for (int i = 0; i < 1000; i++) {
		pid_t w = waitpid(e->svirtd, &st, WNOHANG);

		assert_true(w >= 0);
		if (w == e->svirtd) {
			e->svirtd = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		}
		usleep(10000);
	}
	svirtd_kill(e);
	show_log(e);
	fail_msg("svirtd started with its control socket at %s", e->sock);
	return -1;
}

static void assert_socket_dir_refused(struct env *e, const char *how)
{
	struct stat st;
	char *log;
	size_t len;
	FILE *f;

	if (svirtd_refuses_to_start(e) == 0)
		fail_msg("socket directory %s: svirtd exited 0", how);
	if (lstat(e->sock, &st) == 0)
		fail_msg("socket directory %s: svirtd made %s", how, e->sock);
	assert_non_null(f = fopen(e->log, "r"));
	log = NULL;
	len = 0;
	assert_true(getdelim(&log, &len, '\0', f) > 0);
	fclose(f);
	if (!strstr(log, "svirtd.sock: Operation not permitted"))
		fail_msg("socket directory %s: svirtd logged \"%s\"", how, log);
	free(log);
	assert_int_equal(truncate(e->log, 0), 0);
}

/* The socket is the one door to the allocator: it is never opened in a
 * directory that someone else could write to, or that is not a real directory. */
static void socket_directory_others_could_change_is_refused(void **state)
{
	struct env *e = *state;
	char run[PATH_MAX], real[PATH_MAX];

	FMT(run, sizeof(run), "%s/run", e->dir);
	FMT(real, sizeof(real), "%s/real-run", e->dir);
	assert_int_equal(mkdir(run, 0700), 0);
	assert_int_equal(chmod(run, 0777), 0);
	assert_socket_dir_refused(e, "mode 0777");
	assert_int_equal(chmod(run, 0730), 0);
	assert_socket_dir_refused(e, "mode 0730 (group-writable)");
	assert_int_equal(chmod(run, 0700), 0);
	assert_int_equal(chown(run, 4242, 0), 0);
	assert_socket_dir_refused(e, "owned by uid 4242");
	assert_int_equal(rmdir(run), 0);
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, run), 0);
	assert_socket_dir_refused(e, "a symlink");
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(file_disk_gets_the_guests_image_label),
		T(two_guests_get_distinct_pairs),
		T(release_restores_exact_labels_and_removes_the_nodes),
		T(published_nodes_are_dom0s_alone),
		T(hotplugged_disk_is_labelled_and_unplugged_one_restored),
		T(get_wait_answers_once_the_guest_is_labelled),
		T(get_wait_times_out_while_hotplug_is_unfinished),
		T(list_gives_domains_by_domid_then_reservations),
		T(peer_that_is_not_root_is_refused),
		T(bad_config_on_sighup_keeps_the_old_one),
		T(reused_domid_is_a_new_guest_with_a_new_pair),
		T(recreated_domid_shows_its_past_life_until_svirtd_catches_up),
		T(bad_or_missing_config_exits_1_with_the_message),
		T(version_is_printed),
		T(test_config_says_ok_and_starts_nothing),
		T(test_config_names_what_is_wrong_and_exits_1),
		T(help_names_every_option_and_bad_usage_exits_2),
		T(second_svirtd_on_the_same_store_refuses_to_start),
		T(socket_directory_others_could_change_is_refused),
#undef T
	};

	if (argc == 3 && strcmp(argv[1], "--ask-as-nobody") == 0)
		ask_as_nobody(argv[2], 3);
	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
