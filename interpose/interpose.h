/* interpose.h: svirt-interpose, which stands between libxl and qemu-dm and
 * execs qemu in its guest's SELinux label, or refuses to start it at all. */
#ifndef SVIRT_INTERPOSE_H
#define SVIRT_INTERPOSE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/un.h>

#include "error.h"

/* What the interposer needs from qemu's command line. */
struct sv_dm_args {
	int domid;		/* -xen-domid: 0 (dom0's own qemu) or a guest,
				 * 1..SV_CONTROL_DOMID_MAX */
	bool restricted;	/* -xen-domid-restrict (libxl's dm_restrict=1) */
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
 * with argv and envp unchanged (argv[0] too: qemu ignores it, and libxl's
 * ps listing stays the same).  -xen-domid 0, dom0's own qemu, is exec'd
 * unchanged in the caller's label, with a notice on stderr.  Returns only on failure: -errno with err
 * holding the one-line reason.  Never execs anything after a refusal. */
int sv_interpose_run(const struct sv_interpose_conf *conf,
		     const struct sv_interpose_ops *ops, int argc,
		     char *const argv[], char *const envp[],
		     struct sv_error *err);

#endif
