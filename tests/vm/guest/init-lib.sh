# tests/vm/guest/init-lib.sh: boot steps shared by the emulated hosts' init scripts (/usr/lib/svirt-vm/).
# Sourced by init-stage1 (/init), the hosts' /sbin/init and their boot scripts; progress lines start with "vm-init:".

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C TERM=dumb

say() { echo "vm-init: $*"; }

power_off() {
	sync
	poweroff -f
	sleep 10
	echo o >/proc/sysrq-trigger
}

# A host that is not what the scenarios expect must not run them: say why and stop.
boot_failed() {
	say "FATAL: $*"
	power_off
}

# Any failing boot step stops the host with the command that failed, instead of
# PID 1 exiting into a kernel panic that says nothing about why.
trap_boot_errors() {
	set -E
	trap 'boot_failed "line $LINENO of $0: $BASH_COMMAND"' ERR
}

# Before the policy: what load_policy needs. The rest is mounted once the
# policy is in, so each filesystem gets its label from the policy's rules.
mount_early() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	exec </dev/console >/dev/console 2>&1
}

mount_basics() {
	mount -t devtmpfs devtmpfs /dev
	ln -sfn /proc/self/fd /dev/fd
	ln -sfn /proc/self/fd/0 /dev/stdin
	ln -sfn /proc/self/fd/1 /dev/stdout
	ln -sfn /proc/self/fd/2 /dev/stderr
	mkdir -p /dev/pts /dev/shm
	mount -t devpts -o gid=5,mode=620 devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mount -t tmpfs -o mode=755 tmpfs /run
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	mount -t securityfs securityfs /sys/kernel/security 2>/dev/null || true
	mkdir -p /run/lock /var/lib /var/log
	ln -sfn /run/lock /var/lock
	exec </dev/console >/dev/console 2>&1
	ip link set lo up
}

# The console carries the job's output: keep kernel chatter (audit lines too) in dmesg only.
quiet_console() { dmesg -n 1; }

# Hotplug scripts and daemons log through syslog; their lines end up in /var/log/messages.
# /usr/sbin/syslogd is busybox's, labelled syslogd_exec_t, so it runs in syslogd_t.
start_syslog() {
	/usr/sbin/syslogd -O /var/log/messages || say "syslogd did not start"
}

# Loads /etc/selinux/<type>/policy at boot as an init system would; refuses to go
# on unless the kernel really is enforcing Debian's refpolicy with MCS.
load_mcs_policy() {
	load_policy -i || boot_failed "load_policy -i failed"
	[ "$(cat /sys/fs/selinux/enforce)" = 1 ] || boot_failed "SELinux is not enforcing"
	[ "$(cat /sys/fs/selinux/mls)" = 1 ] || boot_failed "the loaded policy has no MLS/MCS"
	valid_context system_u:system_r:svirtd_t:s0-s0:c0.c1023 ||
		boot_failed "the loaded policy has no svirt_xen module (svirtd_t)"
	say "SELinux enforcing, policy $(cat /sys/fs/selinux/policyvers), context $(tr -d "\\0" </proc/self/attr/current)"
}

# The kernel's own check of a context (what selinux_check_context does).
valid_context() { printf '%s' "$1" >/sys/fs/selinux/context 2>/dev/null; }

# The initramfs carries no xattrs: label its files from the policy's
# file_contexts as a package install would (rootfs keeps labels in memory),
# the fresh mounts in it and the device nodes as udev would. One run (setfiles
# stays on one filesystem per path named), since once labelled it would run in
# setfiles_t, which may not use the console.
label_rootfs() {
	local fc=/etc/selinux/default/contexts/files/file_contexts
	setfiles -F "$fc" / /dev /dev/pts /dev/shm /run /tmp ||
		boot_failed "setfiles could not label the root filesystem"
}

# AVC records reach the console log only through printk: no rate limit may
# drop one, since the suite driver accounts for every denial.
audit_to_kmsg() {
	echo 0 >/proc/sys/kernel/printk_ratelimit
	echo 0 >/proc/sys/kernel/printk_ratelimit_burst 2>/dev/null || true
}

load_modules() {
	local m
	for m in "$@"; do
		modprobe "$m" || boot_failed "modprobe $m failed"
	done
}

# The job runs as an administrator's login would: unconfined_t, all categories.
ADMIN_CONTEXT=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023

# Runs /vm/job/run between two marker lines the host's runner waits for; the
# token keeps output of an earlier job or a stray echo from being taken for them.
run_job() {
	runcon "$ADMIN_CONTEXT" bash /usr/lib/svirt-vm/run-job "$1" </dev/null ||
		say "the job could not be started as $ADMIN_CONTEXT"
}
