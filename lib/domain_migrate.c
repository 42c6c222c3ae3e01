/* domain_migrate.c: a guest migrating to this same host: the incoming domain shares the outgoing
 * one's pair, labels and record while both live, and takes them over whole when it goes. */
#include "domain.h"
#include "domain_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* During `xl migrate` to this host two domains carry one uuid and use one
 * disk: the outgoing one (paused once its memory is sent, destroyed at the
 * end, or resumed if the migration fails) and the incoming one (built,
 * named NAME--incoming, renamed NAME).  The uuid is read from nodes only
 * dom0 writes (/local/domain/N/vm), so two domains with one uuid are the
 * toolstack's doing, and the incoming one gets the pair the uuid holds: on
 * a Flask host its label carries that pair already.  A domain of another
 * uuid asking for the pair is refused as ever (holder_of, domain.c). */

int sv_domains__bind_incoming(struct sv_domains *t, struct sv_domain *src,
			      int domid, const char *name,
			      const struct sv_pair *flask,
			      struct sv_domain **out, struct sv_error *err)
{
	struct sv_domain *d = NULL;
	int r;

	if (src->target || src->unbound)
		return sv_fail(err, EEXIST, "uuid %s belongs to domain %d, "
			       "%s", src->uuid, src->domid, src->target ?
			       "a stub domain" : "refused");
	if ((d = sv_domains_incoming(t, src)))
		return sv_fail(err, EEXIST, "uuid %s belongs to domain %d, "
			       "and domain %d migrates in to it already",
			       src->uuid, src->domid, d->domid);
	if (sv_domains_by_domid(t, domid))
		return sv_fail(err, EEXIST, "domain %d is known already", domid);
	if (flask && (flask->a != src->pair.a || flask->b != src->pair.b))
		return sv_fail(err, EEXIST, "its Flask label has the pair "
			       "c%u,c%u, domain %d (%s) of its uuid %s holds "
			       "c%u,c%u", flask->a, flask->b, src->domid,
			       src->name, src->uuid, src->pair.a, src->pair.b);
	if ((r = sv_domains__add_follower(t, src, domid, src->uuid, name, &d,
					  err)) < 0)
		return r;
	d->from = src->domid;
	sv_audit_control(t->audit, SV_DOMAIN_AUDIT_VM(d), "start", "migrated");
	*out = d;
	return 0;
}

struct sv_domain *sv_domains_incoming(const struct sv_domains *t,
				      const struct sv_domain *src)
{
	if (src->domid == SV_DOMID_NONE || src->target || src->from)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i]->from == src->domid)
			return t->v[i];
	return NULL;
}

struct sv_domain *sv_domains_next_sharer(const struct sv_domains *t,
					 const struct sv_domain *g, size_t *i)
{
	if (g->domid == SV_DOMID_NONE || g->target || g->from)
		return NULL;
	while (*i < t->n) {
		struct sv_domain *d = t->v[(*i)++];

		if (d->target == g->domid || d->from == g->domid)
			return d;
	}
	return NULL;
}

int sv_domain_hand_over(struct sv_domains *t, struct sv_domain *src,
			struct sv_domain *in, const char *name)
{
	struct sv_record rec = src->rec;
	struct sv_error err;
	char *copy = strdup(name);
	int r;

	if (!copy)
		return -ENOMEM;
	/* One store write moves the record (keyed by uuid) to the new
	 * domid.  Killed before it, svirtd finds at its restart a record of
	 * a domain that is gone and releases it (README, "Migration"). */
	rec.domid = in->domid;
	rec.name = NULL;
	if ((r = sv_record_set_name(&rec, name)) < 0 ||
	    (r = sv_store_write(t->store, &rec, &err)) < 0) {
		free(rec.name);
		free(copy);
		sv_log_dom(t->log, LOG_ERR, in->domid, in->name, "cannot take "
			   "over the record of domain %d: %s", src->domid,
			   r == -EINVAL ? "name too long" : err.msg);
		return r;
	}
	free(src->rec.name);
	in->rec = rec;
	memset(&src->rec, 0, sizeof(src->rec));
	free(in->name);
	in->name = copy;
	in->from = 0;
	in->state = src->state;
	snprintf(in->reason, sizeof(in->reason), "%s", src->reason);
	in->dirty = true;
	sv_log_dom(t->log, LOG_INFO, in->domid, in->name, "migrated in: holds "
		   "c%u,c%u and the %zu objects of domain %d now, none "
		   "restored", in->pair.a, in->pair.b, in->rec.nobjects,
		   src->domid);
	sv_audit_control(t->audit, SV_DOMAIN_AUDIT_VM(src), "stop", "migrated");
	sv_domains__del(t, src);
	sv_domain__free(src);
	return 0;
}
