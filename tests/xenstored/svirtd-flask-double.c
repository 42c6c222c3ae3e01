/* svirtd-flask-double.c: xenstore-watch/flask.c's stand-in for svirtd's host tests, where no
 * hypervisor answers libxl: domain N's Flask label is the file $SVIRTD_FLASK_LABELS/N. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../xenstore-watch/svirtd.h"

/* Stands for the hypervisor: "Flask on" is the directory being named. */
struct svd_flask {
	char dir[256];
};

int svd_flask_open(struct svirtd *s)
{
	const char *dir = getenv("SVIRTD_FLASK_LABELS");

	if (!dir)
		return 0;
	if (!(s->flask = calloc(1, sizeof(*s->flask))))
		return -ENOMEM;
	snprintf(s->flask->dir, sizeof(s->flask->dir), "%s", dir);
	sv_log(&s->log, LOG_INFO, "Flask labels from %s (test double)", dir);
	return 0;
}

void svd_flask_close(struct svirtd *s)
{
	free(s->flask);
	s->flask = NULL;
}

/* A missing file is a domain Xen labelled with its initial SID's default
 * (domU_t at s0 in Xen's reference policy): a label with no pair. */
int svd_flask_label(struct svirtd *s, int domid, char **label,
		    struct sv_error *err)
{
	char path[300], buf[4096];
	ssize_t n;
	int fd;

	*label = NULL;
	if (!s->flask)
		return 0;
	snprintf(path, sizeof(path), "%s/%d", s->flask->dir, domid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno != ENOENT)
			return sv_fail(err, errno, "%s: %s", path,
				       strerror(errno));
		*label = strdup("system_u:system_r:domU_t:s0");
		return *label ? 1 : -ENOMEM;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return sv_fail(err, EIO, "%s: %s", path, strerror(errno));
	buf[n] = '\0';
	/* What Xen hands back is a C string: bytes past a NUL are lost. */
	*label = strdup(buf);
	return *label ? 1 : -ENOMEM;
}
