/* test_control_vif.c: the VIF request vif-svirt sends: parsed, formatted back to the
 * same bytes, bad domids and devids refused; a vif's backend values parsed; the
 * emulated NIC (vifD.N-emu) of an HVM guest named and its name parsed strictly. */
#include <errno.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "control.h"
#include "vif.h"

static void vif_request_parses_and_formats_back(void **state)
{
	static const char *const lines[] = { "VIF 3 0\n", "VIF 32751 65535\n",
					     "VIF 12 1\n" };
	char buf[SV_CONTROL_LINE_MAX + 1];
	struct sv_control_request r;

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(sv_control_request_parse(lines[i], strlen(lines[i]),
							  &r, NULL), 0);
		assert_int_equal(r.op, SV_CONTROL_VIF);
		assert_int_equal(sv_control_request_format(&r, buf, sizeof(buf)),
				 (int)strlen(lines[i]));
		assert_string_equal(buf, lines[i]);
	}
	assert_int_equal(sv_control_request_parse("VIF 12 1\n", 9, &r, NULL), 0);
	assert_int_equal(r.domid, 12);
	assert_int_equal(r.devid, 1);
}

static void bad_vif_requests_are_refused(void **state)
{
	static const char *const bad[] = {
		"VIF 3\n", "VIF 0 0\n", "VIF 32752 0\n", "VIF 3 65536\n",
		"VIF 3 01\n", "VIF 3 -1\n", "VIF 3 0 0\n", "vif 3 0\n",
		"VIF  3 0\n", "VIF 3 0 \n", "VIF 3 x\n",
	};
	struct sv_control_request r = { .domid = 4242 };
	struct sv_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sv_control_request_parse(bad[i], strlen(bad[i]), &r, &err) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(r.domid, 4242);
	}
	r = (struct sv_control_request){ .op = SV_CONTROL_VIF, .domid = 3,
					 .devid = 70000 };
	assert_int_equal(sv_control_request_format(&r, (char[64]){ 0 }, 64), -EINVAL);
}

static void vif_is_named_after_domain_and_devid(void **state)
{
	struct sv_vif v;

	(void)state;
	assert_int_equal(sv_vif_parse(7, 1, NULL, "connected", NULL, &v, NULL), 0);
	assert_string_equal(v.name, "vif7.1");
	assert_true(v.connected);
	assert_int_equal(sv_vif_parse(7, 0, "web0", NULL, NULL, &v, NULL), 0);
	assert_string_equal(v.name, "web0");
	assert_false(v.connected);
	assert_int_equal(sv_vif_parse(7, 0, NULL, "error", NULL, &v, NULL), 0);
	assert_false(v.connected);
}

static void hostile_vifnames_are_refused(void **state)
{
	struct sv_vif v = { .devid = 99 };
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_vif_parse(7, 0, "eth0\" }; flush ruleset", "connected", NULL,
				      &v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "vifname"));
	assert_int_equal(sv_vif_parse(7, 0, "", "connected", NULL, &v, &err), -EINVAL);
	assert_int_equal(sv_vif_parse(7, 0, "a-very-long-interface", "connected", NULL,
				      &v, &err), -EINVAL);
	/* vif32751.65535 is 14 bytes: still an interface name. */
	assert_int_equal(sv_vif_parse(32751, 65535, NULL, NULL, NULL, &v, &err), 0);
	assert_int_equal(sv_vif_parse(0, 0, NULL, NULL, NULL, &v, &err), -EINVAL);
}

/* ---- issue 16 item 2: the emulated NIC, libxl's vifD.N-emu ---- */

static void vif_names_its_emulated_nic(void **state)
{
	struct sv_vif v;

	(void)state;
	assert_int_equal(sv_vif_parse(7, 1, NULL, "connected", NULL, &v, NULL), 0);
	assert_string_equal(v.emu, "vif7.1-emu");
	/* A vifname gives the tap its name too (libxl's hotplug scripts). */
	assert_int_equal(sv_vif_parse(7, 0, "web0", NULL, NULL, &v, NULL), 0);
	assert_string_equal(v.emu, "web0-emu");
	/* Its own default name as vifname is fine. */
	assert_int_equal(sv_vif_parse(7, 0, "vif7.0", NULL, NULL, &v, NULL), 0);
	assert_string_equal(v.emu, "vif7.0-emu");
	/* vif32751.65535-emu would be 18 bytes: no tap can have it. */
	assert_int_equal(sv_vif_parse(32751, 65535, NULL, NULL, NULL, &v, NULL), 0);
	assert_string_equal(v.emu, "");
	assert_int_equal(sv_vif_parse(7, 0, "abcdefghijk", NULL, NULL, &v, NULL), 0);
	assert_string_equal(v.emu, "abcdefghijk-emu");
	assert_int_equal(sv_vif_parse(7, 0, "abcdefghijkl", NULL, NULL, &v, NULL), 0);
	assert_string_equal(v.emu, "");
}

static void vifname_passing_for_another_device_is_refused(void **state)
{
	static const char *const bad[] = {
		"vif7.0-emu",	/* the tap of this very vif */
		"vif8.0-emu",	/* another domain's tap */
		"web0-emu",	/* the tap of a vif named web0 */
		"vif8.0",	/* domid mismatch with the owner */
		"vif7.1",	/* devid mismatch */
	};
	struct sv_vif v = { .devid = 99 };
	struct sv_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		if (sv_vif_parse(7, 0, bad[i], "connected", NULL, &v, &err) != -EINVAL)
			fail_msg("vifname \"%s\" for domain 7 vif 0 was accepted",
				 bad[i]);
		assert_non_null(strstr(err.msg, "domain 7 vif 0: vifname"));
		assert_int_equal(v.devid, 99);
	}
	assert_int_equal(sv_vif_parse(7, 0, "vif8.0", NULL, NULL, &v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "domain 8's vif 0"));
}

static void emu_names_parse_strictly(void **state)
{
	static const struct { const char *name; int domid; unsigned devid; bool emu; } good[] = {
		{ "vif1.0", 1, 0, false },
		{ "vif1.0-emu", 1, 0, true },
		{ "vif32751.3-emu", 32751, 3, true },
		{ "vif12.65535", 12, 65535, false },
	};
	static const char *const bad[] = {
		"vif1.0-emux", "vif1.0-emu-emu", "vif1.0-em", "vif1.0-EMU",
		"vif1.0emu", "vif1.0-", "vif0.0-emu", "vif01.0-emu",
		"vif1.00-emu", "vif1.-emu", "vif.0-emu", "vif1-emu", "vif1.0.0",
		"vif32752.0", "vif1.65536", "vif+1.0", "vif 1.0", "tap1.0",
		"Vif1.0", "vif1.0\n", "", "vif123456.1-emu",
		"vif3275.65535-emu",	/* 17 bytes: longer than an interface name */
	};
	struct sv_error err;
	unsigned devid = 4242;
	int domid = 4242;
	bool emu = true;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(sv_vif_name_parse(good[i].name, &domid, &devid,
						   &emu, &err), 0);
		assert_int_equal(domid, good[i].domid);
		assert_int_equal(devid, good[i].devid);
		assert_int_equal(emu, good[i].emu);
	}
	domid = 4242;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		if (sv_vif_name_parse(bad[i], &domid, &devid, &emu, &err) != -EINVAL)
			fail_msg("interface name \"%s\" was accepted", bad[i]);
		assert_int_equal(domid, 4242);
		assert_non_null(strstr(err.msg, "interface name"));
	}
	assert_int_equal(sv_vif_name_parse("vif3275.65535-emu", &domid, &devid,
					   &emu, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "longer than 15"));
	assert_int_equal(sv_vif_name_parse(NULL, &domid, &devid, &emu, &err),
			 -EINVAL);
}

static const char *present_name;
static bool present(const char *name)
{
	return present_name && strcmp(name, present_name) == 0;
}

static void emulated_nic_is_a_port_once_it_exists(void **state)
{
	char ports[2][IFNAMSIZ];
	struct sv_vif v;

	(void)state;
	assert_int_equal(sv_vif_parse(7, 1, NULL, "connected", NULL, &v, NULL), 0);
	present_name = NULL;	/* a PV guest: no tap */
	assert_int_equal(sv_vif_ports(&v, present, ports), 1);
	assert_string_equal(ports[0], "vif7.1");
	present_name = "vif7.1-emu";	/* an HVM guest's qemu made its tap */
	assert_int_equal(sv_vif_ports(&v, present, ports), 2);
	assert_string_equal(ports[0], "vif7.1");
	assert_string_equal(ports[1], "vif7.1-emu");
	/* The tap joins the bridge before the vif's hotplug finishes. */
	assert_int_equal(sv_vif_parse(7, 1, NULL, NULL, NULL, &v, NULL), 0);
	assert_int_equal(sv_vif_ports(&v, present, ports), 1);
	assert_string_equal(ports[0], "vif7.1-emu");
	/* Another guest's tap is not this vif's. */
	present_name = "vif8.1-emu";
	assert_int_equal(sv_vif_ports(&v, present, ports), 0);
	/* Nor is one named after a vif whose backend gives another name. */
	present_name = "vif7.1-emu";
	assert_int_equal(sv_vif_parse(7, 1, "web0", "connected", NULL, &v, NULL), 0);
	assert_int_equal(sv_vif_ports(&v, present, ports), 1);
	assert_string_equal(ports[0], "web0");
	present_name = NULL;
}

/* ---- vif hold (vif-svirt holds "connected" until svirtd labelled the vif) ---- */

/* svirt-plugged "1" stands for "connected" while vif-svirt holds that back;
 * nothing but exactly "1" does, and it does not name the vif otherwise. */
static void plugged_vif_is_connected(void **state)
{
	static const char *const not_one[] = { "", "0", "1\n", " 1", "01", "true",
					       "connected" };
	char ports[2][IFNAMSIZ];
	struct sv_vif v;

	(void)state;
	assert_int_equal(sv_vif_parse(7, 2, NULL, NULL, "1", &v, NULL), 0);
	assert_true(v.connected);
	assert_string_equal(v.name, "vif7.2");
	present_name = NULL;
	assert_int_equal(sv_vif_ports(&v, present, ports), 1);
	assert_string_equal(ports[0], "vif7.2");
	/* The hotplug script's error does not undo what the node says; vif-svirt
	 * removes the node when it fails. */
	assert_int_equal(sv_vif_parse(7, 2, "web0", "error", "1", &v, NULL), 0);
	assert_true(v.connected);
	assert_string_equal(v.name, "web0");
	for (size_t i = 0; i < sizeof(not_one) / sizeof(not_one[0]); i++) {
		assert_int_equal(sv_vif_parse(7, 2, NULL, NULL, not_one[i], &v,
					      NULL), 0);
		if (v.connected)
			fail_msg("svirt-plugged \"%s\" made the vif connected",
				 not_one[i]);
	}
	/* A hostile vifname is refused whatever the node says. */
	assert_int_equal(sv_vif_parse(7, 2, "vif8.2", NULL, "1", &v, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vif_request_parses_and_formats_back),
		cmocka_unit_test(bad_vif_requests_are_refused),
		cmocka_unit_test(vif_is_named_after_domain_and_devid),
		cmocka_unit_test(hostile_vifnames_are_refused),
		cmocka_unit_test(vif_names_its_emulated_nic),
		cmocka_unit_test(vifname_passing_for_another_device_is_refused),
		cmocka_unit_test(emu_names_parse_strictly),
		cmocka_unit_test(emulated_nic_is_a_port_once_it_exists),
		cmocka_unit_test(plugged_vif_is_connected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
