#!/bin/bash
# Scenario: a stub device model binds the ioreq channel of its own guest (pair c1,c2), and gets nothing of another's.
# hA and hB: HVM (PVH) domains labelled with pairs c1,c2 and c3,c4, created paused. dmA: the guest kit (PV)
# labelled svirt_dm_t at c1,c2, the label a stub domain of hA carries, made hA's device model the way libxl makes
# a stub domain one (xc_domain_set_target: svirt-settarget). In dmA, `svirt-gnttest ioreq` does what qemu does
# first: creates an ioreq server for the guest (dm_op), after which Xen has opened the server's ports in the
# guest's table for dmA, and binds the buffered-ioreq port. Xen answers each step; the scenario reports it.
# What it shows: Flask lets dmA create hA's ioreq server and bind its port only once dmA is hA's device model;
# set_target to hB, an ioreq server for hB, and a port of gb (c3,c4) for dmA are refused, with avc denials.
# What it cannot: no HVM guest runs here (hA stays paused: TCG, no firmware), so no I/O request travels the
# channel and no guest memory is mapped; dmA is a stand-in, the kit's kernel rather than a qemu stub domain,
# and xl does not spawn it (libxl's stub-domain spawn needs a stub image Debian does not ship).
set -euo pipefail
. "$VM_LIB"

cleanup() {
	local d
	for d in dma ha hb; do
		xl destroy "$d" 2>/dev/null || true
	done
}
trap cleanup EXIT

dm_label=system_u:system_r:svirt_dm_t:s0:c1,c2
# pvh_config NAME PAIR: an HVM domain without a device model (PVH), labelled with the pair; it is never unpaused.
# (128 MB: the domain builder wants room for the kit kernel, which 64 MB lacks.)
pvh_config() {
	cat <<CFG
name = "$1"
type = "pvh"
kernel = "$GUEST_KERNEL"
extra = "console=hvc0 quiet"
memory = 128
vcpus = 1
on_crash = "destroy"
seclabel = '$(flask_label "$2")'
CFG
}

pvh_config ha c1,c2 >ha.cfg
pvh_config hb c3,c4 >hb.cfg
check "xl create -p hA (PVH, c1,c2)" timed xl create -p ha.cfg
check "xl create -p hB (PVH, c3,c4)" timed xl create -p hb.cfg
guest_config dma 10.77.0.25 "" | sed '/^disk/d;/^vif/d' >dma.cfg
echo "seclabel = '$dm_label'" >>dma.cfg
check "xl create dmA (svirt_dm_t, c1,c2)" timed xl create dma.cfg
xl list -Z
check_eq "xl list -Z shows hA's label" "$(flask_label c1,c2)" "$(flask_label_of ha)"
check_eq "xl list -Z shows dmA's label" "$dm_label" "$(flask_label_of dma)"
ha=$(domid_of ha)
hb=$(domid_of hb)
dm=$(domid_of dma)
b=$(domid_of gb)
wait_until 300 "dmA writes data/ready=1" guest_ready "$dm"
wait_until 60 "dmA's gnt-agent is up" xs_is "/local/domain/$dm/data/gnt-agent" ready

# Before set_target, dmA is no device model: Xen checks it against hA's own label.
res=$(gnt_ask "$dm" ioreq "$ha")
echo "dmA: $res"
check "an ioreq server for hA is refused while dmA is not its device model" test "${res%% *}" = rc=2
check "the refusal is Flask's: dm_op denied against hA's own label" bash -c \
	"xl dmesg | grep 'avc:  denied  { dm }' | grep 'scontext=$dm_label' | grep -q 'tcontext=$(flask_label c1,c2) tclass=hvm'"

# The toolstack's step: the constraints keep dmA from becoming the device model of another pair's guest.
rc=0
out=$(svirt-settarget "$dm" "$hb") || rc=$?
echo "dom0: $out"
check_eq "Xen refuses to make dmA (c1,c2) hB's (c3,c4) device model" 2 "$rc"
check "the refusal is Flask's: set_target denied between the pairs" bash -c \
	"xl dmesg | grep 'avc:  denied  { set_target }' | grep 'scontext=$dm_label' | grep -q 'tcontext=$(flask_label c3,c4) tclass=domain'"
check "dom0 makes dmA hA's device model (set_target, as libxl does for a stub domain)" svirt-settarget "$dm" "$ha"

# qemu's first steps in a stub domain: Xen opens the ioreq server's ports in hA's table, dmA binds one.
res=$(gnt_ask "$dm" ioreq "$ha")
echo "dmA: $res"
check "dmA creates hA's ioreq server and binds its port (checked against hA's target view)" \
	test "${res%% *}" = rc=0

# And nothing of the other pair: neither hB's ioreq server nor a port gb (c3,c4) would open for dmA.
res=$(gnt_ask "$dm" ioreq "$hb")
echo "dmA: $res"
check "an ioreq server for hB is refused to dmA" test "${res%% *}" = rc=2
check "the refusal is Flask's: dm_op denied against hB's label" bash -c \
	"xl dmesg | grep 'avc:  denied  { dm }' | grep 'scontext=$dm_label' | grep -q 'tcontext=$(flask_label c3,c4) tclass=hvm'"
wait_until 60 "gb's gnt-agent is up" xs_is "/local/domain/$b/data/gnt-agent" ready
res=$(gnt_ask "$b" evt-offer "$dm")
echo "gb: $res"
check "gb (c3,c4) cannot open a channel for dmA (c1,c2)" test "${res%%:*}" = refused
check "the refusal is Flask's: gb's port may not bind to dmA" bash -c \
	"xl dmesg | grep 'avc:  denied  { bind }' | grep ':svirt_domU_t_channel:s0:c3,c4 ' | grep -q 'tcontext=$dm_label tclass=event'"

for d in dma ha hb; do
	check "xl destroy $d" xl destroy "$d"
done
