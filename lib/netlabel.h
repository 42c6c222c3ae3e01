/* netlabel.h: NetLabel static unlabeled entries over Generic Netlink (NLBL_UNLBL).
 * Gives every packet a guest's vif receives the guest's peer label, and the rest a default. */
#ifndef SVIRT_NETLABEL_H
#define SVIRT_NETLABEL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* The kernel's NetLabel unlabeled protocol (net/netlabel/netlabel_unlabeled.h). */
#define SV_NLBL_FAMILY "NLBL_UNLBL"
#define SV_NLBL_VERSION 3
enum {
	SV_NLBL_C_STATICADD = 3,
	SV_NLBL_C_STATICREMOVE = 4,
	SV_NLBL_C_STATICLIST = 5,
	/* The default entries: for interfaces without entries of their own. */
	SV_NLBL_C_STATICADDDEF = 6,
	SV_NLBL_C_STATICREMOVEDEF = 7,
	SV_NLBL_C_STATICLISTDEF = 8,
};
enum {
	SV_NLBL_A_IPV6ADDR = 2,
	SV_NLBL_A_IPV6MASK = 3,
	SV_NLBL_A_IPV4ADDR = 4,
	SV_NLBL_A_IPV4MASK = 5,
	SV_NLBL_A_IFACE = 6,
	SV_NLBL_A_SECCTX = 7,
	SV_NLBL_A_MAX = 7,
};

/* One static entry: traffic arriving on iface from addr/mask is labelled ctx.
 * A default entry has iface "": it labels traffic arriving on any interface
 * that has no entries of its own. */
struct sv_nlbl_entry {
	char iface[IFNAMSIZ];	/* "" for a default entry */
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16], mask[16];	/* 4 bytes used for AF_INET */
	char ctx[SV_CONTEXT_MAX];
};

struct sv_nlbl_list {
	size_t n, cap;
	struct sv_nlbl_entry *v;
};

void sv_nlbl_list_clear(struct sv_nlbl_list *l);

/* The entry's interface for a message: its name, or "DEFAULT" as
 * netlabelctl says. */
const char *sv_nlbl_iface_name(const struct sv_nlbl_entry *e);

/* True for a name the kernel would take as an interface, and nft and
 * NetLabel can carry unquoted: 1..15 bytes of [A-Za-z0-9_.-], not "." or
 * "..", not starting with '-'. */
bool sv_ifname_valid(const char *name);

/* A context svirt may hand the kernel or nft: valid and canonical (so the
 * bytes sent are the bytes checked), no NUL in its len bytes. */
int sv_net_context_check(const char *ctx, size_t len, struct sv_error *err);

/* The whole address space (0.0.0.0/0 or ::/0) on iface, labelled ctx; iface
 * NULL makes it a default entry.  -EINVAL (err says which) for a bad name,
 * family or context. */
int sv_nlbl_entry_any(const char *iface, int family, const char *ctx,
		      struct sv_nlbl_entry *out, struct sv_error *err);

/* Parsing of the kernel's replies (netlabel_parse.c): one STATICLIST message
 * (its generic netlink header and attributes, after the nlmsghdr) into *out,
 * untouched on failure; a STATICLISTDEF message, which names no interface,
 * gives a default entry. */
int sv_nlbl_parse_entry(const void *genl, size_t len, struct sv_nlbl_entry *out,
			struct sv_error *err);
/* A buffer of netlink messages as a dump returns them: every STATICLIST
 * message is appended to *list; NLMSG_DONE ends it; an NLMSG_ERROR gives its
 * -errno.  Returns 1 when done was seen, 0 when more may follow. */
int sv_nlbl_parse_dump(const void *buf, size_t len, struct sv_nlbl_list *list,
		       struct sv_error *err);

/* What a NetLabel error means, for a log line. */
const char *sv_nlbl_strerror(int errnum);

/* A connection to the kernel's NetLabel; opaque. */
struct sv_nlbl;

/* -EPROTONOSUPPORT if the kernel has no NetLabel (NLBL_UNLBL unknown). */
int sv_nlbl_open(struct sv_nlbl **out, struct sv_error *err);
void sv_nlbl_close(struct sv_nlbl *n);

/* The messages, built apart from sending them so tests can read them back.
 * The returned struct nl_msg * is libnl's; nlmsg_free() it. */
struct nl_msg;
int sv_nlbl_build(int family_id, int cmd, const struct sv_nlbl_entry *e,
		  struct nl_msg **out, struct sv_error *err);

/* Add or remove one entry, a default one if its iface is ""; the kernel's
 * -errno (err with its meaning). */
int sv_nlbl_add(struct sv_nlbl *n, const struct sv_nlbl_entry *e,
		struct sv_error *err);
int sv_nlbl_remove(struct sv_nlbl *n, const struct sv_nlbl_entry *e,
		   struct sv_error *err);
/* Every static entry with an interface; *out untouched on failure. */
int sv_nlbl_list(struct sv_nlbl *n, struct sv_nlbl_list *out,
		 struct sv_error *err);
/* Every default entry (iface ""). */
int sv_nlbl_list_default(struct sv_nlbl *n, struct sv_nlbl_list *out,
			 struct sv_error *err);

/* The pair NetLabel needs for a vif: 0.0.0.0/0 and ::/0 on iface.  Adding
 * is all or nothing (an IPv4 entry is taken back if IPv6 fails); an entry
 * already there with the same label counts as added.  Removing tolerates
 * entries already gone, and an interface already gone (its entries go with
 * it). */
int sv_nlbl_label_iface(struct sv_nlbl *n, const char *iface, const char *ctx,
			struct sv_error *err);
int sv_nlbl_unlabel_iface(struct sv_nlbl *n, const char *iface,
			  struct sv_error *err);

/* The same pair as default entries: traffic from interfaces no guest holds
 * (the outside, dom0 itself, loopback) gets ctx as its peer label rather
 * than none, which the policy treats as unlabeled_t.  Idempotent: an entry
 * with this label is kept, one with another label replaced. */
int sv_nlbl_label_default(struct sv_nlbl *n, const char *ctx,
			  struct sv_error *err);

#endif
