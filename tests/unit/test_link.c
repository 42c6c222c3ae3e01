/* test_link.c: link events as the kernel sends them (RTM_NEWLINK, RTM_DELLINK) parsed into
 * name and state, malformed ones refused; a link set down; in a private namespace, for real. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "link.h"
#include "skip.h"

struct seen {
	size_t n;
	struct sv_link_event ev[16];
};

static int collect(void *arg, const struct sv_link_event *ev)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->ev[s->n++] = *ev;
	return 0;
}

/* Appends a link message (type, flags, name or NULL) to buf at *len. */
static void put_link(uint8_t *buf, size_t *len, uint16_t type, unsigned flags,
		     const char *name)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(buf + *len);
	struct ifinfomsg *ifi = NLMSG_DATA(h);

	memset(h, 0, NLMSG_SPACE(sizeof(*ifi)) + RTA_SPACE(IFNAMSIZ));
	h->nlmsg_type = type;
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	ifi->ifi_index = 7;
	ifi->ifi_flags = flags;
	if (name) {
		struct rtattr *a = (struct rtattr *)((uint8_t *)h + NLMSG_ALIGN(h->nlmsg_len));

		a->rta_type = IFLA_IFNAME;
		a->rta_len = (unsigned short)RTA_LENGTH(strlen(name) + 1);
		memcpy(RTA_DATA(a), name, strlen(name) + 1);
		h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
	}
	*len += NLMSG_ALIGN(h->nlmsg_len);
}

static void down_up_and_gone_are_told_apart(void **state)
{
	uint32_t buf[256];
	uint8_t *b = (uint8_t *)buf;
	struct seen s = { .n = 0 };
	size_t len = 0;

	(void)state;
	put_link(b, &len, RTM_NEWLINK, 0, "vif3.0");
	put_link(b, &len, RTM_NEWADDR, IFF_UP, "ignored");
	put_link(b, &len, RTM_NEWLINK, IFF_UP | IFF_BROADCAST, "vif3.0");
	put_link(b, &len, RTM_DELLINK, 0, "vif3.1");
	assert_int_equal(sv_link_parse(buf, len, collect, &s, NULL), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ev[0].name, "vif3.0");
	assert_false(s.ev[0].up);
	assert_true(s.ev[1].up);
	assert_false(s.ev[1].gone);
	assert_string_equal(s.ev[2].name, "vif3.1");
	assert_true(s.ev[2].gone);
}

static void malformed_events_are_refused_with_a_reason(void **state)
{
	uint32_t buf[256];
	uint8_t *b = (uint8_t *)buf;
	struct seen s = { .n = 0 };
	struct sv_error err;
	size_t len = 0;

	(void)state;
	/* No name. */
	put_link(b, &len, RTM_NEWLINK, IFF_UP, NULL);
	assert_int_equal(sv_link_parse(buf, len, collect, &s, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "no name"));
	/* A name that is no interface's. */
	len = 0;
	put_link(b, &len, RTM_NEWLINK, IFF_UP, "..");
	assert_int_equal(sv_link_parse(buf, len, collect, &s, &err), -EBADMSG);
	/* Not terminated inside its attribute. */
	len = 0;
	put_link(b, &len, RTM_NEWLINK, IFF_UP, "vif1.0");
	((struct rtattr *)(b + NLMSG_SPACE(sizeof(struct ifinfomsg))))->rta_len = RTA_LENGTH(3);
	assert_int_equal(sv_link_parse(buf, len, collect, &s, &err), -EBADMSG);
	/* A message longer than the buffer, and an attribute longer than its message. */
	len = 0;
	put_link(b, &len, RTM_NEWLINK, IFF_UP, "vif1.0");
	assert_int_equal(sv_link_parse(buf, len - 4, collect, &s, &err), -EBADMSG);
	((struct rtattr *)(b + NLMSG_SPACE(sizeof(struct ifinfomsg))))->rta_len = 200;
	assert_int_equal(sv_link_parse(buf, len, collect, &s, &err), -EBADMSG);
	/* Too short for its header. */
	assert_int_equal(sv_link_parse(buf, 10, collect, &s, &err), -EBADMSG);
	assert_int_equal(s.n, 0);
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool saw(const struct seen *s, const char *name, bool up)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->ev[i].name, name) == 0 && s->ev[i].up == up && !s->ev[i].gone)
			return true;
	return false;
}

static void kernel_tells_a_link_going_down_and_up(void **state)
{
	struct seen s = { .n = 0 };
	struct sv_error err;
	struct pollfd p;
	int fd;

	(void)state;
	if (geteuid() != 0)
		skip_because("needs root for a private network namespace");
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	assert_int_equal(sv_link_open(&fd, &err), 0);
	assert_int_equal(sh("ip link add vif5.0 type veth peer name g50 && "
			    "ip link set vif5.0 up && ip link set vif5.0 down && "
			    "ip link set vif5.0 up"), 0);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (poll(&p, 1, 500) > 0)
		assert_int_equal(sv_link_read(fd, collect, &s, &err), 0);
	assert_true(saw(&s, "vif5.0", false));
	assert_true(saw(&s, "vif5.0", true));
	close(fd);
}

/* An NLMSG_ERROR answer (error 0: done) to seq, appended to buf at *len. */
static void put_ack(uint8_t *buf, size_t *len, uint32_t seq, int error)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(buf + *len);
	struct nlmsgerr *e = NLMSG_DATA(h);

	memset(h, 0, NLMSG_SPACE(sizeof(*e)));
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*e));
	h->nlmsg_seq = seq;
	e->error = error;
	*len += NLMSG_ALIGN(h->nlmsg_len);
}

static void the_answer_to_a_link_request_is_found_by_its_sequence(void **state)
{
	uint32_t buf[256];
	uint8_t *b = (uint8_t *)buf;
	size_t len = 0;
	int kerr = 1;

	(void)state;
	put_link(b, &len, RTM_NEWLINK, 0, "vif3.0");
	put_ack(b, &len, 6, -EPERM);
	put_ack(b, &len, 7, -ENODEV);
	assert_int_equal(sv_link_parse_ack(buf, len, 7, &kerr, NULL), 1);
	assert_int_equal(kerr, -ENODEV);
	len = 0;
	put_ack(b, &len, 7, 0);
	assert_int_equal(sv_link_parse_ack(buf, len, 7, &kerr, NULL), 1);
	assert_int_equal(kerr, 0);
	/* No answer to this request in the buffer: kerr untouched. */
	kerr = 1;
	assert_int_equal(sv_link_parse_ack(buf, len, 8, &kerr, NULL), 0);
	assert_int_equal(kerr, 1);
}

static void malformed_answers_are_refused_with_a_reason(void **state)
{
	uint32_t buf[256];
	uint8_t *b = (uint8_t *)buf;
	struct sv_error err;
	size_t len = 0;
	int kerr = 1;

	(void)state;
	put_ack(b, &len, 7, 0);
	assert_int_equal(sv_link_parse_ack(buf, len - 4, 7, &kerr, &err), -EBADMSG);
	((struct nlmsghdr *)b)->nlmsg_len = NLMSG_LENGTH(2);
	assert_int_equal(sv_link_parse_ack(buf, len, 7, &kerr, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "too short"));
	len = 0;
	put_ack(b, &len, 7, 5);
	assert_int_equal(sv_link_parse_ack(buf, len, 7, &kerr, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "out of range"));
	len = 0;
	put_ack(b, &len, 7, -100000);
	assert_int_equal(sv_link_parse_ack(buf, len, 7, &kerr, &err), -EBADMSG);
	assert_int_equal(sv_link_parse_ack(buf, 10, 7, &kerr, &err), -EBADMSG);
	assert_int_equal(kerr, 1);
}

/* Whether name is administratively up in this namespace, as the kernel
 * says (-1: no such interface). */
static int is_up(const char *name)
{
	struct ifreq ifr = { .ifr_flags = 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	r = ioctl(s, SIOCGIFFLAGS, &ifr);
	close(s);
	return r < 0 ? -1 : (ifr.ifr_flags & IFF_UP) != 0;
}

static void a_link_set_down_is_down_once_the_kernel_answers(void **state)
{
	struct seen s = { .n = 0 };
	struct sv_error err;
	struct pollfd p;
	int fd;

	(void)state;
	if (geteuid() != 0)
		skip_because("needs root for a private network namespace");
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	assert_int_equal(sh("ip link add vif6.0 type veth peer name g60 && "
			    "ip link set vif6.0 up && ip link set g60 up"), 0);
	assert_int_equal(is_up("vif6.0"), 1);
	assert_int_equal(sv_link_open(&fd, &err), 0);
	assert_int_equal(sv_link_set_down("vif6.0", &err), 0);
	/* Down when the call returns, not some time after. */
	assert_int_equal(is_up("vif6.0"), 0);
	/* Only IFF_UP changed, and only on that interface. */
	assert_int_equal(is_up("g60"), 1);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (poll(&p, 1, 500) > 0)
		assert_int_equal(sv_link_read(fd, collect, &s, &err), 0);
	assert_true(saw(&s, "vif6.0", false));
	close(fd);
	/* Already down: nothing to do, no error. */
	assert_int_equal(sv_link_set_down("vif6.0", &err), 0);
	assert_int_equal(is_up("vif6.0"), 0);
}

static void a_link_that_is_not_there_is_enodev_and_a_bad_name_einval(void **state)
{
	struct sv_error err;

	(void)state;
	if (geteuid() != 0)
		skip_because("needs root for a private network namespace");
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	assert_int_equal(sv_link_set_down("vif9.9", &err), -ENODEV);
	assert_non_null(strstr(err.msg, "vif9.9"));
	assert_int_equal(sv_link_set_down("..", &err), -EINVAL);
	assert_int_equal(sv_link_set_down("vif1.0-with-a-long-name", &err), -EINVAL);
	assert_int_equal(sv_link_set_down(NULL, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(down_up_and_gone_are_told_apart),
		cmocka_unit_test(malformed_events_are_refused_with_a_reason),
		cmocka_unit_test(kernel_tells_a_link_going_down_and_up),
		cmocka_unit_test(the_answer_to_a_link_request_is_found_by_its_sequence),
		cmocka_unit_test(malformed_answers_are_refused_with_a_reason),
		cmocka_unit_test(a_link_set_down_is_down_once_the_kernel_answers),
		cmocka_unit_test(a_link_that_is_not_there_is_enodev_and_a_bad_name_einval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
