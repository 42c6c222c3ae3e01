/* tmpfs.c: the private tmpfs the xattr tests run on (test_relabel, test_domain and
 * the svirtd host tests), in a mount namespace of their own so nothing outside changes. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tmpfs.h"

/* Why a file on top cannot hold the xattrs the tests use, or NULL. */
static const char *probe(const char *top, const char *const labels[])
{
	char path[4096];
	const char *why = NULL;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/probe", top) >=
	    sizeof(path))
		return "path of the tmpfs too long";
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		       0644)) < 0)
		return "cannot create a file on the tmpfs";
	close(fd);
	if (setxattr(path, "trusted.svirt-probe", "1", 1, 0) != 0)
		why = "this tmpfs has no trusted.* xattrs";
	for (size_t i = 0; !why && labels && labels[i]; i++)
		if (setxattr(path, "security.selinux", labels[i],
			     strlen(labels[i]) + 1, 0) != 0)
			why = "security.selinux cannot be set to the test labels "
			      "(no xattr support, or an SELinux policy without "
			      "them)";
	unlink(path);
	return why;
}

const char *tmpfs_private(char *top, size_t len, const char *name,
			  const char *const labels[])
{
	const char *why;

	top[0] = '\0';
	if (geteuid() != 0)
		return "not root: a private tmpfs and trusted.* xattrs need "
		       "CAP_SYS_ADMIN";
	if (unshare(CLONE_NEWNS) != 0)
		return "unshare(CLONE_NEWNS) failed";
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return "cannot make / private in the new mount namespace";
	if ((size_t)snprintf(top, len, "/tmp/%s-XXXXXX", name) >= len) {
		top[0] = '\0';
		return "name of the tmpfs too long";
	}
	if (!mkdtemp(top)) {
		top[0] = '\0';
		return "mkdtemp failed";
	}
	if (mount("tmpfs", top, "tmpfs", 0, "mode=0755") != 0) {
		rmdir(top);
		top[0] = '\0';
		return "cannot mount a tmpfs";
	}
	if ((why = probe(top, labels)))
		tmpfs_remove(top);
	return why;
}

void tmpfs_remove(char *top)
{
	if (!top[0])
		return;
	umount2(top, MNT_DETACH);
	rmdir(top);
	top[0] = '\0';
}
