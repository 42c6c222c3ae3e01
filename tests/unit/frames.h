/* frames.h: crafted Ethernet frames a guest might send to slip past the IP hooks
 * (tagged, double-tagged, PPPoE, ARP, raw ethertypes), each marked by its source MAC. */
#ifndef SVIRT_TEST_FRAMES_H
#define SVIRT_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sv_frame_kind {
	SV_FRAME_IPV4, SV_FRAME_VID0, SV_FRAME_QINQ, SV_FRAME_PPPOE,
	SV_FRAME_ARP, SV_FRAME_RAW, SV_FRAME_LLC, SV_FRAME_KINDS
};

#define SV_FRAME_MAX 128

/* "ipv4", "vid0", "qinq", "pppoe", "arp", "raw", "llc". */
const char *sv_frame_kind_name(enum sv_frame_kind k);
/* -1 for an unknown name. */
int sv_frame_kind_parse(const char *name);
/* A broadcast frame of kind k whose source MAC carries seq; its length
 * (at least 60, at most SV_FRAME_MAX). */
size_t sv_frame_build(uint8_t *f, enum sv_frame_kind k, uint16_t seq);
/* Whether f is one of these frames; its seq then. */
bool sv_frame_seq(const uint8_t *f, size_t len, uint16_t *seq);

#endif
