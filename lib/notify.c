/* notify.c: readiness datagrams to $NOTIFY_SOCKET (sd_notify(3)'s protocol), and JOURNAL_STREAM.
 * A dozen lines instead of libsystemd: sysvinit and OpenEmbedded builds of svirtd need no systemd. */
#include "notify.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sv_notify_addr(const char *value, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = value ? strlen(value) : 0;

	if (n < 2 || (value[0] != '/' && value[0] != '@') ||
	    n > sizeof(sa->sun_path) - (value[0] == '/'))
		return -EINVAL;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, value, n);
	if (value[0] == '@')
		sa->sun_path[0] = '\0';	/* an abstract name: no NUL after it */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
			   (value[0] == '/'));
	return 0;
}

int sv_notify(const char *state)
{
	const char *value = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	ssize_t n;
	int fd, r;

	if (!value)
		return 0;
	if ((r = sv_notify_addr(value, &sa, &len)) < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (struct sockaddr *)&sa, len);
	r = n < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* A decimal number at s, digits only (strtoumax alone takes blanks and signs). */
static bool number(const char *s, uintmax_t *v, const char **end)
{
	char *e;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoumax(s, &e, 10);
	*end = e;
	return errno == 0;
}

bool sv_journal_stream_is(const char *value, int fd)
{
	uintmax_t dev, ino;
	const char *end;
	struct stat st;

	if (!value || !number(value, &dev, &end) || *end != ':' ||
	    !number(end + 1, &ino, &end) || *end || fstat(fd, &st) < 0)
		return false;
	return dev == (uintmax_t)st.st_dev && ino == (uintmax_t)st.st_ino;
}
