/* frames.c: crafted Ethernet frames for the bridge tests and the emulated hosts'
 * scenarios; built byte by byte, never through the kernel's own tagging. */
#include <net/ethernet.h>
#include <string.h>

#include "frames.h"

static const char *const names[SV_FRAME_KINDS] = {
	"ipv4", "vid0", "qinq", "pppoe", "arp", "raw", "llc",
};

const char *sv_frame_kind_name(enum sv_frame_kind k)
{
	return k < SV_FRAME_KINDS ? names[k] : "?";
}

int sv_frame_kind_parse(const char *name)
{
	for (int k = 0; k < SV_FRAME_KINDS; k++)
		if (strcmp(name, names[k]) == 0)
			return k;
	return -1;
}

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

/* A broadcast UDP packet with a right header checksum (br_netfilter drops
 * bad ones before anything else looks). */
static size_t put_ipv4(uint8_t *p)
{
	static const uint8_t ip[28] = {
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,
		10, 99, 0, 11, 255, 255, 255, 255,
		0x30, 0x39, 0x30, 0x39, 0, 8, 0, 0,
	};
	uint32_t sum = 0;

	memcpy(p, ip, sizeof(ip));
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(p + 10, (uint16_t)~sum);
	return sizeof(ip);
}

static const uint8_t mac_prefix[4] = { 0x02, 0x5e, 0x5e, 0x00 };

size_t sv_frame_build(uint8_t *f, enum sv_frame_kind k, uint16_t seq)
{
	size_t l;

	memset(f, 0, SV_FRAME_MAX);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac_prefix, sizeof(mac_prefix));
	put16(f + 10, seq);
	l = 12;
	switch (k) {
	case SV_FRAME_IPV4:
		l += put16(f + l, ETHERTYPE_IP);
		l += put_ipv4(f + l);
		break;
	case SV_FRAME_VID0:	/* priority tag: Linux takes it as untagged */
		l += put16(f + l, ETHERTYPE_VLAN);
		l += put16(f + l, 0);
		l += put16(f + l, ETHERTYPE_IP);
		l += put_ipv4(f + l);
		break;
	case SV_FRAME_QINQ:
		l += put16(f + l, 0x88a8);
		l += put16(f + l, 5);
		l += put16(f + l, ETHERTYPE_VLAN);
		l += put16(f + l, 7);
		l += put16(f + l, ETHERTYPE_IP);
		l += put_ipv4(f + l);
		break;
	case SV_FRAME_PPPOE:
		l += put16(f + l, 0x8864);
		f[l++] = 0x11;			/* version 1, type 1 */
		f[l++] = 0;			/* session data */
		l += put16(f + l, 0x1234);	/* session id */
		l += put16(f + l, 30);		/* PPP protocol + IPv4 */
		l += put16(f + l, 0x0021);
		l += put_ipv4(f + l);
		break;
	case SV_FRAME_ARP:
		l += put16(f + l, ETHERTYPE_ARP);
		l += put16(f + l, 1);
		l += put16(f + l, ETHERTYPE_IP);
		f[l++] = 6;
		f[l++] = 4;
		l += put16(f + l, 1);
		memcpy(f + l, f + 6, 6);
		l += 6;
		memcpy(f + l, (const uint8_t[]){ 10, 99, 0, 11 }, 4);
		l += 4 + 6;
		memcpy(f + l, (const uint8_t[]){ 10, 99, 0, 21 }, 4);
		l += 4;
		break;
	case SV_FRAME_RAW:
		l += put16(f + l, 0x88b5);	/* local experimental */
		memcpy(f + l, "svirt", 5);
		l += 5;
		break;
	case SV_FRAME_LLC:
		/* A length, not a type; SAP 0xf0 (NetBIOS), not 0x42, which
		 * is the bridges' own STP. */
		l += put16(f + l, 46);
		f[l++] = 0xf0;
		f[l++] = 0xf0;
		f[l++] = 0x03;
		break;
	default:
		break;
	}
	return l < 60 ? 60 : l;
}

bool sv_frame_seq(const uint8_t *f, size_t len, uint16_t *seq)
{
	if (len < 12 || memcmp(f + 6, mac_prefix, sizeof(mac_prefix)) != 0)
		return false;
	*seq = (uint16_t)(f[10] << 8 | f[11]);
	return true;
}
