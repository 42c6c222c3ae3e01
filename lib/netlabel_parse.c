/* netlabel_parse.c: the kernel's NetLabel replies parsed into struct sv_nlbl_entry,
 * and the checks every name and label svirt hands the network stack must pass. */
#include <arpa/inet.h>
#include <errno.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <stdlib.h>
#include <string.h>

#include "netlabel.h"

bool sv_ifname_valid(const char *name)
{
	size_t len = strnlen(name, IFNAMSIZ);

	if (len == 0 || len >= IFNAMSIZ || name[0] == '-')
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

int sv_net_context_check(const char *ctx, size_t len, struct sv_error *err)
{
	struct sv_context c;
	char canon[SV_CONTEXT_MAX], q[SV_QUOTE_BUF];
	int r;

	r = sv_context_parse_n(ctx, len, &c, err);
	if (r < 0)
		return r;
	/* Only the canonical spelling: what goes into an nft command or the
	 * kernel is then exactly what the parser checked, byte for byte. */
	if (sv_context_format(&c, canon, sizeof(canon)) < 0 ||
	    strlen(canon) != len || memcmp(canon, ctx, len) != 0)
		return sv_fail(err, EINVAL, "context \"%s\" is not canonical",
			       sv_quote(q, sizeof(q), ctx, len));
	return 0;
}

int sv_nlbl_entry_any(const char *iface, int family, const char *ctx,
		      struct sv_nlbl_entry *out, struct sv_error *err)
{
	struct sv_nlbl_entry e = { .family = family };
	char q[SV_QUOTE_BUF];
	size_t clen = strnlen(ctx, SV_CONTEXT_MAX);
	int r;

	if (iface && !sv_ifname_valid(iface))
		return sv_fail(err, EINVAL, "interface name \"%s\" is not valid",
			       sv_quote(q, sizeof(q), iface,
					strnlen(iface, 64)));
	if (family != AF_INET && family != AF_INET6)
		return sv_fail(err, EINVAL, "address family %d is not IPv4 or IPv6",
			       family);
	if (clen >= SV_CONTEXT_MAX)
		return sv_fail(err, EINVAL, "context is too long");
	r = sv_net_context_check(ctx, clen, err);
	if (r < 0)
		return r;
	if (iface)
		strcpy(e.iface, iface);
	memcpy(e.ctx, ctx, clen + 1);
	*out = e;
	return 0;
}

const char *sv_nlbl_iface_name(const struct sv_nlbl_entry *e)
{
	return e->iface[0] ? e->iface : "DEFAULT";
}

void sv_nlbl_list_clear(struct sv_nlbl_list *l)
{
	free(l->v);
	*l = (struct sv_nlbl_list){ .v = NULL };
}

static int list_push(struct sv_nlbl_list *l, const struct sv_nlbl_entry *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct sv_nlbl_entry *v = reallocarray(l->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

/* An address or mask attribute: exactly the family's size. */
static int take_addr(struct nlattr *a, size_t size, uint8_t *out,
		     const char *what, struct sv_error *err)
{
	if ((size_t)nla_len(a) != size)
		return sv_fail(err, EPROTO, "NetLabel reply: %s is %d bytes, not %zu",
			       what, nla_len(a), size);
	memcpy(out, nla_data(a), size);
	return 0;
}

/* A mask NetLabel accepts is contiguous ones; the address has no bit
 * outside it (the kernel stores them masked). */
static bool mask_sane(const uint8_t *addr, const uint8_t *mask, size_t size)
{
	bool zeros = false;

	for (size_t i = 0; i < size; i++) {
		for (int b = 7; b >= 0; b--) {
			bool one = (mask[i] >> b) & 1;

			if (one && zeros)
				return false;
			if (!one)
				zeros = true;
		}
		if (addr[i] & ~mask[i])
			return false;
	}
	return true;
}

/* The interface of an entry; a default entry (STATICLISTDEF) has none. */
static int parse_iface(struct nlattr *a, bool def, struct sv_nlbl_entry *e,
		       struct sv_error *err)
{
	char q[SV_QUOTE_BUF];
	const char *s;
	size_t len;

	if (def) {
		if (a)
			return sv_fail(err, EPROTO, "NetLabel reply: a default entry "
				       "names an interface");
		e->iface[0] = '\0';
		return 0;
	}
	if (!a)
		return sv_fail(err, EPROTO, "NetLabel reply: entry without an interface");
	s = nla_data(a);
	len = (size_t)nla_len(a);
	if (len == 0 || s[len - 1] != '\0' || strlen(s) != len - 1 ||
	    !sv_ifname_valid(s))
		return sv_fail(err, EPROTO, "NetLabel reply: interface \"%s\" is not valid",
			       sv_quote(q, sizeof(q), s, len));
	strcpy(e->iface, s);
	return 0;
}

static int parse_attrs(struct nlattr **tb, bool def, struct sv_nlbl_entry *e,
		       struct sv_error *err)
{
	bool v4 = tb[SV_NLBL_A_IPV4ADDR] || tb[SV_NLBL_A_IPV4MASK];
	bool v6 = tb[SV_NLBL_A_IPV6ADDR] || tb[SV_NLBL_A_IPV6MASK];
	struct nlattr *a, *addr, *mask;
	size_t size, len;
	const char *s;
	int r;

	if ((r = parse_iface(tb[SV_NLBL_A_IFACE], def, e, err)) < 0)
		return r;

	if (v4 == v6)
		return sv_fail(err, EPROTO, "NetLabel reply: entry for %s has %s address",
			       sv_nlbl_iface_name(e), v4 ? "more than one" : "no");
	e->family = v4 ? AF_INET : AF_INET6;
	size = v4 ? 4 : 16;
	addr = tb[v4 ? SV_NLBL_A_IPV4ADDR : SV_NLBL_A_IPV6ADDR];
	mask = tb[v4 ? SV_NLBL_A_IPV4MASK : SV_NLBL_A_IPV6MASK];
	if (!addr || !mask)
		return sv_fail(err, EPROTO, "NetLabel reply: entry for %s has an "
			       "address without a mask", sv_nlbl_iface_name(e));
	r = take_addr(addr, size, e->addr, "address", err);
	if (r < 0)
		return r;
	r = take_addr(mask, size, e->mask, "mask", err);
	if (r < 0)
		return r;
	if (!mask_sane(e->addr, e->mask, size))
		return sv_fail(err, EPROTO, "NetLabel reply: entry for %s has a "
			       "non-contiguous mask or bits outside it", sv_nlbl_iface_name(e));

	a = tb[SV_NLBL_A_SECCTX];
	if (!a)
		return sv_fail(err, EPROTO, "NetLabel reply: entry for %s has no label",
			       sv_nlbl_iface_name(e));
	s = nla_data(a);
	len = (size_t)nla_len(a);
	/* The kernel counts the context's NUL; take one, and no other. */
	if (len > 0 && s[len - 1] == '\0')
		len--;
	if (len == 0 || len >= SV_CONTEXT_MAX || memchr(s, '\0', len))
		return sv_fail(err, EPROTO, "NetLabel reply: entry for %s has a "
			       "malformed label", sv_nlbl_iface_name(e));
	r = sv_context_parse_n(s, len, &(struct sv_context){ .user = "" }, err);
	if (r < 0)
		return sv_fail_prefix(err, EPROTO, "NetLabel reply, entry for %s",
				      sv_nlbl_iface_name(e));
	memcpy(e->ctx, s, len);
	e->ctx[len] = '\0';
	return 0;
}

int sv_nlbl_parse_entry(const void *msg, size_t len, struct sv_nlbl_entry *out,
			struct sv_error *err)
{
	const struct nlmsghdr *nlh = msg;
	struct nlattr *tb[SV_NLBL_A_MAX + 1];
	struct sv_nlbl_entry e;
	const struct genlmsghdr *g;

	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    nlh->nlmsg_len > len)
		return sv_fail(err, EPROTO, "NetLabel reply: truncated message");
	if (!genlmsg_valid_hdr((struct nlmsghdr *)nlh, 0))
		return sv_fail(err, EPROTO, "NetLabel reply: no generic netlink header");
	g = nlmsg_data(nlh);
	if (g->cmd != SV_NLBL_C_STATICLIST && g->cmd != SV_NLBL_C_STATICLISTDEF)
		return sv_fail(err, EPROTO, "NetLabel reply: command %u, not STATICLIST",
			       g->cmd);
	memset(tb, 0, sizeof(tb));
	memset(&e, 0, sizeof(e));
	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, SV_NLBL_A_MAX, NULL) < 0)
		return sv_fail(err, EPROTO, "NetLabel reply: malformed attributes");
	if (parse_attrs(tb, g->cmd == SV_NLBL_C_STATICLISTDEF, &e, err) < 0)
		return -EPROTO;
	*out = e;
	return 0;
}

int sv_nlbl_parse_dump(const void *buf, size_t len, struct sv_nlbl_list *list,
		       struct sv_error *err)
{
	const struct nlmsghdr *nlh = buf;
	struct sv_nlbl_entry e;
	int rem, r;

	if (len > (size_t)(1 << 30))
		return sv_fail(err, EMSGSIZE, "NetLabel reply: too long");
	rem = (int)len;
	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next((struct nlmsghdr *)nlh, &rem)) {
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *ne = nlmsg_data(nlh);

			if (nlh->nlmsg_len < (unsigned)nlmsg_size(sizeof(*ne)))
				return sv_fail(err, EPROTO, "NetLabel reply: truncated error");
			if (ne->error >= 0 || ne->error < -4095)
				return sv_fail(err, EPROTO, "NetLabel reply: error %d",
					       ne->error);
			return sv_fail(err, -ne->error, "NetLabel: %s",
				       sv_nlbl_strerror(-ne->error));
		}
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;	/* NLMSG_NOOP, overrun notices */
		r = sv_nlbl_parse_entry(nlh, nlh->nlmsg_len, &e, err);
		if (r < 0)
			return r;
		if (list_push(list, &e) < 0)
			return sv_fail(err, ENOMEM, "NetLabel reply: out of memory");
	}
	if (rem != 0)
		return sv_fail(err, EPROTO, "NetLabel reply: %d bytes of a truncated message",
			       rem);
	return 0;
}

const char *sv_nlbl_strerror(int errnum)
{
	switch (errnum) {
	case EPERM:
	case EACCES:
		return "not permitted (CAP_NET_ADMIN, or the SELinux policy, refuses it)";
	case ENODEV:
		return "no such network interface";
	case EEXIST:
		return "an entry for this interface and address is already there";
	case ENOENT:
		return "no such entry";
	case EINVAL:
		return "the kernel refused the request (a context the loaded "
		       "policy does not know, or a malformed message)";
	case ENOMEM:
		return "the kernel is out of memory";
	case EPROTONOSUPPORT:
		return "the kernel has no NetLabel (CONFIG_NETLABEL)";
	case EOPNOTSUPP:
		return "NetLabel cannot label here (no SELinux?)";
	default:
		return strerror(errnum);
	}
}
