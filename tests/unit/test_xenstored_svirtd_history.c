/* test_xenstored_svirtd_history.c: the real svirtd's guest history (issue 19
 * item 2): HISTORY names live guests and ended ones, and what it says
 * survives a kill -9 and a restart, from the file in its state directory. */
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

#include "history.h"
#include "../xenstored/svirtd-fixture.h"

/* HISTORY, parsed; the entry of domid (the last one) or NULL. */
static const struct sv_hist_entry *history(struct env *e, int domid,
					   struct sv_history *h)
{
	struct sv_error err = { .msg = "" };
	char *text = control(e, "HISTORY\n");
	const struct sv_hist_entry *found = NULL;

	sv_history_clear(h);
	if (sv_history_parse(text, strlen(text), true, h, &err) < 0)
		fail_msg("HISTORY reply \"%s\": %s", text, err.msg);
	free(text);
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].domid == domid)
			found = &h->v[i];
	return found;
}

static void history_names_ended_guests_after_a_kill_and_restart(void **state)
{
	struct env *e = *state;
	struct sv_history h = { 0 };
	const struct sv_hist_entry *g;
	char p1[PATH_MAX + 8], p2[PATH_MAX + 8], u16[SV_UUID_BUF], file[PATH_MAX + 16];
	struct sv_pair pair16;

	snprintf(p1, sizeof(p1), "raw:%s", image(e, "web.img", ORIG));
	snprintf(p2, sizeof(p2), "raw:%s", image(e, "db.img", ORIG));
	svirtd_start(e);
	guest_create(e, 15, &(struct disk){ p1, "w" }, 1);
	guest_create(e, 16, &(struct disk){ p2, "w" }, 1);
	wait_labelled(e, 15);
	wait_labelled(e, 16);
	uuid_of(16, u16, sizeof(u16));
	assert_non_null(g = history(e, 16, &h));
	assert_string_equal(g->uuid, u16);
	assert_string_equal(g->name, "guest16");
	assert_int_equal(g->end, 0);
	pair16 = g->pair;
	guest_destroy(e, 16);
	wait_gone(e, 16);
	assert_non_null(g = history(e, 16, &h));
	assert_true(g->end >= g->start && g->end > 0);
	assert_int_equal(g->pair.a, pair16.a);
	/* The file is there, and is what a restart reads. */
	FMT(file, sizeof(file), "%s/state/%s", e->dir, SV_HISTORY_FILE);
	assert_int_equal(access(file, F_OK), 0);
	svirtd_kill(e);
	svirtd_start(e);
	wait_labelled(e, 15);
	assert_non_null(g = history(e, 16, &h));
	assert_string_equal(g->name, "guest16");
	assert_true(g->end > 0);
	assert_non_null(g = history(e, 15, &h));
	assert_string_equal(g->name, "guest15");
	assert_int_equal(g->end, 0);
	/* A guest that died while svirtd was down is ended on its return. */
	svirtd_kill(e);
	guest_destroy(e, 15);
	svirtd_start(e);
	svirtd_sync(e);
	assert_non_null(g = history(e, 15, &h));
	assert_true(g->end > 0);
	sv_history_clear(&h);
	svirtd_stop(e);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			history_names_ended_guests_after_a_kill_and_restart,
			setup, teardown),
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
