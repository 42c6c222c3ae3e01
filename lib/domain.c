/* domain.c: the table of guests and their lifecycle: bind or allocate, reserve, release.
 * The store record is written before any label changes, so kill -9 never loses one. */

/* Crash safety.  A guest's record lists every object that is, or may be,
 * relabelled for it, and the order of operations is:
 *   label:   1. add the new objects to the record, store it durably
 *            2. relabel them (trusted.svirt first, then the label: relabel.c)
 *            3. drop from the record what was refused or unplugged, store it
 *   release: 1. restore every object  2. remove the record  3. free the pair
 * So at any instant every object carrying a guest's label (or holding one of
 * the refcounts in trusted.svirt) is listed in some record, and every pair
 * any label names is held by a record.  The converse may fail after a kill:
 * a record may list an object whose relabel never happened, or one a release
 * already restored; the refcount may then be one off.  After a restart,
 * sv_domains_reconcile therefore recomputes each object from scratch: its
 * holders are the live records listing it with the label trusted.svirt
 * says it carries; the count is set to that number without ever passing
 * through zero (one more set, which also puts back a label the kill kept
 * from being written, then restores down to the count), or the object is
 * reset to its original when no live record holds it. */
#include "domain.h"
#include "domain_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the table ---- */

void sv_domains_init(struct sv_domains *t, const struct sv_config *cfg,
		     const struct sv_relabel_ctx *rctx, const struct sv_log *log,
		     struct sv_mcs *mcs, struct sv_store *store)
{
	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->rctx = rctx;
	t->log = log;
	t->mcs = mcs;
	t->store = store;
}

void sv_domain__free(struct sv_domain *d)
{
	if (!d)
		return;
	sv_record_clear(&d->rec);
	free(d->labels.process);
	free(d->labels.image);
	free(d->labels.shared);
	free(d->labels.content);
	free(d->name);
	free(d->outside);
	free(d);
}

void sv_domains_free(struct sv_domains *t)
{
	for (size_t i = 0; i < t->n; i++)
		sv_domain__free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

struct sv_domain *sv_domains_by_domid(const struct sv_domains *t, int domid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i]->domid == domid)
			return t->v[i];
	return NULL;
}

/* A domain migrating in shares its uuid with the one it comes from, which
 * owns the uuid's record: that one is the uuid's. */
struct sv_domain *sv_domains_by_uuid(const struct sv_domains *t,
				     const char *uuid)
{
	for (size_t i = 0; i < t->n; i++)
		if (!t->v[i]->from && strcmp(t->v[i]->uuid, uuid) == 0)
			return t->v[i];
	return NULL;
}

int sv_domains__add(struct sv_domains *t, struct sv_domain *d)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct sv_domain **v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = d;
	return 0;
}

void sv_domains__del(struct sv_domains *t, struct sv_domain *d)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i] == d) {
			t->v[i] = t->v[--t->n];
			return;
		}
}

/* A domain in memory for a record; takes ownership of rec. */
static int labels_build(const struct sv_domains *t, struct sv_pair pair,
			struct sv_domain_labels *out, struct sv_error *err)
{
	_cleanup_free_ struct sv_guest_labels *l = malloc(sizeof(*l));
	int r;

	if (!l)
		return sv_fail(err, ENOMEM, "out of memory");
	if ((r = sv_guest_labels_build(&t->cfg->bases, pair, l, err)) < 0)
		return r;
	if (!(out->process = strdup(l->process)) ||
	    !(out->image = strdup(l->image)) ||
	    !(out->shared = strdup(l->shared)) ||
	    !(out->content = strdup(l->content)))
		return sv_fail(err, ENOMEM, "out of memory");
	return 0;
}

int sv_domain__new(struct sv_domains *t, struct sv_record *rec,
		      struct sv_domain **out, struct sv_error *err)
{
	struct sv_domain *d = calloc(1, sizeof(*d));
	int r;

	if (!d || !(d->name = strdup(rec->name ? rec->name : ""))) {
		free(d);
		return sv_fail(err, ENOMEM, "out of memory");
	}
	if ((r = labels_build(t, rec->pair, &d->labels, err)) < 0) {
		sv_domain__free(d);
		return r;
	}
	d->domid = rec->domid;
	memcpy(d->uuid, rec->uuid, sizeof(d->uuid));
	d->pair = rec->pair;
	d->state = rec->domid == SV_DOMID_NONE ? SV_STATE_RESERVED
					       : SV_STATE_ALLOCATED;
	d->rec = *rec;
	memset(rec, 0, sizeof(*rec));
	*out = d;
	return 0;
}

int sv_domain__store(struct sv_domains *t, struct sv_domain *d,
		      struct sv_error *err)
{
	return sv_store_write(t->store, &d->rec, err);
}

void sv_domain_fail(struct sv_domains *t, struct sv_domain *d, int errnum,
		    const char *reason)
{
	d->state = SV_STATE_ERROR;
	snprintf(d->reason, sizeof(d->reason), "%s", reason);
	sv_log_dom(t->log, LOG_ERR, d->domid, d->name, "refused (%s): %s",
		   strerror(errnum), reason);
	sv_audit_refusal(t->audit, SV_DOMAIN_AUDIT_VM(d), "label", errnum,
			 reason);
}

/* A pair drawn at random that is no guest's static pair (guest_seclabel,
 * issue 17 item 4): those stay free for their guests.  The static pairs
 * skipped are held while drawing, so each is drawn at most once. */
static int alloc_dynamic(struct sv_domains *t, struct sv_pair *out)
{
	struct sv_pair skipped[64];
	size_t n = 0;
	int r;

	while ((r = sv_mcs_alloc(t->mcs, out)) == 0 &&
	       sv_config_pair_static(t->cfg, *out)) {
		if (n == sizeof(skipped) / sizeof(skipped[0])) {
			sv_mcs_release(t->mcs, *out);
			r = -ENOSPC;
			break;
		}
		skipped[n++] = *out;
	}
	while (n > 0)
		sv_mcs_release(t->mcs, skipped[--n]);
	return r;
}

/* A new record for uuid with a pair (given or drawn), stored durably, in the
 * table.  The pair is given back on any failure. */
static int create(struct sv_domains *t, int domid, const char *uuid,
		  const char *name, const struct sv_pair *want,
		  struct sv_domain **out, struct sv_error *err)
{
	struct sv_record rec = { .domid = domid };
	struct sv_domain *d = NULL;
	struct sv_pair p;
	int r;

	if (want) {
		p = *want;
		if ((r = sv_mcs_reserve(t->mcs, p)) == -EEXIST) {
			sv_fail(err, EEXIST, "pair c%u,c%u is taken", p.a, p.b);
			sv_audit_refusal(t->audit, &(struct sv_audit_vm){
					 name, uuid, domid }, "reserve", EEXIST,
					 err ? err->msg : "pair taken");
			return -EEXIST;
		}
		if (r < 0)
			return sv_fail(err, EINVAL, "pair c%u,c%u is outside "
				       "the configured categories", p.a, p.b);
	} else if ((r = alloc_dynamic(t, &p)) < 0)
		return sv_fail(err, -r, "no free category pair");
	memcpy(rec.uuid, uuid, SV_UUID_BUF);
	rec.pair = p;
	if ((r = sv_record_set_name(&rec, name)) < 0)
		r = sv_fail(err, -r, "name too long");
	else if ((r = sv_domain__new(t, &rec, &d, err)) == 0 &&
		 (r = sv_domain__store(t, d, err)) == 0 &&
		 (r = sv_domains__add(t, d)) < 0) {
		/* The record is durable: drop it again, or a restart would
		 * find a pair nobody holds in memory. */
		sv_store_remove(t->store, d->uuid, NULL);
		r = sv_fail(err, -r, "out of memory");
	}
	if (r < 0) {
		sv_domain__free(d);
		sv_record_clear(&rec);
		sv_mcs_release(t->mcs, p);
		return r;
	}
	*out = d;
	return 0;
}

static const struct sv_domain *holder_of(const struct sv_domains *t,
					 struct sv_pair p);

int sv_domains_reserve(struct sv_domains *t, const char *uuid,
		       const struct sv_pair *want, struct sv_domain **out,
		       struct sv_error *err)
{
	struct sv_domain *d = sv_domains_by_uuid(t, uuid);
	const struct sv_domain *h;

	if (d && d->domid != SV_DOMID_NONE)
		return sv_fail(err, EEXIST, "%s is domain %d already", uuid,
			       d->domid);
	if (d)
		return sv_fail(err, EEXIST, "%s holds a reservation (c%u,c%u) "
			       "already", uuid, d->pair.a, d->pair.b);
	if (want && (h = holder_of(t, *want)) && h->domid != SV_DOMID_NONE)
		return sv_fail(err, EEXIST, "pair c%u,c%u is held by domain %d "
			       "(%s, uuid %s)", want->a, want->b, h->domid,
			       h->name, h->uuid);
	return create(t, SV_DOMID_NONE, uuid, "", want, out, err);
}

static bool hand_over(struct sv_domains *t, const struct sv_domain *d);

int sv_domains_unreserve(struct sv_domains *t, const char *uuid,
			 struct sv_error *err)
{
	struct sv_domain *d = sv_domains_by_uuid(t, uuid);
	int r;

	if (!d)
		return sv_fail(err, ENOENT, "no reservation for %s", uuid);
	if (d->domid != SV_DOMID_NONE)
		return sv_fail(err, EBUSY, "%s is domain %d", uuid, d->domid);
	if (sv_domain_reap(t, d) < 0)
		return sv_fail(err, EBUSY, "a process in the label of %s would "
			       "not end; the reservation stays", uuid);
	if ((r = sv_store_remove(t->store, uuid, err)) < 0 && r != -ENOENT)
		return r;
	if (!hand_over(t, d))
		sv_mcs_release(t->mcs, d->pair);
	sv_domains__del(t, d);
	sv_domain__free(d);
	return 0;
}

/* Who holds pair p: a guest or a reservation (never a stub or a domain
 * migrating in, which hold their guest's, nor a refused domain, which holds
 * nothing). */
static const struct sv_domain *holder_of(const struct sv_domains *t,
					 struct sv_pair p)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct sv_domain *d = t->v[i];

		if (!d->target && !d->from && !d->unbound && d->pair.a == p.a &&
		    d->pair.b == p.b)
			return d;
	}
	return NULL;
}

/* A pair that create() could not take: who has it, for the message. */
static int flask_taken(const struct sv_domains *t, struct sv_pair p,
		       const char *source, int r, struct sv_error *err)
{
	const struct sv_domain *h = holder_of(t, p);

	if (r != -EEXIST)
		return r;
	if (h && h->domid == SV_DOMID_NONE)
		return sv_fail(err, EEXIST, "the pair c%u,c%u of %s is "
			       "reserved for uuid %s", p.a, p.b, source,
			       h->uuid);
	if (h)
		return sv_fail(err, EEXIST, "the pair c%u,c%u of %s is held "
			       "by domain %d (%s, uuid %s)", p.a, p.b, source,
			       h->domid, h->name, h->uuid);
	return sv_fail(err, EEXIST, "the pair c%u,c%u of %s is taken", p.a,
		       p.b, source);
}

int sv_domains_bind(struct sv_domains *t, int domid, const char *uuid,
		    const char *name, struct sv_domain **out,
		    struct sv_error *err)
{
	return sv_domains_bind_flask(t, domid, uuid, name, NULL, out, err);
}

int sv_domains_bind_flask(struct sv_domains *t, int domid, const char *uuid,
			  const char *name, const struct sv_pair *flask,
			  struct sv_domain **out, struct sv_error *err)
{
	return sv_domains_bind_static(t, domid, uuid, name, flask,
				      "its Flask label", out, err);
}

int sv_domains_bind_static(struct sv_domains *t, int domid, const char *uuid,
			   const char *name, const struct sv_pair *flask,
			   const char *source, struct sv_domain **out,
			   struct sv_error *err)
{
	struct sv_domain *d = sv_domains_by_uuid(t, uuid);
	char *copy;
	int r;

	if (!d) {
		r = create(t, domid, uuid, name, flask, out, err);
		if (r == 0)
			sv_audit_control(t->audit, SV_DOMAIN_AUDIT_VM(*out),
					 "start", "booted");
		return flask ? flask_taken(t, *flask, source, r, err) : r;
	}
	if (d->domid != SV_DOMID_NONE)
		return sv_domains__bind_incoming(t, d, domid, name, flask, out,
						 err);
	if (!(copy = strdup(name)))
		return sv_fail(err, ENOMEM, "out of memory");
	d->rec.domid = domid;
	if ((r = sv_record_set_name(&d->rec, name)) < 0 ||
	    (r = sv_domain__store(t, d, err)) < 0) {
		d->rec.domid = SV_DOMID_NONE;
		free(copy);
		return r == -EINVAL ? sv_fail(err, EINVAL, "name too long") : r;
	}
	free(d->name);
	d->name = copy;
	d->domid = domid;
	d->state = SV_STATE_ALLOCATED;
	sv_audit_control(t->audit, SV_DOMAIN_AUDIT_VM(d), "start", "booted");
	*out = d;
	/* svirt-xl create reserved, then wrote the pair into seclabel: the
	 * two agree.  A label that says otherwise runs at a pair svirtd did
	 * not give it: bound (the reservation is its uuid's), and refused. */
	if (flask && (flask->a != d->pair.a || flask->b != d->pair.b)) {
		char why[SV_REASON_MAX];

		snprintf(why, sizeof(why), "%s has the pair c%u,c%u, its "
			 "uuid's reservation c%u,c%u", source, flask->a,
			 flask->b, d->pair.a, d->pair.b);
		sv_domain_fail(t, d, EEXIST, why);
	}
	return 0;
}


int sv_domains_refuse(struct sv_domains *t, int domid, const char *uuid,
		      const char *name, struct sv_pair pair, int errnum,
		      const char *reason, struct sv_domain **out)
{
	struct sv_record rec = { .domid = domid, .pair = pair };
	struct sv_domain *d = NULL;
	struct sv_error err;
	int r;

	memcpy(rec.uuid, uuid, SV_UUID_BUF);
	if ((r = sv_record_set_name(&rec, name)) < 0 ||
	    (r = sv_domain__new(t, &rec, &d, &err)) < 0) {
		sv_record_clear(&rec);
		return r;
	}
	/* Not stored while another holds the pair: a restart finds the
	 * domain and refuses it again (hand_over stores it). */
	d->unbound = true;
	if ((r = sv_domains__add(t, d)) < 0) {
		sv_domain__free(d);
		return r;
	}
	sv_domain_fail(t, d, errnum, reason);
	*out = d;
	return 0;
}

/* ---- release ---- */

int sv_domain_reap(struct sv_domains *t, struct sv_domain *d)
{
	struct sv_reap r;
	struct sv_error err;
	int q;

	/* What runs in a stub's label is its guest's, and stays; so does
	 * what runs in the label of a pair a refused domain asked for, or
	 * a domain migrating in shares. */
	if (!d->labels.process || d->target || d->from || d->unbound)
		return 0;
	q = sv_reap_label(t->reaper, d->labels.process, &r, &err);
	for (size_t i = 0; i < r.n && i < SV_REAP_MAX; i++)
		sv_log_dom(t->log, LOG_WARNING, d->domid, d->name,
			   "killed leftover device model pid %d (%s)",
			   (int)r.pid[i], d->labels.process);
	d->reap_failed = q < 0;
	if (q == 0)
		return 0;
	sv_log_dom(t->log, LOG_ERR, d->domid, d->name, "keeping its pair: %s",
		   err.msg);
	return -EBUSY;
}

/* Restores every object, dropping each from the record once restored. */
static int restore_all(struct sv_domains *t, struct sv_domain *d, bool reset)
{
	int bad = 0;

	for (size_t i = d->rec.nobjects; i-- > 0;) {
		if (sv_domain__restore_path(t, d, d->rec.objects[i].path,
					    reset) < 0) {
			bad++;
			continue;
		}
		sv_record__drop(&d->rec, i);
	}
	return bad ? -EIO : 0;
}

/* d's pair is about to be freed while a refused domain still runs at it
 * (its Flask label): that domain takes the pair over, durably, so nobody
 * else is handed a pair a live domain's Flask label carries.  It stays
 * refused.  True if the pair went to one. */
static bool hand_over(struct sv_domains *t, const struct sv_domain *d)
{
	struct sv_error err;

	for (size_t i = 0; i < t->n; i++) {
		struct sv_domain *r = t->v[i];

		if (!r->unbound || r->pair.a != d->pair.a ||
		    r->pair.b != d->pair.b)
			continue;
		if (sv_domain__store(t, r, &err) < 0) {
			sv_log_dom(t->log, LOG_ERR, r->domid, r->name, "cannot "
				   "store the record: %s", err.msg);
			continue;
		}
		r->unbound = false;
		sv_log_dom(t->log, LOG_WARNING, r->domid, r->name, "holds "
			   "c%u,c%u now (its Flask label's), still refused",
			   r->pair.a, r->pair.b);
		return true;
	}
	return false;
}

/* Record removed, then pair freed, then gone from memory; and before any
 * of it, nothing left running in its label. */
int sv_domain__forget(struct sv_domains *t, struct sv_domain *d)
{
	struct sv_error err;
	int r;

	if ((r = sv_domain_reap(t, d)) < 0)
		return r;
	if ((r = sv_store_remove(t->store, d->uuid, &err)) < 0 && r != -ENOENT) {
		sv_log_dom(t->log, LOG_ERR, d->domid, d->name,
			   "cannot remove its record: %s", err.msg);
		return r;
	}
	/* A refused domain's pair is another guest's. */
	if (!d->unbound && !hand_over(t, d))
		sv_mcs_release(t->mcs, d->pair);
	if (d->domid != SV_DOMID_NONE)
		sv_audit_control(t->audit, SV_DOMAIN_AUDIT_VM(d), "stop",
				 "destroyed");
	sv_domains__del(t, d);
	sv_domain__free(d);
	return 0;
}

int sv_domain_release(struct sv_domains *t, struct sv_domain *d)
{
	struct sv_error err;
	int r;

	/* A stub holds nothing of its own: its objects are in its guest's
	 * record, and what runs in its label is the guest's. */
	if (d->target || d->from || d->unbound) {
		if (d->target)
			sv_log_dom(t->log, LOG_INFO, d->domid, d->name,
				   "released (stub domain of domain %d)",
				   d->target);
		else if (d->from)
			sv_log_dom(t->log, LOG_INFO, d->domid, d->name,
				   "released (its migration from domain %d "
				   "did not complete: that one keeps its pair "
				   "and labels)", d->from);
		else
			sv_log_dom(t->log, LOG_INFO, d->domid, d->name,
				   "released (refused: it held no pair)");
		sv_domains__del(t, d);
		sv_domain__free(d);
		return 0;
	}

	/* Before the labels: a device model still running could otherwise
	 * keep using storage about to become another guest's. */
	if ((r = sv_domain_reap(t, d)) < 0) {
		sv_domain_fail(t, d, EBUSY, "a process in its label would not "
			       "end; the pair stays held");
		return r;
	}
	if ((r = restore_all(t, d, false)) < 0) {
		/* Keep the pair: a label that still names it may remain. */
		if (sv_domain__store(t, d, &err) < 0)
			sv_log_dom(t->log, LOG_WARNING, d->domid, d->name,
				   "cannot store the record: %s", err.msg);
		sv_domain_fail(t, d, EIO, "labels could not all be restored; "
			       "the pair stays held");
		return r;
	}
	sv_log_dom(t->log, LOG_INFO, d->domid, d->name,
		   "released c%u,c%u", d->pair.a, d->pair.b);
	return sv_domain__forget(t, d);
}

void sv_domain_entry(const struct sv_domain *d, struct sv_control_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->domid = d->domid;
	memcpy(e->uuid, d->uuid, sizeof(e->uuid));
	e->pair = d->pair;
	e->state = d->state;
	snprintf(e->process_label, sizeof(e->process_label), "%s",
		 d->labels.process);
	snprintf(e->image_label, sizeof(e->image_label), "%s", d->labels.image);
	e->target = d->target;
	if (d->state == SV_STATE_ERROR)
		snprintf(e->reason, sizeof(e->reason), "%s", d->reason);
}
