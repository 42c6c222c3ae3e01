/* link.h: link events from the kernel (RTNLGRP_LINK on a NETLINK_ROUTE socket), read and
 * parsed in one place: an interface's name, whether it is up, whether it is gone. */
#ifndef SVIRT_LINK_H
#define SVIRT_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

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

#endif
