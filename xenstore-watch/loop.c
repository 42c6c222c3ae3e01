/* loop.c: svirtd's event loop: xenstore watches, signals and the control socket, in poll(2).
 * Watch events only mark guests dirty; each dirty guest is labelled once, fairly, in bounded time. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "backend_event.h"
#include "discover.h"
#include "flask_label.h"
#include "outside.h"
#include "svirtd.h"

#define TOKEN_INTRO "svirtd-intro"
#define TOKEN_RELEASE "svirtd-release"
#define TOKEN_BACKEND "svirtd-backend"
/* dom0's record of every device libxl adds, wherever its backend runs:
 * the one event svirtd gets for a device a driver domain serves. */
#define TOKEN_LIBXL "svirtd-libxl"
#define BACKEND SV_BACKEND_ROOT

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
	/* Domains not in the table that backend events named, each once; more
	 * than fit count as an introduction (scan_new looks at all). */
	size_t nunknown;
	int unknown[32];
	/* Domains whose target node changed (marked target_due, each once):
	 * only those are looked at, however many there are.  A fixed list
	 * that fell back to every known domain made the first pass after a
	 * restart (each new watch fires once) read every target node again
	 * per batch: 11 reads per guest with 1000 guests. */
	size_t ntargets;
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

/* /local/domain/0/backend/<type>/<domid>/...: that domain is dirty, if
 * the event touches what discovery reads.  The label pass itself waits for
 * svd_relabel_dirty, so a burst of events costs one pass. */
static void backend_event(struct svirtd *s, struct batch *b, const char *path)
{
	struct sv_backend_event ev;
	struct sv_domain *d;

	if (sv_backend_event_parse(path, &ev) < 0 || !ev.relevant)
		return;
	if ((d = sv_domains_by_domid(&s->doms, ev.domid))) {
		d->dirty = true;
		return;
	}
	/* A domain we have not seen: its @introduceDomain may have been
	 * lost (xenstored drops events past a quota); looked at once the
	 * batch is read, however many events named it. */
	for (size_t i = 0; i < b->nunknown; i++)
		if (b->unknown[i] == ev.domid)
			return;
	if (b->nunknown < ARRAY_SIZE(b->unknown))
		b->unknown[b->nunknown++] = ev.domid;
	else
		b->introduced = true;
}

/* /libxl/<domid>/device/...: a device of that guest came or went, maybe
 * one served outside dom0.  Only dom0 writes /libxl. */
static void libxl_event(struct svirtd *s, const char *path)
{
	struct sv_domain *d;
	int domid;

	if (sv_libxl_event_parse(path, &domid) == 0 &&
	    (d = sv_domains_by_domid(&s->doms, domid))) {
		d->outside_known = false;
		d->dirty = true;
	}
}

/* /local/domain/<domid>/target: looked at once the batch is read.  Only
 * known domains' target nodes are watched; an event for another (one
 * released meanwhile) has nothing to check (svd_target_check). */
static void target_event(struct svirtd *s, struct batch *b, const char *path)
{
	static const char prefix[] = "/local/domain/";
	struct sv_domain *d;
	const char *end;
	int domid;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0 ||
	    (domid = parse_domid(path + sizeof(prefix) - 1, &end)) < 0 ||
	    strcmp(end, "/target") != 0 ||
	    !(d = sv_domains_by_domid(&s->doms, domid)) || d->target_due)
		return;
	d->target_due = true;
	b->ntargets++;
}

/* At most SVIRTD_EVENTS_PER_BATCH: the rest stay queued (xs_fileno stays
 * readable), so a guest's flood of events cannot keep the loop here. */
static void drain_watches(struct svirtd *s, struct batch *b)
{
	char **ev;

	for (int i = 0; i < SVIRTD_EVENTS_PER_BATCH &&
			(ev = xs_check_watch(s->xs_watch)); i++) {
		const char *tok = ev[XS_WATCH_TOKEN];

		if (strcmp(tok, TOKEN_INTRO) == 0)
			b->introduced = true;
		else if (strcmp(tok, TOKEN_RELEASE) == 0)
			b->released = true;
		else if (strcmp(tok, TOKEN_BACKEND) == 0)
			backend_event(s, b, ev[XS_WATCH_PATH]);
		else if (strcmp(tok, TOKEN_LIBXL) == 0)
			libxl_event(s, ev[XS_WATCH_PATH]);
		else if (strcmp(tok, SVD_TOKEN_TARGET) == 0)
			target_event(s, b, ev[XS_WATCH_PATH]);
		free(ev);
	}
}

/* A bind failure, retried on the guest's every event: logged once, then
 * at most once per SVIRTD_LOG_REPEAT_MS with the count held back. */
static bool bind_failed(struct svirtd *s, int domid, const char *name,
			const char *msg)
{
	unsigned held;

	if (!sv_log_limit_pass(&s->bind_log, domid, msg, svd_now_ms(), &held))
		return false;
	if (held)
		sv_log_dom(&s->log, LOG_ERR, domid, name,
			   "%s (%u more times in the last %d s)", msg, held,
			   SVIRTD_LOG_REPEAT_MS / 1000);
	else
		sv_log_dom(&s->log, LOG_ERR, domid, name, "%s", msg);
	return true;
}

/* A stub domain: bound to its target guest (binding that guest first if
 * svirtd has not yet), waiting for it, or refused; never a pair of its
 * own. */
static void bind_stub(struct svirtd *s, int domid, const char *uuid,
		      const char *name, int target)
{
	char msg[sizeof(((struct sv_error *)0)->msg) + 32];
	struct sv_error err;
	int r = svd_stub_bind(s, domid, uuid, name, target, &err);

	if (r == -EAGAIN && !sv_domains_by_domid(&s->doms, target)) {
		svd_bind_new(s, target, true);
		r = svd_stub_bind(s, domid, uuid, name, target, &err);
	}
	if (r == 0) {
		sv_log_limit_forget(&s->bind_log, domid);
		return;
	}
	if (r == -EAGAIN)
		svd_stub_wait(s, domid);
	snprintf(msg, sizeof(msg), "stub domain %s: %s",
		 r == -EAGAIN ? "waiting" : "refused", err.msg);
	/* A refusal is audited as often as it is logged; a wait is not one. */
	if (bind_failed(s, domid, name, msg) && r != -EAGAIN)
		sv_audit_refusal(&s->audit, &(struct sv_audit_vm){ name, uuid, domid },
				 "bind", -r, msg);
}

/* The pair domid's Flask label names (*has), if Xen runs Flask. */
static int flask_pair(struct svirtd *s, int domid, struct sv_pair *pair,
		      bool *has, struct sv_error *err)
{
	_cleanup_free_ char *label = NULL;
	int r;

	*has = false;
	if ((r = svd_flask_label(s, domid, &label, err)) <= 0)
		return r;
	return sv_flask_label_pair(label, strlen(label), pair, has, err);
}

void svd_bind_new(struct svirtd *s, int domid, bool as_target)
{
	_cleanup_free_ char *name = NULL;
	char uuid[SV_UUID_BUF], msg[sizeof(((struct sv_error *)0)->msg) + 32];
	struct sv_domain *d;
	struct sv_error err;
	struct sv_pair flask;
	struct sv_guest_opts go;
	bool has;
	int r, target;

	if (!xs_is_domain_introduced(s->xs, (unsigned)domid))
		return;
	if ((r = svd_read_identity(s, domid, uuid, &name)) < 0) {
		if (r != -ENOENT) {
			snprintf(msg, sizeof(msg),
				 "cannot read its name and uuid: %s",
				 strerror(-r));
			bind_failed(s, domid, NULL, msg);
		}
		return;
	}
	/* Before any pair: a domain whose target node cannot be trusted
	 * gets none at all. */
	if ((r = svd_read_target(s, domid, &target, &err)) < 0) {
		snprintf(msg, sizeof(msg), "stub domain refused: %s", err.msg);
		bind_failed(s, domid, name, msg);
		return;
	}
	if (target) {
		/* A stub's stub is refused by the stub that asked. */
		if (!as_target)
			bind_stub(s, domid, uuid, name, target);
		return;
	}
	if ((r = flask_pair(s, domid, &flask, &has, &err)) < 0) {
		if (r != -ENOENT) {
			snprintf(msg, sizeof(msg), "no label: %s", err.msg);
			bind_failed(s, domid, name, msg);
		}
		return;
	}
	/* issue 17 item 4: svirt.conf's static pair for it, which a Flask
	 * label must agree with. */
	if (sv_config_guest_opts(&s->cfg, uuid, name, &go, &err) < 0) {
		snprintf(msg, sizeof(msg), "no label: %s", err.msg);
		bind_failed(s, domid, name, msg);
		return;
	}
	if (has && go.has_pair && (go.pair.a != flask.a || go.pair.b != flask.b))
		r = sv_fail(&err, EEXIST, "its Flask label's pair c%u,c%u is "
			    "not its static pair c%u,c%u (guest_seclabel)",
			    flask.a, flask.b, go.pair.a, go.pair.b);
	else if (!go.has_pair && has && sv_config_pair_static(&s->cfg, flask))
		r = sv_fail(&err, EEXIST, "the pair c%u,c%u of its Flask label "
			    "is another guest's static pair (guest_seclabel)",
			    flask.a, flask.b);
	else if (has || !go.has_pair)
		r = sv_domains_bind_flask(&s->doms, domid, uuid, name,
					  has ? &flask : NULL, &d, &err);
	else {
		flask = go.pair;
		has = true;
		r = sv_domains_bind_static(&s->doms, domid, uuid, name, &flask,
					   "its static label (guest_seclabel)",
					   &d, &err);
	}
	/* Its Flask label or static pair fixes a pair it cannot have:
	 * refused, in the table in state error (svirt-interpose starts no
	 * device model for it, nothing is labelled), until it goes. */
	if (r < 0 && has && (r == -EEXIST || r == -EINVAL) &&
	    sv_domains_refuse(&s->doms, domid, uuid, name, flask, -r,
			      err.msg, &d) == 0) {
		sv_log_limit_forget(&s->bind_log, domid);
		d->dirty = true;
		return;
	}
	if (r < 0) {
		snprintf(msg, sizeof(msg), "no label: %s", err.msg);
		if (bind_failed(s, domid, name, msg))	/* as often as logged */
			sv_audit_refusal(&s->audit, &(struct sv_audit_vm){
					 name, uuid, domid }, "bind", -r, msg);
		return;
	}
	sv_log_limit_forget(&s->bind_log, domid);
	/* A reservation (RESERVE with a pair) of another guest's static
	 * pair: bound, and refused. */
	if (!go.has_pair && d->state != SV_STATE_ERROR &&
	    sv_config_pair_static(&s->cfg, d->pair)) {
		snprintf(msg, sizeof(msg), "its pair c%u,c%u is another guest's "
			 "static pair (guest_seclabel)", d->pair.a, d->pair.b);
		sv_domain_fail(&s->doms, d, EEXIST, msg);
	}
	if (d->state != SV_STATE_ERROR)
		sv_log_dom(&s->log, LOG_INFO, domid, name, "uuid %s: c%u,c%u%s",
			   uuid, d->pair.a, d->pair.b,
			   !has ? "" : go.has_pair ? " (its static label's)" :
			   " (its Flask label's)");
	/* Published by its first label pass, which is due now: nodes written
	 * here would be written again a moment later (4 requests more per
	 * guest), and the control socket answers from memory meanwhile. */
	d->dirty = true;
	if (s->nstub_wait)
		svd_stub_retry(s);
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
			svd_bind_new(s, domid, false);
	}
	free(ents);
}

/* Whether d is gone: xenstore says its domid is not introduced, or names
 * another guest now (*reused).  An error is no answer: d is kept, and the
 * next scan asks again. */
static bool gone(struct svirtd *s, struct sv_domain *d, bool *reused)
{
	int in = svd_domain_introduced(s, d->domid);

	*reused = false;
	if (in == 0)
		return true;
	if (in > 0 && svd_same_domain(s, d) == 0)
		return *reused = true;
	if (in < 0)
		sv_log_dom(&s->log, LOG_WARNING, d->domid, d->name, "cannot "
			   "tell whether it is alive (%s): keeping it",
			   strerror(-in));
	return false;
}

/* d is gone, and a domain migrated in to it: that one takes over its pair,
 * record and labels (its new name read again: xl renames it from
 * NAME--incoming).  True if it did; false leaves d to be released (no
 * domain came in). */
static bool hand_over(struct svirtd *s, struct sv_domain *d)
{
	struct sv_domain *in = sv_domains_incoming(&s->doms, d);
	_cleanup_free_ char *name = NULL;
	char uuid[SV_UUID_BUF];
	int domid = d->domid;

	if (!in)
		return false;
	/* Only the vifs are d's own: each domain has its own, and d's end
	 * with it. */
	svd_net_release(s, d, true);
	svd_target_watch(s, d, false);
	if (svd_read_identity(s, in->domid, uuid, &name) < 0 ||
	    strcmp(uuid, in->uuid) != 0) {
		free(name);
		name = NULL;
	}
	/* Failed (logged): both stay, d holding the pair, until the next
	 * scan of released domains tries again. */
	if (sv_domain_hand_over(&s->doms, d, in, name ? name : in->name) < 0)
		return true;
	svd_unpublish(s, domid);
	svd_publish(s, in);
	return true;
}

/* Known domains (stubs, or guests) that are no longer introduced, or no
 * longer themselves. */
static void release_gone(struct svirtd *s, bool stubs)
{
	for (size_t i = s->doms.n; i-- > 0;) {
		struct sv_domain *d = s->doms.v[i], *g;
		int domid = d->domid, from = d->from;
		bool reused;

		if (domid == SV_DOMID_NONE || (d->target != 0) != stubs ||
		    !gone(s, d, &reused))
			continue;
		/* A stub domain outliving its guest still runs at the pair
		 * and uses the disks: both stay until it ends too. */
		if (svd_has_stub(s, d)) {
			sv_log_dom(&s->log, LOG_INFO, domid, d->name, "gone, "
				   "but a stub domain of it runs on: its pair "
				   "and labels stay held until that ends");
			continue;
		}
		/* Migrated: the domain that came in takes the pair and the
		 * labels over as they are; nothing is reaped (what runs at
		 * the pair is the new domain's now) or restored. */
		if (!stubs && hand_over(s, d))
			continue;
		/* Nothing may hold the pair once it is freed: the guest's
		 * leftover device models end first, or the pair stays. */
		if (sv_domain_reap(&s->doms, d) < 0)
			continue;
		/* Network labels first: the pair is freed last.  A domain
		 * id another guest has taken over may name that guest's
		 * vifs already: those stay up. */
		svd_net_release(s, d, !reused);
		svd_target_watch(s, d, false);
		if (sv_domain_release(&s->doms, d) < 0) {
			svd_publish(s, d);
			continue;
		}
		svd_unpublish(s, domid);
		if (from && (g = sv_domains_by_domid(&s->doms, from)))
			g->dirty = true;	/* its disks no longer */
		if (reused)
			svd_bind_new(s, domid, false);
	}
}

/* Whether domid's /local/domain directory is gone: libxl removes it
 * while destroying the domain, before @releaseDomain. */
static bool dir_gone(struct svirtd *s, int domid)
{
	char path[32];
	unsigned len;
	void *v;

	snprintf(path, sizeof(path), "/local/domain/%d", domid);
	if ((v = xs_read(s->xs, XBT_NULL, path, &len))) {
		free(v);
		return false;
	}
	return errno == ENOENT;
}

/* d, bound as a guest with a pair of its own, is a stub domain whose
 * target libxl wrote after introducing it: that pair and whatever was
 * labelled with it are given back, and it is bound to its target. */
static void rebind_as_stub(struct svirtd *s, struct sv_domain *d, int target)
{
	int domid = d->domid;

	if (svd_has_stub(s, d)) {
		sv_domain_fail(&s->doms, d, EINVAL, "its target node appeared "
			       "after it was bound, and it has stub domains "
			       "of its own");
		svd_publish(s, d);
		return;
	}
	sv_log_dom(&s->log, LOG_INFO, domid, d->name, "its target node "
		   "(domain %d) was written after its introduction: a stub "
		   "domain, not a guest; giving back c%u,c%u", target,
		   d->pair.a, d->pair.b);
	if (sv_domain_reap(&s->doms, d) < 0) {
		sv_domain_fail(&s->doms, d, EBUSY, "a stub domain bound as a "
			       "guest: a process in its label would not end");
		svd_publish(s, d);
		return;
	}
	/* Its interfaces stay in use: it runs on, as a stub. */
	svd_net_release(s, d, false);
	svd_target_watch(s, d, false);
	if (sv_domain_release(&s->doms, d) < 0) {
		svd_publish(s, d);
		return;
	}
	svd_unpublish(s, domid);
	svd_bind_new(s, domid, false);
}

void svd_target_check(struct svirtd *s, int domid)
{
	struct sv_domain *d = sv_domains_by_domid(&s->doms, domid);
	char msg[sizeof(((struct sv_error *)0)->msg) + 64];
	struct sv_error err;
	int r, target = 0;

	if (domid == SV_DOMID_NONE || !d || d->unbound ||
	    d->state == SV_STATE_ERROR)
		return;
	r = svd_read_target(s, domid, &target, &err);
	if (r == 0 && target == d->target)
		return;
	if (r < 0 && r != -EPERM && r != -EINVAL) {
		/* No answer (xenstore): the next event or GET asks again. */
		sv_log_dom(&s->log, LOG_WARNING, domid, d->name, "cannot read "
			   "its target node: %s", err.msg);
		return;
	}
	if (r == 0 && target == 0 && dir_gone(s, domid))
		return;		/* being destroyed: its release follows */
	if (r < 0)
		snprintf(msg, sizeof(msg), "stub domain refused: %s", err.msg);
	else if (!d->target) {
		rebind_as_stub(s, d, target);
		return;
	} else if (target == 0)
		snprintf(msg, sizeof(msg), "stub domain of domain %d: its "
			 "target node was removed", d->target);
	else
		snprintf(msg, sizeof(msg), "stub domain of domain %d: its "
			 "target node now names domain %d", d->target, target);
	/* Fail closed: no device model is started for it any more, and
	 * it keeps nothing but the state it is in. */
	sv_domain_fail(&s->doms, d, r < 0 ? -r : EINVAL, msg);
	svd_publish(s, d);
}

/* Stubs first, so that a guest whose stub went in the same batch is
 * released in the same scan. */
static void scan_gone(struct svirtd *s)
{
	release_gone(s, true);
	release_gone(s, false);
}

void svd_domain_refresh(struct svirtd *s, struct sv_domain *d)
{
	struct sv_disks disks = { 0 };
	struct sv_error err;
	int r;

	svd_target_watch(s, d, true);

	if (d->target || d->from) {
		/* A stub's disks are labelled in its guest's pass, and so are
		 * those of a domain migrating in. */
		struct sv_domain *g = sv_domains_by_domid(&s->doms,
					d->target ? d->target : d->from);

		d->dirty = false;
		if (g) {
			g->dirty = true;
			svd_domain_refresh(s, g);
		}
		return;
	}
	if (d->domid == SV_DOMID_NONE || d->state == SV_STATE_ERROR) {
		d->dirty = false;
		if (d->domid != SV_DOMID_NONE && !d->outside_known)
			svd_outside_refresh(s, d);
		svd_publish(s, d);	/* not yet, if bound in error */
		svd_stub_follow(s, d);
		return;
	}
	d->refreshed_ms = svd_now_ms();
	r = sv_discover_disks(s->xs, (unsigned)d->domid, &disks, &err);
	if (r == 0)
		r = svd_stub_disks(s, d, &disks, &err);
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
	if (!d->outside_known)
		svd_outside_refresh(s, d);
	svd_publish(s, d);
	svd_stub_follow(s, d);
}

struct sv_domain *svd_domain_lookup(struct svirtd *s, int domid)
{
	struct sv_domain *d = sv_domains_by_domid(&s->doms, domid);

	if (!d) {
		svd_bind_new(s, domid, false);
		d = sv_domains_by_domid(&s->doms, domid);
	} else if (d->domid != SV_DOMID_NONE) {
		/* Its target node may have been written or changed since the
		 * last event svirtd read: what a GET answers must be current. */
		svd_target_check(s, domid);
		d = sv_domains_by_domid(&s->doms, domid);
	}
	if (d && d->dirty)
		svd_domain_refresh(s, d);
	return d;
}

/* The dirty domain labelled longest ago (a new one: never), or NULL. */
static struct sv_domain *next_dirty(struct svirtd *s)
{
	struct sv_domain *best = NULL;

	for (size_t i = 0; i < s->doms.n; i++) {
		struct sv_domain *d = s->doms.v[i];

		if (d->dirty && (!best || d->refreshed_ms < best->refreshed_ms))
			best = d;
	}
	return best;
}

int svd_relabel_dirty(struct svirtd *s)
{
	uint64_t start = svd_now_ms(), now = start;
	struct sv_domain *d;

	/* Least recently labelled first: a guest whose backends keep
	 * changing goes behind every other, and a new guest before it. */
	while ((d = next_dirty(s))) {
		if (now < d->refreshed_ms + SVIRTD_RELABEL_GAP_MS)
			return (int)(d->refreshed_ms + SVIRTD_RELABEL_GAP_MS - now);
		if (now - start >= SVIRTD_RELABEL_BUDGET_MS)
			return 0;	/* the rest after a look at the sockets */
		svd_domain_refresh(s, d);
		now = svd_now_ms();
	}
	return -1;
}

/* The domains marked target_due, by domid, listed first: a check may
 * release and bind.  Out of memory, each is checked where it stands in
 * the table, and the mark kept until it is. */
static void check_targets(struct svirtd *s)
{
	size_t n = s->doms.n, k = 0;
	_cleanup_free_ int *v = calloc(n ? n : 1, sizeof(*v));
	struct sv_domain *d;

	for (size_t i = 0; i < n; i++) {
		d = s->doms.v[i];
		if (!d->target_due)
			continue;
		if (v) {
			d->target_due = false;
			v[k++] = d->domid;
		}
	}
	for (size_t i = 0; i < k; i++)
		svd_target_check(s, v[i]);
	for (size_t i = 0; !v && i < s->doms.n; i++)
		if ((d = s->doms.v[i])->target_due) {
			d->target_due = false;
			svd_target_check(s, d->domid);
			i = (size_t)-1;	/* rescan: a check may change the table */
		}
}

static void handle_xenstore(struct svirtd *s)
{
	struct batch b = { .nunknown = 0 };

	drain_watches(s, &b);
	/* Releases first: a rebooted guest keeps its uuid, and its old record
	 * must be gone before the new domain is bound to that uuid. */
	if (b.released)
		scan_gone(s);
	if (b.introduced)
		scan_new(s);
	for (size_t i = 0; i < b.nunknown; i++)
		if (!sv_domains_by_domid(&s->doms, b.unknown[i]))
			svd_bind_new(s, b.unknown[i], false);
	if (b.ntargets)
		check_targets(s);
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

int svd_watch_all(struct svirtd *s)
{
	char path[64], *ev, **e;

	if (!xs_watch(s->xs_watch, "@introduceDomain", TOKEN_INTRO) ||
	    !xs_watch(s->xs_watch, "@releaseDomain", TOKEN_RELEASE))
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(backends); i++) {
		snprintf(path, sizeof(path), BACKEND "%s", backends[i]);
		if (!xs_watch(s->xs_watch, path, TOKEN_BACKEND))
			return -errno;
	}
	if (!xs_watch(s->xs_watch, "/libxl", TOKEN_LIBXL))
		return -errno;
	/* Every watch fires once when set, and xenstored sends that event
	 * before its answer to the next request on the connection: once this
	 * one is answered, libxenstore's reader has queued all of them, with
	 * any event of a change made meanwhile.  They are dropped: the caller
	 * then looks at every record's domain and every domain in
	 * /local/domain, after all of those changes.  Kept, they would have
	 * every live domain checked twice more (3 requests each). */
	if (!(ev = xs_get_domain_path(s->xs_watch, 0)))
		return -errno;
	free(ev);
	while ((e = xs_check_watch(s->xs_watch)))
		free(e);
	return 0;
}

int svd_loop_run(struct svirtd *s)
{
	struct pollfd p[3 + SVIRTD_CLIENTS_MAX + 1];

	/* Domains introduced while svirtd was down or starting: their events
	 * went with the ones svd_watch_all dropped. */
	if (s->recheck_gone)
		scan_gone(s);
	s->recheck_gone = false;
	scan_new(s);
	while (!s->quit) {
		int relabel = svd_relabel_dirty(s);

		/* Pairs bound or freed since the last round: translations too. */
		svd_setrans_sync(s);
		int timeout = svd_server_tick(s);
		size_t n = 3;

		svd_history_sync(s);

		if (relabel >= 0 && (timeout < 0 || relabel < timeout))
			timeout = relabel;
		p[0] = (struct pollfd){ .fd = xs_fileno(s->xs_watch),
					.events = POLLIN };
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
