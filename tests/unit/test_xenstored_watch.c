/* test_xenstored_watch.c: the test xenstore server's watches and transactions
 * behave as xenstored's do, seen through the real libxenstore. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../xenstored/xsd-client.h"

/* ---- watches ---- */

static void new_watch_fires_once_at_once(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	assert_true(xs_watch(xs, "/not/yet", "tok"));
	xsd_expect_event(xs, "/not/yet", "tok");
	assert_null(xs_check_watch(xs));
	assert_int_equal(errno, EAGAIN);
	xs_close(xs);
}

static void watch_fires_on_changes_below_its_path(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *other = xsd_open_dom0();

	(void)state;
	xsd_watch(xs, "/local/domain/0/backend", "be");
	xsd_put(other, "/local/domain/0/backend/vbd/3/768/params", "/img");
	xsd_expect_event(xs, "/local/domain/0/backend/vbd/3/768/params", "be");
	assert_true(xs_rm(other, XBT_NULL, "/local/domain/0/backend/vbd/3"));
	xsd_expect_event(xs, "/local/domain/0/backend/vbd/3", "be");
	xs_close(other);
	xs_close(xs);
}

static void watch_ignores_siblings_sharing_a_prefix(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_watch(xs, "/w/ab", "t");
	xsd_put(xs, "/w/abc", "sibling");
	xsd_put(xs, "/w/a", "parent");
	xsd_put(xs, "/w/ab/c", "child");
	xsd_expect_event(xs, "/w/ab/c", "t");
	xs_close(xs);
}

static void watch_below_a_removed_subtree_fires_on_its_own_path(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_put(xs, "/top/mid/leaf", "v");
	xsd_watch(xs, "/top/mid/leaf", "leaf");
	assert_true(xs_rm(xs, XBT_NULL, "/top"));
	xsd_expect_event(xs, "/top/mid/leaf", "leaf");
	xs_close(xs);
}

static void unwatch_stops_the_events(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_watch(xs, "/u", "gone");
	xsd_watch(xs, "/marker", "kept");
	assert_true(xs_unwatch(xs, "/u", "gone"));
	xsd_put(xs, "/u/x", "1");
	xsd_put(xs, "/marker", "1");
	xsd_expect_event(xs, "/marker", "kept");
	assert_false(xs_unwatch(xs, "/u", "gone"));
	assert_int_equal(errno, ENOENT);
	xs_close(xs);
}

static void same_watch_twice_is_refused_with_eexist(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_watch(xs, "/twice", "t");
	assert_false(xs_watch(xs, "/twice", "t"));
	assert_int_equal(errno, EEXIST);
	xsd_watch(xs, "/twice", "other-token");
	xs_close(xs);
}

static void relative_watch_reports_relative_paths(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *guest;

	(void)state;
	xsd_put_private(xs, "/local/domain/5", "", 5);
	guest = xsd_open_domain(5);
	xsd_watch(guest, "device", "rel");
	xsd_put(guest, "device/vif/0/state", "1");
	xsd_expect_event(guest, "device/vif/0/state", "rel");
	xs_close(guest);
	xs_close(xs);
}

static void domain_hears_only_of_nodes_it_may_read(void **state)
{
	struct xs_permissions open_to_all[1] = { { 0, XS_PERM_READ } };
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *guest;

	(void)state;
	xsd_put(xs, "/spy", "");
	assert_true(xs_set_permissions(xs, XBT_NULL, "/spy", open_to_all, 1));
	xsd_put_private(xs, "/spy/secret", "x", 0);
	guest = xsd_open_domain(5);
	xsd_watch(guest, "/spy", "t");
	xsd_put(xs, "/spy/secret", "changed");
	xsd_put(xs, "/spy/public", "y");
	xsd_expect_event(guest, "/spy/public", "t");
	xs_close(guest);
	xs_close(xs);
}

static void read_watch_returns_the_next_event(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	unsigned n;
	char **ev;

	(void)state;
	assert_true(xs_watch(xs, "/rw", "blocking"));
	ev = xs_read_watch(xs, &n);
	assert_non_null(ev);
	assert_true(n >= 2);
	assert_string_equal(ev[XS_WATCH_PATH], "/rw");
	free(ev);
	xsd_put(xs, "/rw/x", "1");
	ev = xs_read_watch(xs, &n);
	assert_non_null(ev);
	assert_string_equal(ev[XS_WATCH_PATH], "/rw/x");
	assert_string_equal(ev[XS_WATCH_TOKEN], "blocking");
	free(ev);
	xs_close(xs);
}

/* ---- transactions ---- */

static void transaction_changes_show_only_when_committed(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *watcher = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/tx/a", "old");
	xsd_watch(watcher, "/tx", "tx");
	t = xs_transaction_start(xs);
	assert_int_not_equal(t, XBT_NULL);
	assert_true(xs_write(xs, t, "/tx/a", "new", 3));
	assert_true(xs_write(xs, t, "/tx/b", "added", 5));
	xsd_assert_value(xs, t, "/tx/a", "new");
	xsd_assert_value(xs, XBT_NULL, "/tx/a", "old");
	xsd_assert_read_fails(xs, "/tx/b", ENOENT);
	assert_true(xs_transaction_end(xs, t, false));
	xsd_expect_event(watcher, "/tx/a", "tx");
	xsd_expect_event(watcher, "/tx/b", "tx");
	xsd_assert_value(xs, XBT_NULL, "/tx/a", "new");
	xsd_assert_value(xs, XBT_NULL, "/tx/b", "added");
	xs_close(watcher);
	xs_close(xs);
}

static void transaction_commits_removals_and_permissions(void **state)
{
	struct xs_permissions p[2] = { { 0, XS_PERM_NONE }, { 3, XS_PERM_READ } };
	struct xs_handle *xs = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/txr/gone/deep", "1");
	xsd_put(xs, "/txr/kept", "2");
	t = xs_transaction_start(xs);
	assert_int_not_equal(t, XBT_NULL);
	assert_true(xs_rm(xs, t, "/txr/gone"));
	assert_true(xs_set_permissions(xs, t, "/txr/kept", p, 2));
	assert_true(xs_mkdir(xs, t, "/txr/new/dir"));
	xsd_assert_value(xs, XBT_NULL, "/txr/gone/deep", "1");
	assert_true(xs_transaction_end(xs, t, false));
	xsd_assert_read_fails(xs, "/txr/gone", ENOENT);
	xsd_assert_perms(xs, "/txr/kept", p, 2);
	xsd_assert_value(xs, XBT_NULL, "/txr/new/dir", "");
	xs_close(xs);
}

static void aborted_transaction_leaves_the_store_unchanged(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/ab/keep", "v");
	t = xs_transaction_start(xs);
	assert_int_not_equal(t, XBT_NULL);
	assert_true(xs_rm(xs, t, "/ab"));
	assert_true(xs_transaction_end(xs, t, true));
	xsd_assert_value(xs, XBT_NULL, "/ab/keep", "v");
	assert_false(xs_transaction_end(xs, t, false));
	assert_int_equal(errno, ENOENT);
	xs_close(xs);
}

static void transaction_racing_a_write_ends_with_eagain(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *other = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/race/counter", "1");
	t = xs_transaction_start(xs);
	xsd_assert_value(xs, t, "/race/counter", "1");
	xsd_put(other, "/race/counter", "5");
	assert_true(xs_write(xs, t, "/race/counter", "2", 1));
	assert_false(xs_transaction_end(xs, t, false));
	assert_int_equal(errno, EAGAIN);
	xsd_assert_value(xs, XBT_NULL, "/race/counter", "5");
	/* Disjoint transactions do not disturb each other. */
	t = xs_transaction_start(xs);
	xsd_put(other, "/race/elsewhere", "x");
	assert_true(xs_write(xs, t, "/race/counter", "6", 1));
	assert_true(xs_transaction_end(xs, t, false));
	xsd_assert_value(xs, XBT_NULL, "/race/counter", "6");
	xs_close(other);
	xs_close(xs);
}

/* xenstored's default quota: ten open transactions per connection. */
static void eleventh_open_transaction_is_refused_with_enospc(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	xs_transaction_t t[10];

	(void)state;
	for (int i = 0; i < 10; i++) {
		t[i] = xs_transaction_start(xs);
		assert_int_not_equal(t[i], XBT_NULL);
	}
	assert_int_equal(xs_transaction_start(xs), XBT_NULL);
	assert_int_equal(errno, ENOSPC);
	for (int i = 0; i < 10; i++)
		assert_true(xs_transaction_end(xs, t[i], true));
	xs_close(xs);
}

#define T(name) cmocka_unit_test_setup_teardown(name, xsd_setup, xsd_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(new_watch_fires_once_at_once),
		T(watch_fires_on_changes_below_its_path),
		T(watch_ignores_siblings_sharing_a_prefix),
		T(watch_below_a_removed_subtree_fires_on_its_own_path),
		T(unwatch_stops_the_events),
		T(same_watch_twice_is_refused_with_eexist),
		T(relative_watch_reports_relative_paths),
		T(domain_hears_only_of_nodes_it_may_read),
		T(read_watch_returns_the_next_event),
		T(transaction_changes_show_only_when_committed),
		T(transaction_commits_removals_and_permissions),
		T(aborted_transaction_leaves_the_store_unchanged),
		T(transaction_racing_a_write_ends_with_eagain),
		T(eleventh_open_transaction_is_refused_with_enospc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
