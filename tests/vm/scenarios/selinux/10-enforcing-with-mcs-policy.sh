#!/bin/bash
# Scenario: the SELinux host runs enforcing with an MCS policy, and the kernel accepts category contexts.
# Fails when SELinux is permissive, the policy has no MLS, or a category context is refused.
set -euo pipefail
. "$VM_LIB"

check_eq "getenforce" Enforcing "$(getenforce)"
check_eq "/sys/fs/selinux/enforce" 1 "$(cat /sys/fs/selinux/enforce)"
check_eq "/sys/fs/selinux/mls" 1 "$(cat /sys/fs/selinux/mls)"
check_eq "the init context spans every category" \
	system_u:system_r:kernel_t:s0-s0:c0.c1023 "$(id -Z)"
check_eq "runcon enters a category context" \
	system_u:system_r:svirt_t:s0:c1,c2 "$(runcon system_u:system_r:svirt_t:s0:c1,c2 id -Z)"
refute "a context with c1024, a category the policy lacks" \
	runcon system_u:system_r:svirt_t:s0:c1024 true
