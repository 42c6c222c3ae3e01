#!/bin/bash
# Scenario: a program in the device-model domain at s0:c1,c2 appends to its own s0:c1,c2 image but not to one of s0:c3,c4.
# Root runs it, so only SELinux can deny; the AVC line (an MCS refusal: same types, other pair) proves the kernel did.
set -euo pipefail
. "$VM_LIB"

dm=system_u:system_r:svirt_xen_t:s0:c1,c2
# refpolicy enters svirt_xen_t only through qemu's type: this dd plays qemu.
cp /bin/dd dm-dd
chcon -t qemu_exec_t dm-dd
mkdir -p /var/lib/xen/images
restorecon -R /var/lib/xen
check_eq "the image store has the distribution's type" xen_image_t "$(stat -c %C /var/lib/xen/images | cut -d: -f3)"
own=/var/lib/xen/images/own20.img
other=/var/lib/xen/images/other20.img
trap 'rm -f "$own" "$other"' EXIT
echo original >"$own"
echo original >"$other"
chcon system_u:object_r:svirt_xen_image_t:s0:c1,c2 "$own"
chcon system_u:object_r:svirt_xen_image_t:s0:c3,c4 "$other"

# As xl starts a device model: at s0, so the pipes it hands down are usable.
dm() { as_toolstack runcon "$dm" ./dm-dd "$@"; }
append() { as_toolstack bash -c 'echo "$1" | runcon "$2" ./dm-dd of="$3" oflag=append conv=notrunc status=none' _ "$1" "$dm" "$2"; }
check_eq "the device model's context" "$dm" "$(dm if=/proc/self/attr/current status=none | tr -d '\0')"
check "c1,c2 appends to its own c1,c2 image" append mine "$own"
check_eq "its image has the line" mine "$(tail -n1 "$own")"
refute "c1,c2 appends to a c3,c4 image" append intruder "$other"
refute "c1,c2 reads a c3,c4 image" dm if="$other" status=none
check_eq "the c3,c4 image is untouched" original "$(cat "$other")"
check_avc "the kernel logged the refused append" \
	'denied  \{[^}]*\} .* scontext=system_u:system_r:svirt_xen_t:s0:c1,c2 tcontext=system_u:object_r:svirt_xen_image_t:s0:c3,c4 tclass=file'
check "the administrator may still write it" sh -c "echo admin >>'$other'"
