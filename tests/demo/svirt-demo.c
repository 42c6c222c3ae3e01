/* svirt-demo.c: what `make demo` runs until the emulated Xen host exists:
 * the labels the allocator gives three example guests, stored and read back. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "labels.h"
#include "mcs.h"
#include "store.h"
#include "version.h"

struct guest {
	const char *name;
	const char *uuid;
	const char *disk;
	const char *static_pair;	/* NULL: drawn at random */
	struct sv_pair pair;
};

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "svirt-demo: %s: %s\n", what, msg);
	exit(1);
}

static void show_config(const struct sv_config *c, const char *path,
			const struct sv_mcs *m)
{
	static const char *const kinds[] = { "process", "image", "content",
					     "packet" };
	char buf[SV_CONTEXT_MAX];

	printf("config %s: categories c%u..c%u, %zu pairs\n", path, c->cat_lo,
	       c->cat_hi, sv_mcs_total(m));
	for (int k = 0; k < SV_BASE_COUNT; k++) {
		if (sv_context_format(sv_config_base(c, k), buf, sizeof(buf)) < 0)
			die("format", "base context too long");
		printf("  %-8s base %-44s (%s)\n", kinds[k], buf,
		       sv_base_origin_name(c->origin[k]));
	}
}

static void give_pair(struct sv_mcs *m, struct guest *g)
{
	struct sv_error err;
	int r;

	if (!g->static_pair) {
		r = sv_mcs_alloc(m, &g->pair);
		if (r < 0)
			die(g->name, strerror(-r));
		return;
	}
	if (sv_pair_parse(g->static_pair, &g->pair, &err) < 0)
		die(g->name, err.msg);
	r = sv_mcs_reserve(m, g->pair);
	if (r < 0)
		die(g->name, strerror(-r));
}

static void show_guest(const struct sv_config *c, const struct guest *g,
		       struct sv_record *rec)
{
	struct sv_guest_labels l;
	struct sv_error err;
	char pair[SV_PAIR_STRMAX];

	if (sv_guest_labels_build(&c->bases, g->pair, &l, &err) < 0)
		die(g->name, err.msg);
	sv_pair_format(g->pair, pair, sizeof(pair));
	printf("\nguest \"%s\" (uuid %s): pair %s, %s\n", g->name, g->uuid, pair,
	       g->static_pair ? "static (reserved)" : "drawn at random");
	printf("  device model process   %s\n", l.process);
	printf("  private disk           %s  (%s)\n", l.image, g->disk);
	printf("  shared writable disk   %s\n", l.shared);
	printf("  read-only content      %s\n", l.content);
	printf("  its packets (secmark)  %s\n", l.packet);
	printf("  as a network peer      %s\n", l.peer);

	if (sv_uuid_normalise(g->uuid, rec->uuid, &err) < 0)
		die(g->name, err.msg);
	rec->domid = SV_DOMID_NONE;
	rec->pair = g->pair;
	if (sv_record_set_name(rec, g->name) < 0 ||
	    sv_record_add_object(rec, g->disk, "system_u:object_r:xen_image_t:s0",
				 l.image) < 0)
		die(g->name, "cannot build its record");
}

/* What svirtd does after a restart: read every record back and take its
 * pair again, so no pair is handed out twice. */
static void restart(struct sv_store *st, const struct sv_config *c)
{
	struct sv_mcs *m;
	struct sv_error err;
	char **uuids;
	size_t n;

	if (sv_mcs_new(c->cat_lo, c->cat_hi, &m, &err) < 0)
		die("allocator", err.msg);
	if (sv_store_list(st, &uuids, &n, &err) < 0)
		die("store", err.msg);
	printf("\nafter a restart: %zu records read back\n", n);
	for (size_t i = 0; i < n; i++) {
		struct sv_record rec = { 0 };
		char pair[SV_PAIR_STRMAX];

		if (sv_store_read(st, uuids[i], &rec, &err) < 0)
			die(uuids[i], err.msg);
		if (sv_mcs_reserve(m, rec.pair) < 0)
			die(rec.name, "pair already taken: state is inconsistent");
		sv_pair_format(rec.pair, pair, sizeof(pair));
		printf("  %-6s %s  pair %s reserved again, %zu object(s) remembered\n",
		       rec.name, rec.uuid, pair, rec.nobjects);
		sv_record_clear(&rec);
	}
	printf("  %zu of %zu pairs in use\n", sv_mcs_used(m), sv_mcs_total(m));
	sv_store_list_free(uuids, n);
	sv_mcs_free(m);
}

int main(int argc, char **argv)
{
	struct guest guests[] = {
		{ "web", "6a1e6b0c-5f0e-4c57-9a55-0d7c3f9f0e01",
		  "/var/lib/xen/images/web.img", NULL, { 0, 0 } },
		{ "db", "0f3c2d9e-8b1a-4e2f-bd4c-52a1c0de0002",
		  "/dev/vg0/db", NULL, { 0, 0 } },
		{ "build", "c4f7a0b2-1d3e-4a5b-8c6d-7e8f9a0b0003",
		  "/dev/xen/blktap-2/tapdev3", "c10,c20", { 0, 0 } },
	};
	const char *path = SV_CONFIG_PATH;
	char dir[] = "/tmp/svirt-demo.XXXXXX", state[sizeof(dir) + 8];
	struct sv_config cfg;
	struct sv_error err;
	struct sv_store *st;
	struct sv_mcs *m;
	int opt, r;
	static const struct option opts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};

	while ((opt = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
		if (opt == 'V')
			return sv_version_print(stdout, "svirt-demo") < 0;
		if (opt != 'c') {
			fprintf(opt == 'h' ? stdout : stderr,
				"usage: svirt-demo [-c svirt.conf]\n");
			return opt == 'h' ? 0 : 2;
		}
		path = optarg;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: svirt-demo [-c svirt.conf]\n");
		return 2;
	}
	if (sv_config_load(path, NULL, &cfg, &err) < 0)
		die(path, err.msg);
	if (sv_mcs_new(cfg.cat_lo, cfg.cat_hi, &m, &err) < 0)
		die("allocator", err.msg);
	if (!mkdtemp(dir))
		die("mkdtemp", strerror(errno));
	snprintf(state, sizeof(state), "%s/state", dir);
	if (sv_store_open(state, &st, &err) < 0)
		die(state, err.msg);

	printf("svirt-xen demo: the labels three guests get\n");
	show_config(&cfg, path, m);
	for (size_t i = 0; i < ARRAY_SIZE(guests); i++) {
		struct sv_record rec = { 0 };

		give_pair(m, &guests[i]);
		show_guest(&cfg, &guests[i], &rec);
		if (sv_store_write(st, &rec, &err) < 0)
			die(guests[i].name, err.msg);
		sv_record_clear(&rec);
	}

	r = sv_mcs_reserve(m, guests[2].pair);
	printf("\na fourth guest asking for the static pair c10,c20: %s\n",
	       r == -EEXIST ? "refused, it is taken" : "ACCEPTED (bug)");
	restart(st, &cfg);

	for (size_t i = 0; i < ARRAY_SIZE(guests); i++)
		if (sv_store_remove(st, guests[i].uuid, &err) < 0)
			die(guests[i].uuid, err.msg);
	sv_store_close(st);
	rmdir(state);
	rmdir(dir);
	sv_mcs_free(m);
	sv_config_free(&cfg);
	return r == -EEXIST ? 0 : 1;
}
