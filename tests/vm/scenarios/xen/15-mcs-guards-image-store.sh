#!/bin/bash
# Scenario: in dom0, a device-model context s0:c1,c2 may write its own image in /var/lib/xen/images but not one of s0:c3,c4.
# The image store is ext4 with labels in xattrs, as on a real host; the AVC line proves the kernel denied it.
set -euo pipefail
. "$VM_LIB"

dm=system_u:system_r:svirt_xen_t:s0:c1,c2
own=$IMAGES/mcs-own.img
other=$IMAGES/mcs-other.img
trap 'rm -f "$own" "$other"' EXIT
# refpolicy enters svirt_xen_t only through qemu's type: this dd plays qemu, started at s0 as xl starts it.
cp /bin/dd dm-dd
chcon -t qemu_exec_t dm-dd
dm_dd() { as_toolstack runcon "$dm" ./dm-dd "$@"; }
truncate -s 1M "$own" "$other"
chcon system_u:object_r:svirt_xen_image_t:s0:c1,c2 "$own"
chcon system_u:object_r:svirt_xen_image_t:s0:c3,c4 "$other"

check "c1,c2 writes its own image" dm_dd if=/dev/urandom of="$own" bs=4k count=1 conv=notrunc status=none
refute "c1,c2 writes a c3,c4 image" dm_dd if=/dev/urandom of="$other" bs=4k count=1 conv=notrunc status=none
check_avc "the kernel logged the denial" \
	'denied  \{[^}]*\} .* scontext=system_u:system_r:svirt_xen_t:s0:c1,c2 tcontext=system_u:object_r:svirt_xen_image_t:s0:c3,c4 tclass=file'
