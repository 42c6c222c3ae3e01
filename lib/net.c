/* net.c: the network side of a guest's labels: a vif gets its NetLabel peer label
 * and its secmark map element together, or neither; the tables follow svirt's view. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link.h"
#include "net.h"

int sv_net_open(struct sv_net *n, const struct sv_net_opts *opts,
		const struct sv_log *log, struct sv_error *err)
{
	const char *def = opts->default_peer ? opts->default_peer : "";
	struct sv_net o = { .log = log, .pol = opts->pol };
	size_t dlen = strnlen(def, SV_CONTEXT_MAX);
	int r;

	if (snprintf(o.peer_type, sizeof(o.peer_type), "%s", opts->peer_type) >=
	    (int)sizeof(o.peer_type))
		return sv_fail(err, EINVAL, "peer type too long");
	if (dlen >= SV_CONTEXT_MAX)
		return sv_fail(err, EINVAL, "default peer label too long");
	if (dlen && (r = sv_net_context_check(def, dlen, err)) < 0)
		return sv_fail_prefix(err, -r, "default peer label");
	memcpy(o.default_peer, def, dlen + 1);
	/* Guests' frames for the outside need a label of their own (secmark.h). */
	if (!opts->outside_packet || !opts->outside_packet[0])
		return sv_fail(err, EINVAL, "no label for guests' frames to the outside");
	dlen = strnlen(opts->outside_packet, SV_CONTEXT_MAX);
	if (dlen >= SV_CONTEXT_MAX)
		return sv_fail(err, EINVAL, "label of guests' frames to the outside too long");
	if ((r = sv_net_context_check(opts->outside_packet, dlen, err)) < 0)
		return sv_fail_prefix(err, -r, "label of guests' frames to the outside");
	memcpy(o.pol.outside_packet, opts->outside_packet, dlen + 1);

	if ((r = sv_nlbl_open(&o.nl, err)) < 0)
		return r;
	if ((r = sv_secmark_open(&o.sm, err)) < 0) {
		sv_nlbl_close(o.nl);
		return r;
	}
	*n = o;
	return 0;
}

static void guest_free(struct sv_net_guest *g)
{
	free(g->packet);
	free(g->peer);
}

static void forget_all(struct sv_net *n)
{
	for (size_t i = 0; i < n->nguests; i++)
		guest_free(&n->guests[i]);
	free(n->guests);
	free(n->ports);
	n->guests = NULL;
	n->ports = NULL;
	n->nguests = n->nports = 0;
}

void sv_net_close(struct sv_net *n)
{
	forget_all(n);
	sv_secmark_close(n->sm);
	sv_nlbl_close(n->nl);
	n->sm = NULL;
	n->nl = NULL;
}

static int write_one(const char *path, struct sv_error *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int e;

	if (fd < 0) {
		e = errno;
		return sv_fail(err, e, "%s: %s%s", path, strerror(e),
			       e == ENOENT ? " (load br_netfilter: modprobe br_netfilter)" : "");
	}
	if (write(fd, "1\n", 2) != 2) {
		e = errno;
		close(fd);
		return sv_fail(err, e, "%s: cannot set it to 1: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

int sv_net_bridge_setup(const char *proc, struct sv_error *err)
{
	static const char *const knobs[] = { "bridge-nf-call-iptables",
					     "bridge-nf-call-ip6tables",
					     "bridge-nf-filter-vlan-tagged",
					     "bridge-nf-filter-pppoe-tagged" };
	char path[256];
	int r;

	if (!proc)
		proc = "/proc/sys/net/bridge";
	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++) {
		snprintf(path, sizeof(path), "%s/%s", proc, knobs[i]);
		if ((r = write_one(path, err)) < 0)
			return r;
	}
	return 0;
}

const struct sv_net_port *sv_net_port_find(const struct sv_net *n,
					   const char *name)
{
	for (size_t i = 0; i < n->nports; i++)
		if (strcmp(n->ports[i].name, name) == 0)
			return &n->ports[i];
	return NULL;
}

static struct sv_net_port *port_get(struct sv_net *n, const char *name)
{
	for (size_t i = 0; i < n->nports; i++)
		if (strcmp(n->ports[i].name, name) == 0)
			return &n->ports[i];
	return NULL;
}

/* Appends more (freed) to *cmds: several changes in one transaction. */
static int join(char **cmds, char *more, struct sv_error *err)
{
	size_t a = *cmds ? strlen(*cmds) : 0, b = strlen(more);
	char *c = realloc(*cmds, a + b + 1);

	if (!c) {
		free(more);
		return sv_fail(err, ENOMEM, "out of memory");
	}
	memcpy(c + a, more, b + 1);
	free(more);
	*cmds = c;
	return 0;
}

/* The names of the held ports other than skip whose guest has object obj
 * (the same pair), in *out (malloc'd, *n of them). */
static int pair_peers(const struct sv_net *n, const char *obj, const char *skip,
		      const char ***out, size_t *count, struct sv_error *err)
{
	const char **v = calloc(n->nports + 1, sizeof(*v));
	size_t k = 0;

	if (!v)
		return sv_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n->nports; i++)
		if (strcmp(n->ports[i].name, skip) != 0 &&
		    strcmp(n->guests[n->ports[i].guest].obj, obj) == 0)
			v[k++] = n->ports[i].name;
	*out = v;
	*count = k;
	return 0;
}

/* How many held ports map to object obj: those of every guest of its pair.
 * While a guest migrates to this host its outgoing and incoming domains
 * are two guests of one pair; the object goes with the last port of both. */
static size_t obj_ports(const struct sv_net *n, const char *obj)
{
	size_t k = 0;

	for (size_t i = 0; i < n->nguests; i++)
		if (strcmp(n->guests[i].obj, obj) == 0)
			k += n->guests[i].nports;
	return k;
}

/* The commands that put port name in or out of set same_pair with its
 * pair's other ports, and in or out of set unlabelled, appended to *cmds. */
static int pair_and_unlabelled(const struct sv_net *n, const char *obj,
			       const char *name, bool add, char **cmds,
			       struct sv_error *err)
{
	_cleanup_free_ const char **peers = NULL;
	const char *one[] = { name };
	char *c = NULL;
	size_t np = 0;
	int r;

	if ((r = pair_peers(n, obj, name, &peers, &np, err)) < 0)
		return r;
	if ((r = sv_secmark_cmd_same_pair(add, name, peers, np, &c, err)) < 0 ||
	    (r = join(cmds, c, err)) < 0)
		return r;
	if ((r = sv_secmark_cmd_unlabelled(add, one, 1, &c, err)) < 0 ||
	    (r = join(cmds, c, err)) < 0)
		return r;
	return 0;
}

/* p into or out of set unlabelled. */
static int set_unlabelled(struct sv_net *n, struct sv_net_port *p, bool in,
			  struct sv_error *err)
{
	const char *one[] = { p->name };
	_cleanup_free_ char *c = NULL;
	int r;

	if ((r = sv_secmark_cmd_unlabelled(in, one, 1, &c, err)) < 0 ||
	    (r = sv_secmark_run(n->sm, c, err)) < 0)
		return sv_fail_prefix(err, -r, "%s: %s its frames", p->name,
				      in ? "cannot drop" : "cannot let through");
	p->unlabelled = in;
	return 0;
}

static int relabel_port(struct sv_net *n, struct sv_net_port *p,
			struct sv_error *err);

static ssize_t guest_find(const struct sv_net *n, int domid)
{
	for (size_t i = 0; i < n->nguests; i++)
		if (n->guests[i].domid == domid)
			return (ssize_t)i;
	return -1;
}

/* A guest for v, new or existing; its index in *gi.  No kernel change. */
static int guest_get(struct sv_net *n, const struct sv_net_vif *v, size_t *gi,
		     bool *created, struct sv_error *err)
{
	ssize_t i = guest_find(n, v->domid);
	struct sv_net_guest g = { .domid = v->domid, .pair = v->pair };
	struct sv_net_guest *gv;

	*created = false;
	if (i >= 0) {
		*gi = (size_t)i;
		return 0;
	}
	if (sv_secmark_obj_name(v->pair, g.obj, sizeof(g.obj)) < 0)
		return sv_fail(err, EINVAL, "no object name for the pair");
	g.packet = strdup(v->packet);
	g.peer = strdup(v->peer);
	gv = reallocarray(n->guests, n->nguests + 1, sizeof(*gv));
	if (!g.packet || !g.peer || !gv) {
		guest_free(&g);
		if (gv)
			n->guests = gv;
		return sv_fail(err, ENOMEM, "out of memory");
	}
	n->guests = gv;
	n->guests[n->nguests] = g;
	*gi = n->nguests++;
	*created = true;
	return 0;
}

static void guest_drop(struct sv_net *n, size_t gi)
{
	guest_free(&n->guests[gi]);
	n->guests[gi] = n->guests[--n->nguests];
	/* The guest that moved into gi keeps its ports pointing at it. */
	for (size_t i = 0; i < n->nports; i++)
		if (n->ports[i].guest == n->nguests)
			n->ports[i].guest = gi;
}

/* Whether both default entries (IPv4 and IPv6, any address) carry label. */
static int defaults_present(struct sv_net *n, const char *label, bool *present,
			    struct sv_error *err)
{
	struct sv_nlbl_list l = { .v = NULL };
	bool v4 = false, v6 = false;
	int r = sv_nlbl_list_default(n->nl, &l, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].iface[0] || strcmp(l.v[i].ctx, label) != 0)
			continue;
		v4 |= l.v[i].family == AF_INET;
		v6 |= l.v[i].family == AF_INET6;
	}
	sv_nlbl_list_clear(&l);
	*present = v4 && v6;
	return 0;
}

/* NetLabel's default entries, checked before each vif is labelled: from the
 * first peer label on, traffic that matches no entry would be unlabeled_t,
 * which refpolicy lets no domain receive; with them it is the configured
 * default peer.  Put back if someone removed them. */
static int default_entries(struct sv_net *n, struct sv_error *err)
{
	bool present = false;
	int r;

	if (!n->default_peer[0])
		return 0;
	if ((r = defaults_present(n, n->default_peer, &present, err)) < 0)
		return sv_fail_prefix(err, -r, "NetLabel default entries");
	if (present) {
		n->default_done = true;
		return 0;
	}
	if ((r = sv_nlbl_label_default(n->nl, n->default_peer, err)) < 0)
		return sv_fail_prefix(err, -r, "default peer label %s", n->default_peer);
	sv_log(n->log, n->default_done ? LOG_WARNING : LOG_INFO,
	       "traffic of no guest has peer label %s (NetLabel default entries%s)",
	       n->default_peer, n->default_done ? ", put back: someone had removed them" : "");
	n->default_done = true;
	return 0;
}

static struct sv_secmark_guest sm_guest(const struct sv_net_guest *g)
{
	struct sv_secmark_guest s = { .ctx = g->packet };

	memcpy(s.obj, g->obj, sizeof(s.obj));
	return s;
}

int sv_net_vif_add(struct sv_net *n, const struct sv_net_vif *v,
		   struct sv_error *err)
{
	const struct sv_net_port *old = sv_net_port_find(n, v->name);
	_cleanup_free_ char *cmds = NULL, *undo = NULL;
	char *tail = NULL;
	struct sv_secmark_guest sg;
	struct sv_net_port *pv;
	bool created, new_obj;
	size_t gi;
	int r;

	/* Held already: labelled again only if its entries are not known to
	 * be in place (a failure, a link down). */
	if (old && old->domid == v->domid)
		return old->unlabelled ? relabel_port(n, port_get(n, v->name), err) : 0;
	if ((r = default_entries(n, err)) < 0)
		return r;
	if (old && (r = sv_net_vif_del(n, v->name, err)) < 0)
		return r;
	if ((r = guest_get(n, v, &gi, &created, err)) < 0)
		return r;
	sg = sm_guest(&n->guests[gi]);
	new_obj = obj_ports(n, sg.obj) == 0;
	/* In set unlabelled from the first moment: its frames are dropped
	 * until its NetLabel entries are in place. */
	if ((r = sv_secmark_cmd_port_add(&sg, new_obj, v->name, &cmds, err)) < 0 ||
	    (r = pair_and_unlabelled(n, sg.obj, v->name, true, &cmds, err)) < 0 ||
	    (r = pair_and_unlabelled(n, sg.obj, v->name, false, &undo, err)) < 0 ||
	    (r = sv_secmark_cmd_port_del(&sg, new_obj, v->name, &tail, err)) < 0 ||
	    (r = join(&undo, tail, err)) < 0)
		goto fail;
	pv = reallocarray(n->ports, n->nports + 1, sizeof(*pv));
	if (!pv) {
		r = sv_fail(err, ENOMEM, "out of memory");
		goto fail;
	}
	n->ports = pv;
	if ((r = sv_secmark_run(n->sm, cmds, err)) < 0)
		goto fail;
	if ((r = sv_nlbl_label_iface(n->nl, v->name, v->peer, err)) < 0) {
		struct sv_error e2;

		if (sv_secmark_run(n->sm, undo, &e2) < 0)
			sv_log(n->log, LOG_ERR, "%s: cannot take back its secmark: %s",
			       v->name, e2.msg);
		goto fail;
	}
	n->ports[n->nports] = (struct sv_net_port){ .domid = v->domid, .guest = gi,
						    .unlabelled = true };
	strcpy(n->ports[n->nports].name, v->name);
	n->nports++;
	n->guests[gi].nports++;
	/* Should this fail, the vif stays held with its frames dropped. */
	return set_unlabelled(n, &n->ports[n->nports - 1], false, err);
fail:
	if (created)
		guest_drop(n, gi);
	return r;
}

/* Port name given up: ending says its interface goes with it (its guest
 * ended, its device is removed), so it is set down before its static
 * entries are removed.  The kernel removes an interface's entries itself
 * at NETDEV_DOWN, and Linux (6.1 at least) does not check, when a static
 * remove takes the interface's last entry, whether that handler has taken
 * the interface off its list meanwhile: removing while the interface goes
 * down can unlink it twice (__list_del_entry_valid, an oops in
 * netlbl_unlhsh_remove).  Down first, the handler has run when the kernel
 * answers, and no second one comes without an up; the removes then find
 * nothing (ENOENT) or no interface (ENODEV), which sv_nlbl_unlabel_iface
 * takes as removed.  A port changing hands keeps its interface up: the
 * interface is in use. */
static int port_del(struct sv_net *n, const char *name, bool ending,
		    struct sv_error *err)
{
	struct sv_net_port *p = port_get(n, name);
	_cleanup_free_ char *cmds = NULL;
	char *tail = NULL;
	struct sv_secmark_guest sg;
	struct sv_net_guest *g;
	size_t pi, gi;
	int r;

	if (!p)
		return sv_fail(err, ENOENT, "%s: svirt holds no such vif", name);
	pi = (size_t)(p - n->ports);
	gi = p->guest;
	g = &n->guests[gi];
	sg = sm_guest(g);
	if ((r = pair_and_unlabelled(n, sg.obj, name, false, &cmds, err)) < 0 ||
	    (r = sv_secmark_cmd_port_del(&sg, obj_ports(n, sg.obj) == 1, name,
					  &tail, err)) < 0 ||
	    (r = join(&cmds, tail, err)) < 0)
		return r;
	/* Its frames dropped while its peer label goes, so none passes as
	 * traffic of no guest while it is still held.  On a failure nothing
	 * is forgotten, so a later attempt starts over. */
	if (!p->unlabelled && (r = set_unlabelled(n, p, true, err)) < 0)
		return r;
	/* Not down, not removed: held, frames dropped, a static remove
	 * not risked; a later attempt (or a rebuild) starts over. */
	if (ending && (r = sv_link_set_down(name, err)) < 0 && r != -ENODEV)
		return sv_fail_prefix(err, -r, "%s: kept with its frames dropped, "
				      "not set down before its peer label is removed",
				      name);
	if (ending && r == 0)
		sv_log(n->log, LOG_INFO, "%s: set down as it ends, before its "
		       "peer label is removed", name);
	if ((r = sv_nlbl_unlabel_iface(n->nl, name, err)) < 0)
		return r;
	if ((r = sv_secmark_run(n->sm, cmds, err)) < 0)
		return r;
	n->ports[pi] = n->ports[--n->nports];
	if (--g->nports == 0)
		guest_drop(n, gi);
	return 0;
}

int sv_net_vif_del(struct sv_net *n, const char *name, struct sv_error *err)
{
	return port_del(n, name, false, err);
}

static bool listed(const char (*names)[IFNAMSIZ], size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

int sv_net_domain_del(struct sv_net *n, int domid, bool ending,
		      struct sv_error *err)
{
	int first = 0;

	for (size_t i = n->nports; i-- > 0;) {
		char name[IFNAMSIZ];
		int r;

		if (i >= n->nports || n->ports[i].domid != domid)
			continue;
		strcpy(name, n->ports[i].name);
		if ((r = port_del(n, name, ending, first ? NULL : err)) < 0 && !first)
			first = r;
	}
	return first;
}

int sv_net_domain_sync(struct sv_net *n, int domid, const struct sv_net_vif *want,
		       size_t nwant, const char (*live)[IFNAMSIZ], size_t nlive,
		       struct sv_error *err)
{
	int first = 0, r;

	for (size_t i = n->nports; i-- > 0;) {
		bool keep = false;
		char name[IFNAMSIZ];

		if (i >= n->nports || n->ports[i].domid != domid)
			continue;
		for (size_t j = 0; j < nwant; j++)
			keep |= strcmp(want[j].name, n->ports[i].name) == 0;
		if (keep)
			continue;
		strcpy(name, n->ports[i].name);
		if ((r = port_del(n, name, !listed(live, nlive, name),
				  first ? NULL : err)) < 0 && !first)
			first = r;
	}
	for (size_t j = 0; j < nwant; j++)
		if ((r = sv_net_vif_add(n, &want[j], first ? NULL : err)) < 0 && !first)
			first = r;
	return first;
}

/* A NetLabel entry svirt made: an interface svirt does not hold now whose
 * label has a guest's peer type. */
static bool stale_entry(const struct sv_net *n, const struct sv_nlbl_entry *e,
			const char *peer_type)
{
	struct sv_context c;

	if (sv_net_port_find(n, e->iface))
		return false;
	return sv_context_parse(e->ctx, &c, NULL) == 0 &&
	       strcmp(c.type, peer_type) == 0;
}

static int remove_stale(struct sv_net *n, const char *peer_type,
			struct sv_error *err)
{
	struct sv_nlbl_list l = { .v = NULL };
	int r = sv_nlbl_list(n->nl, &l, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < l.n; i++)
		if (stale_entry(n, &l.v[i], peer_type)) {
			sv_log(n->log, LOG_INFO, "%s: removing a peer label no guest holds now",
			       l.v[i].iface);
			if ((r = sv_nlbl_remove(n->nl, &l.v[i], err)) < 0 && r != -ENOENT)
				break;
			r = 0;
		}
	sv_nlbl_list_clear(&l);
	return r;
}

int sv_net_rebuild(struct sv_net *n, const struct sv_net_vif *v, size_t nv,
		   struct sv_error *err)
{
	struct sv_secmark_guest *sg = NULL;
	struct sv_secmark_port *sp = NULL;
	_cleanup_free_ char *cmds = NULL;
	int r = 0;

	forget_all(n);
	if ((r = default_entries(n, err)) < 0)
		return r;
	for (size_t i = 0; i < nv && r == 0; i++) {
		struct sv_net_port *pv;
		bool created;
		size_t gi;

		if (sv_net_port_find(n, v[i].name))
			continue;
		if ((r = guest_get(n, &v[i], &gi, &created, err)) < 0)
			break;
		if (!(pv = reallocarray(n->ports, n->nports + 1, sizeof(*pv)))) {
			r = sv_fail(err, ENOMEM, "out of memory");
			break;
		}
		n->ports = pv;
		/* The rebuild puts every port in set unlabelled. */
		n->ports[n->nports] = (struct sv_net_port){ .domid = v[i].domid,
							    .guest = gi,
							    .unlabelled = true };
		strcpy(n->ports[n->nports++].name, v[i].name);
		n->guests[gi].nports++;
	}
	sg = calloc(n->nguests + 1, sizeof(*sg));
	sp = calloc(n->nports + 1, sizeof(*sp));
	if (r == 0 && (!sg || !sp))
		r = sv_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < n->nguests; i++)
		sg[i] = sm_guest(&n->guests[i]);
	for (size_t i = 0; r == 0 && i < n->nports; i++) {
		strcpy(sp[i].name, n->ports[i].name);
		sp[i].guest = n->ports[i].guest;
	}
	if (r == 0)
		r = sv_secmark_cmd_rebuild(&n->pol, sg, n->nguests, sp, n->nports,
					   &cmds, err);
	free(sg);
	free(sp);
	if (r == 0)
		r = sv_secmark_run(n->sm, cmds, err);
	for (size_t i = 0; r == 0 && i < n->nports; i++)
		r = sv_nlbl_label_iface(n->nl, n->ports[i].name,
					n->guests[n->ports[i].guest].peer, err);
	if (r == 0 && n->nports) {
		_cleanup_free_ const char **names = calloc(n->nports, sizeof(*names));
		_cleanup_free_ char *c = NULL;

		for (size_t i = 0; names && i < n->nports; i++)
			names[i] = n->ports[i].name;
		if (!names)
			r = sv_fail(err, ENOMEM, "out of memory");
		else if ((r = sv_secmark_cmd_unlabelled(false, names, n->nports, &c,
							 err)) == 0 &&
			 (r = sv_secmark_run(n->sm, c, err)) == 0)
			for (size_t i = 0; i < n->nports; i++)
				n->ports[i].unlabelled = false;
	}
	if (r < 0) {
		forget_all(n);
		return r;
	}
	return remove_stale(n, n->peer_type, err);
}

/* p's NetLabel entries written again, then its frames let through.  An
 * interface that is gone by then (a guest's tap deleted while svirtd acted
 * on its last link event, an HVM guest's emulated NIC unplugged) stays held
 * with its frames dropped, which for a gone interface means none: it is not
 * the guest's fault, and the guest is not refused for it.  Should an
 * interface of that name come back, its link event labels it; the guest's
 * end removes it. */
static int relabel_port(struct sv_net *n, struct sv_net_port *p,
			struct sv_error *err)
{
	const char *peer = n->guests[p->guest].peer;
	int r;

	if (!p->unlabelled && (r = set_unlabelled(n, p, true, err)) < 0)
		return r;
	if ((r = sv_nlbl_label_iface(n->nl, p->name, peer, err)) == -ENODEV) {
		sv_log(n->log, LOG_NOTICE, "%s: gone before its peer label was put "
		       "back: held with its frames dropped until it is back or its "
		       "guest ends", p->name);
		return 0;
	}
	if (r < 0)
		return sv_fail_prefix(err, -r, "%s: its peer label", p->name);
	if ((r = set_unlabelled(n, p, false, err)) < 0)
		return r;
	sv_log(n->log, LOG_NOTICE, "%s: peer label %s put back, its frames pass again",
	       p->name, peer);
	return 0;
}

int sv_net_link(struct sv_net *n, const char *name, bool up, struct sv_error *err)
{
	struct sv_net_port *p = port_get(n, name);
	int r;

	if (!p)
		return 0;
	if (up)
		return p->unlabelled ? relabel_port(n, p, err) : 0;
	if (p->unlabelled)
		return 0;
	if ((r = set_unlabelled(n, p, true, err)) < 0)
		return r;
	sv_log(n->log, LOG_NOTICE, "%s: link down, the kernel dropped its peer "
	       "label: its frames are dropped until it is back up and labelled", name);
	return 0;
}

int sv_net_relabel_all(struct sv_net *n, struct sv_error *err)
{
	int first = 0, r;

	for (size_t i = 0; i < n->nports; i++)
		if ((r = relabel_port(n, &n->ports[i], first ? NULL : err)) < 0 && !first)
			first = r;
	return first;
}
