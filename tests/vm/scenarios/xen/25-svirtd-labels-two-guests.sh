#!/bin/bash
# Scenario: svirtd gives each guest 20-xl-create made its own category pair, on its disk files and
# its loop device, and publishes it dom0-only; the two pairs differ.
set -euo pipefail
. "$VM_LIB"

running svirtd || fail "svirtd is not running in dom0"
d1=$(domid_of g1) || fail "no guest g1 (did 20-xl-create-two-guests fail?)"
d2=$(domid_of g2) || fail "no guest g2"
printf '%s %s\n' g1 "$d1" g2 "$d2" >"$SCENARIO_STATE/domids"
loop=$(xenstore-read "/local/domain/0/backend/vbd/$d2/51712/params")

wait_until 60 "svirtd reports g1 labelled" svirt_labelled "$d1"
wait_until 60 "svirtd reports g2 labelled" svirt_labelled "$d2"
for d in "$d1" "$d2"; do
	echo "domain $d: uuid $(svirt_node "$d" uuid), name $(svirt_node "$d" name)"
	echo "  label      $(svirt_node "$d" label)"
	echo "  imagelabel $(svirt_node "$d" imagelabel)"
	check_eq "domain $d's svirt nodes are dom0's, no access for others" n0 \
		"$(xenstore-ls -p "/local/domain/0/svirt/$d" | sed -n 's/.*(\(.*\))$/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//')"
done
check_eq "svirtd names domain $d1" g1 "$(svirt_node "$d1" name)"
check_eq "svirtd names domain $d2" g2 "$(svirt_node "$d2" name)"
check_eq "g1's uuid is the toolstack's" "$(xl list -v g1 | awk 'NR == 2 { print $7 }')" "$(svirt_node "$d1" uuid)"

img1=$(svirt_node "$d1" imagelabel)
img2=$(svirt_node "$d2" imagelabel)
case $img1 in system_u:object_r:svirt_xen_image_t:s0:c*,c*) ;; *) fail "g1's image label is $img1" ;; esac
case $img2 in system_u:object_r:svirt_xen_image_t:s0:c*,c*) ;; *) fail "g2's image label is $img2" ;; esac
refute "the two guests share a category pair" test "${img1##*:}" = "${img2##*:}"
check_eq "g1's device model label carries g1's pair" "system_u:system_r:svirt_xen_t:s0:${img1##*:}" \
	"$(svirt_node "$d1" label)"

check_eq "g1's disk file (qdisk) carries g1's label" "$img1" "$(label_of "$IMAGES/g1.img")"
check_eq "g2's loop device carries g2's label" "$img2" "$(label_of "$loop")"
check_eq "g2's loop backing file carries g2's label" "$img2" "$(label_of "$IMAGES/g2.img")"
check "g1's disk remembers its original label in trusted.svirt" getfattr -n trusted.svirt "$IMAGES/g1.img"
ls -Z "$IMAGES" "$loop"
