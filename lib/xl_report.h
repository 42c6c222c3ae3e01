/* xl_report.h: what svirt-xl list and verify know of each domain (libxl's view,
 * svirtd's entry, the objects of its record) and how they print it. */
#ifndef SVIRT_XL_REPORT_H
#define SVIRT_XL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "control.h"
#include "store.h"

/* One domain, or one reservation no domain has bound yet (domid -1). */
struct sv_xl_domain {
	int domid;			/* -1: a reservation */
	char *name;			/* NULL if unknown */
	char uuid[SV_UUID_BUF];
	const char *run_state;		/* static: "running", "paused", ...; NULL */
	char *flask_label;		/* NULL: no Flask, or no label */
	bool has_entry;			/* svirtd knows the domain */
	struct sv_control_entry entry;
	struct sv_record record;	/* its objects (uuid empty: no record) */
	char *record_error;		/* why the record could not be read */
	/* svirtd's report of its devices served outside dom0 (published
	 * SV_OUTSIDE_NODE), NULL when there are none (issue 16 item 5). */
	char *outside;
};

struct sv_xl_report {
	bool flask;			/* the hypervisor runs Flask */
	struct sv_xl_domain *doms;
	size_t n;
};

/* Frees what r owns and zeroes it. */
void sv_xl_report_clear(struct sv_xl_report *r);

/* Appends a zeroed domain (domid -1) and returns it; NULL when out of memory. */
struct sv_xl_domain *sv_xl_report_add(struct sv_xl_report *r);

/* Merges svirtd's LIST into r: each entry goes to the domain with its domid
 * (or, for a reservation, a new row); a domain libxl does not list gets its
 * own row too, so nothing svirtd holds is hidden.  -ENOMEM. */
int sv_xl_report_merge(struct sv_xl_report *r,
		       const struct sv_control_reply *list) _nodiscard_;

/* Each guest svirtd knows gets svirtd's published report of its devices
 * served outside dom0 (xs: a dom0 connection; NULL if none could be made).
 * One that cannot be read gets "cannot tell: <why>" and makes the return
 * -EIO: unknown is never shown as nothing outside (issue 16 item 5). */
struct xs_handle;
int sv_xl_report_add_outside(struct sv_xl_report *r, struct xs_handle *xs);

/* Sorts rows by domid, reservations last (by uuid). */
void sv_xl_report_sort(struct sv_xl_report *r);

/* `svirt-xl list --json`: one JSON object, see svirt-xl(1).  Bytes outside
 * printable ASCII in names and paths are written as \u00XX escapes. */
void sv_xl_report_json(FILE *f, const struct sv_xl_report *r);
/* The members of d's object in list's JSON, from "domid" to
 * "outside_backends", each followed by ", " (show's object begins so too). */
void sv_xl_domain_json_fields(FILE *f, const struct sv_xl_domain *d);
/* `svirt-xl list`: a table, each domain's objects indented under it. */
void sv_xl_report_text(FILE *f, const struct sv_xl_report *r);

/* Reads the raw label of path into buf (size bytes).  0, or -errno. */
typedef int (*sv_label_reader)(void *arg, const char *path, char *buf,
			       size_t size);

/* `svirt-xl verify`: every object of every labelled domain's record must
 * carry the label svirtd gave it; a domain in state error, or whose record
 * cannot be read, is a problem too.  Domains still `allocated` are skipped
 * (being labelled).  Each problem is printed to out as one line naming the
 * domain, the object and both labels; a guest with backends outside dom0
 * gets a "note:" line, not counted.  Returns how many problems there were;
 * *checked is the number of objects looked at. */
size_t sv_xl_verify(const struct sv_xl_report *r, sv_label_reader read_label,
		    void *arg, FILE *out, size_t *checked);

/* svirt-xl create's last check before unpausing: each of paths (the
 * guest's disks, resolved) is an object of rec and carries its label.  The
 * first that is not, or NULL when all are.  svirtd reports a guest
 * `labelled` once per pass; a disk whose backend appeared after that pass
 * is labelled by the next one. */
const char *sv_xl_disks_unlabelled(const struct sv_record *rec,
				   char *const *paths, size_t n,
				   sv_label_reader read_label, void *arg);

/* --- issue 16 item 8: svirt-xl create of an HVM guest with a stub domain ---
 * svirt-xl create's check of the stub domain stub_domid that libxl made
 * for guest_domid: svirtd's entry for it (e) must say labelled, bound to
 * that guest (target), at the guest's pair; unless dm_label is NULL (svirt-xl
 * set no Flask label), flask_label (Xen's label of the stub, NULL if none)
 * must be dm_label.
 * 0, or -EPERM with why (size bytes) saying what is wrong. */
int sv_xl_stub_check(const struct sv_control_entry *e, int stub_domid,
		     int guest_domid, struct sv_pair pair,
		     const char *flask_label, const char *dm_label,
		     char *why, size_t size);

#endif
