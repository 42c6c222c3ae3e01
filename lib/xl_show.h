/* xl_show.h: `svirt-xl show GUEST`, one guest in full: which domain the
 * administrator meant, its objects with the label each carries now beside the
 * one svirtd gave it, its vifs with their NetLabel entries and port-map
 * element, and the device-model processes in dom0 with their labels. */
#ifndef SVIRT_XL_SHOW_H
#define SVIRT_XL_SHOW_H

#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "context.h"
#include "error.h"
#include "secmark.h"
#include "xl_report.h"

/* The domain of r that key names: a domid (decimal, as xl takes it), a
 * uuid (any case) or a name, tried in that order, as xl does.  A
 * reservation (no domain yet) is found by its uuid only.  NULL with err
 * saying why when none matches, or when a name matches more than one. */
const struct sv_xl_domain *sv_xl_report_find(const struct sv_xl_report *r,
					     const char *key,
					     struct sv_error *err);

#define SV_XL_SHOW_DMS_MAX 16	/* device-model processes listed per guest */
#define SV_XL_SHOW_NLBL_MAX 4	/* NetLabel entries listed per port */

/* A dom0 process serving the domain: argv has "-xen-domid" (or
 * "--xen-domid") then the domid: qemu-dm, and svirt-interpose before its
 * exec, which has qemu's arguments. */
struct sv_xl_dm {
	pid_t pid;
	char comm[64];			/* argv[0]'s last component, quoted */
	char label[SV_CONTEXT_MAX];	/* "" if it could not be read */
};

/* One port of the guest on dom0's bridge: a vif, or an HVM guest's
 * emulated NIC. */
struct sv_xl_port {
	char name[IFNAMSIZ];
	bool present;			/* the interface exists in dom0 */
	size_t nnlbl;			/* its NetLabel static entries */
	char nlbl[SV_XL_SHOW_NLBL_MAX][SV_CONTEXT_MAX + 64];	/* "addr ctx" */
	/* Its port_secmark element: the object it maps to ("" none), and
	 * whether the port is in the unlabelled set (its frames dropped). */
	char map_obj[SV_SECMARK_OBJ_MAX];
	bool blocked;
	char error[160];		/* why the above could not be read */
};

/* What `show` adds to the domain's row. */
struct sv_xl_show {
	const struct sv_xl_domain *d;
	bool flask;
	/* Per object of d->record, the label it carries now, or the error. */
	char (*current)[SV_CONTEXT_MAX];
	int *current_err;		/* 0, or a positive errno */
	struct sv_xl_port *ports;
	size_t nports;
	char ports_error[SV_ERROR_MAX];	/* "" unless the ports were unknown */
	struct sv_xl_dm dms[SV_XL_SHOW_DMS_MAX];
	size_t ndms;
	bool dms_truncated;
	char dms_error[SV_ERROR_MAX];
};

/* Frees what s owns (not d) and zeroes it. */
void sv_xl_show_clear(struct sv_xl_show *s);

/* Reads each object's current label through read_label into s->current.
 * -ENOMEM. */
int sv_xl_show_labels(struct sv_xl_show *s, sv_label_reader read_label,
		      void *arg) _nodiscard_;

/* Appends a port named name; NULL when out of memory. */
struct sv_xl_port *sv_xl_show_add_port(struct sv_xl_show *s, const char *name);

/* Pure: whether the NUL-separated argv (len bytes, as /proc/PID/cmdline)
 * belongs to a process serving domid: "-xen-domid" or "--xen-domid"
 * followed by exactly that decimal number. */
bool sv_xl_cmdline_serves(const char *argv, size_t len, int domid);

/* Scans procdir ("/proc") for the processes serving s->d's domain into
 * s->dms, with their labels (attr/current) and names.  Processes that end
 * during the scan are skipped.  -errno (and s->dms_error) only when procdir
 * cannot be read at all. */
int sv_xl_show_scan_dms(struct sv_xl_show *s, const char *procdir);

/* `svirt-xl show` as text, and as one JSON object (see svirt-xl(8)).
 * Untrusted strings (names, paths, process names) are quoted or escaped. */
void sv_xl_show_text(FILE *f, const struct sv_xl_show *s);
void sv_xl_show_json(FILE *f, const struct sv_xl_show *s);

/* How many problems show found: objects whose label is not svirtd's, a
 * domain in error, ports without a NetLabel entry at the guest's label or
 * with another map element, device models at another pair.  svirt-xl show
 * exits 1 when there is any. */
size_t sv_xl_show_problems(const struct sv_xl_show *s);

#endif
