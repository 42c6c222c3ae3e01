/* config.h: /etc/svirt/svirt.conf (xl.cfg syntax) parsed into struct sv_config.
 * Categories, base contexts and their origin, state dir, relabel roots, log level, network. */
#ifndef SVIRT_CONFIG_H
#define SVIRT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "labels.h"

#define SV_CONFIG_PATH "/etc/svirt/svirt.conf"
#define SV_CONFIG_MAX_SIZE (1024 * 1024)	/* larger files are refused */
#define SV_CONFIG_MAX_ROOTS 64
#define SV_CONFIG_MAX_SHARED 256

enum sv_base_kind {
	SV_BASE_PROCESS,
	SV_BASE_IMAGE,
	SV_BASE_CONTENT,
	SV_BASE_PACKET,
	SV_BASE_COUNT
};

/* Where a base context came from, so svirtd can log it. */
enum sv_base_origin {
	SV_ORIGIN_BUILTIN,	/* sv_bases_defaults() */
	SV_ORIGIN_CONFIG,	/* a *_context key of the config */
	SV_ORIGIN_POLICY,	/* the policy's virtual_*_context file */
};

/* Network isolation: the network* keys (config_net.c). */
struct sv_config_net {
	bool off;		/* network = "off": no peer labels, no secmark */
	bool deny_dom0;		/* guests' vifs cannot reach dom0, nor it them */
	bool deny_outside;	/* nor any bridge port that is not a guest's */
	/* network_default_peer: NetLabel's label for traffic of no guest,
	 * canonical; "" installs no default entries. */
	char default_peer[SV_CONTEXT_MAX];
	/* network_outside_packet: the secmark of guests' frames that leave by
	 * a bridge port of no guest, canonical. */
	char outside_packet[SV_CONTEXT_MAX];
};

struct sv_config {
	unsigned cat_lo, cat_hi;	/* pairs are drawn from cLO..cHI */
	struct sv_bases bases;
	enum sv_base_origin origin[SV_BASE_COUNT];
	/* The config's name or the policy file's path; NULL for built-in. */
	char *origin_file[SV_BASE_COUNT];
	char *state_dir;
	char **relabel_roots;	/* absolute, normalised, never "/" */
	size_t nroots;
	char **shared_images;	/* each strictly under a relabel root */
	size_t nshared;
	int log_level;		/* LOG_DEBUG..LOG_ERR from <syslog.h> */
	bool audit_off;		/* audit = "off": no VIRT_* records */
	struct sv_config_net net;
};

/* Where the policy's base contexts are read from when the config names
 * none; a NULL member (or a NULL struct) means libselinux's path. */
struct sv_config_sources {
	const char *domain_context_path;	/* line 1: process */
	const char *image_context_path;		/* line 1: image, 2: content */
};

/* The built-in defaults, without looking at any file.  -ENOMEM. */
int sv_config_init(struct sv_config *c) _nodiscard_;

/* Parse a config.  name is used in messages ("name:line: key: ...").  Keys
 * not given take their defaults; the process, image and content bases fall
 * back to the policy's files, then to the built-in ones.  On success *out is
 * overwritten (it must not own anything); on failure it is untouched and
 * err says what, where and why. */
int sv_config_parse(const char *data, size_t len, const char *name,
		    const struct sv_config_sources *src, struct sv_config *out,
		    struct sv_error *err) _nodiscard_;
/* The same for a file; -ENOENT etc. if it cannot be read. */
int sv_config_load(const char *path, const struct sv_config_sources *src,
		   struct sv_config *out, struct sv_error *err) _nodiscard_;

/* Frees what c owns and leaves it empty; safe to call twice. */
void sv_config_free(struct sv_config *c);

/* True if the resolved (symlink-free, normalised, absolute) path lies
 * strictly below one of the relabel roots, compared component-wise: /dev2 is
 * not under /dev, and a root itself is not under it. */
bool sv_config_path_under_root(const struct sv_config *c,
			       const char *resolved_path);

/* Each relabel root that exists must be a directory whose realpath is the
 * root as written (no symlink in it); a missing one is skipped.  -EINVAL
 * (or the error of realpath, -ENOTDIR) with err naming the root.  svirtd
 * refuses to start, and a SIGHUP keeps the old config, on an error. */
int sv_config_check_roots(const struct sv_config *c, struct sv_error *err);

/* "built-in", "config", "policy file". */
const char *sv_base_origin_name(enum sv_base_origin o);
/* The base of one kind, e.g. for logging where each came from. */
const struct sv_context *sv_config_base(const struct sv_config *c,
					enum sv_base_kind k);

#endif
