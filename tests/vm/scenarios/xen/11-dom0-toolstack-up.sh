#!/bin/bash
# Scenario: the Xen toolstack of dom0 is up: xenstored, xenconsoled, xl, the xenbr0 bridge, the guest kit.
# Fails when a daemon is missing, xl cannot talk to Xen 4.17, or a fixed path of the guest kit is absent.
set -euo pipefail
. "$VM_LIB"

check "xenstored runs" running xenstored
check "xenconsoled runs" running xenconsoled
check_eq "xl sees Xen" 4.17 "$(xl info | awk '$1 == "xen_major" { M = $3 } $1 == "xen_minor" { m = $3 } END { print M "." m }')"
check_eq "dom0 is the only domain" Domain-0 "$(xl list | awk 'NR > 1 { print $1 }' | tr '\n' ' ' | sed 's/ $//')"
check "dom0 has its xenstore home" xenstore-exists /local/domain/0/name
check_eq "xenbr0 is a bridge that is up" UP "$(ip -o link show xenbr0 | grep -o 'state [A-Z]*' | cut -d' ' -f2 | sed 's/UNKNOWN/UP/')"
check "the qdisk device model is installed" test -x /usr/libexec/xen-qemu-system-i386
check "the vif-bridge hotplug script is installed" test -x /etc/xen/scripts/vif-bridge
check "the block hotplug script is installed" test -x /etc/xen/scripts/block
check "the guest kernel is in place" test -s "$GUEST_KERNEL"
check "and unpacked, for PV guests (an ELF file)" test "$(od -An -tx1 -N4 "$GUEST_VMLINUX" | tr -d ' ')" = 7f454c46
check "the guest initrd is in place" test -s "$GUEST_INITRD"
