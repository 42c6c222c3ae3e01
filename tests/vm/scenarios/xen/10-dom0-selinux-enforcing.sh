#!/bin/bash
# Scenario: dom0 of the Xen host runs Debian's refpolicy with svirt_xen enforcing, its daemons in their domains:
# init_t, xenstored_t, xenconsoled_t, svirtd_t over all categories, the suite as the unconfined administrator.
set -euo pipefail
. "$VM_LIB"

check_eq "the hypervisor" xen "$(cat /sys/hypervisor/type)"
check_eq "getenforce" Enforcing "$(getenforce)"
check_eq "/sys/fs/selinux/enforce" 1 "$(cat /sys/fs/selinux/enforce)"
check_eq "/sys/fs/selinux/mls" 1 "$(cat /sys/fs/selinux/mls)"
ctx_of() { tr -d '\0' <"/proc/$(pidof "$1" | cut -d' ' -f1)/attr/current"; }
check "sestatus names Debian's default policy" sh -c 'sestatus | grep -Eq "^Loaded policy name:[[:space:]]+default$"'
check_eq "the suite runs as the administrator" unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 "$(id -Z)"
check_eq "init" system_u:system_r:init_t:s0 "$(tr -d '\0' </proc/1/attr/current)"
check_eq "xenstored" system_u:system_r:xenstored_t:s0 "$(ctx_of xenstored)"
check_eq "xenconsoled" system_u:system_r:xenconsoled_t:s0 "$(ctx_of xenconsoled)"
need_installed /usr/sbin/svirtd
check "svirtd runs" running svirtd
check_eq "svirtd, started by init" system_u:system_r:svirtd_t:s0-s0:c0.c1023 "$(ctx_of svirtd)"
check_eq "xl's label" system_u:object_r:xm_exec_t:s0 "$(stat -c %C /usr/lib/xen-4.17/bin/xl)"
check_eq "qemu's label (svirt_xen.fc: the device model's entry point)" system_u:object_r:qemu_exec_t:s0 \
	"$(stat -c %C /usr/libexec/xen-qemu-system-i386)"
# A program of qemu's type enters the device-model domain, as qemu does through svirt-interpose.
cp /bin/dd dm-dd
chcon -t qemu_exec_t dm-dd
check_eq "runcon enters a device-model context" system_u:system_r:svirt_xen_t:s0:c1,c2 \
	"$(as_toolstack runcon system_u:system_r:svirt_xen_t:s0:c1,c2 ./dm-dd if=/proc/self/attr/current status=none | tr -d '\0')"
