/* config_net.c: the network keys of svirt.conf: whether svirtd labels guests' traffic,
 * what they may reach besides each other, the peer label of traffic of no guest and
 * the packet label of guests' traffic for it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

void sv_cfg_net_defaults(struct sv_config_net *n)
{
	*n = (struct sv_config_net){ .off = false };
	snprintf(n->default_peer, sizeof(n->default_peer), "%s", SV_DEFAULT_NET_PEER);
	snprintf(n->outside_packet, sizeof(n->outside_packet), "%s",
		 SV_DEFAULT_NET_OUTSIDE_PACKET);
}

/* One of two words, false for the first, true for the second. */
static int set_choice(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		      const char *no, const char *yes, bool *out)
{
	const char *v;
	char why[64];
	int r;

	if ((r = sv_cfg_get_string(p, k, &v)) < 0)
		return r;
	if (strcmp(v, no) != 0 && strcmp(v, yes) != 0) {
		snprintf(why, sizeof(why), "expected \"%s\" or \"%s\"", no, yes);
		return sv_cfg_fail_value(p, k, v, why);
	}
	*out = strcmp(v, yes) == 0;
	return 0;
}

/* A context handed to the kernel as it is written, so only its canonical
 * spelling: the bytes the kernel gets are the bytes checked here.  "" only
 * where empty_ok. */
static int set_net_context(const struct sv_cfg_parse *p, enum sv_cfg_key k,
			   bool empty_ok, char out[SV_CONTEXT_MAX])
{
	char canon[SV_CONTEXT_MAX];
	struct sv_context ctx;
	const char *v;
	int r;

	if ((r = sv_cfg_get_string(p, k, &v)) < 0)
		return r;
	if (!v[0]) {
		if (!empty_ok)
			return sv_cfg_fail_value(p, k, v, "a context is required");
		out[0] = '\0';
		return 0;
	}
	if (sv_context_parse(v, &ctx, p->err) < 0)
		return sv_fail_prefix(p->err, EINVAL, "%s:%u: %s", p->name,
				      p->line[k], sv_cfg_key_names[k]);
	if (sv_context_format(&ctx, canon, sizeof(canon)) < 0 || strcmp(canon, v) != 0)
		return sv_cfg_fail_value(p, k, v,
					 "not in canonical form (categories in order, "
					 "ranges as cA.cB)");
	memcpy(out, canon, strlen(canon) + 1);
	return 0;
}

int sv_cfg_net_set(const struct sv_cfg_parse *p, enum sv_cfg_key k,
		   struct sv_config *c)
{
	switch (k) {
	case K_NETWORK:
		return set_choice(p, k, "on", "off", &c->net.off);
	case K_NET_DOM0:
		return set_choice(p, k, "allow", "deny", &c->net.deny_dom0);
	case K_NET_OUTSIDE:
		return set_choice(p, k, "allow", "deny", &c->net.deny_outside);
	case K_NET_DEFAULT_PEER:
		return set_net_context(p, k, true, c->net.default_peer);
	case K_NET_OUTSIDE_PACKET:
		return set_net_context(p, k, false, c->net.outside_packet);
	default:
		return sv_cfg_fail_key(p, k, "not a network key");
	}
}

/* Traffic of no guest must never look like a guest's: svirtd takes every
 * NetLabel entry of the guests' type for its own, and a guest's peer label
 * is what the policy lets into guests. */
int sv_cfg_net_check(const struct sv_cfg_parse *p, const struct sv_config *c)
{
	struct sv_context ctx;

	/* A guest's frames for the outside must never carry a label the policy
	 * grants guests for their own pair's vifs, whatever the boolean says. */
	if (p->line[K_NET_OUTSIDE_PACKET] || p->line[K_PACKET]) {
		if (sv_context_parse(c->net.outside_packet, &ctx, NULL) < 0)
			return sv_cfg_fail_value(p, K_NET_OUTSIDE_PACKET,
						 c->net.outside_packet, "not a context");
		if (strcmp(ctx.type, c->bases.packet.type) == 0)
			return sv_cfg_fail_value(p, p->line[K_NET_OUTSIDE_PACKET] ?
						 K_NET_OUTSIDE_PACKET : K_PACKET,
						 p->line[K_NET_OUTSIDE_PACKET] ?
						 c->net.outside_packet : c->bases.packet.type,
						 "network_outside_packet has the guests' "
						 "packet type: frames to the outside would "
						 "pass as a pair's own");
	}
	if (!c->net.default_peer[0] || !p->line[K_NET_DEFAULT_PEER])
		return 0;
	if (sv_context_parse(c->net.default_peer, &ctx, NULL) < 0)
		return sv_cfg_fail_value(p, K_NET_DEFAULT_PEER, c->net.default_peer,
					 "not a context");
	if (strcmp(ctx.type, c->bases.process.type) == 0)
		return sv_cfg_fail_value(p, K_NET_DEFAULT_PEER, c->net.default_peer,
					 "has the guests' type: traffic of no guest "
					 "would pass for a guest's");
	return 0;
}
