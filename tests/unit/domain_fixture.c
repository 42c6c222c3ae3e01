/* domain_fixture.c: the fixtures of test_domain.c and test_domain_reconcile.c: a table of
 * guests over a store and a relabel root of their own, on a private tmpfs. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain_fixture.h"
#include "tmpfs.h"

/* ---- files ---- */

void put(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

char *image(struct env *e, const char *name)
{
	static char paths[8][PATH_MAX];
	static unsigned i;
	char *p = paths[i++ % 8];

	assert_true(snprintf(p, PATH_MAX, "%s/%s", e->images, name) < PATH_MAX);
	put(p, "disk");
	assert_int_equal(setxattr(p, "security.selinux", ORIG, sizeof(ORIG), 0),
			 0);
	return p;
}

bool label_is(const char *path, const char *label)
{
	char buf[512];
	ssize_t n = getxattr(path, "security.selinux", buf, sizeof(buf));

	return n == (ssize_t)strlen(label) + 1 && memcmp(buf, label, (size_t)n) == 0;
}

void assert_label(const char *path, const char *label)
{
	if (!label_is(path, label))
		fail_msg("%s does not carry %s", path, label);
}

bool has_record(const char *path)
{
	return getxattr(path, SV_RELABEL_XATTR, NULL, 0) >= 0;
}

unsigned refs_of(const char *path)
{
	char buf[SV_RELABEL_RECORD_MAX + 1];
	struct sv_relabel_record rec;
	ssize_t n = getxattr(path, SV_RELABEL_XATTR, buf, sizeof(buf));

	if (n <= 0)
		return 0;
	assert_int_equal(sv_relabel_record_parse(buf, (size_t)n, &rec, NULL), 0);
	return rec.refs;
}

/* ---- the table ---- */

static void open_table(struct env *e)
{
	struct sv_error err;

	assert_int_equal(sv_mcs_new(1, 1023, &e->mcs, &err), 0);
	if (sv_store_open(e->state, &e->store, &err) != 0)
		fail_msg("store: %s", err.msg);
	sv_domains_init(&e->t, &e->cfg, &e->rctx, &e->log, e->mcs, e->store);
	/* Never the host's processes: the reaper looks at a tree of ours. */
	e->reaper = (struct sv_reaper){ .proc_root = e->proc, .wait_ms = 300 };
	e->t.reaper = &e->reaper;
}

static void close_table(struct env *e)
{
	sv_domains_free(&e->t);
	sv_store_close(e->store);
	sv_mcs_free(e->mcs);
	e->store = NULL;
	e->mcs = NULL;
}

void restart(struct env *e)
{
	struct sv_error err;

	close_table(e);
	open_table(e);
	assert_int_equal(sv_domains_load(&e->t, &err), 0);
}

/* rctx's default_label: e->policy_default for every path. */
static int fixture_default(void *arg, const char *path, mode_t mode,
			   char *out, size_t size)
{
	const struct env *e = arg;

	(void)path;
	(void)mode;
	if (!e->policy_default)
		return -ENOENT;
	if (strlen(e->policy_default) >= size)
		return -ERANGE;
	memcpy(out, e->policy_default, strlen(e->policy_default) + 1);
	return 0;
}

int setup(void **state)
{
	struct env *e = *state;
	struct sv_error err;
	char conf[1024];

	if (e->skip)
		return 0;
	e->n++;
	snprintf(e->images, sizeof(e->images), "%s/img%d", e->top, e->n);
	snprintf(e->state, sizeof(e->state), "%s/state%d", e->top, e->n);
	snprintf(e->proc, sizeof(e->proc), "%s/proc%d", e->top, e->n);
	if (mkdir(e->images, 0755) < 0 || mkdir(e->proc, 0755) < 0)
		return -1;
	snprintf(conf, sizeof(conf),
		 "image_context = \"" IMAGE "\"\n"
		 "content_context = \"" CONTENT "\"\n"
		 "process_context = \"system_u:system_r:svirt_xen_t:s0\"\n"
		 "state_dir = \"%s\"\n"
		 "relabel_roots = [ \"%s\" ]\n"
		 "shared_images = [ \"%s/shared.img\" ]\n",
		 e->state, e->images, e->images);
	if (sv_config_parse(conf, strlen(conf), "test", NULL, &e->cfg, &err) < 0 ||
	    sv_relabel_ctx_init(&e->rctx, &e->cfg, NULL, NULL, &err) < 0) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	e->policy_default = ORIG;
	e->rctx.default_label = fixture_default;
	e->rctx.default_arg = e;
	sv_log_open(&e->log, "test_domain", true, LOG_CRIT);
	open_table(e);
	return 0;
}

int teardown(void **state)
{
	struct env *e = *state;

	if (e->skip)
		return 0;
	close_table(e);
	sv_config_free(&e->cfg);
	return 0;
}

struct env *need_env(void **state)
{
	struct env *e = *state;

	if (e->skip) {
		print_message("skipped: %s\n", e->skip);
		skip();
	}
	return e;
}

struct sv_disks *disks(struct fake *f, size_t n, char *const paths[],
		       const bool ro[])
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++)
		f->v[i] = (struct sv_disk){ .backend = "qdisk", .devid = 51712 + i,
					    .kind = SV_DISK_FILE, .path = paths[i],
					    .readonly = ro && ro[i],
					    .format = "raw" };
	f->disks = (struct sv_disks){ n, f->v };
	return &f->disks;
}

struct sv_domain *bound(struct env *e, int domid, const char *uuid)
{
	struct sv_domain *d;
	struct sv_error err;

	if (sv_domains_bind(&e->t, domid, uuid, "vm", &d, &err) != 0)
		fail_msg("bind: %s", err.msg);
	return d;
}

void assert_stored_objects(struct env *e, const char *uuid, size_t n)
{
	struct sv_record r = { 0 };

	assert_int_equal(sv_store_read(e->store, uuid, &r, NULL), 0);
	assert_int_equal(r.nobjects, n);
	sv_record_clear(&r);
}

int group_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	e->skip = tmpfs_private(e->top, sizeof(e->top), "svirt-domain",
				(const char *const[]){ ORIG, NULL });
	*state = e;
	return 0;
}

int group_teardown(void **state)
{
	struct env *e = *state;

	tmpfs_remove(e->top);
	free(e);
	return 0;
}
