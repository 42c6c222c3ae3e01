#!/bin/bash
# Scenario: xl destroy of the labelled guests of 20; afterwards xl list -Z shows dom0 alone.
# Also frees the loop device behind ga's disk.
set -euo pipefail
. "$VM_LIB"

for g in ga gb; do
	check "xl destroy $g" xl destroy "$g"
done
check_eq "only dom0 is left" 1 "$(xl list -Z | tail -n +2 | wc -l)"
loop=$(cat "$SCENARIO_STATE/xsm-loop")
check "ga's loop device is released" losetup -d "$loop"
