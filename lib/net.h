/* net.h: every guest's network labels in dom0: NetLabel peer labels on its vifs and
 * secmark in svirtd's nftables tables, kept together, per vif and per guest. */
#ifndef SVIRT_NET_H
#define SVIRT_NET_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "log.h"
#include "mcs.h"
#include "netlabel.h"
#include "secmark.h"

/* One vif as svirtd wants it labelled. */
struct sv_net_vif {
	char name[IFNAMSIZ];
	int domid;
	struct sv_pair pair;
	const char *packet;	/* the guest's secmark context */
	const char *peer;	/* its NetLabel peer context */
};

struct sv_net_port {
	char name[IFNAMSIZ];
	int domid;
	size_t guest;
	/* In the table's set unlabelled (its frames dropped): its NetLabel
	 * entries are not known to be in place. */
	bool unlabelled;
};

struct sv_net_guest {
	int domid;
	struct sv_pair pair;
	char obj[SV_SECMARK_OBJ_MAX];
	char *packet, *peer;
	size_t nports;
};

/* How svirt labels the network, from the config. */
struct sv_net_opts {
	struct sv_net_policy pol;
	const char *peer_type;		/* the guests' peer type */
	/* The default entries' label; "" (or NULL): none are installed. */
	const char *default_peer;
	/* The secmark of guests' frames for ports of no guest; required. */
	const char *outside_packet;
};

struct sv_net {
	const struct sv_log *log;
	struct sv_net_policy pol;
	/* The guests' peer type: NetLabel entries with it are svirt's. */
	char peer_type[SV_NAME_MAX + 1];
	char default_peer[SV_CONTEXT_MAX];	/* "": none */
	bool default_done;	/* the default entries were put in place once */
	struct sv_nlbl *nl;
	struct sv_secmark *sm;
	size_t nports, nguests;
	struct sv_net_port *ports;
	struct sv_net_guest *guests;
};

/* Opens NetLabel and libnftables; err says which is missing, or what is
 * wrong with the options. */
int sv_net_open(struct sv_net *n, const struct sv_net_opts *o,
		const struct sv_log *log, struct sv_error *err);
void sv_net_close(struct sv_net *n);

/* Bridged IPv4/IPv6 frames must pass the IP hooks where SELinux checks them:
 * sets bridge-nf-call-iptables and -ip6tables to 1 under proc (NULL:
 * "/proc/sys/net/bridge"), and bridge-nf-filter-vlan-tagged and
 * -pppoe-tagged, so that IP in a VLAN tag or a PPPoE session is checked too
 * (between guests' ports svirt's table drops those frames anyway).
 * -ENOENT when br_netfilter is not loaded. */
int sv_net_bridge_setup(const char *proc, struct sv_error *err);

/* Start-up: NetLabel's default entries first (once one interface has a peer
 * label, traffic on every other one needs one too), then exactly these vifs,
 * the tables replaced in one transaction, each vif's NetLabel entries written
 * (replacing ones a crash left), and svirt's entries for vifs not listed
 * removed; other entries are left. */
int sv_net_rebuild(struct sv_net *n, const struct sv_net_vif *v, size_t nv,
		   struct sv_error *err);

/* One vif: labelled (one nft transaction, then NetLabel; the nft change is
 * taken back if NetLabel fails), after the default entries if no rebuild
 * has put them in place.  A vif already labelled for this domain is 0; one
 * left from another domain is removed first. */
int sv_net_vif_add(struct sv_net *n, const struct sv_net_vif *v,
		   struct sv_error *err);
/* A vif given up, its interface left as it is (up, when it changes hands):
 * its entries and map element (and the guest's object after its last vif).
 * -ENOENT if svirt does not hold it. */
int sv_net_vif_del(struct sv_net *n, const char *name, struct sv_error *err);
/* Every vif of domid.  ending: the domain is gone for good and its vifs end
 * with it: each is set down (sv_link_set_down) before its static entries
 * are removed, so that the kernel's own removal at link down cannot race
 * with svirt's (net.c says how that race ends); a vif that cannot be set
 * down stays held, its frames dropped, and is an error.  Not ending (a stub
 * domain that turns out to be a guest, a domain id another guest took
 * over): the interfaces stay as they are. */
int sv_net_domain_del(struct sv_net *n, int domid, bool ending,
		      struct sv_error *err);

/* domid's vifs brought in line with want: those not listed are removed,
 * and those whose name is not in live either (nlive of them: the vifs the
 * backend tree still has, connected or not) end as sv_net_domain_del's
 * ending ones do: their device is going away. */
int sv_net_domain_sync(struct sv_net *n, int domid, const struct sv_net_vif *want,
		       size_t nwant, const char (*live)[IFNAMSIZ], size_t nlive,
		       struct sv_error *err);

/* A link event for interface name (RTNLGRP_LINK): the kernel drops an
 * interface's NetLabel entries when it goes down.  A held vif going down is
 * put in the table's set unlabelled, so its frames are dropped rather than
 * pass with the peer label of no guest; coming up, its entries are written
 * again and it is taken out.  Interfaces svirt does not hold are 0. */
int sv_net_link(struct sv_net *n, const char *name, bool up, struct sv_error *err);
/* Link events were lost (the socket overflowed): every held vif's entries
 * written again, each in set unlabelled meanwhile. */
int sv_net_relabel_all(struct sv_net *n, struct sv_error *err);

/* The port svirt holds by that name, or NULL. */
const struct sv_net_port *sv_net_port_find(const struct sv_net *n,
					   const char *name);

#endif
