#!/bin/bash
# Scenario: xl create of two PV guests, g1 on a file disk served by qdisk (qemu) and g2 on a phy: loop device.
# Both must boot to data/ready=1 with their disk and a vif on xenbr0 answering ping; 30-xl-destroy removes them.
set -euo pipefail
. "$VM_LIB"

truncate -s 64M "$IMAGES/g1.img" "$IMAGES/g2.img"
loop=$(losetup -f --show "$IMAGES/g2.img")
echo "g2's disk is $loop"
# What the disks carry before any guest uses them: svirtd must put exactly
# this back when the guests die (35-svirtd-restores-labels).
mkdir -p "$SCENARIO_STATE"
for f in "$IMAGES/g1.img" "$IMAGES/g2.img" "$loop"; do
	printf '%s %s\n' "$f" "$(stat -c %C "$f")"
done >"$SCENARIO_STATE/orig-labels"
cat "$SCENARIO_STATE/orig-labels"
guest_config g1 10.77.0.11 \
	"format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/g1.img" >g1.cfg
guest_config g2 10.77.0.12 "phy:$loop,xvda,w" >g2.cfg
# Both at once: each create mostly waits on emulated hotplug scripts and qemu start-up.
timed xl create g1.cfg >g1.out 2>&1 &
p1=$!
timed xl create g2.cfg >g2.out 2>&1 &
p2=$!
c1=0; c2=0
wait "$p1" || c1=$?
wait "$p2" || c2=$?
cat g1.out g2.out
check "xl create g1 (file disk, qdisk backend)" test "$c1" = 0
check "xl create g2 (phy: loop device)" test "$c2" = 0
d1=$(domid_of g1)
d2=$(domid_of g2)
echo "g1 is domain $d1, g2 is domain $d2"

wait_until 300 "g1 writes data/ready=1" guest_ready "$d1"
wait_until 300 "g2 writes data/ready=1" guest_ready "$d2"

check "g1's disk has a qdisk backend" xenstore-exists "/local/domain/0/backend/qdisk/$d1/51712"
check "a qemu serves g1's qdisk" dm_running "$d1"
check_eq "g2's disk has a vbd backend on the loop device" "$loop" \
	"$(xenstore-read "/local/domain/0/backend/vbd/$d2/51712/params")"
for d in "$d1" "$d2"; do
	check_eq "domain $d sees its disk" xvda "$(xenstore-read "/local/domain/$d/data/disks" | tr -d ' ')"
	check_eq "domain $d's vif is on xenbr0" xenbr0 "$(basename "$(readlink "/sys/class/net/vif$d.0/master")")"
done
check "dom0 reaches g1 over xenbr0" ping -q -c 2 -W 5 10.77.0.11
check "dom0 reaches g2 over xenbr0" ping -q -c 2 -W 5 10.77.0.12
