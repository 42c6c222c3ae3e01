/* domain.h: svirtd's table of guests and their lifecycle, testable without Xen.
 * Bind or allocate a pair, label a domain's disks, release, reconcile after a crash. */
#ifndef SVIRT_DOMAIN_H
#define SVIRT_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "config.h"
#include "control.h"
#include "discover.h"
#include "labels.h"
#include "log.h"
#include "mcs.h"
#include "reap.h"
#include "relabel.h"
#include "store.h"

#define SV_REASON_MAX 256

/* The labels a domain uses, copied out of struct sv_guest_labels (whose
 * fixed buffers would cost 24 KiB per guest). */
struct sv_domain_labels {
	char *process;		/* device model, s0:cA,cB */
	char *image;		/* private storage, s0:cA,cB */
	char *shared;		/* shared writable storage, s0 */
	char *content;		/* read-only storage, s0 */
};

/* One guest, or a reservation (domid SV_DOMID_NONE) made before it exists.
 * rec is exactly what the store holds for it: every object that is, or is
 * about to be, relabelled for this guest (see domain.c, "Crash safety"). */
struct sv_domain {
	int domid;
	/* A stub domain (domain_stub.c): the domid of the guest it is the
	 * device model of, whose pair and labels it carries; 0 otherwise.
	 * A stub has no record and no pair of its own. */
	int target;
	char uuid[SV_UUID_BUF];
	char *name;			/* "" while unknown */
	struct sv_pair pair;
	enum sv_dom_state state;
	char reason[SV_REASON_MAX];	/* SV_STATE_ERROR only */
	struct sv_domain_labels labels;
	struct sv_record rec;
	/* Migrating in (issue 17 item 2; domain_migrate.c): the domid of the
	 * live domain of the same uuid it is built from, whose pair, labels
	 * and record it shares until that one goes; 0 otherwise.  Like a
	 * stub it has no record and no allocation of its own. */
	int from;
	/* Refused at bind (issue 17 item 3): its Flask label names a pair
	 * another guest holds.  pair is that pair, shown, never held: no
	 * record, no allocation, nothing labelled or reaped in its name. */
	bool unbound;
	bool dirty;			/* its backend changed: label again */
	bool reap_failed;		/* a process in its label would not end */
	bool seen;			/* the caller's mark while rescanning */
	bool published;			/* the caller's: state as last shown */
	uint64_t refreshed_ms;		/* the caller's: last label pass */
	enum sv_dom_state published_state;
	size_t published_objects;
	/* The caller's (issue 16 item 5): its devices served outside dom0,
	 * as last found (NULL: none), whether that is published yet, and
	 * when a change of it was last logged, with how many went unlogged. */
	char *outside;
	bool outside_known;		/* false: look again on its next pass */
	bool outside_unpublished;
	bool outside_logged;
	uint64_t outside_logged_ms;
	unsigned outside_held;
	/* The caller's (issue 16 item 4): its target node is watched, so a
	 * target libxl writes after the introduction is seen. */
	bool target_watched;
	bool target_due;		/* the caller's: its target node changed */
};

/* Everything the lifecycle needs; the table owns none of it but v. */
struct sv_domains {
	const struct sv_config *cfg;
	const struct sv_relabel_ctx *rctx;
	const struct sv_log *log;
	struct sv_mcs *mcs;
	struct sv_store *store;
	/* How leftover device models are found and ended (NULL: /proc and
	 * kill(2)); tests point it at a fake proc tree. */
	const struct sv_reaper *reaper;
	/* Where audit records go (NULL: nowhere); svirtd's writes to the
	 * kernel through libaudit, tests' keep them. */
	struct sv_audit *audit;
	size_t n, cap;
	struct sv_domain **v;
};

void sv_domains_init(struct sv_domains *t, const struct sv_config *cfg,
		     const struct sv_relabel_ctx *rctx, const struct sv_log *log,
		     struct sv_mcs *mcs, struct sv_store *store);
/* Frees the table in memory only: records and pairs stay where they are. */
void sv_domains_free(struct sv_domains *t);

struct sv_domain *sv_domains_by_domid(const struct sv_domains *t, int domid);
struct sv_domain *sv_domains_by_uuid(const struct sv_domains *t,
				     const char *uuid);

/* RESERVE: a pair for uuid before its domain exists (a given pair, or one
 * drawn at random), stored durably.  -EEXIST if the uuid has a reservation
 * or a domain already, or the pair is taken; -EINVAL for a pair outside the
 * configured categories; -ENOSPC if none is free (docs/control.md). */
int sv_domains_reserve(struct sv_domains *t, const char *uuid,
		       const struct sv_pair *want, struct sv_domain **out,
		       struct sv_error *err);
/* UNRESERVE: -ENOENT unknown uuid, -EBUSY bound to a domain. */
int sv_domains_unreserve(struct sv_domains *t, const char *uuid,
			 struct sv_error *err);

/* A new domain: takes uuid's reservation, else allocates a pair; the record
 * is durable before this returns, state SV_STATE_ALLOCATED.  A live domain
 * of the same uuid is a migration to this host: the new domain migrates in
 * (its from set), sharing that domain's pair and record, until
 * sv_domain_hand_over.  -EEXIST if the uuid's domain is a stub, refused, or
 * has one migrating in already, -ENOSPC if no pair is free. */
int sv_domains_bind(struct sv_domains *t, int domid, const char *uuid,
		    const char *name, struct sv_domain **out,
		    struct sv_error *err);

/* The same for a domain whose Flask label names a pair (flask NULL: it
 * names none, and the above is done).  The pair is honoured: taken from the
 * allocator if free, or the uuid's reservation if that is the same pair
 * (a reservation of another pair is bound and put in state error, logged),
 * or shared with the live domain of its uuid it migrates from if that one
 * holds the same pair.  -EEXIST if another guest or reservation holds it,
 * or the domain of its uuid holds another pair; -EINVAL if it is
 * outside the configured categories.  err names the holder. */
int sv_domains_bind_flask(struct sv_domains *t, int domid, const char *uuid,
			  const char *name, const struct sv_pair *flask,
			  struct sv_domain **out, struct sv_error *err);
/* The same for a pair fixed elsewhere (issue 17 item 4: guest_seclabel),
 * source saying where in messages ("its Flask label", "its static label"). */
int sv_domains_bind_static(struct sv_domains *t, int domid, const char *uuid,
			   const char *name, const struct sv_pair *pair,
			   const char *source, struct sv_domain **out,
			   struct sv_error *err);
/* A domain refused before it got a pair: in the table in state error with
 * reason (logged), unbound, showing pair; released like any other domain.
 * -ENOMEM, -EINVAL (name, or no labels for pair). */
int sv_domains_refuse(struct sv_domains *t, int domid, const char *uuid,
		      const char *name, struct sv_pair pair, int errnum,
		      const char *reason, struct sv_domain **out);

/* Brings the domain's labelled objects in line with disks: new objects get
 * their label, objects no longer listed (unplugged) get their original back.
 * Writable -> image label with the pair; read-only -> content; a path listed
 * in shared_images -> shared.  A refusal restores what was set for that
 * disk, sets state error with the reason (logged with the guest's name) and
 * returns its -errno; other disks stay labelled until release.  A domain
 * already in error is left alone. */
int sv_domain_label(struct sv_domains *t, struct sv_domain *d,
		    const struct sv_disks *disks);

/* Ends every process still in d's process label (reap.h), logging each;
 * -EBUSY (logged, d->reap_failed set) if one stays: then nothing of d may
 * be freed.  Every path that frees a pair calls it first. */
int sv_domain_reap(struct sv_domains *t, struct sv_domain *d);

/* The domain is gone: end what runs in its label, restore every label, drop
 * the record, free the pair (in that order) and free d.  If a process stays
 * (-EBUSY) or a label cannot be restored (-EIO) the record and pair are
 * kept (d stays, state error) so nothing is freed early. */
int sv_domain_release(struct sv_domains *t, struct sv_domain *d);

/* Sets state error with a reason and logs it (LOG_ERR). */
void sv_domain_fail(struct sv_domains *t, struct sv_domain *d, int errnum,
		    const char *reason);

/* Reconciliation after a restart.  First load every record of the store
 * into the table, taking their pairs (state allocated, dirty).  Unreadable
 * records are logged and left alone. */
int sv_domains_load(struct sv_domains *t, struct sv_error *err);

/* A domain xenstore says is alive, or could not say is gone (unknown:
 * every record of that domid is kept as if alive, uuid unused). */
struct sv_live {
	int domid;
	char uuid[SV_UUID_BUF];
	bool unknown;
};

/* Then, given every live domain: records of domains that died meanwhile
 * have their labels restored and pairs freed; each object's holder count is
 * made to match the live records that list it with the label it carries;
 * objects a crash left listed but never labelled are dropped from their
 * records (the next label pass does them).  Reservations are kept.
 * Returns the number of records released. */
int sv_domains_reconcile(struct sv_domains *t, const struct sv_live *live,
			 size_t nlive);

/* ---- stub domains (domain_stub.c) ---- */

/* A stub domain: bound to its guest's pair and labels, without a record or
 * an allocation of its own; its disks are labelled by its guest's passes
 * (sv_domain_label with the stub's disks added) and held in the guest's
 * record, so both share one holder per object.  State is the guest's.
 * -EEXIST if domid or uuid is in the table, -EINVAL if guest is not a
 * bound guest (a reservation, or itself a stub). */
int sv_domains_bind_stub(struct sv_domains *t, int domid, const char *uuid,
			 const char *name, struct sv_domain *guest,
			 struct sv_domain **out, struct sv_error *err);
/* The next stub of guest after *i (start with *i = 0), or NULL. */
struct sv_domain *sv_domains_next_stub(const struct sv_domains *t,
				       const struct sv_domain *guest,
				       size_t *i);
/* The stub takes its guest's state (and reason), unless it failed on its
 * own (its vifs). */
void sv_domain_stub_follow(struct sv_domain *stub,
			   const struct sv_domain *guest);

/* ---- migration to the same host (domain_migrate.c) ---- */

/* The domain migrating in to take over from src (same uuid), or NULL. */
struct sv_domain *sv_domains_incoming(const struct sv_domains *t,
				      const struct sv_domain *src);
/* The next domain after *i (start with *i = 0) that shares g's pair and
 * record and whose disks g's passes label: its stubs and the domain
 * migrating in to it; or NULL. */
struct sv_domain *sv_domains_next_sharer(const struct sv_domains *t,
					 const struct sv_domain *g, size_t *i);
/* src is gone and in (sv_domains_incoming's) has taken its place: in gets
 * src's record (stored under its domid and name, now name), its pair and
 * every object as labelled, none restored in between; src leaves the
 * table.  On failure (the store) nothing changed and both stay. */
int sv_domain_hand_over(struct sv_domains *t, struct sv_domain *src,
			struct sv_domain *in, const char *name);

/* The entry a control reply gives for d. */
void sv_domain_entry(const struct sv_domain *d, struct sv_control_entry *e);

#endif
