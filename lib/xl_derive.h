/* xl_derive.h: a guest's xl config as svirt-xl create reads it, and the derived
 * config it hands to `xl create -p`, with the guest's labels, interposer and vif script. */
#ifndef SVIRT_XL_DERIVE_H
#define SVIRT_XL_DERIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "uuid.h"

#define SV_XLCFG_MAX_SIZE (1024 * 1024)	/* a larger guest config is refused */
#define SV_XLCFG_MAX_KEYS 1024
#define SV_XLCFG_MAX_ITEMS 1024		/* in one list */

/* One `key = value` statement, its value as libxlutil holds it. */
struct sv_xlcfg_stmt {
	char *key;
	bool is_list;
	size_t n;		/* 1 for a single value */
	char **values;
	const char *src;	/* the file's or argument's name, for messages */
	unsigned line;
};

/* A kind of device a PV guest's qemu serves through xenstore: its config
 * key (disk, vfb, vkb, channel, p9), what such a device is ("a qdisk
 * disk") and what to do instead of it ("give the guest phy: disks"). */
struct sv_xlcfg_qdev {
	const char *key;
	const char *what;
	const char *instead;
};

/* A parsed guest config: the file's statements in order, each `key=value`
 * argument replacing the file's statement for its key. */
struct sv_xlcfg {
	char *file;		/* the config's name, owns the src of its statements */
	char **args;		/* the names of the argument sources */
	size_t nargs;
	struct sv_xlcfg_stmt *stmts;
	size_t n;
	bool has_uuid;
	char uuid[SV_UUID_BUF];	/* canonical, when has_uuid */
	const char *name;	/* the `name` value, NULL if absent */
	size_t nvifs;
	/* issue 16 item 8: type = "hvm" (or the older builder = "hvm"), and
	 * device_model_stubdomain_override on: libxl then makes a stub domain
	 * whose binding to the guest svirt-xl create waits for too. */
	bool hvm;
	bool stubdom;
	/* The first device that the guest's own qemu would serve through
	 * xenstore (qdev, an index into its statement's list, qdev_stmt), NULL
	 * if none; and whether the device model runs with dm_restrict = 1:
	 * every one but such a PV (or PVH) guest's, whose qemu serves no
	 * backend once restricted (xl_derive.c says why). */
	const struct sv_xlcfg_qdev *qdev;
	long qdev_index;
	const struct sv_xlcfg_stmt *qdev_stmt;	/* in stmts, when qdev */
	bool dm_restrict;
};

/* Parse the guest config data (named name in messages: "name:line: ...")
 * and the xl-style `key=value` arguments (each its own one-line config,
 * named "argument N").  Refused with -EINVAL, err naming file, line and key:
 * what the strict scanner refuses (config_scan.h), a key given twice, a
 * value with a control byte, the keys svirt-xl owns (seclabel,
 * init_seclabel, device_model_stubdomain_seclabel, device_model_override,
 * a vif's script=), dm_restrict other than 1 (other than 0 for a guest that
 * is not HVM and has a device its qemu serves: a qdisk disk, a vfb, a
 * qemu vkb, a channel, a p9 share), a device_model_version other than
 * qemu-xen, a bad or nil uuid, a device_model_stubdomain_override
 * that is not 0 or 1 or that is on for a guest that is not HVM.  On success *out (which must own
 * nothing) is filled; sv_xlcfg_free it. */
int sv_xlcfg_parse(const char *data, size_t len, const char *name,
		   char *const *args, size_t nargs, struct sv_xlcfg *out,
		   struct sv_error *err) _nodiscard_;
void sv_xlcfg_free(struct sv_xlcfg *c);

/* What svirt-xl adds.  seclabel and dm_seclabel are NULL without Flask. */
struct sv_xlcfg_derive {
	const char *uuid;		/* used when the config has none */
	const char *seclabel;		/* the guest's Flask context */
	const char *dm_seclabel;	/* its stub device model's */
	const char *interposer;		/* device_model_override */
	const char *vif_script;		/* script= of every vif; NULL: refuse vifs */
};

/* The derived config's text (malloc'd, NUL-terminated; *len excludes the
 * NUL): every statement of c, then uuid (if c has none), seclabel and
 * device_model_stubdomain_seclabel (with Flask), device_model_override,
 * device_model_version (if absent) and dm_restrict (1, or 0 when
 * !c->dm_restrict); each vif gets
 * script=.  Values are written quoted (numbers bare) so libxlutil reads
 * back exactly c's values.  -EINVAL (err says why) or -ENOMEM; outputs
 * untouched on failure. */
int sv_xlcfg_derive(const struct sv_xlcfg *c, const struct sv_xlcfg_derive *d,
		    char **text, size_t *len, struct sv_error *err) _nodiscard_;

/* The value of a single-valued key, NULL if absent or a list. */
const char *sv_xlcfg_get(const struct sv_xlcfg *c, const char *key);

#endif
