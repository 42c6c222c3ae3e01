#!/bin/bash
# Scenario: a process in s0:c1,c2 may write its own s0:c1,c2 file but not one labelled s0:c3,c4.
# Root runs it, so only SELinux can deny; the AVC line proves the kernel did.
set -euo pipefail
. "$VM_LIB"

guest=system_u:system_r:svirt_t:s0:c1,c2
mkdir -p imgs
echo original >imgs/own
echo original >imgs/other
chcon system_u:object_r:svirt_image_t:s0:c1,c2 imgs/own
chcon system_u:object_r:svirt_image_t:s0:c3,c4 imgs/other
check_eq "label of the other guest's file" \
	system_u:object_r:svirt_image_t:s0:c3,c4 "$(stat -c %C imgs/other)"

dmesg -c >/dev/null
check "c1,c2 appends to its own c1,c2 file" runcon "$guest" sh -c 'echo mine >>imgs/own'
refute "c1,c2 appends to a c3,c4 file" runcon "$guest" sh -c 'echo intruder >>imgs/other'
refute "c1,c2 reads a c3,c4 file" runcon "$guest" cat imgs/other
check_eq "the c3,c4 file is untouched" original "$(cat imgs/other)"
avcs=$(dmesg | grep 'avc:  denied' || true)
check "the kernel logged the denial" grep -q \
	'scontext=system_u:system_r:svirt_t:s0:c1,c2 tcontext=system_u:object_r:svirt_image_t:s0:c3,c4' <<<"$avcs"
check "the exempt init context may still write it" sh -c 'echo admin >>imgs/other'
