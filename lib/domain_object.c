/* domain_object.c: the objects a guest's record lists, by path: opened again for a
 * restore, their trusted.svirt and original label peeked, the record's list edited. */
#include "domain.h"
#include "domain_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

/* Opens a path from a record for restoring: under a root, a whole block
 * device under /dev (what sv_relabel_open_blockdev accepted when set), or
 * one under a root the config no longer lists (relabel.h). */
int sv_domain__open_recorded(const struct sv_domains *t, const char *path,
			 struct sv_relabel_obj *o, struct sv_error *err)
{
	struct stat st;
	int r = sv_relabel_open(t->rctx, path, o, err);

	if (r != -EPERM)
		return r;
	if (stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
	    sv_relabel_open_blockdev(path, st.st_rdev, o, NULL) == 0)
		return 0;
	return sv_relabel_open_recorded(path, o, err);
}

static void fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

/* trusted.svirt of o, if it has one; false otherwise (or malformed). */
bool sv_domain__peek_record(const struct sv_relabel_obj *o,
			struct sv_relabel_record *rec)
{
	char p[32], buf[SV_RELABEL_RECORD_MAX + 1];
	ssize_t n;

	fd_path(o->fd, p);
	n = getxattr(p, SV_RELABEL_XATTR, buf, sizeof(buf));
	return n > 0 && sv_relabel_record_parse(buf, (size_t)n, rec, NULL) == 0;
}

/* The original label of o as the store records it: what trusted.svirt
 * remembers if this boot holds it, else what it carries now. */
void sv_domain__peek_orig(const struct sv_domains *t,
			  const struct sv_relabel_obj *o, char *out, size_t size)
{
	struct sv_relabel_record rec;
	char p[32];
	ssize_t n;

	out[0] = '\0';
	if (sv_domain__peek_record(o, &rec) && strcmp(rec.boot_id, t->rctx->boot_id) == 0) {
		snprintf(out, size, "%s", rec.has_orig ? rec.orig : "");
		return;
	}
	fd_path(o->fd, p);
	n = getxattr(p, "security.selinux", out, size - 1);
	out[n > 0 ? n : 0] = '\0';	/* a NUL inside ends it early: fine */
}

void sv_record__drop(struct sv_record *r, size_t i)
{
	free(r->objects[i].path);
	free(r->objects[i].orig_label);
	free(r->objects[i].label);
	memmove(&r->objects[i], &r->objects[i + 1],
		(r->nobjects - i - 1) * sizeof(r->objects[0]));
	r->nobjects--;
}

ssize_t sv_record__find(const struct sv_record *r, const char *path)
{
	for (size_t i = 0; i < r->nobjects; i++)
		if (strcmp(r->objects[i].path, path) == 0)
			return (ssize_t)i;
	return -1;
}

/* Restores one recorded object; an object that is gone, or that svirt no
 * longer holds, counts as restored. */
void sv_domain__log_refused(const struct sv_domains *t, int domid,
			    const char *name, const char *path,
			    const struct sv_relabel_info *info)
{
	if (info->orig_refused)
		sv_log_dom(t->log, LOG_WARNING, domid, name, "%s: its "
			   SV_RELABEL_XATTR " named svirt's own label %s as "
			   "the original; restored the policy's default %s",
			   path, info->orig, info->restored);
}

void sv_domain__audit_restore(struct sv_domains *t, const struct sv_domain *d,
			      const char *path, const char *set,
			      const struct sv_relabel_info *info)
{
	const char *now = info->orig_refused ? info->restored :
			  info->refs ? set : info->has_orig ? info->orig : NULL;

	sv_audit_resource(t->audit, SV_DOMAIN_AUDIT_VM(d), "disk", "restore",
			  path, set, now);
}

/* The restore's record, with the label d's record says svirt had set. */
static void audit_restore(struct sv_domains *t, const struct sv_domain *d,
			  const char *path, const struct sv_relabel_info *info)
{
	ssize_t k = sv_record__find(&d->rec, path);

	sv_domain__audit_restore(t, d, path, k >= 0 ? d->rec.objects[k].label : NULL,
				 info);
}

int sv_domain__restore_path(struct sv_domains *t, const struct sv_domain *d,
			    const char *path, bool reset)
{
	struct sv_relabel_info info;
	struct sv_relabel_obj o;
	struct sv_error err;
	int r = sv_domain__open_recorded(t, path, &o, &err);

	if (r == 0) {
		r = reset ? sv_relabel_reset_obj(t->rctx, &o, &info, &err)
			  : sv_relabel_restore_obj(t->rctx, &o, &info, &err);
		sv_relabel_close(&o);
		if (r == 0) {
			sv_domain__log_refused(t, d->domid, d->name, path, &info);
			audit_restore(t, d, path, &info);
		}
	}
	if (r == -ENOENT || r == -ENODATA)
		return 0;
	if (r < 0)
		sv_log_dom(t->log, LOG_ERR, d->domid, d->name,
			   "cannot restore the label of %s: %s", path, err.msg);
	return r;
}
