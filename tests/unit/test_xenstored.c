/* test_xenstored.c: the test xenstore server (tests/xenstored) keeps nodes,
 * permissions and domains as xenstored does, seen through the real libxenstore. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../xenstored/xsd-client.h"

/* ---- nodes ---- */

static void write_then_read_returns_the_value(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_put(xs, "/local/domain/1/name", "guest1");
	xsd_assert_value(xs, XBT_NULL, "/local/domain/1/name", "guest1");
	xsd_put(xs, "/local/domain/1/name", "renamed");
	xsd_assert_value(xs, XBT_NULL, "/local/domain/1/name", "renamed");
	xs_close(xs);
}

static void values_may_hold_any_bytes(void **state)
{
	static const char value[] = { 'a', 0, '\xff', '\n', 0 };
	struct xs_handle *xs = xsd_open_dom0();
	unsigned len;
	char *v;

	(void)state;
	assert_true(xs_write(xs, XBT_NULL, "/bin", value, sizeof(value)));
	v = xs_read(xs, XBT_NULL, "/bin", &len);
	assert_non_null(v);
	assert_int_equal(len, sizeof(value));
	assert_memory_equal(v, value, sizeof(value));
	free(v);
	xs_close(xs);
}

static void read_of_a_missing_node_fails_with_enoent(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_assert_read_fails(xs, "/no/such/node", ENOENT);
	xs_close(xs);
}

static void write_creates_missing_parents_with_empty_values(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_put(xs, "/a/b/c", "deep");
	xsd_assert_value(xs, XBT_NULL, "/a", "");
	xsd_assert_value(xs, XBT_NULL, "/a/b", "");
	xsd_assert_value(xs, XBT_NULL, "/a/b/c", "deep");
	xs_close(xs);
}

static void mkdir_keeps_the_value_of_an_existing_node(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_put(xs, "/m", "kept");
	assert_true(xs_mkdir(xs, XBT_NULL, "/m"));
	xsd_assert_value(xs, XBT_NULL, "/m", "kept");
	assert_true(xs_mkdir(xs, XBT_NULL, "/m/x/y"));
	xsd_assert_value(xs, XBT_NULL, "/m/x/y", "");
	xs_close(xs);
}

static void rm_removes_the_whole_subtree(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_put(xs, "/r/a/b", "1");
	xsd_put(xs, "/r/c", "2");
	assert_true(xs_rm(xs, XBT_NULL, "/r"));
	xsd_assert_read_fails(xs, "/r/a/b", ENOENT);
	xsd_assert_read_fails(xs, "/r", ENOENT);
	xs_close(xs);
}

static void rm_of_a_missing_node_needs_its_parent(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_put(xs, "/p", "");
	assert_true(xs_rm(xs, XBT_NULL, "/p/missing"));
	assert_false(xs_rm(xs, XBT_NULL, "/p/missing/child"));
	assert_int_equal(errno, ENOENT);
	assert_false(xs_rm(xs, XBT_NULL, "/"));
	assert_int_equal(errno, EINVAL);
	xs_close(xs);
}

static void directory_lists_children_in_creation_order(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	unsigned n;
	char **kids;

	(void)state;
	xsd_put(xs, "/d/zeta", "");
	xsd_put(xs, "/d/alpha", "");
	xsd_put(xs, "/d/mid/x", "");
	kids = xs_directory(xs, XBT_NULL, "/d", &n);
	assert_non_null(kids);
	assert_int_equal(n, 3);
	assert_string_equal(kids[0], "zeta");
	assert_string_equal(kids[1], "alpha");
	assert_string_equal(kids[2], "mid");
	free(kids);
	kids = xs_directory(xs, XBT_NULL, "/d/alpha", &n);
	assert_non_null(kids);
	assert_int_equal(n, 0);
	free(kids);
	xs_close(xs);
}

/* More names than fit one message: libxenstore falls back on
 * XS_DIRECTORY_PART and must get every name back, in order. */
static void directory_too_big_for_one_message_comes_in_parts(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	char path[64];
	unsigned n;
	char **kids;

	(void)state;
	for (int i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/big/child-number-%04d", i);
		xsd_put(xs, path, "");
	}
	kids = xs_directory(xs, XBT_NULL, "/big", &n);
	assert_non_null(kids);
	assert_int_equal(n, 400);
	for (int i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "child-number-%04d", i);
		assert_string_equal(kids[i], path);
	}
	free(kids);
	xs_close(xs);
}

static void invalid_paths_are_refused_with_einval(void **state)
{
	static const char *const bad[] = {
		"/trailing/", "/double//slash", "/bad char", "/dot.dot",
		"", "@introduceDomain",
	};
	struct xs_handle *xs = xsd_open_dom0();
	char *longpath = malloc(XENSTORE_ABS_PATH_MAX + 2);

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(xs_write(xs, XBT_NULL, bad[i], "v", 1));
		assert_int_equal(errno, EINVAL);
	}
	assert_non_null(longpath);
	memset(longpath, 'x', XENSTORE_ABS_PATH_MAX + 1);
	longpath[0] = '/';
	longpath[XENSTORE_ABS_PATH_MAX + 1] = '\0';
	assert_false(xs_mkdir(xs, XBT_NULL, longpath));
	assert_int_equal(errno, EINVAL);
	free(longpath);
	xs_close(xs);
}

static void get_domain_path_names_the_domains_home(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	char *path = xs_get_domain_path(xs, 7);

	(void)state;
	assert_non_null(path);
	assert_string_equal(path, "/local/domain/7");
	free(path);
	xs_close(xs);
}

static void relative_paths_resolve_under_the_domains_home(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *guest;

	(void)state;
	xsd_put(xs, "here", "dom0");
	xsd_assert_value(xs, XBT_NULL, "/local/domain/0/here", "dom0");
	xsd_put_private(xs, "/local/domain/5", "", 5);
	guest = xsd_open_domain(5);
	xsd_put(guest, "data/x", "five");
	xsd_assert_value(xs, XBT_NULL, "/local/domain/5/data/x", "five");
	xs_close(guest);
	xs_close(xs);
}

/* ---- permissions ---- */

static void permissions_round_trip(void **state)
{
	struct xs_permissions p[3] = {
		{ 3, XS_PERM_NONE }, { 4, XS_PERM_READ },
		{ 5, XS_PERM_READ | XS_PERM_WRITE },
	};
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_put(xs, "/perm", "");
	assert_true(xs_set_permissions(xs, XBT_NULL, "/perm", p, 3));
	xsd_assert_perms(xs, "/perm", p, 3);
	xs_close(xs);
}

static void new_nodes_inherit_their_parents_permissions(void **state)
{
	struct xs_permissions p[2] = { { 0, XS_PERM_NONE }, { 9, XS_PERM_READ } };
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	xsd_put(xs, "/inh", "");
	assert_true(xs_set_permissions(xs, XBT_NULL, "/inh", p, 2));
	xsd_put(xs, "/inh/a/b", "v");
	xsd_assert_perms(xs, "/inh/a", p, 2);
	xsd_assert_perms(xs, "/inh/a/b", p, 2);
	xs_close(xs);
}

static void non_owner_domain_cannot_read_a_private_node(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *guest;

	(void)state;
	xsd_put_private(xs, "/local/domain/0/svirt", "", 0);
	xsd_put(xs, "/local/domain/0/svirt/5/label", "secret");
	guest = xsd_open_domain(5);
	xsd_assert_read_fails(guest, "/local/domain/0/svirt/5/label", EACCES);
	/* Not even whether a node exists leaks out. */
	xsd_assert_read_fails(guest, "/local/domain/0/svirt/5/none", EACCES);
	assert_null(xs_directory(guest, XBT_NULL, "/local/domain/0/svirt",
				 &(unsigned){ 0 }));
	assert_int_equal(errno, EACCES);
	xs_close(guest);
	xs_close(xs);
}

static void non_owner_domain_cannot_write_or_remove(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *guest;

	(void)state;
	xsd_put_private(xs, "/local/domain/6", "", 6);
	xsd_put_private(xs, "/local/domain/6/owned-by-dom0", "x", 0);
	guest = xsd_open_domain(6);
	assert_false(xs_write(guest, XBT_NULL, "/local/domain/6/owned-by-dom0",
			      "y", 1));
	assert_int_equal(errno, EACCES);
	assert_false(xs_rm(guest, XBT_NULL, "/local/domain/6/owned-by-dom0"));
	assert_int_equal(errno, EACCES);
	assert_false(xs_write(guest, XBT_NULL, "/tool/evil", "y", 1));
	assert_int_equal(errno, EACCES);
	xsd_assert_value(xs, XBT_NULL, "/local/domain/6/owned-by-dom0", "x");
	xs_close(guest);
	xs_close(xs);
}

static void domain_may_read_a_node_shared_with_it(void **state)
{
	struct xs_permissions p[2] = { { 0, XS_PERM_NONE }, { 8, XS_PERM_READ } };
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *guest;

	(void)state;
	xsd_put(xs, "/shared", "hello");
	assert_true(xs_set_permissions(xs, XBT_NULL, "/shared", p, 2));
	guest = xsd_open_domain(8);
	xsd_assert_value(guest, XBT_NULL, "/shared", "hello");
	assert_false(xs_write(guest, XBT_NULL, "/shared", "no", 2));
	assert_int_equal(errno, EACCES);
	xs_close(guest);
	guest = xsd_open_domain(9);
	xsd_assert_read_fails(guest, "/shared", EACCES);
	xs_close(guest);
	xs_close(xs);
}

/* What svirtd checks before trusting a node: its owner. */
static void domain_owns_the_nodes_it_creates(void **state)
{
	struct xs_permissions home[1] = { { 4, XS_PERM_NONE } };
	struct xs_permissions mine[1] = { { 4, XS_PERM_NONE } };
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *guest;

	(void)state;
	xsd_put(xs, "/local/domain/4", "");
	assert_true(xs_set_permissions(xs, XBT_NULL, "/local/domain/4", home, 1));
	guest = xsd_open_domain(4);
	xsd_put(guest, "/local/domain/4/device/vbd/768/params", "/etc/shadow");
	xsd_assert_perms(xs, "/local/domain/4/device/vbd/768/params", mine, 1);
	xs_close(guest);
	xs_close(xs);
}

static void domain_cannot_give_its_node_away(void **state)
{
	struct xs_permissions to_dom0[1] = { { 0, XS_PERM_NONE } };
	struct xs_permissions shared[2] = { { 4, XS_PERM_NONE },
					    { 0, XS_PERM_READ } };
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *guest;

	(void)state;
	xsd_put_private(xs, "/local/domain/4", "", 4);
	guest = xsd_open_domain(4);
	xsd_put(guest, "/local/domain/4/x", "");
	assert_false(xs_set_permissions(guest, XBT_NULL, "/local/domain/4/x",
					to_dom0, 1));
	assert_int_equal(errno, EPERM);
	assert_true(xs_set_permissions(guest, XBT_NULL, "/local/domain/4/x",
				       shared, 2));
	xs_close(guest);
	xs_close(xs);
}

/* A device model domain set to target a guest may use the guest's nodes. */
static void device_model_acts_for_its_target(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *dm, *other;

	(void)state;
	assert_true(xs_introduce_domain(xs, 4, 1, 1));
	assert_true(xs_introduce_domain(xs, 7, 1, 1));
	xsd_put_private(xs, "/local/domain/4/device-model", "x", 4);
	assert_true(xs_set_target(xs, 7, 4));
	dm = xsd_open_domain(7);
	xsd_assert_value(dm, XBT_NULL, "/local/domain/4/device-model", "x");
	other = xsd_open_domain(8);
	xsd_assert_read_fails(other, "/local/domain/4/device-model", EACCES);
	xs_close(other);
	xs_close(dm);
	xs_close(xs);
}

/* ---- domains ---- */

static void domain_cannot_manage_domains(void **state)
{
	struct xs_handle *guest;

	(void)state;
	guest = xsd_open_domain(3);
	assert_false(xs_introduce_domain(guest, 4, 1, 1));
	assert_int_equal(errno, EACCES);
	assert_false(xs_release_domain(guest, 4));
	assert_int_equal(errno, EACCES);
	assert_null(xs_control_command(guest, "domid", "0", 2));
	assert_int_equal(errno, EACCES);
	xs_close(guest);
}

static void introduce_fires_the_introduce_domain_watch(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *tools = xsd_open_dom0();

	(void)state;
	xsd_watch(xs, "@introduceDomain", "intro");
	assert_false(xs_is_domain_introduced(tools, 12));
	assert_true(xs_introduce_domain(tools, 12, 0x1234, 5));
	xsd_expect_event(xs, "@introduceDomain", "intro");
	assert_true(xs_is_domain_introduced(tools, 12));
	assert_true(xs_is_domain_introduced(tools, 0));
	xs_close(tools);
	xs_close(xs);
}

static void release_fires_the_release_domain_watch(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct xs_handle *tools = xsd_open_dom0();

	(void)state;
	assert_true(xs_introduce_domain(tools, 13, 1, 1));
	xsd_watch(xs, "@releaseDomain", "rel");
	assert_true(xs_release_domain(tools, 13));
	xsd_expect_event(xs, "@releaseDomain", "rel");
	assert_false(xs_is_domain_introduced(tools, 13));
	xs_close(tools);
	xs_close(xs);
}

static void release_of_an_unknown_domain_fails_with_enoent(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	assert_false(xs_release_domain(xs, 77));
	assert_int_equal(errno, ENOENT);
	assert_false(xs_introduce_domain(xs, 0, 1, 1));
	assert_int_equal(errno, EINVAL);
	xs_close(xs);
}

#define T(name) cmocka_unit_test_setup_teardown(name, xsd_setup, xsd_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(write_then_read_returns_the_value),
		T(values_may_hold_any_bytes),
		T(read_of_a_missing_node_fails_with_enoent),
		T(write_creates_missing_parents_with_empty_values),
		T(mkdir_keeps_the_value_of_an_existing_node),
		T(rm_removes_the_whole_subtree),
		T(rm_of_a_missing_node_needs_its_parent),
		T(directory_lists_children_in_creation_order),
		T(directory_too_big_for_one_message_comes_in_parts),
		T(invalid_paths_are_refused_with_einval),
		T(get_domain_path_names_the_domains_home),
		T(relative_paths_resolve_under_the_domains_home),
		T(permissions_round_trip),
		T(new_nodes_inherit_their_parents_permissions),
		T(non_owner_domain_cannot_read_a_private_node),
		T(non_owner_domain_cannot_write_or_remove),
		T(domain_may_read_a_node_shared_with_it),
		T(domain_owns_the_nodes_it_creates),
		T(domain_cannot_give_its_node_away),
		T(device_model_acts_for_its_target),
		T(domain_cannot_manage_domains),
		T(introduce_fires_the_introduce_domain_watch),
		T(release_fires_the_release_domain_watch),
		T(release_of_an_unknown_domain_fails_with_enoent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
