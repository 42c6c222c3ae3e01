/* bench_store.c: records per second the state store writes durably (fsync, rename,
 * fsync of the directory) and reads back, for a 4-object and a 100-object record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define SECONDS 1.0	/* per measurement; at least MIN_ROUNDS rounds */
#define MIN_ROUNDS 20

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *fs_name(const char *dir)
{
	struct statfs sf;

	if (statfs(dir, &sf) != 0)
		return "unknown fs";
	switch ((unsigned long)sf.f_type) {
	case 0xef53: return "ext4";
	case 0x01021994: return "tmpfs";
	case 0x58465342: return "xfs";
	case 0x9123683e: return "btrfs";
	case 0x794c7630: return "overlayfs";
	default: return "other fs";
	}
}

static void make_record(struct sv_record *r, unsigned n)
{
	char path[64];

	memcpy(r->uuid, "6f0c1a52-3c5e-4d1a-9a4e-2b7f0e9d8c11", SV_UUID_BUF);
	r->domid = 42;
	r->pair = (struct sv_pair){ 3, 7 };
	if (sv_record_set_name(r, "bench guest") != 0)
		exit(1);
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/dev/xen/blktap-2/tapdev%u", i);
		if (sv_record_add_object(r, path,
				"system_u:object_r:fixed_disk_device_t:s0",
				"system_u:object_r:svirt_xen_image_t:s0:c3,c7"))
			exit(1);
	}
}

enum op { WRITE, READ, TEXT };

/* One round of op; TEXT is format + parse, no I/O, to show what fsync costs. */
static int round_of(enum op op, struct sv_store *s, const struct sv_record *r)
{
	struct sv_record back = { .name = NULL };
	char *text = NULL;
	size_t len;
	int ret;

	if (op == WRITE)
		return sv_store_write(s, r, NULL);
	if (op == READ)
		ret = sv_store_read(s, r->uuid, &back, NULL);
	else if ((ret = sv_record_format(r, &text, &len, NULL)) == 0)
		ret = sv_record_parse(text, len, &back, NULL);
	free(text);
	sv_record_clear(&back);
	return ret;
}

static double rate(enum op op, struct sv_store *s, const struct sv_record *r)
{
	double t0 = now(), t;
	unsigned long n = 0;
	int ret;

	do {
		if ((ret = round_of(op, s, r)) != 0) {
			fprintf(stderr, "bench_store: operation %d failed: %s\n", (int)op, strerror(-ret));
			exit(1);
		}
		n++;
		t = now() - t0;
	} while (t < SECONDS || n < MIN_ROUNDS);
	return (double)n / t;
}

static void measure(struct sv_store *s, unsigned nobjects)
{
	struct sv_record r = { .name = NULL };
	double w, rd, t;
	char *text;
	size_t len;

	make_record(&r, nobjects);
	if (sv_record_format(&r, &text, &len, NULL) != 0)
		exit(1);
	free(text);
	/* In this order: reading needs the record written. */
	w = rate(WRITE, s, &r);
	rd = rate(READ, s, &r);
	t = rate(TEXT, s, &r);
	printf("bench_store: %3u objects (%5zu bytes): write %6.0f records/s, "
	       "read %6.0f records/s, format+parse %6.0f records/s\n",
	       nobjects, len, w, rd, t);
	sv_record_clear(&r);
}

int main(void)
{
	char top[256] = "/var/tmp/svirt-bench-store-XXXXXX", dir[300];
	const char *base = getenv("SVIRT_BENCH_DIR");
	struct sv_store *s;
	struct sv_error err;

	/* /var/tmp by default: the store lives on disk, not on tmpfs. */
	if (base)
		snprintf(top, sizeof(top), "%s", base);
	else if (!mkdtemp(top))
		return 1;
	snprintf(dir, sizeof(dir), "%s/store", top);
	if (sv_store_open(dir, &s, &err) != 0) {
		fprintf(stderr, "bench_store: %s\n", err.msg);
		return 1;
	}
	printf("bench_store: durable writes (temp file, fsync, rename, fsync "
	       "of the directory) into %s (%s), %.0f s each\n", dir,
	       fs_name(dir), SECONDS);
	measure(s, 4);
	measure(s, 100);
	sv_store_remove(s, "6f0c1a52-3c5e-4d1a-9a4e-2b7f0e9d8c11", NULL);
	sv_store_close(s);
	rmdir(dir);
	if (!base)
		rmdir(top);
	return 0;
}
