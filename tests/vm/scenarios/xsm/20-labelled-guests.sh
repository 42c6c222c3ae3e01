#!/bin/bash
# Scenario: xl create of two PV guests with Flask labels of different pairs (ga c1,c2 with a disk, gb c3,c4).
# xl list -Z shows each label; dom0's blkback and netback serve both. 40 uses them, 90 destroys them.
set -euo pipefail
. "$VM_LIB"

truncate -s 16M "$IMAGES/ga.img"
loop=$(losetup -f --show "$IMAGES/ga.img")
mkdir -p "$SCENARIO_STATE"
echo "$loop" >"$SCENARIO_STATE/xsm-loop"
guest_config ga 10.77.0.21 "phy:$loop,xvda,w" >ga.cfg
echo "seclabel = '$(flask_label c1,c2)'" >>ga.cfg
guest_config gb 10.77.0.22 "" | sed '/^disk/d' >gb.cfg
echo "seclabel = '$(flask_label c3,c4)'" >>gb.cfg
# Both at once: each create mostly waits on emulated hotplug scripts.
timed xl create ga.cfg >ga.out 2>&1 &
pa=$!
timed xl create gb.cfg >gb.out 2>&1 &
pb=$!
check "xl create ga (c1,c2)" wait "$pa"
check "xl create gb (c3,c4)" wait "$pb"
cat ga.out gb.out
xl list -Z
check_eq "xl list -Z shows ga's label" "$(flask_label c1,c2)" "$(flask_label_of ga)"
check_eq "xl list -Z shows gb's label" "$(flask_label c3,c4)" "$(flask_label_of gb)"
a=$(domid_of ga)
b=$(domid_of gb)
wait_until 300 "ga writes data/ready=1" guest_ready "$a"
wait_until 300 "gb writes data/ready=1" guest_ready "$b"
# The backends map the guests' grants and bind their channels: dom0 is exempt.
check_eq "ga sees its disk through blkback" xvda "$(xenstore-read "/local/domain/$a/data/disks" | tr -d ' ')"
check "dom0 reaches ga through netback" ping -q -c 2 -W 5 10.77.0.21
check "dom0 reaches gb through netback" ping -q -c 2 -W 5 10.77.0.22
