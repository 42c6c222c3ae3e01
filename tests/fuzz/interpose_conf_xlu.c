/* interpose_conf_xlu.c: interpose.conf as svirt-interpose read it before it had
 * its own parser (config_scan.c, then libxlutil), kept as the reference for it.
 *
 * Included (it is not a target of its own) by tests/fuzz/fuzz_interpose_conf.c
 * and tests/unit/test_interpose_conf.c, after interpose/conf.c: whatever the
 * interposer's parser accepts, this reader must accept and read the same. */
#include <libxlutil.h>
#include <stdio.h>

#include "config_scan.h"

struct xlu_ref {
	const char *name;
	XLU_Config *xlu;
	FILE *report;
	char *report_buf;
	size_t report_len;
	bool seen[K_COUNT];
};

static void xlu_ref_done(struct xlu_ref *p)
{
	xlu_cfg_destroy(p->xlu);
	if (p->report)
		fclose(p->report);
	free(p->report_buf);
}

static int xlu_ref_key(void *arg, const char *key, size_t len, unsigned line,
		       struct sv_error *err)
{
	struct xlu_ref *p = arg;

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
	return sv_fail(err, EINVAL, "%s:%u: unknown key", p->name, line);
}

static int xlu_ref_path(struct xlu_ref *p, enum conf_key k, char *out,
			size_t size, struct sv_error *err)
{
	const char *v = NULL;

	if (xlu_cfg_get_string(p->xlu, key_names[k], &v, 1) != 0 || !v ||
	    v[0] != '/' || strlen(v) >= size)
		return sv_fail(err, EINVAL, "%s: bad %s", p->name, key_names[k]);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int xlu_ref_number(struct xlu_ref *p, enum conf_key k, long lo, long hi,
			  long *out, struct sv_error *err)
{
	long v;

	if (xlu_cfg_get_long(p->xlu, key_names[k], &v, 1) != 0 || v < lo ||
	    v > hi)
		return sv_fail(err, EINVAL, "%s: bad %s", p->name, key_names[k]);
	*out = v;
	return 0;
}

static int xlu_ref_apply(struct xlu_ref *p, struct sv_interpose_conf *c,
			 struct sv_error *err)
{
	long v;
	int r;

	if (p->seen[K_QEMU] &&
	    (r = xlu_ref_path(p, K_QEMU, c->qemu, sizeof(c->qemu), err)) < 0)
		return r;
	if (p->seen[K_SOCKET] &&
	    (r = xlu_ref_path(p, K_SOCKET, c->socket, sizeof(c->socket), err)) < 0)
		return r;
	if (p->seen[K_WAIT]) {
		if ((r = xlu_ref_number(p, K_WAIT, 1, SV_CONTROL_WAIT_MAX, &v, err)) < 0)
			return r;
		c->wait_seconds = (unsigned)v;
	}
	if (p->seen[K_RESTRICT]) {
		if ((r = xlu_ref_number(p, K_RESTRICT, 0, 1, &v, err)) < 0)
			return r;
		c->require_restrict = v;
	}
	if (p->seen[K_DISABLED]) {
		if ((r = xlu_ref_number(p, K_DISABLED, 0, 1, &v, err)) < 0)
			return r;
		c->allow_disabled = v;
	}
	return 0;
}

/* data's settings over *c, as the old reader applied them; -errno with err
 * set on refusal (*c may then be half-written: pass a copy). */
static int xlu_ref_parse(const char *name, const char *data, size_t len,
			 struct sv_interpose_conf *c, struct sv_error *err)
{
	struct xlu_ref p = { .name = name };
	int r;

	if (memchr(data, '\0', len))
		return sv_fail(err, EINVAL, "%s: holds a NUL byte", name);
	if ((r = sv_cfg_scan(name, data, len, xlu_ref_key, &p, err)) < 0)
		return r;
	p.report = open_memstream(&p.report_buf, &p.report_len);
	if (!p.report || !(p.xlu = xlu_cfg_init(p.report, name)))
		r = sv_fail(err, ENOMEM, "%s: out of memory", name);
	else if (xlu_cfg_readdata(p.xlu, data, (int)len) != 0)
		r = sv_fail(err, EINVAL, "%s: libxlutil cannot parse it", name);
	else
		r = xlu_ref_apply(&p, c, err);
	xlu_ref_done(&p);
	return r;
}
