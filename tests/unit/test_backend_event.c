/* test_backend_event.c: which watch events under dom0's backend tree make svirtd look
 * at a guest again: its devices and the nodes it reads, never what frontends make change. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "backend_event.h"
#include "util.h"

#define B SV_BACKEND_ROOT

static void expect(const char *path, int domid, bool relevant)
{
	struct sv_backend_event ev = { .domid = -7 };

	if (sv_backend_event_parse(path, &ev) != 0)
		fail_msg("%s: refused", path);
	assert_int_equal(ev.domid, domid);
	if (ev.relevant != relevant)
		fail_msg("%s: relevant %d, expected %d", path, ev.relevant,
			 relevant);
}

static void devices_and_what_discovery_reads_are_relevant(void **state)
{
	(void)state;
	expect(B "vbd/5", 5, true);
	expect(B "qdisk/5/51712", 5, true);
	expect(B "vbd/12/51712/params", 12, true);
	expect(B "vbd/12/51712/physical-device", 12, true);
	expect(B "vbd/12/51712/physical-device-path", 12, true);
	expect(B "vbd/12/51712/tapdisk-params", 12, true);
	expect(B "qdisk/32751/768/mode", 32751, true);
	expect(B "vbd/1/51712/type", 1, true);
	expect(B "vif/3/0", 3, true);
	expect(B "vif/3/0/hotplug-status", 3, true);
	expect(B "vif/3/0/vifname", 3, true);
	/* vif-svirt's word that the vif is on its bridge, "connected" held back. */
	expect(B "vif/3/0/svirt-plugged", 3, true);
}

/* What backends write as a guest's frontend comes and goes. */
static void frontend_driven_nodes_are_not(void **state)
{
	(void)state;
	expect(B "vbd/12/51712/state", 12, false);
	expect(B "qdisk/12/51712/state", 12, false);
	expect(B "vbd/12/51712/feature-flush-cache", 12, false);
	expect(B "vbd/12/51712/sectors", 12, false);
	expect(B "vbd/12/51712/hotplug-status", 12, false);
	expect(B "vbd/12/51712/svirt-plugged", 12, false);
	expect(B "vif/3/0/svirt-plugged/x", 3, false);
	expect(B "vif/3/0/state", 3, false);
	expect(B "vif/3/0/params", 3, false);
	expect(B "vbd/12/51712/params/deeper", 12, false);
	expect(B "vbd/12/51712/paramsx", 12, false);
}

static void other_paths_are_refused_untouched(void **state)
{
	static const char *const bad[] = {
		B "vbd", B "vbd/", B "vbd/0", B "vbd/0/51712", B "vbd/32752",
		B "vbd/05", B "vbd/+5", B "vbd/5x", B "vbd/99999999999",
		B "vkbd/5/0", B "console/5/0", B "vbdx/5", B "qdis/5",
		"/local/domain/0/backendvbd/5", "/local/domain/5/device/vbd/768",
		"@introduceDomain", "", B "vif5/0",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct sv_backend_event ev = { .domid = -7, .relevant = true };

		if (sv_backend_event_parse(bad[i], &ev) != -EINVAL)
			fail_msg("%s: accepted", bad[i]);
		assert_int_equal(ev.domid, -7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(devices_and_what_discovery_reads_are_relevant),
		cmocka_unit_test(frontend_driven_nodes_are_not),
		cmocka_unit_test(other_paths_are_refused_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
