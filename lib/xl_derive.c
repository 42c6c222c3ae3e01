/* xl_derive.c: reads a guest's xl config (strict scanner, then libxlutil) and
 * writes the derived config svirt-xl create runs: the same values plus its own keys. */
#include "xl_derive.h"

#include <errno.h>
#include <libxlutil.h>
#include <stdio.h>
#include <string.h>

#include "config_scan.h"
#include "xl_qdev.h"

/* Keys svirt-xl sets and a guest config may not. */
static const char *const owned_keys[] = {
	"seclabel", "init_seclabel", "device_model_stubdomain_seclabel",
	"device_model_override",
};

/* The keys of one source (the file or one argument), found by the scanner. */
struct src_keys {
	const char *src;
	char **keys;
	unsigned *lines;
	size_t n;
};

static void src_keys_free(struct src_keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->keys[i]);
	free(k->keys);
	free(k->lines);
}

static int note_key(void *arg, const char *key, size_t len, unsigned line,
		    struct sv_error *err)
{
	struct src_keys *k = arg;
	char **keys;
	unsigned *lines;

	for (size_t i = 0; i < k->n; i++)
		if (strlen(k->keys[i]) == len && memcmp(k->keys[i], key, len) == 0)
			return sv_fail(err, EINVAL,
				       "%s:%u: %s: set again (first on line %u); give each key once",
				       k->src, line, k->keys[i], k->lines[i]);
	if (k->n >= SV_XLCFG_MAX_KEYS)
		return sv_fail(err, E2BIG, "%s:%u: more than %d keys", k->src,
			       line, SV_XLCFG_MAX_KEYS);
	keys = realloc(k->keys, (k->n + 1) * sizeof(*keys));
	if (keys)
		k->keys = keys;
	lines = realloc(k->lines, (k->n + 1) * sizeof(*lines));
	if (lines)
		k->lines = lines;
	if (!keys || !lines || !(k->keys[k->n] = strndup(key, len)))
		return sv_fail(err, ENOMEM, "out of memory");
	k->lines[k->n++] = line;
	return 0;
}

static void stmt_free(struct sv_xlcfg_stmt *s)
{
	free(s->key);
	for (size_t i = 0; i < s->n; i++)
		free(s->values[i]);
	free(s->values);
	memset(s, 0, sizeof(*s));
}

void sv_xlcfg_free(struct sv_xlcfg *c)
{
	for (size_t i = 0; i < c->n; i++)
		stmt_free(&c->stmts[i]);
	free(c->stmts);
	for (size_t i = 0; i < c->nargs; i++)
		free(c->args[i]);
	free(c->args);
	free(c->file);
	memset(c, 0, sizeof(*c));
}

static int stmt_fail(const struct sv_xlcfg_stmt *s, const char *why,
		     struct sv_error *err)
{
	return sv_fail(err, EINVAL, "%s:%u: %s: %s", s->src, s->line, s->key,
		       why);
}

static int add_value(struct sv_xlcfg_stmt *s, const char *v,
		     struct sv_error *err)
{
	char **values = realloc(s->values, (s->n + 1) * sizeof(*values));

	if (!values)
		return sv_fail(err, ENOMEM, "out of memory");
	s->values = values;
	if (!(s->values[s->n] = strdup(v)))
		return sv_fail(err, ENOMEM, "out of memory");
	s->n++;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return stmt_fail(s, "a value holds a control character",
					 err);
	return 0;
}

/* The value libxlutil holds for one scanned key. */
static int fetch(XLU_Config *xlu, struct sv_xlcfg_stmt *s, struct sv_error *err)
{
	XLU_ConfigList *list = NULL;
	const char *v = NULL;
	int n = 0, r;

	r = xlu_cfg_get_string(xlu, s->key, &v, 1);
	if (r == 0)
		return add_value(s, v, err);
	if (xlu_cfg_get_list(xlu, s->key, &list, &n, 1) != 0 || n < 0)
		return stmt_fail(s, "libxlutil does not see this key", err);
	if (n > SV_XLCFG_MAX_ITEMS)
		return stmt_fail(s, "too many list items", err);
	s->is_list = true;
	for (int i = 0; i < n; i++) {
		if (!(v = xlu_cfg_get_listitem(list, i)))
			return stmt_fail(s, "a list item is not a string", err);
		if ((r = add_value(s, v, err)) < 0)
			return r;
	}
	return 0;
}

static struct sv_xlcfg_stmt *find(const struct sv_xlcfg *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->stmts[i].key, key) == 0)
			return &c->stmts[i];
	return NULL;
}

/* Takes the statements of one source into c; a key already there (the
 * file's, when src is an argument) is replaced in place, as xl does. */
static int take_source(struct sv_xlcfg *c, XLU_Config *xlu,
		       struct src_keys *k, struct sv_error *err)
{
	for (size_t i = 0; i < k->n; i++) {
		struct sv_xlcfg_stmt s = {
			.key = TAKE_PTR(k->keys[i]), .src = k->src,
			.line = k->lines[i],
		};
		struct sv_xlcfg_stmt *old = find(c, s.key);
		struct sv_xlcfg_stmt *v;
		int r = fetch(xlu, &s, err);

		if (r < 0) {
			stmt_free(&s);
			return r;
		}
		if (old) {
			stmt_free(old);
			*old = s;
			continue;
		}
		v = realloc(c->stmts, (c->n + 1) * sizeof(*v));
		if (!v) {
			stmt_free(&s);
			return sv_fail(err, ENOMEM, "out of memory");
		}
		c->stmts = v;
		c->stmts[c->n++] = s;
	}
	return 0;
}

/* One source: scanned strictly for its keys and lines, then read by
 * libxlutil (which must accept it too), then merged into c. */
static int parse_source(struct sv_xlcfg *c, const char *src, const char *data,
			size_t len, struct sv_error *err)
{
	struct src_keys k = { .src = src };
	_cleanup_free_ char *report_buf = NULL;
	size_t report_len = 0;
	XLU_Config *xlu = NULL;
	FILE *report = NULL;
	int r;

	if (memchr(data, '\0', len))
		return sv_fail(err, EINVAL, "%s: holds a NUL byte", src);
	if ((r = sv_cfg_scan(src, data, len, note_key, &k, err)) < 0)
		goto out;
	report = open_memstream(&report_buf, &report_len);
	if (!report || !(xlu = xlu_cfg_init(report, src))) {
		r = sv_fail(err, ENOMEM, "%s: out of memory", src);
		goto out;
	}
	if ((r = xlu_cfg_readdata(xlu, data, (int)len)) != 0) {
		if (fflush(report) == 0 && report_len > 0) {
			report_buf[strcspn(report_buf, "\n")] = '\0';
			r = sv_fail(err, EINVAL, "%s", report_buf);
		} else {
			r = sv_fail(err, EINVAL, "%s: libxlutil cannot parse it", src);
		}
		goto out;
	}
	r = take_source(c, xlu, &k, err);
out:
	if (xlu)
		xlu_cfg_destroy(xlu);
	if (report)
		fclose(report);
	src_keys_free(&k);
	return r;
}

static int find_qdev(struct sv_xlcfg *c, const struct sv_xlcfg_stmt *s,
		     struct sv_error *err)
{
	const struct sv_xlcfg_qdev *q = NULL;
	bool served;
	int r;

	if (!s->is_list || c->qdev || !(q = sv_xl_qdev_kind(s->key)))
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		if ((r = sv_xl_qdev_served(q, s->values[i], &served, err)) < 0)
			return r;
		if (served) {
			c->qdev = q;
			c->qdev_index = (long)i;
			c->qdev_stmt = s;
			return 0;
		}
	}
	return 0;
}

/*
 * Xen 4.17 with QEMU 7.2: once a restricted qemu is built it has lost its
 * xenstore connections (-xen-domid-restrict: libxenstore's part of
 * xentoolcore_restrict_all puts /dev/null in their place) and sits in an
 * empty chroot.  An HVM guest's qemu opened its disks before; a PV (or PVH)
 * guest's qemu serves its backends only through xenstore, after: under
 * dm_restrict a qdisk disk never connects and the guest boots without it
 * once blkfront gives up, and a vfb or vkbd backend, though it reaches
 * InitWait from qemu's first look at xenstore, never sees its frontend
 * again (scenario xen/79 shows it from dom0).  A channel's console and a
 * p9 share are served by the same xenstore-driven code, so they count too.
 * That guest's qemu runs unrestricted (still at the guest's pair, through
 * svirt-interpose); every other one restricted.
 */
static int check_dm_restrict(struct sv_xlcfg *c, struct sv_error *err)
{
	const struct sv_xlcfg_stmt *s = find(c, "dm_restrict");
	char why[SV_ERROR_MAX];

	c->dm_restrict = c->hvm || !c->qdev;
	if (!s)
		return 0;
	if (c->dm_restrict) {
		if (strcmp(s->values[0], "1") == 0)
			return 0;
		return stmt_fail(s, c->hvm ?
				 "svirt-xl runs every HVM device model with dm_restrict = 1" :
				 "svirt-xl runs the device model of a PV guest without qdisk "
				 "disks, vfbs, qemu vkbs, channels or p9 shares with "
				 "dm_restrict = 1", err);
	}
	if (strcmp(s->values[0], "0") == 0)
		return 0;
	snprintf(why, sizeof(why),
		 "%s %ld (%s:%u) is %s, which a PV guest's qemu cannot "
		 "serve under dm_restrict (Xen 4.17, QEMU 7.2: it loses xenstore); "
		 "remove dm_restrict or %s",
		 c->qdev->key, c->qdev_index, c->qdev_stmt->src, c->qdev_stmt->line,
		 c->qdev->what, c->qdev->instead);
	return stmt_fail(s, why, err);
}

static int check_stmt(struct sv_xlcfg *c, struct sv_xlcfg_stmt *s,
		      struct sv_error *err)
{
	char why[160];
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(owned_keys); i++)
		if (strcmp(s->key, owned_keys[i]) == 0)
			return stmt_fail(s, "svirt-xl sets this key itself; remove it", err);
	if (strcmp(s->key, "vif") == 0) {
		if (!s->is_list)
			return stmt_fail(s, "expected a list of vif specs", err);
		for (size_t i = 0; i < s->n; i++)
			if (sv_xl_spec_has(s->values[i], "script")) {
				snprintf(why, sizeof(why),
					 "vif %zu sets script=; svirt-xl sets every vif's script itself",
					 i);
				return stmt_fail(s, why, err);
			}
		c->nvifs = s->n;
		return 0;
	}
	if (s->is_list && (strcmp(s->key, "uuid") == 0 ||
			   strcmp(s->key, "name") == 0 ||
			   strcmp(s->key, "dm_restrict") == 0 ||
			   strcmp(s->key, "type") == 0 ||
			   strcmp(s->key, "builder") == 0 ||
			   strcmp(s->key, "device_model_stubdomain_override") == 0 ||
			   strcmp(s->key, "device_model_version") == 0))
		return stmt_fail(s, "expected a single value, not a list", err);
	if ((r = find_qdev(c, s, err)) < 0)
		return r;
	if (strcmp(s->key, "device_model_version") == 0 &&
	    strcmp(s->values[0], "qemu-xen") != 0)
		return stmt_fail(s, "only \"qemu-xen\" runs through svirt-interpose", err);
	if (strcmp(s->key, "name") == 0)
		c->name = s->values[0];
	/* issue 16 item 8: what makes libxl spawn a stub domain. */
	if (strcmp(s->key, "type") == 0 || strcmp(s->key, "builder") == 0)
		c->hvm = strcmp(s->values[0], "hvm") == 0;
	if (strcmp(s->key, "device_model_stubdomain_override") == 0) {
		if (strcmp(s->values[0], "0") != 0 && strcmp(s->values[0], "1") != 0)
			return stmt_fail(s, "expected 0 or 1", err);
		c->stubdom = strcmp(s->values[0], "1") == 0;
	}
	if (strcmp(s->key, "uuid") == 0) {
		struct sv_error uerr;

		if ((r = sv_uuid_normalise(s->values[0], c->uuid, &uerr)) < 0)
			return stmt_fail(s, uerr.msg, err);
		if (sv_uuid_is_nil(c->uuid))
			return stmt_fail(s, "the nil uuid is dom0's", err);
		c->has_uuid = true;
	}
	return 0;
}

int sv_xlcfg_parse(const char *data, size_t len, const char *name,
		   char *const *args, size_t nargs, struct sv_xlcfg *out,
		   struct sv_error *err)
{
	_cleanup_(sv_xlcfg_free) struct sv_xlcfg c = { .file = strdup(name) };
	int r;

	if (!c.file || !(c.args = calloc(nargs ? nargs : 1, sizeof(*c.args))))
		return sv_fail(err, ENOMEM, "out of memory");
	if (len > SV_XLCFG_MAX_SIZE)
		return sv_fail(err, EFBIG, "%s: larger than %d bytes", name,
			       SV_XLCFG_MAX_SIZE);
	if ((r = parse_source(&c, c.file, data, len, err)) < 0)
		return r;
	for (size_t i = 0; i < nargs; i++) {
		if (asprintf(&c.args[i], "argument %zu", i + 1) < 0) {
			c.args[i] = NULL;
			return sv_fail(err, ENOMEM, "out of memory");
		}
		c.nargs++;
		if (!strchr(args[i], '='))
			return sv_fail(err, EINVAL, "%s: expected key=value",
				       c.args[i]);
		if ((r = parse_source(&c, c.args[i], args[i], strlen(args[i]),
				      err)) < 0)
			return r;
	}
	for (size_t i = 0; i < c.n; i++)
		if ((r = check_stmt(&c, &c.stmts[i], err)) < 0)
			return r;
	if ((r = check_dm_restrict(&c, err)) < 0)
		return r;
	if (c.stubdom && !c.hvm) {
		const struct sv_xlcfg_stmt *s = find(&c, "device_model_stubdomain_override");

		return stmt_fail(s, "a stub device model is for type = \"hvm\" guests "
				 "only (libxl would make none, and svirt-xl would wait for it)",
				 err);
	}
	*out = c;
	memset(&c, 0, sizeof(c));
	return 0;
}

const char *sv_xlcfg_get(const struct sv_xlcfg *c, const char *key)
{
	const struct sv_xlcfg_stmt *s = find(c, key);

	return s && !s->is_list ? s->values[0] : NULL;
}

/* ---- the derived config ---- */

/* Digits as xl.cfg writes a number: bare, as libxlutil's lexer reads it. */
static bool is_number(const char *v)
{
	if (!(*v >= '0' && *v <= '9'))
		return false;
	for (; *v; v++)
		if (!((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'f') ||
		      *v == 'x'))
			return false;
	return true;
}

static void put_value(FILE *f, const char *v)
{
	if (is_number(v)) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

static void put_string(FILE *f, const char *key, const char *v)
{
	fprintf(f, "%s = ", key);
	put_value(f, v);
	fputc('\n', f);
}

/* A vif spec with script= appended, its commas kept valid. */
static void put_vif(FILE *f, const char *spec, const char *script)
{
	size_t n = strlen(spec);

	while (n && (spec[n - 1] == ' ' || spec[n - 1] == '\t'))
		n--;
	fputc('"', f);
	for (size_t i = 0; i < strlen(spec); i++) {
		if (spec[i] == '"' || spec[i] == '\\')
			fputc('\\', f);
		fputc(spec[i], f);
	}
	fprintf(f, "%sscript=", n == 0 || spec[n - 1] == ',' ? "" : ",");
	for (; *script; script++) {
		if (*script == '"' || *script == '\\')
			fputc('\\', f);
		fputc(*script, f);
	}
	fputc('"', f);
}

static void put_stmt(FILE *f, const struct sv_xlcfg_stmt *s,
		     const struct sv_xlcfg_derive *d)
{
	bool vif = strcmp(s->key, "vif") == 0;

	if (!s->is_list) {
		put_string(f, s->key, s->values[0]);
		return;
	}
	fprintf(f, "%s = [", s->key);
	for (size_t i = 0; i < s->n; i++) {
		fputs(i ? ", " : " ", f);
		if (vif)
			put_vif(f, s->values[i], d->vif_script);
		else
			put_value(f, s->values[i]);
	}
	fputs(s->n ? " ]\n" : "]\n", f);
}

static int check_derive(const struct sv_xlcfg *c,
			const struct sv_xlcfg_derive *d, struct sv_error *err)
{
	char q[SV_QUOTE_BUF];
	const char *vals[] = { d->seclabel, d->dm_seclabel, d->interposer,
			       d->vif_script };

	if (!d->interposer || d->interposer[0] != '/')
		return sv_fail(err, EINVAL, "the interposer must be an absolute path");
	if (!d->seclabel != !d->dm_seclabel)
		return sv_fail(err, EINVAL, "Flask labels come in pairs: guest and device model");
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++)
		for (const char *p = vals[i]; p && *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return sv_fail(err, EINVAL, "\"%s\": a control character",
					       sv_quote(q, sizeof(q), vals[i],
							strlen(vals[i])));
	if (c->nvifs && (!d->vif_script || !d->vif_script[0]))
		return sv_fail(err, EINVAL,
			       "%s: the guest has %zu vif(s), and no vif script is configured for svirt-xl",
			       c->file, c->nvifs);
	if (d->vif_script && strchr(d->vif_script, ','))
		return sv_fail(err, EINVAL, "the vif script \"%s\" holds a ','",
			       sv_quote(q, sizeof(q), d->vif_script,
					strlen(d->vif_script)));
	if (!c->has_uuid && !(d->uuid && sv_uuid_is_canonical(d->uuid) &&
			      !sv_uuid_is_nil(d->uuid)))
		return sv_fail(err, EINVAL, "%s: has no uuid, and none was given",
			       c->file);
	return 0;
}

int sv_xlcfg_derive(const struct sv_xlcfg *c, const struct sv_xlcfg_derive *d,
		    char **text, size_t *len, struct sv_error *err)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f;
	int r;

	if ((r = check_derive(c, d, err)) < 0)
		return r;
	if (!(f = open_memstream(&buf, &n)))
		return sv_fail(err, ENOMEM, "out of memory");
	fputs("# Derived by svirt-xl create", f);
	fputs(" (the guest's values, then svirt-xl's own keys).\n", f);
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->stmts[i].key, "dm_restrict") != 0)
			put_stmt(f, &c->stmts[i], d);
	if (!c->has_uuid)
		put_string(f, "uuid", d->uuid);
	if (d->seclabel) {
		put_string(f, "seclabel", d->seclabel);
		put_string(f, "device_model_stubdomain_seclabel", d->dm_seclabel);
	}
	put_string(f, "device_model_override", d->interposer);
	if (!find(c, "device_model_version"))
		put_string(f, "device_model_version", "qemu-xen");
	put_string(f, "dm_restrict", c->dm_restrict ? "1" : "0");
	if (fclose(f) != 0) {
		free(buf);
		return sv_fail(err, ENOMEM, "out of memory");
	}
	*text = buf;
	*len = n;
	return 0;
}
