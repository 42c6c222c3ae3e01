/* test_bridge_frames.c: svirtd's bridge table on a real kernel bridge, in a private network namespace:
 * crafted frames (tagged, double-tagged, PPPoE, SV_FRAME_ARP, raw ethertypes) sent from one guest's port. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
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
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "frames.h"
#include "secmark.h"
#include "skip.h"

/*
 * The bridge br0 has four ports, each a veth whose other end the test uses
 * as the guest's (or the outside's) NIC:
 *   vif1.0 <-> g10   guest A, pair c1,c2
 *   vif1.1 <-> g11   guest A's second vif (same pair)
 *   vif2.0 <-> g20   guest B, pair c3,c4
 *   eth9   <-> o9    the outside (no guest's port)
 * Secmark objects need an SELinux kernel, so the ports are put in the sets
 * without labels: what is tested here is what the table drops.
 */
enum { G10, G11, G20, O9, NIC_N };
static const char *const nic[NIC_N] = { "g10", "g11", "g20", "o9" };
static const char *const port[NIC_N] = { "vif1.0", "vif1.1", "vif2.0", "eth9" };

struct net {
	struct sv_secmark *sm;
	int rx[NIC_N];
	int ifindex[NIC_N];
	uint16_t seq;
};

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void run_nft(struct net *n, char *cmds)
{
	struct sv_error err = { .msg = "" };
	int r = sv_secmark_run(n->sm, cmds, &err);

	if (r < 0)
		print_error("nft: %s\n", err.msg);
	free(cmds);
	assert_int_equal(r, 0);
}

static int setup(void **state)
{
	struct sv_net_policy pol = { .dom0 = true, .outside = true };
	const char *ports[] = { port[G10], port[G11], port[G20] };
	const char *a0[] = { port[G10] };
	struct sv_error err;
	struct net *n;
	char *cmds;

	*state = NULL;
	if (geteuid() != 0)
		return 0;	/* each test says why it skips */
	if (unshare(CLONE_NEWNET) != 0)
		return -1;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -1;
	if (sh("ip link add br0 type bridge stp_state 0 && ip link set br0 up") != 0)
		return -1;
	for (int i = 0; i < NIC_N; i++) {
		struct sockaddr_ll sll = { .sll_family = AF_PACKET,
					   .sll_protocol = htons(ETH_P_ALL) };

		if (sh("ip link add %s type veth peer name %s && ip link set %s master br0 up"
		       " && ip link set %s up", port[i], nic[i], port[i], nic[i]) != 0)
			return -1;
		n->ifindex[i] = (int)if_nametoindex(nic[i]);
		n->rx[i] = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
				  htons(ETH_P_ALL));
		sll.sll_ifindex = n->ifindex[i];
		if (n->ifindex[i] == 0 || n->rx[i] < 0 ||
		    bind(n->rx[i], (struct sockaddr *)&sll, sizeof(sll)) < 0)
			return -1;
	}
	if (sv_secmark_open(&n->sm, &err) < 0)
		return -1;
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, NULL, 0, NULL, 0, &cmds, &err), 0);
	run_nft(n, cmds);
	assert_non_null(cmds = strdup("add element bridge svirt ports { \"vif1.0\", \"vif1.1\", \"vif2.0\" }\n"));
	run_nft(n, cmds);
	assert_int_equal(sv_secmark_cmd_same_pair(true, port[G11], a0, 1, &cmds, &err), 0);
	run_nft(n, cmds);
	/* As svirtd does: in unlabelled while NetLabel is set, then out. */
	assert_int_equal(sv_secmark_cmd_unlabelled(true, ports, 3, &cmds, &err), 0);
	run_nft(n, cmds);
	assert_int_equal(sv_secmark_cmd_unlabelled(false, ports, 3, &cmds, &err), 0);
	run_nft(n, cmds);
	*state = n;
	return 0;
}

static int teardown(void **state)
{
	struct net *n = *state;

	if (!n)
		return 0;
	for (int i = 0; i < NIC_N; i++)
		if (n->rx[i] > 0)
			close(n->rx[i]);
	sv_secmark_close(n->sm);
	free(n);
	/* The namespace goes with the process. */
	return 0;
}

/* Sends a frame of kind k from NIC from; *arrived[i] says which NICs saw it
 * within the wait. */
static void send_from(struct net *n, int from, enum sv_frame_kind k, bool arrived[NIC_N])
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_ifindex = n->ifindex[from], .sll_halen = 6 };
	uint8_t f[SV_FRAME_MAX], buf[2048];
	uint16_t seq = ++n->seq;
	struct timespec t0, t;
	size_t len = sv_frame_build(f, k, seq);
	int tx = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	assert_true(tx >= 0);
	memset(to.sll_addr, 0xff, 6);
	assert_int_equal(sendto(tx, f, len, 0, (struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)len);
	close(tx);
	memset(arrived, 0, NIC_N * sizeof(bool));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The bridge forwards in the sender's softirq: 200 ms is plenty. */
	do {
		struct pollfd p[NIC_N];

		for (int i = 0; i < NIC_N; i++)
			p[i] = (struct pollfd){ .fd = n->rx[i], .events = POLLIN };
		poll(p, NIC_N, 50);
		for (int i = 0; i < NIC_N; i++) {
			struct sockaddr_ll from_ll;
			socklen_t sl = sizeof(from_ll);
			ssize_t r;

			while ((r = recvfrom(n->rx[i], buf, sizeof(buf), 0,
					     (struct sockaddr *)&from_ll, &sl)) >= 12) {
				sl = sizeof(from_ll);
				if (from_ll.sll_pkttype == PACKET_OUTGOING)
					continue;
				uint16_t got;

				if (sv_frame_seq(buf, (size_t)r, &got) && got == seq)
					arrived[i] = true;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < 200);
}

static void expect(struct net *n, int from, enum sv_frame_kind k, const bool want[NIC_N])
{
	bool got[NIC_N];
	bool ok = true;

	if (!n)
		skip_because("needs root to make a network namespace with a bridge");
	send_from(n, from, k, got);
	for (int i = 0; i < NIC_N; i++) {
		if (i == from || got[i] == want[i])
			continue;
		print_error("%s from %s (port %s): %s at %s (port %s)\n", sv_frame_kind_name(k),
			    nic[from], port[from], got[i] ? "ARRIVED" : "did not arrive",
			    nic[i], port[i]);
		ok = false;
	}
	assert_true(ok);
}

static void untagged_ip_between_guests_is_left_to_selinux(void **state)
{
	/* Here no SELinux refuses it; on a dom0 the IP hooks do. */
	const bool all[NIC_N] = { true, true, true, true };

	expect(*state, G10, SV_FRAME_IPV4, all);
	expect(*state, G20, SV_FRAME_IPV4, all);
}

static void frames_the_ip_hooks_never_see_do_not_cross_to_another_pair(void **state)
{
	/* To A's other port and the outside, not to B. */
	const bool from_a[NIC_N] = { false, true, false, true };
	const bool from_b[NIC_N] = { false, false, false, true };
	const enum sv_frame_kind kinds[] = { SV_FRAME_VID0, SV_FRAME_QINQ, SV_FRAME_PPPOE, SV_FRAME_ARP,
				    SV_FRAME_RAW, SV_FRAME_LLC };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		expect(*state, G10, kinds[i], from_a);
		expect(*state, G20, kinds[i], from_b);
	}
}

static void the_outside_still_reaches_every_guest_with_any_frame(void **state)
{
	const bool all[NIC_N] = { true, true, true, true };

	expect(*state, O9, SV_FRAME_ARP, all);
	expect(*state, O9, SV_FRAME_VID0, all);
	expect(*state, O9, SV_FRAME_RAW, all);
}

static void an_unlabelled_port_sends_nothing_anywhere(void **state)
{
	struct net *n = *state;
	const char *a0[] = { port[G10] };
	const bool none[NIC_N] = { false, false, false, false };
	const bool to_a0[NIC_N] = { true, true, true, true };
	struct sv_error err;
	char *cmds;

	if (!n)
		skip_because("needs root to make a network namespace with a bridge");
	assert_int_equal(sv_secmark_cmd_unlabelled(true, a0, 1, &cmds, &err), 0);
	run_nft(n, cmds);
	expect(n, G10, SV_FRAME_IPV4, none);
	expect(n, G10, SV_FRAME_ARP, none);
	/* What it receives still comes: only its own frames would pass as
	 * traffic of no guest. */
	expect(n, O9, SV_FRAME_IPV4, to_a0);
	assert_int_equal(sv_secmark_cmd_unlabelled(false, a0, 1, &cmds, &err), 0);
	run_nft(n, cmds);
	const bool all[NIC_N] = { true, true, true, true };

	expect(n, G10, SV_FRAME_IPV4, all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(untagged_ip_between_guests_is_left_to_selinux),
		cmocka_unit_test(frames_the_ip_hooks_never_see_do_not_cross_to_another_pair),
		cmocka_unit_test(the_outside_still_reaches_every_guest_with_any_frame),
		cmocka_unit_test(an_unlabelled_port_sends_nothing_anywhere),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
