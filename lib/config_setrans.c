/* config_setrans.c: the keys of translated labels (issue 19 item 3): setrans = "on"/"off",
 * setrans_file (the file svirtd owns), setrans_admin (the administrator's setrans.conf), setrans_reload. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

int sv_cfg_setrans_defaults(struct sv_config_setrans *t)
{
	*t = (struct sv_config_setrans){ .file = strdup(SV_SETRANS_FILE) };
	return t->file ? 0 : -ENOMEM;
}

void sv_cfg_setrans_free(struct sv_config_setrans *t)
{
	free(t->file);
	free(t->admin);
	*t = (struct sv_config_setrans){ 0 };
}

static int set_path(const struct sv_cfg_parse *p, enum sv_cfg_key k, char **out)
{
	const char *v, *why;
	char *d;
	int r;

	if ((r = sv_cfg_get_string(p, k, &v)) < 0)
		return r;
	if ((why = sv_cfg_path_problem(v)))
		return sv_cfg_fail_value(p, k, v, why);
	if (!(d = strdup(v)))
		return -ENOMEM;
	free(*out);
	*out = d;
	return 0;
}

int sv_cfg_setrans_set(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		       struct sv_config *c)
{
	const char *v;
	int r;

	switch (k) {
	case K_SETRANS:
		if ((r = sv_cfg_get_string(p, k, &v)) < 0)
			return r;
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
			return sv_cfg_fail_value(p, k, v, "expected \"on\" or \"off\"");
		c->setrans.on = strcmp(v, "on") == 0;
		return 0;
	case K_SETRANS_FILE:
		if ((r = set_path(p, k, &c->setrans.file)) < 0)
			return r;
		/* mcstransd reads every file an Include= glob of the
		 * administrator's matches: svirtd's temporary file must not. */
		if (strlen(c->setrans.file) < 6 ||
		    strcmp(c->setrans.file + strlen(c->setrans.file) - 5, ".conf") != 0)
			return sv_cfg_fail_value(p, k, c->setrans.file,
						 "must end in \".conf\"");
		return 0;
	case K_SETRANS_ADMIN:
		return set_path(p, k, &c->setrans.admin);
	case K_SETRANS_RELOAD:
		if ((r = sv_cfg_get_string(p, k, &v)) < 0)
			return r;
		if (strcmp(v, "none") != 0 && strcmp(v, "sighup") != 0)
			return sv_cfg_fail_value(p, k, v, "expected \"none\" or \"sighup\"");
		c->setrans.sighup = strcmp(v, "sighup") == 0;
		return 0;
	default:
		return sv_cfg_fail_key(p, k, "not a setrans key");
	}
}
