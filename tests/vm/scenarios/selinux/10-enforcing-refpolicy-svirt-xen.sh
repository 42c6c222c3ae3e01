#!/bin/bash
# Scenario: the SELinux host runs Debian's refpolicy (MCS) with the svirt_xen module, enforcing, files labelled
# from its file_contexts; init in init_t, the suite as an unconfined administrator, syslogd in syslogd_t.
set -euo pipefail
. "$VM_LIB"

ctx_of_pid() { tr -d '\0' <"/proc/$1/attr/current"; }

check_eq "getenforce" Enforcing "$(getenforce)"
check_eq "/sys/fs/selinux/enforce" 1 "$(cat /sys/fs/selinux/enforce)"
check_eq "/sys/fs/selinux/mls" 1 "$(cat /sys/fs/selinux/mls)"
check "the loaded policy is Debian's default store" grep -q '^SELINUXTYPE=default$' /etc/selinux/config
check "sestatus names it" sh -c 'sestatus | grep -Eq "^Loaded policy name:[[:space:]]+default$"'
valid() { printf '%s' "$1" >/sys/fs/selinux/context; }
check "the svirt_xen module is in it (svirtd's domain)" valid system_u:system_r:svirtd_t:s0-s0:c0.c1023

check_eq "init runs in init_t (refpolicy's kernel and init level: s0)" system_u:system_r:init_t:s0 "$(ctx_of_pid 1)"
check_eq "the suite runs as the administrator" unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023 "$(id -Z)"
check_eq "syslogd runs in syslogd_t" syslogd_t "$(ctx_of_pid "$(pidof syslogd)" | cut -d: -f3)"

check_eq "init is labelled from file_contexts" system_u:object_r:init_exec_t:s0 "$(stat -c %C /sbin/init)"
check_eq "a library" system_u:object_r:lib_t:s0 "$(stat -c %C /usr/lib/svirt-vm/init-lib.sh)"
check_eq "/dev/null" system_u:object_r:null_device_t:s0 "$(stat -c %C /dev/null)"
check_eq "/tmp" system_u:object_r:tmp_t:s0 "$(stat -c %C /tmp)"
check_eq "/dev/console" system_u:object_r:console_device_t:s0 "$(stat -c %C /dev/console)"
need_installed /usr/sbin/svirtd /etc/svirt
check_eq "svirtd, from svirt_xen.fc" system_u:object_r:svirtd_exec_t:s0 "$(stat -c %C /usr/sbin/svirtd)"
check_eq "/etc/svirt, from svirt_xen.fc" system_u:object_r:svirtd_conf_t:s0 "$(stat -c %C /etc/svirt)"

touch f
check "the kernel accepts a device model's image label" chcon system_u:object_r:svirt_xen_image_t:s0:c1,c2 f
check_eq "and keeps it" system_u:object_r:svirt_xen_image_t:s0:c1,c2 "$(stat -c %C f)"
check "refpolicy's xen module is in it (a xenstored label)" chcon -t xenstored_exec_t f
refute "a category the policy lacks (c1024)" chcon system_u:object_r:svirt_xen_image_t:s0:c1024 f
