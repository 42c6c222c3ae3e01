/* relabel.h: gives a guest's storage its label and puts the original back.
 * Remembers the original in a trusted.svirt xattr (refcount, boot id). */
#ifndef SVIRT_RELABEL_H
#define SVIRT_RELABEL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "blockdev.h"
#include "config.h"
#include "error.h"

#define SV_RELABEL_XATTR "trusted.svirt"
#define SV_BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
#define SV_BOOT_ID_LEN 36		/* 8-4-4-4-12 lowercase hex */
#define SV_RELABEL_LABEL_MAX 447	/* longest label remembered, no NUL */
#define SV_RELABEL_RECORD_MAX 1024	/* longest trusted.svirt value */
#define SV_RELABEL_REFS_MAX 65535

/* The trusted.svirt value, one line without newline:
 *   svirt 1 boot=BOOT_ID refs=N orig=CONTEXT|- label=CONTEXT
 * orig "-" means the object had no security.selinux at all.  orig and label
 * are kept byte for byte as read and written, each a valid raw context. */
struct sv_relabel_record {
	char boot_id[SV_BOOT_ID_LEN + 1];
	unsigned refs;			/* 1..SV_RELABEL_REFS_MAX */
	bool has_orig;
	char orig[SV_RELABEL_LABEL_MAX + 1];
	char label[SV_RELABEL_LABEL_MAX + 1];
};

/* Strict: exactly the form above, nothing before or after, no NUL, refs
 * without leading zeros.  -EINVAL with err; *out untouched on failure.
 * Formatting a parsed record gives back the same bytes. */
int sv_relabel_record_parse(const char *data, size_t len,
			    struct sv_relabel_record *out, struct sv_error *err);
/* Length written (NUL excluded), or -ENOSPC / -EINVAL for a bad record. */
int sv_relabel_record_format(const struct sv_relabel_record *r, char *buf,
			     size_t size);

/* Copy n bytes of a label into out (SV_RELABEL_LABEL_MAX + 1 bytes) after
 * checking it is a valid raw context; what names it in messages. */
int sv_relabel_take_label(const char *what, const char *s, size_t n, char *out,
			  struct sv_error *err);

/* A boot id as the kernel prints it (without the newline). */
bool sv_boot_id_valid(const char *s, size_t len);

/* Records from an earlier boot (another boot id) are stale: no guest of
 * that boot runs, so their refcount and label name no holder and never
 * cause -EBUSY.  Their remembered original is used only while the object
 * still carries the label that record gave it (nothing touched it since,
 * e.g. the host crashed with the guest running); otherwise the record is
 * dropped and the object's current label counts as its original.
 *
 * Crash safety: a set writes trusted.svirt before the label, a restore puts
 * the label back before removing trusted.svirt, so a kill at any instant
 * never loses the original; it can leave a refcount one too high, which
 * sv_relabel_reset clears.  One caller (svirtd) per object at a time. */
struct sv_relabel_ctx {
	const struct sv_config *cfg;		/* relabel roots */
	char boot_id[SV_BOOT_ID_LEN + 1];	/* of the running kernel */
	/* NULL: the real /proc and /sys, plus the kernel's O_EXCL probe of
	 * block devices; tests point it at fake trees (no probe then). */
	const struct sv_sysroots *sys;
	/* The policy's default label of a path (svirtd: selabel_lookup_raw
	 * on a handle opened at the first need; tests inject their own), written back
	 * instead of an original that is one of svirt's own labels.  NULL
	 * (sv_relabel_ctx_init's): none, and such a restore fails. */
	int (*default_label)(void *arg, const char *path, mode_t mode,
			     char *out, size_t size);
	void *default_arg;
};

/* Reads the boot id from boot_id_path (NULL: SV_BOOT_ID_PATH). */
int sv_relabel_ctx_init(struct sv_relabel_ctx *c, const struct sv_config *cfg,
			const struct sv_sysroots *sys, const char *boot_id_path,
			struct sv_error *err);

/* An object checked once and then only used through its fd, so a path
 * swapped for a symlink after the check cannot redirect the relabel. */
struct sv_relabel_obj {
	int fd;				/* O_PATH, opened without following */
	mode_t type;			/* S_IFREG or S_IFBLK */
	dev_t rdev;			/* for block devices */
	char path[PATH_MAX];		/* resolved */
};

/* Resolves path (absolute; symlinks and .. allowed), refuses it unless the
 * result lies under a relabel root, and opens it without following any
 * symlink.  Only regular files with one link and block devices pass.
 * Errors: -EINVAL (bad path, wrong file type), -ENOENT, -EPERM (outside the
 * roots), -ELOOP (a component became a symlink), -EISDIR, -EMLINK. */
int sv_relabel_open(const struct sv_relabel_ctx *c, const char *path,
		    struct sv_relabel_obj *obj, struct sv_error *err);
/* A path a guest's record lists, for putting back what svirt set: opened as
 * recorded (it was resolved when set) without following any symlink, with
 * the same type checks, but whether or not it is under today's roots, so
 * a root removed from the config never strands a guest's pair.  Only a
 * restore may use it: it changes nothing that trusted.svirt, which only
 * root can write, does not say svirt labelled. */
int sv_relabel_open_recorded(const char *resolved, struct sv_relabel_obj *obj,
			     struct sv_error *err);
/* A whole block device found by number (xenstore physical-device), which no
 * relabel root lists: node must resolve to a block node under /dev whose
 * number is dev.  Whether dom0 uses the device is checked when it is set. */
int sv_relabel_open_blockdev(const char *node, dev_t dev,
			     struct sv_relabel_obj *obj, struct sv_error *err);
void sv_relabel_close(struct sv_relabel_obj *obj);

/* An original remembered in trusted.svirt is believed only if it is not one
 * of svirt-xen's own labels (the configured process, image, content and
 * packet types, at any level): an image copied with its xattrs from another
 * host (rsync -aX) brings a record whose orig could name another guest's
 * label.  True for such a label. */
bool sv_relabel_is_own_label(const struct sv_config *cfg, const char *label);
/* The label a restore writes for orig: orig itself (0), or for one of
 * svirt's own, the policy's default for the object's path (1); -EPERM,
 * with err naming both, when there is no usable default. */
int sv_relabel_trusted_orig(const struct sv_relabel_ctx *c,
			    const struct sv_relabel_obj *obj, const char *orig,
			    char out[static SV_RELABEL_LABEL_MAX + 1],
			    struct sv_error *err);
/* default_label on a struct selabel_handle * (NULL: no default). */
int sv_relabel_selabel_default(void *handle, const char *path, mode_t mode,
			       char *out, size_t size);
/* default_label on a struct selabel_handle ** that the first call fills:
 * the file contexts cost about 20 MB and half a second to load, for a
 * restore that few hosts ever do.  A failed open is tried again next time. */
int sv_relabel_selabel_lazy(void *handlep, const char *path, mode_t mode,
			    char *out, size_t size);

/* Opens a resolved path (absolute, no ".", "..", "//") component by
 * component with O_PATH|O_NOFOLLOW; -ELOOP if any component is a symlink. */
int sv_relabel_open_nofollow(const char *resolved, int *fd_out,
			     struct sv_error *err);

/* What happened to an earlier boot's record (it names no live holder). */
enum sv_relabel_stale {
	SV_STALE_NONE,
	/* The object still had the label that boot gave it: its remembered
	 * original is still the original, and was carried over (set) or put
	 * back (restore). */
	SV_STALE_KEPT_ORIGINAL,
	/* Someone relabelled it since: the record was dropped, and the
	 * current label counts as the original. */
	SV_STALE_DROPPED,
};

struct sv_relabel_info {
	unsigned refs;			/* holders after the call */
	bool has_orig;			/* the remembered original ... */
	char orig[SV_RELABEL_LABEL_MAX + 1];	/* ... if any */
	enum sv_relabel_stale stale;
	/* A restore that would not write back orig (one of svirt's own
	 * labels) and wrote the policy's default instead. */
	bool orig_refused;
	char restored[SV_RELABEL_LABEL_MAX + 1];	/* then: what it wrote */
};

/* Gives the object label.  The first holder's call remembers the original;
 * the same label again adds a holder (a shared image); a different label
 * while this boot's holders remain is -EBUSY, nothing changed.  Block
 * devices dom0 uses are refused (-EBUSY, see blockdev.h).  A malformed
 * trusted.svirt is -EINVAL, nothing changed.  info (may be NULL) is filled
 * on success. */
int sv_relabel_set_obj(const struct sv_relabel_ctx *c,
		       const struct sv_relabel_obj *obj, const char *label,
		       struct sv_relabel_info *info, struct sv_error *err);
/* Drops a holder; the last one puts the original label back (or removes
 * security.selinux if there was none) and removes trusted.svirt.  -ENODATA
 * if svirt never labelled the object. */
int sv_relabel_restore_obj(const struct sv_relabel_ctx *c,
			   const struct sv_relabel_obj *obj,
			   struct sv_relabel_info *info, struct sv_error *err);

/* Restore whatever the refcount, for when the caller knows no live guest
 * holds the object (reconciling after a crash left a count too high). */
int sv_relabel_reset_obj(const struct sv_relabel_ctx *c,
			 const struct sv_relabel_obj *obj,
			 struct sv_relabel_info *info, struct sv_error *err);

/* sv_relabel_open + the above + close. */
int sv_relabel_set(const struct sv_relabel_ctx *c, const char *path,
		   const char *label, struct sv_relabel_info *info,
		   struct sv_error *err);
int sv_relabel_restore(const struct sv_relabel_ctx *c, const char *path,
		       struct sv_relabel_info *info, struct sv_error *err);
int sv_relabel_reset(const struct sv_relabel_ctx *c, const char *path,
		     struct sv_relabel_info *info, struct sv_error *err);

#endif
