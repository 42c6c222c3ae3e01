/* image_chain_internal.h: what the qcow2 and VHD walkers of image_chain share: the images
 * opened so far (handed on only once the whole chain is checked), the loop check, the reads. */
#ifndef SVIRT_IMAGE_CHAIN_INTERNAL_H
#define SVIRT_IMAGE_CHAIN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "image_chain.h"

/* The images of one chain, top included, for the loop check. */
struct sv_chain_seen {
	size_t n;
	struct { dev_t dev; ino_t ino; } v[SV_CHAIN_DEPTH_MAX + 1];
};

struct sv_chain_walk {
	const struct sv_relabel_ctx *c;
	struct sv_chain_seen seen;
	struct sv_relabel_obj objs[SV_CHAIN_DEPTH_MAX];
	size_t nobjs;
};

/* Identity for the loop check: the device's number for a block node (two
 * nodes may name it), else the inode.  -ELOOP if seen already. */
int sv_chain__remember(struct sv_chain_seen *s, const struct stat *st);

/* Hands every image opened, nearest first, to fn (which takes it), and
 * closes the rest after a failure of fn; its result. */
int sv_chain__deliver(struct sv_chain_walk *w, sv_chain_fn fn, void *arg,
		      struct sv_error *err);
void sv_chain__close(struct sv_chain_walk *w);

/* Up to size bytes of o from byte off, or with tail its last size bytes;
 * *len what was read (less at the end of the file), *file_size its size,
 * *st the file read (the same as o's). */
int sv_chain__read(const struct sv_relabel_obj *o, uint64_t off, bool tail,
		   uint8_t *buf, size_t size, size_t *len, uint64_t *file_size,
		   struct stat *st, struct sv_error *err);

/* The VHD walker (image_chain_vhd.c) for a "vhd" or "vpc" top. */
int sv_image_chain__vhd(const struct sv_relabel_ctx *c,
			const struct sv_relabel_obj *top, sv_chain_fn fn,
			void *arg, struct sv_error *err);

#endif
