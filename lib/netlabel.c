/* netlabel.c: svirt's NetLabel client on libnl-genl-3: static unlabeled entries
 * that give a guest's traffic its peer label, added, removed and listed. */
#include <arpa/inet.h>
#include <errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "netlabel.h"

struct sv_nlbl {
	struct nl_sock *sk;
	int family;
};

/* What one request's replies left: the kernel's errno, or the dump. */
struct reply {
	unsigned seq;			/* of the request */
	int error;			/* 0, or the kernel's -errno */
	bool done;
};

int sv_nlbl_open(struct sv_nlbl **out, struct sv_error *err)
{
	struct sv_nlbl *n = calloc(1, sizeof(*n));
	int r;

	if (!n)
		return sv_fail(err, ENOMEM, "NetLabel: out of memory");
	n->sk = nl_socket_alloc();
	if (!n->sk) {
		free(n);
		return sv_fail(err, ENOMEM, "NetLabel: out of memory");
	}
	r = genl_connect(n->sk);
	if (r < 0) {
		sv_nlbl_close(n);
		return sv_fail(err, EIO, "NetLabel: generic netlink socket: %s",
			       nl_geterror(r));
	}
	/* The kernel always answers; a bound turns a lost reply into an error
	 * instead of a daemon stuck in recv. */
	if (setsockopt(nl_socket_get_fd(n->sk), SOL_SOCKET, SO_RCVTIMEO,
		       &(struct timeval){ .tv_sec = 10 }, sizeof(struct timeval)) < 0) {
		sv_nlbl_close(n);
		return sv_fail(err, EIO, "NetLabel: socket timeout: %s", strerror(errno));
	}
	n->family = genl_ctrl_resolve(n->sk, SV_NLBL_FAMILY);
	if (n->family < 0) {
		sv_nlbl_close(n);
		return sv_fail(err, EPROTONOSUPPORT, "NetLabel: %s",
			       sv_nlbl_strerror(EPROTONOSUPPORT));
	}
	*out = n;
	return 0;
}

void sv_nlbl_close(struct sv_nlbl *n)
{
	if (!n)
		return;
	nl_socket_free(n->sk);
	free(n);
}

static bool is_list(int cmd)
{
	return cmd == SV_NLBL_C_STATICLIST || cmd == SV_NLBL_C_STATICLISTDEF;
}

static bool is_default(int cmd)
{
	return cmd >= SV_NLBL_C_STATICADDDEF && cmd <= SV_NLBL_C_STATICLISTDEF;
}

/* An entry fit for cmd: an interface entry for STATICADD/REMOVE, a default
 * one (no interface) for their DEF forms. */
static bool entry_fits(int cmd, const struct sv_nlbl_entry *e)
{
	if (!e || (e->family != AF_INET && e->family != AF_INET6))
		return false;
	return is_default(cmd) ? e->iface[0] == '\0' : sv_ifname_valid(e->iface);
}

int sv_nlbl_build(int family_id, int cmd, const struct sv_nlbl_entry *e,
		  struct nl_msg **out, struct sv_error *err)
{
	struct nl_msg *m;
	bool v4;
	int flags = NLM_F_REQUEST;

	if (is_list(cmd))
		flags |= NLM_F_DUMP;
	else if (cmd == SV_NLBL_C_STATICADD || cmd == SV_NLBL_C_STATICREMOVE ||
		 cmd == SV_NLBL_C_STATICADDDEF || cmd == SV_NLBL_C_STATICREMOVEDEF)
		flags |= NLM_F_ACK;
	else
		return sv_fail(err, EINVAL, "NetLabel: command %d is not one svirt sends",
			       cmd);
	if (!is_list(cmd) && !entry_fits(cmd, e))
		return sv_fail(err, EINVAL, "NetLabel: no valid entry to send");
	m = nlmsg_alloc();
	if (!m)
		return sv_fail(err, ENOMEM, "NetLabel: out of memory");
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0, flags, cmd,
			 SV_NLBL_VERSION))
		goto full;
	if (!is_list(cmd)) {
		v4 = e->family == AF_INET;
		if ((!is_default(cmd) &&
		     nla_put_string(m, SV_NLBL_A_IFACE, e->iface) < 0) ||
		    nla_put(m, v4 ? SV_NLBL_A_IPV4ADDR : SV_NLBL_A_IPV6ADDR,
			    v4 ? 4 : 16, e->addr) < 0 ||
		    nla_put(m, v4 ? SV_NLBL_A_IPV4MASK : SV_NLBL_A_IPV6MASK,
			    v4 ? 4 : 16, e->mask) < 0)
			goto full;
		/* The label only goes with an add; a remove names the entry. */
		if ((cmd == SV_NLBL_C_STATICADD || cmd == SV_NLBL_C_STATICADDDEF) &&
		    nla_put_string(m, SV_NLBL_A_SECCTX, e->ctx) < 0)
			goto full;
	}
	*out = m;
	return 0;
full:
	nlmsg_free(m);
	return sv_fail(err, EMSGSIZE, "NetLabel: message does not fit");
}

/* Only replies to this request count: one left over from an earlier
 * exchange (an error after a partial read) is skipped, not taken for ours. */
static int on_seq(struct nl_msg *m, void *arg)
{
	const struct reply *r = arg;

	return nlmsg_hdr(m)->nlmsg_seq == r->seq ? NL_OK : NL_SKIP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *ne, void *arg)
{
	struct reply *r = arg;

	(void)nla;
	if (ne->msg.nlmsg_seq != r->seq)
		return NL_SKIP;
	r->error = ne->error < 0 ? ne->error : -EPROTO;
	r->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *m, void *arg)
{
	struct reply *r = arg;

	(void)m;
	r->done = true;
	return NL_STOP;
}

static int on_done(struct nl_msg *m, void *arg)
{
	struct reply *r = arg;

	(void)m;
	r->done = true;
	return NL_STOP;
}

/* Sends m (freed here) and reads replies until the ack, error or end;
 * a libnl failure is returned as libnl's (negative) code. */
static int transact(struct sv_nlbl *n, struct nl_msg *m, struct reply *r)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int rc;

	if (!cb) {
		nlmsg_free(m);
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, r);
	rc = nl_send_auto(n->sk, m);
	r->seq = nlmsg_hdr(m)->nlmsg_seq;
	nlmsg_free(m);
	if (rc < 0) {
		nl_cb_put(cb);
		return rc;
	}
	while (!r->done) {
		rc = nl_recvmsgs(n->sk, cb);
		if (rc < 0 && !r->done) {
			nl_cb_put(cb);
			return rc;
		}
	}
	nl_cb_put(cb);
	return 0;
}

/* A dump: every buffer read raw and handed to the reply parser (the one
 * the fuzz target drives), replies to this request only, until NLMSG_DONE. */
#define SV_NLBL_DUMP_SEQ_SPAN (1u << 24)
static int dump(struct sv_nlbl *n, struct nl_msg *m, struct sv_nlbl_list *list,
		struct sv_error *err)
{
	struct sockaddr_nl who;
	unsigned char *buf = NULL;
	unsigned seq;
	int rc, len;

	rc = nl_send_auto(n->sk, m);
	seq = nlmsg_hdr(m)->nlmsg_seq;
	nlmsg_free(m);
	if (rc < 0)
		return sv_fail(err, EIO, "NetLabel: sending the list request: %s",
			       nl_geterror(rc));
	for (;;) {
		struct nlmsghdr *h;
		int rem;

		len = nl_recv(n->sk, &who, &buf, NULL);
		if (len <= 0)
			return sv_fail(err, EIO, "NetLabel: reading the list: %s",
				       len < 0 ? nl_geterror(len) : "end of data");
		h = (struct nlmsghdr *)buf;
		rem = len;
		for (; nlmsg_ok(h, rem); h = nlmsg_next(h, &rem)) {
			/* NetLabel numbers a dump's messages from the
			 * request's sequence number up; anything before
			 * it is left from an earlier exchange. */
			if (h->nlmsg_seq - seq > SV_NLBL_DUMP_SEQ_SPAN)
				continue;
			rc = sv_nlbl_parse_dump(h, h->nlmsg_len, list, err);
			if (rc != 0) {
				free(buf);
				return rc < 0 ? rc : 0;
			}
		}
		free(buf);
		buf = NULL;
	}
}

static int request(struct sv_nlbl *n, int cmd, const struct sv_nlbl_entry *e,
		   struct sv_nlbl_list *list, struct sv_error *err)
{
	struct reply r = { .seq = 0 };
	struct nl_msg *m = NULL;
	int rc;

	rc = sv_nlbl_build(n->family, cmd, e, &m, err);
	if (rc < 0)
		return rc;
	if (is_list(cmd))
		return dump(n, m, list, err);
	rc = transact(n, m, &r);
	if (rc < 0)
		return sv_fail(err, EIO, "NetLabel: talking to the kernel failed: %s",
			       nl_geterror(rc));
	if (r.error < 0)
		return sv_fail(err, -r.error, "NetLabel: %s the %s entry%s%s: %s",
			       cmd == SV_NLBL_C_STATICADD ||
			       cmd == SV_NLBL_C_STATICADDDEF ? "adding" : "removing",
			       e->family == AF_INET ? "IPv4" : "IPv6",
			       e->iface[0] ? " for " : " DEFAULT",
			       e->iface, sv_nlbl_strerror(-r.error));
	return 0;
}

int sv_nlbl_add(struct sv_nlbl *n, const struct sv_nlbl_entry *e,
		struct sv_error *err)
{
	return request(n, e->iface[0] ? SV_NLBL_C_STATICADD : SV_NLBL_C_STATICADDDEF,
		       e, NULL, err);
}

int sv_nlbl_remove(struct sv_nlbl *n, const struct sv_nlbl_entry *e,
		   struct sv_error *err)
{
	return request(n, e->iface[0] ? SV_NLBL_C_STATICREMOVE :
		       SV_NLBL_C_STATICREMOVEDEF, e, NULL, err);
}

static int list(struct sv_nlbl *n, int cmd, struct sv_nlbl_list *out,
		struct sv_error *err)
{
	struct sv_nlbl_list l = { .v = NULL };
	int r = request(n, cmd, NULL, &l, err);

	if (r < 0) {
		sv_nlbl_list_clear(&l);
		return r;
	}
	sv_nlbl_list_clear(out);
	*out = l;
	return 0;
}

int sv_nlbl_list(struct sv_nlbl *n, struct sv_nlbl_list *out,
		 struct sv_error *err)
{
	return list(n, SV_NLBL_C_STATICLIST, out, err);
}

int sv_nlbl_list_default(struct sv_nlbl *n, struct sv_nlbl_list *out,
			 struct sv_error *err)
{
	return list(n, SV_NLBL_C_STATICLISTDEF, out, err);
}

/* The label on iface's entry (the default one for "") for family, if there
 * is one; "" if not. */
static int current_label(struct sv_nlbl *n, const char *iface, int family,
			 char *ctx, size_t size, struct sv_error *err)
{
	struct sv_nlbl_list l = { .v = NULL };
	int r = iface[0] ? sv_nlbl_list(n, &l, err) : sv_nlbl_list_default(n, &l, err);

	if (r < 0)
		return r;
	ctx[0] = '\0';
	for (size_t i = 0; i < l.n; i++) {
		const struct sv_nlbl_entry *e = &l.v[i];
		static const uint8_t zero[16];

		if (strcmp(e->iface, iface) == 0 && e->family == family &&
		    memcmp(e->mask, zero, 16) == 0)
			snprintf(ctx, size, "%s", e->ctx);
	}
	sv_nlbl_list_clear(&l);
	return 0;
}

static int add_any(struct sv_nlbl *n, const char *iface, int family,
		   const char *ctx, struct sv_error *err)
{
	struct sv_nlbl_entry e;
	char have[SV_CONTEXT_MAX];
	int r;

	r = sv_nlbl_entry_any(iface, family, ctx, &e, err);
	if (r < 0)
		return r;
	r = sv_nlbl_add(n, &e, err);
	if (r != -EEXIST)
		return r;
	/* Left by an earlier run: fine if it is this label, replaced if not. */
	r = current_label(n, e.iface, family, have, sizeof(have), err);
	if (r < 0)
		return r;
	if (strcmp(have, ctx) == 0)
		return 0;
	r = sv_nlbl_remove(n, &e, err);
	if (r < 0 && r != -ENOENT)
		return r;
	return sv_nlbl_add(n, &e, err);
}

/* Both families on iface (NULL: the default entries), all or nothing. */
static int label_both(struct sv_nlbl *n, const char *iface, const char *ctx,
		      struct sv_error *err)
{
	struct sv_nlbl_entry e;
	int r;

	r = add_any(n, iface, AF_INET, ctx, err);
	if (r < 0)
		return r;
	r = add_any(n, iface, AF_INET6, ctx, err);
	if (r < 0 && sv_nlbl_entry_any(iface, AF_INET, ctx, &e, NULL) == 0)
		(void)sv_nlbl_remove(n, &e, NULL);
	return r;
}

int sv_nlbl_label_iface(struct sv_nlbl *n, const char *iface, const char *ctx,
			struct sv_error *err)
{
	if (!iface)
		return sv_fail(err, EINVAL, "NetLabel: no interface to label");
	return label_both(n, iface, ctx, err);
}

int sv_nlbl_label_default(struct sv_nlbl *n, const char *ctx,
			  struct sv_error *err)
{
	return label_both(n, NULL, ctx, err);
}

int sv_nlbl_unlabel_iface(struct sv_nlbl *n, const char *iface,
			  struct sv_error *err)
{
	static const char any_ctx[] = "u:r:t:s0";
	static const int families[] = { AF_INET, AF_INET6 };
	struct sv_nlbl_entry e;
	int r, first = 0;

	if (!iface)
		return sv_fail(err, EINVAL, "NetLabel: no interface to unlabel");
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		/* A remove names the entry only; the context is not sent. */
		r = sv_nlbl_entry_any(iface, families[i], any_ctx, &e, err);
		if (r < 0)
			return r;
		r = sv_nlbl_remove(n, &e, err);
		/* ENODEV: the interface is gone, and the kernel dropped its
		 * entries with it (a destroyed domain's vif). */
		if (r < 0 && r != -ENOENT && r != -ENODEV && first == 0)
			first = r;
	}
	return first;
}
