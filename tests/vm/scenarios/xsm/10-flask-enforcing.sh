#!/bin/bash
# Scenario: the hypervisor runs Flask enforcing with svirt-xen's policy, loaded as a boot module.
# dom0 carries dom0_t with every category; the policy is the one build/flask/xenpolicy holds.
set -euo pipefail
. "$VM_LIB"

check_eq "Flask is enforcing" Enforcing "$(xl getenforce)"
check_eq "dom0's Flask label" system_u:system_r:dom0_t:s0-s0:c0.c1023 "$(flask_label_of Domain-0)"
check "the hypervisor took the policy from a boot module" bash -c "xl dmesg | grep -q 'Policy len'"
# libxl turns a seclabel into a SID through the hypervisor before it creates
# anything: a type or a category the policy lacks stops the create there.
# (20 creates guests with valid labels.)
labelled() {
	printf 'name = "bad"\nkernel = "%s"\nmemory = 64\nseclabel = "%s"\n' "$GUEST_KERNEL" "$1" >bad.cfg
	xl create -p bad.cfg
}
refute "xl create with a type the policy lacks" labelled system_u:system_r:nosuch_t:s0
refute "xl create with category c1024 (the policy has c0..c1023)" labelled system_u:system_r:svirt_domU_t:s0:c1,c1024
check "no domain was created" not xl domid bad
# issue 17 item 3: svirtd learnt it from svirt-flask-label, run in its own domain at startup.
check "svirtd found Xen running Flask (svirt-flask-label)" grep -q "Xen runs Flask: a domain's Flask label gives its pair" "$LOG"
