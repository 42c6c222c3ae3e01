/* show.c: svirt-xl show GUEST: one guest's row from list, its objects'
 * labels read now, its bridge ports as NetLabel and svirtd's nftables table
 * see them, and the dom0 processes serving it. */
#include "svirt-xl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <xenstore.h>

#include "netlabel.h"
#include "secmark.h"
#include "vif.h"
#include "xl_show.h"

static void nlbl_text(const struct sv_nlbl_entry *e, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	unsigned bits = 0;
	size_t len = e->family == AF_INET ? 4 : 16;

	inet_ntop(e->family, e->addr, addr, sizeof(addr));
	for (size_t i = 0; i < len; i++)
		bits += (unsigned)__builtin_popcount(e->mask[i]);
	snprintf(buf, size, "%s/%u %s", addr, bits, e->ctx);
}

/* The NetLabel entries and nftables elements of each port. */
static void port_labels(struct sv_xl_show *s)
{
	struct sv_nlbl_list list = { .n = 0 };
	struct sv_error err = { .msg = "" };
	struct sv_secmark *nft = NULL;
	struct sv_nlbl *nl = NULL;
	int nlr, nftr;

	if (s->nports == 0)
		return;
	nlr = sv_nlbl_open(&nl, &err);
	if (nlr == 0)
		nlr = sv_nlbl_list(nl, &list, &err);
	for (size_t i = 0; nlr < 0 && i < s->nports; i++)
		snprintf(s->ports[i].error, sizeof(s->ports[i].error),
			 "NetLabel: %s", err.msg);
	nftr = sv_secmark_open(&nft, &err);
	for (size_t i = 0; i < s->nports; i++) {
		struct sv_xl_port *p = &s->ports[i];

		if (!p->present || p->error[0])
			continue;
		for (size_t j = 0; j < list.n; j++)
			if (strcmp(list.v[j].iface, p->name) == 0 &&
			    p->nnlbl < SV_XL_SHOW_NLBL_MAX)
				nlbl_text(&list.v[j], p->nlbl[p->nnlbl++],
					  sizeof(p->nlbl[0]));
		if (nftr < 0 ||
		    sv_secmark_port_state(nft, p->name, p->map_obj,
					  sizeof(p->map_obj), &p->blocked, &err) < 0)
			snprintf(p->error, sizeof(p->error), "%s", err.msg);
	}
	sv_secmark_close(nft);
	sv_nlbl_list_clear(&list);
	sv_nlbl_close(nl);
}

static bool iface_exists(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return access(path, F_OK) == 0;
}

/* The guest's ports, from dom0's vif backend tree as svirtd reads it. */
static void ports(struct sv_xl_show *s)
{
	struct sv_error err = { .msg = "" };
	struct xs_handle *xs;
	struct sv_vifs *vifs;

	if (s->d->domid <= 0)
		return;
	if (!(vifs = calloc(1, sizeof(*vifs)))) {
		snprintf(s->ports_error, sizeof(s->ports_error), "out of memory");
		return;
	}
	if (!(xs = xs_open(XS_OPEN_READONLY))) {
		snprintf(s->ports_error, sizeof(s->ports_error),
			 "cannot open xenstore: %s", strerror(errno));
	} else if (sv_discover_vifs(xs, s->d->domid, vifs, &err) < 0) {
		snprintf(s->ports_error, sizeof(s->ports_error), "%s", err.msg);
	} else {
		for (size_t i = 0; i < vifs->n; i++) {
			const char *names[2] = { vifs->v[i].name, vifs->v[i].emu };

			for (size_t j = 0; j < 2; j++) {
				struct sv_xl_port *p;

				/* The emulated NIC only where there is one. */
				if (!names[j][0] || (j == 1 && !iface_exists(names[j])))
					continue;
				if (!(p = sv_xl_show_add_port(s, names[j]))) {
					snprintf(s->ports_error, sizeof(s->ports_error),
						 "out of memory");
					break;
				}
				p->present = iface_exists(names[j]);
			}
		}
	}
	if (xs)
		xs_close(xs);
	free(vifs);
	port_labels(s);
}

int sv_xl_parse_show(int argc, char **argv, struct sv_xl_args *a)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			a->json = true;
		} else if (argv[i][0] == '-' || a->file) {
			fprintf(stderr, "svirt-xl show: unexpected argument \"%s\"\n",
				argv[i]);
			return -1;
		} else {
			a->file = argv[i];
		}
	}
	if (!a->file) {
		fputs("svirt-xl show: name a guest (name, uuid or domid)\n", stderr);
		return -1;
	}
	return 0;
}

int sv_xl_cmd_show(struct sv_xl *x, const struct sv_xl_args *a)
{
	_cleanup_(sv_xl_report_clear) struct sv_xl_report r = { .n = 0 };
	struct sv_error err = { .msg = "" };
	struct sv_xl_show s = { .d = NULL };
	const char *key = a->file;
	bool json = a->json;
	size_t bad;
	int ret;

	ret = sv_xl_gather(x, &r);
	if (ret == -ENOMEM) {
		fputs("svirt-xl: out of memory\n", stderr);
		return 1;
	}
	if (!(s.d = sv_xl_report_find(&r, key, &err))) {
		fprintf(stderr, "svirt-xl show: %s\n", err.msg);
		return 1;
	}
	s.flask = r.flask;
	if (sv_xl_show_labels(&s, sv_xl_read_label, NULL) < 0) {
		fputs("svirt-xl: out of memory\n", stderr);
		sv_xl_show_clear(&s);
		return 1;
	}
	ports(&s);
	(void)sv_xl_show_scan_dms(&s, "/proc");
	if (json)
		sv_xl_show_json(stdout, &s);
	else
		sv_xl_show_text(stdout, &s);
	bad = sv_xl_show_problems(&s);
	sv_xl_show_clear(&s);
	if (!json && bad)
		printf("svirt-xl show: %zu problem(s)\n", bad);
	return ret < 0 || bad || fflush(stdout) != 0 ? 1 : 0;
}
