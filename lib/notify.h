/* notify.h: telling the service manager svirtd is ready, in systemd's NOTIFY_SOCKET protocol
 * (one datagram "READY=1"), spoken here without libsystemd; and where stderr is the journal. */
#ifndef SVIRT_NOTIFY_H
#define SVIRT_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/* The address in a NOTIFY_SOCKET value: a path ("/run/...") or an abstract
 * name ("@name").  -EINVAL for anything else (empty, relative, too long). */
int sv_notify_addr(const char *value, struct sockaddr_un *sa, socklen_t *len);

/* Sends state ("READY=1", "STOPPING=1", ...) to $NOTIFY_SOCKET: 0 once sent,
 * or when no service manager asked (no NOTIFY_SOCKET); -errno otherwise. */
int sv_notify(const char *state);

/* Whether a JOURNAL_STREAM value ("DEV:INO", set by systemd for a service
 * whose output goes to the journal) names the file open on fd. */
bool sv_journal_stream_is(const char *value, int fd);

#endif
