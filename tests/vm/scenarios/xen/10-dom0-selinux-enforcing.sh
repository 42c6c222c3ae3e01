#!/bin/bash
# Scenario: dom0 of the Xen host runs SELinux enforcing with the MCS policy loaded at boot.
# Fails when dom0 is permissive, has no MLS policy, or cannot enter a category context.
set -euo pipefail
. "$VM_LIB"

check_eq "the hypervisor" xen "$(cat /sys/hypervisor/type)"
check_eq "getenforce" Enforcing "$(getenforce)"
check_eq "/sys/fs/selinux/enforce" 1 "$(cat /sys/fs/selinux/enforce)"
check_eq "/sys/fs/selinux/mls" 1 "$(cat /sys/fs/selinux/mls)"
check_eq "dom0's tools run in the init context" system_u:system_r:kernel_t:s0-s0:c0.c1023 "$(id -Z)"
check_eq "runcon enters a device-model context" \
	system_u:system_r:svirt_xen_t:s0:c1,c2 "$(runcon system_u:system_r:svirt_xen_t:s0:c1,c2 id -Z)"
