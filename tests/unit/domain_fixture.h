/* domain_fixture.h: what test_domain.c and test_domain_reconcile.c share: a table of
 * guests on a private tmpfs per group, a fresh root and store per test, file checks. */
#ifndef SVIRT_TEST_DOMAIN_FIXTURE_H
#define SVIRT_TEST_DOMAIN_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "domain.h"

#define ORIG "system_u:object_r:xen_image_t:s0"
#define IMAGE "system_u:object_r:svirt_xen_image_t:s0"
#define CONTENT "system_u:object_r:svirt_xen_content_t:s0"
#define UUID1 "0f3c2f9e-1b7a-4c1e-9d2a-5e8f00000001"
#define UUID2 "0f3c2f9e-1b7a-4c1e-9d2a-5e8f00000002"
#define UUID3 "0f3c2f9e-1b7a-4c1e-9d2a-5e8f00000003"

struct env {
	const char *skip;
	char top[64];
	char images[128], state[128];
	char proc[128];			/* a fake, empty /proc for the reaper */
	/* The "policy's" default label of every path (NULL: none); never
	 * the host's file contexts. */
	const char *policy_default;
	struct sv_reaper reaper;
	int n;				/* per-test directory counter */
	struct sv_config cfg;
	struct sv_relabel_ctx rctx;
	struct sv_log log;
	struct sv_mcs *mcs;
	struct sv_store *store;
	struct sv_domains t;
};

/* ---- files ---- */

void put(const char *path, const char *content);
/* A file name under the relabel root with the label ORIG. */
char *image(struct env *e, const char *name);
bool label_is(const char *path, const char *label);
void assert_label(const char *path, const char *label);
bool has_record(const char *path);
unsigned refs_of(const char *path);

/* ---- the table ---- */

/* svirtd killed and started again: only the store and the files remain. */
void restart(struct env *e);

/* cmocka: the tmpfs for the group (or why the tests skip), and a fresh
 * root, store and table for each test. */
int group_setup(void **state);
int group_teardown(void **state);
int setup(void **state);
int teardown(void **state);
/* The env, or the test skipped with the reason. */
struct env *need_env(void **state);

/* A disk list with one disk per path. */
struct fake {
	struct sv_disk v[4];
	struct sv_disks disks;
};

struct sv_disks *disks(struct fake *f, size_t n, char *const paths[],
		       const bool ro[]);
/* domid bound to uuid, or the test failed. */
struct sv_domain *bound(struct env *e, int domid, const char *uuid);
void assert_stored_objects(struct env *e, const char *uuid, size_t n);

#endif
