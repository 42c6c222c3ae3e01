/* xsd.h: the test xenstore server's core, shared by its files, its socket loop
 * and its fuzz target; nothing here does I/O, so the fuzzer can drive it. */
#ifndef XSD_H
#define XSD_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

/* Permission bits as xenstored keeps them: the wire letters n, r, w, b. */
#define XSD_PERM_READ 1u
#define XSD_PERM_WRITE 2u
#define XSD_PERM_ALL (XSD_PERM_READ | XSD_PERM_WRITE)

/* Domain ids at and above this are Xen's special DOMID_* values. */
#define XSD_DOMID_FIRST_RESERVED 0x7ff0u

/* Limits of the real xenstored's default quotas, with the same errors. */
#define XSD_MAX_TRANSACTIONS 10 /* per connection: ENOSPC beyond */
#define XSD_MAX_WATCHES 1024    /* per connection: E2BIG beyond */
#define XSD_MAX_PERMS 64        /* entries of one node: EINVAL beyond */
/* A client that never reads its events is cut off rather than grow us. */
#define XSD_MAX_OUTPUT (8u << 20)

struct xsd_perm {
	uint32_t domid;
	unsigned perm;
};

/* The first entry is the owner, and its bits are the default for others. */
struct xsd_perms {
	struct xsd_perm *p;
	unsigned n;
};

struct xsd_node {
	char *name; /* leaf name; "" for the root */
	size_t namelen; /* strlen(name): a lookup compares lengths first */
	unsigned char *value;
	size_t len;
	struct xsd_perms perms;
	uint64_t gen; /* bumped on any change, and on adding or losing a child */
	struct xsd_node *parent;
	struct xsd_node **kids; /* in creation order, as xenstored lists them */
	size_t nkids, capkids;
};

struct xsd_buf {
	unsigned char *data;
	size_t len, cap;
};

struct xsd_watch {
	struct xsd_watch *next;
	char *path;   /* canonical: absolute, or a special @name */
	char *token;
	size_t strip; /* prefix to drop from event paths of a relative watch */
};

/* A node a transaction has looked at, by path, as xenstored keeps them:
 * what the store had the first time (checked at commit), and the node as
 * the transaction sees it, changes and all. */
struct xsd_txnode {
	char *path;
	size_t plen;
	bool recorded;	/* seen in the store: existed and gen are checked */
	bool existed;
	uint64_t gen;
	bool present;	/* the transaction sees a node here */
	bool own;	/* made or removed in it: nothing of the store's below */
	struct xsd_node node;	/* when present: value, perms and gen */
	struct xsd_buf kids;	/* when present: its children's names */
};

/* A change made in a transaction, replayed on the store at commit. */
struct xsd_txop {
	uint32_t type;
	char *body;
	size_t len;
};

/* Costs what it touches: only the nodes it looked at are copied, in a
 * table by path; the store is read for the others at their first use. */
struct xsd_tx {
	struct xsd_tx *next;
	uint32_t id;
	struct xsd_txnode **slots; /* open addressing by path */
	size_t nslots, nused;
	struct xsd_txop *ops;
	size_t nops, capops;
};

struct xsd_server;

struct xsd_conn {
	struct xsd_server *srv;
	struct xsd_conn *next, *prev;
	int fd; /* for the socket loop; the core never touches it */
	uint32_t domid;
	bool privileged;
	bool dead; /* to be closed by whoever owns the connection */
	unsigned char hdr[sizeof(struct xsd_sockmsg)];
	unsigned char body[XENSTORE_PAYLOAD_MAX];
	size_t have; /* bytes of the current message received so far */
	struct xsd_buf out;
	struct xsd_watch *watches;
	unsigned nwatches;
	struct xsd_tx *txs;
	unsigned ntxs;
	unsigned long nreq[XS_TYPE_COUNT]; /* requests by type, for --stats */
	int peer_pid;                      /* SO_PEERCRED, for --stats */
};

struct xsd_domain {
	uint32_t domid;
	uint32_t target; /* a domain it may act for, or XSD_DOMID_FIRST_RESERVED */
	bool introduced;
};

struct xsd_server {
	struct xsd_node *root;
	uint64_t gen;
	uint32_t last_tx;
	struct xsd_conn *conns;
	struct xsd_domain *doms;
	size_t ndoms, capdoms;
	bool verbose;
	/* Control "fail T E": every request of type T gets error E. */
	int fail[XS_TYPE_COUNT];
};

/* One request being served: where it acts and for whom. */
struct xsd_req {
	struct xsd_server *srv;
	struct xsd_conn *conn;
	struct xsd_sockmsg hdr;
	const char *body;
	size_t len;
	struct xsd_tx *tx;        /* NULL: the live store */
	bool replay;              /* a commit replaying a checked change */
};

/* xsd-core.c: server, connections, framing, replies. */
struct xsd_server *xsd_server_new(void);
void xsd_server_free(struct xsd_server *s);
struct xsd_conn *xsd_conn_new(struct xsd_server *s, int fd);
void xsd_conn_free(struct xsd_conn *c);
int xsd_conn_feed(struct xsd_conn *c, const void *data, size_t len);
void xsd_conn_consume(struct xsd_conn *c, size_t n);
void xsd_reply(struct xsd_req *r, uint32_t type, const void *data, size_t len);
void xsd_reply_ok(struct xsd_req *r);
void xsd_reply_string(struct xsd_req *r, const char *s);
void xsd_send_event(struct xsd_conn *c, const char *path, const char *token);
void xsd_log(const struct xsd_server *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* xsd-args.c: the NUL-separated strings of a request body. */
unsigned xsd_args(const struct xsd_req *r, const char **argv, unsigned max);
bool xsd_one_arg(const struct xsd_req *r, const char **arg);
int xsd_parse_domid(const char *s, uint32_t *domid);
int xsd_path_canonical(const struct xsd_conn *c, const char *in,
		       bool allow_special, char **out);
bool xsd_path_is_child(const char *child, const char *parent);
int xsd_perms_parse(const char *const *strs, unsigned n, struct xsd_perms *out);
int xsd_perms_format(const struct xsd_perms *p, struct xsd_buf *b);
unsigned xsd_perm_for(const struct xsd_server *s, const struct xsd_conn *c,
		      const struct xsd_perms *p);

/* xsd-tree.c: nodes. */
struct xsd_node *xsd_node_new(const char *name, size_t namelen,
			      const struct xsd_perms *perms);
void xsd_node_free(struct xsd_node *n);
struct xsd_node *xsd_node_child(const struct xsd_node *n, const char *name,
				size_t len);
int xsd_node_adopt(struct xsd_node *parent, struct xsd_node *kid, uint64_t gen);
void xsd_node_orphan(struct xsd_node *kid, uint64_t gen);
int xsd_node_set_value(struct xsd_node *n, const void *data, size_t len);
struct xsd_node *xsd_tree_lookup(struct xsd_node *root, const char *path);
int xsd_perms_copy(struct xsd_perms *dst, const struct xsd_perms *src);
bool xsd_tree_check(const struct xsd_node *root);
int xsd_buf_add(struct xsd_buf *b, const void *data, size_t len);
void xsd_buf_free(struct xsd_buf *b);

/* xsd-ops.c: requests on nodes. */
int xsd_op_read(struct xsd_req *r);
int xsd_op_write(struct xsd_req *r);
int xsd_op_mkdir(struct xsd_req *r);
int xsd_op_rm(struct xsd_req *r);
int xsd_op_directory(struct xsd_req *r);
int xsd_op_directory_part(struct xsd_req *r);
int xsd_op_get_perms(struct xsd_req *r);
int xsd_op_set_perms(struct xsd_req *r);

/* xsd-watch.c: watches and their events. */
int xsd_op_watch(struct xsd_req *r);
int xsd_op_unwatch(struct xsd_req *r);
int xsd_op_reset_watches(struct xsd_req *r);
void xsd_watches_free(struct xsd_conn *c);
void xsd_fire(struct xsd_server *s, const char *path,
	      const struct xsd_perms *perms, bool subtree_gone);

/* xsd-trans.c: transactions. */
int xsd_op_transaction_start(struct xsd_req *r);
int xsd_op_transaction_end(struct xsd_req *r);
struct xsd_tx *xsd_tx_find(struct xsd_conn *c, uint32_t id);
int xsd_tx_get(struct xsd_tx *tx, struct xsd_node *root, const char *path,
	       struct xsd_node **out);
struct xsd_node *xsd_tx_add(struct xsd_tx *tx, struct xsd_node *parent,
			    const char *path, size_t len, uint64_t gen);
void xsd_tx_remove(struct xsd_tx *tx, const char *path, uint64_t gen);
int xsd_tx_kid_names(const struct xsd_node *n, struct xsd_buf *b);
bool xsd_tx_check(const struct xsd_tx *tx);
int xsd_tx_log(struct xsd_req *r);
void xsd_txs_free(struct xsd_conn *c);

/* xsd-domain.c: domains and control commands. */
int xsd_op_introduce(struct xsd_req *r);
int xsd_op_release(struct xsd_req *r);
int xsd_op_resume(struct xsd_req *r);
int xsd_op_is_domain_introduced(struct xsd_req *r);
int xsd_op_get_domain_path(struct xsd_req *r);
int xsd_op_set_target(struct xsd_req *r);
int xsd_op_control(struct xsd_req *r);
const struct xsd_domain *xsd_domain_find(const struct xsd_server *s,
					 uint32_t domid);

#endif
