/* link.h: link events from the kernel (RTNLGRP_LINK on a NETLINK_ROUTE socket), read and
 * parsed in one place (an interface's name, whether it is up or gone); and setting one down. */
#ifndef SVIRT_LINK_H
#define SVIRT_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct sv_link_event {
	char name[IFNAMSIZ];
	bool up;	/* IFF_UP: administratively up */
	bool gone;	/* RTM_DELLINK */
};

typedef int (*sv_link_fn)(void *arg, const struct sv_link_event *ev);

/* A non-blocking socket subscribed to link events. */
int sv_link_open(int *fd, struct sv_error *err);

/* One buffer as the kernel handed it over: each RTM_NEWLINK and RTM_DELLINK
 * message to fn (in order; fn's negative return stops and is returned);
 * other messages are skipped.  A truncated message, or one without a valid
 * interface name, is -EBADMSG, err says which. */
int sv_link_parse(const void *buf, size_t len, sv_link_fn fn, void *arg,
		  struct sv_error *err);

/* Everything queued on fd, parsed.  -ENOBUFS: the socket overflowed and
 * events were lost (the caller must look at every link it cares about). */
int sv_link_read(int fd, sv_link_fn fn, void *arg, struct sv_error *err);

/* The kernel's answer to request seq in one buffer read from a NETLINK_ROUTE
 * socket: 1 with *kerr its 0 (done) or -errno; 0 when the buffer holds no
 * answer to seq; -EBADMSG (err says why) for a truncated message or an
 * error code out of range. */
int sv_link_parse_ack(const void *buf, size_t len, uint32_t seq, int *kerr,
		      struct sv_error *err);

/* Interface name set administratively down (RTM_NEWLINK clearing IFF_UP),
 * in the caller's network namespace, once the kernel has acknowledged it:
 * its NETDEV_DOWN handlers, NetLabel's among them, have run by then.  An
 * interface already down is 0; -ENODEV when there is none of that name;
 * otherwise the kernel's -errno (err says which). */
int sv_link_set_down(const char *name, struct sv_error *err);

#endif
