/* domain_reconcile.c: svirtd's restart: every record of the store against the live domains.
 * Each object's holder count is recomputed from the records (see domain.c, "Crash safety"). */
#include "domain.h"
#include "domain_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sv_domains_load(struct sv_domains *t, struct sv_error *err)
{
	char **uuids = NULL;
	size_t n = 0;
	int r = sv_store_list(t->store, &uuids, &n, err);

	for (size_t i = 0; r == 0 && i < n; i++) {
		struct sv_record rec = { 0 };
		struct sv_domain *d = NULL;
		struct sv_error e;
		int q;

		if ((q = sv_store_read(t->store, uuids[i], &rec, &e)) == 0 &&
		    (q = sv_mcs_reserve(t->mcs, rec.pair)) < 0)
			snprintf(e.msg, sizeof(e.msg), "pair c%u,c%u %s",
				 rec.pair.a, rec.pair.b,
				 q == -EEXIST ? "held twice" : "out of range");
		else if (q == 0 && (q = sv_domain__new(t, &rec, &d, &e)) < 0)
			sv_mcs_release(t->mcs, rec.pair);
		else if (q == 0 && (q = sv_domains__add(t, d)) < 0) {
			sv_mcs_release(t->mcs, d->pair);
			sv_domain__free(d);
		}
		if (q < 0) {
			/* Left in place for an administrator: its pair is
			 * not handed out only if it was readable. */
			sv_log(t->log, LOG_ERR, "record %s: %s", uuids[i], e.msg);
			sv_record_clear(&rec);
			continue;
		}
		d->dirty = true;
	}
	sv_store_list_free(uuids, n);
	return r;
}

static bool is_live(const struct sv_domain *d, const struct sv_live *live,
		    size_t n)
{
	if (d->domid == SV_DOMID_NONE)
		return true;	/* a reservation is kept */
	for (size_t i = 0; i < n; i++)
		if (live[i].domid == d->domid &&
		    (live[i].unknown || strcmp(live[i].uuid, d->uuid) == 0))
			return true;
	return false;
}

/* One object as listed by one record. */
struct listing {
	const char *path;
	struct sv_domain *d;
	bool live;
};

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct listing *)a)->path,
		      ((const struct listing *)b)->path);
}

/* Marks the live listings of one path as dropped (never labelled). */
static void drop_live(struct listing *l, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++) {
		ssize_t k;

		if (!l[i].live || (k = sv_record__find(&l[i].d->rec, path)) < 0)
			continue;
		sv_record__drop(&l[i].d->rec, (size_t)k);
		l[i].d->dirty = true;
	}
}

/* Sets the holder count of an object this boot labelled to the number of
 * live listings with its label, without the label ever leaving it. */
static int fix_count(struct sv_domains *t, struct sv_relabel_obj *o,
		     const struct sv_relabel_record *rec, struct listing *l,
		     size_t n, struct sv_error *err)
{
	struct sv_relabel_info info;
	unsigned holders = 0;
	int r;

	for (size_t i = 0; i < n; i++) {
		ssize_t k;

		if (!l[i].live || (k = sv_record__find(&l[i].d->rec, l[i].path)) < 0)
			continue;
		if (strcmp(l[i].d->rec.objects[k].label, rec->label) == 0)
			holders++;
		else {	/* refused or never set: not its holder */
			sv_record__drop(&l[i].d->rec, (size_t)k);
			l[i].d->dirty = true;
		}
	}
	if (holders == 0) {
		if ((r = sv_relabel_reset_obj(t->rctx, o, &info, err)) == 0) {
			sv_domain__log_refused(t, l[0].d->domid, l[0].d->name,
					       l[0].path, &info);
			sv_domain__audit_restore(t, l[0].d, l[0].path, rec->label,
						 &info);
		}
		return r;
	}
	if ((r = sv_relabel_set_obj(t->rctx, o, rec->label, &info, err)) < 0)
		return r;
	while (info.refs > holders)
		if ((r = sv_relabel_restore_obj(t->rctx, o, &info, err)) < 0)
			return r;
	return 0;
}

/* One path and every record listing it (l[0..n)). */
static int reconcile_path(struct sv_domains *t, struct listing *l, size_t n)
{
	struct sv_relabel_record rec;
	struct sv_relabel_obj o;
	struct sv_error err;
	int r = sv_domain__open_recorded(t, l[0].path, &o, &err);

	if (r < 0) {
		/* Gone, or no longer ours to touch: nobody holds it. */
		drop_live(l, n, l[0].path);
		return r == -ENOENT ? 0 : r;
	}
	if (!sv_domain__peek_record(&o, &rec)) {
		drop_live(l, n, l[0].path);	/* never labelled */
		r = 0;
	} else if (strcmp(rec.boot_id, t->rctx->boot_id) != 0) {
		struct sv_relabel_info info;

		/* Labelled in an earlier boot: given back its original. */
		drop_live(l, n, l[0].path);
		if ((r = sv_relabel_reset_obj(t->rctx, &o, &info, &err)) == 0) {
			sv_domain__log_refused(t, l[0].d->domid, l[0].d->name,
					       l[0].path, &info);
			sv_domain__audit_restore(t, l[0].d, l[0].path, rec.label,
						 &info);
		}
	} else
		r = fix_count(t, &o, &rec, l, n, &err);
	sv_relabel_close(&o);
	if (r < 0)
		sv_log(t->log, LOG_ERR, "reconciling %s: %s", l[0].path,
		       err.msg);
	return r;
}

static int reconcile_objects(struct sv_domains *t, const struct sv_live *live,
			     size_t nlive)
{
	struct listing *l;
	size_t n = 0, total = 0;

	for (size_t i = 0; i < t->n; i++)
		total += t->v[i]->rec.nobjects;
	if (!(l = calloc(total + 1, sizeof(*l))))
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++)
		for (size_t k = 0; k < t->v[i]->rec.nobjects; k++)
			l[n++] = (struct listing){
				.path = t->v[i]->rec.objects[k].path,
				.d = t->v[i],
				/* one whose leftovers would not end holds on */
				.live = is_live(t->v[i], live, nlive) ||
					t->v[i]->reap_failed };
	qsort(l, n, sizeof(*l), by_path);
	/* Paths are copied: rec_drop frees the strings l points at. */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		char *path = strdup(l[i].path);

		while (j < n && strcmp(l[j].path, l[i].path) == 0)
			j++;
		for (size_t k = i; k < j; k++)
			l[k].path = path;
		/* A dead guest whose object could not be put back keeps
		 * its record and pair (state error) for the next try. */
		if (!path || reconcile_path(t, &l[i], j - i) < 0)
			for (size_t k = i; k < j; k++)
				if (!l[k].live)
					l[k].d->state = SV_STATE_ERROR;
		free(path);
		i = j;
	}
	free(l);
	return 0;
}

int sv_domains_reconcile(struct sv_domains *t, const struct sv_live *live,
			 size_t nlive)
{
	struct sv_error err;
	int released = 0, r;

	/* A dead guest's labels are restored and its pair freed only once
	 * nothing runs in its label (a device model libxl left behind). */
	for (size_t i = 0; i < t->n; i++)
		if (!is_live(t->v[i], live, nlive))
			(void)sv_domain_reap(t, t->v[i]);
	if ((r = reconcile_objects(t, live, nlive)) < 0)
		return r;
	for (size_t i = t->n; i-- > 0;) {
		struct sv_domain *d = t->v[i];

		if (!is_live(d, live, nlive) && d->reap_failed) {
			d->state = SV_STATE_ERROR;
			snprintf(d->reason, sizeof(d->reason), "gone, but a "
				 "process in its label would not end; the pair "
				 "stays held");
			continue;
		}
		if (is_live(d, live, nlive)) {
			if (d->dirty && sv_domain__store(t, d, &err) < 0)
				sv_log_dom(t->log, LOG_WARNING, d->domid, d->name,
					   "cannot store the record: %s", err.msg);
			d->dirty = d->domid != SV_DOMID_NONE;
			continue;
		}
		if (d->state == SV_STATE_ERROR) {
			snprintf(d->reason, sizeof(d->reason), "gone, but its "
				 "labels could not all be restored");
			continue;
		}
		sv_log_dom(t->log, LOG_INFO, d->domid, d->name, "died while "
			   "svirtd was away: labels restored, c%u,c%u freed",
			   d->pair.a, d->pair.b);
		while (d->rec.nobjects)
			sv_record__drop(&d->rec, d->rec.nobjects - 1);
		if (sv_domain__forget(t, d) == 0)
			released++;
	}
	return released;
}

