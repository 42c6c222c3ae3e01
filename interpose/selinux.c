/* selinux.c: how the interposer learns whether SELinux is on, and the calls
 * it makes to it.  "Disabled" only on positive proof; otherwise "unknown". */
#include "interpose.h"

#include <errno.h>
#include <fcntl.h>
#include <selinux/selinux.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* The kernel registers selinuxfs only when SELinux is enabled at boot, and
 * /proc/filesystems lists every registered file system whatever the mount
 * namespace: so it tells "disabled" apart from "not mounted here". */
static int selinuxfs_registered(const char *filesystems)
{
	_cleanup_close_ int fd = open(filesystems, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char buf[8192];
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		return -errno;
	if (len == sizeof(buf) - 1)
		return -EFBIG;	/* cut short: absence would prove nothing */
	buf[len] = '\0';
	for (char *line = buf, *nl; *line; line = nl + 1) {
		char *name;

		if (!(nl = strchr(line, '\n')))
			return -EPROTO;	/* a last line without its end */
		*nl = '\0';
		name = strrchr(line, '\t');
		if (strcmp(name ? name + 1 : line, "selinuxfs") == 0)
			return 1;
	}
	return 0;
}

int sv_interpose_selinux_probe(int enabled, int enforce,
			       const char *filesystems)
{
	int r;

	if (enabled > 0)
		/* Unknown enforcement counts as enforcing: fail closed. */
		return enforce == 0 ? SV_SELINUX_PERMISSIVE : SV_SELINUX_ENFORCING;
	r = selinuxfs_registered(filesystems);
	return r == 0 ? SV_SELINUX_DISABLED : SV_SELINUX_UNKNOWN;
}

static int real_selinux_mode(void *arg)
{
	int enabled = is_selinux_enabled();

	(void)arg;
	return sv_interpose_selinux_probe(enabled,
					  enabled > 0 ? security_getenforce() : -1,
					  "/proc/filesystems");
}

static int real_set_exec_context(const char *ctx, void *arg)
{
	(void)arg;
	/* Raw: svirtd's labels are raw contexts, never mcstrans names. */
	return setexeccon_raw(ctx) == 0 ? 0 : -errno;
}

const struct sv_interpose_ops sv_interpose_selinux_ops = {
	.selinux_mode = real_selinux_mode,
	.set_exec_context = real_set_exec_context,
};
