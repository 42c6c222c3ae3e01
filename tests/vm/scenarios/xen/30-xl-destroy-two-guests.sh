#!/bin/bash
# Scenario: xl destroy of the two guests 20-xl-create made; their backend nodes, vifs and qemu go away.
# Fails when a guest to destroy is missing (20 failed) or anything of it outlives the destroy.
set -euo pipefail
. "$VM_LIB"

# destroy_guest NAME BACKEND-KIND...: the kinds are checked present first, so "gone" means something.
destroy_guest() {
	local g=$1 d kind
	shift
	d=$(domid_of "$g") || fail "no guest $g to destroy (did 20-xl-create-two-guests fail?)"
	for kind in "$@"; do
		check "$g has a $kind backend" xenstore-exists "/local/domain/0/backend/$kind/$d"
	done
	check "xl destroy $g" timed xl destroy "$g"
	refute "xl still lists $g" domid_of "$g"
	for kind in "$@"; do
		wait_until 60 "$g's $kind backend nodes are gone" xs_gone "/local/domain/0/backend/$kind/$d"
	done
	wait_until 30 "$g's xenstore home is gone" xs_gone "/local/domain/$d"
	refute "vif$d.0 outlives the guest" test -e "/sys/class/net/vif$d.0"
	wait_until 30 "no qemu serves domain $d" not dm_running "$d"
}

destroy_guest g1 qdisk vif
destroy_guest g2 vbd vif
check_eq "only dom0 is left" Domain-0 "$(xl list | awk 'NR > 1 { print $1 }' | tr '\n' ' ' | sed 's/ $//')"
