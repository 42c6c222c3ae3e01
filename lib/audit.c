/* audit.c: svirtd's VIRT_* audit records: each field encoded so that no guest name or
 * path can forge another, the record formatted, then handed to the seam (audit.h). */
#include "audit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Values that need no quotes at all: contexts and uuids, as libvirt
 * writes them; anything else falls back to sv_audit_field. */
static const char bare_chars[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:,@-";

static bool quotable(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == '\'' ||
		    *p == '=' || *p == '\\')
			return false;
	return true;
}

static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	_printf_(4, 5);
static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *len) {
		buf[*len] = '\0';
		return -E2BIG;
	}
	*len += (size_t)n;
	return 0;
}

int sv_audit_field(char *buf, size_t size, size_t *len, const char *field,
		   const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = *len, n;

	if (!value)
		return append(buf, size, len, " %s=?", field);
	if (quotable(value))
		return append(buf, size, len, " %s=\"%s\"", field, value);
	n = strlen(value);
	if (append(buf, size, len, " %s=", field) < 0)
		return -E2BIG;
	if (size - *len <= 2 * n) {
		*len = start;
		buf[start] = '\0';
		return -E2BIG;
	}
	for (size_t i = 0; i < n; i++) {
		buf[(*len)++] = hex[(unsigned char)value[i] >> 4];
		buf[(*len)++] = hex[(unsigned char)value[i] & 0xf];
	}
	buf[*len] = '\0';
	return 0;
}

static int field_bare(char *buf, size_t size, size_t *len, const char *field,
		      const char *value)
{
	if (value && *value && strspn(value, bare_chars) == strlen(value))
		return append(buf, size, len, " %s=%s", field, value);
	return sv_audit_field(buf, size, len, field, value);
}

/* "virt=xen" and the guest: every record starts so, as libvirt's do. */
static int head(char *buf, size_t size, size_t *len, const char *lead)
{
	*len = 0;
	if (size == 0)
		return -E2BIG;
	buf[0] = '\0';
	return append(buf, size, len, "virt=xen%s", lead);
}

static int guest(char *buf, size_t size, size_t *len,
		 const struct sv_audit_vm *vm)
{
	int r = sv_audit_field(buf, size, len, "vm",
			       vm->name && *vm->name ? vm->name : NULL);

	return r < 0 ? r : field_bare(buf, size, len, "uuid", vm->uuid);
}

int sv_audit_format_control(char *buf, size_t size,
			    const struct sv_audit_vm *vm, const char *op,
			    const char *reason)
{
	size_t len;
	int r;

	if ((r = head(buf, size, &len, "")) < 0 ||
	    (r = field_bare(buf, size, &len, "op", op)) < 0 ||
	    (r = field_bare(buf, size, &len, "reason", reason)) < 0 ||
	    (r = guest(buf, size, &len, vm)) < 0)
		return r;
	return append(buf, size, &len, " domid=%d", vm->domid);
}

int sv_audit_format_machine(char *buf, size_t size,
			    const struct sv_audit_vm *vm, const char *vm_ctx,
			    const char *img_ctx)
{
	size_t len;
	int r;

	if ((r = head(buf, size, &len, "")) < 0 ||
	    (r = guest(buf, size, &len, vm)) < 0 ||
	    (r = field_bare(buf, size, &len, "vm-ctx", vm_ctx)) < 0 ||
	    (r = field_bare(buf, size, &len, "img-ctx", img_ctx)) < 0)
		return r;
	return append(buf, size, &len, " model=selinux");
}

int sv_audit_format_resource(char *buf, size_t size,
			     const struct sv_audit_vm *vm, const char *resrc,
			     const char *reason, const char *path,
			     const char *old_ctx, const char *new_ctx)
{
	size_t len;
	int r;

	if ((r = head(buf, size, &len, "")) < 0 ||
	    (r = field_bare(buf, size, &len, "resrc", resrc)) < 0 ||
	    (r = field_bare(buf, size, &len, "reason", reason)) < 0 ||
	    (r = guest(buf, size, &len, vm)) < 0 ||
	    (r = sv_audit_field(buf, size, &len, "path", path)) < 0 ||
	    (r = field_bare(buf, size, &len, "old-ctx",
			    old_ctx && *old_ctx ? old_ctx : NULL)) < 0)
		return r;
	return field_bare(buf, size, &len, "new-ctx",
			  new_ctx && *new_ctx ? new_ctx : NULL);
}

int sv_audit_format_refusal(char *buf, size_t size,
			    const struct sv_audit_vm *vm, const char *op,
			    int errnum, const char *detail)
{
	size_t len;
	int r;

	if ((r = head(buf, size, &len, "")) < 0 ||
	    (r = field_bare(buf, size, &len, "op", op)) < 0 ||
	    (r = append(buf, size, &len, " reason=refused")) < 0 ||
	    (r = guest(buf, size, &len, vm)) < 0 ||
	    (r = append(buf, size, &len, " domid=%d err=%d", vm->domid,
			errnum)) < 0)
		return r;
	return sv_audit_field(buf, size, &len, "detail", detail);
}

/* ---- the seam ---- */

static void warn_once(struct sv_audit *a, int type, const char *why)
{
	if (a->warned)
		return;
	a->warned = true;
	if (a->log)
		sv_log(a->log, LOG_WARNING, "audit: cannot write a type %d "
		       "record: %s (svirtd goes on without audit records; "
		       "this is said once)", type, why);
}

static void emit(struct sv_audit *a, int type, int formatted,
		 const char *msg, bool success)
{
	int r;

	if (formatted < 0) {
		warn_once(a, type, "the record is too long");
		return;
	}
	if ((r = a->send(a->arg, type, msg, success)) < 0)
		warn_once(a, type, strerror(-r));
}

void sv_audit_control(struct sv_audit *a, const struct sv_audit_vm *vm,
		      const char *op, const char *reason)
{
	char msg[SV_AUDIT_MSG_MAX];

	if (a && a->send)
		emit(a, SV_AUDIT_VIRT_CONTROL, sv_audit_format_control(
			msg, sizeof(msg), vm, op, reason), msg, true);
}

void sv_audit_machine(struct sv_audit *a, const struct sv_audit_vm *vm,
		      const char *vm_ctx, const char *img_ctx)
{
	char msg[SV_AUDIT_MSG_MAX];

	if (a && a->send)
		emit(a, SV_AUDIT_VIRT_MACHINE_ID, sv_audit_format_machine(
			msg, sizeof(msg), vm, vm_ctx, img_ctx), msg, true);
}

void sv_audit_resource(struct sv_audit *a, const struct sv_audit_vm *vm,
		       const char *resrc, const char *reason, const char *path,
		       const char *old_ctx, const char *new_ctx)
{
	char msg[SV_AUDIT_MSG_MAX];

	if (a && a->send)
		emit(a, SV_AUDIT_VIRT_RESOURCE, sv_audit_format_resource(
			msg, sizeof(msg), vm, resrc, reason, path, old_ctx,
			new_ctx), msg, true);
}

/* A refusal is a failed control operation: res=failed, so that
 * `ausearch -m VIRT_CONTROL --success no` lists them all. */
void sv_audit_refusal(struct sv_audit *a, const struct sv_audit_vm *vm,
		      const char *op, int errnum, const char *detail)
{
	char msg[SV_AUDIT_MSG_MAX];

	if (a && a->send)
		emit(a, SV_AUDIT_VIRT_CONTROL, sv_audit_format_refusal(
			msg, sizeof(msg), vm, op, errnum, detail), msg, false);
}
