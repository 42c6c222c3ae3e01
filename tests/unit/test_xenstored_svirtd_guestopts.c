/* test_xenstored_svirtd_guestopts.c: the real svirtd applies svirt.conf's per-guest options
 * (issue 17 item 4): static pairs, relabel off, per-guest shared disks, guests without network. */
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
#include <unistd.h>

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"

/* svirtd's config over the fixture's images, with the categories and the
 * guest_* lines given. */
static void config(struct env *e, const char *cats, const char *guest_lines)
{
	char buf[8192];

	FMT(buf, sizeof(buf),
	    "categories = \"%s\"\n"
	    "process_context = \"system_u:system_r:svirt_xen_t:s0\"\n"
	    "image_context = \"" IMAGE_TYPE "\"\n"
	    "content_context = \"" CONTENT "\"\n"
	    "state_dir = \"%s/state\"\n"
	    "relabel_roots = [ \"%s\" ]\n"
	    "log_level = \"debug\"\n"
	    "audit = \"off\"\n"
	    "network = \"off\"\n"
	    "%s", cats, e->dir, e->img, guest_lines);
	put_file(e->conf, buf);
}

/* The guest is refused, its reason holding text. */
static void assert_refused(struct env *e, int domid, const char *text)
{
	char *st = wait_done(e, domid), *why = svirt_node(e, domid, "reason");

	if (strcmp(st, "error") != 0 || !why || !strstr(why, text)) {
		show_log(e);
		fail_msg("domain %d: state %s, reason %s; wanted a refusal with "
			 "\"%s\"", domid, st, why ? why : "(none)", text);
	}
	free(st);
	free(why);
}

static void static_pair_by_name_labels_its_disk(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], *pair;

	snprintf(p, sizeof(p), "raw:%s", image(e, "web.img", ORIG));
	config(e, "c1.c1023", "guest_seclabel = [ \"guest50 c10,c20\" ]\n");
	svirtd_start(e);
	guest_create(e, 50, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 50);
	pair = image_label(e, 50);
	assert_string_equal(pair, IMAGE_TYPE ":c10,c20");
	assert_label(p + 4, IMAGE_TYPE ":c10,c20");
	free(pair);
	svirtd_stop(e);
}

static void static_pair_by_uuid_as_a_full_label(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], uuid[40], lines[256];

	uuid_of(51, uuid, sizeof(uuid));
	snprintf(lines, sizeof(lines), "guest_seclabel = [ \"%s "
		 "system_u:system_r:svirt_xen_t:s0:c11,c21\" ]\n", uuid);
	snprintf(p, sizeof(p), "raw:%s", image(e, "db.img", ORIG));
	config(e, "c1.c1023", lines);
	svirtd_start(e);
	guest_create(e, 51, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 51);
	assert_label(p + 4, IMAGE_TYPE ":c11,c21");
	svirtd_stop(e);
}

/* Another uuid reserved the pair first: refused, naming the holder, and
 * nothing of it labelled. */
static void static_pair_held_by_another_is_refused_naming_it(void **state)
{
	struct env *e = *state;
	const char *other = "6b1e7c3a-0000-4000-8000-00000000beef";
	char p[PATH_MAX + 8], *r;

	snprintf(p, sizeof(p), "raw:%s", image(e, "clash.img", ORIG));
	config(e, "c1.c1023", "guest_seclabel = [ \"guest52 c12,c22\" ]\n");
	svirtd_start(e);
	r = control(e, "RESERVE 6b1e7c3a-0000-4000-8000-00000000beef c12,c22\n");
	assert_true(strncmp(r, "OK 1", 4) == 0);
	free(r);
	guest_create(e, 52, &(struct disk){ p, "w" }, 1);
	assert_refused(e, 52, other);
	assert_label(p + 4, ORIG);
	svirtd_stop(e);
}

/* With c1.c3 there are three pairs; two are guests' static ones, so a
 * guest of no static pair gets the third, and the next one none. */
static void static_pairs_are_never_drawn_for_another_guest(void **state)
{
	struct env *e = *state;
	char p1[PATH_MAX + 8], p2[PATH_MAX + 8], *pair;

	snprintf(p1, sizeof(p1), "raw:%s", image(e, "a.img", ORIG));
	snprintf(p2, sizeof(p2), "raw:%s", image(e, "b.img", ORIG));
	config(e, "c1.c3", "guest_seclabel = [ \"web c1,c2\", \"db c1,c3\" ]\n");
	svirtd_start(e);
	guest_create(e, 53, &(struct disk){ p1, "w" }, 1);
	wait_labelled(e, 53);
	pair = image_label(e, 53);
	assert_string_equal(pair, IMAGE_TYPE ":c2,c3");
	free(pair);
	guest_create(e, 54, &(struct disk){ p2, "w" }, 1);
	/* No sync guest here: it would find no pair either. */
	for (int i = 0; i < 500 && !log_has(e, "(guest54): no label: no free "
					    "category pair"); i++)
		usleep(10 * 1000);
	assert_true(log_has(e, "(guest54): no label: no free category pair"));
	assert_false(state_is_one_of(e, 54, "labelled", "allocated"));
	assert_label(p2 + 4, ORIG);
	svirtd_stop(e);
}

/* The administrator labelled the disk at the guest's static pair: svirtd
 * checks, and neither relabels it nor writes its record in it. */
static void relabel_off_guest_with_its_label_is_left_alone(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8];

	snprintf(p, sizeof(p), "raw:%s", image(e, "kept.img", IMAGE_TYPE ":c13,c23"));
	config(e, "c1.c1023", "guest_seclabel = [ \"guest55 c13,c23\" ]\n"
	       "guest_relabel_no = [ \"guest55\" ]\n");
	svirtd_start(e);
	guest_create(e, 55, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 55);
	assert_label(p + 4, IMAGE_TYPE ":c13,c23");
	assert_false(has_xattr(p + 4, "trusted.svirt"));
	guest_destroy(e, 55);
	wait_gone(e, 55);
	/* Nor restored when it goes: it was never svirtd's. */
	assert_label(p + 4, IMAGE_TYPE ":c13,c23");
	svirtd_stop(e);
}

/* A disk left to the administrator that carries another guest's pair is
 * refused (fail closed), and left as it is. */
static void relabel_off_disk_of_another_guests_pair_is_refused(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], lines[PATH_MAX + 64];

	snprintf(p, sizeof(p), "raw:%s", image(e, "theirs.img", IMAGE_TYPE ":c900,c901"));
	snprintf(lines, sizeof(lines), "guest_relabel_no = [ \"guest56 %s\" ]\n",
		 p + 4);
	config(e, "c1.c1023", lines);
	svirtd_start(e);
	guest_create(e, 56, &(struct disk){ p, "w" }, 1);
	assert_refused(e, 56, "relabel off");
	assert_label(p + 4, IMAGE_TYPE ":c900,c901");
	assert_false(has_xattr(p + 4, "trusted.svirt"));
	svirtd_stop(e);
}

/* One disk left alone at the shared label, the guest's other disk
 * labelled with its (drawn) pair. */
static void relabel_off_disk_at_s0_is_kept_and_the_rest_labelled(void **state)
{
	struct env *e = *state;
	char p1[PATH_MAX + 8], p2[PATH_MAX + 8], lines[PATH_MAX + 64], *l;

	snprintf(p1, sizeof(p1), "raw:%s", image(e, "data.img", IMAGE_TYPE));
	snprintf(p2, sizeof(p2), "raw:%s", image(e, "root.img", ORIG));
	snprintf(lines, sizeof(lines), "guest_relabel_no = [ \"guest57 %s\" ]\n",
		 p1 + 4);
	config(e, "c1.c1023", lines);
	svirtd_start(e);
	guest_create(e, 57, (struct disk[]){ { p1, "w" }, { p2, "w" } }, 2);
	wait_labelled(e, 57);
	l = image_label(e, 57);
	assert_label(p1 + 4, IMAGE_TYPE);
	assert_false(has_xattr(p1 + 4, "trusted.svirt"));
	assert_label(p2 + 4, l);
	free(l);
	svirtd_stop(e);
}

/* A disk shared by the two guests that name it: at s0 while either runs,
 * its own label back when both are gone. */
static void disk_shared_per_guest_is_at_s0_for_each(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], lines[2 * PATH_MAX + 96];

	snprintf(p, sizeof(p), "raw:%s", image(e, "shared.img", ORIG));
	snprintf(lines, sizeof(lines), "guest_shared_images = [ \"guest58 %s\", "
		 "\"guest59 %s\" ]\n", p + 4, p + 4);
	config(e, "c1.c1023", lines);
	svirtd_start(e);
	guest_create(e, 58, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 58);
	assert_label(p + 4, IMAGE_TYPE);
	guest_create(e, 59, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 59);
	assert_label(p + 4, IMAGE_TYPE);
	guest_destroy(e, 58);
	guest_destroy(e, 59);
	wait_gone(e, 58);
	wait_gone(e, 59);
	assert_label(p + 4, ORIG);
	svirtd_stop(e);
}

static void network_off_guest_with_a_vif_is_refused(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], *r;

	snprintf(p, sizeof(p), "raw:%s", image(e, "net.img", ORIG));
	config(e, "c1.c1023", "guest_network_off = [ \"guest60\", \"guest61\" ]\n");
	svirtd_start(e);
	xsd_put(e->xs, "/local/domain/0/backend/vif/60/0/hotplug-status", "connected");
	guest_create(e, 60, &(struct disk){ p, "w" }, 1);
	assert_refused(e, 60, "guest_network_off");
	r = control(e, "VIF 60 0\n");
	if (strncmp(r, "ERR EIO", 7) != 0)
		fail_msg("VIF for a guest without network: %s", r);
	free(r);
	/* The same option without a vif: labelled as usual. */
	guest_create(e, 61, &(struct disk){ NULL, NULL }, 0);
	wait_labelled(e, 61);
	svirtd_stop(e);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(static_pair_by_name_labels_its_disk),
		T(static_pair_by_uuid_as_a_full_label),
		T(static_pair_held_by_another_is_refused_naming_it),
		T(static_pairs_are_never_drawn_for_another_guest),
		T(relabel_off_guest_with_its_label_is_left_alone),
		T(relabel_off_disk_of_another_guests_pair_is_refused),
		T(relabel_off_disk_at_s0_is_kept_and_the_rest_labelled),
		T(disk_shared_per_guest_is_at_s0_for_each),
		T(network_off_guest_with_a_vif_is_refused),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
