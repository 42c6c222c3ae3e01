/* domain_internal.h: what domain.c, domain_object.c, domain_label.c and domain_reconcile.c
 * share, and no one else: records in memory, objects by path, forgetting a guest. */
#ifndef SVIRT_DOMAIN_INTERNAL_H
#define SVIRT_DOMAIN_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "domain.h"

/* A domain in memory for a record; takes ownership of *rec. */
int sv_domain__new(struct sv_domains *t, struct sv_record *rec,
		   struct sv_domain **out, struct sv_error *err);
void sv_domain__free(struct sv_domain *d);
int sv_domains__add(struct sv_domains *t, struct sv_domain *d);
void sv_domains__del(struct sv_domains *t, struct sv_domain *d);
/* d's record, durably. */
int sv_domain__store(struct sv_domains *t, struct sv_domain *d,
		     struct sv_error *err);
/* Record removed, then pair freed, then d gone from the table and memory. */
int sv_domain__forget(struct sv_domains *t, struct sv_domain *d);

/* A new domain domid that follows leader (its stub domain, or the same guest
 * migrating in): leader's pair, labels and state, a record never stored (its
 * objects are in leader's), added to t.  The caller says how it follows
 * (target or from). */
int sv_domains__add_follower(struct sv_domains *t,
			     const struct sv_domain *leader, int domid,
			     const char *uuid, const char *name,
			     struct sv_domain **out, struct sv_error *err);

/* A new domain domid of the uuid of src, live: a migration to this host,
 * sharing src's pair (which flask, if given, must name) until handed over
 * (domain_migrate.c). */
int sv_domains__bind_incoming(struct sv_domains *t, struct sv_domain *src,
			      int domid, const char *name,
			      const struct sv_pair *flask,
			      struct sv_domain **out, struct sv_error *err);

/* Opens a path from a record: under a root, or a whole block device. */
int sv_domain__open_recorded(const struct sv_domains *t, const char *path,
			     struct sv_relabel_obj *o, struct sv_error *err);
/* trusted.svirt of o, if it has a well-formed one. */
bool sv_domain__peek_record(const struct sv_relabel_obj *o,
			    struct sv_relabel_record *rec);
/* o's original label as a record keeps it: trusted.svirt's if this boot
 * wrote it, else the label o carries now ("" if none). */
void sv_domain__peek_orig(const struct sv_domains *t,
			  const struct sv_relabel_obj *o, char *out, size_t size);
/* Restores (or with reset, resets) one recorded object; one that is gone,
 * or that svirt no longer holds, counts as restored.  Failures are logged. */
int sv_domain__restore_path(struct sv_domains *t, const struct sv_domain *d,
			    const char *path, bool reset);

/* A VIRT_RESOURCE record for a restore of path, one of d's disks: set, the
 * label svirt had given it, and what it carries now (still set while other
 * guests hold it). */
void sv_domain__audit_restore(struct sv_domains *t, const struct sv_domain *d,
			      const char *path, const char *set,
			      const struct sv_relabel_info *info);

/* Logs a restore that would not write back a forged original. */
void sv_domain__log_refused(const struct sv_domains *t, int domid,
			    const char *name, const char *path,
			    const struct sv_relabel_info *info);

/* d as its audit records name it (a pointer to a compound literal). */
#define SV_DOMAIN_AUDIT_VM(d) \
	(&(struct sv_audit_vm){ (d)->name, (d)->uuid, (d)->domid })

void sv_record__drop(struct sv_record *r, size_t i);
ssize_t sv_record__find(const struct sv_record *r, const char *path);

#endif
