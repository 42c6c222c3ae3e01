/* config_internal.h: what config.c shares with the files that parse groups of its
 * keys (config_net.c): the keys, one parse's state, and messages naming key and line. */
#ifndef SVIRT_CONFIG_INTERNAL_H
#define SVIRT_CONFIG_INTERNAL_H

#include <libxlutil.h>
#include <stdio.h>

#include "config.h"

enum sv_cfg_key {
	K_CATEGORIES,
	K_PROCESS,	/* the four *_context keys, in sv_base_kind order */
	K_IMAGE,
	K_CONTENT,
	K_PACKET,
	K_STATE_DIR,
	K_ROOTS,
	K_SHARED,
	K_LOG_LEVEL,
	K_NETWORK,	/* "on" / "off" */
	K_NET_DOM0,	/* "allow" / "deny" */
	K_NET_OUTSIDE,
	K_NET_DEFAULT_PEER,	/* a context, or "" */
	K_NET_OUTSIDE_PACKET,	/* a context */
	K_AUDIT,	/* "on" / "off" */
	K_GUEST_SECLABEL,	/* issue 17 item 4: config_guest.c */
	K_GUEST_RELABEL_NO,
	K_GUEST_SHARED,
	K_GUEST_NETWORK_OFF,
	/* issue 19 item 3: translated labels */
	K_SETRANS,	/* "on" / "off" */
	K_SETRANS_FILE,	/* a path */
	K_SETRANS_ADMIN,	/* a path */
	K_SETRANS_RELOAD,	/* "none" / "sighup" */
	K_COUNT
};

extern const char *const sv_cfg_key_names[K_COUNT];

/* One parse: where messages point and what libxlutil holds. */
struct sv_cfg_parse {
	const char *name;
	unsigned line[K_COUNT];	/* the line each key is set on; 0: absent */
	XLU_Config *xlu;
	FILE *report;		/* libxlutil's messages, into report_buf */
	char *report_buf;
	size_t report_len;
	struct sv_error *err;
};

/* "name:line: key: reason", -EINVAL. */
int sv_cfg_fail_key(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		    const char *reason);
/* "name:line: key: "value": reason", -EINVAL. */
int sv_cfg_fail_value(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		      const char *value, const char *reason);
/* The key's value, which must be a string. */
int sv_cfg_get_string(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		      const char **v);

/* NULL if path is absolute and normalised, else why not. */
const char *sv_cfg_path_problem(const char *path);

/* config_net.c: the network keys.  Defaults into n; one key set; and the
 * checks that need every key read (after the bases are known). */
void sv_cfg_net_defaults(struct sv_config_net *n);
int sv_cfg_net_set(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		   struct sv_config *c);
int sv_cfg_net_check(const struct sv_cfg_parse *p, const struct sv_config *c);

/* config_guest.c: the guest_* keys.  One key's list into c; the checks
 * that need the categories, bases and roots (after every key); freeing. */
int sv_cfg_guest_set(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		     struct sv_config *c);
int sv_cfg_guest_check(const struct sv_cfg_parse *p, const struct sv_config *c);
void sv_cfg_guest_free(struct sv_config *c);

/* config_setrans.c: the setrans keys (issue 19 item 3). */
int sv_cfg_setrans_defaults(struct sv_config_setrans *t);
void sv_cfg_setrans_free(struct sv_config_setrans *t);
int sv_cfg_setrans_set(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		       struct sv_config *c);

#endif
