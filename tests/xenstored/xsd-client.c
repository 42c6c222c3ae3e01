/* xsd-client.c: cmocka helpers for host tests that talk to the test xenstore
 * server through the real libxenstore; waits on file descriptors, never sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <poll.h>

#include "xsd-client.h"
#include "xsd-harness.h"

int xsd_setup(void **state)
{
	struct xsd_harness *h = calloc(1, sizeof(*h));
	int rc = h ? xsd_harness_start(h, NULL) : -ENOMEM;

	if (rc != 0) {
		fprintf(stderr, "cannot start xsd: %s (set SVIRT_XSD?)\n",
			strerror(-rc));
		free(h);
		return -1;
	}
	*state = h;
	return 0;
}

int xsd_teardown(void **state)
{
	struct xsd_harness *h = *state;
	int rc = xsd_harness_stop(h);

	free(h);
	if (rc != 0)
		fprintf(stderr, "xsd did not exit cleanly: %s\n", strerror(-rc));
	return rc == 0 ? 0 : -1;
}

struct xs_handle *xsd_open_dom0(void)
{
	struct xs_handle *xs = xs_open(0);

	if (!xs)
		fail_msg("xs_open: %s", strerror(errno));
	return xs;
}

struct xs_handle *xsd_open_domain(unsigned domid)
{
	struct xs_handle *xs = xsd_open_dom0();
	char id[16];
	char *ok;

	snprintf(id, sizeof(id), "%u", domid);
	ok = xs_control_command(xs, "domid", id, (unsigned)strlen(id) + 1);
	if (!ok)
		fail_msg("control domid %u: %s", domid, strerror(errno));
	free(ok);
	return xs;
}

void xsd_put(struct xs_handle *xs, const char *path, const char *value)
{
	if (!xs_write(xs, XBT_NULL, path, value, (unsigned)strlen(value)))
		fail_msg("write %s: %s", path, strerror(errno));
}

void xsd_put_private(struct xs_handle *xs, const char *path,
		     const char *value, unsigned owner)
{
	struct xs_permissions p = { .id = owner, .perms = XS_PERM_NONE };

	xsd_put(xs, path, value);
	if (!xs_set_permissions(xs, XBT_NULL, path, &p, 1))
		fail_msg("set_permissions %s: %s", path, strerror(errno));
}

void xsd_assert_value(struct xs_handle *xs, xs_transaction_t t,
		      const char *path, const char *want)
{
	unsigned len;
	char *v = xs_read(xs, t, path, &len);

	if (!v)
		fail_msg("read %s: %s", path, strerror(errno));
	assert_int_equal(len, strlen(want));
	assert_string_equal(v, want);
	free(v);
}

void xsd_assert_read_fails(struct xs_handle *xs, const char *path, int err)
{
	unsigned len;
	char *v = xs_read(xs, XBT_NULL, path, &len);

	if (v)
		fail_msg("read %s gave \"%s\", not %s", path, v, strerror(err));
	assert_int_equal(errno, err);
}

void xsd_assert_perms(struct xs_handle *xs, const char *path,
		      const struct xs_permissions *want, unsigned n)
{
	unsigned got_n;
	struct xs_permissions *got =
		xs_get_permissions(xs, XBT_NULL, path, &got_n);

	if (!got)
		fail_msg("get_permissions %s: %s", path, strerror(errno));
	assert_int_equal(got_n, n);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(got[i].id, want[i].id);
		assert_int_equal(got[i].perms, want[i].perms);
	}
	free(got);
}

void xsd_expect_event(struct xs_handle *xs, const char *path,
		      const char *token)
{
	struct pollfd pfd = { .fd = xs_fileno(xs), .events = POLLIN };

	for (;;) {
		char **ev = xs_check_watch(xs);

		if (ev) {
			assert_string_equal(ev[XS_WATCH_PATH], path);
			assert_string_equal(ev[XS_WATCH_TOKEN], token);
			free(ev);
			return;
		}
		assert_int_equal(errno, EAGAIN);
		if (poll(&pfd, 1, XSD_WAIT_MS) != 1)
			fail_msg("no event for %s (%s)", path, token);
	}
}

void xsd_watch(struct xs_handle *xs, const char *path, const char *token)
{
	if (!xs_watch(xs, path, token))
		fail_msg("watch %s: %s", path, strerror(errno));
	xsd_expect_event(xs, path, token);
}
