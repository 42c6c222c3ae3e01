/* flask.c: a new domain's Flask label, read from the hypervisor through libxl (issue 17
 * item 3): its ssidref in libxl_dominfo, turned into a context by libxl_flask_sid_to_context. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <xentoollog.h>

#include "svirtd.h"

/* libxl's own messages go to svirtd's log at debug: svirtd logs what it
 * decides from a failure itself, naming the domain. */
struct svd_flask {
	struct xentoollog_logger vtable;
	const struct sv_log *log;
	libxl_ctx *ctx;
};

static void message(struct xentoollog_logger *lg, xentoollog_level level,
			int errnoval, const char *context, const char *fmt,
			va_list ap)
{
	struct svd_flask *f = (struct svd_flask *)lg;
	char msg[512];

	(void)level;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	sv_log(f->log, LOG_DEBUG, "%s: %s%s%s", context ? context : "libxl",
	       msg, errnoval >= 0 ? ": " : "",
	       errnoval >= 0 ? strerror(errnoval) : "");
}

static void progress_none(struct xentoollog_logger *lg, const char *context,
			 const char *doing, int percent, unsigned long done,
			 unsigned long total)
{
	(void)lg, (void)context, (void)doing, (void)percent, (void)done;
	(void)total;
}

static void destroy_none(struct xentoollog_logger *lg)
{
	(void)lg;
}

static bool not_flask(int e)
{
	return e == ENOSYS || e == EOPNOTSUPP;
}

int svd_flask_open(struct svirtd *s)
{
	struct svd_flask *f = calloc(1, sizeof(*f));
	int r;

	if (!f)
		return -ENOMEM;
	f->vtable.vmessage = message;
	f->vtable.progress = progress_none;
	f->vtable.destroy = destroy_none;
	f->log = &s->log;
	if (libxl_ctx_alloc(&f->ctx, LIBXL_VERSION, 0, &f->vtable) != 0) {
		/* No hypervisor to ask (svirtd's host tests): no label to
		 * honour either; the allocator gives every pair. */
		sv_log(&s->log, LOG_WARNING, "cannot open libxl: Flask labels "
		       "are not read, every pair comes from the allocator");
		free(f);
		return 0;
	}
	errno = 0;
	if ((r = libxl_flask_getenforce(f->ctx)) < 0 && not_flask(errno)) {
		sv_log(&s->log, LOG_INFO, "Xen has no Flask: pairs come from "
		       "the allocator");
		libxl_ctx_free(f->ctx);
		free(f);
		return 0;
	}
	if (r < 0) {
		r = errno ? -errno : -EIO;
		sv_log(&s->log, LOG_ERR, "cannot tell whether Xen runs Flask: "
		       "%s", strerror(-r));
		libxl_ctx_free(f->ctx);
		free(f);
		return r;
	}
	sv_log(&s->log, LOG_INFO, "Xen runs Flask (%s): a domain's Flask "
	       "label gives its pair", r ? "enforcing" : "permissive");
	s->flask = f;
	return 0;
}

void svd_flask_close(struct svirtd *s)
{
	if (!s->flask)
		return;
	libxl_ctx_free(s->flask->ctx);
	free(s->flask);
	s->flask = NULL;
}

int svd_flask_label(struct svirtd *s, int domid, char **label,
		    struct sv_error *err)
{
	libxl_dominfo info;
	char *buf = NULL;
	size_t len = 0;
	uint32_t sid;
	int r;

	*label = NULL;
	if (!s->flask)
		return 0;
	libxl_dominfo_init(&info);
	r = libxl_domain_info(s->flask->ctx, &info, (uint32_t)domid);
	if (r == ERROR_DOMAIN_NOTFOUND) {
		libxl_dominfo_dispose(&info);
		return sv_fail(err, ENOENT, "no such domain");
	}
	if (r != 0) {
		libxl_dominfo_dispose(&info);
		return sv_fail(err, EIO, "cannot read its domain info (libxl "
			       "error %d)", r);
	}
	sid = info.ssidref;
	libxl_dominfo_dispose(&info);
	errno = 0;
	r = libxl_flask_sid_to_context(s->flask->ctx, sid, &buf, &len);
	if (r != 0) {
		r = errno ? errno : EIO;
		free(buf);
		return sv_fail(err, r, "cannot read its Flask label (ssidref "
			       "%u): %s", sid, strerror(r));
	}
	*label = buf;
	return 1;
}
