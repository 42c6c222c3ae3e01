/* svirtd.h: the daemon's context and the functions its files give each other.
 * One struct svirtd, owned by main() and passed everywhere; no globals. */
#ifndef SVIRTD_H
#define SVIRTD_H

#include <net/if.h>
#include <stdbool.h>
#include <poll.h>
#include <stdint.h>

#include "audit.h"
#include "config.h"
#include "control.h"
#include "domain.h"
#include "history.h"
#include "log.h"
#include "log_limit.h"
#include "mcs.h"
#include "net.h"
#include "relabel.h"
#include "store.h"

#define SVIRTD_CLIENTS_MAX 64
#define SVIRTD_READ_TIMEOUT_MS 5000	/* a client must send its line by then */
/* Guest-driven work, bounded (loop.c): */
#define SVIRTD_EVENTS_PER_BATCH 4096	/* watch events read before other work */
#define SVIRTD_RELABEL_BUDGET_MS 100	/* label passes in a row, at most */
#define SVIRTD_RELABEL_GAP_MS 50	/* between two passes of one guest */
#define SVIRTD_LOG_REPEAT_MS 60000	/* the same error of a guest, again */

struct xs_handle;
struct selabel_handle;
struct svd_flask;

/* One control connection: reading its line, or holding a GET ... WAIT. */
struct svd_client {
	int fd;
	size_t len;
	char buf[SV_CONTROL_LINE_MAX + 1];
	bool waiting;
	int domid;			/* of the waiting GET */
	uint64_t deadline_ms;		/* CLOCK_MONOTONIC */
};

struct svd_server {
	int fd;
	const char *path;
	size_t n;
	struct svd_client *c[SVIRTD_CLIENTS_MAX];
};

/* setrans.c (issue 19 item 3): what svirtd's mcstrans file was last made
 * from (NULL: write it on the next sync), its path, and its text. */
struct svd_setrans {
	char *key;
	char *path;
	char *written;
};

struct svirtd {
	struct sv_log log;
	const char *config_path;
	struct sv_config cfg;
	struct sv_mcs *mcs;
	struct sv_store *store;
	struct sv_relabel_ctx rctx;
	struct selabel_handle *selabel;	/* file contexts, for rctx */
	struct sv_domains doms;
	struct xs_handle *xs;		/* requests */
	/* Watches only: once a handle has a watch, libxenstore hands every
	 * reply on it from a reader thread to the caller, two more context
	 * switches per request.  An event read here is older than any answer
	 * to a request sent after it, so nothing is seen out of order. */
	struct xs_handle *xs_watch;
	int sigfd;
	struct svd_server srv;
	struct sv_log_limit bind_log;	/* bind failures, per domid */
	struct svd_flask *flask;	/* NULL: no Flask labels to read */
	struct sv_net net;		/* when net_on */
	bool net_on;
	struct sv_audit audit;		/* svd_audit_open; doms.audit */
	int audit_fd;			/* libaudit's, or -1 */
	int audit_err;			/* why audit_open failed (-errno) */
	int link_fd;			/* link events, when net_on; else -1 */
	/* Stub domains whose target guest was not bound yet: tried again
	 * when a guest is bound (stubdom.c). */
	size_t nstub_wait;
	int stub_wait[64];
	/* Reconciling could not tell whether some domain is alive: the loop
	 * asks again first (svd_watch_all dropped the events that would). */
	bool recheck_gone;
	/* issue 19 item 2: which guest held which pair when (history.c). */
	struct sv_history hist;
	uint64_t hist_sum;		/* the live guests it was last synced with */
	bool hist_unsaved;		/* the last save failed: try again */
	bool quit;
	/* Started as a service (daemon.c): the pipe to the caller waiting for
	 * svd_ready, -1 in --foreground or once told; the pid file, if any. */
	int ready_fd;
	const char *pidfile;
	bool pidfile_written;
	struct svd_setrans setrans;	/* issue 19 item 3 */
};

uint64_t svd_now_ms(void);

/* setrans.c (issue 19 item 3): with setrans on, rewrites svirtd's mcstrans
 * file whenever the live guests' names or pairs changed since the last call
 * (always on the first), and has mcstransd reload it.  Never fails svirtd. */
void svd_setrans_sync(struct svirtd *s);
/* The next sync writes the file again (a reload: the admin's entries may
 * have changed). */
void svd_setrans_reset(struct svirtd *s);
void svd_setrans_free(struct svirtd *s);

/* audit.c: the audit seam's libaudit end; never fails svirtd. */
void svd_audit_open(struct svirtd *s);
void svd_audit_close(struct svirtd *s);
/* The vifs (and taps) svirtd holds for a domain, and their peer label,
 * before a pass changes them; svd_audit_ports then writes a VIRT_RESOURCE
 * record for each gained (label) or lost (restore). */
#define SVD_AUDIT_PORTS_MAX 64
struct svd_audit_ports {
	size_t n;
	char name[SVD_AUDIT_PORTS_MAX][IFNAMSIZ];
	char peer[SV_CONTEXT_MAX];
};
void svd_audit_ports_of(const struct svirtd *s, int domid,
			struct svd_audit_ports *out);
void svd_audit_ports(struct svirtd *s, const struct sv_domain *d,
		     const struct svd_audit_ports *before);

/* svirtd.c: SIGHUP; a bad new config is logged and the old one kept. */
void svd_reload(struct svirtd *s);

/* daemon.c */
/* Without --foreground: forks, and the caller's process waits in the parent
 * until the daemon is ready (exit 0) or has ended (its exit status, never 0);
 * returns in the daemon, in a session of its own, stdin and stdout on
 * /dev/null, stderr still the caller's.  -errno if it could not fork. */
int svd_detach(struct svirtd *s);
/* Once the socket is open and the domains reconciled: the pid file, READY=1
 * to systemd (NOTIFY_SOCKET), then the waiting caller let go (stderr goes to
 * /dev/null, the log to syslog alone).  -errno if the pid file cannot be
 * written. */
int svd_ready(struct svirtd *s);
void svd_pidfile_remove(struct svirtd *s);

/* loop.c */
/* Sets svirtd's watches, then drops the events they fire when set (and any
 * other read meanwhile): call it before svd_reconcile, which with the
 * loop's first scan of /local/domain looks at everything afresh. */
int svd_watch_all(struct svirtd *s);
int svd_loop_run(struct svirtd *s);
/* Labels dirty domains again, least recently labelled first, each at most
 * once per SVIRTD_RELABEL_GAP_MS, for SVIRTD_RELABEL_BUDGET_MS at most;
 * returns the ms until the next one is due (-1: none dirty). */
int svd_relabel_dirty(struct svirtd *s);
/* Looks at /local/domain/<domid> now and binds it if it is a new, live,
 * introduced domain; then labels it if dirty.  NULL if there is none. */
struct sv_domain *svd_domain_lookup(struct svirtd *s, int domid);
void svd_domain_refresh(struct svirtd *s, struct sv_domain *d);

/* The token of the watches on domains' target nodes (stubdom.c). */
#define SVD_TOKEN_TARGET "svirtd-target"

/* Binds domid if it is a new, live, introduced domain: a guest to a pair
 * of its own, a stub domain to its target's.  as_target: domid is looked
 * at as a stub's target, and is left alone if it is a stub itself. */
void svd_bind_new(struct svirtd *s, int domid, bool as_target);

/* stubdom.c: stub device model domains. */
/* *target: the guest domid's dom0-written target node names, 0 if it has
 * none.  -EPERM for a node dom0 does not own or another domain may write,
 * -EINVAL for a bad value; err names the node. */
int svd_read_target(struct svirtd *s, int domid, int *target,
		    struct sv_error *err);
/* Binds stub domain domid to guest target: -EAGAIN while target is not a
 * bound guest yet (or cannot be told apart from a reused domid), -ENOENT
 * if xenstore says it does not exist, -EINVAL if it is a stub itself. */
int svd_stub_bind(struct svirtd *s, int domid, const char *uuid,
		  const char *name, int target, struct sv_error *err);
/* A stub waiting for its target, tried again by svd_stub_retry. */
void svd_stub_wait(struct svirtd *s, int domid);
void svd_stub_retry(struct svirtd *s);
/* Appends the disks of g's stub domains, and of the domain migrating in to
 * g, to out (sv_discover_disks). */
int svd_stub_disks(struct svirtd *s, const struct sv_domain *g,
		   struct sv_disks *out, struct sv_error *err);
/* After g's pass: its stubs (and the domain migrating in to it) take its
 * state, their vifs are labelled, and they are published. */
void svd_stub_follow(struct svirtd *s, const struct sv_domain *g);
bool svd_has_stub(struct svirtd *s, const struct sv_domain *g);
/* Watches d's target node (once), or stops watching it. */
void svd_target_watch(struct svirtd *s, struct sv_domain *d, bool on);
/* What d's target node says now, against what d was bound as (loop.c).
 * libxl writes a stub domain's target after introducing it, so a stub may
 * have been bound as a guest first: it is released and bound to its
 * target.  A bound stub whose target changes or goes, or a domain whose
 * target cannot be trusted, is put in error (fail closed). */
void svd_target_check(struct svirtd *s, int domid);

/* publish.c: /local/domain/0/svirt/<domid>/ */
int svd_publish_init(struct svirtd *s);
void svd_publish(struct svirtd *s, struct sv_domain *d);
void svd_unpublish(struct svirtd *s, int domid);

/* reconcile.c */
int svd_reconcile(struct svirtd *s);
/* xenstore's definite answer on whether domid is introduced: 1 yes, 0 no;
 * -errno when it could not say (libxenstore's xs_is_domain_introduced
 * answers false on errors too).  Only a 0 may free a guest. */
int svd_domain_introduced(struct svirtd *s, int domid);
/* Whether d's domid still names d's guest (its uuid): 1 yes, 0 another
 * guest has it (a domid given back and reused), -errno if unreadable. */
int svd_same_domain(struct svirtd *s, const struct sv_domain *d);
/* The name and uuid of domid from dom0-owned nodes; -ENOENT while the
 * toolstack has not written them, -EPERM if a node is not dom0's. */
int svd_read_identity(struct svirtd *s, int domid, char uuid[SV_UUID_BUF],
		      char **name);

/* net.c: network isolation (config network = "on").  start: open NetLabel
 * and nftables and rebuild the tables from every live domain's vifs, in one
 * transaction; an error means svirtd cannot isolate guests. */
int svd_net_start(struct svirtd *s);
void svd_net_stop(struct svirtd *s);
/* d's connected vifs labelled, gone ones unlabelled; a failure puts d in
 * state error. */
int svd_net_refresh(struct svirtd *s, struct sv_domain *d);
/* Link events (a down vif loses its NetLabel entries): read and acted on. */
void svd_net_link(struct svirtd *s);
/* Before d's pair is freed.  ending: d is gone for good, and its vifs
 * with it (set down before their peer labels are removed: lib/net.c);
 * false for a domain whose interfaces stay in use (a stub domain bound as
 * a guest by mistake, a domain id another guest has taken over). */
void svd_net_release(struct svirtd *s, struct sv_domain *d, bool ending);
/* The VIF request: vif devid of d is labelled now.  -ENOENT no such vif,
 * -EAGAIN not connected yet, -EIO labelling failed (err says why). */
int svd_net_vif(struct svirtd *s, struct sv_domain *d, unsigned devid,
		struct sv_error *err);

/* outside.c (issue 16 item 5): d's devices served by a domain other than
 * dom0, found again; a change is published by the next svd_publish and
 * logged (the first at once, then at most once per SVIRTD_LOG_REPEAT_MS).
 * Called on a guest's first pass and after an event on its /libxl device
 * records (d->outside_known false), not on every pass: a guest with no
 * devices costs two requests, each device two or three more. */
void svd_outside_refresh(struct svirtd *s, struct sv_domain *d);

/* flask.c (issue 17 item 3): the hypervisor's Flask labels, through
 * libxl.  open: finds whether Xen runs Flask (-errno only when it cannot
 * tell); without a hypervisor or without Flask s->flask stays NULL. */
int svd_flask_open(struct svirtd *s);
void svd_flask_close(struct svirtd *s);
/* domid's Flask label: 1 and *label (to free), 0 when there are no Flask
 * labels to read (*label NULL), -ENOENT no such domain, -errno (err says
 * why) when it could not be read. */
int svd_flask_label(struct svirtd *s, int domid, char **label,
		    struct sv_error *err);

/* history.c (issue 19 item 2): the guest history in state_dir.  open
 * reads it (a corrupt one is logged and started anew); sync brings it up
 * to date with the live guests and saves it when it changed (a failure is
 * logged once and retried on the next turn); text is the HISTORY reply. */
void svd_history_open(struct svirtd *s);
void svd_history_close(struct svirtd *s);
void svd_history_sync(struct svirtd *s);
int svd_history_text(struct svirtd *s, char **text, size_t *len);

/* server.c */
int svd_server_open(struct svirtd *s, const char *path);
void svd_server_close(struct svirtd *s);
/* pollfds for the listener and clients: returns how many were filled. */
size_t svd_server_pollfds(struct svirtd *s, struct pollfd *p, size_t max);
void svd_server_handle(struct svirtd *s, const struct pollfd *p, size_t n);
/* Answers waiting GETs whose domain is done or whose time is up; returns
 * the ms until the next deadline (-1: none). */
int svd_server_tick(struct svirtd *s);

#endif
