/* loop.c: svirtd's event loop: xenstore watches, signals and the control socket, in poll(2).
 * Every batch of events ends in a cheap rescan, so a coalesced event never loses a domain. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "discover.h"
#include "reap.h"
#include "svirtd.h"

#define TOKEN_INTRO "svirtd-intro"
#define TOKEN_RELEASE "svirtd-release"
#define TOKEN_BACKEND "svirtd-backend"
#define BACKEND "/local/domain/0/backend/"
/* How long a dead guest's leftover device models get to end after SIGKILL. */
#define REAP_WAIT_MS 5000

static const char *const backends[] = { "vbd", "qdisk", "vif" };

uint64_t svd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* What one batch of watch events asks for. */
struct batch {
	bool introduced, released;
};

static int parse_domid(const char *s, const char **end)
{
	long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((v = v * 10 + (*s - '0')) > SV_DOMID_MAX)
			return -1;
	if (end)
		*end = s;
	else if (*s)
		return -1;
	return (int)v;
}

static void bind_new(struct svirtd *s, int domid);

/* /local/domain/0/backend/<type>/<domid>/...: that domain is dirty. */
static void backend_event(struct svirtd *s, const char *path)
{
	const char *p, *end;
	struct sv_domain *d;
	int domid;

	if (strncmp(path, BACKEND, strlen(BACKEND)) != 0 ||
	    !(p = strchr(path + strlen(BACKEND), '/')))
		return;
	if ((domid = parse_domid(p + 1, &end)) < SV_DOMID_MIN ||
	    (*end && *end != '/'))
		return;
	/* A domain we have not seen: its @introduceDomain may have been
	 * lost (xenstored drops events past a quota); look at it now. */
	if (!(d = sv_domains_by_domid(&s->doms, domid)))
		bind_new(s, domid);
	else
		d->dirty = true;
}

static void drain_watches(struct svirtd *s, struct batch *b)
{
	char **ev;

	while ((ev = xs_check_watch(s->xs))) {
		const char *tok = ev[XS_WATCH_TOKEN];

		if (strcmp(tok, TOKEN_INTRO) == 0)
			b->introduced = true;
		else if (strcmp(tok, TOKEN_RELEASE) == 0)
			b->released = true;
		else if (strcmp(tok, TOKEN_BACKEND) == 0)
			backend_event(s, ev[XS_WATCH_PATH]);
		free(ev);
	}
}

static void bind_new(struct svirtd *s, int domid)
{
	_cleanup_free_ char *name = NULL;
	char uuid[SV_UUID_BUF];
	struct sv_domain *d;
	struct sv_error err;
	int r;

	if (!xs_is_domain_introduced(s->xs, (unsigned)domid))
		return;
	if ((r = svd_read_identity(s, domid, uuid, &name)) < 0) {
		if (r != -ENOENT)
			sv_log_dom(&s->log, LOG_ERR, domid, NULL,
				   "cannot read its name and uuid: %s",
				   strerror(-r));
		return;
	}
	if ((r = sv_domains_bind(&s->doms, domid, uuid, name, &d, &err)) < 0) {
		sv_log_dom(&s->log, LOG_ERR, domid, name, "no label: %s",
			   err.msg);
		return;
	}
	sv_log_dom(&s->log, LOG_INFO, domid, name, "uuid %s: c%u,c%u", uuid,
		   d->pair.a, d->pair.b);
	d->dirty = true;
	svd_publish(s, d);
}

/* Domains in /local/domain that the table does not know yet. */
static void scan_new(struct svirtd *s)
{
	unsigned n = 0;
	char **ents = xs_directory(s->xs, XBT_NULL, "/local/domain", &n);

	for (unsigned i = 0; ents && i < n; i++) {
		int domid = parse_domid(ents[i], NULL);

		if (domid >= SV_DOMID_MIN &&
		    !sv_domains_by_domid(&s->doms, domid))
			bind_new(s, domid);
	}
	free(ents);
}

/* Whether domid still names the domain d was bound to: a domid given back
 * and reused (a fixed domid in the guest's config) between two looks must
 * not inherit the old guest's pair.  Unreadable: assume it does. */
static bool same_domain(struct svirtd *s, const struct sv_domain *d)
{
	_cleanup_free_ char *vm = NULL;
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%d/vm", d->domid);
	if (sv_xs_read_dom0(s->xs, path, &vm, NULL) < 0)
		return true;
	return strncmp(vm, "/vm/", 4) != 0 || strcmp(vm + 4, d->uuid) == 0;
}

/* Ends every process still in d's device-model label (reap.h); false if one
 * stays: its record and pair are kept, and the next scan tries again. */
static bool reap_leftovers(struct svirtd *s, struct sv_domain *d)
{
	struct sv_reap r;
	struct sv_error err;
	int q;

	if (!d->labels.process)
		return true;
	q = sv_reap_label(NULL, d->labels.process, REAP_WAIT_MS, &r, &err);
	for (size_t i = 0; i < r.n; i++)
		sv_log_dom(&s->log, LOG_WARNING, d->domid, d->name,
			   "killed leftover device model pid %d (%s)",
			   (int)r.pid[i], d->labels.process);
	if (q == 0)
		return true;
	sv_log_dom(&s->log, LOG_ERR, d->domid, d->name,
		   "keeping its pair: %s", err.msg);
	return false;
}

/* Known domains that are no longer introduced, or no longer themselves. */
static void scan_gone(struct svirtd *s)
{
	for (size_t i = s->doms.n; i-- > 0;) {
		struct sv_domain *d = s->doms.v[i];
		int domid = d->domid;
		bool reused = false;

		if (domid == SV_DOMID_NONE ||
		    (xs_is_domain_introduced(s->xs, (unsigned)domid) &&
		     !(reused = !same_domain(s, d))))
			continue;
		/* Nothing may hold the pair once it is freed: the guest's
		 * leftover device models end first, or the pair stays. */
		if (!reap_leftovers(s, d))
			continue;
		/* Network labels first: the pair is freed last. */
		svd_net_release(s, d);
		if (sv_domain_release(&s->doms, d) < 0) {
			svd_publish(s, d);
			continue;
		}
		svd_unpublish(s, domid);
		if (reused)
			bind_new(s, domid);
	}
}

void svd_domain_refresh(struct svirtd *s, struct sv_domain *d)
{
	struct sv_disks disks = { 0 };
	struct sv_error err;
	int r;

	if (d->domid == SV_DOMID_NONE || d->state == SV_STATE_ERROR) {
		d->dirty = false;
		return;
	}
	r = sv_discover_disks(s->xs, (unsigned)d->domid, &disks, &err);
	if (r == -EAGAIN) {
		/* Hotplug still filling values: the next event retries. */
		d->dirty = false;
		sv_log_dom(&s->log, LOG_DEBUG, d->domid, d->name, "%s", err.msg);
	} else if (r < 0) {
		d->dirty = false;
		sv_domain_fail(&s->doms, d, -r, err.msg);
	} else
		sv_domain_label(&s->doms, d, &disks);
	sv_disks_clear(&disks);
	svd_net_refresh(s, d);
	svd_publish(s, d);
}

struct sv_domain *svd_domain_lookup(struct svirtd *s, int domid)
{
	struct sv_domain *d = sv_domains_by_domid(&s->doms, domid);

	if (!d) {
		bind_new(s, domid);
		d = sv_domains_by_domid(&s->doms, domid);
	}
	if (d && d->dirty)
		svd_domain_refresh(s, d);
	return d;
}

static void relabel_dirty(struct svirtd *s)
{
	for (size_t i = 0; i < s->doms.n; i++)
		if (s->doms.v[i]->dirty)
			svd_domain_refresh(s, s->doms.v[i]);
}

static void handle_xenstore(struct svirtd *s)
{
	struct batch b = { false, false };

	drain_watches(s, &b);
	/* Releases first: a rebooted guest keeps its uuid, and its old record
	 * must be gone before the new domain is bound to that uuid. */
	if (b.released)
		scan_gone(s);
	if (b.introduced)
		scan_new(s);
	relabel_dirty(s);
}

static void handle_signal(struct svirtd *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			svd_reload(s);
		else
			s->quit = true;
	}
}

static int watch_all(struct svirtd *s)
{
	char path[64];

	if (!xs_watch(s->xs, "@introduceDomain", TOKEN_INTRO) ||
	    !xs_watch(s->xs, "@releaseDomain", TOKEN_RELEASE))
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
		snprintf(path, sizeof(path), BACKEND "%s", backends[i]);
		if (!xs_watch(s->xs, path, TOKEN_BACKEND))
			return -errno;
	}
	return 0;
}

int svd_loop_run(struct svirtd *s)
{
	struct pollfd p[3 + SVIRTD_CLIENTS_MAX + 1];
	int r;

	if ((r = watch_all(s)) < 0) {
		sv_log(&s->log, LOG_ERR, "cannot watch xenstore: %s",
		       strerror(-r));
		return r;
	}
	while (!s->quit) {
		int timeout = svd_server_tick(s);
		size_t n = 3;

		p[0] = (struct pollfd){ .fd = xs_fileno(s->xs), .events = POLLIN };
		p[1] = (struct pollfd){ .fd = s->sigfd, .events = POLLIN };
		/* poll ignores a negative fd: no link events without network. */
		p[2] = (struct pollfd){ .fd = s->link_fd, .events = POLLIN };
		n += svd_server_pollfds(s, p + 3, ARRAY_SIZE(p) - 3);
		if (poll(p, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			sv_log(&s->log, LOG_ERR, "poll: %s", strerror(errno));
			return -errno;
		}
		if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			sv_log(&s->log, LOG_ERR, "lost the xenstore connection");
			return -EPIPE;
		}
		if (p[1].revents & POLLIN)
			handle_signal(s);
		/* Link events first: a vif back up gets its peer label before
		 * anything else is done. */
		if (p[2].revents & (POLLIN | POLLERR))
			svd_net_link(s);
		if (p[0].revents & POLLIN)
			handle_xenstore(s);
		svd_server_handle(s, p + 3, n - 3);
	}
	return 0;
}
