#!/bin/bash
# Scenario: once 30-xl-destroy has destroyed both guests, svirtd has put back the exact labels their
# disks had before (20 recorded them), forgotten them, and removed the guests' svirt nodes.
set -euo pipefail
. "$VM_LIB"

[ -s "$SCENARIO_STATE/orig-labels" ] || fail "no original labels recorded (did 20-xl-create fail?)"
[ -s "$SCENARIO_STATE/domids" ] || fail "no domids recorded (did 25-svirtd-labels fail?)"
while read -r name d; do
	wait_until 60 "$name's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d"
done <"$SCENARIO_STATE/domids"
while read -r f orig; do
	check_eq "$f has its original label back" "$orig" "$(label_of "$f")"
	refute "$f still has a trusted.svirt record" getfattr -n trusted.svirt "$f"
done <"$SCENARIO_STATE/orig-labels"

losetup -j "$IMAGES/g2.img" | cut -d: -f1 | xargs -r -n1 losetup -d
rm -f "$IMAGES/g1.img" "$IMAGES/g2.img"
