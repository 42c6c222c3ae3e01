#!/bin/bash
# Scenario: a guest without a seclabel is refused by the hypervisor (it would be unlabeled_t), and nothing is left.
# svirt-xen's guests always carry a pair; a forgotten label fails closed.
set -euo pipefail
. "$VM_LIB"

guest_config gu 10.77.0.23 "" | sed '/^disk/d;/^vif/d' >gu.cfg
refute "xl create of a guest without seclabel" xl create gu.cfg
check "no domain gu is left" not xl domid gu
check "the hypervisor logged the refusal" \
	bash -c "xl dmesg | grep 'avc:  denied  { create }' | grep -q 'tcontext=system_u:system_r:unlabeled_t'"
