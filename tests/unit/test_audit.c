/* test_audit.c: the VIRT_* records svirtd writes: libvirt's fields, values from outside
 * encoded so that no guest name or path forges a field, and the seam's failures said once. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"

#define UUID "0f3c2f9e-1b7a-4c1e-9d2a-5e8f00000001"
#define PROC "system_u:system_r:svirt_xen_t:s0:c1,c2"
#define IMG "system_u:object_r:svirt_xen_image_t:s0:c1,c2"

/* ---- reading a record back, as auparse would: fields split at spaces ---- */

struct field {
	char name[32];
	char value[1024];	/* decoded */
};

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Splits msg into fields; fails the test on anything that is not
 * name=value, name="value" or name=HEX. */
static size_t fields(const char *msg, struct field *f, size_t max)
{
	size_t n = 0;

	assert_null(strpbrk(msg, "\n\r'"));
	while (*msg) {
		const char *sp = strchr(msg, ' '), *eq = strchr(msg, '=');
		size_t len = sp ? (size_t)(sp - msg) : strlen(msg);
		const char *v;
		size_t vl;

		assert_true(n < max);
		assert_non_null(eq);
		assert_true(eq < msg + len);
		memset(&f[n], 0, sizeof(f[n]));
		memcpy(f[n].name, msg, (size_t)(eq - msg));
		v = eq + 1;
		vl = len - (size_t)(v - msg);
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
			assert_null(memchr(v + 1, '"', vl - 2));
			memcpy(f[n].value, v + 1, vl - 2);
		} else if (vl > 0 && vl % 2 == 0 && unhex(v[0]) >= 0 &&
			   strspn(v, "0123456789ABCDEF") >= vl && strcmp(f[n].name, "domid") &&
			   strcmp(f[n].name, "err")) {
			for (size_t i = 0; i < vl / 2; i++)
				f[n].value[i] = (char)(unhex(v[2 * i]) << 4 | unhex(v[2 * i + 1]));
		} else {
			assert_null(memchr(v, '"', vl));
			memcpy(f[n].value, v, vl);
		}
		n++;
		msg += len;
		if (*msg == ' ')
			msg++;
	}
	return n;
}

static const char *value_of(const struct field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return f[i].value;
	return NULL;
}

static void assert_names(const struct field *f, size_t n, const char *const *want)
{
	size_t i = 0;

	for (; want[i]; i++) {
		assert_true(i < n);
		assert_string_equal(f[i].name, want[i]);
	}
	assert_int_equal(n, i);
}

/* ---- the records ---- */

static void machine_id_has_libvirts_fields(void **state)
{
	const struct sv_audit_vm vm = { "web1", UUID, 3 };
	char buf[SV_AUDIT_MSG_MAX];

	(void)state;
	assert_int_equal(sv_audit_format_machine(buf, sizeof(buf), &vm, PROC, IMG), 0);
	assert_string_equal(buf, "virt=xen vm=\"web1\" uuid=" UUID " vm-ctx=" PROC
			    " img-ctx=" IMG " model=selinux");
}

static void control_names_op_reason_and_domid(void **state)
{
	const struct sv_audit_vm vm = { "web1", UUID, 3 };
	char buf[SV_AUDIT_MSG_MAX];

	(void)state;
	assert_int_equal(sv_audit_format_control(buf, sizeof(buf), &vm, "stop", "destroyed"), 0);
	assert_string_equal(buf, "virt=xen op=stop reason=destroyed vm=\"web1\" uuid=" UUID
			    " domid=3");
}

static void resource_names_path_and_both_labels(void **state)
{
	const struct sv_audit_vm vm = { "web1", UUID, 3 };
	char buf[SV_AUDIT_MSG_MAX];

	(void)state;
	assert_int_equal(sv_audit_format_resource(buf, sizeof(buf), &vm, "disk", "label",
						  "/var/lib/xen/images/web1.img",
						  "system_u:object_r:xen_image_t:s0", IMG), 0);
	assert_string_equal(buf, "virt=xen resrc=disk reason=label vm=\"web1\" uuid=" UUID
			    " path=\"/var/lib/xen/images/web1.img\""
			    " old-ctx=system_u:object_r:xen_image_t:s0 new-ctx=" IMG);
	/* No label before (a vif), or none known: "?", as libvirt writes it. */
	assert_int_equal(sv_audit_format_resource(buf, sizeof(buf), &vm, "net", "label",
						  "vif3.0", "", PROC), 0);
	assert_non_null(strstr(buf, " path=\"vif3.0\" old-ctx=? new-ctx=" PROC));
}

static void refusal_carries_the_reason_encoded(void **state)
{
	const struct sv_audit_vm vm = { "web1", UUID, 3 };
	char buf[SV_AUDIT_MSG_MAX];
	struct field f[16];
	size_t n;

	(void)state;
	assert_int_equal(sv_audit_format_refusal(buf, sizeof(buf), &vm, "label", EPERM,
						 "qdisk 51712: /etc/shadow is outside "
						 "the relabel roots"), 0);
	n = fields(buf, f, 16);
	assert_names(f, n, (const char *const[]){ "virt", "op", "reason", "vm", "uuid",
						  "domid", "err", "detail", NULL });
	assert_string_equal(value_of(f, n, "reason"), "refused");
	assert_string_equal(value_of(f, n, "err"), "1");
	assert_string_equal(value_of(f, n, "detail"),
			    "qdisk 51712: /etc/shadow is outside the relabel roots");
}

/* ---- values from outside ---- */

/* Each of these, as a guest's name (from xenstore) and a disk's path,
 * must come back whole as vm and path, and add no field of its own. */
static const char *const hostile[] = {
	"web 1",
	"x res=success",
	"a=b",
	"\"quoted\"",
	"it's",
	"x' res=success uuid=00000000-0000-0000-0000-000000000000 '",
	"line\nvirt=xen op=stop",
	"cr\rtab\t",
	"back\\slash",
	"caf\xc3\xa9",
	"\x7f",
};

static void hostile_names_and_paths_forge_no_field(void **state)
{
	char buf[SV_AUDIT_MSG_MAX];
	struct field f[16];

	(void)state;
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const struct sv_audit_vm vm = { hostile[i], UUID, 3 };
		size_t n;

		assert_int_equal(sv_audit_format_resource(buf, sizeof(buf), &vm, "disk",
							  "restore", hostile[i], IMG,
							  hostile[i]), 0);
		n = fields(buf, f, 16);
		assert_names(f, n, (const char *const[]){ "virt", "resrc", "reason", "vm",
							  "uuid", "path", "old-ctx",
							  "new-ctx", NULL });
		assert_string_equal(value_of(f, n, "vm"), hostile[i]);
		assert_string_equal(value_of(f, n, "path"), hostile[i]);
		assert_string_equal(value_of(f, n, "new-ctx"), hostile[i]);
		assert_string_equal(value_of(f, n, "uuid"), UUID);
		/* Encoded, never quoted: a quote would be what forges. */
		assert_null(strchr(buf + strlen("virt=xen resrc=disk reason=restore vm="),
				   '"'));
	}
}

static void plain_name_is_quoted_not_hex(void **state)
{
	char buf[64] = "";
	size_t len = 0;

	(void)state;
	assert_int_equal(sv_audit_field(buf, sizeof(buf), &len, "vm", "db-2.prod"), 0);
	assert_string_equal(buf, " vm=\"db-2.prod\"");
	len = 0;
	assert_int_equal(sv_audit_field(buf, sizeof(buf), &len, "vm", "a b"), 0);
	assert_string_equal(buf, " vm=612062");
	len = 0;
	assert_int_equal(sv_audit_field(buf, sizeof(buf), &len, "vm", NULL), 0);
	assert_string_equal(buf, " vm=?");
}

static void uuid_not_canonical_is_encoded(void **state)
{
	const struct sv_audit_vm vm = { "web1", "x y", 3 };
	char buf[SV_AUDIT_MSG_MAX];

	(void)state;
	assert_int_equal(sv_audit_format_machine(buf, sizeof(buf), &vm, PROC, IMG), 0);
	assert_non_null(strstr(buf, " uuid=782079 "));
}

static void record_too_long_is_e2big_and_cut_at_no_field(void **state)
{
	const struct sv_audit_vm vm = { "web1", UUID, 3 };
	char buf[80];
	char path[200];

	(void)state;
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(sv_audit_format_resource(buf, sizeof(buf), &vm, "disk", "label",
						  path, IMG, IMG), -E2BIG);
	assert_null(strstr(buf, "path="));
}

/* ---- the seam ---- */

struct sent {
	int calls, type;
	bool success;
	int answer;
	char msg[SV_AUDIT_MSG_MAX];
};

static int fake_send(void *arg, int type, const char *msg, bool success)
{
	struct sent *s = arg;

	s->calls++;
	s->type = type;
	s->success = success;
	snprintf(s->msg, sizeof(s->msg), "%s", msg);
	return s->answer;
}

static void records_reach_the_seam_with_their_type(void **state)
{
	struct sent s = { 0 };
	struct sv_audit a = { .send = fake_send, .arg = &s };
	const struct sv_audit_vm vm = { "web1", UUID, 3 };

	(void)state;
	sv_audit_machine(&a, &vm, PROC, IMG);
	assert_int_equal(s.type, 2502);
	assert_true(s.success);
	sv_audit_resource(&a, &vm, "disk", "label", "/i", "", IMG);
	assert_int_equal(s.type, 2501);
	sv_audit_control(&a, &vm, "start", "booted");
	assert_int_equal(s.type, 2500);
	assert_true(s.success);
	sv_audit_refusal(&a, &vm, "label", EPERM, "no");
	assert_int_equal(s.type, 2500);
	assert_false(s.success);
	assert_int_equal(s.calls, 4);
	/* Off: no seam, nothing sent and nothing breaks. */
	sv_audit_machine(NULL, &vm, PROC, IMG);
	sv_audit_machine(&(struct sv_audit){ 0 }, &vm, PROC, IMG);
	assert_int_equal(s.calls, 4);
}

static void a_failing_seam_is_logged_once_and_never_fatal(void **state)
{
	int answers[] = { -EPERM, -ECONNREFUSED, -EPROTONOSUPPORT };
	const struct sv_audit_vm vm = { "web1", UUID, 3 };
	char out[1024];
	int fds[2];
	ssize_t n;

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		struct sent s = { .answer = answers[k] };
		struct sv_log log;
		struct sv_audit a = { .send = fake_send, .arg = &s, .log = &log };

		assert_int_equal(pipe(fds), 0);
		sv_log_open(&log, "svirtd", true, LOG_DEBUG);
		log.fd = fds[1];
		for (int i = 0; i < 5; i++)
			sv_audit_control(&a, &vm, "start", "booted");
		sv_log_close(&log);
		close(fds[1]);
		n = read(fds[0], out, sizeof(out) - 1);
		close(fds[0]);
		out[n < 0 ? 0 : n] = '\0';
		assert_int_equal(s.calls, 5);	/* every record still tried */
		assert_non_null(strstr(out, strerror(-answers[k])));
		assert_non_null(strstr(out, "audit"));
		assert_null(strchr(strchr(out, '\n') + 1, '\n'));	/* one line */
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(machine_id_has_libvirts_fields),
		cmocka_unit_test(control_names_op_reason_and_domid),
		cmocka_unit_test(resource_names_path_and_both_labels),
		cmocka_unit_test(refusal_carries_the_reason_encoded),
		cmocka_unit_test(hostile_names_and_paths_forge_no_field),
		cmocka_unit_test(plain_name_is_quoted_not_hex),
		cmocka_unit_test(uuid_not_canonical_is_encoded),
		cmocka_unit_test(record_too_long_is_e2big_and_cut_at_no_field),
		cmocka_unit_test(records_reach_the_seam_with_their_type),
		cmocka_unit_test(a_failing_seam_is_logged_once_and_never_fatal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
