/* config.c: reads /etc/svirt/svirt.conf into struct sv_config.
 * A strict scanner finds each key's line; libxlutil checks syntax and holds values. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libxlutil.h>
#include <limits.h>
#include <selinux/selinux.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config_internal.h"
#include "config_scan.h"
#include "log.h"

const char *const sv_cfg_key_names[K_COUNT] = {
	"categories", "process_context", "image_context", "content_context",
	"packet_context", "state_dir", "relabel_roots", "shared_images",
	"log_level", "network", "network_dom0", "network_outside",
	"network_default_peer", "network_outside_packet", "audit",
	"guest_seclabel", "guest_relabel_no", "guest_shared_images",
	"guest_network_off",
	/* issue 19 item 3: translated labels (config_setrans.c) */
	"setrans", "setrans_file", "setrans_admin", "setrans_reload",
};

static const char *const default_roots[] = {
	"/var/lib/xen/images", "/dev/xen/blktap-2", "/dev",
};

int sv_cfg_fail_key(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		    const char *reason)
{
	return sv_fail(p->err, EINVAL, "%s:%u: %s: %s", p->name, p->line[k],
		       sv_cfg_key_names[k], reason);
}

int sv_cfg_fail_value(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		      const char *value, const char *reason)
{
	char q[SV_QUOTE_BUF];

	return sv_fail(p->err, EINVAL, "%s:%u: %s: \"%s\": %s", p->name,
		       p->line[k], sv_cfg_key_names[k],
		       sv_quote(q, sizeof(q), value, strlen(value)), reason);
}

/* ---- keys, found by config_scan.c ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int lookup_key(const char *name, size_t len)
{
	for (int k = 0; k < K_COUNT; k++)
		if (strlen(sv_cfg_key_names[k]) == len &&
		    memcmp(sv_cfg_key_names[k], name, len) == 0)
			return k;
	return -1;
}

/* Records the line of one key; unknown keys and a key given twice are
 * refused (libxlutil would quietly keep the last). */
static int note_key(void *arg, const char *name, size_t len, unsigned line,
		    struct sv_error *err)
{
	struct sv_cfg_parse *p = arg;
	char q[SV_QUOTE_BUF];
	int k = lookup_key(name, len);

	if (k < 0)
		return sv_fail(err, EINVAL, "%s:%u: \"%s\": unknown key", p->name,
			       line, sv_quote(q, sizeof(q), name, len));
	if (p->line[k])
		return sv_fail(err, EINVAL,
			       "%s:%u: %s: set again (first on line %u); give each key once",
			       p->name, line, sv_cfg_key_names[k], p->line[k]);
	p->line[k] = line;
	return 0;
}

/* ---- values ---- */

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* NULL if path is absolute and normalised (no "//", ".", "..", trailing
 * '/', nor "/" itself), else why not. */
const char *sv_cfg_path_problem(const char *path)
{
	const char *c = path;

	if (path[0] != '/')
		return "not an absolute path";
	if (strcmp(path, "/") == 0)
		return "\"/\" is too broad";
	if (strlen(path) >= PATH_MAX)
		return "longer than PATH_MAX";
	for (const char *q = path; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			return "has a control character";
	while (*c == '/') {
		const char *next = strchrnul(c + 1, '/');
		size_t n = (size_t)(next - c - 1);

		if (n == 0)
			return *next ? "has an empty component (\"//\")" : "ends in '/'";
		if ((n == 1 && c[1] == '.') || (n == 2 && c[1] == '.' && c[2] == '.'))
			return "has a \".\" or \"..\" component";
		c = next;
	}
	return NULL;
}

static bool under(const char *root, const char *path)
{
	size_t n = strlen(root);

	return strncmp(root, path, n) == 0 && path[n] == '/' && path[n + 1];
}

int sv_cfg_get_string(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		      const char **v)
{
	int r = xlu_cfg_get_string(p->xlu, sv_cfg_key_names[k], v, 1);

	if (r == EINVAL)
		return sv_cfg_fail_key(p, k, "expected a \"string\", not a list");
	if (r != 0)
		return sv_cfg_fail_key(p, k, "libxlutil does not see this key");
	return 0;
}

static int parse_cat(const char **s, unsigned *out)
{
	unsigned v = 0;
	const char *d = *s + 1;

	if (**s != 'c' || !is_digit(*d) || (*d == '0' && is_digit(d[1])))
		return -EINVAL;
	for (; is_digit(*d); d++)	/* saturating: any excess is out of range */
		v = v > SV_CATS ? v : v * 10 + (unsigned)(*d - '0');
	*s = d;
	*out = v;
	return 0;
}

static int set_categories(const struct sv_cfg_parse *p, struct sv_config *c)
{
	const char *v, *s;
	unsigned lo, hi;
	char why[64];
	int r;

	if ((r = sv_cfg_get_string(p, K_CATEGORIES, &v)) < 0)
		return r;
	s = v;
	if (parse_cat(&s, &lo) < 0 || *s++ != '.' || parse_cat(&s, &hi) < 0 ||
	    *s != '\0')
		return sv_cfg_fail_value(p, K_CATEGORIES, v, "expected cLOW.cHIGH, e.g. c1.c1023");
	if (lo == 0)
		return sv_cfg_fail_value(p, K_CATEGORIES, v, "c0 is never handed out");
	if (lo >= SV_CATS || hi >= SV_CATS) {
		snprintf(why, sizeof(why), "categories end at c%d", SV_CATS - 1);
		return sv_cfg_fail_value(p, K_CATEGORIES, v, why);
	}
	if (lo >= hi)
		return sv_cfg_fail_value(p, K_CATEGORIES, v,
				  "the low category must be below the high one");
	c->cat_lo = lo;
	c->cat_hi = hi;
	return 0;
}

static struct sv_context *base_of(struct sv_bases *b, enum sv_base_kind k)
{
	struct sv_context *all[SV_BASE_COUNT] = { &b->process, &b->image,
						  &b->content, &b->packet };

	return all[k];
}

static int set_base(struct sv_config *c, enum sv_base_kind kind,
		    const struct sv_context *ctx, enum sv_base_origin origin,
		    const char *file)
{
	char *f = strdup(file);

	if (!f)
		return -ENOMEM;
	*base_of(&c->bases, kind) = *ctx;
	c->origin[kind] = origin;
	free(c->origin_file[kind]);
	c->origin_file[kind] = f;
	return 0;
}

/* A base is one level without categories: svirtd adds each guest's pair,
 * and a range or categories here would suggest otherwise. */
static int set_context(const struct sv_cfg_parse *p, enum sv_cfg_key k, struct sv_config *c)
{
	enum sv_base_kind kind = (enum sv_base_kind)(k - K_PROCESS);
	struct sv_context ctx;
	const char *v;
	int r;

	if ((r = sv_cfg_get_string(p, k, &v)) < 0)
		return r;
	if (sv_context_parse(v, &ctx, p->err) < 0)
		return sv_fail_prefix(p->err, EINVAL, "%s:%u: %s", p->name,
				      p->line[k], sv_cfg_key_names[k]);
	if (sv_catset_count(&ctx.range.low.cats) ||
	    !sv_level_equal(&ctx.range.low, &ctx.range.high))
		return sv_cfg_fail_value(p, k, v, "give a single level without categories (e.g. s0); each guest's pair is added to it");
	return set_base(c, kind, &ctx, SV_ORIGIN_CONFIG, p->name);
}

static int set_state_dir(const struct sv_cfg_parse *p, struct sv_config *c)
{
	const char *v, *why;
	char *d;
	int r;

	if ((r = sv_cfg_get_string(p, K_STATE_DIR, &v)) < 0)
		return r;
	if ((why = sv_cfg_path_problem(v)))
		return sv_cfg_fail_value(p, K_STATE_DIR, v, why);
	if (!(d = strdup(v)))
		return -ENOMEM;
	free(c->state_dir);
	c->state_dir = d;
	return 0;
}

static int check_list_item(const struct sv_cfg_parse *p, enum sv_cfg_key k, char **v,
			   size_t i, const char *item)
{
	const char *why;

	if (!item)
		return sv_cfg_fail_key(p, k, "list items must be \"strings\"");
	if ((why = sv_cfg_path_problem(item)))
		return sv_cfg_fail_value(p, k, item, why);
	for (size_t j = 0; j < i; j++)
		if (strcmp(v[j], item) == 0)
			return sv_cfg_fail_value(p, k, item, "listed twice");
	return 0;
}

/* A list of absolute, normalised paths, replacing *out. */
static int set_paths(const struct sv_cfg_parse *p, enum sv_cfg_key k, size_t max,
		     char ***out, size_t *nout)
{
	XLU_ConfigList *list;
	char **v;
	size_t n = 0;
	char why[64];
	int cnt, r;

	r = xlu_cfg_get_list(p->xlu, sv_cfg_key_names[k], &list, &cnt, 1);
	if (r == EINVAL)
		return sv_cfg_fail_key(p, k, "expected a list: [ \"/path\", ... ]");
	if (r != 0)
		return sv_cfg_fail_key(p, k, "libxlutil does not see this key");
	if ((size_t)cnt > max) {
		snprintf(why, sizeof(why), "more than %zu entries", max);
		return sv_cfg_fail_key(p, k, why);
	}
	if (!(v = calloc((size_t)cnt + 1, sizeof(*v))))
		return -ENOMEM;
	for (; n < (size_t)cnt; n++) {
		const char *item = xlu_cfg_get_listitem(list, (int)n);

		if ((r = check_list_item(p, k, v, n, item)) == 0 &&
		    !(v[n] = strdup(item)))
			r = -ENOMEM;
		if (r < 0) {
			strv_free(v, n);
			return r;
		}
	}
	strv_free(*out, *nout);
	*out = v;
	*nout = n;
	return 0;
}

static int set_roots(const struct sv_cfg_parse *p, struct sv_config *c)
{
	int r = set_paths(p, K_ROOTS, SV_CONFIG_MAX_ROOTS, &c->relabel_roots,
			  &c->nroots);

	if (r == 0 && c->nroots == 0)
		return sv_cfg_fail_key(p, K_ROOTS, "empty: svirtd could label no storage");
	return r;
}

static int set_log_level(const struct sv_cfg_parse *p, struct sv_config *c)
{
	const char *v;
	int r;

	if ((r = sv_cfg_get_string(p, K_LOG_LEVEL, &v)) < 0)
		return r;
	if ((r = sv_log_level_parse(v)) < 0)
		return sv_cfg_fail_value(p, K_LOG_LEVEL, v,
				  "expected debug, info, notice, warning or err");
	c->log_level = r;
	return 0;
}

/* "off": no audit records (tests, a host whose audit log must not see
 * them); svirtd reads it at start-up only. */
static int set_audit(const struct sv_cfg_parse *p, struct sv_config *c)
{
	const char *v;
	int r;

	if ((r = sv_cfg_get_string(p, K_AUDIT, &v)) < 0)
		return r;
	if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
		return sv_cfg_fail_value(p, K_AUDIT, v, "expected \"on\" or \"off\"");
	c->audit_off = strcmp(v, "off") == 0;
	return 0;
}

static int set_key(const struct sv_cfg_parse *p, enum sv_cfg_key k, struct sv_config *c)
{
	switch (k) {
	case K_CATEGORIES:
		return set_categories(p, c);
	case K_STATE_DIR:
		return set_state_dir(p, c);
	case K_ROOTS:
		return set_roots(p, c);
	case K_SHARED:
		return set_paths(p, K_SHARED, SV_CONFIG_MAX_SHARED,
				 &c->shared_images, &c->nshared);
	case K_LOG_LEVEL:
		return set_log_level(p, c);
	case K_AUDIT:
		return set_audit(p, c);
	case K_SETRANS:
	case K_SETRANS_FILE:
	case K_SETRANS_ADMIN:
	case K_SETRANS_RELOAD:
		return sv_cfg_setrans_set(p, k, c);
	case K_NETWORK:
	case K_NET_DOM0:
	case K_NET_OUTSIDE:
	case K_NET_DEFAULT_PEER:
	case K_NET_OUTSIDE_PACKET:
		return sv_cfg_net_set(p, k, c);
	case K_GUEST_SECLABEL:
	case K_GUEST_RELABEL_NO:
	case K_GUEST_SHARED:
	case K_GUEST_NETWORK_OFF:
		return sv_cfg_guest_set(p, k, c);
	default:
		return set_context(p, k, c);
	}
}

/* Keys in file order, so the first problem in the file is the one told. */
static int apply_keys(const struct sv_cfg_parse *p, struct sv_config *c)
{
	bool done[K_COUNT] = { false };
	int r;

	for (;;) {
		int next = -1;

		for (int k = 0; k < K_COUNT; k++)
			if (p->line[k] && !done[k] &&
			    (next < 0 || p->line[k] < p->line[next]))
				next = k;
		if (next < 0)
			break;
		done[next] = true;
		if ((r = set_key(p, (enum sv_cfg_key)next, c)) < 0)
			return r;
	}
	for (size_t i = 0; i < c->nshared; i++)
		if (!sv_config_path_under_root(c, c->shared_images[i]))
			return sv_cfg_fail_value(p, K_SHARED, c->shared_images[i],
					  "not under any relabel root");
	return 0;
}

/* ---- the policy's base contexts ---- */

/* Line n (from 1) of f into *buf without trailing blanks; 0 if the file
 * has no such line. */
static int read_line(FILE *f, const char *path, unsigned n, char **buf,
		     size_t *cap, struct sv_error *err)
{
	ssize_t len = getline(buf, cap, f);

	if (len < 0)
		return ferror(f) ? sv_fail(err, EIO, "%s: cannot read", path) : 0;
	if ((size_t)len != strlen(*buf))
		return sv_fail(err, EINVAL, "%s:%u: NUL byte", path, n);
	if (len >= SV_CONTEXT_MAX)
		return sv_fail(err, EINVAL, "%s:%u: line too long", path, n);
	while (len > 0 && strchr(" \t\r\n", (*buf)[len - 1]))
		(*buf)[--len] = '\0';
	return 1;
}

/* Fills the bases the config left unset from one policy file, line i+1
 * naming kinds[i].  A missing or unreadable file (or line) leaves the
 * built-in; a malformed line is an error, so a broken policy fails closed. */
static int fallback_from(struct sv_config *c, const char *path,
			 const enum sv_base_kind *kinds, unsigned n,
			 struct sv_error *err)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	struct sv_context ctx;
	bool need = false;
	FILE *f = NULL;
	int r = 0;

	for (unsigned i = 0; i < n; i++)
		need |= c->origin[kinds[i]] == SV_ORIGIN_BUILTIN;
	if (!need || !path || !(f = fopen(path, "re")))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		if ((r = read_line(f, path, i + 1, &line, &cap, err)) <= 0)
			break;
		r = 0;
		if (c->origin[kinds[i]] != SV_ORIGIN_BUILTIN || !line[0])
			continue;
		if (sv_context_parse(line, &ctx, err) < 0) {
			r = sv_fail_prefix(err, EINVAL, "%s:%u", path, i + 1);
			break;
		}
		if ((r = set_base(c, kinds[i], &ctx, SV_ORIGIN_POLICY, path)) < 0)
			break;
	}
	fclose(f);
	return r;
}

static int fallback_bases(struct sv_config *c,
			  const struct sv_config_sources *src,
			  struct sv_error *err)
{
	static const enum sv_base_kind domain[] = { SV_BASE_PROCESS };
	static const enum sv_base_kind image[] = { SV_BASE_IMAGE,
						   SV_BASE_CONTENT };
	const char *dpath = src && src->domain_context_path ?
		src->domain_context_path : selinux_virtual_domain_context_path();
	const char *ipath = src && src->image_context_path ?
		src->image_context_path : selinux_virtual_image_context_path();
	int r = fallback_from(c, dpath, domain, ARRAY_SIZE(domain), err);

	return r < 0 ? r : fallback_from(c, ipath, image, ARRAY_SIZE(image), err);
}

/* ---- the public API ---- */

int sv_config_init(struct sv_config *c)
{
	struct sv_config n = { .cat_lo = 1, .cat_hi = SV_CATS - 1,
			       .log_level = LOG_INFO };
	int r;

	sv_cfg_net_defaults(&n.net);
	if ((r = sv_bases_defaults(&n.bases)) < 0)
		return r;
	n.state_dir = strdup(SV_STATE_DIR);
	n.relabel_roots = calloc(ARRAY_SIZE(default_roots), sizeof(char *));
	if (!n.state_dir || !n.relabel_roots ||
	    sv_cfg_setrans_defaults(&n.setrans) < 0) {
		sv_config_free(&n);
		return -ENOMEM;
	}
	for (; n.nroots < ARRAY_SIZE(default_roots); n.nroots++)
		if (!(n.relabel_roots[n.nroots] = strdup(default_roots[n.nroots]))) {
			sv_config_free(&n);
			return -ENOMEM;
		}
	*c = n;
	return 0;
}

void sv_config_free(struct sv_config *c)
{
	for (int k = 0; k < SV_BASE_COUNT; k++)
		free(c->origin_file[k]);
	free(c->state_dir);
	sv_cfg_setrans_free(&c->setrans);
	strv_free(c->relabel_roots, c->nroots);
	strv_free(c->shared_images, c->nshared);
	sv_cfg_guest_free(c);
	*c = (struct sv_config){ .log_level = LOG_INFO };
}

/* Bytes refused wherever they are: a NUL would cut a value short unseen,
 * and libxlutil refuses a carriage return with a puzzling message. */
static int check_bytes(const struct sv_cfg_parse *p, const char *data, size_t len)
{
	unsigned line = 1;

	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\0')
			return sv_fail(p->err, EINVAL, "%s:%u: NUL byte", p->name, line);
		if (data[i] == '\r')
			return sv_fail(p->err, EINVAL,
				       "%s:%u: carriage return: use Unix line endings",
				       p->name, line);
		line += data[i] == '\n';
	}
	return 0;
}

/* libxlutil's verdict on the syntax the scanner accepted; its first line
 * of complaint if it refuses. */
static int xlu_read(struct sv_cfg_parse *p, const char *data, size_t len)
{
	int r;

	p->report = open_memstream(&p->report_buf, &p->report_len);
	if (!p->report || !(p->xlu = xlu_cfg_init(p->report, p->name)))
		return -ENOMEM;
	r = xlu_cfg_readdata(p->xlu, data, (int)len);
	if (r == 0)
		return 0;
	if (fflush(p->report) == 0 && p->report_len > 0) {
		p->report_buf[strcspn(p->report_buf, "\n")] = '\0';
		return sv_fail(p->err, r, "%s", p->report_buf);
	}
	return sv_fail(p->err, r, "%s: cannot parse: %s", p->name, strerror(r));
}

static void parse_done(struct sv_cfg_parse *p)
{
	xlu_cfg_destroy(p->xlu);
	if (p->report)
		fclose(p->report);
	free(p->report_buf);
}

static int parse_into(struct sv_cfg_parse *p, const char *data, size_t len,
		      const struct sv_config_sources *src, struct sv_config *c)
{
	int r;

	if (len > SV_CONFIG_MAX_SIZE)
		return sv_fail(p->err, EFBIG, "%s: larger than %d bytes",
			       p->name, SV_CONFIG_MAX_SIZE);
	if ((r = check_bytes(p, data, len)) < 0 ||
	    (r = sv_cfg_scan(p->name, data, len, note_key, p, p->err)) < 0 ||
	    (r = xlu_read(p, data, len)) < 0 ||
	    (r = apply_keys(p, c)) < 0 ||
	    (r = fallback_bases(c, src, p->err)) < 0)
		return r;
	if ((r = sv_cfg_net_check(p, c)) < 0)
		return r;
	return sv_cfg_guest_check(p, c);
}

int sv_config_parse(const char *data, size_t len, const char *name,
		    const struct sv_config_sources *src, struct sv_config *out,
		    struct sv_error *err)
{
	struct sv_cfg_parse p = { .name = name, .err = err };
	struct sv_config c;
	int r;

	if ((r = sv_config_init(&c)) < 0)
		return sv_fail(err, -r, "%s: %s", name, strerror(-r));
	r = parse_into(&p, data, len, src, &c);
	parse_done(&p);
	if (r < 0) {
		if (r == -ENOMEM)
			sv_fail(err, ENOMEM, "%s: %s", name, strerror(ENOMEM));
		sv_config_free(&c);
		return r;
	}
	*out = c;
	return 0;
}

/* A world-writable config would let anyone choose the labels: refused. */
static int read_config_file(const char *path, char **data, size_t *len,
			    struct sv_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t n = 0;
	ssize_t got;

	if (fd < 0 || fstat(fd, &st) < 0)
		return sv_fail(err, errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sv_fail(err, EINVAL, "%s: not a regular file", path);
	if (st.st_mode & S_IWOTH)
		return sv_fail(err, EPERM, "%s: writable by everyone", path);
	if (!(buf = malloc(SV_CONFIG_MAX_SIZE + 1)))
		return sv_fail(err, ENOMEM, "%s: %s", path, strerror(ENOMEM));
	while ((got = read(fd, buf + n, SV_CONFIG_MAX_SIZE + 1 - n)) > 0)
		if ((n += (size_t)got) > SV_CONFIG_MAX_SIZE)
			return sv_fail(err, EFBIG, "%s: larger than %d bytes",
				       path, SV_CONFIG_MAX_SIZE);
	if (got < 0)
		return sv_fail(err, errno, "%s: %s", path, strerror(errno));
	*data = TAKE_PTR(buf);
	*len = n;
	return 0;
}

int sv_config_load(const char *path, const struct sv_config_sources *src,
		   struct sv_config *out, struct sv_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = read_config_file(path, &data, &len, err);

	return r < 0 ? r : sv_config_parse(data, len, path, src, out, err);
}

bool sv_config_path_under_root(const struct sv_config *c,
			       const char *resolved_path)
{
	if (!resolved_path || sv_cfg_path_problem(resolved_path))
		return false;
	for (size_t i = 0; i < c->nroots; i++)
		if (under(c->relabel_roots[i], resolved_path))
			return true;
	return false;
}

const char *sv_base_origin_name(enum sv_base_origin o)
{
	switch (o) {
	case SV_ORIGIN_CONFIG:
		return "config";
	case SV_ORIGIN_POLICY:
		return "policy file";
	default:
		return "built-in";
	}
}

const struct sv_context *sv_config_base(const struct sv_config *c,
					enum sv_base_kind k)
{
	const struct sv_context *all[SV_BASE_COUNT] = {
		&c->bases.process, &c->bases.image, &c->bases.content,
		&c->bases.packet
	};

	return k < SV_BASE_COUNT ? all[k] : NULL;
}
