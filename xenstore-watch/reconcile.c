/* reconcile.c: svirtd's start after a crash or a restart: the store against xenstore.
 * Live guests keep their pairs, guests that died meanwhile are restored and freed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "discover.h"
#include "svirtd.h"

#define VM_PREFIX "/vm/"

/* "/vm/<uuid>", as libxl__domain_make writes /local/domain/<id>/vm in the
 * domain's creation transaction, dom0-owned.  libxl's copy in
 * /vm/<uuid>/uuid is not read: a vm node naming another guest's directory
 * would find that copy agreeing, so the check cost two requests per guest
 * and could not change which uuid svirtd takes. */
static int read_uuid(struct svirtd *s, int domid, char uuid[SV_UUID_BUF],
		     struct sv_error *err)
{
	_cleanup_free_ char *vm = NULL;
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/local/domain/%d/vm", domid);
	if ((r = sv_xs_read_dom0(s->xs, path, &vm, err)) < 0)
		return r;
	if (strncmp(vm, VM_PREFIX, strlen(VM_PREFIX)) != 0 ||
	    sv_uuid_normalise(vm + strlen(VM_PREFIX), uuid, err) < 0)
		return sv_fail(err, EINVAL, "%s is not /vm/<uuid>", path);
	if (sv_uuid_is_nil(uuid))
		return sv_fail(err, EINVAL, "%s names the nil uuid", path);
	return 0;
}

/* The uuid alone, logged on errors other than -ENOENT. */
static int read_uuid_logged(struct svirtd *s, int domid,
			    char uuid[SV_UUID_BUF])
{
	struct sv_error err;
	int r;

	if ((r = read_uuid(s, domid, uuid, &err)) < 0 && r != -ENOENT)
		sv_log_dom(&s->log, LOG_ERR, domid, NULL, "%s", err.msg);
	return r;
}

int svd_read_identity(struct svirtd *s, int domid, char uuid[SV_UUID_BUF],
		      char **name)
{
	char path[64];
	struct sv_error err;
	int r;

	if ((r = read_uuid_logged(s, domid, uuid)) < 0)
		return r;
	/* The name is the toolstack's (libxl__domain_rename), dom0-owned; a
	 * toolstack that writes none leaves it empty. */
	snprintf(path, sizeof(path), "/local/domain/%d/name", domid);
	r = sv_xs_read_dom0(s->xs, path, name, &err);
	if (r == -ENOENT && !(*name = strdup("")))
		return -ENOMEM;
	if (r < 0 && r != -ENOENT) {
		sv_log_dom(&s->log, LOG_ERR, domid, NULL, "%s", err.msg);
		return r;
	}
	return 0;
}

int svd_domain_introduced(struct svirtd *s, int domid)
{
	/* A reply "F" leaves errno alone; an error sets it. */
	errno = 0;
	if (xs_is_domain_introduced(s->xs, (unsigned)domid))
		return 1;
	return errno ? -errno : 0;
}

int svd_same_domain(struct svirtd *s, const struct sv_domain *d)
{
	_cleanup_free_ char *vm = NULL;
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/local/domain/%d/vm", d->domid);
	if ((r = sv_xs_read_dom0(s->xs, path, &vm, NULL)) < 0)
		return r;
	if (strncmp(vm, VM_PREFIX, strlen(VM_PREFIX)) != 0)
		return -EINVAL;
	return strcmp(vm + strlen(VM_PREFIX), d->uuid) == 0;
}

/* What xenstore says of each record's domain: alive with its uuid, or
 * unknown (an error: the record is kept as if alive); a record whose
 * domain xenstore definitely does not have is left out, so it is freed. */
static int live_domains(struct svirtd *s, struct sv_live **out, size_t *nout)
{
	struct sv_live *live = calloc(s->doms.n + 1, sizeof(*live));
	size_t k = 0;

	if (!live)
		return -ENOMEM;
	for (size_t i = 0; i < s->doms.n; i++) {
		int domid = s->doms.v[i]->domid, in;

		if (domid == SV_DOMID_NONE || (in = svd_domain_introduced(s, domid)) == 0)
			continue;
		live[k].domid = domid;
		if (in < 0) {
			sv_log_dom(&s->log, LOG_WARNING, domid, NULL, "cannot "
				   "tell whether it is alive (%s): keeping its "
				   "record", strerror(-in));
			live[k++].unknown = true;
			s->recheck_gone = true;
		} else if (read_uuid_logged(s, domid, live[k].uuid) == 0) {
			/* The uuid is what says whether it is the record's
			 * guest; the record keeps the name it had. */
			k++;
		} else {
			/* Logged by read_uuid_logged unless missing. */
			sv_log_dom(&s->log, LOG_WARNING, domid, NULL, "cannot "
				   "read its uuid: keeping its record");
			live[k++].unknown = true;
			s->recheck_gone = true;
		}
	}
	*out = live;
	*nout = k;
	return 0;
}

int svd_reconcile(struct svirtd *s)
{
	struct sv_live *live = NULL;
	struct sv_error err;
	size_t nlive = 0;
	int r, released;

	if ((r = sv_domains_load(&s->doms, &err)) < 0) {
		sv_log(&s->log, LOG_ERR, "cannot list the store: %s", err.msg);
		return r;
	}
	if ((r = live_domains(s, &live, &nlive)) < 0)
		return r;
	released = sv_domains_reconcile(&s->doms, live, nlive);
	free(live);
	if (released < 0)
		return released;
	sv_log(&s->log, LOG_NOTICE, "reconciled: %zu records kept, %d released",
	       s->doms.n, released);
	if ((r = svd_publish_init(s)) < 0) {
		sv_log(&s->log, LOG_ERR, "cannot create /local/domain/0/svirt: %s",
		       strerror(-r));
		return r;
	}
	/* A dirty domain is published by its label pass, due next. */
	for (size_t i = 0; i < s->doms.n; i++)
		if (!s->doms.v[i]->dirty)
			svd_publish(s, s->doms.v[i]);
	return 0;
}
