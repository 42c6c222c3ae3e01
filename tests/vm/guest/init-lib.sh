# tests/vm/guest/init-lib.sh: boot steps shared by the emulated hosts' PID 1 scripts.
# Sourced inside the host by init-selinux and init-dom0; progress lines start with "vm-init:".

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

mount_basics() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
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
start_syslog() { syslogd -O /var/log/messages || say "syslogd did not start"; }

# Loads /etc/selinux/<type>/policy at boot as an init system would; refuses to go
# on unless the kernel really is enforcing with an MLS (MCS) policy.
load_mcs_policy() {
	load_policy -i || boot_failed "load_policy -i failed"
	[ "$(cat /sys/fs/selinux/enforce)" = 1 ] || boot_failed "SELinux is not enforcing"
	[ "$(cat /sys/fs/selinux/mls)" = 1 ] || boot_failed "the loaded policy has no MLS/MCS"
	say "SELinux enforcing, policy $(cat /sys/fs/selinux/policyvers), context $(tr -d "\\0" </proc/self/attr/current)"
}

load_modules() {
	local m
	for m in "$@"; do
		modprobe "$m" || boot_failed "modprobe $m failed"
	done
}

# Runs /vm/job/run between two marker lines the host's runner waits for; the
# token keeps output of an earlier job or a stray echo from being taken for them.
run_job() {
	local token rc=0
	token=$(cat /vm/job/token)
	cd /vm/job || return 1
	echo "SVIRT-VM-BEGIN $token"
	env VM_HOST="$1" VM_JOB=/vm/job bash /vm/job/run </dev/null 2>&1 || rc=$?
	echo "SVIRT-VM-EXIT $token $rc"
	cd /
}
