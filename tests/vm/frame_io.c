/* frame_io.c: crafted frames sent and counted through a packet socket (frame_io.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../unit/frames.h"
#include "frame_io.h"

static int packet_socket(const char *prog, const char *iface, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	*sll = (struct sockaddr_ll){ .sll_family = AF_PACKET,
				     .sll_protocol = htons(ETH_P_ALL),
				     .sll_ifindex = (int)if_nametoindex(iface),
				     .sll_halen = 6 };
	if (fd < 0 || sll->sll_ifindex == 0 ||
	    bind(fd, (struct sockaddr *)sll, sizeof(*sll)) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, iface, strerror(errno));
		return -1;
	}
	return fd;
}

int sv_frame_main(const char *prog, int argc, char **argv)
{
	struct sockaddr_ll sll;
	uint8_t f[2048];
	int fd, k;

	if (argc == 5 && strcmp(argv[1], "send") == 0) {
		size_t len;

		if ((k = sv_frame_kind_parse(argv[3])) < 0) {
			fprintf(stderr, "%s: no frame kind %s\n", prog, argv[3]);
			return 2;
		}
		if ((fd = packet_socket(prog, argv[2], &sll)) < 0)
			return 1;
		memset(sll.sll_addr, 0xff, 6);
		len = sv_frame_build(f, (enum sv_frame_kind)k, (uint16_t)atoi(argv[4]));
		if (sendto(fd, f, len, 0, (struct sockaddr *)&sll, sizeof(sll)) != (ssize_t)len) {
			fprintf(stderr, "%s: send: %s\n", prog, strerror(errno));
			return 1;
		}
		return 0;
	}
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "recv") == 0) {
		struct timespec t0, t;
		long ms = atol(argv[3]), spent = 0;
		long last = argc == 5 ? atol(argv[4]) : -1;

		if ((fd = packet_socket(prog, argv[2], &sll)) < 0)
			return 1;
		setvbuf(stdout, NULL, _IOLBF, 0);
		printf("listening\n");
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (spent < ms) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			struct sockaddr_ll from;
			socklen_t fl = sizeof(from);
			uint16_t seq;
			ssize_t n;

			if (poll(&p, 1, (int)(ms - spent)) > 0 &&
			    (n = recvfrom(fd, f, sizeof(f), 0, (struct sockaddr *)&from, &fl)) > 0 &&
			    from.sll_pkttype != PACKET_OUTGOING &&
			    sv_frame_seq(f, (size_t)n, &seq)) {
				printf("got %u\n", seq);
				if (seq == last)
					break;
			}
			clock_gettime(CLOCK_MONOTONIC, &t);
			spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		}
		return 0;
	}
	fprintf(stderr, "usage: %s [send IFACE KIND SEQ | recv IFACE MS [LAST]]\n", prog);
	return 2;
}

