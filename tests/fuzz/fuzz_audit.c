/* fuzz_audit.c: fuzz target for the encoding of audit records (lib/audit.c): whatever
 * a guest's name or a disk's path holds, the record keeps exactly its fields, each value
 * comes back whole, and nothing could end the kernel's msg='...' early. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The token of field name in msg: where it starts, and its length. */
static const char *token(const char *msg, const char *name, size_t *n)
{
	char key[32];
	const char *v, *end;

	snprintf(key, sizeof(key), " %s=", name);
	if (!(v = strstr(msg, key)))
		abort();
	v += strlen(key);
	end = strchr(v, ' ');
	*n = end ? (size_t)(end - v) : strlen(v);
	return v;
}

/* Whether field name reads back as want: quoted, or hex; with bare_ok
 * also as it is (contexts, as libvirt writes them; "AB" may be either). */
static bool reads_as(const char *msg, const char *name, bool bare_ok,
		     const char *want)
{
	size_t n, wl = strlen(want);
	const char *v = token(msg, name, &n);

	if (bare_ok && n == wl && memcmp(v, want, n) == 0)
		return true;
	if (n >= 2 && v[0] == '"')
		return n == wl + 2 && v[n - 1] == '"' && memcmp(v + 1, want, wl) == 0 &&
		       !memchr(want, '"', wl);
	if (n != 2 * wl)
		return false;
	for (size_t i = 0; i < wl; i++)
		if (unhex(v[2 * i]) < 0 || unhex(v[2 * i + 1]) < 0 ||
		    (char)(unhex(v[2 * i]) << 4 | unhex(v[2 * i + 1])) != want[i])
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "virt", "resrc", "reason", "vm", "uuid",
					     "path", "old-ctx", "new-ctx" };
	char *name, *path, *msg = malloc(SV_AUDIT_MSG_MAX);
	const uint8_t *cut = memchr(data, 0, size);
	size_t nl = cut ? (size_t)(cut - data) : size, spaces = 0;

	name = strndup((const char *)data, nl);
	path = strndup(cut ? (const char *)cut + 1 : "", cut ? size - nl - 1 : 0);
	if (!msg || !name || !path)
		goto out;
	if (sv_audit_format_resource(msg, SV_AUDIT_MSG_MAX,
				     &(struct sv_audit_vm){ name, "u", 1 }, "disk",
				     "label", path, path, "ctx") < 0)
		goto out;
	if (strpbrk(msg, "'\n\r"))
		abort();
	for (const char *p = msg; *p; p++)
		spaces += *p == ' ';
	if (spaces != sizeof(names) / sizeof(names[0]) - 1)
		abort();
	if ((*name && !reads_as(msg, "vm", false, name)) ||
	    (*path && (!reads_as(msg, "path", false, path) ||
		       !reads_as(msg, "old-ctx", true, path))))
		abort();
out:
	free(msg);
	free(name);
	free(path);
	return 0;
}
