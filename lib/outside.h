/* outside.h: a guest's devices whose backend runs in another domain than dom0
 * (a network or storage driver domain), which svirt-xen neither sees nor labels. */
#ifndef SVIRT_OUTSIDE_H
#define SVIRT_OUTSIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct xs_handle;

/* Devices named in a report; more are counted only. */
#define SV_OUTSIDE_MAX 8
/* A guest's frontend devices looked at, per kind: the guest can make as
 * many as its xenstore quota allows, and each costs svirtd two reads. */
#define SV_OUTSIDE_FRONTENDS_MAX 64
/* Room for sv_outside_format's text of any report, NUL included. */
#define SV_OUTSIDE_TEXT_MAX 512
/* svirtd publishes the text here, below /local/domain/0/svirt/<domid>/. */
#define SV_OUTSIDE_NODE "outside-backends"

/* Where a device's backend lives, from a path the toolstack wrote:
 * /local/domain/<backend>/backend/<kind>/<domid>/<devid>. */
struct sv_backend_path {
	unsigned backend;	/* 0..SV_DOMID_MAX: the serving domain */
	char kind[8];		/* "vif", "vbd", "qdisk" or "vbd3" */
	unsigned domid;		/* SV_DOMID_MIN..SV_DOMID_MAX: the guest */
	unsigned devid;		/* 0..INT_MAX */
};

/* Pure parsers (fuzz_outside), strict: decimal without sign or leading
 * zero, no trailing bytes; -EINVAL (outputs untouched) for anything else.
 * A domain id, 0..SV_DOMID_MAX (a frontend's backend-id). */
int sv_outside_domid_parse(const char *v, unsigned *out);
int sv_backend_path_parse(const char *v, struct sv_backend_path *out);
/* A watch event's path below /libxl: the guest whose device records
 * (/libxl/<domid>/device[/...]) changed; -EINVAL for any other path. */
int sv_libxl_event_parse(const char *path, int *domid);

struct sv_outside_dev {
	char kind[4];		/* the frontend's kind: "vif" or "vbd" */
	unsigned devid;
	unsigned backend;	/* the serving domain, never 0 */
	/* The backend tree in that domain holds the device, below a
	 * directory dom0 made: /local/domain/<backend>/backend/<kind>/<domid>
	 * owned by dom0 (a driver domain cannot create it, only the
	 * toolstack can).  false: only a record says so (the toolstack's,
	 * while the device comes or goes, or the guest's own frontend). */
	bool confirmed;
};

struct sv_outside {
	size_t n;
	unsigned more;		/* found beyond SV_OUTSIDE_MAX */
	struct sv_outside_dev v[SV_OUTSIDE_MAX];
};

/* The guest's devices served by a domain other than dom0.  Found from
 * dom0's own record of each device (/libxl/<domid>/device/{vif,vbd}/<devid>/
 * backend, owned by dom0, which libxl writes and removes with the device),
 * then from the guest's frontends (/local/domain/<domid>/device/{vif,vbd}/
 * <devid>/{backend-id,backend}) for devices dom0 keeps no record of.  The
 * guest writes its frontends: what they say is only reported, bad values
 * are skipped, and only the first SV_OUTSIDE_FRONTENDS_MAX of each kind are
 * read.  Either way a device counts as confirmed only as struct
 * sv_outside_dev says.  -errno with err saying what on a xenstore error or
 * a dom0 record that is not dom0's or not a backend path of this device;
 * *out is then empty. */
int sv_outside_discover(struct xs_handle *xs, unsigned domid,
			struct sv_outside *out, struct sv_error *err);

/* "vif 0 by dom 3, vbd 51712 by dom 5 (unconfirmed), and 2 more"; "" for
 * none.  Always fits SV_OUTSIDE_TEXT_MAX. */
void sv_outside_format(const struct sv_outside *o, char *buf, size_t size);

/* What svirtd published for domid (SV_OUTSIDE_NODE, read as
 * sv_xs_read_dom0 does), *out malloc'd; *out NULL when there is none. */
int sv_outside_read_published(struct xs_handle *xs, int domid, char **out,
			      struct sv_error *err);

#endif
