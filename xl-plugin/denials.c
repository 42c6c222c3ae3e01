/* denials.c: svirt-xl denials (issue 19 item 2): the AVC denials of dom0's
 * kernel (the audit log when auditd runs, else the kernel log) and, with
 * --flask, the hypervisor's, each named by the guests svirtd's history says
 * held the pairs in its contexts. */
#include "svirt-xl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <time.h>

#include "control.h"
#include "denials.h"

#define AUDITD_PID "/run/auditd.pid"
#define AUDIT_LOG "/var/log/audit/audit.log"

struct run {
	const struct sv_xl_args *a;
	struct sv_history hist;
	struct sv_store *store;
	struct sv_record rec;		/* the last one looked up */
	int64_t since;
	size_t shown, malformed;
	bool first;
};

int sv_xl_parse_denials(int argc, char **argv, struct sv_xl_args *a)
{
	for (int i = 1; i < argc; i++) {
		bool more = i + 1 < argc;

		if (strcmp(argv[i], "--json") == 0) {
			a->json = true;
		} else if (strcmp(argv[i], "--flask") == 0) {
			a->flask = true;
		} else if (strcmp(argv[i], "--since") == 0 && more) {
			a->since = argv[++i];
		} else if (strcmp(argv[i], "--guest") == 0 && more) {
			a->guest = argv[++i];
		} else {
			fprintf(stderr, "svirt-xl denials: unexpected argument \"%s\"\n",
				argv[i]);
			return -1;
		}
	}
	if (a->since) {
		struct sv_error err;
		int64_t t;

		if (sv_denials_since(a->since, (int64_t)time(NULL), &t, &err) < 0) {
			fprintf(stderr, "svirt-xl denials: %s\n", err.msg);
			return -1;
		}
	}
	return 0;
}

static const struct sv_record *lookup(void *arg, const char *uuid)
{
	struct run *r = arg;
	struct sv_error err;

	if (!r->store)
		return NULL;
	sv_record_clear(&r->rec);
	if (sv_store_read(r->store, uuid, &r->rec, &err) < 0)
		return NULL;
	return &r->rec;
}

static void one_line(struct run *r, const char *where, size_t lineno,
		     const char *line, size_t len)
{
	struct sv_error err = { .msg = "" };
	struct sv_denial d;
	struct sv_avc a;
	int ret = sv_avc_parse(line, len, &a, &err);

	if (ret < 0) {
		if (r->malformed++ < 5)
			fprintf(stderr, "svirt-xl denials: %s, line %zu: %s\n",
				where, lineno, err.msg);
		return;
	}
	if (ret == 0 || a.granted || (r->a->since && a.has_time && a.sec < r->since))
		return;
	sv_denial_attribute(&a, &r->hist, lookup, r, &d);
	if (r->a->guest && !sv_denial_about(&d, r->a->guest))
		return;
	if (r->a->json) {
		fputs(r->first ? "\n  " : ",\n  ", stdout);
		sv_denial_json(stdout, &d);
	} else {
		sv_denial_text(stdout, &d);
	}
	r->first = false;
	r->shown++;
}

/* Every line of text (len bytes; a last line without its newline too). */
static void lines_of(struct run *r, const char *where, const char *text,
		     size_t len, size_t *lineno)
{
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		one_line(r, where, ++*lineno, text, n);
		n += nl ? 1 : 0;
		text += n;
		len -= n;
	}
}

static bool auditd_runs(void)
{
	FILE *f = fopen(AUDITD_PID, "re");
	long pid = 0;
	bool alive;

	if (!f)
		return false;
	alive = fscanf(f, "%ld", &pid) == 1 && pid > 1 &&
		(kill((pid_t)pid, 0) == 0 || errno == EPERM);
	fclose(f);
	return alive;
}

static int read_audit_log(struct run *r)
{
	FILE *f = fopen(AUDIT_LOG, "re");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;

	if (!f) {
		fprintf(stderr, "svirt-xl denials: %s: %s\n", AUDIT_LOG, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0)
		one_line(r, AUDIT_LOG, ++lineno, line, (size_t)n);
	free(line);
	fclose(f);
	return 0;
}

/* /dev/kmsg: one record per read, "prio,seq,usec,flags;text\n" then
 * continuation lines; read without blocking to the end of the buffer. */
static int read_kmsg(struct run *r)
{
	char buf[SV_AVC_LINE_MAX + 1024];
	size_t lineno = 0;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		const char *semi, *nl;

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten while we read: go on */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		lineno++;
		if (!(semi = memchr(buf, ';', (size_t)n)))
			continue;
		semi++;
		nl = memchr(semi, '\n', (size_t)(buf + n - semi));
		one_line(r, "/dev/kmsg", lineno, semi,
			 nl ? (size_t)(nl - semi) : (size_t)(buf + n - semi));
	}
	close(fd);
	return 0;
}

/* Without /dev/kmsg: the kernel's ring buffer as dmesg reads it. */
static int read_klog(struct run *r)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	size_t lineno = 0;
	char *buf;
	int n;

	if (size <= 0 || !(buf = malloc((size_t)size))) {
		fprintf(stderr, "svirt-xl denials: cannot read the kernel log: %s\n",
			strerror(errno));
		return -1;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		fprintf(stderr, "svirt-xl denials: cannot read the kernel log: %s\n",
			strerror(errno));
		free(buf);
		return -1;
	}
	lines_of(r, "kernel log", buf, (size_t)n, &lineno);
	free(buf);
	return 0;
}

/* The hypervisor's console ring, as `xl dmesg` reads it: chunks that need
 * not end at a line's end. */
static int read_xen(struct sv_xl *x, struct run *r)
{
	libxl_xen_console_reader *cr = libxl_xen_console_read_start(x->ctx, 0);
	size_t len = 0, lineno = 0;
	char *line, *acc = NULL;
	int ret;

	if (!cr) {
		fputs("svirt-xl denials: cannot read the hypervisor's console\n", stderr);
		return -1;
	}
	while ((ret = libxl_xen_console_read_line(x->ctx, cr, &line)) > 0) {
		size_t n = strlen(line);
		char *nl, *grown = realloc(acc, len + n + 1);

		if (!grown) {
			ret = -ENOMEM;
			break;
		}
		acc = grown;
		memcpy(acc + len, line, n + 1);
		len += n;
		if ((nl = memrchr(acc, '\n', len))) {
			size_t done = (size_t)(nl - acc) + 1;

			lines_of(r, "Xen console", acc, done, &lineno);
			memmove(acc, acc + done, len - done + 1);
			len -= done;
		}
	}
	if (len)
		lines_of(r, "Xen console", acc, len, &lineno);
	free(acc);
	libxl_xen_console_read_finish(x->ctx, cr);
	if (ret < 0) {
		fputs("svirt-xl denials: reading the hypervisor's console failed\n", stderr);
		return -1;
	}
	return 0;
}

int sv_xl_cmd_denials(struct sv_xl *x, const struct sv_xl_args *a)
{
	struct run r = { .a = a, .first = true };
	struct sv_error err = { .msg = "" };
	int bad = 0;

	if (a->since)
		(void)sv_denials_since(a->since, (int64_t)time(NULL), &r.since, &err);
	/* Without svirtd's history, denials are still shown, by label. */
	if (sv_control_history(x->conf.socket, 10000, &r.hist, &err) < 0)
		fprintf(stderr, "svirt-xl denials: no guest history (%s): "
			"guests are not named\n", err.msg);
	if (sv_xl_open_store(&r.store, &err) < 0)
		r.store = NULL;	/* only full paths of disks are lost */
	if (a->json)
		fputs("[", stdout);
	if (auditd_runs())
		bad |= read_audit_log(&r);
	else if (read_kmsg(&r) < 0)
		bad |= read_klog(&r);
	if (a->flask)
		bad |= read_xen(x, &r);
	if (a->json)
		fputs(r.first ? "]\n" : "\n]\n", stdout);
	if (r.malformed)
		fprintf(stderr, "svirt-xl denials: %zu malformed AVC line(s) skipped\n",
			r.malformed);
	sv_record_clear(&r.rec);
	sv_store_close(r.store);
	sv_history_clear(&r.hist);
	return bad || fflush(stdout) != 0 ? 1 : 0;
}
