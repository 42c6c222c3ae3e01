/* svirtd-fixture.h: what the svirtd host tests (test_xenstored_svirtd*.c) share: the real
 * build/svirtd against the test xenstore, on a private tmpfs, and guests written as libxl does. */
#ifndef SVIRTD_FIXTURE_H
#define SVIRTD_FIXTURE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <xenstore.h>

#include "xsd-harness.h"

#define ORIG "system_u:object_r:xen_image_t:s0"
#define IMAGE_TYPE "system_u:object_r:svirt_xen_image_t:s0"
#define CONTENT "system_u:object_r:svirt_xen_content_t:s0"
#define SVIRT "/local/domain/0/svirt"
/* The private tmpfs each test makes its directory in. */
#define TOP_ENV "SVIRTD_TEST_TOP"

struct env {
	struct xsd_harness h;
	char dir[PATH_MAX];		/* this test's own directory on the tmpfs */
	char img[PATH_MAX], conf[PATH_MAX], sock[PATH_MAX], log[PATH_MAX];
	pid_t svirtd;
	struct xs_handle *xs;		/* dom0, for writing */
	struct xs_handle *w;		/* dom0, watching SVIRT */
};

/* snprintf that fails the test rather than cut a path short. */
#define FMT(buf, size, ...) \
	assert_true(snprintf((buf), (size), __VA_ARGS__) < (int)(size))

/* ---- files ---- */

void put_file(const char *path, const char *content);
/* e->img/name holding "disk", labelled label; the path (one of 16 buffers). */
char *image(struct env *e, const char *name, const char *label);
bool label_is(const char *path, const char *label);
void assert_label(const char *path, const char *label);
bool has_xattr(const char *path, const char *name);

/* ---- svirtd ---- */

/* $SVIRTD, else svirtd next to the test's own directory (build/svirtd). */
void svirtd_binary(char *buf, size_t len);
/* The end of svirtd's log, for a failing test's message. */
void show_log(const struct env *e);
/* Waits for the next change below SVIRT; fails after XSD_WAIT_MS. */
void wait_event(struct env *e);
/* Forks and execs svirtd on e's config and socket, its stderr to e->log. */
void svirtd_spawn(struct env *e);
/* Removes SVIRT, spawns svirtd, returns once it has published SVIRT afresh. */
void svirtd_start(struct env *e);
void svirtd_kill(struct env *e);
/* SIGTERM; fails the test unless svirtd exits 0. */
void svirtd_stop(struct env *e);
/* svirtd's config: e->img the only root, shared the shared_images list. */
void write_config(struct env *e, const char *shared);
/* The same at log_level level (benchmarks log at "info", as shipped). */
void write_config_at(struct env *e, const char *shared, const char *level);
/* The same with root the only relabel root. */
void write_config_root(struct env *e, const char *root, const char *shared,
		       const char *level);
/* cmocka: a test xenstore, a directory on the tmpfs and a config per test;
 * teardown fails the test if svirtd is still running. */
int setup(void **state);
int teardown(void **state);
/* setup, with the test xenstore counting each connection's requests
 * (XSD_STATS, a file in the test's top directory). */
int setup_counted(void **state);
/* How many requests of type (xsd-main.c's names: "read", "write",
 * "is_introduced", ...) svirtd pid made on its two connections, once it
 * has ended; fails the test if the counts do not appear. */
unsigned long svirtd_requests(pid_t pid, const char *type);
/* One request on the control socket, the whole reply back (free it). */
char *control(struct env *e, const char *line);
/* svirtd run to completion with args; its exit status, stderr in out. */
int run_svirtd(const char *const args[], char *out, size_t size);

/* Whether svirtd's log holds text, and how many times. */
bool log_has(const struct env *e, const char *text);
unsigned log_count(const struct env *e, const char *text);

/* ---- guests ---- */

struct disk {
	const char *params;	/* "raw:/path" */
	const char *mode;	/* "w" or "r" */
};

/* The uuid the tests give domid. */
void uuid_of(int domid, char *buf, size_t len);
/* What libxl writes for a domain and its qdisk backends, in a transaction. */
void guest_write(struct env *e, int domid, const char *uuid,
		 const struct disk *d, size_t n);
/* guest_write, then the introduction (@introduceDomain). */
void guest_create_as(struct env *e, int domid, const char *uuid,
		     const struct disk *d, size_t n);
void guest_create(struct env *e, int domid, const struct disk *d, size_t n);
/* As libxl destroys: backends removed, domain released, nodes removed. */
void guest_destroy(struct env *e, int domid);
/* The same for a guest whose uuid is not uuid_of(domid) (a restored one). */
void guest_destroy_as(struct env *e, int domid, const char *uuid);
/* SVIRT/<domid>/<node>, or NULL (free it). */
char *svirt_node(struct env *e, int domid, const char *node);
bool state_is_one_of(struct env *e, int domid, const char *a, const char *b);
/* Waits for labelled or error; returns the state (free it). */
char *wait_done(struct env *e, int domid);
/* Waits for labelled; fails with the reason on error. */
void wait_labelled(struct env *e, int domid);
void wait_gone(struct env *e, int domid);
/* Waits for SVIRT/<domid>/<node> to read value. */
void wait_node(struct env *e, int domid, const char *node, const char *value);
/* The image label published for domid (free it). */
char *image_label(struct env *e, int domid);
/* Returns once svirtd has caught up with every change made before the
 * call: what it publishes then is the store's present, not a past life of
 * a domid.  Uses a guest of its own, SYNC_DOMID, gone again on return. */
#define SYNC_DOMID 32000
void svirtd_sync(struct env *e);

/* ---- main ---- */

struct CMUnitTest;
/* Runs the tests on a private tmpfs in a mount namespace of their own, or
 * skips each of them saying why they cannot run here (not root, ...). */
int svirtd_fixture_run(const struct CMUnitTest *tests, size_t n);

#endif
