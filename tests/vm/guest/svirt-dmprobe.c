/* svirt-dmprobe.c: a stand-in device model for the emulated Xen host. Started where qemu is (through
 * svirt-interpose, in a guest's label) with qemu's dm_restrict options, it opens the Xen nodes and the xenstore
 * socket as qemu does at start, restricts itself as qemu 7.2 does for those options (-chroot, then -runas), and
 * then tries to reach them again as code running in a restricted qemu would: plainly, through a device node of
 * its own, and out of the chroot. One line per attempt on stdout: "PHASE WHAT ok" or "PHASE WHAT errno NAME". */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

/* The xenstored socket as libxenstore 4.17 names it (XENSTORED_RUNDIR unset). */
#define XENSTORE_SOCKET "/var/run/xenstored/socket"

static const struct target {
	const char *what, *path;
} targets[] = {
	{ "privcmd", "/dev/xen/privcmd" },
	{ "gntdev", "/dev/xen/gntdev" },
	{ "evtchn", "/dev/xen/evtchn" },
	{ "xenbus", "/dev/xen/xenbus" },
	{ "xenstore-socket", XENSTORE_SOCKET },
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static int reached; /* opens that succeeded after the restriction */

static void report(const char *phase, const char *what, int rc, int err)
{
	if (rc == 0)
		printf("%s %s ok\n", phase, what);
	else
		printf("%s %s errno %s (%s)\n", phase, what, strerrorname_np(err) ? strerrorname_np(err) : "?",
		       strerror(err));
	fflush(stdout);
}

/* A real open (or connect, for the socket) of PATH; closes what it got. Returns 0 or -1 with errno. */
static int try_open(const char *path, int is_socket)
{
	int fd, rc, err;

	if (!is_socket) {
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return -1;
		close(fd);
		return 0;
	}
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

/* Every target, by its PATH as seen from where the process stands (PREFIX makes it relative). */
static void try_all(const char *phase, const char *prefix, int count)
{
	char path[256];

	for (size_t i = 0; i < NTARGETS; i++) {
		snprintf(path, sizeof(path), "%s%s", prefix, targets[i].path);
		int rc = try_open(path, strcmp(targets[i].what, "xenstore-socket") == 0);
		report(phase, targets[i].what, rc, errno);
		if (rc == 0 && count)
			reached++;
	}
}

static int parse_id(const char *s, const char *what, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || end == s || *end || *out > 0x7fffffffUL) {
		fprintf(stderr, "svirt-dmprobe: -runas: bad %s '%s' (only UID:GID, the form libxl passes)\n", what, s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *chroot_dir = NULL, *runas = NULL;
	int restrict_domid = 0;
	struct stat privcmd;
	int have_privcmd;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-xen-domid-restrict") == 0)
			restrict_domid = 1;
		else if (strcmp(argv[i], "-chroot") == 0 && i + 1 < argc)
			chroot_dir = argv[++i];
		else if (strcmp(argv[i], "-runas") == 0 && i + 1 < argc)
			runas = argv[++i];
	}
	if (!restrict_domid || !chroot_dir) {
		fprintf(stderr, "svirt-dmprobe: needs -xen-domid-restrict and -chroot DIR (what libxl gives a "
				"dm_restrict device model)\n");
		return 1;
	}

	/* The label it runs in, read while /proc is still in reach. */
	char ctx[256] = "";
	FILE *f = fopen("/proc/self/attr/current", "re");
	if (f) {
		if (!fgets(ctx, sizeof(ctx), f))
			ctx[0] = '\0';
		fclose(f);
	}
	printf("context %s\n", ctx[0] ? ctx : "unknown");

	/* qemu at start: every node and the socket, in the device model's label, before any restriction. */
	try_all("before", "", 0);
	have_privcmd = stat("/dev/xen/privcmd", &privcmd) == 0 && S_ISCHR(privcmd.st_mode);

	/* qemu 7.2's os_setup_post(): chroot and chdir first, then the uid change -runas asks for. */
	if (chroot(chroot_dir) != 0 || chdir("/") != 0) {
		fprintf(stderr, "svirt-dmprobe: cannot chroot to %s as qemu does: %s\n", chroot_dir, strerror(errno));
		return 1;
	}
	printf("restricted chroot %s\n", chroot_dir);
	if (runas) {
		char *colon = strchr(runas, ':');
		unsigned long uid, gid;
		if (!colon) {
			fprintf(stderr, "svirt-dmprobe: -runas %s: only UID:GID (no user database here)\n", runas);
			return 1;
		}
		*colon = '\0';
		if (parse_id(runas, "uid", &uid) || parse_id(colon + 1, "gid", &gid))
			return 1;
		gid_t g = (gid_t)gid;
		if (setgid(g) != 0 || setgroups(1, &g) != 0 || setuid((uid_t)uid) != 0) {
			fprintf(stderr, "svirt-dmprobe: cannot become %lu:%lu as qemu does: %s\n", uid, gid,
				strerror(errno));
			return 1;
		}
		if (setuid(0) == 0) {
			fprintf(stderr, "svirt-dmprobe: got root back after -runas\n");
			return 1;
		}
		printf("restricted uid %lu gid %lu\n", uid, gid);
	}
	fflush(stdout);

	/* The attacker, inside: the same paths again. */
	try_all("after", "", 1);

	/* A node of its own for privcmd's device number (what the stat above saw). */
	if (have_privcmd) {
		int rc = mknod("/svirt-dmprobe-privcmd", S_IFCHR | 0600, privcmd.st_rdev);
		report("node", "mknod", rc, errno);
		if (rc == 0) {
			rc = try_open("/svirt-dmprobe-privcmd", 0);
			report("node", "privcmd", rc, errno);
			if (rc == 0)
				reached++;
			unlink("/svirt-dmprobe-privcmd");
		}
	}

	/* Out of the chroot: a directory to chroot into leaves the working directory outside the new root,
	 * and ".." from there climbs to the real one. */
	int rc = mkdir("/svirt-dmprobe-escape", 0700);
	report("escape", "mkdir", rc, errno);
	if (rc == 0 || errno == EEXIST) {
		rc = chroot("/svirt-dmprobe-escape");
		report("escape", "chroot", rc, errno);
		if (rc == 0) {
			for (int i = 0; i < 64; i++)
				if (chdir("..") != 0)
					break;
			rc = chroot(".");
			report("escape", "chroot-out", rc, errno);
			/* Relative paths from the working directory, whether or not that last chroot worked. */
			try_all("escaped", ".", 1);
		}
	}

	printf("reached %d\n", reached);
	return reached ? 3 : 0;
}
