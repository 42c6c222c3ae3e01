/* store.h: svirtd's state store, one record per guest, surviving kill -9 at any instant.
 * A record names the guest, its category pair and every object relabelled with its original label. */
#ifndef SVIRT_STORE_H
#define SVIRT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "mcs.h"
#include "uuid.h"

/* Guest domids: 1 .. DOMID_FIRST_RESERVED (0x7FF0) - 1.  Dom0 and the
 * reserved ids (DOMID_IO, DOMID_XEN, ...) never own a record. */
#define SV_DOMID_MIN 1
#define SV_DOMID_MAX 32751
/* A reservation made before the domain exists (svirt-xl create's RESERVE). */
#define SV_DOMID_NONE (-1)

#define SV_RECORD_STR_MAX 4095	/* longest name, path or label, in bytes */
#define SV_RECORD_OBJECTS_MAX 4096
/* The largest record file, so reading one never allocates without bound.
 * sv_record_format refuses (E2BIG) what would exceed it. */
#define SV_RECORD_SIZE_MAX (16u * 1024 * 1024)

/* A relabelled object: the label it had (restored when the guest dies, empty
 * if it had none) and the label we gave it. */
struct sv_object {
	char *path;		/* absolute */
	char *orig_label;	/* may be "" */
	char *label;		/* never "" */
};

/* Zero-initialise, then fill.  Strings are owned (freed by sv_record_clear);
 * they may hold any byte but NUL.  Objects are kept in the order added. */
struct sv_record {
	char uuid[SV_UUID_BUF];	/* canonical, never the nil UUID */
	int domid;		/* SV_DOMID_MIN..SV_DOMID_MAX or SV_DOMID_NONE */
	char *name;		/* the guest's name, may be "" but not NULL */
	struct sv_pair pair;
	size_t nobjects;
	struct sv_object *objects;
};

/* Set r->name to a copy of name.  -EINVAL if longer than SV_RECORD_STR_MAX. */
int sv_record_set_name(struct sv_record *r, const char *name);
/* Append an object.  -EINVAL for a relative or empty path, an empty label or
 * an over-long string; -E2BIG past SV_RECORD_OBJECTS_MAX; -EEXIST if the path
 * is already listed (restoring it twice would restore our own label). */
int sv_record_add_object(struct sv_record *r, const char *path,
			 const char *orig, const char *label);
/* Free what r owns and zero it; safe on a zeroed or cleared record. */
void sv_record_clear(struct sv_record *r);
bool sv_record_equal(const struct sv_record *a, const struct sv_record *b);

/* Check every field against the bounds above.  -EINVAL, -E2BIG or -EEXIST. */
int sv_record_validate(const struct sv_record *r, struct sv_error *err);

/* The record's text form (see store.c), NUL-terminated, malloc'd; *len
 * excludes the NUL.  Validates first: a record that would not parse back is
 * never produced. */
int sv_record_format(const struct sv_record *r, char **out, size_t *len,
		     struct sv_error *err);

/* Strict parser of the text form: the only form it accepts is the one
 * sv_record_format writes, byte for byte.  On failure (-EINVAL, err says
 * "line N: what") *out is untouched; on success *out, which must own
 * nothing, receives the record. */
int sv_record_parse(const char *buf, size_t len, struct sv_record *out,
		    struct sv_error *err);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of the text before the end line. */
uint32_t sv_record_checksum(const void *buf, size_t len);

/* len untrusted bytes escaped as in the text form, for messages: at most
 * size - 1 bytes (size >= 8), cut with "..." when longer. */
void sv_record_quote(char *dst, size_t size, const char *s, size_t len);

struct sv_store;

/* Open (creating it 0700 if missing; its parent must exist) the store
 * directory.  Takes an exclusive lock on it (-EBUSY if another process holds
 * the store: two svirtds would hand out the same pair) and removes temporary
 * files a crash left behind.  Refuses (-EPERM) a directory not owned by us or
 * writable by group or others, and a symlink (-ELOOP). */
int sv_store_open(const char *dir, struct sv_store **out, struct sv_error *err);
/* For readers beside svirtd (svirt-xl list and verify): opens an existing
 * store without its lock and without touching it; use sv_store_read and
 * sv_store_list only.  Records are renamed into place whole, so each read
 * sees one complete record.  Same ownership checks as sv_store_open. */
int sv_store_open_readonly(const char *dir, struct sv_store **out,
			   struct sv_error *err);
void sv_store_close(struct sv_store *s);

/* Write r under its uuid, replacing any previous record atomically: after a
 * crash at any instant the store holds either the old or the new record.
 * Returns 0 only once the new record is durable; after an error it may be
 * either (the directory's fsync can fail after the rename). */
int sv_store_write(struct sv_store *s, const struct sv_record *r,
		   struct sv_error *err);
/* -ENOENT if there is no record for uuid; -EINVAL for a bad uuid or a
 * corrupt record (err names the file and line). */
int sv_store_read(struct sv_store *s, const char *uuid, struct sv_record *out,
		  struct sv_error *err);
/* Remove uuid's record durably.  -ENOENT if there was none. */
int sv_store_remove(struct sv_store *s, const char *uuid, struct sv_error *err);
/* Every record's uuid, sorted (for reconciliation after a restart).  Files
 * not named by a canonical uuid are not records and are ignored.  Free the
 * result with sv_store_list_free. */
int sv_store_list(struct sv_store *s, char ***uuids, size_t *n,
		  struct sv_error *err);
void sv_store_list_free(char **uuids, size_t n);

static inline void sv_store_closep(struct sv_store **s)
{
	if (*s)
		sv_store_close(*s);
}
#define _cleanup_store_ _cleanup_(sv_store_closep)

#endif
