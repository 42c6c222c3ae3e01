/* relabel_orig.c: which remembered originals a restore may write back, and the policy's
 * default label of a path for one it may not (trusted.svirt copied from another host). */
#include "relabel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <selinux/label.h>
#include <selinux/selinux.h>

#include "context.h"

bool sv_relabel_is_own_label(const struct sv_config *cfg, const char *label)
{
	const struct sv_context *own[] = {
		&cfg->bases.process, &cfg->bases.image, &cfg->bases.content,
		&cfg->bases.packet,
	};
	struct sv_context c;

	if (sv_context_parse(label, &c, NULL) < 0)
		return false;
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (own[i]->type[0] && strcmp(own[i]->type, c.type) == 0)
			return true;
	return false;
}

int sv_relabel_selabel_default(void *handle, const char *path, mode_t mode,
			       char *out, size_t size)
{
	char *con = NULL;
	int r = 0;

	if (!handle)
		return -ENOENT;
	if (selabel_lookup_raw(handle, &con, path, (int)mode) < 0)
		return errno ? -errno : -ENOENT;
	if (strlen(con) >= size)
		r = -ERANGE;
	else
		memcpy(out, con, strlen(con) + 1);
	freecon(con);
	return r;
}

int sv_relabel_selabel_lazy(void *handlep, const char *path, mode_t mode,
			    char *out, size_t size)
{
	struct selabel_handle **h = handlep;

	if (!*h && !(*h = selabel_open(SELABEL_CTX_FILE, NULL, 0)))
		return errno ? -errno : -ENOENT;
	return sv_relabel_selabel_default(*h, path, mode, out, size);
}

int sv_relabel_trusted_orig(const struct sv_relabel_ctx *c,
			    const struct sv_relabel_obj *obj, const char *orig,
			    char out[static SV_RELABEL_LABEL_MAX + 1],
			    struct sv_error *err)
{
	char def[SV_RELABEL_LABEL_MAX + 1];
	int r;

	if (!c->cfg || !sv_relabel_is_own_label(c->cfg, orig)) {
		memcpy(out, orig, strlen(orig) + 1);
		return 0;
	}
	if (!c->default_label)
		r = -ENOENT;
	else
		r = c->default_label(c->default_arg, obj->path, obj->type, def,
				     sizeof(def));
	if (r < 0)
		return sv_fail(err, EPERM, "%.200s: " SV_RELABEL_XATTR " names "
			       "svirt's own label %.200s as the original (copied "
			       "from another host?) and the policy has no "
			       "default for the path (%s): keeping its record",
			       obj->path, orig, strerror(-r));
	if (sv_relabel_take_label("the policy's default", def, strlen(def),
				  out, err) < 0 ||
	    sv_relabel_is_own_label(c->cfg, out))
		return sv_fail(err, EPERM, "%.200s: " SV_RELABEL_XATTR " names "
			       "svirt's own label %.200s as the original, and "
			       "the policy's default for the path (%.200s) is "
			       "no better: keeping its record", obj->path, orig,
			       def);
	return 1;
}
