/* disk_parse.c: one xenstore backend device's values parsed into the storage
 * objects it opens; pure (no xenstore, no I/O), so it is the fuzz target. */
#include "discover.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>


/* Linux's dev_t: 12-bit major, 20-bit minor. */
#define SV_MAJOR_MAX 0xfffUL
#define SV_MINOR_MAX 0xfffffUL
/* Xen's DOMID_FIRST_RESERVED: no guest has this id or above. */
/* Disks one backend device can give: a tapdev node and its image. */
#define SV_DEVICE_DISKS 2

const char *const sv_backend_value_nodes[SV_BACKEND_VALUES] = {
	"params", "type", "mode", "physical-device", "physical-device-path",
	"tapdisk-params",
};

/* The device being parsed, named in every message. */
struct where {
	const char *backend;
	unsigned devid;
	struct sv_error *err;
};

static int bad(const struct where *w, const char *node, const char *value,
	       const char *why)
{
	char q[SV_QUOTE_BUF];

	sv_quote(q, sizeof(q), value, strnlen(value, SV_XS_VALUE_MAX + 1));
	return sv_fail(w->err, EINVAL, "%s %u: %s \"%s\": %s", w->backend,
		       w->devid, node, q, why);
}

static int missing(const struct where *w, const char *node)
{
	return sv_fail(w->err, EINVAL, "%s %u: has no %s node", w->backend,
		       w->devid, node);
}

static bool is_one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* ---- text and paths ---- */

/* Length of the UTF-8 character at s (n bytes left), 0 if invalid.
 * Overlong forms are invalid, so "\xc0\xae" can never stand for ".";
 * so are surrogates and code points past U+10FFFF. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	unsigned need, min, cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 1, min = 0x80, cp = s[0] & 0x1fU;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 2, min = 0x800, cp = s[0] & 0x0fU;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3, min = 0x10000, cp = s[0] & 0x07U;
	} else {
		return 0;
	}
	if (n <= need)
		return 0;
	for (unsigned i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fU);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

/* NULL if v is bounded, valid UTF-8 without control characters (which
 * could forge log lines or hide in them), else what is wrong. */
const char *sv_disk_text_problem(const char *v)
{
	size_t len = strnlen(v, SV_XS_VALUE_MAX + 1);

	if (len > SV_XS_VALUE_MAX)
		return "longer than 4096 bytes";
	for (size_t i = 0, k; i < len; i += k) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f)
			return "holds a control character";
		if (!(k = utf8_char((const unsigned char *)v + i, len - i)))
			return "is not valid UTF-8";
	}
	return NULL;
}

/* NULL if p is an absolute path in canonical form.  ".." is refused here
 * already, although the relabel engine resolves symlinks later: a value
 * that climbs out of its directory is hostile, and says so early. */
const char *sv_disk_path_problem(const char *p)
{
	if (p[0] != '/')
		return "not an absolute path";
	if (strlen(p) >= PATH_MAX)
		return "longer than PATH_MAX";
	for (const char *c = p + 1;; ) {
		const char *e = strchrnul(c, '/');
		size_t n = (size_t)(e - c);

		if (n == 0)
			return "has an empty component (\"//\" or a final /)";
		if (c[0] == '.' && (n == 1 || (n == 2 && c[1] == '.')))
			return "has a \".\" or \"..\" component";
		if (n > NAME_MAX)
			return "has a component longer than NAME_MAX";
		if (*e == '\0')
			return NULL;
		c = e + 1;
	}
}

int sv_xs_value_check(const char *v, size_t len, struct sv_error *err)
{
	const char *nul = memchr(v, '\0', len);

	if (len > SV_XS_VALUE_MAX)
		return sv_fail(err, E2BIG, "value of %zu bytes is longer than "
			       "%d", len, SV_XS_VALUE_MAX);
	if (nul)
		return sv_fail(err, EINVAL, "value holds a NUL byte at %zu",
			       (size_t)(nul - v));
	return 0;
}

/* ---- one device's values ---- */

/* readonly only for an explicit read-only mode: anything writable gets the
 * private label, which is safe whichever way a backend reads "rw". */
static int parse_mode(const struct where *w, const char *mode, bool *ro)
{
	static const char *const ro_modes[] = { "r", "ro" };
	static const char *const rw_modes[] = { "w", "rw", "w!", "rw!" };

	if (!mode)
		return missing(w, "mode");
	if (is_one_of(mode, ro_modes, ARRAY_SIZE(ro_modes)))
		*ro = true;
	else if (is_one_of(mode, rw_modes, ARRAY_SIZE(rw_modes)))
		*ro = false;
	else
		return bad(w, "mode", mode, "is not r, ro, w, rw, w! or rw!");
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* [b, e): 1 to 8 hex digits, no sign, space or 0x. */
static bool hex_field(const char *b, const char *e, unsigned long *out)
{
	unsigned long v = 0;

	if (e == b || e - b > 8)
		return false;
	for (; b < e; b++) {
		int d = hex_digit(*b);

		if (d < 0)
			return false;
		v = v * 16 + (unsigned)d;
	}
	*out = v;
	return true;
}

/* "MAJ:MIN" in hex, as the block scripts write it (stat -c %t:%T) and
 * blkback reads it (%x:%x).  Major 0 names no block device. */
static int parse_devno(const struct where *w, const char *s, dev_t *out)
{
	const char *colon = strchr(s, ':');
	unsigned long maj, min;

	if (!colon || !hex_field(s, colon, &maj) ||
	    !hex_field(colon + 1, colon + 1 + strlen(colon + 1), &min) ||
	    maj == 0 || maj > SV_MAJOR_MAX || min > SV_MINOR_MAX)
		return bad(w, "physical-device", s,
			   "is not a block device number MAJ:MIN in hex");
	*out = makedev(maj, min);
	return 0;
}

/* The vbd types libxl and the xend-era scripts write; blkback opens
 * physical-device for each of them. */
static int check_vbd_type(const struct where *w, const char *type)
{
	static const char *const types[] = { "phy", "file", "tap" };

	if (!type)
		return missing(w, "type");
	if (!is_one_of(type, types, ARRAY_SIZE(types)))
		return bad(w, "type", type, "is not phy, file or tap");
	return 0;
}

/* fmt = [s, colon) if that is one of the n formats listed. */
static bool take_format(const char *s, const char *colon,
			const char *const *list, size_t n, char fmt[16])
{
	size_t len = (size_t)(colon - s);

	if (len >= 16)
		return false;
	memcpy(fmt, s, len);
	fmt[len] = '\0';
	return is_one_of(fmt, list, n);
}

/* params without its tapdisk prefix, and whether it names a tapdisk format
 * ("aio:" or "vhd:") in front of the first colon. */
static const char *tap_spec(const char *v, char fmt[16], bool *known)
{
	static const char *const prefixes[] = { "tapdisk:", "tap2:", "tap:" };
	static const char *const formats[] = { "aio", "vhd" };
	const char *s = v, *colon;

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0) {
			s += strlen(prefixes[i]);
			break;
		}
	colon = strchr(s, ':');
	*known = colon && take_format(s, colon, formats, ARRAY_SIZE(formats),
				      fmt);
	return colon;
}

/* A tapdisk image "[tapdisk:|tap2:|tap:]FMT:/path": FMT up to the first
 * colon after the prefix, as tapdisk reads it; aio (raw) and vhd are the
 * formats libxl hands to tapdisk. */
static int tap_image(const struct where *w, const char *node, const char *v,
		     char fmt[16], const char **path)
{
	const char *colon, *why;
	bool known;

	if (!(colon = tap_spec(v, fmt, &known)))
		return bad(w, node, v, "is neither a path nor FORMAT:/path");
	if (!known)
		return bad(w, node, v, "names a tapdisk format other than "
			   "aio or vhd");
	if ((why = sv_disk_path_problem(colon + 1)))
		return bad(w, node, v, why);
	*path = colon + 1;
	return 0;
}

/* At most SV_DEVICE_DISKS disks, owned here until appended to the list. */
struct found {
	size_t n;
	struct sv_disk d[SV_DEVICE_DISKS];
};

static void found_clear(struct found *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->d[i].path);
	f->n = 0;
}

static int found_add(struct found *f, const struct where *w,
		     enum sv_disk_kind kind, const char *path, dev_t rdev,
		     bool ro, const char *format)
{
	struct sv_disk *d = &f->d[f->n];
	char *p = strdup(path);

	if (!p)
		return sv_fail(w->err, ENOMEM, "out of memory");
	*d = (struct sv_disk){ .devid = w->devid, .kind = kind, .path = p,
			       .rdev = rdev, .readonly = ro };
	snprintf(d->backend, sizeof(d->backend), "%s", w->backend);
	snprintf(d->format, sizeof(d->format), "%s", format);
	f->n++;
	return 0;
}

/* The block device blkback opens, by the number the hotplug script wrote;
 * its node is the path that script set up, else udev's /dev/block link. */
static int add_block(struct found *f, const struct where *w, dev_t rdev,
		     const char *node, bool ro)
{
	char link[40];

	if (!node) {
		snprintf(link, sizeof(link), "/dev/block/%u:%u", major(rdev),
			 minor(rdev));
		node = link;
	}
	return found_add(f, w, SV_DISK_BLOCK, node, rdev, ro, "phy");
}

/* The image a vbd's tapdisk opens: from tapdisk-params (blktap2-era libxl,
 * OpenXT; params then names the tapdev node), else a prefixed params (the
 * block-tap script).  A plain params names a device or a file the block
 * script loop-mounted: blkback opens physical-device, not that name.  For
 * a phy device any other params (drbd's "r0", an iSCSI IQN) is a custom
 * block script's own argument, no file: blkback opens physical-device
 * whatever that script was told, and that device is what gets labelled. */
static int vbd_image(const struct where *w, const struct sv_backend_values *v,
		     char fmt[16], const char **image)
{
	const char *why;
	bool known;

	if (v->tapdisk_params) {
		if (v->params && v->params[0] &&
		    (why = sv_disk_path_problem(v->params)))
			return bad(w, "params", v->params, why);
		return tap_image(w, "tapdisk-params", v->tapdisk_params, fmt,
				 image);
	}
	if (!v->params)
		return missing(w, "params");
	if (v->params[0] == '\0')
		return 0;
	if (v->params[0] == '/') {
		why = sv_disk_path_problem(v->params);
		return why ? bad(w, "params", v->params, why) : 0;
	}
	if (strcmp(v->type, "phy") == 0 &&
	    (!tap_spec(v->params, fmt, &known) || !known))
		return 0;
	return tap_image(w, "params", v->params, fmt, image);
}

static int parse_vbd(const struct where *w, const struct sv_backend_values *v,
		     struct found *f)
{
	const char *image = NULL, *why;
	char fmt[16];
	dev_t rdev = 0;
	bool ro;
	int r;

	if ((r = parse_mode(w, v->mode, &ro)) < 0 ||
	    (r = check_vbd_type(w, v->type)) < 0 ||
	    (r = vbd_image(w, v, fmt, &image)) < 0)
		return r;
	if (v->physical_device_path &&
	    (why = sv_disk_path_problem(v->physical_device_path)))
		return bad(w, "physical-device-path", v->physical_device_path,
			   why);
	if (v->physical_device &&
	    (r = parse_devno(w, v->physical_device, &rdev)) < 0)
		return r;
	if (!v->physical_device) {
		/* An empty cdrom drive: the block script writes nothing. */
		if (!image && !v->tapdisk_params && v->params[0] == '\0')
			return 0;
		return sv_fail(w->err, EAGAIN, "%s %u: hotplug has not written "
			       "physical-device yet", w->backend, w->devid);
	}
	if ((r = add_block(f, w, rdev, v->physical_device_path, ro)) < 0)
		return r;
	return image ? found_add(f, w, SV_DISK_FILE, image, 0, ro, fmt) : 0;
}

/* qemu splits params at its first colon into driver and file name, the
 * whole value being a raw file name when there is none (xen-block.c);
 * the same split here labels exactly what qemu opens. */
static int parse_qdisk(const struct where *w, const struct sv_backend_values *v,
		       struct found *f)
{
	static const char *const formats[] = { "aio", "raw", "qcow", "qcow2",
					       "qed", "vhd", "vpc" };
	const char *colon, *path, *why;
	char fmt[16] = "raw";
	bool ro;
	int r;

	if ((r = parse_mode(w, v->mode, &ro)) < 0)
		return r;
	if (!v->params)
		return missing(w, "params");
	path = v->params;
	if ((colon = strchr(v->params, ':'))) {
		if (!take_format(v->params, colon, formats, ARRAY_SIZE(formats),
				 fmt))
			return bad(w, "params", v->params,
				   "names an unknown format");
		path = colon + 1;
	}
	if (path[0] == '\0')
		return 0;	/* an empty cdrom drive */
	if ((why = sv_disk_path_problem(path)))
		return bad(w, "params", v->params, why);
	return found_add(f, w, SV_DISK_FILE, path, 0, ro, fmt);
}

/* Moves f's disks to the end of out; out untouched on failure. */
int sv_disks_append(struct sv_disks *out, struct sv_disk *d, size_t n,
		    struct sv_error *err)
{
	struct sv_disk *v;

	if (n == 0)
		return 0;
	if (out->n > SIZE_MAX / sizeof(*v) - n)
		return sv_fail(err, ENOMEM, "too many disks");
	if (!(v = realloc(out->v, (out->n + n) * sizeof(*v))))
		return sv_fail(err, ENOMEM, "out of memory");
	memcpy(v + out->n, d, n * sizeof(*v));
	out->v = v;
	out->n += n;
	return 0;
}

int sv_disk_parse(const char *backend, unsigned devid,
		  const struct sv_backend_values *v, struct sv_disks *out,
		    struct sv_error *err)
{
	const char *const values[ARRAY_SIZE(sv_backend_value_nodes)] = {
		v->params, v->type, v->mode, v->physical_device,
		v->physical_device_path, v->tapdisk_params,
	};
	struct where w = { backend, devid, err };
	struct found f = { .n = 0 };
	char q[SV_QUOTE_BUF];
	const char *why;
	int r;

	if (strcmp(backend, "vbd") != 0 && strcmp(backend, "qdisk") != 0)
		return sv_fail(err, EINVAL, "backend \"%s\" is neither vbd nor "
			       "qdisk", sv_quote(q, sizeof(q), backend,
						 strnlen(backend, 64)));
	for (size_t i = 0; i < ARRAY_SIZE(values); i++)
		if (values[i] && (why = sv_disk_text_problem(values[i])))
			return bad(&w, sv_backend_value_nodes[i], values[i], why);
	r = backend[0] == 'v' ? parse_vbd(&w, v, &f) : parse_qdisk(&w, v, &f);
	if (r == 0 && (r = sv_disks_append(out, f.d, f.n, err)) == 0)
		f.n = 0;	/* out owns the paths now */
	found_clear(&f);
	return r;
}

void sv_disks_clear(struct sv_disks *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].path);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}
