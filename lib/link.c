/* link.c: the kernel's link events for svirtd (a down vif loses its NetLabel entries), and an
 * ended guest's vif set down: raw NETLINK_ROUTE, replies checked byte by byte before belief. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link.h"
#include "netlabel.h"

int sv_link_open(int *fd, struct sv_error *err)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       NETLINK_ROUTE);
	int e;

	if (s < 0) {
		e = errno;
		return sv_fail(err, e, "link events: socket: %s", strerror(e));
	}
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(s);
		return sv_fail(err, e, "link events: bind: %s", strerror(e));
	}
	*fd = s;
	return 0;
}

/* The interface's name from the attributes after ifi. */
static int link_name(const struct nlmsghdr *h, char name[IFNAMSIZ],
		     struct sv_error *err)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	size_t left = h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
	const struct rtattr *a = IFLA_RTA(ifi);
	bool found = false;

	for (; left >= sizeof(*a); ) {
		size_t alen = a->rta_len;

		if (alen < sizeof(*a) || alen > left)
			return sv_fail(err, EBADMSG, "link event (interface %d): "
				       "attribute of %zu bytes in %zu", ifi->ifi_index,
				       alen, left);
		if (a->rta_type == IFLA_IFNAME) {
			const char *s = RTA_DATA(a);
			size_t slen = alen - RTA_LENGTH(0);
			size_t n = strnlen(s, slen);

			if (n == slen || n >= IFNAMSIZ)
				return sv_fail(err, EBADMSG, "link event (interface %d): "
					       "name not terminated", ifi->ifi_index);
			memcpy(name, s, n + 1);
			if (!sv_ifname_valid(name))
				return sv_fail(err, EBADMSG, "link event (interface %d): "
					       "not an interface name", ifi->ifi_index);
			found = true;
		}
		alen = RTA_ALIGN(alen);
		if (alen >= left)
			break;
		left -= alen;
		a = (const struct rtattr *)((const char *)a + alen);
	}
	if (!found)
		return sv_fail(err, EBADMSG, "link event (interface %d): no name",
			       ifi->ifi_index);
	return 0;
}

int sv_link_parse(const void *buf, size_t len, sv_link_fn fn, void *arg,
		  struct sv_error *err)
{
	const char *p = buf;

	while (len > 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)p;
		struct sv_link_event ev = { .name = "" };
		size_t mlen;
		int r;

		if (len < sizeof(*h) || h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len)
			return sv_fail(err, EBADMSG, "link event: message of %u bytes "
				       "in %zu", len < sizeof(*h) ? 0 : h->nlmsg_len, len);
		mlen = NLMSG_ALIGN(h->nlmsg_len);
		if (h->nlmsg_type == RTM_NEWLINK || h->nlmsg_type == RTM_DELLINK) {
			const struct ifinfomsg *ifi = NLMSG_DATA(h);

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
				return sv_fail(err, EBADMSG, "link event: %u bytes, "
					       "too short", h->nlmsg_len);
			if ((r = link_name(h, ev.name, err)) < 0)
				return r;
			ev.up = ifi->ifi_flags & IFF_UP;
			ev.gone = h->nlmsg_type == RTM_DELLINK;
			if ((r = fn(arg, &ev)) < 0)
				return r;
		}
		if (mlen >= len)
			break;
		p += mlen;
		len -= mlen;
	}
	return 0;
}

int sv_link_read(int fd, sv_link_fn fn, void *arg, struct sv_error *err)
{
	/* Aligned as the kernel's buffers are; a link message is < 2 KiB. */
	uint64_t buf[8192 / sizeof(uint64_t)];

	for (;;) {
		struct sockaddr_nl from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);
		int r, e;

		if (n < 0) {
			e = errno;
			if (e == EAGAIN || e == EWOULDBLOCK)
				return 0;
			if (e == EINTR)
				continue;
			return sv_fail(err, e, "link events: %s", strerror(e));
		}
		/* Only the kernel speaks on this socket. */
		if (fl != sizeof(from) || from.nl_pid != 0)
			continue;
		if ((r = sv_link_parse(buf, (size_t)n, fn, arg, err)) < 0)
			return r;
	}
}

int sv_link_parse_ack(const void *buf, size_t len, uint32_t seq, int *kerr,
		      struct sv_error *err)
{
	const char *p = buf;

	while (len > 0) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)p;
		size_t mlen;

		if (len < sizeof(*h) || h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len)
			return sv_fail(err, EBADMSG, "link request: reply of %u bytes "
				       "in %zu", len < sizeof(*h) ? 0 : h->nlmsg_len, len);
		if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == seq) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return sv_fail(err, EBADMSG, "link request: error "
					       "message of %u bytes, too short",
					       h->nlmsg_len);
			if (e->error > 0 || e->error < -4095)
				return sv_fail(err, EBADMSG, "link request: error "
					       "code %d out of range", e->error);
			*kerr = e->error;
			return 1;
		}
		mlen = NLMSG_ALIGN(h->nlmsg_len);
		if (mlen >= len)
			break;
		p += mlen;
		len -= mlen;
	}
	return 0;
}

int sv_link_set_down(const char *name, struct sv_error *err)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg ifi;
		char attr[RTA_SPACE(IFNAMSIZ)];
	} req;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint64_t buf[8192 / sizeof(uint64_t)];
	struct rtattr *a;
	int s, e, kerr = 0, r;
	ssize_t n;

	if (!name || !sv_ifname_valid(name))
		return sv_fail(err, EINVAL, "setting a link down: \"%s\" is not "
			       "an interface name", name ? name : "");
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_type = RTM_NEWLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.h.nlmsg_seq = 1;
	req.ifi.ifi_family = AF_UNSPEC;
	/* Only IFF_UP changes, to clear: the interface is found by name. */
	req.ifi.ifi_change = IFF_UP;
	a = (struct rtattr *)req.attr;
	a->rta_type = IFLA_IFNAME;
	a->rta_len = RTA_LENGTH(strlen(name) + 1);
	memcpy(RTA_DATA(a), name, strlen(name) + 1);
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi)) + RTA_ALIGN(a->rta_len);

	/* A socket of its own: the event socket's queue is the loop's. */
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0) {
		e = errno;
		return sv_fail(err, e, "%s: setting it down: socket: %s", name,
			       strerror(e));
	}
	if (sendto(s, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) != (ssize_t)req.h.nlmsg_len) {
		e = errno;
		close(s);
		return sv_fail(err, e, "%s: setting it down: %s", name, strerror(e));
	}
	/* rtnetlink acts on the request within sendto: the answer is queued
	 * by now, so a read that would block means none comes. */
	for (;;) {
		struct sockaddr_nl from;
		socklen_t fl = sizeof(from);

		n = recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(s);
			return sv_fail(err, e == EAGAIN ? EIO : e, "%s: setting it "
				       "down: %s", name, e == EAGAIN ?
				       "the kernel did not answer" : strerror(e));
		}
		if (fl != sizeof(from) || from.nl_pid != 0)
			continue;
		if ((r = sv_link_parse_ack(buf, (size_t)n, req.h.nlmsg_seq, &kerr,
					   err)) != 0)
			break;
	}
	close(s);
	if (r < 0)
		return sv_fail_prefix(err, -r, "%s", name);
	if (kerr < 0)
		return sv_fail(err, -kerr, "%s: setting it down: %s", name,
			       strerror(-kerr));
	return 0;
}
