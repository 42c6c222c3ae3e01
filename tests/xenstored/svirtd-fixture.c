/* svirtd-fixture.c: the fixtures of the svirtd host tests (test_xenstored_svirtd*.c):
 * a test xenstore, the real build/svirtd on a private tmpfs, guests written as libxl does. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit/skip.h"
#include "../unit/tmpfs.h"
#include "svirtd-fixture.h"
#include "xsd-client.h"

/* ---- files ---- */

void put_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

char *image(struct env *e, const char *name, const char *label)
{
	static char paths[16][PATH_MAX];
	static unsigned i;
	char *p = paths[i++ % 16];

	FMT(p, PATH_MAX, "%s/%s", e->img, name);
	put_file(p, "disk");
	assert_int_equal(setxattr(p, "security.selinux", label,
				  strlen(label) + 1, 0), 0);
	return p;
}

bool label_is(const char *path, const char *label)
{
	char buf[512];
	ssize_t n = getxattr(path, "security.selinux", buf, sizeof(buf));

	return n == (ssize_t)strlen(label) + 1 && memcmp(buf, label, (size_t)n) == 0;
}

void assert_label(const char *path, const char *label)
{
	char buf[512] = "";
	ssize_t n = getxattr(path, "security.selinux", buf, sizeof(buf) - 1);

	if (!label_is(path, label))
		fail_msg("%s: label \"%.*s\", want \"%s\"", path,
			 (int)(n > 0 ? n : 0), buf, label);
}

bool has_xattr(const char *path, const char *name)
{
	char buf[8];

	return getxattr(path, name, buf, 0) >= 0 || errno != ENODATA;
	(void)buf;
}

/* ---- svirtd ---- */

void svirtd_binary(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n;

	if (getenv("SVIRTD")) {
		snprintf(buf, len, "%s", getenv("SVIRTD"));
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	/* svirtd whose svirt-flask-label is the stand-in (svirtd.mk): the
	 * installed helper's path does not exist here. */
	FMT(buf, len, "%s/../svirtd-flask-double", self);
}

static bool svirt_dir_exists(struct env *e)
{
	unsigned len;
	char *v = xs_read(e->xs, XBT_NULL, SVIRT, &len);

	free(v);
	return v != NULL;
}

/* The end of svirtd's log, for a failing test's message. */
void show_log(const struct env *e)
{
	char buf[4096];
	FILE *f = fopen(e->log, "r");
	size_t n;

	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	if (ftell(f) > (long)sizeof(buf) - 1)
		fseek(f, -(long)sizeof(buf) + 1, SEEK_END);
	else
		fseek(f, 0, SEEK_SET);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	print_message("svirtd's log ends:\n%s\n", buf);
}

/* Waits for the next change below SVIRT; fails after XSD_WAIT_MS. */
void wait_event(struct env *e)
{
	struct pollfd p = { .fd = xs_fileno(e->w), .events = POLLIN };
	char **ev;

	if (poll(&p, 1, XSD_WAIT_MS) != 1) {
		show_log(e);
		fail_msg("no change below " SVIRT " for %d ms", XSD_WAIT_MS);
	}
	while ((ev = xs_check_watch(e->w)))
		free(ev);
}

void svirtd_spawn(struct env *e)
{
	char bin[PATH_MAX];

	svirtd_binary(bin, sizeof(bin));
	e->svirtd = fork();
	assert_true(e->svirtd >= 0);
	if (e->svirtd == 0) {
		int fd = open(e->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			      0600);

		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execl(bin, "svirtd", "--foreground", "--config", e->conf,
		      "--socket", e->sock, (char *)NULL);
		_exit(127);
	}
}

/* svirtd is up once it has made SVIRT afresh (the test removes the old one
 * first); its control socket listens before that. */
void svirtd_start(struct env *e)
{
	if (!xs_rm(e->xs, XBT_NULL, SVIRT))
		assert_int_equal(errno, ENOENT);
	svirtd_spawn(e);
	while (!svirt_dir_exists(e))
		wait_event(e);
}

void svirtd_kill(struct env *e)
{
	int st;

	assert_int_equal(kill(e->svirtd, SIGKILL), 0);
	assert_int_equal(waitpid(e->svirtd, &st, 0), e->svirtd);
	e->svirtd = 0;
}

void svirtd_stop(struct env *e)
{
	int st;

	assert_int_equal(kill(e->svirtd, SIGTERM), 0);
	assert_int_equal(waitpid(e->svirtd, &st, 0), e->svirtd);
	e->svirtd = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("svirtd did not exit cleanly (status %#x), log %s", st,
			 e->log);
}

void write_config_root(struct env *e, const char *root, const char *shared,
		       const char *level)
{
	char buf[8192];

	FMT(buf, sizeof(buf),
		 "categories = \"c1.c1023\"\n"
		 "process_context = \"system_u:system_r:svirt_xen_t:s0\"\n"
		 "image_context = \"" IMAGE_TYPE "\"\n"
		 "content_context = \"" CONTENT "\"\n"
		 "state_dir = \"%s/state\"\n"
		 "relabel_roots = [ \"%s\" ]\n"
		 "shared_images = [ %s ]\n"
		 "log_level = \"%s\"\n"
		 /* The host's audit log is not the tests' to write. */
		 "audit = \"off\"\n"
		 /* No SELinux kernel here: peer labels and secmark are
		  * checked in the emulated hosts (tests/vm). */
		 "network = \"off\"\n", e->dir, root, shared, level);
	put_file(e->conf, buf);
}

void write_config_at(struct env *e, const char *shared, const char *level)
{
	write_config_root(e, e->img, shared, level);
}

void write_config(struct env *e, const char *shared)
{
	write_config_at(e, shared, "debug");
}

int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	const char *top = getenv(TOP_ENV);

	if (!e || !top || xsd_harness_start(&e->h, NULL) != 0)
		return -1;
	snprintf(e->dir, sizeof(e->dir), "%s/t-XXXXXX", top);
	if (!mkdtemp(e->dir))
		return -1;
	FMT(e->img, sizeof(e->img), "%s/images", e->dir);
	FMT(e->conf, sizeof(e->conf), "%s/svirt.conf", e->dir);
	FMT(e->sock, sizeof(e->sock), "%s/run/svirtd.sock", e->dir);
	FMT(e->log, sizeof(e->log), "%s/svirtd.log", e->dir);
	if (mkdir(e->img, 0755) < 0)
		return -1;
	write_config(e, "");
	e->xs = xsd_open_dom0();
	e->w = xsd_open_dom0();
	xsd_watch(e->w, SVIRT, "svirt");
	*state = e;
	return 0;
}

int setup_counted(void **state)
{
	char path[PATH_MAX];
	int r;

	if (!getenv(TOP_ENV))
		return -1;
	snprintf(path, sizeof(path), "%s/xsd-stats-%d", getenv(TOP_ENV),
		 (int)getpid());
	unlink(path);
	setenv("XSD_STATS", path, 1);
	r = setup(state);	/* the test xenstore takes it from its start */
	return r;
}

/* Sums type over the lines of pid, false until both connections are in. */
static bool requests_of(const char *file, pid_t pid, const char *type,
			unsigned long *sum)
{
	char prefix[32], key[48], line[1024];
	int conns = 0;
	FILE *f = fopen(file, "r");

	snprintf(prefix, sizeof(prefix), "pid %d:", (int)pid);
	snprintf(key, sizeof(key), " %s=", type);
	*sum = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char *k;

		if (strncmp(line, prefix, strlen(prefix)) != 0)
			continue;
		conns++;
		if ((k = strstr(line, key)))
			*sum += strtoul(k + strlen(key), NULL, 10);
	}
	if (f)
		fclose(f);
	return conns >= 2;
}

unsigned long svirtd_requests(pid_t pid, const char *type)
{
	const char *file = getenv("XSD_STATS");
	unsigned long n;

	assert_non_null(file);
	/* The test xenstore writes them as it closes each connection, a
	 * moment after svirtd's exit. */
	for (int i = 0; i < 500; i++) {
		if (requests_of(file, pid, type, &n))
			return n;
		usleep(10000);
	}
	fail_msg("no request counts of svirtd (pid %d) in %s", (int)pid, file);
	return 0;
}

int teardown(void **state)
{
	struct env *e = *state;
	int rc = 0;

	if (e->svirtd > 0) {
		kill(e->svirtd, SIGKILL);
		waitpid(e->svirtd, NULL, 0);
		rc = -1;
	}
	xs_close(e->w);
	xs_close(e->xs);
	if (xsd_harness_stop(&e->h) != 0)
		rc = -1;
	free(e);
	return rc;
}

/* How many times svirtd's log holds text (its first 1 MiB). */
unsigned log_count(const struct env *e, const char *text)
{
	static char buf[1 << 20];
	FILE *f = fopen(e->log, "r");
	unsigned k = 0;
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	for (const char *p = buf; (p = strstr(p, text)); p += strlen(text))
		k++;
	return k;
}

bool log_has(const struct env *e, const char *text)
{
	return log_count(e, text) > 0;
}

/* ---- guests ---- */

void uuid_of(int domid, char *buf, size_t len)
{
	snprintf(buf, len, "6b1e7c3a-0000-4000-8000-%012x", domid);
}

static void tput(struct env *e, xs_transaction_t t, const char *value,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void tput(struct env *e, xs_transaction_t t, const char *value,
		 const char *fmt, ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	assert_true(xs_write(e->xs, t, path, value, strlen(value)));
}

/* What libxl writes for a domain (dom0-owned), then its qdisk backends. */
void guest_write(struct env *e, int domid, const char *uuid,
		 const struct disk *d, size_t n)
{
	char vm[64], name[32];
	xs_transaction_t t;

	snprintf(vm, sizeof(vm), "/vm/%s", uuid);
	snprintf(name, sizeof(name), "guest%d", domid);
	do {
		t = xs_transaction_start(e->xs);
		tput(e, t, vm, "/local/domain/%d/vm", domid);
		tput(e, t, name, "/local/domain/%d/name", domid);
		tput(e, t, uuid, "%s/uuid", vm);
		for (size_t i = 0; i < n; i++) {
			tput(e, t, d[i].params,
			     "/local/domain/0/backend/qdisk/%d/%zu/params",
			     domid, 51712 + i * 16);
			tput(e, t, d[i].mode,
			     "/local/domain/0/backend/qdisk/%d/%zu/mode", domid,
			     51712 + i * 16);
		}
	} while (!xs_transaction_end(e->xs, t, false) && errno == EAGAIN);
}

/* Then the introduction. */
void guest_create_as(struct env *e, int domid, const char *uuid,
		     const struct disk *d, size_t n)
{
	guest_write(e, domid, uuid, d, n);
	assert_true(xs_introduce_domain(e->xs, (unsigned)domid, 0, 0));
}

void guest_create(struct env *e, int domid, const struct disk *d, size_t n)
{
	char uuid[40];

	uuid_of(domid, uuid, sizeof(uuid));
	guest_create_as(e, domid, uuid, d, n);
}

/* As libxl destroys: backends removed, domain released, its nodes removed. */
void guest_destroy(struct env *e, int domid)
{
	char uuid[40];

	uuid_of(domid, uuid, sizeof(uuid));
	guest_destroy_as(e, domid, uuid);
}

void guest_destroy_as(struct env *e, int domid, const char *uuid)
{
	char path[128];

	snprintf(path, sizeof(path), "/local/domain/0/backend/qdisk/%d", domid);
	assert_true(xs_rm(e->xs, XBT_NULL, path));
	assert_true(xs_release_domain(e->xs, (unsigned)domid));
	snprintf(path, sizeof(path), "/local/domain/%d", domid);
	assert_true(xs_rm(e->xs, XBT_NULL, path));
	snprintf(path, sizeof(path), "/vm/%s", uuid);
	assert_true(xs_rm(e->xs, XBT_NULL, path));
}

char *svirt_node(struct env *e, int domid, const char *node)
{
	char path[128];
	unsigned len;

	snprintf(path, sizeof(path), SVIRT "/%d/%s", domid, node);
	return xs_read(e->xs, XBT_NULL, path, &len);
}

bool state_is_one_of(struct env *e, int domid, const char *a, const char *b)
{
	char *v = svirt_node(e, domid, "state");
	bool ok = v && (strcmp(v, a) == 0 || (b && strcmp(v, b) == 0));

	free(v);
	return ok;
}

/* Waits for labelled or error; returns the state. */
char *wait_done(struct env *e, int domid)
{
	while (!state_is_one_of(e, domid, "labelled", "error"))
		wait_event(e);
	return svirt_node(e, domid, "state");
}

void wait_labelled(struct env *e, int domid)
{
	char *st = wait_done(e, domid), *why = NULL;

	if (strcmp(st, "labelled") != 0)
		why = svirt_node(e, domid, "reason");
	if (why)
		fail_msg("domain %d: state %s: %s", domid, st, why);
	free(st);
}

void wait_gone(struct env *e, int domid)
{
	char *v;

	while ((v = svirt_node(e, domid, "state"))) {
		free(v);
		wait_event(e);
	}
}

/* The image label published for domid, as a string to compare with. */
char *image_label(struct env *e, int domid)
{
	char *v = svirt_node(e, domid, "imagelabel");

	assert_non_null(v);
	return v;
}

void wait_node(struct env *e, int domid, const char *node, const char *value)
{
	char *v;

	while (!(v = svirt_node(e, domid, node)) || strcmp(v, value) != 0) {
		free(v);
		wait_event(e);
	}
	free(v);
}

/* svirtd reads xenstore afresh on each batch of watch events, and a state
 * it published may lag the store.  The one thing that shows it has drained
 * a given event: a known guest's disk unplugged changes its object count
 * only through that backend's own event, and events arrive in order.  The
 * batch that drained it may still be publishing other guests; a control
 * request is answered between batches, so its reply ends that batch. */
void svirtd_sync(struct env *e)
{
	char params[PATH_MAX + 8], path[64];

	FMT(params, sizeof(params), "raw:%s", image(e, "sync.img", ORIG));
	guest_create(e, SYNC_DOMID, &(struct disk){ params, "w" }, 1);
	wait_node(e, SYNC_DOMID, "objects", "1");
	wait_labelled(e, SYNC_DOMID);
	FMT(path, sizeof(path), "/local/domain/0/backend/qdisk/%d", SYNC_DOMID);
	assert_true(xs_rm(e->xs, XBT_NULL, path));
	wait_node(e, SYNC_DOMID, "objects", "0");
	free(control(e, "LIST\n"));
	guest_destroy(e, SYNC_DOMID);
	wait_gone(e, SYNC_DOMID);
	assert_label(params + 4, ORIG);
}

/* One request on the control socket, the whole reply back. */
char *control(struct env *e, const char *line)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char *buf = calloc(1, 65536);
	size_t len = 0;
	ssize_t n;

	assert_true(fd >= 0 && buf);
	/* Bounds a failing test; a working svirtd answers at once. */
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO,
				    &(struct timeval){ 15, 0 },
				    sizeof(struct timeval)), 0);
	FMT(sa.sun_path, sizeof(sa.sun_path), "%s", e->sock);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	while ((n = read(fd, buf + len, 65535 - len)) > 0)
		len += (size_t)n;
	close(fd);
	return buf;
}

/* svirtd run to completion with args; its exit status, stderr in out. */
int run_svirtd(const char *const args[], char *out, size_t size)
{
	char bin[PATH_MAX];
	int fds[2], st;
	ssize_t n;
	size_t len = 0;
	pid_t pid;

	svirtd_binary(bin, sizeof(bin));
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dup2(fds[1], 1) == 1 && dup2(fds[1], 2) == 2)
			execv(bin, (char *const *)args);
		_exit(127);
	}
	close(fds[1]);
	while (len < size - 1 &&
	       (n = read(fds[0], out + len, size - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* ---- main ---- */

static void cannot_run_here(void **state)
{
	(void)state;
	skip_because("%s", getenv("SVIRTD_TEST_SKIP"));
}

/* Every test of the group, by its name, skipped with the reason: a skip is
 * counted once per test it stands for. */
static int skip_all(const struct CMUnitTest *tests, size_t n)
{
	struct CMUnitTest *none = calloc(n, sizeof(*none));
	int rc;

	if (!none)
		return 1;
	for (size_t i = 0; i < n; i++)
		none[i] = (struct CMUnitTest){ .name = tests[i].name,
					       .test_func = cannot_run_here };
	rc = _cmocka_run_group_tests("tests", none, n, NULL, NULL);
	free(none);
	return rc;
}

int svirtd_fixture_run(const struct CMUnitTest *tests, size_t n)
{
	char top[64];
	const char *skip;
	int rc;

	/* svirtd's reaper scans /proc and signals what it finds: it sees
	 * only this test's processes. */
	sandbox_enter();
	skip = tmpfs_private(top, sizeof(top), "svirt-svirtd",
			     (const char *const[]){ ORIG, NULL });
	if (skip) {
		setenv("SVIRTD_TEST_SKIP", skip, 1);
		return skip_all(tests, n);
	}
	setenv(TOP_ENV, top, 1);
	rc = _cmocka_run_group_tests("tests", tests, n, NULL, NULL);
	tmpfs_remove(top);
	return rc;
}
