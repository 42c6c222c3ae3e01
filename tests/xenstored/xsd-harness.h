/* xsd-harness.h: lets a host test start the test xenstore server on a private
 * socket, point libxenstore (XENSTORED_PATH) at it, and stop it again. */
#ifndef XSD_HARNESS_H
#define XSD_HARNESS_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct xsd_harness {
	pid_t pid;
	char dir[PATH_MAX];    /* private directory holding the socket */
	char socket[PATH_MAX];
};

/* The server binary: $SVIRT_XSD, else "xsd" in the parent directory of the
 * running test's own directory (build/check/test_x -> build/xsd). */
int xsd_harness_binary(char *buf, size_t len);

/* Starts bin (NULL: xsd_harness_binary()) and returns once it is listening,
 * with XENSTORED_PATH set for xs_open(0). Negative errno on failure. */
int xsd_harness_start(struct xsd_harness *h, const char *bin);

/* Sends SIGTERM and waits: 0 only if the server was still alive, exited 0
 * and removed its socket. XENSTORED_PATH is unset. */
int xsd_harness_stop(struct xsd_harness *h);

#endif
