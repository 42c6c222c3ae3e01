#!/bin/bash
# Scenario: /var/lib/xen/images keeps security.selinux labels with categories and trusted.* xattrs.
# svirtd relabels images there and remembers their old labels in trusted.* xattrs; both must stick.
set -euo pipefail
. "$VM_LIB"

img=$IMAGES/xattr-probe.img
truncate -s 1M "$img"
trap 'rm -f "$img"' EXIT
check_eq "the store is labelled as a distribution policy would" \
	system_u:object_r:xen_image_t:s0 "$(stat -c %C "$IMAGES")"
# (the SELinux user is its creator's: the administrator's unconfined_u)
check_eq "a new image inherits the store's type and level" object_r:xen_image_t:s0 \
	"$(stat -c %C "$img" | cut -d: -f2-)"
check "chcon to a category label" chcon system_u:object_r:svirt_xen_image_t:s0:c7,c9 "$img"
check_eq "the label sticks" system_u:object_r:svirt_xen_image_t:s0:c7,c9 "$(stat -c %C "$img")"
check "a trusted.* xattr is stored" setfattr -n trusted.svirt.probe -v remembered "$img"
check_eq "the trusted.* xattr reads back" remembered \
	"$(getfattr --absolute-names --only-values -n trusted.svirt.probe "$img")"
