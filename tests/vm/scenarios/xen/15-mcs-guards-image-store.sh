#!/bin/bash
# Scenario: in dom0, a device-model context s0:c1,c2 may write its own image in /var/lib/xen/images but not one of s0:c3,c4.
# The image store is ext4 with labels in xattrs, as on a real host; the AVC line proves the kernel denied it.
set -euo pipefail
. "$VM_LIB"

dm=system_u:system_r:svirt_xen_t:s0:c1,c2
own=$IMAGES/mcs-own.img
other=$IMAGES/mcs-other.img
trap 'rm -f "$own" "$other"' EXIT
truncate -s 1M "$own" "$other"
chcon system_u:object_r:svirt_xen_image_t:s0:c1,c2 "$own"
chcon system_u:object_r:svirt_xen_image_t:s0:c3,c4 "$other"

dmesg -c >/dev/null
check "c1,c2 writes its own image" runcon "$dm" dd if=/dev/zero of="$own" bs=4k count=1 conv=notrunc
refute "c1,c2 writes a c3,c4 image" runcon "$dm" dd if=/dev/zero of="$other" bs=4k count=1 conv=notrunc
avcs=$(dmesg | grep 'avc:  denied' || true)
check "the kernel logged the denial" grep -q \
	'scontext=system_u:system_r:svirt_xen_t:s0:c1,c2 tcontext=system_u:object_r:svirt_xen_image_t:s0:c3,c4' <<<"$avcs"
