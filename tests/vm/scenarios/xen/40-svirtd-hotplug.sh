#!/bin/bash
# Scenario: disks hot-plugged into a running guest (xl block-attach: a qdisk file and a phy: loop) get the
# guest's own pair from svirtd; xl block-detach gives each its original label back; xl destroy restores the rest.
set -euo pipefail
. "$VM_LIB"

G=h40
A=$IMAGES/h40-a.img	# the disk it boots with (qdisk)
B=$IMAGES/h40-b.img	# hot-plugged as a qdisk file
C=$IMAGES/h40-c.img	# hot-plugged through a phy: loop device
loop=''

cleanup() {
	if domid_of "$G" >/dev/null; then xl destroy "$G" || true; fi
	if [ -n "$loop" ]; then losetup -d "$loop" || true; fi
	rm -f "$A" "$B" "$C"
}
trap cleanup EXIT

running svirtd || fail "svirtd is not running in dom0"
truncate -s 16M "$A" "$B" "$C"
loop=$(losetup -f --show "$C")
declare -A orig
for f in "$A" "$B" "$C" "$loop"; do
	orig[$f]=$(label_of "$f")
	echo "before: $f ${orig[$f]}"
done

objects_are() { xs_is "/local/domain/0/svirt/$1/objects" "$2"; }
has_record() { getfattr -n trusted.svirt "$1" >/dev/null 2>&1; }

guest_config "$G" 10.77.0.40 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$A" >$G.cfg
check "xl create $G (one qdisk file disk)" timed xl create $G.cfg
d=$(domid_of "$G")
echo "$G is domain $d"
wait_until 60 "svirtd reports $G labelled" svirt_labelled "$d"
img=$(svirt_node "$d" imagelabel)
echo "$G's image label: $img"
case $img in system_u:object_r:svirt_xen_image_t:s0:c*,c*) ;; *) fail "$G's image label is '$img'" ;; esac
check_eq "svirtd counts one object for $G" 1 "$(svirt_node "$d" objects)"
check_eq "$G's boot disk carries its label" "$img" "$(label_of "$A")"
# The frontend is up: attach and detach then go through the whole xenbus handshake, as in production.
wait_until 300 "$G writes data/ready=1" guest_ready "$d"

check "xl block-attach a qdisk file as xvdb" timed xl block-attach "$G" \
	"format=raw,vdev=xvdb,access=rw,backendtype=qdisk,target=$B"
wait_until 60 "svirtd counts two objects for $G" objects_are "$d" 2
check_eq "the hot-plugged file carries $G's label" "$img" "$(label_of "$B")"
check "the hot-plugged file remembers its label in trusted.svirt" has_record "$B"

check "xl block-attach a phy: loop device as xvdc" timed xl block-attach "$G" "phy:$loop,xvdc,w"
wait_until 60 "svirtd counts four objects for $G (the loop and its backing file)" objects_are "$d" 4
check_eq "the hot-plugged loop device carries $G's label" "$img" "$(label_of "$loop")"
check_eq "the loop's backing file carries $G's label" "$img" "$(label_of "$C")"
check_eq "$G is still labelled" labelled "$(svirt_node "$d" state)"
check_eq "$G kept its pair through the hotplug" "$img" "$(svirt_node "$d" imagelabel)"
wait_until 60 "xvdb's backend is connected" xs_is "/local/domain/0/backend/qdisk/$d/51728/state" 4
wait_until 60 "xvdc's backend is connected" xs_is "/local/domain/0/backend/vbd/$d/51744/state" 4
ls -Z "$A" "$B" "$C" "$loop"

check "xl block-detach xvdb" timed xl block-detach "$G" xvdb
wait_until 60 "svirtd counts three objects for $G" objects_are "$d" 3
check_eq "the unplugged file has its original label back" "${orig[$B]}" "$(label_of "$B")"
refute "the unplugged file still has a trusted.svirt record" has_record "$B"
check_eq "the boot disk keeps $G's label" "$img" "$(label_of "$A")"
check_eq "the loop device keeps $G's label" "$img" "$(label_of "$loop")"

check "xl block-detach xvdc" timed xl block-detach "$G" xvdc
wait_until 60 "svirtd counts one object for $G" objects_are "$d" 1
check_eq "the unplugged loop device has its original label back" "${orig[$loop]}" "$(label_of "$loop")"
check_eq "the loop's backing file has its original label back" "${orig[$C]}" "$(label_of "$C")"
refute "the loop device still has a trusted.svirt record" has_record "$loop"
refute "the backing file still has a trusted.svirt record" has_record "$C"
check_eq "the boot disk keeps $G's label" "$img" "$(label_of "$A")"
check_eq "$G is still labelled after the unplugs" labelled "$(svirt_node "$d" state)"

check "xl destroy $G" timed xl destroy "$G"
wait_until 60 "$G's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d"
for f in "$A" "$B" "$C" "$loop"; do
	check_eq "$f has its original label" "${orig[$f]}" "$(label_of "$f")"
	refute "$f still has a trusted.svirt record" has_record "$f"
done
