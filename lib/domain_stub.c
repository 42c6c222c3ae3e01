/* domain_stub.c: stub device model domains in the table: bound to their guest's pair and labels,
 * with no record or allocation of their own, so a pair is taken once and freed once. */
#include "domain.h"
#include "domain_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int sv_domains__add_follower(struct sv_domains *t,
			     const struct sv_domain *leader, int domid,
			     const char *uuid, const char *name,
			     struct sv_domain **out, struct sv_error *err)
{
	struct sv_record rec = { .domid = domid, .pair = leader->pair };
	struct sv_domain *d = NULL;
	int r;

	memcpy(rec.uuid, uuid, SV_UUID_BUF);
	if ((r = sv_record_set_name(&rec, name)) < 0) {
		sv_record_clear(&rec);
		return sv_fail(err, EINVAL, "name too long");
	}
	/* The labels are built from the pair again, as the leader's were:
	 * the same strings. */
	if ((r = sv_domain__new(t, &rec, &d, err)) < 0) {
		sv_record_clear(&rec);
		return r;
	}
	/* Never stored: after a restart a stub is found again by its target
	 * node, an incoming domain by its uuid while the leader lives, and
	 * their objects are in the leader's record. */
	sv_record_clear(&d->rec);
	sv_domain_stub_follow(d, leader);
	if (sv_domains__add(t, d) < 0) {
		sv_domain__free(d);
		return sv_fail(err, ENOMEM, "out of memory");
	}
	*out = d;
	return 0;
}

int sv_domains_bind_stub(struct sv_domains *t, int domid, const char *uuid,
			 const char *name, struct sv_domain *guest,
			 struct sv_domain **out, struct sv_error *err)
{
	int r;

	if (guest->domid == SV_DOMID_NONE || guest->target)
		return sv_fail(err, EINVAL, "domain %d is not a guest",
			       guest->domid);
	if (sv_domains_by_domid(t, domid))
		return sv_fail(err, EEXIST, "domain %d is known already", domid);
	if (sv_domains_by_uuid(t, uuid))
		return sv_fail(err, EEXIST, "uuid %s belongs to another domain "
			       "or reservation", uuid);
	if ((r = sv_domains__add_follower(t, guest, domid, uuid, name, out,
					  err)) < 0)
		return r;
	(*out)->target = guest->domid;
	return 0;
}

struct sv_domain *sv_domains_next_stub(const struct sv_domains *t,
				       const struct sv_domain *guest,
				       size_t *i)
{
	if (guest->domid == SV_DOMID_NONE || guest->target)
		return NULL;
	while (*i < t->n) {
		struct sv_domain *d = t->v[(*i)++];

		if (d->target == guest->domid)
			return d;
	}
	return NULL;
}

void sv_domain_stub_follow(struct sv_domain *stub,
			   const struct sv_domain *guest)
{
	if (stub->state == SV_STATE_ERROR && guest->state != SV_STATE_ERROR)
		return;
	stub->state = guest->state == SV_STATE_RESERVED ? SV_STATE_ALLOCATED
							 : guest->state;
	snprintf(stub->reason, sizeof(stub->reason), "%s",
		 guest->state == SV_STATE_ERROR ? guest->reason : "");
}
