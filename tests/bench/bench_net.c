/* bench_net.c: svirtd's nftables side in a private network namespace: per-vif setup
 * latency (one transaction) and bridged frames per second with 1 and 1000 ports mapped. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "secmark.h"

/*
 * Secmark objects need a kernel with SELinux, which this machine may not
 * have; the map here carries marks instead of secmark objects.  The rules
 * and the map (a hash keyed on the port name, looked up twice a frame) are
 * svirtd's, so the cost per frame and its growth with the map are the same.
 * The emulated SELinux host runs the real secmark tables (make check-vm).
 */
#define FRAMES_SECONDS 2.0
#define SETUPS 200

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int sh(const char *cmd)
{
	int r = system(cmd);

	if (r != 0)
		fprintf(stderr, "bench_net: \"%s\" failed\n", cmd);
	return r;
}

static int run(struct sv_secmark *s, const char *cmds)
{
	struct sv_error err;

	if (sv_secmark_run(s, cmds, &err) < 0) {
		fprintf(stderr, "bench_net: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static const char table[] =
	"add table bridge svirt\n"
	"add set bridge svirt ports { type ifname ; }\n"
	"add map bridge svirt port_mark { type ifname : mark ; }\n"
	"add chain bridge svirt forward { type filter hook forward priority -200 ; policy accept ; }\n"
	"add rule bridge svirt forward meta mark set iifname map @port_mark\n"
	"add rule bridge svirt forward meta mark set oifname map @port_mark\n";

/* n ports in the map: the two real ones and n - 2 others, in batches. */
static int fill(struct sv_secmark *s, unsigned n)
{
	char *buf = malloc(64 * 128 + 256);
	size_t len;

	if (!buf)
		return -1;
	for (unsigned i = 2; i < n;) {
		len = (size_t)sprintf(buf, "add element bridge svirt port_mark { ");
		for (unsigned k = 0; k < 128 && i < n; k++, i++)
			len += (size_t)sprintf(buf + len, "%s\"vif%u.0\" : 0x%x", k ? ", " : "",
					       1000 + i, i);
		sprintf(buf + len, " }\n");
		if (run(s, buf) < 0) {
			free(buf);
			return -1;
		}
	}
	free(buf);
	return 0;
}

/* Frames bridged from pa (sent raw on ga) to pb, per second. */
static double frames_per_second(void)
{
	unsigned char frame[64] = { 0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa,
				    0x88, 0xb5 };	/* local experimental ethertype */
	struct sockaddr_ll to = { .sll_family = AF_PACKET };
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	unsigned long sent = 0;
	double t0, t;

	if (fd < 0)
		return -1;
	to.sll_ifindex = (int)if_nametoindex("ga");
	to.sll_halen = 6;
	memcpy(to.sll_addr, frame, 6);
	t0 = now();
	do {
		for (int i = 0; i < 256; i++)
			if (sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&to,
				   sizeof(to)) == (ssize_t)sizeof(frame))
				sent++;
		t = now();
	} while (t - t0 < FRAMES_SECONDS);
	close(fd);
	return (double)sent / (t - t0);
}

static unsigned long forwarded(void)
{
	FILE *p = popen("ip -s link show gb | awk 'f { print $2; exit } /RX:/ { f = 1 }'", "r");
	unsigned long n = 0;

	if (p) {
		if (fscanf(p, "%lu", &n) != 1)
			n = 0;
		pclose(p);
	}
	return n;
}

static double measure(unsigned n, struct sv_secmark *s)
{
	unsigned long before;
	double t0, pps_sent, t;

	if (run(s, "add table bridge svirt\ndelete table bridge svirt\n") < 0 ||
	    run(s, table) < 0 ||
	    run(s, "add element bridge svirt port_mark { \"pa\" : 0x1, \"pb\" : 0x2 }\n") < 0 ||
	    fill(s, n) < 0)
		return -1;
	before = forwarded();
	t0 = now();
	pps_sent = frames_per_second();
	t = now() - t0;
	if (pps_sent < 0)
		return -1;
	return (double)(forwarded() - before) / t;
}

int main(void)
{
	struct sv_secmark *s;
	struct sv_error err;
	double t0, per_vif, one, thousand;
	char cmd[256];

	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0) {
		printf("bench_net: SKIP: needs root for a private network namespace\n");
		return 77;	/* skipped: make bench counts it */
	}
	/* ga-pa and gb-pb are veth pairs; pa and pb are ports of br0; frames
	 * sent on ga cross the bridge (forward hook) to pb and arrive on gb. */
	if (sh("ip link add br0 type bridge && ip link set br0 up && "
	       "ip link add ga type veth peer name pa && ip link add gb type veth peer name pb && "
	       "ip link set pa master br0 && ip link set pb master br0 && "
	       "for l in ga gb pa pb; do ip link set $l up; done && "
	       "bridge fdb add 02:00:00:00:00:bb dev pb master static") != 0)
		return 1;
	if (sv_secmark_open(&s, &err) < 0) {
		fprintf(stderr, "bench_net: %s\n", err.msg);
		return 1;
	}
	/* One vif's transaction as svirtd runs it (set and map element). */
	if (run(s, table) < 0)
		return 1;
	t0 = now();
	for (int i = 0; i < SETUPS; i++) {
		snprintf(cmd, sizeof(cmd), "add element bridge svirt ports { \"vif%d.0\" }\n"
			 "add element bridge svirt port_mark { \"vif%d.0\" : 0x%x }\n",
			 i + 1, i + 1, i + 1);
		if (run(s, cmd) < 0)
			return 1;
	}
	per_vif = (now() - t0) / SETUPS;
	one = measure(2, s);
	thousand = measure(1000, s);
	if (one <= 0 || thousand <= 0) {
		fprintf(stderr, "bench_net: no frames crossed the bridge\n");
		return 1;
	}
	printf("bench_net: per-vif nft transaction (set + map element): %.2f ms "
	       "(mean of %d; NetLabel adds two genl requests)\n", per_vif * 1e3, SETUPS);
	printf("bench_net: bridged frames/s through svirtd's port map: "
	       "%.0f with 1 guest port, %.0f with 1000 (ratio %.2f)\n",
	       one, thousand, thousand / one);
	sv_secmark_close(s);
	return 0;
}
