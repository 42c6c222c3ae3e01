/* setrans.c: svirtd's mcstrans file (issue 19 item 3): one translation per live guest's pair,
 * rewritten whole from the live guests when they change (and at start), then mcstransd told. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <selinux/selinux.h>

#include "setrans.h"
#include "svirtd.h"

/* Where mcstransd listens (libselinux's setrans client asks there), and
 * the pid file Debian's init script leaves when it forks the daemon. */
#define MCSTRANSD_SOCKET "/run/setrans/.setrans-unix"
#define MCSTRANSD_PIDFILE "/run/mcstrans.pid"

static bool is_mcstransd(pid_t pid)
{
	char path[64], comm[32];
	ssize_t n;
	int fd;

	if (pid <= 1)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return false;
	comm[n] = '\0';
	return strcmp(comm, "mcstransd\n") == 0;
}

/* The listener's pid, as the kernel recorded it at listen(): right for
 * `mcstransd -f` (systemd); the init script's daemon forks after, so its
 * pid file is asked next.  Either is signalled only if it is mcstransd (and
 * the policy lets svirtd_t signal setrans_t and nothing else of it). */
static pid_t mcstransd_pid(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	pid_t pid = 0;
	FILE *f;
	int fd;

	strcpy(sa.sun_path, MCSTRANSD_SOCKET);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	    is_mcstransd(cred.pid))
		pid = cred.pid;
	if (fd >= 0)
		close(fd);
	if (pid == 0 && (f = fopen(MCSTRANSD_PIDFILE, "re"))) {
		int p;

		if (fscanf(f, "%d", &p) == 1 && is_mcstransd(p))
			pid = p;
		fclose(f);
	}
	return pid;
}

/* mcstransd reads its files at start and on SIGHUP only (no inotify).
 * Debian 12's 3.4 loses every translation, the administrator's too, on
 * SIGHUP (its parser keeps a pointer to the freed configuration), so by
 * default the service manager restarts it when the file changes
 * (contrib/svirt-setrans.path) and svirtd signals nothing; setrans_reload =
 * "sighup" for an mcstransd whose reload works.  Not running: it reads
 * ours when it starts. */
static void tell_mcstransd(struct svirtd *s)
{
	pid_t pid;

	if (!s->cfg.setrans.sighup)
		return;
	pid = mcstransd_pid();

	if (pid == 0) {
		sv_log(&s->log, LOG_DEBUG, "setrans: no mcstransd to reload");
		return;
	}
	if (kill(pid, SIGHUP) < 0)
		sv_log(&s->log, LOG_WARNING, "setrans: cannot signal mcstransd "
		       "(pid %d) to reload: %s", (int)pid, strerror(errno));
}

/* The live guests that hold a pair of their own, in table order. */
static size_t live_entries(struct svirtd *s, struct sv_setrans_entry *e)
{
	size_t n = 0;

	for (size_t i = 0; i < s->doms.n; i++) {
		const struct sv_domain *d = s->doms.v[i];

		if (d->domid == SV_DOMID_NONE || d->target != 0 || d->unbound ||
		    !sv_pair_valid(d->pair) || !d->name || !d->name[0])
			continue;
		e[n++] = (struct sv_setrans_entry){
			.domid = d->domid, .name = d->name,
			.sens = s->cfg.bases.process.range.low.sens,
			.pair = d->pair };
	}
	return n;
}

/* What the file is made from, as one string: unchanged, nothing to do. */
static char *key_of(const struct svirtd *s, const struct sv_setrans_entry *e,
		    size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "%d %s\n", s->cfg.setrans.on, s->cfg.setrans.file);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%d %u %u %u %s\n", e[i].domid, e[i].sens,
			e[i].pair.a, e[i].pair.b, e[i].name);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The administrator's entries; false (and logged) when they cannot be
 * trusted to be known, and then no translation is written. */
static bool admin_entries(struct svirtd *s, struct sv_setrans_admin *a)
{
	const char *top = s->cfg.setrans.admin ? s->cfg.setrans.admin :
			  selinux_translations_path();
	struct sv_error err;
	int r;

	r = sv_setrans_admin_read(a, top, s->cfg.setrans.file, &err);
	if (r == -ENOENT) {
		sv_log(&s->log, LOG_WARNING, "setrans: %s; mcstransd has no "
		       "configuration to include %s from", err.msg,
		       s->cfg.setrans.file);
		return true;
	}
	if (r < 0) {
		sv_log(&s->log, LOG_ERR, "setrans: %s; writing no "
		       "translations until it is fixed", err.msg);
		return false;
	}
	if (a->own_in_group) {
		sv_log(&s->log, LOG_ERR, "setrans: %s is included inside a "
		       "ModifierGroup of %s (mcstransd would read its lines as "
		       "words and fail): writing no translations",
		       s->cfg.setrans.file, top);
		return false;
	}
	if (!a->own_included)
		sv_log(&s->log, LOG_WARNING, "setrans: %s does not include %s: "
		       "add \"Include=%s\" to it for guests' names to show",
		       top, s->cfg.setrans.file, s->cfg.setrans.file);
	return true;
}

static void write_file(struct svirtd *s, struct sv_setrans_entry *e,
		       size_t n)
{
	struct sv_setrans_admin a = { 0 };
	_cleanup_free_ char *text = NULL;
	struct sv_error err;
	size_t shown = 0;

	if (!admin_entries(s, &a))
		n = 0;
	if (sv_setrans_render(e, n, &a, &text) < 0) {
		sv_setrans_admin_free(&a);
		sv_log(&s->log, LOG_ERR, "setrans: out of memory");
		return;
	}
	sv_setrans_admin_free(&a);
	for (size_t i = 0; i < n; i++) {
		if (e[i].why)
			sv_log_dom(&s->log, LOG_WARNING, e[i].domid, e[i].name,
				   "no translated label: %s", e[i].why);
		else
			shown++;
	}
	if (s->setrans.written && strcmp(s->setrans.written, text) == 0)
		return;
	if (sv_setrans_write(s->cfg.setrans.file, text, strlen(text), NULL,
			     NULL, &err) < 0) {
		sv_log(&s->log, LOG_ERR, "setrans: %s", err.msg);
		return;
	}
	sv_log(&s->log, LOG_INFO, "setrans: %s holds %zu translations",
	       s->cfg.setrans.file, shown);
	free(s->setrans.written);
	s->setrans.written = TAKE_PTR(text);
	tell_mcstransd(s);
}

/* Turned off, or moved by a reload: the file svirtd wrote goes. */
static void remove_old(struct svirtd *s)
{
	if (!s->setrans.path)
		return;
	if (!s->cfg.setrans.on || strcmp(s->setrans.path, s->cfg.setrans.file)) {
		if (unlink(s->setrans.path) < 0 && errno != ENOENT)
			sv_log(&s->log, LOG_WARNING, "setrans: cannot remove "
			       "%s: %s", s->setrans.path, strerror(errno));
		else
			tell_mcstransd(s);
		free(s->setrans.path);
		s->setrans.path = NULL;
		free(s->setrans.written);
		s->setrans.written = NULL;
	}
}

void svd_setrans_sync(struct svirtd *s)
{
	struct sv_setrans_entry *e;
	char *key;
	size_t n;

	remove_old(s);
	if (!s->cfg.setrans.on)
		return;
	if (!(e = calloc(s->doms.n ? s->doms.n : 1, sizeof(*e))))
		return;
	n = live_entries(s, e);
	if (!(key = key_of(s, e, n))) {
		free(e);
		return;
	}
	if (s->setrans.key && strcmp(key, s->setrans.key) == 0) {
		free(key);
		free(e);
		return;
	}
	free(s->setrans.key);
	s->setrans.key = key;
	if (!s->setrans.path)
		s->setrans.path = strdup(s->cfg.setrans.file);
	write_file(s, e, n);
	free(e);
}

void svd_setrans_reset(struct svirtd *s)
{
	free(s->setrans.key);
	s->setrans.key = NULL;
}

void svd_setrans_free(struct svirtd *s)
{
	free(s->setrans.key);
	free(s->setrans.path);
	free(s->setrans.written);
	s->setrans = (struct svd_setrans){ 0 };
}
