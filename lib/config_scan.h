/* config_scan.h: the strict xl.cfg key scanner behind config.c.
 * Reports each `key =` with its line; refuses what libxlutil would mangle. */
#ifndef SVIRT_CONFIG_SCAN_H
#define SVIRT_CONFIG_SCAN_H

#include <stddef.h>

#include "error.h"

/* Called for each statement's key (not NUL-terminated) and its line; a
 * negative return stops the scan and is returned (err already filled). */
typedef int (*sv_cfg_key_fn)(void *arg, const char *key, size_t len,
			     unsigned line, struct sv_error *err);

/* Scans data (named name in messages: "name:line: what").  0, or -EINVAL
 * with err set, or the callback's negative return. */
int sv_cfg_scan(const char *name, const char *data, size_t len,
		sv_cfg_key_fn fn, void *arg, struct sv_error *err);

#endif
