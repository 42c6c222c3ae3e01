/* test_avc.c: the AVC parser on the real kernel and Xen lines kept under
 * tests/data/avc, in each wrapper dom0's logs give them (audit log, kernel
 * log, /dev/kmsg, the hypervisor's console), and on malformed ones. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "avc.h"
#include "corpus.h"

/* A real line (tests/data/avc/kernel.txt), and the same in other frames. */
#define BODY "avc:  denied  { write } for  pid=416 comm=\"dm-dd\" " \
	"name=\"mcs-other.img\" dev=\"loop0\" ino=13 " \
	"scontext=system_u:system_r:svirt_xen_t:s0:c1,c2 " \
	"tcontext=system_u:object_r:svirt_xen_image_t:s0:c3,c4 tclass=file permissive=0"
#define STAMP "audit(1796467346.084:11): "

static struct sv_avc a;

static int parse(const char *line)
{
	struct sv_error err = { .msg = "" };
	int r = sv_avc_parse(line, strlen(line), &a, &err);

	if (r < 0)
		print_message("%s\n", err.msg);
	return r;
}

static void check_body(void)
{
	assert_int_equal(a.source, SV_AVC_KERNEL);
	assert_false(a.granted);
	assert_string_equal(a.perms, "write");
	assert_string_equal(a.comm, "dm-dd");
	assert_string_equal(a.name, "mcs-other.img");
	assert_string_equal(a.dev, "loop0");
	assert_int_equal(a.pid, 416);
	assert_int_equal(a.ino, 13);
	assert_int_equal(a.permissive, 0);
	assert_string_equal(a.scontext, "system_u:system_r:svirt_xen_t:s0:c1,c2");
	assert_string_equal(a.tcontext, "system_u:object_r:svirt_xen_image_t:s0:c3,c4");
	assert_string_equal(a.tclass, "file");
}

static void check_stamp(void)
{
	assert_true(a.has_time);
	assert_int_equal(a.sec, 1796467346);
	assert_int_equal(a.msec, 84);
	assert_int_equal(a.serial, 11);
}

static void avc_reads_a_bare_record(void **state)
{
	(void)state;
	assert_int_equal(parse(BODY), 1);
	check_body();
	assert_false(a.has_time);
}

static void avc_reads_an_audit_log_line(void **state)
{
	(void)state;
	assert_int_equal(parse("type=AVC msg=" STAMP BODY "\n"), 1);
	check_body();
	check_stamp();
}

static void avc_reads_an_enriched_audit_log_line(void **state)
{
	(void)state;
	/* auditd's ENRICHED format: its additions follow a 0x1d. */
	assert_int_equal(parse("type=AVC msg=" STAMP BODY "\x1d" "AUID=\"unset\"\n"), 1);
	check_body();
	check_stamp();
}

static void avc_reads_a_kernel_log_line(void **state)
{
	(void)state;
	assert_int_equal(parse("[   42.123456] audit: type=1400 " STAMP BODY), 1);
	check_body();
	check_stamp();
}

static void avc_reads_a_kmsg_record(void **state)
{
	(void)state;
	assert_int_equal(parse("5,812,42123456,-;audit: type=1400 " STAMP BODY), 1);
	check_body();
	check_stamp();
}

static void avc_decodes_a_hex_encoded_name(void **state)
{
	(void)state;
	/* The kernel writes a name holding a space (or a quote) in hex. */
	assert_int_equal(parse("avc:  denied  { read } for  pid=1 comm=\"cat\" "
			       "name=6120622E696D67 scontext=a_u:a_r:a_t:s0 "
			       "tcontext=a_u:b_r:b_t:s0 tclass=file"), 1);
	assert_string_equal(a.name, "a b.img");
}

static void avc_reads_a_xen_line(void **state)
{
	(void)state;
	assert_int_equal(parse("(XEN) avc:  denied  { map_read } for source=d1 target=d2 "
			       "scontext=system_u:system_r:svirt_domU_t:s0:c3,c4 "
			       "tcontext=system_u:system_r:svirt_domU_t:s0:c1,c2 tclass=grant"), 1);
	assert_int_equal(a.source, SV_AVC_XEN);
	assert_string_equal(a.perms, "map_read");
	assert_int_equal(a.sdomid, 1);
	assert_int_equal(a.tdomid, 2);
	assert_string_equal(a.tclass, "grant");
	assert_false(a.has_time);
	/* The console's own time stamp is no audit time. */
	assert_int_equal(parse("(XEN) [  123.456789] avc:  denied  { bind } for current=d2 "
			       "scontext=system_u:object_r:svirt_domU_t_channel:s0:c1,c2 "
			       "tcontext=system_u:system_r:svirt_domU_t:s0:c3,c4 tclass=event"), 1);
	assert_int_equal(a.sdomid, 2);
	assert_int_equal(a.tdomid, -1);
}

static void avc_keeps_every_permission(void **state)
{
	(void)state;
	assert_int_equal(parse("avc:  denied  { read write open } for  pid=1 "
			       "scontext=a_u:a_r:a_t:s0 tcontext=a_u:b_r:b_t:s0 tclass=file"), 1);
	assert_string_equal(a.perms, "read write open");
}

static void avc_ignores_lines_without_an_access(void **state)
{
	(void)state;
	a.pid = 12345;
	assert_int_equal(parse("[    8.6] audit: type=1403 audit(1796469726.660:2): "
			       "auid=4294967295 ses=4294967295 lsm=selinux res=1"), 0);
	assert_int_equal(parse("audit: type=1404 audit(1.2:3): avc:  op=setenforce "
			       "lsm=selinux enforcing=1 old_enforcing=0"), 0);
	assert_int_equal(parse("avc:  received policyload notice (seqno=2)"), 0);
	assert_int_equal(a.pid, 12345);	/* untouched */
}

static void avc_tells_granted_from_denied(void **state)
{
	(void)state;
	assert_int_equal(parse("avc:  granted  { setenforce } for  pid=1 "
			       "scontext=a_u:a_r:a_t:s0 tcontext=a_u:b_r:b_t:s0 "
			       "tclass=security"), 1);
	assert_true(a.granted);
}

static void count_line(const char *line, size_t len, bool xen, size_t *n)
{
	struct sv_error err = { .msg = "" };
	int r;

	if (len == 0 || line[0] == '#')
		return;
	r = sv_avc_parse(line, len, &a, &err);
	if (r != 1)
		print_message("%.*s: %d %s\n", (int)len, line, r, err.msg);
	assert_int_equal(r, 1);
	assert_int_equal(a.source, xen ? SV_AVC_XEN : SV_AVC_KERNEL);
	assert_true(a.scontext[0] && a.tcontext[0] && a.tclass[0] && a.perms[0]);
	if (xen)
		assert_true(a.sdomid >= 0);
	(*n)++;
}

static void each_line(const char *path, const char *data, size_t len, void *arg)
{
	size_t *n = arg;
	bool xen = strstr(path, "xen") != NULL;

	for (const char *p = data; p < data + len;) {
		const char *nl = memchr(p, '\n', (size_t)(data + len - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(data + len - p);

		count_line(p, l, xen, n);
		p += l + 1;
	}
}

static void avc_reads_every_real_line(void **state)
{
	size_t n = 0;

	(void)state;
	assert_int_equal(corpus_each("tests/data/avc", each_line, &n), 2);
	assert_true(n >= 20);
}

static void refuse(const char *path, const char *data, size_t len, void *arg)
{
	struct sv_error err = { .msg = "" };

	(void)arg;
	memset(&a, 0x5a, sizeof(a));
	if (sv_avc_parse(data, len, &a, &err) != -EINVAL)
		fail_msg("%s was not refused", path);
	assert_true(strncmp(err.msg, "AVC line", 8) == 0);
	for (size_t i = 0; i < sizeof(a); i++)
		assert_int_equal(((unsigned char *)&a)[i], 0x5a);
}

static void avc_refuses_malformed_records(void **state)
{
	(void)state;
	assert_true(corpus_each("tests/data/bad/avc", refuse, NULL) >= 15);
}

static void avc_refuses_a_nul_byte_and_an_endless_line(void **state)
{
	static char big[SV_AVC_LINE_MAX + 200];
	struct sv_error err;
	const char nul[] = "avc:  denied  { read } for  comm=\"a\0b\" "
			   "scontext=a:b:c tcontext=a:b:c tclass=file";

	(void)state;
	assert_int_equal(sv_avc_parse(nul, sizeof(nul) - 1, &a, &err), -EINVAL);
	memset(big, 'x', sizeof(big));
	memcpy(big, BODY, strlen(BODY));
	assert_int_equal(sv_avc_parse(big, sizeof(big), &a, &err), -EINVAL);
}

static void avc_finds_the_pair_of_a_guest_context(void **state)
{
	unsigned x = 0, y = 0;

	(void)state;
	assert_int_equal(sv_avc_context_pair("system_u:system_r:svirt_xen_t:s0:c3,c700",
					     &x, &y), 0);
	assert_int_equal(x, 3);
	assert_int_equal(y, 700);
	assert_int_equal(sv_avc_context_pair("system_u:system_r:dom0_t:s0-s0:c0.c1023",
					     &x, &y), -ENOENT);
	assert_int_equal(sv_avc_context_pair("system_u:object_r:etc_t:s0", &x, &y),
			 -ENOENT);
	assert_int_equal(sv_avc_context_pair("system_u:r:t:s0:c1,c2,c3", &x, &y),
			 -ENOENT);
	assert_int_equal(sv_avc_context_pair("garbage", &x, &y), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(avc_reads_a_bare_record),
		cmocka_unit_test(avc_reads_an_audit_log_line),
		cmocka_unit_test(avc_reads_an_enriched_audit_log_line),
		cmocka_unit_test(avc_reads_a_kernel_log_line),
		cmocka_unit_test(avc_reads_a_kmsg_record),
		cmocka_unit_test(avc_decodes_a_hex_encoded_name),
		cmocka_unit_test(avc_reads_a_xen_line),
		cmocka_unit_test(avc_keeps_every_permission),
		cmocka_unit_test(avc_ignores_lines_without_an_access),
		cmocka_unit_test(avc_tells_granted_from_denied),
		cmocka_unit_test(avc_reads_every_real_line),
		cmocka_unit_test(avc_refuses_malformed_records),
		cmocka_unit_test(avc_refuses_a_nul_byte_and_an_endless_line),
		cmocka_unit_test(avc_finds_the_pair_of_a_guest_context),
	};

	return cmocka_run_group_tests_name("avc", tests, NULL, NULL);
}
