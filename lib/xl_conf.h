/* xl_conf.h: /etc/svirt/xl.conf, svirt-xl's own settings (xl.cfg syntax), and
 * the Flask labels it derives from its base contexts and a guest's pair. */
#ifndef SVIRT_XL_CONF_H
#define SVIRT_XL_CONF_H

#include <limits.h>
#include <sys/un.h>

#include "context.h"
#include "error.h"
#include "mcs.h"

#define SV_XL_CONF "/etc/svirt/xl.conf"
#define SV_XL_WAIT_DEFAULT 60
#define SV_XL_SCRIPT_DIR "/etc/xen/scripts"

enum sv_xl_flask {
	SV_XL_FLASK_AUTO,	/* labels when the hypervisor runs Flask */
	SV_XL_FLASK_ON,		/* refuse to create guests without Flask */
	SV_XL_FLASK_OFF,	/* never write Flask labels */
};

struct sv_xl_conf {
	char socket[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char xl[PATH_MAX];		/* the xl binary create runs */
	char interposer[PATH_MAX];	/* device_model_override */
	char vif_script[PATH_MAX];	/* "" refuses guests with vifs */
	char run_dir[PATH_MAX];		/* derived configs, root only */
	unsigned wait_seconds;		/* 1..SV_CONTROL_WAIT_MAX */
	enum sv_xl_flask flask;
	struct sv_context flask_guest;	/* base: user:role:type:s0 */
	struct sv_context flask_dm;
};

/* The built-in settings; interposer is the given path (the install's). */
int sv_xl_conf_defaults(struct sv_xl_conf *c, const char *interposer);

/* path's keys over *c (already holding defaults); a missing file changes
 * nothing.  -EINVAL (err names file, line and key) for an unknown, repeated
 * or bad key; -errno if it exists but cannot be read.  *c untouched on
 * failure. */
int sv_xl_conf_load(const char *path, struct sv_xl_conf *c,
		    struct sv_error *err) _nodiscard_;
/* The same for text already read (name is used in messages). */
int sv_xl_conf_parse(const char *data, size_t len, const char *name,
		     struct sv_xl_conf *c, struct sv_error *err) _nodiscard_;

/* base's user, role, type and sensitivity at the pair's categories, e.g.
 * system_u:system_r:svirt_domU_t:s0:c3,c700.  -EINVAL for a bad pair. */
int sv_xl_flask_label(const struct sv_context *base, struct sv_pair pair,
		      char *buf, size_t size, struct sv_error *err);

/* The script's path as xl's hotplug would run it: vif_script itself when
 * absolute, else under SV_XL_SCRIPT_DIR.  -ENAMETOOLONG if it does not fit. */
int sv_xl_vif_script_path(const struct sv_xl_conf *c, char *buf, size_t size);

/* run_dir, where svirt-xl writes the configs it derives (a guest's labels
 * and device model in them): made 0700 if missing, and refused (-EPERM,
 * err says why) unless it is a directory, not a symlink, of this uid that
 * no one else can enter.  Other errors: -errno. */
int sv_xl_run_dir(const char *dir, struct sv_error *err) _nodiscard_;

#endif
