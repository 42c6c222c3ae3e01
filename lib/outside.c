/* outside.c: finds a guest's devices served by a domain other than dom0, from
 * dom0's device records and the guest's own frontends, checked against the backend tree. */
#include "outside.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "discover.h"
#include "store.h"

static const char *const fe_kinds[] = { "vif", "vbd" };
/* The backend kinds libxl pairs with each frontend kind. */
static const char *const be_kinds[] = { "vif", "vbd", "qdisk", "vbd3" };

static int xs_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* Decimal digits up to the next '/' or the end, no leading zero, at most
 * max; *end after them. */
static int parse_uint(const char *s, uint64_t max, unsigned *out,
		      const char **end)
{
	uint64_t v = 0;
	const char *c = s;

	if (*c < '0' || *c > '9' || (c[0] == '0' && c[1] >= '0' && c[1] <= '9'))
		return -EINVAL;
	for (; *c >= '0' && *c <= '9'; c++)
		if ((v = v * 10 + (uint64_t)(*c - '0')) > max)
			return -EINVAL;
	*out = (unsigned)v;
	*end = c;
	return 0;
}

int sv_outside_domid_parse(const char *v, unsigned *out)
{
	const char *end;
	unsigned d;

	if (parse_uint(v, SV_DOMID_MAX, &d, &end) < 0 || *end)
		return -EINVAL;
	*out = d;
	return 0;
}

/* "prefix" at *s: *s moved past it. */
static bool skip(const char **s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(*s, prefix, n) != 0)
		return false;
	*s += n;
	return true;
}

int sv_backend_path_parse(const char *v, struct sv_backend_path *out)
{
	struct sv_backend_path p = { .backend = 0 };
	const char *s = v, *slash;
	size_t klen;
	bool known = false;

	if (!skip(&s, "/local/domain/") ||
	    parse_uint(s, SV_DOMID_MAX, &p.backend, &s) < 0 ||
	    !skip(&s, "/backend/") || !(slash = strchr(s, '/')))
		return -EINVAL;
	klen = (size_t)(slash - s);
	for (size_t i = 0; i < ARRAY_SIZE(be_kinds); i++)
		if (strlen(be_kinds[i]) == klen && memcmp(s, be_kinds[i], klen) == 0)
			known = true;
	if (!known)
		return -EINVAL;
	memcpy(p.kind, s, klen);
	s = slash + 1;
	if (parse_uint(s, SV_DOMID_MAX, &p.domid, &s) < 0 ||
	    p.domid < SV_DOMID_MIN || !skip(&s, "/") ||
	    parse_uint(s, INT_MAX, &p.devid, &s) < 0 || *s)
		return -EINVAL;
	*out = p;
	return 0;
}

int sv_libxl_event_parse(const char *path, int *domid)
{
	const char *s = path;
	unsigned d;

	if (!skip(&s, "/libxl/") || parse_uint(s, SV_DOMID_MAX, &d, &s) < 0 ||
	    d < SV_DOMID_MIN || !skip(&s, "/device") || (*s && *s != '/'))
		return -EINVAL;
	*domid = (int)d;
	return 0;
}

/* The backend kind fits the frontend's: a vif's is a vif, a vbd's one of
 * the disk backends. */
static bool kinds_match(const char *fe, const char *be)
{
	if (strcmp(fe, "vif") == 0)
		return strcmp(be, "vif") == 0;
	return strcmp(be, "vif") != 0;
}

/* ---- the backend tree ---- */

/* The owner of path (its first permission entry): -ENOENT if absent. */
static int owner_of(struct xs_handle *xs, const char *path, unsigned *owner)
{
	unsigned n;
	_cleanup_free_ struct xs_permissions *p =
		xs_get_permissions(xs, XBT_NULL, path, &n);

	if (!p)
		return xs_errno();
	if (n == 0)
		return -EPERM;
	*owner = p[0].id;
	return 0;
}

/* Whether b's backend domain holds the device below a directory only the
 * toolstack can have made.  Unanswerable counts as no: the report then
 * says unconfirmed, never nothing. */
static bool confirmed(struct xs_handle *xs, const struct sv_backend_path *b)
{
	char dir[96], dev[112];
	unsigned owner;

	snprintf(dir, sizeof(dir), "/local/domain/%u/backend/%s/%u", b->backend,
		 b->kind, b->domid);
	snprintf(dev, sizeof(dev), "%s/%u", dir, b->devid);
	if (owner_of(xs, dir, &owner) < 0 || owner != 0)
		return false;
	/* libxl gives the device to the driver domain; dom0 may keep it. */
	return owner_of(xs, dev, &owner) == 0 &&
	       (owner == 0 || owner == b->backend);
}

static void add(struct sv_outside *o, const char *kind, unsigned devid,
		unsigned backend, bool conf)
{
	struct sv_outside_dev *v;

	if (o->n == SV_OUTSIDE_MAX) {
		if (o->more < UINT_MAX)
			o->more++;
		return;
	}
	v = &o->v[o->n++];
	snprintf(v->kind, sizeof(v->kind), "%s", kind);
	v->devid = devid;
	v->backend = backend;
	v->confirmed = conf;
}

/* A device directory's name, as libxl writes devids. */
static bool devid_of(const char *name, unsigned *devid)
{
	const char *end;

	return parse_uint(name, INT_MAX, devid, &end) == 0 && !*end;
}

static bool listed(char **names, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* The names below path; an absent directory has none. */
static int list(struct xs_handle *xs, const char *path, char ***names,
		unsigned *n, struct sv_error *err)
{
	int r;

	*n = 0;
	if ((*names = xs_directory(xs, XBT_NULL, path, n)))
		return 0;
	if (errno == ENOENT)
		return 0;
	r = xs_errno();
	return sv_fail(err, -r, "%s: cannot list it: %s", path, strerror(-r));
}

/* ---- dom0's records ---- */

static int one_record(struct xs_handle *xs, unsigned domid, const char *kind,
		      const char *name, struct sv_outside *o,
		      struct sv_error *err)
{
	struct sv_backend_path b;
	_cleanup_free_ char *v = NULL;
	char path[96], q[SV_QUOTE_BUF];
	unsigned devid;
	int r;

	if (!devid_of(name, &devid))
		return sv_fail(err, EINVAL, "/libxl/%u/device/%s: \"%s\" is not a "
			       "device id", domid, kind,
			       sv_quote(q, sizeof(q), name, strlen(name)));
	snprintf(path, sizeof(path), "/libxl/%u/device/%s/%u/backend", domid,
		 kind, devid);
	if ((r = sv_xs_read_dom0(xs, path, &v, err)) == -ENOENT)
		return 0;	/* being written or removed: its event follows */
	if (r < 0)
		return r;
	if (sv_backend_path_parse(v, &b) < 0 || b.domid != domid ||
	    b.devid != devid || !kinds_match(kind, b.kind))
		return sv_fail(err, EINVAL, "%s: \"%s\" is not the backend path "
			       "of this device", path,
			       sv_quote(q, sizeof(q), v, strlen(v)));
	if (b.backend != 0)
		add(o, kind, devid, b.backend, confirmed(xs, &b));
	return 0;
}

/* ---- the guest's frontends ---- */

/* A frontend node, the guest's: NULL if absent, unreadable or odd. */
static char *fe_read(struct xs_handle *xs, const char *path)
{
	unsigned len;
	char *v = xs_read(xs, XBT_NULL, path, &len);

	if (v && sv_xs_value_check(v, len, NULL) < 0) {
		free(v);
		return NULL;
	}
	return v;
}

/* What the guest's frontend says, only where it agrees with itself. */
static void one_frontend(struct xs_handle *xs, unsigned domid,
			 const char *kind, unsigned devid,
			 struct sv_outside *o)
{
	char dir[80], path[96];
	_cleanup_free_ char *id = NULL, *be = NULL;
	struct sv_backend_path b;
	unsigned backend;

	snprintf(dir, sizeof(dir), "/local/domain/%u/device/%s/%u", domid,
		 kind, devid);
	snprintf(path, sizeof(path), "%s/backend-id", dir);
	if (!(id = fe_read(xs, path)) || sv_outside_domid_parse(id, &backend) < 0 ||
	    backend == 0)
		return;
	snprintf(path, sizeof(path), "%s/backend", dir);
	if (!(be = fe_read(xs, path)) || sv_backend_path_parse(be, &b) < 0 ||
	    b.backend != backend || b.domid != domid || b.devid != devid ||
	    !kinds_match(kind, b.kind))
		return;
	add(o, kind, devid, backend, confirmed(xs, &b));
}

/* Every device of one kind: dom0's records first, then the frontends of
 * devices dom0 keeps no record of.  rec_kind, fe_kind: whether dom0's
 * record and the guest's device directory have this kind at all. */
static int scan_kind(struct xs_handle *xs, unsigned domid, const char *kind,
		     bool rec_kind, bool fe_kind, struct sv_outside *o,
		     struct sv_error *err)
{
	_cleanup_free_ char **rec = NULL, **fe = NULL;
	unsigned nrec = 0, nfe = 0, looked = 0;
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/libxl/%u/device/%s", domid, kind);
	if (rec_kind && (r = list(xs, path, &rec, &nrec, err)) < 0)
		return r;
	if (nrec > SV_XS_DEVICES_MAX)
		return sv_fail(err, E2BIG, "%s: %u devices, more than %d", path,
			       nrec, SV_XS_DEVICES_MAX);
	for (unsigned i = 0; i < nrec; i++)
		if ((r = one_record(xs, domid, kind, rec[i], o, err)) < 0)
			return r;
	snprintf(path, sizeof(path), "/local/domain/%u/device/%s", domid, kind);
	if (fe_kind && (r = list(xs, path, &fe, &nfe, err)) < 0)
		return r;
	for (unsigned i = 0; i < nfe && looked < SV_OUTSIDE_FRONTENDS_MAX; i++) {
		unsigned devid;

		/* dom0's record of the device is the word on it. */
		if (listed(rec, nrec, fe[i]) || !devid_of(fe[i], &devid))
			continue;
		looked++;
		one_frontend(xs, domid, kind, devid, o);
	}
	return 0;
}

int sv_outside_discover(struct xs_handle *xs, unsigned domid,
			struct sv_outside *out, struct sv_error *err)
{
	_cleanup_free_ char **rec = NULL, **fe = NULL;
	struct sv_outside o = { .n = 0 };
	unsigned nrec, nfe;
	char path[64];
	int r;

	memset(out, 0, sizeof(*out));
	if (domid < SV_DOMID_MIN || domid > SV_DOMID_MAX)
		return sv_fail(err, EINVAL, "domain %u is not a guest", domid);
	/* The kinds first: a guest without devices costs two requests. */
	snprintf(path, sizeof(path), "/libxl/%u/device", domid);
	if ((r = list(xs, path, &rec, &nrec, err)) < 0)
		return r;
	snprintf(path, sizeof(path), "/local/domain/%u/device", domid);
	if ((r = list(xs, path, &fe, &nfe, err)) < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(fe_kinds); i++)
		if ((r = scan_kind(xs, domid, fe_kinds[i],
				   listed(rec, nrec, fe_kinds[i]),
				   listed(fe, nfe, fe_kinds[i]), &o, err)) < 0)
			return r;
	*out = o;
	return 0;
}

void sv_outside_format(const struct sv_outside *o, char *buf, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < o->n && len < size; i++) {
		const struct sv_outside_dev *d = &o->v[i];
		int k = snprintf(buf + len, size - len, "%s%s %u by dom %u%s",
				 i ? ", " : "", d->kind, d->devid, d->backend,
				 d->confirmed ? "" : " (unconfirmed)");

		len += k > 0 ? (size_t)k : 0;
	}
	if (o->more && len < size)
		snprintf(buf + len, size - len, ", and %u more", o->more);
}

int sv_outside_read_published(struct xs_handle *xs, int domid, char **out,
			      struct sv_error *err)
{
	char path[80];
	int r;

	*out = NULL;
	snprintf(path, sizeof(path), "/local/domain/0/svirt/%d/" SV_OUTSIDE_NODE,
		 domid);
	r = sv_xs_read_dom0(xs, path, out, err);
	return r == -ENOENT ? 0 : r;
}
