/* xsd-domain.c: the test xenstore server's domain requests (introduce, release,
 * targets) and control commands, "domid N" making a connection act as a guest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

const struct xsd_domain *xsd_domain_find(const struct xsd_server *s,
					 uint32_t domid)
{
	for (size_t i = 0; i < s->ndoms; i++)
		if (s->doms[i].domid == domid)
			return &s->doms[i];
	return NULL;
}

static struct xsd_domain *domain_get(struct xsd_server *s, uint32_t domid)
{
	struct xsd_domain *d = (struct xsd_domain *)xsd_domain_find(s, domid);

	if (d)
		return d;
	if (s->ndoms == s->capdoms) {
		size_t cap = s->capdoms ? s->capdoms * 2 : 16;

		d = realloc(s->doms, cap * sizeof(*d));
		if (!d)
			return NULL;
		s->doms = d;
		s->capdoms = cap;
	}
	d = &s->doms[s->ndoms++];
	*d = (struct xsd_domain){ domid, XSD_DOMID_FIRST_RESERVED, false };
	return d;
}

static bool introduced(const struct xsd_server *s, uint32_t domid)
{
	const struct xsd_domain *d = xsd_domain_find(s, domid);

	return domid == 0 || (d && d->introduced);
}

/* A guest's id: neither dom0 nor one of Xen's special DOMID_* values. */
static int guest_arg(const char *s, uint32_t *domid)
{
	if (xsd_parse_domid(s, domid) != 0 || *domid == 0 ||
	    *domid >= XSD_DOMID_FIRST_RESERVED)
		return -EINVAL;
	return 0;
}

/* mfn and event channel mean nothing without Xen, but must be numbers. */
static bool number(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s || strlen(s) > 20)
		return false;
	return strspn(s, "0123456789") == strlen(s);
}

int xsd_op_introduce(struct xsd_req *r)
{
	const char *argv[4];
	unsigned argc;
	struct xsd_domain *d;
	uint32_t domid;

	argc = xsd_args(r, argv, 4);
	if (argc < 3 || guest_arg(argv[0], &domid) != 0 || !number(argv[1]) ||
	    !number(argv[2]))
		return -EINVAL;
	d = domain_get(r->srv, domid);
	if (!d)
		return -ENOMEM;
	xsd_reply_ok(r);
	/* Introducing again only rebinds the ring, which we do not have. */
	if (!d->introduced) {
		d->introduced = true;
		xsd_fire(r->srv, "@introduceDomain", NULL, false);
	}
	return 0;
}

static int introduced_guest(struct xsd_req *r, uint32_t *domid)
{
	const char *arg;

	if (!xsd_one_arg(r, &arg) || guest_arg(arg, domid) != 0)
		return -EINVAL;
	if (!introduced(r->srv, *domid))
		return -ENOENT;
	return 0;
}

int xsd_op_release(struct xsd_req *r)
{
	uint32_t domid;
	int rc = introduced_guest(r, &domid);

	if (rc != 0)
		return rc;
	domain_get(r->srv, domid)->introduced = false;
	xsd_reply_ok(r);
	xsd_fire(r->srv, "@releaseDomain", NULL, false);
	return 0;
}

int xsd_op_resume(struct xsd_req *r)
{
	uint32_t domid;
	int rc = introduced_guest(r, &domid);

	if (rc == 0)
		xsd_reply_ok(r);
	return rc;
}

int xsd_op_is_domain_introduced(struct xsd_req *r)
{
	const char *arg;
	uint32_t domid;

	if (!xsd_one_arg(r, &arg) || xsd_parse_domid(arg, &domid) != 0)
		return -EINVAL;
	xsd_reply_string(r, introduced(r->srv, domid) ? "T" : "F");
	return 0;
}

int xsd_op_get_domain_path(struct xsd_req *r)
{
	const char *arg;
	uint32_t domid;
	char path[32];

	if (!xsd_one_arg(r, &arg) || xsd_parse_domid(arg, &domid) != 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	xsd_reply_string(r, path);
	return 0;
}

int xsd_op_set_target(struct xsd_req *r)
{
	const char *argv[2];
	uint32_t domid, target;

	if (xsd_args(r, argv, 2) != 2 || guest_arg(argv[0], &domid) != 0 ||
	    guest_arg(argv[1], &target) != 0)
		return -EINVAL;
	if (!introduced(r->srv, domid) || !introduced(r->srv, target))
		return -ENOENT;
	domain_get(r->srv, domid)->target = target;
	xsd_reply_ok(r);
	return 0;
}

/* "domid N": from now on this connection is domain N, as if it spoke over
 * N's ring; a guest cannot become dom0 again, so there is no way back. */
static int control_domid(struct xsd_req *r, const char *arg)
{
	uint32_t domid;

	if (xsd_parse_domid(arg, &domid) != 0 ||
	    domid >= XSD_DOMID_FIRST_RESERVED)
		return -EINVAL;
	/* Transactions replay as their connection: keep it one domain. */
	if (r->conn->ntxs)
		return -EBUSY;
	r->conn->domid = domid;
	r->conn->privileged = domid == 0;
	xsd_reply_ok(r);
	return 0;
}

/* "fail T E": from now on every request of type T (a number of xs_wire.h,
 * not CONTROL) gets error E (an errno number known to xsd_errors), from
 * every connection; "fail T 0" ends it.  For tests of a client's handling
 * of xenstore errors. */
static int control_fail(struct xsd_req *r, const char *arg)
{
	unsigned type;
	int err, end = 0;

	if (sscanf(arg, "%u %d%n", &type, &err, &end) != 2 || arg[end] ||
	    type >= XS_TYPE_COUNT || type == XS_CONTROL || err < 0 ||
	    err > 4095)
		return -EINVAL;
	r->srv->fail[type] = err;
	xsd_reply_ok(r);
	return 0;
}

int xsd_op_control(struct xsd_req *r)
{
	const char *nul = memchr(r->body, '\0', r->len);
	char arg[64] = "";
	size_t alen;

	if (!nul)
		return -EINVAL;
	/* The parameter may come with or without its NUL. */
	alen = r->len - (size_t)(nul + 1 - r->body);
	if (alen && nul[alen] == '\0')
		alen--;
	if (alen >= sizeof(arg) || memchr(nul + 1, '\0', alen))
		return -EINVAL;
	memcpy(arg, nul + 1, alen);
	if (strcmp(r->body, "domid") == 0)
		return control_domid(r, arg);
	if (strcmp(r->body, "fail") == 0)
		return control_fail(r, arg);
	if (strcmp(r->body, "check") == 0) {
		if (!xsd_tree_check(r->srv->root))
			return -EIO;
		for (const struct xsd_conn *c = r->srv->conns; c; c = c->next)
			for (const struct xsd_tx *tx = c->txs; tx; tx = tx->next)
				if (!xsd_tx_check(tx))
					return -EIO;
		xsd_reply_ok(r);
		return 0;
	}
	if (strcmp(r->body, "help") == 0) {
		xsd_reply_string(r, "check\ndomid <domid>\nfail <type> <errno>\nhelp\n");
		return 0;
	}
	return -EINVAL;
}
