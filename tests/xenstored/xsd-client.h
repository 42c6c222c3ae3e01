/* xsd-client.h: cmocka helpers for host tests that talk to the test xenstore
 * server through the real libxenstore: a server per test, clients, checks. */
#ifndef XSD_CLIENT_H
#define XSD_CLIENT_H

#include <xenstore.h>

/* How long a test waits for an event that is due; it comes at once when
 * the server works, so this only bounds a failing test. */
#define XSD_WAIT_MS 10000

/* cmocka setup and teardown: a fresh server for each test; the teardown
 * fails the test if the server died or did not exit cleanly. */
int xsd_setup(void **state);
int xsd_teardown(void **state);

/* A client as dom0, or as guest domid (the control command "domid"). */
struct xs_handle *xsd_open_dom0(void);
struct xs_handle *xsd_open_domain(unsigned domid);

void xsd_put(struct xs_handle *xs, const char *path, const char *value);
/* path written, then given to owner with no access for anyone else. */
void xsd_put_private(struct xs_handle *xs, const char *path,
		     const char *value, unsigned owner);
void xsd_assert_value(struct xs_handle *xs, xs_transaction_t t,
		      const char *path, const char *want);
void xsd_assert_read_fails(struct xs_handle *xs, const char *path, int err);
void xsd_assert_perms(struct xs_handle *xs, const char *path,
		      const struct xs_permissions *want, unsigned n);

/* The next watch event must be (path, token): waits on xs_fileno. */
void xsd_expect_event(struct xs_handle *xs, const char *path,
		      const char *token);
/* Sets a watch and consumes the event every new watch fires. */
void xsd_watch(struct xs_handle *xs, const char *path, const char *token);

#endif
