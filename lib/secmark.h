/* secmark.h: svirtd's own nftables table (bridge "svirt"), through libnftables.
 * A secmark object per guest, a map from vif port to it, one object for frames to the outside. */
#ifndef SVIRT_SECMARK_H
#define SVIRT_SECMARK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"
#include "mcs.h"

#define SV_NFT_TABLE "svirt"
#define SV_SECMARK_OBJ_MAX 32	/* "svirt_c1023_c1022" and NUL, with room */

#define SV_SECMARK_OUTSIDE_OBJ "svirt_outside"

/* What guests may reach besides each other (config network_dom0,
 * network_outside): true lets it through, false drops it in the table. */
struct sv_net_policy {
	bool dom0;
	bool outside;
	/* network_outside_packet: the secmark of a guest's frames that leave
	 * by a port of no guest (object SV_SECMARK_OUTSIDE_OBJ), so the policy
	 * tells them from those the vifs of one pair exchange.  "" only for
	 * tables with no guest's label at all (tests without SELinux). */
	char outside_packet[SV_CONTEXT_MAX];
};

/* One guest's secmark object: its name (from the pair) and the context. */
struct sv_secmark_guest {
	char obj[SV_SECMARK_OBJ_MAX];
	const char *ctx;	/* the packet label, canonical */
};

/* One bridge port (vif) of a guest, by index into the guests. */
struct sv_secmark_port {
	char name[IFNAMSIZ];
	size_t guest;
};

/* "svirt_cA_cB", the guest's object name, unique among live guests. */
int sv_secmark_obj_name(struct sv_pair pair, char *buf, size_t size);

/* The commands, as text for libnftables; each is one transaction.  Every
 * name and context is checked before it goes into the text (-EINVAL, err
 * names it).  *out is malloc'd.
 * The whole table, replacing what is there (start-up); -EINVAL for guests
 * without pol->outside_packet. */
int sv_secmark_cmd_rebuild(const struct sv_net_policy *pol,
			   const struct sv_secmark_guest *g, size_t ng,
			   const struct sv_secmark_port *p, size_t np,
			   char **out, struct sv_error *err);
/* A port of a guest: its object too when new_guest. */
int sv_secmark_cmd_port_add(const struct sv_secmark_guest *g, bool new_guest,
			    const char *port, char **out, struct sv_error *err);
/* A port gone: its object too when last (no port of the guest is left). */
int sv_secmark_cmd_port_del(const struct sv_secmark_guest *g, bool last,
			    const char *port, char **out, struct sv_error *err);
/* The ordered pairs (port, peer) and (peer, port) in set same_pair, added
 * or deleted: peers are the other ports of the same pair, between which
 * frames of every ethertype pass. */
int sv_secmark_cmd_same_pair(bool add, const char *port,
			     const char *const *peers, size_t n, char **out,
			     struct sv_error *err);
/* Ports into (add) or out of set unlabelled, whose frames are dropped: a
 * port is in it while its NetLabel entries are not known to be in place. */
int sv_secmark_cmd_unlabelled(bool add, const char *const *ports, size_t n,
			      char **out, struct sv_error *err);
/* Both tables gone (svirtd's "net off"). */
int sv_secmark_cmd_flush(char **out, struct sv_error *err);

struct sv_secmark;

int sv_secmark_open(struct sv_secmark **out, struct sv_error *err);
void sv_secmark_close(struct sv_secmark *s);
/* Runs cmds as one transaction; the kernel's or nft's complaint in err. */
int sv_secmark_run(struct sv_secmark *s, const char *cmds, struct sv_error *err);

/* Pure: the object that nft's listing of one port_secmark element (as
 * `get element` prints it) maps port to, into obj.  -ENOENT when the
 * listing has no element for port, -EINVAL when the value is not an object
 * name svirtd makes (svirt_...). */
int sv_secmark_parse_element(const char *listing, const char *port, char *obj,
			     size_t size);

/* Where port stands in svirtd's table: the object its port_secmark
 * element maps it to ("" when it has none), and whether it is in set
 * unlabelled (its frames are dropped).  -ENOENT when svirtd's table is not
 * there at all; err says why. */
int sv_secmark_port_state(struct sv_secmark *s, const char *port, char *obj,
			  size_t size, bool *blocked, struct sv_error *err);

#endif
