/* flask_label.h: the MCS pair in a domain's Flask label, as the hypervisor reports it
 * (issue 17 item 3): the label is the source of a guest's pair when it names one. */
#ifndef SVIRT_FLASK_LABEL_H
#define SVIRT_FLASK_LABEL_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "mcs.h"

/* label (len bytes, no NUL needed) is a raw Flask context "user:role:type:
 * level" with a single level: s0 (*has false: no pair, the allocator's
 * choice) or s0:cA,cB (*has true, *pair).  Anything else is refused with
 * -EINVAL naming what is wrong: a range, another sensitivity, one or three
 * categories, c0, a NUL byte, a spelling other than the canonical one Xen
 * writes.  Outputs untouched on failure. */
int sv_flask_label_pair(const char *label, size_t len, struct sv_pair *pair,
			bool *has, struct sv_error *err);

/* svirt-flask-label DOMID (issue 17 item 3, svirtd's privilege-separated
 * reader of Flask labels): exit 0 with "<label>\n" on stdout, or one of these. */
#define SV_FLASK_LABEL_MAX 4096		/* bytes of a label, newline apart */
enum {
	SV_FLASK_EXIT_ERROR = 1,	/* anything else: Flask status unclear */
	SV_FLASK_EXIT_USAGE = 2,
	SV_FLASK_EXIT_NO_FLASK = 3,	/* Xen runs no Flask (ENOSYS) */
	SV_FLASK_EXIT_NO_DOMAIN = 4,	/* no domain with that id */
	SV_FLASK_EXIT_NO_XEN = 5,	/* no privcmd: not a Xen dom0 */
};

/* The helper's stdout (len bytes): exactly one line, "<label>\n", label 1..
 * SV_FLASK_LABEL_MAX bytes without NUL or newline; *label_len its length.
 * -EINVAL naming what is wrong otherwise. */
int sv_flask_label_line(const char *out, size_t len, size_t *label_len,
			struct sv_error *err);

#endif
