/* svirt-flask-label-double.c: svirt-flask-label's stand-in for svirtd's host tests, where no
 * hypervisor answers: domain N's Flask label is the file $SVIRTD_FLASK_LABELS/N (svirtd passes
 * that one variable on only in its test build, build/svirtd-flask-double). Never installed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flask_label.h"
#include "outside.h"

int main(int argc, char **argv)
{
	const char *dir = getenv("SVIRTD_FLASK_LABELS");
	char path[4200], buf[SV_FLASK_LABEL_MAX + 1];
	unsigned domid;
	ssize_t n;
	int fd;

	if (argc != 2 || sv_outside_domid_parse(argv[1], &domid) < 0)
		return SV_FLASK_EXIT_USAGE;
	/* "Flask on" is the directory being named. */
	if (!dir)
		return SV_FLASK_EXIT_NO_FLASK;
	snprintf(path, sizeof(path), "%s/%u", dir, domid);
	/* A missing file is a domain Xen labelled with its initial SID's
	 * default (domU_t at s0 in Xen's reference policy): no pair. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno != ENOENT)
			return SV_FLASK_EXIT_ERROR;
		printf("system_u:system_r:domU_t:s0\n");
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return SV_FLASK_EXIT_ERROR;
	buf[n] = '\0';
	/* What Xen hands back is a C string: bytes past a NUL are lost. */
	printf("%s\n", buf);
	return 0;
}
