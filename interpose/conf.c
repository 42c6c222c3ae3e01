/* conf.c: /etc/svirt/interpose.conf, svirt-interpose's own few settings.
 * xl.cfg syntax read with libxlutil; unknown or repeated keys are refused. */
#include "interpose.h"

#include <errno.h>
#include <fcntl.h>
#include <libxlutil.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config_scan.h"
#include "control.h"

#define CONF_MAX_SIZE 16384

enum conf_key { K_QEMU, K_SOCKET, K_WAIT, K_RESTRICT, K_DISABLED, K_COUNT };

static const char *const key_names[K_COUNT] = {
	[K_QEMU] = "qemu",
	[K_SOCKET] = "socket",
	[K_WAIT] = "wait",
	[K_RESTRICT] = "require_dm_restrict",
	[K_DISABLED] = "allow_selinux_disabled",
};

struct conf_parse {
	const char *name;
	XLU_Config *xlu;
	FILE *report;
	char *report_buf;
	size_t report_len;
	bool seen[K_COUNT];
};

static void conf_parse_done(struct conf_parse *p)
{
	xlu_cfg_destroy(p->xlu);
	if (p->report)
		fclose(p->report);
	free(p->report_buf);
}

/* The scanner's callback: every key must be ours, and appear once. */
static int note_key(void *arg, const char *key, size_t len, unsigned line,
		    struct sv_error *err)
{
	struct conf_parse *p = arg;
	char q[SV_QUOTE_BUF];

	for (int k = 0; k < K_COUNT; k++) {
		if (strlen(key_names[k]) != len ||
		    memcmp(key_names[k], key, len) != 0)
			continue;
		if (p->seen[k])
			return sv_fail(err, EINVAL, "%s:%u: %s set twice",
				       p->name, line, key_names[k]);
		p->seen[k] = true;
		return 0;
	}
	return sv_fail(err, EINVAL, "%s:%u: unknown key \"%s\"", p->name, line,
		       sv_quote(q, sizeof(q), key, len));
}

/* An absolute path that fits size; what it names is checked when used. */
static int get_path(struct conf_parse *p, enum conf_key k, char *out,
		    size_t size, struct sv_error *err)
{
	const char *v = NULL;

	if (xlu_cfg_get_string(p->xlu, key_names[k], &v, 1) != 0 || !v)
		return sv_fail(err, EINVAL, "%s: %s must be a string", p->name,
			       key_names[k]);
	if (v[0] != '/' || strlen(v) >= size)
		return sv_fail(err, EINVAL,
			       "%s: %s must be an absolute path under %zu bytes",
			       p->name, key_names[k], size);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int get_number(struct conf_parse *p, enum conf_key k, long lo, long hi,
		      long *out, struct sv_error *err)
{
	long v;

	if (xlu_cfg_get_long(p->xlu, key_names[k], &v, 1) != 0 || v < lo ||
	    v > hi)
		return sv_fail(err, EINVAL, "%s: %s must be a number %ld..%ld",
			       p->name, key_names[k], lo, hi);
	*out = v;
	return 0;
}

static int apply_keys(struct conf_parse *p, struct sv_interpose_conf *c,
		      struct sv_error *err)
{
	long v;
	int r;

	if (p->seen[K_QEMU] &&
	    (r = get_path(p, K_QEMU, c->qemu, sizeof(c->qemu), err)) < 0)
		return r;
	if (p->seen[K_SOCKET] &&
	    (r = get_path(p, K_SOCKET, c->socket, sizeof(c->socket), err)) < 0)
		return r;
	if (p->seen[K_WAIT]) {
		if ((r = get_number(p, K_WAIT, 1, SV_CONTROL_WAIT_MAX, &v, err)) < 0)
			return r;
		c->wait_seconds = (unsigned)v;
	}
	if (p->seen[K_RESTRICT]) {
		if ((r = get_number(p, K_RESTRICT, 0, 1, &v, err)) < 0)
			return r;
		c->require_restrict = v;
	}
	if (p->seen[K_DISABLED]) {
		if ((r = get_number(p, K_DISABLED, 0, 1, &v, err)) < 0)
			return r;
		c->allow_disabled = v;
	}
	return 0;
}

static int parse_data(struct conf_parse *p, const char *data, size_t len,
		      struct sv_interpose_conf *c, struct sv_error *err)
{
	int r;

	if (memchr(data, '\0', len))
		return sv_fail(err, EINVAL, "%s: holds a NUL byte", p->name);
	if ((r = sv_cfg_scan(p->name, data, len, note_key, p, err)) < 0)
		return r;
	p->report = open_memstream(&p->report_buf, &p->report_len);
	if (!p->report || !(p->xlu = xlu_cfg_init(p->report, p->name)))
		return sv_fail(err, ENOMEM, "%s: out of memory", p->name);
	if ((r = xlu_cfg_readdata(p->xlu, data, (int)len)) != 0) {
		if (fflush(p->report) == 0 && p->report_len > 0) {
			p->report_buf[strcspn(p->report_buf, "\n")] = '\0';
			return sv_fail(err, r, "%s", p->report_buf);
		}
		return sv_fail(err, r, "%s: cannot parse", p->name);
	}
	return apply_keys(p, c, err);
}

/* The whole file, or -ENOENT when there is none (the defaults apply). */
static int read_file(const char *path, char *buf, size_t size, size_t *len,
		     struct sv_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? -ENOENT :
			sv_fail(err, errno, "%s: %s", path, strerror(errno));
	n = read(fd, buf, size);
	if (n < 0)
		return sv_fail(err, errno, "%s: %s", path, strerror(errno));
	if ((size_t)n == size)
		return sv_fail(err, EFBIG, "%s: larger than %zu bytes", path,
			       size - 1);
	*len = (size_t)n;
	return 0;
}

int sv_interpose_conf_load(const char *path, struct sv_interpose_conf *out,
			   struct sv_error *err)
{
	struct sv_interpose_conf c = {
		.wait_seconds = SV_INTERPOSE_WAIT_DEFAULT,
		.require_restrict = true,
		.allow_disabled = false,
	};
	struct conf_parse p = { .name = path };
	_cleanup_free_ char *data = malloc(CONF_MAX_SIZE + 1);
	size_t len = 0;
	int r;

	if (!data)
		return sv_fail(err, ENOMEM, "%s: out of memory", path);
	snprintf(c.socket, sizeof(c.socket), "%s", SV_CONTROL_SOCKET);
	r = read_file(path, data, CONF_MAX_SIZE + 1, &len, err);
	if (r == -ENOENT) {
		*out = c;
		return 0;
	}
	if (r < 0)
		return r;
	r = parse_data(&p, data, len, &c, err);
	conf_parse_done(&p);
	if (r < 0)
		return r;
	*out = c;
	return 0;
}

int sv_interpose_default_qemu(const char *self, const char *compiled,
			      char *buf, size_t size)
{
	struct stat s, q;
	bool diverted = stat(self, &s) == 0 && stat(compiled, &q) == 0 &&
			s.st_dev == q.st_dev && s.st_ino == q.st_ino;
	int n = snprintf(buf, size, "%s%s", compiled,
			 diverted ? SV_INTERPOSE_DIVERT_SUFFIX : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
