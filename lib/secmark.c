/* secmark.c: svirtd's nftables table, written as nft commands and run through
 * libnftables, one transaction per change; no other table is ever named. */
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlabel.h"
#include "secmark.h"

/* A growing command text. */
struct text {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void _printf_(2, 3) put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL,
			      t->buf ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->oom = true;
			return;
		}
		if (t->buf && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap ? t->cap : 256;

		while (cap <= t->len + (size_t)n)
			cap *= 2;
		char *b = realloc(t->buf, cap);

		if (!b) {
			t->oom = true;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
}

static int finish(struct text *t, char **out, struct sv_error *err)
{
	if (t->oom || !t->buf) {
		free(t->buf);
		return sv_fail(err, ENOMEM, "nft: out of memory");
	}
	*out = t->buf;
	return 0;
}

int sv_secmark_obj_name(struct sv_pair pair, char *buf, size_t size)
{
	int n = snprintf(buf, size, "svirt_c%u_c%u", pair.a, pair.b);

	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

/* An object name svirt made: "svirt_c" digits "_c" digits. */
static bool obj_valid(const char *s)
{
	unsigned a, b;
	int end = -1;

	if (strnlen(s, SV_SECMARK_OBJ_MAX) >= SV_SECMARK_OBJ_MAX)
		return false;
	if (sscanf(s, "svirt_c%u_c%u%n", &a, &b, &end) != 2 || end < 0 ||
	    s[end] != '\0')
		return false;
	for (const char *c = s + 7; *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '_' || *c == 'c'))
			return false;
	return true;
}

/* An object's context, before it goes into the text between quotes. */
static int check_ctx(const char *obj, const char *ctx, struct sv_error *err)
{
	int r;

	if (!ctx || !ctx[0])
		return sv_fail(err, EINVAL, "nft: object %s has no context", obj);
	r = sv_net_context_check(ctx, strnlen(ctx, SV_CONTEXT_MAX), err);
	if (r < 0)
		return sv_fail_prefix(err, -r, "nft: object %s", obj);
	/* The quoted context must not end the nft string early. */
	if (strpbrk(ctx, "\"\\;{}# \t\n"))
		return sv_fail(err, EINVAL, "nft: context of %s holds a character "
			       "nft would interpret", obj);
	return 0;
}

static int check_guest(const struct sv_secmark_guest *g, struct sv_error *err)
{
	char q[SV_QUOTE_BUF];

	if (!obj_valid(g->obj))
		return sv_fail(err, EINVAL, "nft: object name \"%s\" is not svirt's",
			       sv_quote(q, sizeof(q), g->obj,
					strnlen(g->obj, SV_SECMARK_OBJ_MAX)));
	return check_ctx(g->obj, g->ctx, err);
}

static int check_port(const char *port, struct sv_error *err)
{
	char q[SV_QUOTE_BUF];

	if (!sv_ifname_valid(port))
		return sv_fail(err, EINVAL, "nft: port name \"%s\" is not valid",
			       sv_quote(q, sizeof(q), port, strnlen(port, 64)));
	return 0;
}

static void put_object(struct text *t, const struct sv_secmark_guest *g)
{
	put(t, "add secmark bridge " SV_NFT_TABLE " %s { context \"%s\" ; }\n",
	    g->obj, g->ctx);
}

int sv_secmark_cmd_rebuild(const struct sv_net_policy *pol,
			   const struct sv_secmark_guest *g, size_t ng,
			   const struct sv_secmark_port *p, size_t np,
			   char **out, struct sv_error *err)
{
	struct text t = { .buf = NULL };
	bool outside = pol->outside_packet[0] != '\0';
	int r;

	/* Without it a guest's frames for the outside would keep the guest's
	 * own label, which the policy grants whatever svirt_xen_unlabeled_network
	 * says (its pair's other vifs need it). */
	if (ng && !outside)
		return sv_fail(err, EINVAL, "nft: no label for guests' frames to the "
			       "outside (network_outside_packet)");
	if (outside && (r = check_ctx(SV_SECMARK_OUTSIDE_OBJ, pol->outside_packet, err)) < 0)
		return r;
	for (size_t i = 0; i < ng; i++)
		if ((r = check_guest(&g[i], err)) < 0)
			return r;
	for (size_t i = 0; i < np; i++) {
		if ((r = check_port(p[i].name, err)) < 0)
			return r;
		if (p[i].guest >= ng)
			return sv_fail(err, EINVAL, "nft: port %s names no guest",
				       p[i].name);
	}
	/* add-then-delete empties a table whether or not it was there: the
	 * batch replaces svirt's own table atomically and nothing else (and
	 * removes table inet svirt, where older versions kept a connection's
	 * label). */
	put(&t, "add table bridge " SV_NFT_TABLE "\n"
		"delete table bridge " SV_NFT_TABLE "\n"
		"add table inet " SV_NFT_TABLE "\n"
		"delete table inet " SV_NFT_TABLE "\n"
		"add table bridge " SV_NFT_TABLE "\n"
		"add set bridge " SV_NFT_TABLE " ports { type ifname ; }\n"
		"add set bridge " SV_NFT_TABLE
		" same_pair { type ifname . ifname ; }\n"
		"add set bridge " SV_NFT_TABLE " unlabelled { type ifname ; }\n"
		"add map bridge " SV_NFT_TABLE
		" port_secmark { type ifname : secmark ; }\n");
	if (outside)
		put(&t, "add secmark bridge " SV_NFT_TABLE " " SV_SECMARK_OUTSIDE_OBJ
			" { context \"%s\" ; }\n", pol->outside_packet);
	for (size_t i = 0; i < ng; i++)
		put_object(&t, &g[i]);
	for (size_t i = 0; i < np; i++)
		put(&t, "add element bridge " SV_NFT_TABLE " ports { \"%s\" }\n"
			"add element bridge " SV_NFT_TABLE
			" port_secmark { \"%s\" : \"%s\" }\n",
		    p[i].name, p[i].name, g[p[i].guest].obj);
	/* Every port starts unlabelled: svirtd takes it out once its NetLabel
	 * entries are in place (sv_secmark_cmd_unlabelled). */
	for (size_t i = 0; i < np; i++)
		put(&t, "add element bridge " SV_NFT_TABLE " unlabelled { \"%s\" }\n",
		    p[i].name);
	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < np; j++)
			if (i != j && strcmp(g[p[i].guest].obj, g[p[j].guest].obj) == 0)
				put(&t, "add element bridge " SV_NFT_TABLE
				    " same_pair { \"%s\" . \"%s\" }\n",
				    p[i].name, p[j].name);
	/* Bridged frames: labelled by the port they leave by, so a frame bound
	 * for guest B carries B's label and the sender's peer label must
	 * dominate it; a guest's frame for a port of no guest (the outside)
	 * gets the outside's label, which the policy grants guests only while
	 * svirt_xen_unlabeled_network is on.  Before br_netfilter (priority
	 * -1) hands them to the IP hooks, where SELinux checks them. */
	put(&t, "add chain bridge " SV_NFT_TABLE
		" forward { type filter hook forward priority -200 ; policy accept ; }\n");
	/* A guest's port whose NetLabel entries are not (or no longer: the
	 * kernel drops them when the link goes down) in place: its frames
	 * would carry the peer label of no guest. */
	put(&t, "add rule bridge " SV_NFT_TABLE " forward iifname @unlabelled drop\n");
	/* br_netfilter hands the IP hooks, where SELinux checks forwarded
	 * packets, only IPv4 and IPv6 (tagged ones only with its knobs set);
	 * everything else (VLAN and 802.1ad tags, PPPoE, ARP, any other
	 * ethertype) between the ports of two guests of different pairs is
	 * dropped here.  ether type sees a tag the driver took off. */
	put(&t, "add rule bridge " SV_NFT_TABLE " forward iifname @ports "
		"oifname @ports iifname . oifname != @same_pair "
		"ether type != { ip, ip6 } drop\n");
	put(&t, "add rule bridge " SV_NFT_TABLE
		" forward meta secmark set oifname map @port_secmark\n");
	if (outside)
		put(&t, "add rule bridge " SV_NFT_TABLE " forward iifname @ports "
			"oifname != @ports meta secmark set \"" SV_SECMARK_OUTSIDE_OBJ "\"\n");
	if (!pol->outside)
		put(&t, "add rule bridge " SV_NFT_TABLE
			" forward iifname @ports oifname != @ports drop\n"
			"add rule bridge " SV_NFT_TABLE
			" forward iifname != @ports oifname @ports drop\n");
	put(&t, "add chain bridge " SV_NFT_TABLE
		" input { type filter hook input priority -200 ; policy accept ; }\n"
		"add chain bridge " SV_NFT_TABLE
		" output { type filter hook output priority -200 ; policy accept ; }\n");
	put(&t, "add rule bridge " SV_NFT_TABLE " input iifname @unlabelled drop\n");
	if (!pol->dom0)
		put(&t, "add rule bridge " SV_NFT_TABLE " input iifname @ports drop\n"
			"add rule bridge " SV_NFT_TABLE " output oifname @ports drop\n");
	/* No label is kept on the connection and given back to its other
	 * packets: each frame's ports label it, and a label restored from the
	 * connection would let a frame for guest A carry the label of the
	 * outside, or of another pair, that the connection began with. */
	return finish(&t, out, err);
}

int sv_secmark_cmd_port_add(const struct sv_secmark_guest *g, bool new_guest,
			    const char *port, char **out, struct sv_error *err)
{
	struct text t = { .buf = NULL };
	int r;

	if ((r = check_guest(g, err)) < 0 || (r = check_port(port, err)) < 0)
		return r;
	if (new_guest)
		put_object(&t, g);
	put(&t, "add element bridge " SV_NFT_TABLE " ports { \"%s\" }\n"
		"add element bridge " SV_NFT_TABLE " port_secmark { \"%s\" : \"%s\" }\n",
	    port, port, g->obj);
	return finish(&t, out, err);
}

int sv_secmark_cmd_port_del(const struct sv_secmark_guest *g, bool last,
			    const char *port, char **out, struct sv_error *err)
{
	struct text t = { .buf = NULL };
	int r;

	if ((r = check_guest(g, err)) < 0 || (r = check_port(port, err)) < 0)
		return r;
	put(&t, "delete element bridge " SV_NFT_TABLE " port_secmark { \"%s\" }\n"
		"delete element bridge " SV_NFT_TABLE " ports { \"%s\" }\n",
	    port, port);
	if (last)
		put(&t, "delete secmark bridge " SV_NFT_TABLE " %s\n", g->obj);
	return finish(&t, out, err);
}

int sv_secmark_cmd_same_pair(bool add, const char *port,
			     const char *const *peers, size_t n, char **out,
			     struct sv_error *err)
{
	const char *verb = add ? "add" : "delete";
	struct text t = { .buf = NULL };
	int r;

	if ((r = check_port(port, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if ((r = check_port(peers[i], err)) < 0)
			return r;
	for (size_t i = 0; i < n; i++)
		put(&t, "%s element bridge " SV_NFT_TABLE " same_pair { \"%s\" . \"%s\" }\n"
			"%s element bridge " SV_NFT_TABLE " same_pair { \"%s\" . \"%s\" }\n",
		    verb, port, peers[i], verb, peers[i], port);
	if (n == 0)	/* an empty text is no command: touch the table alone */
		put(&t, "add table bridge " SV_NFT_TABLE "\n");
	return finish(&t, out, err);
}

int sv_secmark_cmd_unlabelled(bool add, const char *const *ports, size_t n,
			      char **out, struct sv_error *err)
{
	struct text t = { .buf = NULL };
	int r;

	for (size_t i = 0; i < n; i++)
		if ((r = check_port(ports[i], err)) < 0)
			return r;
	for (size_t i = 0; i < n; i++)
		put(&t, "%s element bridge " SV_NFT_TABLE " unlabelled { \"%s\" }\n",
		    add ? "add" : "delete", ports[i]);
	if (n == 0)
		put(&t, "add table bridge " SV_NFT_TABLE "\n");
	return finish(&t, out, err);
}

int sv_secmark_cmd_flush(char **out, struct sv_error *err)
{
	struct text t = { .buf = NULL };

	put(&t, "add table bridge " SV_NFT_TABLE "\n"
		"delete table bridge " SV_NFT_TABLE "\n"
		"add table inet " SV_NFT_TABLE "\n"
		"delete table inet " SV_NFT_TABLE "\n");
	return finish(&t, out, err);
}

struct sv_secmark {
	struct nft_ctx *nft;
};

int sv_secmark_open(struct sv_secmark **out, struct sv_error *err)
{
	struct sv_secmark *s = calloc(1, sizeof(*s));

	if (!s)
		return sv_fail(err, ENOMEM, "nft: out of memory");
	s->nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!s->nft) {
		free(s);
		return sv_fail(err, ENOMEM, "nft: cannot make a libnftables context");
	}
	/* Messages into buffers, not svirtd's stdout/stderr. */
	if (nft_ctx_buffer_output(s->nft) < 0 || nft_ctx_buffer_error(s->nft) < 0) {
		sv_secmark_close(s);
		return sv_fail(err, ENOMEM, "nft: cannot buffer its messages");
	}
	*out = s;
	return 0;
}

void sv_secmark_close(struct sv_secmark *s)
{
	if (!s)
		return;
	nft_ctx_free(s->nft);
	free(s);
}

int sv_secmark_run(struct sv_secmark *s, const char *cmds, struct sv_error *err)
{
	const char *msg;
	size_t len;
	char first[256];

	if (nft_run_cmd_from_buffer(s->nft, cmds) == 0) {
		(void)nft_ctx_get_error_buffer(s->nft);	/* drain */
		return 0;
	}
	msg = nft_ctx_get_error_buffer(s->nft);
	if (!msg || !*msg)
		msg = "failed without saying why";
	/* nft's first line says what; the rest repeats the command. */
	len = strcspn(msg, "\n");
	if (len >= sizeof(first))
		len = sizeof(first) - 1;
	memcpy(first, msg, len);
	first[len] = '\0';
	return sv_fail(err, EIO, "nft: %s", first);
}

int sv_secmark_parse_element(const char *listing, const char *port, char *obj,
			     size_t size)
{
	size_t plen = strlen(port), n;
	const char *p = listing, *v;

	if (plen == 0)
		return -ENOENT;
	/* "vif1.0" : "svirt_c1_c2": the port quoted, a colon, the object. */
	while ((p = strstr(p, port))) {
		if (p > listing && p[-1] == '"' && p[plen] == '"')
			break;
		p += plen;
	}
	if (!p)
		return -ENOENT;
	v = p + plen + 1;
	v += strspn(v, " \t");
	if (*v++ != ':')
		return -EINVAL;
	v += strspn(v, " \t");
	if (*v == '"')
		v++;
	n = strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_");
	if (n < 7 || n >= size || strncmp(v, "svirt_", 6) != 0)
		return -EINVAL;
	memcpy(obj, v, n);
	obj[n] = '\0';
	return 0;
}

int sv_secmark_port_state(struct sv_secmark *s, const char *port, char *obj,
			  size_t size, bool *blocked, struct sv_error *err)
{
	char cmd[256];
	const char *out;
	int r;

	if (!sv_ifname_valid(port))
		return sv_fail(err, EINVAL, "\"%s\" is not an interface name", port);
	obj[0] = '\0';
	*blocked = false;
	if (sv_secmark_run(s, "list set bridge " SV_NFT_TABLE " unlabelled\n",
			   err) < 0) {
		(void)nft_ctx_get_output_buffer(s->nft);
		return sv_fail(err, ENOENT, "svirtd's nftables table bridge %s is "
			       "not there (%s)", SV_NFT_TABLE, err->msg);
	}
	(void)nft_ctx_get_output_buffer(s->nft);
	snprintf(cmd, sizeof(cmd), "get element bridge " SV_NFT_TABLE
		 " port_secmark { \"%s\" }\n", port);
	if (sv_secmark_run(s, cmd, err) == 0) {
		out = nft_ctx_get_output_buffer(s->nft);
		r = sv_secmark_parse_element(out ? out : "", port, obj, size);
		if (r < 0)
			return sv_fail(err, -r, "nft lists port_secmark's element "
				       "for %s in a form svirt-xl does not know", port);
	}
	snprintf(cmd, sizeof(cmd), "get element bridge " SV_NFT_TABLE
		 " unlabelled { \"%s\" }\n", port);
	*blocked = sv_secmark_run(s, cmd, err) == 0;
	(void)nft_ctx_get_output_buffer(s->nft);
	err->msg[0] = '\0';
	return 0;
}
