/* test_relabel.c: set and restore with real security.selinux and trusted.svirt
 * xattrs, on a private tmpfs in a private mount namespace (root only). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "corpus.h"
#include "loopdev.h"
#include "relabel.h"
#include "tmpfs.h"

#define ORIG "system_u:object_r:xen_image_t:s0"
#define GUEST1 "system_u:object_r:svirt_xen_image_t:s0:c12,c345"
#define GUEST2 "system_u:object_r:svirt_xen_image_t:s0:c7,c8"
#define SHARED "system_u:object_r:svirt_xen_image_t:s0"
#define OTHER "system_u:object_r:etc_t:s0"
#define VIRT "unconfined_u:object_r:virt_image_t:s0"
#define BOOT_NOW "516f7189-f2b6-4417-a1ae-a37fa15d09b7"
#define BOOT_BEFORE "0b2d1e57-3a44-4c5e-9a61-55d0f1f0c0aa"

struct env {
	const char *skip;		/* why the xattr tests cannot run */
	char top[64];			/* a tmpfs of our own */
	char *roots[1];
	char images[128];		/* the relabel root */
	struct sv_config cfg;
	char proc[128], sys[128];
	struct sv_sysroots fake;	/* 7:200 free, 7:201 mounted */
	struct sv_relabel_ctx now, before;	/* this boot, the previous one */
};

static char *at(const struct env *e, const char *rel)
{
	static char path[8][PATH_MAX];
	static unsigned i;
	char *p = path[i++ % 8];

	snprintf(p, PATH_MAX, "%s/%s", e->top, rel);
	return p;
}

static void put(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

/* The label as libselinux's setfilecon writes it, NUL included. */
static void chcon(const char *path, const char *label)
{
	assert_int_equal(setxattr(path, "security.selinux", label,
				  strlen(label) + 1, 0), 0);
}

/* A file under the root with the label ORIG. */
static char *image(const struct env *e, const char *name)
{
	char rel[128], *p;

	snprintf(rel, sizeof(rel), "images/%s", name);
	p = at(e, rel);
	put(p, "disk");
	chcon(p, ORIG);
	return p;
}

static void assert_label(const char *path, const char *label)
{
	char buf[512];
	ssize_t n = getxattr(path, "security.selinux", buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(label) + 1);
	assert_memory_equal(buf, label, (size_t)n);
}

static void assert_no_xattr(const char *path, const char *name)
{
	char buf[8];

	assert_int_equal(getxattr(path, name, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ENODATA);
}

static void assert_record(const char *path, const char *want)
{
	char buf[SV_RELABEL_RECORD_MAX + 1];
	ssize_t n = getxattr(path, SV_RELABEL_XATTR, buf, sizeof(buf) - 1);

	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void make_fake_sysroots(struct env *e)
{
	mkdir(at(e, "proc"), 0755);
	mkdir(at(e, "proc/self"), 0755);
	put(at(e, "proc/self/mountinfo"),
	    "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
	    "40 27 7:201 / /srv/guest rw - ext4 /dev/loop201 rw\n");
	put(at(e, "proc/swaps"), "Filename\tType\tSize\tUsed\tPriority\n");
	mkdir(at(e, "sys"), 0755);
	mkdir(at(e, "sys/dev"), 0755);
	mkdir(at(e, "sys/dev/block"), 0755);
	mkdir(at(e, "sys/dev/block/7:200"), 0755);
	mkdir(at(e, "sys/dev/block/7:201"), 0755);
	snprintf(e->proc, sizeof(e->proc), "%s/proc", e->top);
	snprintf(e->sys, sizeof(e->sys), "%s/sys", e->top);
	e->fake = (struct sv_sysroots){ e->proc, e->sys };
}

static int setup_env(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	*state = e;
	if ((e->skip = tmpfs_private(e->top, sizeof(e->top), "svirt-relabel",
				     (const char *const[]){ ORIG, GUEST1, VIRT, NULL })))
		return 0;
	mkdir(at(e, "images"), 0755);
	mkdir(at(e, "outside"), 0755);
	snprintf(e->images, sizeof(e->images), "%s/images", e->top);
	e->roots[0] = e->images;
	e->cfg.relabel_roots = e->roots;
	e->cfg.nroots = 1;
	make_fake_sysroots(e);
	put(at(e, "boot_now"), BOOT_NOW "\n");
	put(at(e, "boot_before"), BOOT_BEFORE "\n");
	if (sv_relabel_ctx_init(&e->now, &e->cfg, &e->fake, at(e, "boot_now"),
				NULL) != 0 ||
	    sv_relabel_ctx_init(&e->before, &e->cfg, &e->fake,
				at(e, "boot_before"), NULL) != 0)
		return -1;
	return 0;
}

static int teardown_env(void **state)
{
	struct env *e = *state;

	tmpfs_remove(e->top);
	free(e);
	return 0;
}

static struct env *need_env(void **state)
{
	struct env *e = *state;

	if (e->skip) {
		print_message("skipped: %s\n", e->skip);
		skip();
	}
	return e;
}

/* ---- set and restore ---- */

static void set_then_restore_puts_back_the_exact_original(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "roundtrip.img");
	struct sv_relabel_info info;

	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, &info, NULL), 0);
	assert_label(p, GUEST1);
	assert_int_equal(info.refs, 1);
	assert_string_equal(info.orig, ORIG);
	assert_int_equal(sv_relabel_restore(&e->now, p, &info, NULL), 0);
	assert_int_equal(info.refs, 0);
	assert_label(p, ORIG);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

static void set_remembers_the_original_with_boot_id_and_refcount(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "record.img");

	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, NULL), 0);
	assert_record(p, "svirt 1 boot=" BOOT_NOW " refs=1 orig=" ORIG
			 " label=" GUEST1);
}

static void shared_image_is_restored_when_its_last_guest_goes(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "shared.iso");
	struct sv_relabel_info info;

	assert_int_equal(sv_relabel_set(&e->now, p, SHARED, NULL, NULL), 0);
	assert_int_equal(sv_relabel_set(&e->now, p, SHARED, &info, NULL), 0);
	assert_int_equal(info.refs, 2);
	assert_int_equal(sv_relabel_restore(&e->now, p, &info, NULL), 0);
	assert_int_equal(info.refs, 1);
	assert_label(p, SHARED);
	assert_int_equal(sv_relabel_restore(&e->now, p, NULL, NULL), 0);
	assert_label(p, ORIG);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

static void different_label_while_held_is_refused_and_changes_nothing(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "private.img");
	struct sv_error err;

	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, NULL), 0);
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST2, NULL, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "held by another guest with label " GUEST1));
	assert_label(p, GUEST1);
	assert_record(p, "svirt 1 boot=" BOOT_NOW " refs=1 orig=" ORIG
			 " label=" GUEST1);
}

static void reset_restores_whatever_the_refcount(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "leaked.img");

	assert_int_equal(sv_relabel_set(&e->now, p, SHARED, NULL, NULL), 0);
	assert_int_equal(sv_relabel_set(&e->now, p, SHARED, NULL, NULL), 0);
	assert_int_equal(sv_relabel_reset(&e->now, p, NULL, NULL), 0);
	assert_label(p, ORIG);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

static void restore_of_a_file_never_set_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "never.img");
	struct sv_error err;

	assert_int_equal(sv_relabel_restore(&e->now, p, NULL, &err), -ENODATA);
	assert_non_null(strstr(err.msg, "never labelled"));
	assert_label(p, ORIG);
}

static void file_without_a_label_is_remembered_as_none(void **state)
{
	struct env *e = need_env(state);
	char *p = at(e, "images/unlabelled.img");
	struct sv_relabel_info info;
	char buf[8];

	put(p, "disk");
	if (getxattr(p, "security.selinux", buf, sizeof(buf)) >= 0 ||
	    errno != ENODATA) {
		print_message("skipped: new files get a label here (SELinux "
			      "enabled), so none is ever missing\n");
		skip();
	}
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, &info, NULL), 0);
	assert_false(info.has_orig);
	assert_record(p, "svirt 1 boot=" BOOT_NOW " refs=1 orig=- label=" GUEST1);
	assert_int_equal(sv_relabel_restore(&e->now, p, NULL, NULL), 0);
	assert_no_xattr(p, "security.selinux");
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

/* ---- records from a previous boot ---- */

static void stale_record_with_its_label_on_keeps_the_original(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "crashed.img");
	struct sv_relabel_info info;

	assert_int_equal(sv_relabel_set(&e->before, p, GUEST1, NULL, NULL), 0);
	/* Rebooted: that guest is gone, so another pair may have the disk. */
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST2, &info, NULL), 0);
	assert_int_equal(info.stale, SV_STALE_KEPT_ORIGINAL);
	assert_record(p, "svirt 1 boot=" BOOT_NOW " refs=1 orig=" ORIG
			 " label=" GUEST2);
	assert_int_equal(sv_relabel_restore(&e->now, p, NULL, NULL), 0);
	assert_label(p, ORIG);
}

static void stale_record_of_a_relabelled_file_is_dropped(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "restorecon.img");
	struct sv_relabel_info info;

	assert_int_equal(sv_relabel_set(&e->before, p, GUEST1, NULL, NULL), 0);
	chcon(p, OTHER);	/* the admin relabelled it after the reboot */
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST2, &info, NULL), 0);
	assert_int_equal(info.stale, SV_STALE_DROPPED);
	assert_string_equal(info.orig, OTHER);
	assert_int_equal(sv_relabel_restore(&e->now, p, NULL, NULL), 0);
	assert_label(p, OTHER);
}

static void stale_record_is_restored_whatever_its_refcount(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "reconcile.img");
	struct sv_relabel_info info;

	assert_int_equal(sv_relabel_set(&e->before, p, SHARED, NULL, NULL), 0);
	assert_int_equal(sv_relabel_set(&e->before, p, SHARED, NULL, NULL), 0);
	assert_int_equal(sv_relabel_restore(&e->now, p, &info, NULL), 0);
	assert_int_equal(info.stale, SV_STALE_KEPT_ORIGINAL);
	assert_label(p, ORIG);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

static void stale_record_restore_leaves_a_newer_label_alone(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "changed.img");
	struct sv_relabel_info info;

	assert_int_equal(sv_relabel_set(&e->before, p, GUEST1, NULL, NULL), 0);
	chcon(p, OTHER);
	assert_int_equal(sv_relabel_restore(&e->now, p, &info, NULL), 0);
	assert_int_equal(info.stale, SV_STALE_DROPPED);
	assert_label(p, OTHER);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

/* ---- paths that must not be relabelled ---- */

static void path_outside_the_roots_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = at(e, "outside/secret");
	struct sv_error err;

	put(p, "secret");
	chcon(p, OTHER);
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, &err), -EPERM);
	assert_non_null(strstr(err.msg, "outside the relabel roots"));
	assert_label(p, OTHER);
}

static void dotdot_traversal_out_of_the_roots_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = at(e, "outside/shadow");

	put(p, "secret");
	chcon(p, OTHER);
	assert_int_equal(sv_relabel_set(&e->now, at(e, "images/../outside/shadow"),
					GUEST1, NULL, NULL),
			 -EPERM);
	assert_label(p, OTHER);
}

static void symlink_to_a_file_outside_the_roots_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *target = at(e, "outside/passwd"), *ln = at(e, "images/evil.img");
	struct sv_error err;

	put(target, "root:x:0:0");
	chcon(target, OTHER);
	assert_int_equal(symlink(target, ln), 0);
	assert_int_equal(sv_relabel_set(&e->now, ln, GUEST1, NULL, &err), -EPERM);
	assert_non_null(strstr(err.msg, "outside/passwd, outside"));
	assert_label(target, OTHER);
}

/* A decoy of /etc/passwd on the tmpfs, with its own label: the host's is
 * never a target (and is read-only in this mount namespace anyway). */
static void symlink_to_a_decoy_etc_passwd_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *etc = at(e, "etc"), *passwd = at(e, "etc/passwd");
	char *ln = at(e, "images/shadow.img");

	assert_int_equal(mkdir(etc, 0755), 0);
	put(passwd, "root:x:0:0:root:/root:/bin/sh\n");
	chcon(passwd, OTHER);
	assert_int_equal(symlink(passwd, ln), 0);
	assert_int_equal(sv_relabel_set(&e->now, ln, GUEST1, NULL, NULL), -EPERM);
	assert_label(passwd, OTHER);
	assert_no_xattr(passwd, SV_RELABEL_XATTR);
}

static void symlink_within_the_roots_labels_its_target(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "real.img"), *ln = at(e, "images/alias.img");

	assert_int_equal(symlink(p, ln), 0);
	assert_int_equal(sv_relabel_set(&e->now, ln, GUEST1, NULL, NULL), 0);
	assert_label(p, GUEST1);
}

/* The swap lands between realpath() and the open: the open walks the
 * checked path without following and meets the new symlink. */
static void component_swapped_for_a_symlink_after_resolving_is_refused(void **state)
{
	struct env *e = need_env(state);
	char resolved[PATH_MAX];
	struct sv_error err;
	int fd = -1;

	mkdir(at(e, "images/vm1"), 0755);
	image(e, "vm1/disk.img");
	mkdir(at(e, "outside/vm1"), 0755);
	put(at(e, "outside/vm1/disk.img"), "secret");
	assert_non_null(realpath(at(e, "images/vm1/disk.img"), resolved));
	assert_int_equal(rename(at(e, "images/vm1"), at(e, "images/vm1.old")), 0);
	assert_int_equal(symlink(at(e, "outside/vm1"), at(e, "images/vm1")), 0);
	assert_int_equal(sv_relabel_open_nofollow(resolved, &fd, &err), -ELOOP);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err.msg, "became a symlink"));
}

/* The swap lands after the open: only the checked file is labelled. */
static void file_swapped_after_the_check_keeps_its_label_off_the_new_one(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "swapped.img"), *secret = at(e, "outside/key");
	struct sv_relabel_obj obj;

	put(secret, "secret");
	chcon(secret, OTHER);
	assert_int_equal(sv_relabel_open(&e->now, p, &obj, NULL), 0);
	assert_int_equal(rename(p, at(e, "images/swapped.old")), 0);
	assert_int_equal(symlink(secret, p), 0);
	assert_int_equal(sv_relabel_set_obj(&e->now, &obj, GUEST1, NULL, NULL), 0);
	sv_relabel_close(&obj);
	assert_label(at(e, "images/swapped.old"), GUEST1);
	assert_label(secret, OTHER);
	assert_no_xattr(secret, SV_RELABEL_XATTR);
}

static void missing_file_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct sv_error err;

	assert_int_equal(sv_relabel_set(&e->now, at(e, "images/nothing.img"),
					GUEST1, NULL, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "does not exist"));
}

static void relative_path_is_refused(void **state)
{
	struct env *e = need_env(state);

	assert_int_equal(sv_relabel_set(&e->now, "images/a.img", GUEST1, NULL,
					NULL),
			 -EINVAL);
}

static void directory_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = at(e, "images/dir");

	mkdir(p, 0755);
	chcon(p, ORIG);
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, NULL), -EISDIR);
	assert_label(p, ORIG);
}

static void fifo_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = at(e, "images/fifo");
	struct sv_error err;

	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "is a fifo"));
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

static void char_device_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = at(e, "images/blktap-control");

	if (mknod(p, S_IFCHR | 0600, makedev(1, 3)) != 0) {
		print_message("skipped: mknod: %s\n", strerror(errno));
		skip();
	}
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, NULL), -EINVAL);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

static void file_with_a_second_hard_link_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = at(e, "outside/linked"), *ln = at(e, "images/linked.img");

	put(p, "secret");
	chcon(p, OTHER);
	assert_int_equal(link(p, ln), 0);
	assert_int_equal(sv_relabel_set(&e->now, ln, GUEST1, NULL, NULL), -EMLINK);
	assert_label(p, OTHER);
}

static void path_of_64k_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = malloc(65537);

	assert_non_null(p);
	memset(p, 'a', 65536);
	p[0] = '/';
	p[65536] = '\0';
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, NULL),
			 -ENAMETOOLONG);
	free(p);
}

/* Fail closed: what cannot be remembered exactly is not replaced. */
static void file_whose_label_cannot_be_remembered_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "garbage.img");
	struct sv_error err;

	if (setxattr(p, "security.selinux", "not a context", 13, 0) != 0) {
		print_message("skipped: SELinux refuses a malformed label\n");
		skip();
	}
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "cannot remember the original label"));
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

static void malformed_label_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "badlabel.img");

	assert_int_equal(sv_relabel_set(&e->now, p, "svirt_xen_image_t", NULL,
					NULL),
			 -EINVAL);
	assert_label(p, ORIG);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

/* ---- trusted.svirt is input too ---- */

static void malformed_record_is_refused_and_nothing_relabelled(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "corrupt.img");
	static const char bad[] = "svirt 1 boot=" BOOT_NOW " refs=0 orig=- "
				  "label=" GUEST1;
	struct sv_error err;

	assert_int_equal(setxattr(p, SV_RELABEL_XATTR, bad, strlen(bad), 0), 0);
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "malformed"));
	assert_label(p, ORIG);
	assert_int_equal(sv_relabel_restore(&e->now, p, NULL, NULL), -EINVAL);
	assert_label(p, ORIG);
}

static void over_long_record_is_refused_and_nothing_relabelled(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "huge.img"), big[3000];
	struct sv_error err;

	memset(big, 'x', sizeof(big));
	assert_int_equal(setxattr(p, SV_RELABEL_XATTR, big, sizeof(big), 0), 0);
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "longer than"));
	assert_label(p, ORIG);
}

/* ---- block devices ---- */

static char *block_node(const struct env *e, const char *name, dev_t dev)
{
	char rel[64], *p;

	snprintf(rel, sizeof(rel), "images/%s", name);
	p = at(e, rel);
	if (mknod(p, S_IFBLK | 0600, dev) != 0) {
		print_message("skipped: mknod of a block device: %s\n",
			      strerror(errno));
		skip();
	}
	chcon(p, ORIG);
	return p;
}

static void unused_block_device_is_relabelled_and_restored(void **state)
{
	struct env *e = need_env(state);
	char *p = block_node(e, "tapdev0", makedev(7, 200));

	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, NULL), 0);
	assert_label(p, GUEST1);
	assert_int_equal(sv_relabel_restore(&e->now, p, NULL, NULL), 0);
	assert_label(p, ORIG);
}

static void block_device_dom0_has_mounted_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = block_node(e, "mounted", makedev(7, 201));
	struct sv_error err;

	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "mounted at /srv/guest"));
	assert_label(p, ORIG);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

/* A node, under the roots, of a disk dom0 has mounted (as its root disk
 * is), against the real /proc and /sys: a loop device the test makes,
 * mounted by a child in a mount namespace of its own, which tries the
 * relabel.  The child's exit status: 0 refused, 2 no mount, 3 not refused. */
static int relabel_while_mounted(const struct env *e, const struct loopdev *l,
				 const char *p, const char *dir)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct sv_relabel_ctx real = e->now;
		struct sv_error err;
		int r;

		real.sys = NULL;
		if (unshare(CLONE_NEWNS) != 0 ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount(l->node, dir, "ext4", MS_NOATIME, NULL) != 0)
			_exit(2);
		r = sv_relabel_set(&real, p, GUEST1, NULL, &err);
		if (r != -EBUSY || !strstr(err.msg, "is mounted at")) {
			fprintf(stderr, "relabel of %s: %d: %s\n", p, r,
				r ? err.msg : "done");
			_exit(3);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

static void node_of_a_disk_dom0_has_mounted_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *dir = at(e, "mnt"), *p;
	struct loopdev l;
	int rc;

	assert_int_equal(mkdir(dir, 0755), 0);
	loopdev_make(&l, 8 << 20);
	loopdev_mkfs_ext4(l.node);
	p = block_node(e, "mounted-disk", l.rdev);
	rc = relabel_while_mounted(e, &l, p, dir);
	loopdev_drop(&l);
	if (rc == 2)
		fail_msg("cannot mount ext4 from %s in a private mount "
			 "namespace", l.node);
	assert_int_equal(rc, 0);
	assert_label(p, ORIG);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

/* Only opened, never set: a loop device the test makes, under /dev. */
static void whole_block_device_is_opened_by_its_number(void **state)
{
	struct sv_relabel_obj obj;
	struct sv_error err;
	struct loopdev l;
	int r1, r2;

	(void)need_env(state);
	loopdev_make(&l, 1 << 20);
	r1 = sv_relabel_open_blockdev(l.node, l.rdev, &obj, NULL);
	if (r1 == 0) {
		assert_int_equal(obj.rdev, l.rdev);
		sv_relabel_close(&obj);
	}
	r2 = sv_relabel_open_blockdev(l.node, l.rdev + 1, &obj, &err);
	loopdev_drop(&l);
	assert_int_equal(r1, 0);
	assert_int_equal(r2, -EINVAL);
	assert_non_null(strstr(err.msg, "is not the node of block device"));
	assert_int_equal(sv_relabel_open_blockdev("/dev/null", makedev(1, 3), &obj,
						  NULL),
			 -EINVAL);
}

static void whole_block_device_node_outside_dev_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = block_node(e, "fake-sda", makedev(7, 200));
	struct sv_relabel_obj obj;

	assert_int_equal(sv_relabel_open_blockdev(p, makedev(7, 200), &obj, NULL),
			 -EPERM);
}

/* ---- without the tmpfs ---- */

static void refuse_record(const char *path, const char *data, size_t len,
			  void *arg)
{
	struct sv_relabel_record rec;
	struct sv_error err;

	(void)arg;
	if (sv_relabel_record_parse(data, len, &rec, &err) != -EINVAL)
		fail_msg("%s: accepted", path);
}

static void every_bad_record_is_refused(void **state)
{
	(void)state;
	assert_true(corpus_each("tests/data/bad/relabel_record", refuse_record,
				NULL) > 20);
}

/* ---- refused by the kernel ---- */

/* What the kernel refuses in the child that runs the product code: the
 * errno a seccomp filter returns, as SELinux would (EACCES) or as a
 * withheld capability would (EPERM). */
enum refuse {
	REFUSE_SETXATTR,	/* every setxattr: trusted.svirt is first */
	REFUSE_LABEL,		/* setxattr with flags 0: security.selinux only
				 * (trusted.svirt is written CREATE/REPLACE) */
	REFUSE_GETXATTR,	/* every getxattr, the label's too */
	REFUSE_STAT,		/* every fstat: getattr on the first component */
};

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef NATIVE_ARCH
static int refuse_in_this_process(enum refuse what, int e)
{
	const unsigned deny = SECCOMP_RET_ERRNO | ((unsigned)e & SECCOMP_RET_DATA);
	const unsigned nr = what == REFUSE_GETXATTR ? __NR_getxattr :
			    what == REFUSE_STAT ? __NR_newfstatat : __NR_setxattr;
	const unsigned nr2 = what == REFUSE_STAT ? __NR_fstat : nr;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr2, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* args[4], setxattr's flags (low word) */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[4])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, what == REFUSE_LABEL ?
			 SECCOMP_RET_ALLOW : deny),
		BPF_STMT(BPF_RET | BPF_K, deny),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	/* prctl rather than seccomp(2), which valgrind does not know. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}
#endif

enum op { SET, RESTORE };

struct outcome {
	int r;
	struct sv_error err;
};

/* Runs a set (to GUEST1) or a restore of path in a child the kernel
 * refuses what; its return and message come back through shared memory. */
static struct outcome refused_run(struct env *e, enum refuse what, int errnum,
				  enum op op, const char *path)
{
	struct outcome out = { 0 };
#ifdef NATIVE_ARCH
	struct outcome *shared = mmap(NULL, sizeof(*shared),
				      PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int status;

	assert_true(shared != MAP_FAILED);
	shared->r = 1;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (refuse_in_this_process(what, errnum) != 0)
			_exit(2);
		shared->r = op == SET ?
			sv_relabel_set(&e->now, path, GUEST1, NULL, &shared->err) :
			sv_relabel_restore(&e->now, path, NULL, &shared->err);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	out = *shared;
	munmap(shared, sizeof(*shared));
#else
	(void)e, (void)what, (void)errnum, (void)op, (void)path;
	fail_msg("no seccomp architecture for this machine");
#endif
	return out;
}

static void assert_says(const struct sv_error *err, const char *part)
{
	if (!strstr(err->msg, part))
		fail_msg("\"%s\" not in: %s", part, err->msg);
}

/* The refusal names the policy, the object's type and path; nothing changed. */
static void set_refused_by_policy_says_so_and_changes_nothing(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "refused-record.img");
	struct outcome o;

	chcon(p, VIRT);
	o = refused_run(e, REFUSE_SETXATTR, EACCES, SET, p);
	assert_int_equal(o.r, -EACCES);
	assert_says(&o.err, "refused by policy");
	assert_says(&o.err, "its type virt_image_t");
	assert_says(&o.err, p);
	assert_says(&o.err, "remembering its original label in " SV_RELABEL_XATTR);
	assert_label(p, VIRT);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

/* The label itself refused after the record was written: the record goes
 * again, so the object is exactly as it was. */
static void label_refused_by_policy_leaves_no_record(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "refused-label.img");
	struct outcome o;

	chcon(p, VIRT);
	o = refused_run(e, REFUSE_LABEL, EACCES, SET, p);
	assert_int_equal(o.r, -EACCES);
	assert_says(&o.err, "relabelling it to " GUEST1 " refused by policy");
	assert_says(&o.err, "its type virt_image_t");
	assert_says(&o.err, p);
	assert_label(p, VIRT);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

/* A capability withheld (EPERM) is the policy's refusal too. */
static void withheld_capability_is_refused_by_policy(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "refused-eperm.img");
	struct outcome o;

	o = refused_run(e, REFUSE_LABEL, EPERM, SET, p);
	assert_int_equal(o.r, -EPERM);
	assert_says(&o.err, "refused by policy for its type xen_image_t");
	assert_label(p, ORIG);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

/* Putting the original back refused: the guest's label and the record stay
 * (a later restore can still put back the exact original), and the message
 * names the type the object has now. */
static void restore_refused_by_policy_keeps_the_record(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "refused-restore.img");
	struct outcome o;

	chcon(p, VIRT);
	assert_int_equal(sv_relabel_set(&e->now, p, GUEST1, NULL, NULL), 0);
	o = refused_run(e, REFUSE_LABEL, EACCES, RESTORE, p);
	assert_int_equal(o.r, -EACCES);
	assert_says(&o.err, "putting back its original label " VIRT
			    " refused by policy for its type svirt_xen_image_t");
	assert_says(&o.err, p);
	assert_label(p, GUEST1);
	assert_record(p, "svirt 1 boot=" BOOT_NOW " refs=1 orig=" VIRT
			 " label=" GUEST1);
	assert_int_equal(sv_relabel_restore(&e->now, p, NULL, NULL), 0);
	assert_label(p, VIRT);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

/* Even the label unreadable: still said to be the policy's refusal. */
static void unreadable_label_is_refused_by_policy(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "refused-read.img");
	struct outcome o;

	o = refused_run(e, REFUSE_GETXATTR, EACCES, SET, p);
	assert_int_equal(o.r, -EACCES);
	assert_says(&o.err, "reading " SV_RELABEL_XATTR " refused by policy");
	assert_says(&o.err, "its type cannot be read either");
	assert_says(&o.err, p);
	assert_label(p, ORIG);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

/* Looking at the object refused (stat is getattr, as realpath's lookups
 * are not): the first directory on the way is named. */
static void lookup_refused_by_policy_names_where(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "refused-stat.img");
	struct outcome o;

	o = refused_run(e, REFUSE_STAT, EACCES, SET, p);
	assert_int_equal(o.r, -EACCES);
	assert_says(&o.err, "/tmp: looking at it refused by policy");
	assert_label(p, ORIG);
	assert_no_xattr(p, SV_RELABEL_XATTR);
}

static void accept_record(const char *path, const char *data, size_t len,
			  void *arg)
{
	struct sv_relabel_record rec;
	char buf[SV_RELABEL_RECORD_MAX + 1];
	struct sv_error err;

	(void)arg;
	if (sv_relabel_record_parse(data, len, &rec, &err) != 0)
		fail_msg("%s: %s", path, err.msg);
	assert_int_equal(sv_relabel_record_format(&rec, buf, sizeof(buf)),
			 (int)len);
	assert_memory_equal(buf, data, len);
}

static void every_seed_record_parses_and_formats_back(void **state)
{
	(void)state;
	assert_true(corpus_each("tests/data/fuzz/relabel_record", accept_record,
				NULL) > 0);
}

static void boot_id_file_must_hold_a_boot_id(void **state)
{
	struct sv_relabel_ctx c;
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_relabel_ctx_init(&c, NULL, NULL, "/proc/version", &err),
			 -EINVAL);
	assert_int_equal(sv_relabel_ctx_init(&c, NULL, NULL, NULL, &err), 0);
	assert_true(sv_boot_id_valid(c.boot_id, strlen(c.boot_id)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_then_restore_puts_back_the_exact_original),
		cmocka_unit_test(set_remembers_the_original_with_boot_id_and_refcount),
		cmocka_unit_test(shared_image_is_restored_when_its_last_guest_goes),
		cmocka_unit_test(different_label_while_held_is_refused_and_changes_nothing),
		cmocka_unit_test(reset_restores_whatever_the_refcount),
		cmocka_unit_test(restore_of_a_file_never_set_is_refused),
		cmocka_unit_test(file_without_a_label_is_remembered_as_none),
		cmocka_unit_test(stale_record_with_its_label_on_keeps_the_original),
		cmocka_unit_test(stale_record_of_a_relabelled_file_is_dropped),
		cmocka_unit_test(stale_record_is_restored_whatever_its_refcount),
		cmocka_unit_test(stale_record_restore_leaves_a_newer_label_alone),
		cmocka_unit_test(path_outside_the_roots_is_refused),
		cmocka_unit_test(dotdot_traversal_out_of_the_roots_is_refused),
		cmocka_unit_test(symlink_to_a_file_outside_the_roots_is_refused),
		cmocka_unit_test(symlink_to_a_decoy_etc_passwd_is_refused),
		cmocka_unit_test(symlink_within_the_roots_labels_its_target),
		cmocka_unit_test(component_swapped_for_a_symlink_after_resolving_is_refused),
		cmocka_unit_test(file_swapped_after_the_check_keeps_its_label_off_the_new_one),
		cmocka_unit_test(missing_file_is_refused),
		cmocka_unit_test(relative_path_is_refused),
		cmocka_unit_test(directory_is_refused),
		cmocka_unit_test(fifo_is_refused),
		cmocka_unit_test(char_device_is_refused),
		cmocka_unit_test(file_with_a_second_hard_link_is_refused),
		cmocka_unit_test(path_of_64k_is_refused),
		cmocka_unit_test(file_whose_label_cannot_be_remembered_is_refused),
		cmocka_unit_test(malformed_label_is_refused),
		cmocka_unit_test(malformed_record_is_refused_and_nothing_relabelled),
		cmocka_unit_test(over_long_record_is_refused_and_nothing_relabelled),
		cmocka_unit_test(unused_block_device_is_relabelled_and_restored),
		cmocka_unit_test(block_device_dom0_has_mounted_is_refused),
		cmocka_unit_test_teardown(node_of_a_disk_dom0_has_mounted_is_refused,
					  loopdev_teardown),
		cmocka_unit_test_teardown(whole_block_device_is_opened_by_its_number,
					  loopdev_teardown),
		cmocka_unit_test(whole_block_device_node_outside_dev_is_refused),
		cmocka_unit_test(set_refused_by_policy_says_so_and_changes_nothing),
		cmocka_unit_test(label_refused_by_policy_leaves_no_record),
		cmocka_unit_test(withheld_capability_is_refused_by_policy),
		cmocka_unit_test(restore_refused_by_policy_keeps_the_record),
		cmocka_unit_test(unreadable_label_is_refused_by_policy),
		cmocka_unit_test(lookup_refused_by_policy_names_where),
		cmocka_unit_test(every_bad_record_is_refused),
		cmocka_unit_test(every_seed_record_parses_and_formats_back),
		cmocka_unit_test(boot_id_file_must_hold_a_boot_id),
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, setup_env, teardown_env);
}
