/* xl_conf.c: reads /etc/svirt/xl.conf (strict scanner, then libxlutil) and builds
 * the Flask labels of a guest and its stub device model from the configured bases. */
#include "xl_conf.h"

#include <errno.h>
#include <fcntl.h>
#include <libxlutil.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_scan.h"
#include "control.h"

#define XL_CONF_MAX_SIZE 16384

enum xl_key {
	K_SOCKET, K_XL, K_INTERPOSER, K_VIF_SCRIPT, K_RUN_DIR, K_WAIT, K_FLASK,
	K_FLASK_GUEST, K_FLASK_DM, K_COUNT
};

static const char *const key_names[K_COUNT] = {
	[K_SOCKET] = "socket",
	[K_XL] = "xl",
	[K_INTERPOSER] = "interposer",
	[K_VIF_SCRIPT] = "vif_script",
	[K_RUN_DIR] = "run_dir",
	[K_WAIT] = "wait",
	[K_FLASK] = "flask",
	[K_FLASK_GUEST] = "flask_guest_context",
	[K_FLASK_DM] = "flask_dm_context",
};

struct xl_parse {
	const char *name;
	unsigned line[K_COUNT];
	XLU_Config *xlu;
	struct sv_error *err;
};

static int copy(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(dst, s, n + 1);
	return 0;
}

static int base_context(const char *s, struct sv_context *out,
			struct sv_error *err)
{
	struct sv_context c;
	int r;

	if ((r = sv_context_parse(s, &c, err)) < 0)
		return r;
	if (!sv_level_equal(&c.range.low, &c.range.high) ||
	    sv_catset_count(&c.range.low.cats) != 0)
		return sv_fail(err, EINVAL,
			       "\"%s\": a base context has one level and no categories (…:s0)",
			       s);
	*out = c;
	return 0;
}

int sv_xl_conf_defaults(struct sv_xl_conf *c, const char *interposer)
{
	struct sv_xl_conf d = {
		.wait_seconds = SV_XL_WAIT_DEFAULT, .flask = SV_XL_FLASK_AUTO,
	};

	if (copy(d.socket, sizeof(d.socket), SV_CONTROL_SOCKET) < 0 ||
	    copy(d.xl, sizeof(d.xl), SV_XEN_XL) < 0 ||
	    copy(d.interposer, sizeof(d.interposer), interposer) < 0 ||
	    copy(d.vif_script, sizeof(d.vif_script), "vif-svirt") < 0 ||
	    copy(d.run_dir, sizeof(d.run_dir), SV_XL_RUN_DIR) < 0 ||
	    base_context("system_u:system_r:svirt_domU_t:s0", &d.flask_guest, NULL) < 0 ||
	    base_context("system_u:system_r:svirt_dm_t:s0", &d.flask_dm, NULL) < 0)
		return -EINVAL;
	*c = d;
	return 0;
}

static int note_key(void *arg, const char *key, size_t len, unsigned line,
		    struct sv_error *err)
{
	struct xl_parse *p = arg;
	char q[SV_QUOTE_BUF];

	for (int k = 0; k < K_COUNT; k++) {
		if (strlen(key_names[k]) != len ||
		    memcmp(key_names[k], key, len) != 0)
			continue;
		if (p->line[k])
			return sv_fail(err, EINVAL,
				       "%s:%u: %s: set again (first on line %u)",
				       p->name, line, key_names[k], p->line[k]);
		p->line[k] = line;
		return 0;
	}
	return sv_fail(err, EINVAL, "%s:%u: \"%s\": unknown key", p->name, line,
		       sv_quote(q, sizeof(q), key, len));
}

static int key_fail(const struct xl_parse *p, enum xl_key k, const char *why)
{
	return sv_fail(p->err, EINVAL, "%s:%u: %s: %s", p->name, p->line[k],
		       key_names[k], why);
}

static int get_string(const struct xl_parse *p, enum xl_key k, const char **v)
{
	if (xlu_cfg_get_string(p->xlu, key_names[k], v, 1) != 0 || !*v)
		return key_fail(p, k, "expected a \"string\"");
	for (const char *s = *v; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return key_fail(p, k, "holds a control character");
	return 0;
}

static int get_path(const struct xl_parse *p, enum xl_key k, char *out,
		    size_t size)
{
	const char *v;
	int r;

	if ((r = get_string(p, k, &v)) < 0)
		return r;
	if (v[0] != '/')
		return key_fail(p, k, "expected an absolute path");
	if (copy(out, size, v) < 0)
		return key_fail(p, k, "too long");
	return 0;
}

static int set_vif_script(const struct xl_parse *p, struct sv_xl_conf *c)
{
	const char *v;
	int r;

	if ((r = get_string(p, K_VIF_SCRIPT, &v)) < 0)
		return r;
	/* xl splits a vif spec at ',' and '='; a name must survive both. */
	if (strpbrk(v, ",= \t\"'\\"))
		return key_fail(p, K_VIF_SCRIPT,
				"a script name cannot hold ',', '=', blanks, quotes or '\\'");
	if (copy(c->vif_script, sizeof(c->vif_script), v) < 0)
		return key_fail(p, K_VIF_SCRIPT, "too long");
	return 0;
}

static int set_flask(const struct xl_parse *p, struct sv_xl_conf *c)
{
	static const char *const modes[] = { "auto", "on", "off" };
	const char *v;
	int r;

	if ((r = get_string(p, K_FLASK, &v)) < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (strcmp(v, modes[i]) == 0) {
			c->flask = (enum sv_xl_flask)i;
			return 0;
		}
	return key_fail(p, K_FLASK, "expected \"auto\", \"on\" or \"off\"");
}

static int set_base(const struct xl_parse *p, enum xl_key k,
		    struct sv_context *out)
{
	struct sv_error e;
	const char *v;
	int r;

	if ((r = get_string(p, k, &v)) < 0)
		return r;
	if (base_context(v, out, &e) < 0)
		return key_fail(p, k, e.msg);
	return 0;
}

static int apply(const struct xl_parse *p, struct sv_xl_conf *c)
{
	struct { enum xl_key k; char *dst; size_t size; } paths[] = {
		{ K_SOCKET, c->socket, sizeof(c->socket) },
		{ K_XL, c->xl, sizeof(c->xl) },
		{ K_INTERPOSER, c->interposer, sizeof(c->interposer) },
		{ K_RUN_DIR, c->run_dir, sizeof(c->run_dir) },
	};
	long v;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (p->line[paths[i].k] &&
		    (r = get_path(p, paths[i].k, paths[i].dst, paths[i].size)) < 0)
			return r;
	if (p->line[K_VIF_SCRIPT] && (r = set_vif_script(p, c)) < 0)
		return r;
	if (p->line[K_WAIT]) {
		if (xlu_cfg_get_bounded_long(p->xlu, key_names[K_WAIT], 1,
					     SV_CONTROL_WAIT_MAX, &v, 1) != 0)
			return key_fail(p, K_WAIT, "expected a number 1..600");
		c->wait_seconds = (unsigned)v;
	}
	if (p->line[K_FLASK] && (r = set_flask(p, c)) < 0)
		return r;
	if (p->line[K_FLASK_GUEST] &&
	    (r = set_base(p, K_FLASK_GUEST, &c->flask_guest)) < 0)
		return r;
	if (p->line[K_FLASK_DM] && (r = set_base(p, K_FLASK_DM, &c->flask_dm)) < 0)
		return r;
	return 0;
}

int sv_xl_conf_parse(const char *data, size_t len, const char *name,
		     struct sv_xl_conf *out, struct sv_error *err)
{
	struct xl_parse p = { .name = name, .err = err };
	_cleanup_free_ char *report_buf = NULL;
	_cleanup_free_ struct sv_xl_conf *c = malloc(sizeof(*c));
	size_t report_len = 0;
	FILE *report = NULL;
	int r;

	if (!c)
		return sv_fail(err, ENOMEM, "out of memory");
	*c = *out;
	if (memchr(data, '\0', len))
		return sv_fail(err, EINVAL, "%s: holds a NUL byte", name);
	if ((r = sv_cfg_scan(name, data, len, note_key, &p, err)) < 0)
		return r;
	report = open_memstream(&report_buf, &report_len);
	if (!report || !(p.xlu = xlu_cfg_init(report, name))) {
		r = sv_fail(err, ENOMEM, "%s: out of memory", name);
	} else if (xlu_cfg_readdata(p.xlu, data, (int)len) != 0) {
		r = sv_fail(err, EINVAL, "%s: libxlutil cannot parse it", name);
	} else if ((r = apply(&p, c)) == 0) {
		*out = *c;
	}
	if (p.xlu)
		xlu_cfg_destroy(p.xlu);
	if (report)
		fclose(report);
	return r;
}

int sv_xl_conf_load(const char *path, bool must_exist, struct sv_xl_conf *c,
		    struct sv_error *err)
{
	_cleanup_free_ char *data = malloc(XL_CONF_MAX_SIZE + 1);
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (!data)
		return sv_fail(err, ENOMEM, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT && !must_exist ? 0 :
		       sv_fail(err, errno, "%s: %m", path);
	n = read(fd, data, XL_CONF_MAX_SIZE + 1);
	if (n < 0)
		return sv_fail(err, errno, "%s: %m", path);
	if (n > XL_CONF_MAX_SIZE)
		return sv_fail(err, EFBIG, "%s: larger than %d bytes", path,
			       XL_CONF_MAX_SIZE);
	return sv_xl_conf_parse(data, (size_t)n, path, c, err);
}

int sv_xl_flask_label(const struct sv_context *base, struct sv_pair pair,
		      char *buf, size_t size, struct sv_error *err)
{
	struct sv_context c = *base;
	int r;

	if (!sv_pair_valid(pair))
		return sv_fail(err, EINVAL, "category pair c%u,c%u is not valid",
			       pair.a, pair.b);
	sv_pair_to_catset(pair, &c.range.low.cats);
	c.range.high = c.range.low;
	if ((r = sv_context_format(&c, buf, size)) < 0)
		return sv_fail(err, -r, "Flask label for type %s does not fit",
			       base->type);
	return 0;
}

int sv_xl_vif_script_path(const struct sv_xl_conf *c, char *buf, size_t size)
{
	int n = c->vif_script[0] == '/' ?
		snprintf(buf, size, "%s", c->vif_script) :
		snprintf(buf, size, "%s/%s", SV_XL_SCRIPT_DIR, c->vif_script);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int sv_xl_run_dir(const char *dir, struct sv_error *err)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return sv_fail(err, errno, "%s: %s", dir, strerror(errno));
	if (lstat(dir, &st) < 0)
		return sv_fail(err, errno, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return sv_fail(err, EPERM, "%s: must be a directory of uid %u "
			       "with mode 0700", dir, (unsigned)geteuid());
	return 0;
}
