/* interpose.h: svirt-interpose, which stands between libxl and qemu-dm and
 * execs qemu in its guest's SELinux label, or refuses to start it at all. */
#ifndef SVIRT_INTERPOSE_H
#define SVIRT_INTERPOSE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/un.h>

#include "error.h"

/* A -chardev socket qemu would listen on at a path (libxl 4.17: the QMP
 * sockets /run/xen/qmp-libxl-<domid> without dm_restrict and
 * qmp-libxenstat-<domid> always; a guest's socket channels).  The interposer
 * makes it and hands qemu the descriptor instead (fd=N), so a device model
 * never adds a name to a directory (policy/README.md). */
#define SV_DM_LISTEN_MAX 16
struct sv_dm_listen {
	int argi;		/* the -chardev argument's index in argv */
	size_t start, end;	/* its "path=..." element: [start, end) */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/* What the interposer needs from qemu's command line. */
struct sv_dm_args {
	int domid;		/* -xen-domid: 0 (dom0's own qemu) or a guest,
				 * 1..SV_CONTROL_DOMID_MAX */
	bool restricted;	/* -xen-domid-restrict (libxl's dm_restrict=1) */
	int nlisten;		/* sockets qemu would listen on at a path */
	struct sv_dm_listen listen[SV_DM_LISTEN_MAX];
};

/* Reads argv the way qemu does: argv[0] is skipped, "--opt" means "-opt",
 * and an option that takes an argument consumes the next element whatever
 * it holds, so a guest named "-xen-domid-restrict" is a name, not the flag.
 * -EINVAL (err says why, *out untouched) for a missing, repeated or invalid
 * -xen-domid, a repeated -xen-domid-restrict, an option missing its argument,
 * or an option qemu 7.2 does not have (its argument count is unknown, so the
 * rest of argv cannot be read safely). */
int sv_dm_args_parse(int argc, char *const argv[], struct sv_dm_args *out,
		     struct sv_error *err);

/* One -chardev argument, read as qemu's option parser reads it
 * ("backend,key=value,...", ",," a comma inside a value, a bare "key" for
 * key=on, "nokey" for key=off).  1, with *out filled (argi left alone), for a
 * socket qemu would listen on at a path; 0 for one it would make no name for
 * (another backend, a client, an fd, an abstract address); -EINVAL (err says
 * why) for a repeated backend, path, server, fd or abstract, an empty option
 * name, a boolean qemu would not take, path together with fd, or a path that
 * is empty or does not fit a socket address. */
int sv_dm_chardev_parse(const char *s, struct sv_dm_listen *out,
			struct sv_error *err);

/* The sockets of args->listen, made for qemu. */
struct sv_dm_bound {
	int n;			/* how many are made (fds[0..n-1]) */
	int fds[SV_DM_LISTEN_MAX];
	char *strs[SV_DM_LISTEN_MAX];	/* the rewritten -chardev arguments */
	char **argv;		/* argv with them in place; NULL-terminated */
};

/* For each socket of args->listen: removes what is at its path (as qemu
 * itself would before binding), binds and listens on a new socket there in
 * the caller's label, and builds argv with that element replaced by
 * "fd=N" (the descriptor is left open across exec).  0 with *b filled, or
 * -errno (err names the domain and path) with nothing left made. */
int sv_dm_listen_open(const struct sv_dm_args *args, int argc,
		      char *const argv[], struct sv_dm_bound *b,
		      struct sv_error *err);
/* Undoes sv_dm_listen_open: closes the sockets, removes their names. */
void sv_dm_listen_undo(const struct sv_dm_args *args, struct sv_dm_bound *b);

/* /etc/svirt/interpose.conf (xl.cfg syntax, every key optional). */
#define SV_INTERPOSE_CONF "/etc/svirt/interpose.conf"
/* The device model libxl 4.17 (Debian) runs when nothing overrides it. */
#define SV_INTERPOSE_QEMU "/usr/libexec/xen-qemu-system-i386"
/* Where a divert install moves the real qemu aside. */
#define SV_INTERPOSE_DIVERT_SUFFIX ".real"
#define SV_INTERPOSE_WAIT_DEFAULT 30

struct sv_interpose_conf {
	char qemu[PATH_MAX];	/* "" until resolved: the default, or .real */
	char socket[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned wait_seconds;	/* 1..SV_CONTROL_WAIT_MAX */
	bool require_restrict;	/* refuse qemu without -xen-domid-restrict */
	bool allow_disabled;	/* SELinux (provably) disabled: exec unlabelled */
};

/* Defaults, then path's keys over them; a missing file is the defaults.
 * -EINVAL (err names the file and key) for a bad or unknown key, -errno
 * if the file exists but cannot be read.  *out untouched on failure. */
int sv_interpose_conf_load(const char *path, struct sv_interpose_conf *out,
			   struct sv_error *err);

/* The real qemu when the config names none: SV_INTERPOSE_QEMU, unless self
 * (the running interposer, /proc/self/exe) is installed at that very path,
 * in which case it is SV_INTERPOSE_QEMU".real" (the divert install).  Writes
 * size bytes at most; -ENAMETOOLONG if it does not fit. */
int sv_interpose_default_qemu(const char *self, const char *compiled,
			      char *buf, size_t size);

/* What the interposer knows of SELinux.  UNKNOWN (the kernel has SELinux
 * but selinuxfs is not mounted where we run, or /proc/filesystems cannot be
 * read) is never taken for DISABLED: qemu is then refused. */
enum {
	SV_SELINUX_UNKNOWN = -2,
	SV_SELINUX_DISABLED = -1,
	SV_SELINUX_PERMISSIVE = 0,
	SV_SELINUX_ENFORCING = 1,
};

/* The mode from is_selinux_enabled()'s answer, security_getenforce()'s (read
 * only when enabled > 0; anything but 0 counts as enforcing) and the list of
 * registered file systems at filesystems ("/proc/filesystems"): DISABLED only
 * when that list was read whole and lacks selinuxfs. */
int sv_interpose_selinux_probe(int enabled, int enforce,
			       const char *filesystems);

/* The SELinux calls, behind a table so host tests can stand in for them. */
struct sv_interpose_ops {
	/* one of SV_SELINUX_* */
	int (*selinux_mode)(void *arg);
	/* 0, or -errno; the next execve runs in ctx */
	int (*set_exec_context)(const char *ctx, void *arg);
	void *arg;
};

/* The real libselinux calls. */
extern const struct sv_interpose_ops sv_interpose_selinux_ops;

/* Asks svirtd for the guest's label, sets it for exec and execs conf->qemu
 * with envp unchanged and argv too (argv[0] as well: qemu ignores it, and
 * libxl's ps listing stays the same), except that each -chardev socket qemu
 * would listen on at a path is made here and given as fd=N (sv_dm_listen_open).
 * -xen-domid 0, dom0's own qemu, is exec'd
 * unchanged in the caller's label, with a notice on stderr.  Returns only on failure: -errno with err
 * holding the one-line reason.  Never execs anything after a refusal. */
int sv_interpose_run(const struct sv_interpose_conf *conf,
		     const struct sv_interpose_ops *ops, int argc,
		     char *const argv[], char *const envp[],
		     struct sv_error *err);

#endif
