/* labels.c: a guest's six labels from the base contexts and its category pair.
 * The one place that decides which object gets categories and which gets s0. */
#include "labels.h"

#include <errno.h>
#include <string.h>

const char SV_DEFAULT_PROCESS[] = "system_u:system_r:svirt_xen_t:s0";
const char SV_DEFAULT_IMAGE[] = "system_u:object_r:svirt_xen_image_t:s0";
const char SV_DEFAULT_CONTENT[] = "system_u:object_r:svirt_xen_content_t:s0";
const char SV_DEFAULT_PACKET[] = "system_u:object_r:svirt_xen_packet_t:s0";
const char SV_DEFAULT_NET_PEER[] = "system_u:object_r:netlabel_peer_t:s0";
const char SV_DEFAULT_NET_OUTSIDE_PACKET[] = "system_u:object_r:svirt_xen_outside_packet_t:s0";

int sv_bases_defaults(struct sv_bases *b)
{
	struct sv_bases nb;
	int r;

	if ((r = sv_context_parse(SV_DEFAULT_PROCESS, &nb.process, NULL)) < 0 ||
	    (r = sv_context_parse(SV_DEFAULT_IMAGE, &nb.image, NULL)) < 0 ||
	    (r = sv_context_parse(SV_DEFAULT_CONTENT, &nb.content, NULL)) < 0 ||
	    (r = sv_context_parse(SV_DEFAULT_PACKET, &nb.packet, NULL)) < 0)
		return r;
	*b = nb;
	return 0;
}

/* base's user:role:type at base's low sensitivity, with cats (or none);
 * the base's own categories and range are dropped. */
static int label(const struct sv_context *base, const struct sv_catset *cats,
		 char *buf, size_t size, struct sv_error *err)
{
	struct sv_context c = *base;
	int r;

	if (cats)
		c.range.low.cats = *cats;
	else
		sv_catset_clear(&c.range.low.cats);
	c.range.high = c.range.low;
	r = sv_context_format(&c, buf, size);
	if (r < 0)
		return sv_fail(err, -r, "label for type %s does not fit",
			       base->type);
	return 0;
}

int sv_guest_labels_build(const struct sv_bases *b, struct sv_pair pair,
			  struct sv_guest_labels *out, struct sv_error *err)
{
	struct sv_guest_labels l;
	struct sv_catset cats;
	int r;

	if (!sv_pair_valid(pair))
		return sv_fail(err, EINVAL,
			       "category pair c%u,c%u is not valid (need 0 < a < b < %d)",
			       pair.a, pair.b, SV_CATS);
	sv_pair_to_catset(pair, &cats);
	if ((r = label(&b->process, &cats, l.process, sizeof(l.process), err)) < 0 ||
	    (r = label(&b->image, &cats, l.image, sizeof(l.image), err)) < 0 ||
	    (r = label(&b->image, NULL, l.shared, sizeof(l.shared), err)) < 0 ||
	    (r = label(&b->content, NULL, l.content, sizeof(l.content), err)) < 0 ||
	    (r = label(&b->packet, &cats, l.packet, sizeof(l.packet), err)) < 0 ||
	    (r = label(&b->process, &cats, l.peer, sizeof(l.peer), err)) < 0)
		return r;
	*out = l;
	return 0;
}
