/* test_interpose.c: svirt-interpose between a fake svirtd and a stand-in qemu
 * (this binary, re-executed): qemu starts unchanged in its label, or never. */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "skip.h"

/* Compiled in, so the test builds without interpose/'s objects. */
#include "../../interpose/argv.c"
#include "../../interpose/conf.c"
#include "../../interpose/listen.c"
#include "../../interpose/run.c"

/* Set in the environment the interposer passes on: its presence makes this
 * binary the stand-in qemu, which writes its report to the named file. */
#define STANDIN_ENV "SV_TEST_STANDIN_REPORT"
#define LABEL "system_u:system_r:svirt_xen_t:s0:c3,c700"
#define ENTRY(state, extra)                                                    \
	"domain 7 uuid 1b4e28ba-2fa1-11d2-883f-0016d3cca427 pair c3,c700 "     \
	"state " state " label " LABEL                                         \
	" imagelabel system_u:object_r:svirt_xen_image_t:s0:c3,c700" extra "\n"
#define INHERITED_FD 7	/* as libxl hands qemu its QMP socket */

/* ---- the stand-in qemu ---- */

/* A socket the interposer made for qemu: where it is bound, and whether
 * it listens ("fd N socket PATH listening"). */
static void report_socket(FILE *f, int fd)
{
	struct sockaddr_un sa = { 0 };
	socklen_t len = sizeof(sa);
	int acc = 0;
	socklen_t alen = sizeof(acc);

	if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0 ||
	    sa.sun_family != AF_UNIX)
		return;
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &alen);
	fprintf(f, " socket %s%s", sa.sun_path, acc ? " listening" : "");
}

static void report_fds(FILE *f)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	struct stat st;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d) &&
		    atoi(e->d_name) != fileno(f)) {
			fprintf(f, "fd %s", e->d_name);
			if (fstat(atoi(e->d_name), &st) == 0 && S_ISSOCK(st.st_mode))
				report_socket(f, atoi(e->d_name));
			fprintf(f, "\n");
		}
	if (d)
		closedir(d);
}

static int standin_main(int argc, char **argv, const char *report)
{
	FILE *f = fopen(report, "we");
	char ctx[256] = "";
	int fd;

	if (!f)
		return 2;
	for (int i = 0; i < argc; i++)
		fprintf(f, "arg %s\n", argv[i]);
	for (char **e = environ; *e; e++)
		fprintf(f, "env %s\n", *e);
	report_fds(f);
	fd = open("/proc/self/attr/current", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, ctx, sizeof(ctx) - 1) > 0)
		fprintf(f, "context %s\n", ctx);
	if (fd >= 0)
		close(fd);
	return fclose(f) == 0 ? 0 : 2;
}

/* ---- a fake svirtd: one canned reply ---- */

struct fixture {
	char dir[32];
	char socket[108];
	char qemu[64];		/* the stand-in: a copy of this binary */
	char report[64];
	char context[64];	/* what the fake setexeccon recorded */
	char stderr_path[64];
	pid_t server;
	struct sv_interpose_conf conf;
	int mode;		/* what the fake selinux_mode says */
	int exec_error;		/* what the fake setexeccon returns */
	bool shipped;		/* run the shipped build's runtime (see below) */
};

static void serve(int lfd, const char *reply, const char *expect)
{
	char buf[SV_CONTROL_LINE_MAX + 1];
	size_t n = 0;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		_exit(2);
	while (n < sizeof(buf) - 1 && !memchr(buf, '\n', n)) {
		ssize_t got = read(fd, buf + n, sizeof(buf) - 1 - n);

		if (got <= 0)
			_exit(2);
		n += (size_t)got;
	}
	buf[n] = '\0';
	if (strcmp(buf, expect) != 0)
		_exit(3);
	if (write(fd, reply, strlen(reply)) != (ssize_t)strlen(reply))
		_exit(4);
	_exit(0);
}

static void start_svirtd(struct fixture *fx, const char *reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(lfd >= 0);
	strcpy(sa.sun_path, fx->socket);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	fx->server = fork();
	assert_true(fx->server >= 0);
	if (fx->server == 0)
		serve(lfd, reply, "GET 7 WAIT 2\n");
	close(lfd);
}

/* Copies this binary, so exec'ing it is not exec'ing "ourselves". */
static void copy_self(const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);

	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct sv_error err;

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/svinterp.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->socket, sizeof(fx->socket), "%s/sock", fx->dir);
	snprintf(fx->qemu, sizeof(fx->qemu), "%s/qemu", fx->dir);
	snprintf(fx->report, sizeof(fx->report), "%s/report", fx->dir);
	snprintf(fx->context, sizeof(fx->context), "%s/context", fx->dir);
	snprintf(fx->stderr_path, sizeof(fx->stderr_path), "%s/stderr", fx->dir);
	copy_self(fx->qemu);
	assert_int_equal(sv_interpose_conf_load("/nonexistent", &fx->conf, &err), 0);
	strcpy(fx->conf.qemu, fx->qemu);
	strcpy(fx->conf.socket, fx->socket);
	fx->conf.wait_seconds = 2;
	fx->mode = 1;
	fx->server = -1;
	*state = fx;
	return 0;
}

static int setup_shipped(void **state)
{
	setup(state);
	((struct fixture *)*state)->shipped = true;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	const char *names[] = { "sock", "qemu", "report", "context", "stderr",
				"qemu.real", "installed", "qmp", "qmp2",
				"qmp/squat", "qmp", "conf" };
	char p[128];

	if (fx->server > 0) {
		kill(fx->server, SIGKILL);
		waitpid(fx->server, NULL, 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(p, sizeof(p), "%s/%s", fx->dir, names[i]);
		if (unlink(p) != 0)
			rmdir(p);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* ---- the interposer, in a child, as libxl would start it ---- */

static int fake_mode(void *arg)
{
	return ((struct fixture *)arg)->mode;
}

static int fake_set_exec_context(const char *ctx, void *arg)
{
	struct fixture *fx = arg;
	FILE *f;

	if (fx->exec_error)
		return fx->exec_error;
	f = fopen(fx->context, "we");
	if (!f)
		return -errno;
	fputs(ctx, f);
	return fclose(f) == 0 ? 0 : -EIO;
}

/* The child's fds: 0-2, the inherited one, nothing else (so the stand-in's
 * list shows exactly what the interposer let through). */
static void child_fds(const struct fixture *fx)
{
	int err = open(fx->stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int keep = open("/dev/null", O_RDONLY);

	if (err < 0 || keep < 0 || dup2(err, 2) < 0 ||
	    dup2(keep, INHERITED_FD) < 0)
		_exit(90);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != INHERITED_FD)
			close(fd);
}

static void built_binary_at(const char *name, char *path, size_t size);

/* The shipped build: the interposer's objects linked as build/svirt-interpose
 * is (by default without a C library: interpose/rt), as build/bench/interpose-stub,
 * whose config is argv[1] and whose SELinux is enforcing, with the label
 * written to a file in place of setexeccon.  The tests run with it as with
 * the objects compiled in here, so the runtime that ships is what they test. */
static void exec_shipped(const struct fixture *fx, int argc, char *const argv[],
			 char *const envp[])
{
	char stub[PATH_MAX], conf[96];
	const char *args[64];
	FILE *f;
	int n = 0;

	built_binary_at("bench/interpose-stub", stub, sizeof(stub));
	snprintf(conf, sizeof(conf), "%s/conf", fx->dir);
	if (!(f = fopen(conf, "we")))
		_exit(91);
	fprintf(f, "qemu = \"%s\"\nsocket = \"%s\"\nwait = %u\n"
		"require_dm_restrict = %d\nallow_selinux_disabled = %d\n",
		fx->conf.qemu, fx->conf.socket, fx->conf.wait_seconds,
		fx->conf.require_restrict, fx->conf.allow_disabled);
	if (fclose(f) != 0 || argc + 5 > (int)ARRAY_SIZE(args))
		_exit(91);
	args[n++] = argv[0];
	args[n++] = conf;
	args[n++] = "--context-file";
	args[n++] = fx->context;
	for (int i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	execve(stub, (char *const *)args, envp);
	_exit(92);
}

/* Runs the interposer; returns its exit status (the stand-in's if it ran). */
static int interpose(struct fixture *fx, char *const argv[])
{
	char envvar[128];
	char *envp[] = { envvar, "LC_ALL=C", "ODD=a b\tc", NULL };
	struct sv_interpose_ops ops = { fake_mode, fake_set_exec_context, fx };
	int argc = 0, status;
	pid_t pid;

	snprintf(envvar, sizeof(envvar), STANDIN_ENV "=%s", fx->report);
	while (argv[argc])
		argc++;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sv_error err = { "" };

		child_fds(fx);
		if (fx->shipped)
			exec_shipped(fx, argc, argv, envp);
		sv_interpose_run(&fx->conf, &ops, argc, argv, envp, &err);
		fprintf(stderr, "svirt-interpose: refusing to start qemu: %s\n",
			err.msg);
		_exit(1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (fx->server > 0) {
		waitpid(fx->server, NULL, 0);
		fx->server = -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *slurp(const char *path)
{
	static char buf[16384];	/* test-only scratch */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

#define ARGV(...) ((char *const[]){ SV_INTERPOSE_QEMU, __VA_ARGS__, NULL })
#define RESTRICTED ARGV("-xen-domid", "7", "-name", "web1", "-xen-domid-restrict")

/* Refused: non-zero, one line on stderr naming why, and qemu never ran. */
static void assert_refused(struct fixture *fx, int status, const char *why)
{
	const char *msg = slurp(fx->stderr_path);

	assert_int_not_equal(status, 0);
	assert_non_null(msg);
	if (!strstr(msg, why))
		fail_msg("stderr lacks \"%s\": %s", why, msg);
	assert_non_null(strstr(msg, "svirt-interpose: refusing"));
	assert_ptr_equal(strchr(msg, '\n'), msg + strlen(msg) - 1);
	assert_int_equal(access(fx->report, F_OK), -1);
}

/* ---- starting qemu ---- */

/* The report without its context line (there is none without SELinux). */
static void assert_report(const struct fixture *fx, const char *argv_lines)
{
	char want[4096];
	char *r = slurp(fx->report), *ctx;

	assert_non_null(r);
	if ((ctx = strstr(r, "context ")))
		*ctx = '\0';
	snprintf(want, sizeof(want),
		 "%senv " STANDIN_ENV "=%s\nenv LC_ALL=C\nenv ODD=a b\tc\n"
		 "fd 0\nfd 1\nfd 2\nfd %d\n",
		 argv_lines, fx->report, INHERITED_FD);
	assert_string_equal(r, want);
}

#define RESTRICTED_LINES                                                       \
	"arg " SV_INTERPOSE_QEMU "\narg -xen-domid\narg 7\narg -name\n"          \
	"arg web1\narg -xen-domid-restrict\n"

static void labelled_guest_gets_qemu_unchanged_in_its_label(void **state)
{
	struct fixture *fx = *state;

	start_svirtd(fx, "OK 1\n" ENTRY("labelled", ""));
	assert_int_equal(interpose(fx, RESTRICTED), 0);
	assert_string_equal(slurp(fx->context), LABEL);
	assert_report(fx, RESTRICTED_LINES);
}

static void permissive_host_labels_qemu_too(void **state)
{
	struct fixture *fx = *state;

	fx->mode = 0;
	start_svirtd(fx, "OK 1\n" ENTRY("labelled", ""));
	assert_int_equal(interpose(fx, RESTRICTED), 0);
	assert_string_equal(slurp(fx->context), LABEL);
}

static void without_restrict_qemu_is_refused(void **state)
{
	struct fixture *fx = *state;

	assert_refused(fx, interpose(fx, ARGV("-xen-domid", "7", "-name", "web1")),
		       "set dm_restrict=1 in the guest's xl config");
	assert_int_equal(access(fx->context, F_OK), -1);
}

static void restrict_not_required_lets_qemu_start(void **state)
{
	struct fixture *fx = *state;

	fx->conf.require_restrict = false;
	start_svirtd(fx, "OK 1\n" ENTRY("labelled", ""));
	assert_int_equal(interpose(fx, ARGV("-xen-domid", "7")), 0);
	assert_report(fx, "arg " SV_INTERPOSE_QEMU "\narg -xen-domid\narg 7\n");
}

static void svirtd_down_refuses(void **state)
{
	struct fixture *fx = *state;

	assert_refused(fx, interpose(fx, RESTRICTED), "domain 7: no label from svirtd");
}

static void svirtd_timeout_refuses(void **state)
{
	struct fixture *fx = *state;

	start_svirtd(fx, "ERR ETIMEDOUT domain 7 storage not labelled after 2 s\n");
	assert_refused(fx, interpose(fx, RESTRICTED), "not labelled after 2 s");
}

static void svirtd_error_state_refuses_with_its_reason(void **state)
{
	struct fixture *fx = *state;

	start_svirtd(fx, "OK 1\n" ENTRY("error", " reason refusing%20/etc/shadow%0A"));
	assert_refused(fx, interpose(fx, RESTRICTED),
		       "svirtd refused it: refusing /etc/shadow\\x0a");
}

static void unlabelled_state_refuses(void **state)
{
	struct fixture *fx = *state;

	start_svirtd(fx, "OK 1\n" ENTRY("allocated", ""));
	assert_refused(fx, interpose(fx, RESTRICTED), "state allocated, not labelled");
}

static void bad_reply_refuses(void **state)
{
	struct fixture *fx = *state;

	start_svirtd(fx, "OK 1\ndomain 7 uuid nonsense\n");
	assert_refused(fx, interpose(fx, RESTRICTED), "domain 7: no label from svirtd");
}

static void reply_for_another_domain_refuses(void **state)
{
	struct fixture *fx = *state;
	char reply[1024];

	snprintf(reply, sizeof(reply), "OK 1\n%s", ENTRY("labelled", ""));
	memcpy(strstr(reply, "domain 7"), "domain 8", 8);
	start_svirtd(fx, reply);
	assert_refused(fx, interpose(fx, RESTRICTED), "no label from svirtd");
}

static void setexeccon_failure_refuses(void **state)
{
	struct fixture *fx = *state;

	fx->exec_error = -EINVAL;
	start_svirtd(fx, "OK 1\n" ENTRY("labelled", ""));
	assert_refused(fx, interpose(fx, RESTRICTED), "cannot set exec context " LABEL);
}

static void selinux_disabled_starts_qemu_with_a_warning(void **state)
{
	struct fixture *fx = *state;

	fx->mode = -1;
	fx->conf.allow_disabled = true;
	assert_int_equal(interpose(fx, RESTRICTED), 0);
	assert_non_null(strstr(slurp(fx->stderr_path), "warning: domain 7: SELinux is disabled"));
	assert_int_equal(access(fx->context, F_OK), -1);
	assert_report(fx, RESTRICTED_LINES);
}

static void selinux_disabled_refuses_when_configured(void **state)
{
	struct fixture *fx = *state;

	fx->mode = -1;
	fx->conf.allow_disabled = false;
	assert_refused(fx, interpose(fx, RESTRICTED), "allow_selinux_disabled=0");
}

/* The README's promise, "in the guest's label or not at all", holds with
 * no interpose.conf: a disabled SELinux refuses until the admin says so. */
static void selinux_disabled_refuses_by_default(void **state)
{
	struct fixture *fx = *state;
	struct sv_error err;

	assert_int_equal(sv_interpose_conf_load("/nonexistent", &fx->conf, &err), 0);
	strcpy(fx->conf.qemu, fx->qemu);
	fx->mode = SV_SELINUX_DISABLED;
	assert_refused(fx, interpose(fx, RESTRICTED), "allow_selinux_disabled=0");
}

/* selinuxfs out of sight (another mount namespace) is not "disabled": even
 * where a disabled SELinux is allowed, not knowing refuses. */
static void unknown_selinux_state_refuses_even_if_disabled_is_allowed(void **state)
{
	struct fixture *fx = *state;

	fx->mode = SV_SELINUX_UNKNOWN;
	fx->conf.allow_disabled = true;
	assert_refused(fx, interpose(fx, RESTRICTED),
		       "domain 7: cannot tell whether SELinux is enabled");
	assert_int_equal(access(fx->context, F_OK), -1);
}

/* Debian's xen-qemu-dom0-disk-backend.service, word for word. */
#define DOM0_DISK_BACKEND                                                      \
	ARGV("-xen-domid", "0", "-xen-attach", "-name", "dom0", "-nographic",  \
	     "-M", "xenpv", "-daemonize", "-monitor", "/dev/null", "-serial",  \
	     "/dev/null", "-parallel", "/dev/null", "-nodefaults",             \
	     "-no-user-config", "-pidfile", "/var/run/xen/qemu-dom0.pid")

/* Under the divert install dom0's own qdisk backend passes through us too:
 * it starts unchanged, in the caller's label, with no svirtd to ask (none
 * runs here) and no -xen-domid-restrict, and says so at notice level. */
static void dom0_disk_backend_runs_unchanged_in_the_callers_label(void **state)
{
	struct fixture *fx = *state;
	char lines[1024] = "";
	char *const *argv = DOM0_DISK_BACKEND;

	for (int i = 0; argv[i]; i++)
		snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines),
			 "arg %s\n", argv[i]);
	assert_int_equal(interpose(fx, argv), 0);
	assert_int_equal(access(fx->context, F_OK), -1);	/* no setexeccon */
	assert_report(fx, lines);
	assert_non_null(strstr(slurp(fx->stderr_path),
			       "svirt-interpose: notice: domain 0: dom0's own qemu"));
}

/* Only "0" itself is dom0: another spelling or a second -xen-domid is no
 * way to slip a guest's qemu through unlabelled. */
static void dom0_must_be_spelled_plainly_and_once(void **state)
{
	struct fixture *fx = *state;

	assert_refused(fx, interpose(fx, ARGV("-xen-domid", "00", "-xen-attach")),
		       "-xen-domid \"00\" is not a domid");
	assert_refused(fx, interpose(fx, ARGV("-xen-domid", "0", "-xen-domid", "7",
					      "-xen-domid-restrict")),
		       "-xen-domid given twice");
	assert_refused(fx, interpose(fx, ARGV("-name", "-xen-domid", "0",
					      "-xen-domid", "7")),
		       "domain 7: qemu has no -xen-domid-restrict");
}

static void bad_command_line_refuses(void **state)
{
	struct fixture *fx = *state;

	assert_refused(fx, interpose(fx, ARGV("-xen-domid", "07", "-xen-domid-restrict")),
		       "qemu's command line: -xen-domid \"07\" is not a domid");
	assert_refused(fx, interpose(fx, ARGV("-nodefaults", "-xen-domid-restrict")),
		       "no -xen-domid");
}

static void missing_real_qemu_refuses(void **state)
{
	struct fixture *fx = *state;

	strcat(fx->conf.qemu, ".real");
	assert_refused(fx, interpose(fx, RESTRICTED), "real qemu");
}

/* ---- the sockets qemu would make: made here, handed over ---- */

#define CHARDEV(fx, buf, name)                                                 \
	(snprintf((buf), sizeof(buf),                                          \
		  "socket,id=libxenstat-cmd,path=%s/" name ",server=on,wait=off", \
		  (fx)->dir), (buf))

/* The descriptor number in "...fd=N,..." of the stand-in's argv line. */
static int handed_fd(const char *report, const char *id)
{
	char want[64];
	const char *p;

	snprintf(want, sizeof(want), "arg socket,id=%s,fd=", id);
	p = strstr(report, want);
	return p ? atoi(p + strlen(want)) : -1;
}

/* A squatter's leftover at the path (here a plain file) is replaced by a
 * listening socket the interposer made; qemu gets its descriptor as fd=N in
 * place of path=..., the rest of argv unchanged, and creates no name. */
static void listening_sockets_are_made_for_qemu(void **state)
{
	struct fixture *fx = *state;
	char cd1[160], cd2[160], path[96], want[192];
	struct stat st;
	const char *r;
	int fd1, fd2;

	snprintf(path, sizeof(path), "%s/qmp", fx->dir);
	fclose(fopen(path, "we"));
	start_svirtd(fx, "OK 1\n" ENTRY("labelled", ""));
	assert_int_equal(interpose(fx, ARGV("-xen-domid", "7", "-chardev",
					    CHARDEV(fx, cd1, "qmp"), "-mon",
					    "chardev=libxenstat-cmd,mode=control",
					    "-chardev", "pty,id=serial0", "-chardev",
					    "socket,id=c2,path=/x,server=off",
					    "-xen-domid-restrict", "-chardev",
					    CHARDEV(fx, cd2, "qmp2"))),
			 0);
	r = slurp(fx->report);
	assert_non_null(r);
	assert_non_null(strstr(r, "arg -mon\narg chardev=libxenstat-cmd,mode=control\n"
				  "arg -chardev\narg pty,id=serial0\narg -chardev\n"
				  "arg socket,id=c2,path=/x,server=off\n"));
	fd1 = handed_fd(r, "libxenstat-cmd");
	assert_true(fd1 > 2 && fd1 != INHERITED_FD);
	snprintf(want, sizeof(want), "arg socket,id=libxenstat-cmd,fd=%d,server=on,wait=off\n", fd1);
	assert_non_null(strstr(r, want));
	snprintf(want, sizeof(want), "fd %d socket %s listening\n", fd1, path);
	assert_non_null(strstr(r, want));
	fd2 = handed_fd(strstr(r, "fd=") + 1, "libxenstat-cmd");	/* the second one */
	assert_true(fd2 > 2 && fd2 != fd1);
	snprintf(want, sizeof(want), "fd %d socket %s2 listening\n", fd2, path);
	assert_non_null(strstr(r, want));
	snprintf(want, sizeof(want), "path=%s", fx->dir);
	assert_null(strstr(r, want));
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_string_equal(slurp(fx->context), LABEL);
}

/* What cannot be removed is not guessed around: refused, qemu never runs. */
static void socket_path_that_cannot_be_cleared_refuses(void **state)
{
	struct fixture *fx = *state;
	char cd[160], path[96];

	snprintf(path, sizeof(path), "%s/qmp", fx->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	strcat(path, "/squat");
	fclose(fopen(path, "we"));
	start_svirtd(fx, "OK 1\n" ENTRY("labelled", ""));
	assert_refused(fx, interpose(fx, ARGV("-xen-domid", "7", "-xen-domid-restrict",
					      "-chardev", CHARDEV(fx, cd, "qmp"))),
		       "domain 7: cannot remove");
	assert_int_equal(access(fx->context, F_OK), -1);
}

/* Refused before the exec, the interposer leaves no socket behind; refused
 * earlier (svirtd), it makes none. */
static void refusal_leaves_no_socket(void **state)
{
	struct fixture *fx = *state;
	char cd[160], path[96];

	snprintf(path, sizeof(path), "%s/qmp", fx->dir);
	fx->exec_error = -EINVAL;
	start_svirtd(fx, "OK 1\n" ENTRY("labelled", ""));
	assert_refused(fx, interpose(fx, ARGV("-xen-domid", "7", "-xen-domid-restrict",
					      "-chardev", CHARDEV(fx, cd, "qmp"))),
		       "cannot set exec context");
	assert_int_equal(access(path, F_OK), -1);
	fx->exec_error = 0;
	assert_refused(fx, interpose(fx, ARGV("-xen-domid", "7", "-xen-domid-restrict",
					      "-chardev", CHARDEV(fx, cd, "qmp"))),
		       "no label from svirtd");
	assert_int_equal(access(path, F_OK), -1);
}

/* ---- the divert install ---- */

/* Installed in place of libxl's qemu (the same file, whatever the path it
 * was reached by), the real one is <path>.real. */
static void divert_install_execs_the_moved_aside_qemu(void **state)
{
	struct fixture *fx = *state;
	char real[80], self[80];

	snprintf(real, sizeof(real), "%s.real", fx->qemu);
	snprintf(self, sizeof(self), "%s/installed", fx->dir);
	assert_int_equal(rename(fx->qemu, real), 0);
	copy_self(fx->qemu);	/* stands for the interposer */
	assert_int_equal(link(fx->qemu, self), 0);
	assert_int_equal(sv_interpose_default_qemu(self, fx->qemu, fx->conf.qemu,
						   sizeof(fx->conf.qemu)), 0);
	assert_string_equal(fx->conf.qemu, real);
	start_svirtd(fx, "OK 1\n" ENTRY("labelled", ""));
	assert_int_equal(interpose(fx, RESTRICTED), 0);
	assert_report(fx, RESTRICTED_LINES);
	assert_int_equal(sv_interpose_default_qemu(self, fx->qemu, real, 4),
			 -ENAMETOOLONG);
	unlink(self);
}

static void exec_of_itself_is_refused(void **state)
{
	struct fixture *fx = *state;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	assert_true(n > 0);
	self[n] = '\0';
	snprintf(fx->conf.qemu, sizeof(fx->conf.qemu), "%s", self);
	assert_refused(fx, interpose(fx, RESTRICTED), "is svirt-interpose itself");
}

/* Runs cmd in a mount namespace of its own where the host's /etc/svirt and
 * /run/svirt, if they exist, are empty tmpfs: the built binary, whose config
 * path is fixed, reads no host config and reaches no host svirtd.  Its
 * status; 126 if the host's could not be hidden. */
static int run_without_host_config(const char *cmd)
{
	static const char *const hide[] = { SV_CONF_DIR, SV_RUN_DIR };
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct stat d;

		/* Not root: runs only where there is nothing to hide. */
		if (geteuid() == 0 &&
		    (unshare(CLONE_NEWNS) != 0 ||
		     mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0))
			_exit(126);
		for (size_t i = 0; i < sizeof(hide) / sizeof(hide[0]); i++)
			if (stat(hide[i], &d) == 0 &&
			    mount("tmpfs", hide[i], "tmpfs", MS_NOSUID | MS_NODEV,
				  "mode=0755") != 0)
				_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A built binary, by its path under $(BUILD), beside this one's folder
 * ($(BUILD)/check), which `make check` builds first. */
static void built_binary_at(const char *name, char *path, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", path, size - 1);
	char *slash;

	assert_true(n > 0);
	path[n] = '\0';
	assert_non_null(slash = strrchr(path, '/'));
	*slash = '\0';
	assert_non_null(slash = strrchr(path, '/'));
	assert_true((size_t)(slash - path) + strlen(name) + 2 <= size);
	snprintf(slash, size - (size_t)(slash - path), "/%s", name);
	if (access(path, X_OK) != 0)
		fail_msg("%s is not built (make check builds it)", path);
}

/* The built binary ($(BUILD)/svirt-interpose): main() refuses the same
 * way, with the built-in settings whatever the host's /etc/svirt holds. */
static void built_binary(char *path, size_t size)
{
	built_binary_at("svirt-interpose", path, size);
}

static void built_binary_refuses_qemu_without_restrict(void **state)
{
	struct fixture *fx = *state;
	char self[PATH_MAX], cmd[PATH_MAX + 256];
	int rc;

	built_binary(self, sizeof(self));
	if (geteuid() != 0 && (access(SV_CONF_DIR, F_OK) == 0 ||
			       access(SV_RUN_DIR, F_OK) == 0)) {
		skip_because("not root: cannot hide the host's /etc/svirt and "
			     "/run/svirt in a mount namespace");
	}
	snprintf(cmd, sizeof(cmd), "%s -xen-domid 5 -nodefaults 2>%s", self,
		 fx->stderr_path);
	rc = run_without_host_config(cmd);
	if (rc == 126)
		fail_msg("cannot hide the host's /etc/svirt and /run/svirt");
	assert_refused(fx, rc == 0 ? 0 : 1,
		       "refusing to start qemu: domain 5: qemu has no -xen-domid-restrict");
}

/* The built binary's ELF: its type, program headers and dynamic section. */
struct elf_facts {
	bool pie;		/* ET_DYN with DF_1_PIE */
	bool interp;		/* PT_INTERP: a dynamic loader is named */
	bool relro;		/* PT_GNU_RELRO */
	bool now;		/* DF_BIND_NOW or DF_1_NOW */
	bool exec_stack;	/* PT_GNU_STACK missing or with PF_X */
	unsigned needed;	/* DT_NEEDED entries */
	bool stack_chk;		/* __stack_chk_fail in the symbol table */
	bool fortify;		/* a __*_chk function (_FORTIFY_SOURCE) there */
};

static bool in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

static void read_elf(const char *path, struct elf_facts *f)
{
	FILE *fp = fopen(path, "re");
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	const Elf64_Shdr *sh;
	char *b;
	long size;
	bool stack_seen = false;

	memset(f, 0, sizeof(*f));
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	assert_true((size = ftell(fp)) > (long)sizeof(*eh));
	rewind(fp);
	assert_non_null(b = malloc((size_t)size));
	assert_int_equal(fread(b, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	eh = (const Elf64_Ehdr *)(void *)b;
	assert_memory_equal(eh->e_ident, ELFMAG, SELFMAG);
	assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS64);
	assert_true(in_file((size_t)size, eh->e_phoff,
			    (uint64_t)eh->e_phnum * sizeof(*ph)));
	assert_true(in_file((size_t)size, eh->e_shoff,
			    (uint64_t)eh->e_shnum * sizeof(*sh)));
	ph = (const Elf64_Phdr *)(void *)(b + eh->e_phoff);
	sh = (const Elf64_Shdr *)(void *)(b + eh->e_shoff);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Dyn *d;

		switch (ph[i].p_type) {
		case PT_INTERP:
			f->interp = true;
			break;
		case PT_GNU_RELRO:
			f->relro = true;
			break;
		case PT_GNU_STACK:
			stack_seen = true;
			f->exec_stack = (ph[i].p_flags & PF_X) != 0;
			break;
		case PT_DYNAMIC:
			assert_true(in_file((size_t)size, ph[i].p_offset,
					    ph[i].p_filesz));
			d = (const Elf64_Dyn *)(void *)(b + ph[i].p_offset);
			for (size_t k = 0; k < ph[i].p_filesz / sizeof(*d) &&
					   d[k].d_tag != DT_NULL; k++) {
				if (d[k].d_tag == DT_NEEDED)
					f->needed++;
				if (d[k].d_tag == DT_FLAGS &&
				    (d[k].d_un.d_val & DF_BIND_NOW))
					f->now = true;
				if (d[k].d_tag == DT_FLAGS_1 &&
				    (d[k].d_un.d_val & DF_1_NOW))
					f->now = true;
				if (d[k].d_tag == DT_FLAGS_1 &&
				    (d[k].d_un.d_val & DF_1_PIE))
					f->pie = eh->e_type == ET_DYN;
			}
			break;
		}
	}
	f->exec_stack = f->exec_stack || !stack_seen;
	/* The symbol table (not stripped in build/): one name of each kind. */
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *sym;
		const char *str;
		uint64_t strsize;

		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		assert_true(in_file((size_t)size, sh[i].sh_offset, sh[i].sh_size));
		assert_true(in_file((size_t)size, sh[sh[i].sh_link].sh_offset,
				    sh[sh[i].sh_link].sh_size));
		sym = (const Elf64_Sym *)(void *)(b + sh[i].sh_offset);
		str = b + sh[sh[i].sh_link].sh_offset;
		strsize = sh[sh[i].sh_link].sh_size;
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*sym); k++) {
			const char *name;
			size_t n;

			if (sym[k].st_name >= strsize)
				continue;
			name = str + sym[k].st_name;
			n = strnlen(name, strsize - sym[k].st_name);
			/* An undefined one (dynamic link) is "name@VERSION". */
			if (memchr(name, '@', n))
				n = (size_t)((const char *)memchr(name, '@', n) - name);
			if (n == strlen("__stack_chk_fail") &&
			    strncmp(name, "__stack_chk_fail", n) == 0)
				f->stack_chk = true;
			if (n > 6 && strncmp(name, "__", 2) == 0 &&
			    strncmp(name + n - 4, "_chk", 4) == 0)
				f->fortify = true;
		}
	}
	free(b);
}

/* Every qemu start execs the interposer.  Linked static-pie, it maps no
 * library: through the dynamic loader, libselinux, libpcre2-8 and libc cost
 * about half its page faults, the most of its start on a virtual machine
 * (issue 15); by default it has no C library at all (interpose/rt).
 * SANITIZE=1 links it dynamically (ASan needs that): then only its
 * sanitizer runtimes may come in beside libselinux and libc.  Either way it
 * keeps the project's hardening: PIE, RELRO, BIND_NOW, no executable stack;
 * and it carries the stack protector's and _FORTIFY_SOURCE's checks (with
 * glibc static, libselinux's objects bring them too, so for this build's
 * own objects that rests on SV_CFLAGS, which forces both; interpose/rt
 * defines the functions both call). */
static void built_binary_is_static_pie_and_hardened(void **state)
{
	char self[PATH_MAX];
	struct elf_facts f;

	(void)state;
	built_binary(self, sizeof(self));
	read_elf(self, &f);
	assert_true(f.pie);
	assert_true(f.relro);
	assert_true(f.now);
	assert_false(f.exec_stack);
	assert_true(f.stack_chk);
	assert_true(f.fortify);
#ifdef __SANITIZE_ADDRESS__
	assert_true(f.interp);
#else
	if (f.interp || f.needed)
		fail_msg("%s is dynamically linked (%u libraries): it should be "
			 "static-pie", self, f.needed);
#endif
}

#ifdef __SANITIZE_ADDRESS__
/* SANITIZE=1's dynamic build loads libselinux (which brings libpcre2) and
 * libc, and the sanitizers' runtimes, nothing else: through libxlutil it
 * used to load libxenlight and some twenty libraries. */
static void built_binary_loads_only_libselinux_and_libc(void **state)
{
	static const char *const allowed[] = {
		"linux-vdso.so.", "linux-gate.so.", "ld-linux", "libc.so.",
		"libselinux.so.", "libpcre2-8.so.",
		"libasan.so.", "libubsan.so.", "libstdc++.so.", "libm.so.",
		"libgcc_s.so.",
	};
	char self[PATH_MAX], cmd[PATH_MAX + 64], line[512];
	unsigned libs = 0;
	FILE *p;

	(void)state;
	built_binary(self, sizeof(self));
	/* What ldd prints: the dynamic loader lists the objects, runs nothing. */
	snprintf(cmd, sizeof(cmd), "LD_TRACE_LOADED_OBJECTS=1 %s", self);
	assert_non_null(p = popen(cmd, "re"));
	while (fgets(line, sizeof(line), p)) {
		char *name = strtok(line, " \t\n"), *base;
		bool ok = false;

		if (!name)
			continue;
		base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			ok = ok || strncmp(base, allowed[i], strlen(allowed[i])) == 0;
		if (!ok)
			fail_msg("svirt-interpose loads %s", base);
		libs++;
	}
	assert_int_equal(pclose(p), 0);
	assert_true(libs >= 3);	/* the list was read: loader, libc, libselinux */
}
#endif

int main(int argc, char **argv)
{
	const char *report = getenv(STANDIN_ENV);
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(labelled_guest_gets_qemu_unchanged_in_its_label),
		T(permissive_host_labels_qemu_too),
		T(without_restrict_qemu_is_refused),
		T(restrict_not_required_lets_qemu_start),
		T(svirtd_down_refuses),
		T(svirtd_timeout_refuses),
		T(svirtd_error_state_refuses_with_its_reason),
		T(unlabelled_state_refuses),
		T(bad_reply_refuses),
		T(reply_for_another_domain_refuses),
		T(setexeccon_failure_refuses),
		T(selinux_disabled_starts_qemu_with_a_warning),
		T(selinux_disabled_refuses_when_configured),
		T(selinux_disabled_refuses_by_default),
		T(unknown_selinux_state_refuses_even_if_disabled_is_allowed),
		T(dom0_disk_backend_runs_unchanged_in_the_callers_label),
		T(dom0_must_be_spelled_plainly_and_once),
		T(bad_command_line_refuses),
		T(missing_real_qemu_refuses),
		T(listening_sockets_are_made_for_qemu),
		T(socket_path_that_cannot_be_cleared_refuses),
		T(refusal_leaves_no_socket),
		T(divert_install_execs_the_moved_aside_qemu),
		T(exec_of_itself_is_refused),
		T(built_binary_refuses_qemu_without_restrict),
		T(built_binary_is_static_pie_and_hardened),
#ifdef __SANITIZE_ADDRESS__
		T(built_binary_loads_only_libselinux_and_libc),
#endif
#undef T
#define S(f) { "shipped: " #f, f, setup_shipped, teardown, NULL }
		/* The same behaviour from the shipped build: every test whose
		 * fakes it does not need (SELinux's mode, a failing setexeccon,
		 * exec of itself). */
		S(labelled_guest_gets_qemu_unchanged_in_its_label),
		S(without_restrict_qemu_is_refused),
		S(restrict_not_required_lets_qemu_start),
		S(svirtd_down_refuses),
		S(svirtd_timeout_refuses),
		S(svirtd_error_state_refuses_with_its_reason),
		S(unlabelled_state_refuses),
		S(bad_reply_refuses),
		S(reply_for_another_domain_refuses),
		S(dom0_disk_backend_runs_unchanged_in_the_callers_label),
		S(dom0_must_be_spelled_plainly_and_once),
		S(bad_command_line_refuses),
		S(missing_real_qemu_refuses),
		S(listening_sockets_are_made_for_qemu),
		S(socket_path_that_cannot_be_cleared_refuses),
#undef S
	};

	if (report)
		return standin_main(argc, argv, report);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
