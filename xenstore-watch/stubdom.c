/* stubdom.c: stub device model domains: the guest they serve read from the dom0-written
 * target node only, bound to that guest's pair, their disks labelled in the guest's passes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "discover.h"
#include "stub_target.h"
#include "svirtd.h"

int svd_read_target(struct svirtd *s, int domid, int *target,
		    struct sv_error *err)
{
	_cleanup_free_ char *v = NULL;
	char path[64];
	int r;

	/* libxl writes it, dom0-owned and read-only to the stub, before the
	 * stub is introduced.  Under its own /local/domain/<id> a guest can
	 * own nodes, so the owner and every write permission are checked. */
	snprintf(path, sizeof(path), "/local/domain/%d/target", domid);
	r = sv_xs_read_dom0(s->xs, path, &v, err);
	if (r == -ENOENT) {
		*target = 0;
		return 0;
	}
	if (r < 0)
		return r;
	if ((r = sv_stub_target_parse(v, strlen(v), domid, target, err)) < 0)
		return sv_fail_prefix(err, -r, "%s", path);
	return 0;
}

int svd_stub_bind(struct svirtd *s, int domid, const char *uuid,
		  const char *name, int target, struct sv_error *err)
{
	struct sv_domain *g = sv_domains_by_domid(&s->doms, target), *d;
	int r;

	if (!g) {
		r = svd_domain_introduced(s, target);
		if (r == 0)
			return sv_fail(err, ENOENT, "its target, domain %d, "
				       "does not exist", target);
		return sv_fail(err, EAGAIN, "its target, domain %d, is not "
			       "known yet", target);
	}
	if (g->target)
		return sv_fail(err, EINVAL, "its target, domain %d, is itself "
			       "a stub domain", target);
	/* The domid may have been given back and taken by another guest
	 * whose release svirtd has not handled yet. */
	if (svd_same_domain(s, g) != 1)
		return sv_fail(err, EAGAIN, "its target, domain %d, is not "
			       "known yet as the guest now holding that domid",
			       target);
	if ((r = sv_domains_bind_stub(&s->doms, domid, uuid, name, g, &d,
				      err)) < 0)
		return r;
	sv_log_dom(&s->log, LOG_INFO, domid, name, "uuid %s: stub domain of "
		   "domain %d (%s): its pair c%u,c%u", uuid, target, g->name,
		   d->pair.a, d->pair.b);
	/* The guest's next pass labels the stub's disks too. */
	g->dirty = d->dirty = true;
	return 0;
}

void svd_stub_wait(struct svirtd *s, int domid)
{
	for (size_t i = 0; i < s->nstub_wait; i++)
		if (s->stub_wait[i] == domid)
			return;
	/* Full: the stub is still looked at on every introduction. */
	if (s->nstub_wait < ARRAY_SIZE(s->stub_wait))
		s->stub_wait[s->nstub_wait++] = domid;
}

void svd_stub_retry(struct svirtd *s)
{
	int v[ARRAY_SIZE(s->stub_wait)];
	size_t n = s->nstub_wait;

	memcpy(v, s->stub_wait, n * sizeof(v[0]));
	s->nstub_wait = 0;
	for (size_t i = 0; i < n; i++)
		if (!sv_domains_by_domid(&s->doms, v[i]))
			svd_bind_new(s, v[i], false);
}

int svd_stub_disks(struct svirtd *s, const struct sv_domain *g,
		   struct sv_disks *out, struct sv_error *err)
{
	struct sv_domain *st;
	size_t i = 0;
	int r;

	/* A domain migrating in to g uses g's disks through backends of
	 * its own (a new loop device, say): labelled with g's, in g's
	 * record, so that one holder per object covers both. */
	while ((st = sv_domains_next_sharer(&s->doms, g, &i)))
		if ((r = sv_discover_disks(s->xs, (unsigned)st->domid, out,
					   err)) < 0)
			return sv_fail_prefix(err, -r, "%s domain %d",
					      st->target ? "stub" : "incoming",
					      st->domid);
	return 0;
}

void svd_stub_follow(struct svirtd *s, const struct sv_domain *g)
{
	struct sv_domain *st;
	size_t i = 0;

	while ((st = sv_domains_next_sharer(&s->doms, g, &i))) {
		st->dirty = false;
		st->refreshed_ms = g->refreshed_ms;
		sv_domain_stub_follow(st, g);
		svd_net_refresh(s, st);
		svd_publish(s, st);
	}
}

void svd_target_watch(struct svirtd *s, struct sv_domain *d, bool on)
{
	char path[64];

	if (d->domid == SV_DOMID_NONE || d->target_watched == on)
		return;
	snprintf(path, sizeof(path), "/local/domain/%d/target", d->domid);
	if (on ? xs_watch(s->xs_watch, path, SVD_TOKEN_TARGET)
	       : xs_unwatch(s->xs_watch, path, SVD_TOKEN_TARGET))
		d->target_watched = on;
	else if (on)
		/* Still looked at on each GET of it (svd_domain_lookup). */
		sv_log_dom(&s->log, LOG_WARNING, d->domid, d->name, "cannot "
			   "watch %s: %s", path, strerror(errno));
	else
		d->target_watched = false;
}

bool svd_has_stub(struct svirtd *s, const struct sv_domain *g)
{
	size_t i = 0;

	return sv_domains_next_stub(&s->doms, g, &i) != NULL;
}
