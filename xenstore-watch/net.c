/* net.c: svirtd's network isolation: each domain's connected vifs, and the emulated
 * NICs (qemu's taps) of HVM guests, get its peer label and secmark (lib/net.c), at
 * start-up in one rebuild, then as vifs come and go and taps join and leave. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "labels.h"
#include "link.h"
#include "svirtd.h"
#include "vif.h"

/* The packet and peer labels of d, heap-allocated (the struct is 24 KiB). */
static int guest_labels(struct svirtd *s, const struct sv_domain *d,
			struct sv_guest_labels **out, struct sv_error *err)
{
	struct sv_guest_labels *l = malloc(sizeof(*l));
	int r;

	if (!l)
		return sv_fail(err, ENOMEM, "out of memory");
	if ((r = sv_guest_labels_build(&s->cfg.bases, d->pair, l, err)) < 0) {
		free(l);
		return r;
	}
	*out = l;
	return 0;
}

/* The connected vifs of d as lib/net.c wants them, appended to *want; with
 * live, the names of all its vifs in the backend tree, connected or not
 * (*nlive of them, at most SV_VIFS_MAX). */
static int wanted(struct svirtd *s, const struct sv_domain *d,
		  const struct sv_guest_labels *l, struct sv_net_vif **want,
		  size_t *n, char (*live)[IFNAMSIZ], size_t *nlive,
		  struct sv_error *err)
{
	struct sv_vifs vifs;
	int r = sv_discover_vifs(s->xs, d->domid, &vifs, err);

	if (r < 0)
		return r;
	for (size_t i = 0; live && i < vifs.n; i++)
		strcpy(live[i], vifs.v[i].name);
	if (live)
		*nlive = vifs.n;
	for (size_t i = 0; i < vifs.n; i++) {
		char ports[2][IFNAMSIZ];
		size_t np = sv_vif_ports(&vifs.v[i], NULL, ports);
		struct sv_net_vif *w;

		if (np == 0)
			continue;
		if (!(w = reallocarray(*want, *n + np, sizeof(*w))))
			return sv_fail(err, ENOMEM, "out of memory");
		*want = w;
		for (size_t j = 0; j < np; j++) {
			w[*n] = (struct sv_net_vif){ .domid = d->domid,
						     .pair = d->pair,
						     .packet = l->packet,
						     .peer = l->peer };
			strcpy(w[*n].name, ports[j]);
			(*n)++;
		}
	}
	return 0;
}

/* The "before" of a rebuild: no port labelled yet. */
static const struct svd_audit_ports no_ports = { .n = 0 };

static bool labelled_guest(const struct sv_domain *d)
{
	return d->domid != SV_DOMID_NONE && d->state != SV_STATE_ERROR;
}

int svd_net_start(struct svirtd *s)
{
	const struct sv_net_opts opts = {
		.pol = { .dom0 = !s->cfg.net.deny_dom0,
			 .outside = !s->cfg.net.deny_outside },
		.peer_type = s->cfg.bases.process.type,
		.default_peer = s->cfg.net.default_peer,
		.outside_packet = s->cfg.net.outside_packet,
	};
	const struct sv_net_policy pol = opts.pol;
	struct sv_guest_labels **labels = NULL;
	struct sv_net_vif *want = NULL;
	struct sv_error err;
	size_t n = 0;
	int r;

	if (s->cfg.net.off) {
		sv_log(&s->log, LOG_NOTICE, "network isolation is off (network = \"off\")");
		return 0;
	}
	/* Without them bridged IP between guests would pass unchecked: no
	 * labelling rather than labels that promise what does not hold. */
	if ((r = sv_net_bridge_setup(NULL, &err)) < 0) {
		sv_log(&s->log, LOG_ERR, "network isolation: br_netfilter cannot "
		       "hand bridged IP to SELinux: %s (set network = \"off\" in "
		       "the config to run without isolation)", err.msg);
		return r;
	}
	sv_log(&s->log, LOG_INFO, "br_netfilter hands bridged IPv4 and IPv6, "
	       "VLAN-tagged and PPPoE ones too, to SELinux's checks");
	if ((r = sv_net_open(&s->net, &opts, &s->log, &err)) < 0) {
		sv_log(&s->log, LOG_ERR, "network isolation: %s (set network = "
		       "\"off\" in the config to run without it)", err.msg);
		return r;
	}
	s->net_on = true;
	/* Subscribed before the rebuild, so no link change after it is missed. */
	if ((r = sv_link_open(&s->link_fd, &err)) < 0) {
		sv_log(&s->log, LOG_ERR, "network isolation: %s", err.msg);
		return r;
	}
	labels = calloc(s->doms.n + 1, sizeof(*labels));
	if (!labels)
		return -ENOMEM;
	for (size_t i = 0; i < s->doms.n; i++) {
		struct sv_domain *d = s->doms.v[i];

		if (!labelled_guest(d))
			continue;
		if ((r = guest_labels(s, d, &labels[i], &err)) < 0 ||
		    (r = wanted(s, d, labels[i], &want, &n, NULL, NULL,
				 &err)) < 0) {
			sv_domain_fail(&s->doms, d, -r, err.msg);
			svd_publish(s, d);
		}
	}
	r = sv_net_rebuild(&s->net, want, n, &err);
	/* Every vif labelled again from nothing: a record each, as at hotplug. */
	for (size_t i = 0; r == 0 && i < s->doms.n; i++)
		if (labelled_guest(s->doms.v[i]))
			svd_audit_ports(s, s->doms.v[i], &no_ports);
	if (r < 0)
		sv_log(&s->log, LOG_ERR, "network isolation: rebuilding failed: %s%s",
		       err.msg, opts.default_peer[0] ? " (network_default_peer = \"\" "
		       "in the config installs no default entries)" : "");
	else
		sv_log(&s->log, LOG_NOTICE, "network isolation: %zu vifs labelled, "
		       "non-IP frames between guests of different pairs dropped, "
		       "guests to dom0 %s, to the outside %s (labelled %s), other "
		       "traffic's peer label %s", n, pol.dom0 ? "allowed" : "denied",
		       pol.outside ? "allowed" : "denied", opts.outside_packet,
		       opts.default_peer[0] ? opts.default_peer : "left to dom0");
	for (size_t i = 0; i < s->doms.n; i++)
		free(labels[i]);
	free(labels);
	free(want);
	return r;
}

void svd_net_stop(struct svirtd *s)
{
	if (s->net_on)
		sv_net_close(&s->net);
	s->net_on = false;
	if (s->link_fd >= 0)
		close(s->link_fd);
	s->link_fd = -1;
}

/* An emulated NIC comes and goes with qemu, not with the backend tree: a
 * link event for one is its guest's cue to be looked at again.  The name
 * is vifD.N-emu (a held one's guest is known whatever its name); which
 * ports domain D has is then read from its backend tree only, so a tap
 * named for a guest whose vif N has another name, or that has no vif N,
 * gets nothing. */
static void emu_link(struct svirtd *s, const struct sv_link_event *ev)
{
	size_t nl = strlen(ev->name), sl = strlen(SV_VIF_EMU_SUFFIX);
	const struct sv_net_port *p;
	struct sv_domain *d;
	unsigned devid;
	int domid;
	bool emu;

	if (nl < sl || strcmp(ev->name + nl - sl, SV_VIF_EMU_SUFFIX) != 0)
		return;
	if ((p = sv_net_port_find(&s->net, ev->name)))
		domid = p->domid;
	else if (sv_vif_name_parse(ev->name, &domid, &devid, &emu, NULL) < 0 ||
		 !emu)
		return;
	if (!(d = sv_domains_by_domid(&s->doms, domid)) || !labelled_guest(d))
		return;
	if (svd_net_refresh(s, d) < 0)
		svd_publish(s, d);
	else if (!p && sv_net_port_find(&s->net, ev->name))
		sv_log_dom(&s->log, LOG_INFO, d->domid, d->name,
			   "emulated NIC %s labelled", ev->name);
	else if (p && !sv_net_port_find(&s->net, ev->name))
		sv_log_dom(&s->log, LOG_INFO, d->domid, d->name,
			   "emulated NIC %s gone, its labels removed", ev->name);
}

static int on_link(void *arg, const struct sv_link_event *ev)
{
	struct svirtd *s = arg;
	struct sv_error err;

	if (!ev->gone && sv_net_link(&s->net, ev->name, ev->up, &err) < 0)
		sv_log(&s->log, LOG_ERR, "%s: link %s: %s (its frames stay dropped)",
		       ev->name, ev->up ? "up" : "down", err.msg);
	emu_link(s, ev);
	return 0;
}

void svd_net_link(struct svirtd *s)
{
	struct sv_error err;
	int r;

	if (!s->net_on || s->link_fd < 0)
		return;
	r = sv_link_read(s->link_fd, on_link, s, &err);
	if (r == -ENOBUFS) {
		sv_log(&s->log, LOG_WARNING, "link events were lost: every vif's "
		       "peer label written again");
		if (sv_net_relabel_all(&s->net, &err) < 0)
			sv_log(&s->log, LOG_ERR, "writing the peer labels again: %s",
			       err.msg);
	} else if (r < 0) {
		sv_log(&s->log, LOG_ERR, "%s", err.msg);
	}
}

/* issue 17 item 4: a guest in guest_network_off has no vif at all.  One
 * that has one is refused (state error: svirt-xl and the interposer stop,
 * vif-svirt fails the hotplug) and its vifs get no label, so with network
 * isolation on their frames are dropped as any unlabelled port's.  Whether
 * svirtd labels networks at all does not matter. */
static int network_off(struct svirtd *s, struct sv_domain *d,
		       struct sv_error *err)
{
	struct sv_guest_opts o;
	struct sv_vifs vifs;
	char why[SV_REASON_MAX];
	int r;

	if (d->domid == SV_DOMID_NONE)
		return 0;
	if ((r = sv_config_guest_opts(&s->cfg, d->uuid, d->name, &o, err)) < 0)
		return r;
	if (!o.network_off)
		return 0;
	if ((r = sv_discover_vifs(s->xs, d->domid, &vifs, err)) < 0)
		return r;
	if (vifs.n == 0)
		return 0;
	snprintf(why, sizeof(why), "guest_network_off: it has vif %u, and a "
		 "guest without network may have none", vifs.v[0].devid);
	if (d->state != SV_STATE_ERROR)
		sv_domain_fail(&s->doms, d, EACCES, why);
	return sv_fail(err, EIO, "%s", why);
}

int svd_net_refresh(struct svirtd *s, struct sv_domain *d)
{
	struct sv_guest_labels *l = NULL;
	struct sv_net_vif *want = NULL;
	char live[SV_VIFS_MAX][IFNAMSIZ];
	struct svd_audit_ports before;
	struct sv_error err;
	size_t n = 0, nlive = 0;
	int r;

	if (labelled_guest(d) && (r = network_off(s, d, &err)) < 0) {
		if (d->state != SV_STATE_ERROR)
			sv_domain_fail(&s->doms, d, -r, err.msg);
		return r;
	}
	if (!s->net_on || !labelled_guest(d))
		return 0;
	svd_audit_ports_of(s, d->domid, &before);
	if ((r = guest_labels(s, d, &l, &err)) == 0 &&
	    (r = wanted(s, d, l, &want, &n, live, &nlive, &err)) == 0)
		r = sv_net_domain_sync(&s->net, d->domid, want, n,
				       (const char (*)[IFNAMSIZ])live, nlive, &err);
	svd_audit_ports(s, d, &before);
	if (r < 0)
		sv_domain_fail(&s->doms, d, -r, err.msg);
	free(want);
	free(l);
	return r;
}

void svd_net_release(struct svirtd *s, struct sv_domain *d, bool ending)
{
	struct svd_audit_ports before;
	struct sv_error err;

	svd_audit_ports_of(s, d->domid, &before);
	if (s->net_on && d->domid != SV_DOMID_NONE &&
	    sv_net_domain_del(&s->net, d->domid, ending, &err) < 0)
		sv_log_dom(&s->log, LOG_ERR, d->domid, d->name,
			   "removing its network labels: %s", err.msg);
	svd_audit_ports(s, d, &before);
}

int svd_net_vif(struct svirtd *s, struct sv_domain *d, unsigned devid,
		struct sv_error *err)
{
	struct sv_vifs vifs;
	int r;

	if ((r = network_off(s, d, err)) < 0)
		return r;
	if (!s->net_on)
		return 0;
	if ((r = sv_discover_vifs(s->xs, d->domid, &vifs, err)) < 0)
		return r;
	for (size_t i = 0; i < vifs.n; i++) {
		const struct sv_vif *v = &vifs.v[i];
		char ports[2][IFNAMSIZ];
		size_t np;

		if (v->devid != devid)
			continue;
		/* The hotplug script of an HVM guest's tap runs (and asks)
		 * before the vif's: then the tap is what must carry labels. */
		if ((np = sv_vif_ports(v, NULL, ports)) == 0)
			return sv_fail(err, EAGAIN, "vif %u of domain %d is not "
				       "connected yet", devid, d->domid);
		if ((r = svd_net_refresh(s, d)) < 0) {
			snprintf(err->msg, sizeof(err->msg), "%s", d->reason);
			return r;
		}
		if (d->state == SV_STATE_ERROR)
			return sv_fail(err, EIO, "%s", d->reason);
		for (size_t j = 0; j < np; j++) {
			const char *kind = strcmp(ports[j], v->emu) == 0 ?
					   "emulated NIC" : "vif";

			if (!sv_net_port_find(&s->net, ports[j]))
				return sv_fail(err, EIO, "%s %s is not labelled",
					       kind, ports[j]);
			sv_log_dom(&s->log, LOG_INFO, d->domid, d->name,
				   "%s %s labelled (VIF request)", kind, ports[j]);
		}
		return 0;
	}
	return sv_fail(err, ENOENT, "domain %d has no vif %u", d->domid, devid);
}
