/* test_xenstored_transaction.c: the test xenstore server's transactions are
 * isolated and conflict as xenstored's do, seen through the real libxenstore. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../xenstored/xsd-client.h"

/* The names of path's children, joined by spaces, as t sees them. */
static void assert_children(struct xs_handle *xs, xs_transaction_t t,
			    const char *path, const char *want)
{
	char got[256] = "";
	unsigned n;
	char **names = xs_directory(xs, t, path, &n);

	assert_non_null(names);
	for (unsigned i = 0; i < n; i++) {
		if (i)
			strcat(got, " ");
		strcat(got, names[i]);
	}
	free(names);
	assert_string_equal(got, want);
}

/* No event is waiting: a request answered after every change made so far
 * carries any event queued before it. */
static void assert_no_event(struct xs_handle *xs)
{
	char **ev;

	free(xs_read(xs, XBT_NULL, "/", NULL));
	ev = xs_check_watch(xs);
	if (ev)
		fail_msg("unexpected event on %s", ev[XS_WATCH_PATH]);
}

static void commit_fails_with_eagain(struct xs_handle *xs, xs_transaction_t t)
{
	assert_false(xs_transaction_end(xs, t, false));
	assert_int_equal(errno, EAGAIN);
}

static void transaction_reads_its_own_writes(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/own/a", "old");
	xsd_put(xs, "/own/gone", "x");
	t = xs_transaction_start(xs);
	assert_true(xs_write(xs, t, "/own/a", "new", 3));
	assert_true(xs_write(xs, t, "/own/b/c", "deep", 4));
	assert_true(xs_rm(xs, t, "/own/gone"));
	xsd_assert_value(xs, t, "/own/a", "new");
	xsd_assert_value(xs, t, "/own/b/c", "deep");
	xsd_assert_value(xs, t, "/own/b", "");
	assert_null(xs_read(xs, t, "/own/gone", NULL));
	assert_int_equal(errno, ENOENT);
	assert_children(xs, t, "/own", "a b");
	/* Outside, nothing has happened yet. */
	xsd_assert_value(xs, XBT_NULL, "/own/a", "old");
	xsd_assert_read_fails(xs, "/own/b", ENOENT);
	assert_children(xs, XBT_NULL, "/own", "a gone");
	assert_true(xs_transaction_end(xs, t, false));
	assert_children(xs, XBT_NULL, "/own", "a b");
	xsd_assert_value(xs, XBT_NULL, "/own/b/c", "deep");
	xs_close(xs);
}

/* A subtree removed and made again: nothing of the old one shows through,
 * and looking below its own removal does not make the commit fail. */
static void transaction_removing_and_remaking_a_subtree(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/re/old/deep", "1");
	xsd_put(xs, "/re/kept", "2");
	t = xs_transaction_start(xs);
	assert_true(xs_rm(xs, t, "/re"));
	assert_null(xs_read(xs, t, "/re/old/deep", NULL));
	assert_int_equal(errno, ENOENT);
	assert_true(xs_write(xs, t, "/re/new", "3", 1));
	assert_children(xs, t, "/re", "new");
	assert_null(xs_read(xs, t, "/re/kept", NULL));
	assert_int_equal(errno, ENOENT);
	xsd_assert_value(xs, XBT_NULL, "/re/kept", "2");
	assert_true(xs_transaction_end(xs, t, false));
	assert_children(xs, XBT_NULL, "/re", "new");
	xsd_assert_read_fails(xs, "/re/old", ENOENT);
	xs_close(xs);
}

static void write_to_a_node_written_meanwhile_ends_with_eagain(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *other = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/wr/x", "1");
	t = xs_transaction_start(xs);
	assert_true(xs_write(xs, t, "/wr/x", "tx", 2));
	xsd_put(other, "/wr/x", "other");
	commit_fails_with_eagain(xs, t);
	xsd_assert_value(xs, XBT_NULL, "/wr/x", "other");
	xs_close(other);
	xs_close(xs);
}

static void node_found_missing_then_made_ends_with_eagain(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *other = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/miss/here", "1");
	t = xs_transaction_start(xs);
	assert_null(xs_read(xs, t, "/miss/not", NULL));
	xsd_put(other, "/miss/not", "now");
	assert_true(xs_write(xs, t, "/miss/here", "2", 1));
	commit_fails_with_eagain(xs, t);
	xsd_assert_value(xs, XBT_NULL, "/miss/here", "1");
	xs_close(other);
	xs_close(xs);
}

static void listed_directory_gaining_a_child_ends_with_eagain(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *other = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/dir/a", "1");
	t = xs_transaction_start(xs);
	assert_children(xs, t, "/dir", "a");
	xsd_put(other, "/dir/b", "2");
	assert_children(xs, t, "/dir", "a");
	commit_fails_with_eagain(xs, t);
	xs_close(other);
	xs_close(xs);
}

/* As xenstored since 4.9: a node is read when the transaction first looks
 * at it, and only a change after that is a conflict. */
static void change_before_the_first_look_is_no_conflict(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *other = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/first/x", "1");
	t = xs_transaction_start(xs);
	xsd_put(other, "/first/x", "2");
	xsd_assert_value(xs, t, "/first/x", "2");
	assert_true(xs_write(xs, t, "/first/y", "3", 1));
	assert_true(xs_transaction_end(xs, t, false));
	xsd_assert_value(xs, XBT_NULL, "/first/y", "3");
	xs_close(other);
	xs_close(xs);
}

/* Transactions touching different nodes both commit, whichever ends first. */
static void transactions_on_different_nodes_both_commit(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *other = xsd_open_dom0();
	xs_transaction_t t1, t2;

	(void)state;
	xsd_put(xs, "/both/a", "1");
	xsd_put(xs, "/both/b", "1");
	t1 = xs_transaction_start(xs);
	t2 = xs_transaction_start(other);
	xsd_assert_value(xs, t1, "/both/a", "1");
	xsd_assert_value(other, t2, "/both/b", "1");
	assert_true(xs_write(xs, t1, "/both/a", "2", 1));
	assert_true(xs_write(other, t2, "/both/b", "3", 1));
	assert_true(xs_transaction_end(other, t2, false));
	assert_true(xs_transaction_end(xs, t1, false));
	xsd_assert_value(xs, XBT_NULL, "/both/a", "2");
	xsd_assert_value(xs, XBT_NULL, "/both/b", "3");
	xs_close(other);
	xs_close(xs);
}

/* Watchers hear of a transaction's changes when it commits, and never of
 * one that was aborted or failed. */
static void watches_fire_on_commit_only(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *other = xsd_open_dom0();
	struct xs_handle *watcher = xsd_open_dom0();
	xs_transaction_t t;

	(void)state;
	xsd_put(xs, "/ev/x", "1");
	xsd_watch(watcher, "/ev", "ev");
	t = xs_transaction_start(xs);
	assert_true(xs_write(xs, t, "/ev/x", "2", 1));
	assert_true(xs_rm(xs, t, "/ev/x"));
	assert_true(xs_mkdir(xs, t, "/ev/d"));
	assert_no_event(watcher);
	assert_true(xs_transaction_end(xs, t, false));
	xsd_expect_event(watcher, "/ev/x", "ev");
	xsd_expect_event(watcher, "/ev/x", "ev");
	xsd_expect_event(watcher, "/ev/d", "ev");
	assert_no_event(watcher);

	t = xs_transaction_start(xs);
	assert_true(xs_write(xs, t, "/ev/aborted", "1", 1));
	assert_true(xs_transaction_end(xs, t, true));
	assert_no_event(watcher);

	t = xs_transaction_start(xs);
	assert_true(xs_write(xs, t, "/ev/d", "tx", 2));
	xsd_put(other, "/ev/d", "other");
	xsd_expect_event(watcher, "/ev/d", "ev");
	commit_fails_with_eagain(xs, t);
	assert_no_event(watcher);
	xs_close(watcher);
	xs_close(other);
	xs_close(xs);
}

#define T(name) cmocka_unit_test_setup_teardown(name, xsd_setup, xsd_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(transaction_reads_its_own_writes),
		T(transaction_removing_and_remaking_a_subtree),
		T(write_to_a_node_written_meanwhile_ends_with_eagain),
		T(node_found_missing_then_made_ends_with_eagain),
		T(listed_directory_gaining_a_child_ends_with_eagain),
		T(change_before_the_first_look_is_no_conflict),
		T(transactions_on_different_nodes_both_commit),
		T(watches_fire_on_commit_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
