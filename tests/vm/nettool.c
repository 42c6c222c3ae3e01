/* nettool.c: drives lib/net.c (NetLabel + secmark) line by line for the SELinux host,
 * which has no Xen to run svirtd: the vif lifecycle svirtd performs, one command a line. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frame_io.h"
#include "labels.h"
#include "link.h"
#include "net.h"
#include "vif.h"

/*
 * Commands (stdin), each answered by one line "ok" or "err <message>":
 *   open [dom0=allow|deny] [outside=allow|deny] [default=CTX|default=none]
 *                                                 NetLabel, nft, br_netfilter; the
 *                                                 default peer label (svirtd's
 *                                                 built-in one unless given)
 *   rebuild                                       the tables, empty
 *   add <port> <domid> <cA,cB>                    label a vif as that guest
 *   vif <domid> <devid> <cA,cB> connected|unconnected [vifname=NAME]
 *                                                 what svirtd does for a guest
 *                                                 with that one backend vif
 *                                                 (lib/vif.c's sv_vif_parse and
 *                                                 sv_vif_ports: the vif once
 *                                                 connected, its emulated NIC
 *                                                 NAME-emu once it exists), the
 *                                                 guest's ports synced to those
 *   del <port>                                    unplug
 *   release <domid>                               the guest died: its vifs are set
 *                                                 down, then their labels removed
 *   unbind <domid>                                its labels removed, its vifs left
 *                                                 up (a stub bound as a guest)
 *   list                                          NetLabel's entries, one
 *                                                 "entry IFACE FAMILY CTX" line each,
 *                                                 IFACE "DEFAULT" for default ones
 *   watch                                         subscribe to link events
 *   links                                         act on the link events queued
 *                                                 (svirtd's loop does it as they come)
 *
 * Or, from the command line (in a guest's namespace), frame_io.h's send and recv.
 */
static int cmd_add(struct sv_net *n, struct sv_bases *b, char *args,
		   struct sv_error *err)
{
	char port[IFNAMSIZ], pairs[32];
	struct sv_guest_labels *l;
	struct sv_net_vif v = { .domid = 0 };
	int r;

	if (sscanf(args, "%15s %d %31s", port, &v.domid, pairs) != 3)
		return sv_fail(err, EINVAL, "usage: add PORT DOMID cA,cB");
	if (sv_pair_parse(pairs, &v.pair, err) < 0)
		return -EINVAL;
	if (!(l = malloc(sizeof(*l))))
		return -ENOMEM;
	if ((r = sv_guest_labels_build(b, v.pair, l, err)) == 0) {
		memcpy(v.name, port, sizeof(v.name));
		v.packet = l->packet;
		v.peer = l->peer;
		r = sv_net_vif_add(n, &v, err);
	}
	free(l);
	return r;
}

static int cmd_vif(struct sv_net *n, struct sv_bases *b, const char *args,
		   struct sv_error *err)
{
	char pairs[32], status[16], name[IFNAMSIZ + 8] = "", ports[2][IFNAMSIZ];
	struct sv_net_vif want[2];
	struct sv_guest_labels *l;
	struct sv_pair pair;
	struct sv_vif v;
	unsigned devid;
	size_t np;
	int domid, r, got;

	got = sscanf(args, "%d %u %31s %15s vifname=%22s", &domid, &devid, pairs,
		     status, name);
	if (got < 4 || (strcmp(status, "connected") != 0 &&
			strcmp(status, "unconnected") != 0))
		return sv_fail(err, EINVAL, "usage: vif DOMID DEVID cA,cB "
			       "connected|unconnected [vifname=NAME]");
	if (sv_pair_parse(pairs, &pair, err) < 0)
		return -EINVAL;
	if ((r = sv_vif_parse(domid, devid, got == 5 ? name : NULL, status, NULL,
			      &v, err)) < 0)
		return r;
	np = sv_vif_ports(&v, NULL, ports);
	if (!(l = malloc(sizeof(*l))))
		return -ENOMEM;
	if ((r = sv_guest_labels_build(b, pair, l, err)) == 0) {
		for (size_t i = 0; i < np; i++) {
			want[i] = (struct sv_net_vif){ .domid = domid, .pair = pair,
						       .packet = l->packet,
						       .peer = l->peer };
			memcpy(want[i].name, ports[i], sizeof(want[i].name));
		}
		/* The backend tree has this one vif, connected or not. */
		r = sv_net_domain_sync(n, domid, want, np,
				       (const char (*)[IFNAMSIZ])&v.name, 1, err);
	}
	free(l);
	return r;
}

/* open's arguments: what is denied, and default=CTX or default=none. */
static int cmd_open(struct sv_net *n, const struct sv_bases *b, const char *args,
		    const struct sv_log *log, struct sv_error *err)
{
	char def[SV_CONTEXT_MAX] = "";
	const char *d = strstr(args, "default=");
	struct sv_net_opts o = {
		.pol = { .dom0 = !strstr(args, "dom0=deny"),
			 .outside = !strstr(args, "outside=deny") },
		.peer_type = b->process.type,
		.default_peer = SV_DEFAULT_NET_PEER,
		.outside_packet = SV_DEFAULT_NET_OUTSIDE_PACKET,
	};
	int r;

	if (d) {
		d += strlen("default=");
		snprintf(def, sizeof(def), "%.*s", (int)strcspn(d, " "), d);
		o.default_peer = strcmp(def, "none") == 0 ? "" : def;
	}
	if ((r = sv_net_bridge_setup(NULL, err)) < 0)
		return r;
	return sv_net_open(n, &o, log, err);
}

static int cmd_list(struct sv_net *n, struct sv_error *err)
{
	struct sv_nlbl_list l = { .v = NULL }, dl = { .v = NULL };
	int r;

	if ((r = sv_nlbl_list(n->nl, &l, err)) == 0 &&
	    (r = sv_nlbl_list_default(n->nl, &dl, err)) == 0)
		for (size_t k = 0; k < 2; k++) {
			const struct sv_nlbl_list *p = k ? &dl : &l;

			for (size_t i = 0; i < p->n; i++)
				printf("entry %s %s %s\n", sv_nlbl_iface_name(&p->v[i]),
				       p->v[i].family == AF_INET ? "ipv4" : "ipv6",
				       p->v[i].ctx);
		}
	sv_nlbl_list_clear(&l);
	sv_nlbl_list_clear(&dl);
	return r;
}

struct links {
	struct sv_net *net;
	int seen;
};

static int on_link(void *arg, const struct sv_link_event *ev)
{
	struct links *l = arg;
	struct sv_error err;

	l->seen++;
	if (!ev->gone && sv_net_link(l->net, ev->name, ev->up, &err) < 0)
		fprintf(stderr, "%s: %s\n", ev->name, err.msg);
	return 0;
}

/* What svirtd's loop does with link events, on demand. */
static int cmd_links(struct sv_net *n, int fd, struct sv_error *err)
{
	struct links l = { .net = n };
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	if (fd < 0)
		return sv_fail(err, EINVAL, "watch first");
	while (poll(&p, 1, 200) > 0)
		if ((r = sv_link_read(fd, on_link, &l, err)) == -ENOBUFS)
			r = sv_net_relabel_all(n, err);
		else if (r < 0)
			return r;
	return 0;
}

int main(int argc, char **argv)
{
	int link_fd = -1;
	struct sv_log log;
	struct sv_net net = { .log = NULL };
	struct sv_bases bases;
	char line[256];
	bool open = false;

	if (argc > 1)
		return sv_frame_main("svirt-nettool", argc, argv);
	sv_log_open(&log, "svirt-nettool", true, LOG_INFO);
	if (sv_bases_defaults(&bases) < 0)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		struct sv_error err = { .msg = "" };
		char *args = line + strcspn(line, " \n");
		int r = 0;

		if (*args == ' ')
			*args++ = '\0';
		line[strcspn(line, "\n")] = '\0';
		args[strcspn(args, "\n")] = '\0';
		if (strcmp(line, "open") == 0 && !open) {
			r = cmd_open(&net, &bases, args, &log, &err);
			open = r == 0;
		} else if (!open) {
			r = sv_fail(&err, EINVAL, "open first");
		} else if (strcmp(line, "rebuild") == 0) {
			r = sv_net_rebuild(&net, NULL, 0, &err);
		} else if (strcmp(line, "add") == 0) {
			r = cmd_add(&net, &bases, args, &err);
		} else if (strcmp(line, "vif") == 0) {
			r = cmd_vif(&net, &bases, args, &err);
		} else if (strcmp(line, "del") == 0) {
			r = sv_net_vif_del(&net, args, &err);
		} else if (strcmp(line, "list") == 0) {
			r = cmd_list(&net, &err);
		} else if (strcmp(line, "watch") == 0) {
			r = link_fd >= 0 ? 0 : sv_link_open(&link_fd, &err);
		} else if (strcmp(line, "links") == 0) {
			r = cmd_links(&net, link_fd, &err);
		} else if (strcmp(line, "release") == 0) {
			r = sv_net_domain_del(&net, atoi(args), true, &err);
		} else if (strcmp(line, "unbind") == 0) {
			r = sv_net_domain_del(&net, atoi(args), false, &err);
		} else {
			r = sv_fail(&err, EINVAL, "unknown command \"%s\"", line);
		}
		if (r < 0)
			printf("err %s\n", err.msg[0] ? err.msg : strerror(-r));
		else
			printf("ok\n");
	}
	if (open)
		sv_net_close(&net);
	return 0;
}
