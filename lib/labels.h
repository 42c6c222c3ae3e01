/* labels.h: the labels one guest gets, built from base contexts and its pair.
 * Process, private image, shared image, read-only content, packet and peer. */
#ifndef SVIRT_LABELS_H
#define SVIRT_LABELS_H

#include "context.h"
#include "mcs.h"

/* Base contexts; only user, role, type and the low sensitivity are used. */
struct sv_bases {
	struct sv_context process;	/* device model, and NetLabel peer */
	struct sv_context image;	/* private and shared writable storage */
	struct sv_context content;	/* read-only content */
	struct sv_context packet;	/* secmark on the guest's packets */
};

struct sv_guest_labels {
	char process[SV_CONTEXT_MAX];	/* process type at s0:cA,cB */
	char image[SV_CONTEXT_MAX];	/* image type at s0:cA,cB */
	char shared[SV_CONTEXT_MAX];	/* image type at s0 */
	char content[SV_CONTEXT_MAX];	/* content type at s0 */
	char packet[SV_CONTEXT_MAX];	/* packet type at s0:cA,cB */
	char peer[SV_CONTEXT_MAX];	/* process type at s0:cA,cB */
};

/* Built-in defaults (DESIGN.md "Labels"), used when neither the config nor
 * the policy's virtual_*_context files name a base. */
extern const char SV_DEFAULT_PROCESS[];
extern const char SV_DEFAULT_IMAGE[];
extern const char SV_DEFAULT_CONTENT[];
extern const char SV_DEFAULT_PACKET[];
/* The peer label of traffic of no guest (NetLabel's default entries), as
 * refpolicy names unlabelled peers. */
extern const char SV_DEFAULT_NET_PEER[];
extern const char SV_DEFAULT_NET_OUTSIDE_PACKET[];

int sv_bases_defaults(struct sv_bases *b);

/* -EINVAL if the pair is not valid (err says why). */
int sv_guest_labels_build(const struct sv_bases *b, struct sv_pair pair,
			  struct sv_guest_labels *out, struct sv_error *err);

#endif
