/* qcow2.c: the qcow2 header read strictly for its backing file: every field svirtd uses is
 * bounds-checked against the bytes read, the first cluster and the file's size. */
#include "qcow2.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "discover.h"
#include "util.h"

#define V2_HEADER_LEN 72
#define V3_HEADER_LEN 104
#define MIN_CLUSTER_BITS 9
#define MAX_CLUSTER_BITS 21

/* Header extension types (big-endian magic numbers of the format). */
#define EXT_END 0x00000000u
#define EXT_BACKING_FORMAT 0xe2792acau
#define EXT_DATA_FILE 0x44415441u

/* Incompatible feature bits svirtd knows qemu handles without another file:
 * dirty, corrupt, compression type, extended L2.  Bit 2 is the external
 * data file, refused on its own. */
#define INCOMPAT_DATA_FILE (1u << 2)
#define INCOMPAT_KNOWN ((1u << 0) | (1u << 1) | INCOMPAT_DATA_FILE | \
			(1u << 3) | (1u << 4))



bool sv_qcow2_magic(const uint8_t *buf, size_t len)
{
	return len >= 4 && memcmp(buf, "QFI\xfb", 4) == 0;
}

/* A format name as qemu spells them: lowercase letters, digits, '-', '_'. */
static bool format_name_ok(const uint8_t *p, size_t n)
{
	if (n == 0 || n > SV_QCOW2_FORMAT_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		      (p[i] >= '0' && p[i] <= '9') || p[i] == '-' ||
		      p[i] == '_'))
			return false;
	return true;
}

/* Walks the extensions from off up to end (exclusive), which lies within
 * the bytes read.  Only the backing format is kept.  They may run up to the
 * backing file name without an end marker (closed); otherwise the marker
 * must come before the bytes read run out, or an unseen extension (an
 * external data file) could follow. */
static int parse_extensions(const uint8_t *buf, uint64_t off, uint64_t end,
			    bool closed, struct sv_qcow2_info *q,
			    struct sv_error *err)
{
	bool seen_format = false;

	while (off < end) {
		uint32_t type, n;
		uint64_t next;

		if (end - off < 8)
			return sv_fail(err, EINVAL, "qcow2 header extension at "
				       "byte %" PRIu64 " is cut short", off);
		type = sv_be32(buf + off);
		n = sv_be32(buf + off + 4);
		if (type == EXT_END)
			return 0;
		/* Data padded to a multiple of 8. */
		next = off + 8 + (((uint64_t)n + 7) & ~(uint64_t)7);
		if (next > end)
			return sv_fail(err, EINVAL, "qcow2 header extension "
				       "0x%08x at byte %" PRIu64 " claims %u "
				       "bytes, past byte %" PRIu64, type, off,
				       n, end);
		if (type == EXT_DATA_FILE)
			return sv_fail(err, EINVAL, "qcow2 image names an "
				       "external data file, which svirt-xen "
				       "does not follow");
		if (type == EXT_BACKING_FORMAT) {
			if (seen_format)
				return sv_fail(err, EINVAL, "qcow2 image has two "
					       "backing format extensions");
			if (!format_name_ok(buf + off + 8, n))
				return sv_fail(err, EINVAL, "qcow2 backing "
					       "format at byte %" PRIu64 " is not "
					       "a format name", off + 8);
			memcpy(q->backing_format, buf + off + 8, n);
			q->backing_format[n] = '\0';
			seen_format = true;
		}
		off = next;
	}
	if (closed)
		return 0;
	return sv_fail(err, EINVAL, "qcow2 header extensions have no end "
		       "before byte %" PRIu64, end);
}

static int parse_backing(const uint8_t *buf, size_t len, uint64_t file_size,
			 uint64_t header_end, uint64_t cluster, uint64_t off,
			 uint32_t n, struct sv_qcow2_info *q,
			 struct sv_error *err)
{
	const char *problem;

	if (n > SV_QCOW2_BACKING_MAX)
		return sv_fail(err, EINVAL, "qcow2 backing file name is %u "
			       "bytes, longer than %d", n, SV_QCOW2_BACKING_MAX);
	if (off < header_end)
		return sv_fail(err, EINVAL, "qcow2 backing file name at byte "
			       "%" PRIu64 " overlaps the header", off);
	if (off > cluster || n > cluster - off)
		return sv_fail(err, EINVAL, "qcow2 backing file name at byte "
			       "%" PRIu64 " (%u bytes) runs past the first "
			       "cluster", off, n);
	if (off > file_size || n > file_size - off)
		return sv_fail(err, EINVAL, "qcow2 backing file name at byte "
			       "%" PRIu64 " (%u bytes) runs past the end of the "
			       "file (%" PRIu64 " bytes)", off, n, file_size);
	if (off > len || n > len - off)
		return sv_fail(err, EINVAL, "qcow2 backing file name at byte "
			       "%" PRIu64 " lies beyond the first %zu bytes "
			       "svirt-xen reads", off, len);
	if (memchr(buf + off, '\0', n))
		return sv_fail(err, EINVAL, "qcow2 backing file name holds a "
			       "NUL byte");
	memcpy(q->backing, buf + off, n);
	q->backing[n] = '\0';
	if ((problem = sv_disk_text_problem(q->backing)))
		return sv_fail(err, EINVAL, "qcow2 backing file name: %s",
			       problem);
	q->has_backing = n > 0;
	return 0;
}

int sv_qcow2_parse(const uint8_t *buf, size_t len, uint64_t file_size,
		   struct sv_qcow2_info *out, struct sv_error *err)
{
	struct sv_qcow2_info q = { 0 };
	uint64_t backing_off, cluster, header_end, ext_end;
	uint32_t backing_len, cluster_bits;
	bool closed;
	int r;

	if (len > file_size)
		return sv_fail(err, EINVAL, "qcow2: %zu bytes read from a file "
			       "of %" PRIu64, len, file_size);
	if (!sv_qcow2_magic(buf, len))
		return sv_fail(err, EINVAL, "not a qcow2 image (no QFI\\xfb "
			       "magic)");
	if (len < V2_HEADER_LEN)
		return sv_fail(err, EINVAL, "qcow2 header cut short at %zu "
			       "bytes", len);
	q.version = sv_be32(buf + 4);
	if (q.version != 2 && q.version != 3)
		return sv_fail(err, EINVAL, "qcow2 version %u is neither 2 "
			       "nor 3", q.version);
	backing_off = sv_be64(buf + 8);
	backing_len = sv_be32(buf + 16);
	cluster_bits = sv_be32(buf + 20);
	if (cluster_bits < MIN_CLUSTER_BITS || cluster_bits > MAX_CLUSTER_BITS)
		return sv_fail(err, EINVAL, "qcow2 cluster_bits %u is outside "
			       "%d..%d", cluster_bits, MIN_CLUSTER_BITS,
			       MAX_CLUSTER_BITS);
	cluster = (uint64_t)1 << cluster_bits;
	header_end = V2_HEADER_LEN;
	if (q.version == 3) {
		uint64_t incompat;

		if (len < V3_HEADER_LEN)
			return sv_fail(err, EINVAL, "qcow2 version 3 header "
				       "cut short at %zu bytes", len);
		incompat = sv_be64(buf + 72);
		if (incompat & ~(uint64_t)INCOMPAT_KNOWN)
			return sv_fail(err, EINVAL, "qcow2 image has unknown "
				       "incompatible features 0x%" PRIx64,
				       incompat & ~(uint64_t)INCOMPAT_KNOWN);
		if (incompat & INCOMPAT_DATA_FILE)
			return sv_fail(err, EINVAL, "qcow2 image has an "
				       "external data file, which svirt-xen "
				       "does not follow");
		header_end = sv_be32(buf + 100);
		if (header_end < V3_HEADER_LEN || header_end % 8 ||
		    header_end > cluster || header_end > len)
			return sv_fail(err, EINVAL, "qcow2 header_length %" PRIu64
				       " is not a multiple of 8 between %d and "
				       "the first cluster (%" PRIu64 " bytes) "
				       "read", header_end, V3_HEADER_LEN,
				       cluster);
	}
	/* Extensions run from the header's end to the backing file name
	 * (when there is one) or to the end of the first cluster. */
	ext_end = cluster < len ? cluster : len;
	closed = false;
	if (backing_off != 0 && backing_len != 0) {
		if ((r = parse_backing(buf, len, file_size, header_end, cluster,
				       backing_off, backing_len, &q, err)) < 0)
			return r;
		ext_end = backing_off;
		closed = true;
	}
	if ((r = parse_extensions(buf, header_end, ext_end, closed, &q,
				  err)) < 0)
		return r;
	if (!q.has_backing && q.backing_format[0])
		return sv_fail(err, EINVAL, "qcow2 image names a backing format "
			       "but no backing file");
	*out = q;
	return 0;
}
