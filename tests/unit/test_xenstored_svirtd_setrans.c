/* test_xenstored_svirtd_setrans.c: the real svirtd's mcstrans file (issue 19 item 3): a guest's translation
 * added when its pair is bound and gone when freed, hostile xenstore names kept out, the file rewritten at start. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"
#include "tmpfs.h"

struct paths {
	char own[PATH_MAX], admin[PATH_MAX];
};

static char *slurp(const char *path)
{
	static char buf[8192];

	return tmpfs_slurp(path, buf, sizeof(buf));
}

/* The config of the fixture, with translations on, into e->dir; the
 * administrator's setrans.conf includes svirtd's file and names one guest
 * text ("Payroll") and one level of its own. */
static void config_with_setrans(struct env *e, struct paths *p)
{
	char buf[3 * PATH_MAX], *old;
	FILE *f;

	FMT(p->own, sizeof(p->own), "%s/svirt-setrans.conf", e->dir);
	FMT(p->admin, sizeof(p->admin), "%s/setrans.conf", e->dir);
	FMT(buf, sizeof(buf), "s0=SystemLow\ns0:c0.c1023=SystemHigh\n"
	    "s0:c1000,c1001=Payroll\nInclude=%s\n", p->own);
	put_file(p->admin, buf);
	write_config(e, "");
	old = strdup(slurp(e->conf));
	assert_non_null(old);
	assert_non_null(f = fopen(e->conf, "we"));
	fprintf(f, "%ssetrans = \"on\"\nsetrans_file = \"%s\"\n"
		"setrans_admin = \"%s\"\n", old, p->own, p->admin);
	assert_int_equal(fclose(f), 0);
	free(old);
}

/* "sS:cA,cB=text" for domid's published label. */
static void line_of(struct env *e, int domid, const char *text, char *buf,
		    size_t size)
{
	char *label = svirt_node(e, domid, "label");
	const char *level;

	assert_non_null(label);
	level = strrchr(label, ':');
	assert_non_null(level);
	/* system_u:system_r:t:s0:cA,cB: the level starts at the 4th colon. */
	level = label;
	for (int i = 0; i < 3; i++)
		level = strchr(level, ':') + 1;
	FMT(buf, size, "\n%s=%s\n", level, text);
	free(label);
}

static bool file_has(const char *path, const char *text)
{
	const char *t = slurp(path);

	return t && strstr(t, text);
}

static void wait_file(const char *path, const char *text, bool present)
{
	for (int i = 0; i < 500; i++) {
		if (file_has(path, text) == present)
			return;
		usleep(10000);
	}
	fail_msg("%s %s \"%s\" after 5 s:\n%s", path,
		 present ? "still lacks" : "still has", text,
		 slurp(path) ? slurp(path) : "(no file)");
}

/* A guest with one disk of its own, as libxl leaves it. */
static void guest_with_disk(struct env *e, int domid)
{
	char name[32], params[PATH_MAX + 8];

	snprintf(name, sizeof(name), "g%d.img", domid);
	FMT(params, sizeof(params), "raw:%s", image(e, name, ORIG));
	guest_create(e, domid, &(struct disk){ params, "w" }, 1);
}

static void guest_named(struct env *e, int domid, const char *name)
{
	char uuid[64], node[64];

	uuid_of(domid, uuid, sizeof(uuid));
	guest_write(e, domid, uuid, NULL, 0);
	snprintf(node, sizeof(node), "/local/domain/%d/name", domid);
	xsd_put(e->xs, node, name);
	assert_true(xs_introduce_domain(e->xs, (unsigned)domid, 0, 0));
}

static void translation_follows_the_pair_from_bind_to_free(void **state)
{
	struct env *e = *state;
	struct paths p;
	char line[256];

	config_with_setrans(e, &p);
	svirtd_start(e);
	guest_with_disk(e, 5);
	wait_labelled(e, 5);
	line_of(e, 5, "guest5", line, sizeof(line));
	wait_file(p.own, line, true);
	guest_destroy(e, 5);
	wait_gone(e, 5);
	wait_file(p.own, "guest5", false);
	svirtd_stop(e);
}

/* Names come from /local/domain/<domid>/name, which the toolstack writes
 * from a config a guest's owner may have written. */
static void hostile_names_from_xenstore_never_reach_the_file(void **state)
{
	static const char *const names[] = {
		"evil\ns0:c0.c1023=web", "s0", "c12", "a#b", "a=b",
		"Include=/etc/shadow", "payroll", "x y", "a:b",
	};
	struct env *e = *state;
	struct paths p;
	char line[256];
	const char *t;

	config_with_setrans(e, &p);
	svirtd_start(e);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		guest_named(e, 20 + (int)i, names[i]);
	guest_named(e, 40, "web-1");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		wait_labelled(e, 20 + (int)i);
	wait_labelled(e, 40);
	line_of(e, 40, "web_1", line, sizeof(line));
	wait_file(p.own, line, true);
	t = slurp(p.own);
	/* Only the header's comments and web_1's line. */
	{
		unsigned lines = 0;

		for (const char *c = t; *c; c = strchr(c, '\n') + 1) {
			if (*c != '#')
				lines++;
			if (!strchr(c, '\n'))
				break;
		}
		assert_int_equal(lines, 1);
	}
	assert_null(strstr(t, "evil"));
	assert_null(strstr(t, "shadow"));
	assert_true(log_has(e, "no translated label"));
	svirtd_stop(e);
}

/* A crash leaves a file naming a guest that ended meanwhile, and junk: at
 * start svirtd writes it afresh from the live guests. */
static void restart_rewrites_the_file_from_the_live_guests(void **state)
{
	struct env *e = *state;
	struct paths p;
	char line[256];

	config_with_setrans(e, &p);
	svirtd_start(e);
	guest_with_disk(e, 7);
	guest_with_disk(e, 8);
	wait_labelled(e, 7);
	wait_labelled(e, 8);
	line_of(e, 7, "guest7", line, sizeof(line));
	wait_file(p.own, line, true);
	svirtd_kill(e);
	guest_destroy(e, 8);
	put_file(p.own, "s0:c400,c401=ghost\n");
	svirtd_start(e);
	wait_file(p.own, line, true);
	assert_false(file_has(p.own, "ghost"));
	assert_false(file_has(p.own, "guest8"));
	svirtd_stop(e);
}

/* With translations off (the default) svirtd writes no file. */
static void off_by_default_writes_nothing(void **state)
{
	struct env *e = *state;
	char own[PATH_MAX];

	write_config(e, "");
	FMT(own, sizeof(own), "%s/svirt-setrans.conf", e->dir);
	svirtd_start(e);
	guest_create(e, 9, NULL, 0);
	wait_labelled(e, 9);
	svirtd_sync(e);
	assert_int_equal(access(own, F_OK), -1);
	svirtd_stop(e);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(translation_follows_the_pair_from_bind_to_free),
		T(hostile_names_from_xenstore_never_reach_the_file),
		T(restart_rewrites_the_file_from_the_live_guests),
		T(off_by_default_writes_nothing),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
