/* fuzz_disk.c: fuzz target for the backend device parser (sv_disk_parse).
 * Input: a backend line, then node=value lines; what passes is canonical. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NVALUES 6

/* The nodes in struct sv_backend_values order. */
static const char *const nodes[NVALUES] = {
	"params", "type", "mode", "physical-device", "physical-device-path",
	"tapdisk-params",
};

/* Splits buf (NUL-terminated copy of the input) in place; -1 if it is not
 * in the corpus format (unknown or repeated node).  A value may hold any
 * byte but a newline, a NUL included: lens keeps what a C string would lose. */
static int split(char *buf, size_t size, const char **backend,
		 const char *vals[NVALUES], size_t lens[NVALUES])
{
	char *p = buf, *end = buf + size;

	while (p <= end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line_end = nl ? nl : end, *eq;
		size_t k;

		*line_end = '\0';
		if (p == buf) {
			*backend = p;
		} else if (p < line_end || nl) {
			if (!(eq = memchr(p, '=', (size_t)(line_end - p))))
				return -1;
			for (k = 0; k < NVALUES; k++)
				if ((size_t)(eq - p) == strlen(nodes[k]) &&
				    memcmp(p, nodes[k], (size_t)(eq - p)) == 0)
					break;
			if (k == NVALUES || vals[k])
				return -1;
			vals[k] = eq + 1;
			lens[k] = (size_t)(line_end - eq - 1);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* Absolute, with no empty, "." or ".." component: written apart from the
 * parser's own check, so one cannot hide a mistake of the other. */
static int canonical(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (const char *c = p + 1;; ) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		if (c[n] == '\0')
			return 1;
		c += n + 1;
	}
}

/* What the parser accepted is what svirtd will label: it must be sane. */
static void check_disk(const struct sv_disk *d, const char *backend)
{
	if (!d->path || !canonical(d->path) ||
	    strcmp(d->backend, backend) != 0 || d->devid != 51712 ||
	    d->format[0] == '\0' ||
	    strnlen(d->format, sizeof(d->format)) == sizeof(d->format))
		abort();
	if (d->kind == SV_DISK_BLOCK ? d->rdev == 0 || strcmp(d->format, "phy")
				     : d->kind != SV_DISK_FILE || d->rdev != 0)
		abort();
	for (const char *p = d->path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *vals[NVALUES] = { NULL }, *backend = "";
	size_t lens[NVALUES] = { 0 };
	struct sv_disks out = { .n = 0 };
	struct sv_backend_values v;
	struct sv_error err;
	char *buf = malloc(size + 1);
	int r = 0;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (split(buf, size, &backend, vals, lens) != 0)
		goto done;
	/* As sv_xs_read_dom0 does before anything is parsed. */
	for (size_t k = 0; k < NVALUES; k++)
		if (vals[k] && sv_xs_value_check(vals[k], lens[k], &err) != 0)
			goto done;
	v = (struct sv_backend_values){ vals[0], vals[1], vals[2], vals[3],
					vals[4], vals[5] };
	err.msg[0] = '\0';
	r = sv_disk_parse(backend, 51712, &v, &out, &err);
	if (r != 0 ? out.n != 0 || out.v != NULL || err.msg[0] == '\0'
		   : out.n > 2)
		abort();
	for (size_t i = 0; i < out.n; i++)
		check_disk(&out.v[i], backend);
	sv_disks_clear(&out);
done:
	free(buf);
	return 0;
}
