#!/bin/bash
# Scenario: a stub device model (svirt_dm_t at its guest's pair) serves its own guest once the toolstack has made
# it that guest's device model, and gets nothing of another pair's guest: Flask refuses, and says so.
# hA and hB: HVM (PVH) domains labelled with pairs c11,c12 and c13,c14, created paused. dmA: the guest kit (PV)
# labelled svirt_dm_t at c11,c12, the label a stub domain of hA carries, made hA's device model as libxl makes a
# stub domain one: dom0 writes the stub's xenstore node "target" and calls set_target (svirt-settarget). In dmA,
# `svirt-gnttest ioreq` does what qemu does first: creates an ioreq server for the guest (dm_op through privcmd),
# for which Xen opens ports in the guest's table, and binds the buffered-ioreq port.
# Two gates stand in a stub's way, and each refusal is shown to come from its own: Linux's privcmd, outside dom0,
# serves only the domain the stub's xenstore node "target" names, read when the driver starts, and refuses any
# other with EPERM before Xen sees anything (Linux's fix for XSA-482). That is the stub kernel's own restraint: a
# compromised stub, or one whose kernel lacks it, asks Xen directly, so the scenario also points dmA's privcmd at
# the domain it should not reach, and Flask refuses (EACCES, with a denial naming both labels).
# What it cannot: no HVM guest runs here (hA stays paused: TCG, no firmware), so no I/O request travels the
# channel and no guest memory is mapped; dmA is a stand-in, the kit's Linux rather than a qemu stub domain, and
# xl does not spawn it (libxl's stub-domain spawn needs a stub image Debian does not ship).
# Stub domains in svirtd (issue 16 item 4, part 5): dmS stands in for hA's stub domain as libxl builds one: its
# own domain and uuid, Flask label svirt_dm_t at hA's Flask pair, "target" written by dom0 (owned by dom0, dmS
# may only read it) before svirtd looks at it, then hA's own disk (hA's loop device, writable) attached to it,
# which the block script allows only because of that target node. svirtd must give dmS hA's dom0 pair, with no
# allocation of its own, both states labelled (not error), svirt-xl list must show it as hA's stub domain,
# and dmS must see the disk; hA's disk keeps hA's label while dmS goes, and gets its own back once hA goes too.
# What the stand-in does not cover: libxl writes a stub's target node before the stub is introduced, and
# svirtd binds the stub at its introduction; xl cannot make a domain with that node in place, so here svirtd
# is stopped while dmS is made and meets dmS when it starts again (the creation order, the stub appearing
# while its guest is still labelled, hostile target nodes and both destroy orders are unit tests:
# tests/unit/test_xenstored_svirtd_stub.c). No qemu runs in dmS, it has no vif (a stub's vifs get the pair
# through the same binding, unit-tested only through its disks here), and no dom0 qemu serves its console.
set -euo pipefail
. "$VM_LIB"

cleanup() {
	local d
	for d in dms dma ha hb; do
		xl destroy "$d" 2>/dev/null || true
	done
	running svirtd || restart_svirtd "after a failure" || true
	[ -z "${ha_loop:-}" ] || losetup -d "$ha_loop" 2>/dev/null || true
}
trap cleanup EXIT

dm_label=system_u:system_r:svirt_dm_t:s0:c11,c12
# pvh_config NAME PAIR [DISK]: an HVM domain without a device model (PVH), labelled with the pair; it is never
# unpaused. (128 MB: the domain builder wants room for the kit kernel, which 64 MB lacks.)
pvh_config() {
	cat <<CFG
name = "$1"
type = "pvh"
kernel = "$GUEST_VMLINUX"
extra = "console=hvc0 quiet"
memory = 128
vcpus = 1
on_crash = "destroy"
seclabel = '$(flask_label "$2")'
CFG
	[ -z "${3:-}" ] || echo "disk = [ '$3' ]"
}
# answer_is ANSWER RC WORDS: the agent's answer has exit status RC and contains WORDS (an errno's text).
answer_is() { [ "${1%% *}" = "rc=$2" ] && [[ $1 == *"$3"* ]]; }
# dm_denials: how many of Xen's denials since the start name dmA as the source.
dm_denials() { flask_avc_count "scontext=$dm_label "; }
# set_dm_target DOMID: what libxl writes for a stub domain: the domain it serves, in the stub's own xenstore area.
set_dm_target() { xenstore-write "/local/domain/$dm/target" "$1"; }

flask_avc_start
# hA's disk (part 5): a loop device, as libxl's block script gives it to blkback.
truncate -s 16M "$IMAGES/ha.img"
ha_img_orig=$(label_of "$IMAGES/ha.img")
ha_loop=$(losetup -f --show "$IMAGES/ha.img")
pvh_config ha c11,c12 "phy:$ha_loop,xvda,w" >ha.cfg
pvh_config hb c13,c14 >hb.cfg
check "xl create -p hA (PVH, c11,c12)" timed xl create -p ha.cfg
check "xl create -p hB (PVH, c13,c14)" timed xl create -p hb.cfg
guest_config dma 10.77.0.25 "" | sed '/^disk/d;/^vif/d' >dma.cfg
echo "seclabel = '$dm_label'" >>dma.cfg
check "xl create dmA (svirt_dm_t, c11,c12)" timed xl create dma.cfg
xl list -Z
check_eq "xl list -Z shows hA's label" "$(flask_label c11,c12)" "$(flask_label_of ha)"
check_eq "xl list -Z shows dmA's label" "$dm_label" "$(flask_label_of dma)"
ha=$(domid_of ha)
hb=$(domid_of hb)
dm=$(domid_of dma)
b=$(domid_of gb)
wait_until 300 "dmA writes data/ready=1" guest_ready "$dm"
wait_until 60 "dmA's gnt-agent is up" xs_is "/local/domain/$dm/data/gnt-agent" ready

# 1. No target yet: dmA's own kernel refuses, and Xen never sees the dm_op.
res=$(gnt_ask "$dm" privcmd)
echo "dmA: $res"
check "dmA's privcmd finds no target and blocks every hypercall (Linux, outside dom0)" \
	answer_is "$res" 0 "No target domain found"
res=$(gnt_ask "$dm" ioreq "$ha")
echo "dmA: $res"
check "an ioreq server for hA is refused by dmA's privcmd (EPERM)" answer_is "$res" 2 "Operation not permitted"
check_eq "Xen logged no denial for it: the dm_op never reached Flask" 0 "$(dm_denials)"

# 2. dom0 names hA as dmA's target, and dmA's privcmd passes the dm_op on; Xen has no set_target yet,
#    so Flask checks dmA against hA's own label, on which it holds set_target alone.
set_dm_target "$ha"
res=$(gnt_ask "$dm" privcmd)
echo "dmA: $res"
check "dmA's privcmd now serves hA" answer_is "$res" 0 "target=$ha"
res=$(gnt_ask "$dm" ioreq "$ha")
echo "dmA: $res"
check "an ioreq server for hA is refused while dmA is not its device model (EACCES)" \
	answer_is "$res" 2 "Permission denied"
check_flask_avc "the refusal is Flask's: dm denied against hA's own label" \
	"\{ dm \} .*scontext=$dm_label tcontext=$(flask_label c11,c12) tclass=hvm"

# 3. The toolstack's step: the constraints keep dmA from becoming the device model of another pair's guest.
rc=0
out=$(svirt-settarget "$dm" "$hb") || rc=$?
echo "dom0: $out"
check_eq "Xen refuses to make dmA (c11,c12) hB's (c13,c14) device model" 2 "$rc"
check_flask_avc "the refusal is Flask's: set_target denied between the pairs" \
	"\{ set_target \} .*scontext=$dm_label tcontext=$(flask_label c13,c14) tclass=domain"
check "dom0 makes dmA hA's device model (set_target, as libxl does for a stub domain)" svirt-settarget "$dm" "$ha"

# qemu's first steps in a stub domain: Xen opens the ioreq server's ports in hA's table, dmA binds one
# (its end checked against hA's target view, svirt_domU_t_target at c11,c12).
res=$(gnt_ask "$dm" ioreq "$ha")
echo "dmA: $res"
check "dmA creates hA's ioreq server and binds its port" answer_is "$res" 0 "bound: port"

# 4. Another pair's guest. dmA's privcmd, restricted to hA, refuses hB itself.
n=$(dm_denials)
res=$(gnt_ask "$dm" ioreq "$hb")
echo "dmA: $res"
check "an ioreq server for hB is refused by dmA's privcmd, which serves hA only (EPERM)" \
	answer_is "$res" 2 "Operation not permitted"
check_eq "Xen logged no new denial for it" "$n" "$(dm_denials)"
# A stub whose kernel does not hold it back (compromised, or without that restriction) asks Xen anyway:
# dmA's privcmd pointed at hB stands in for it. Xen checks hB's own label (dmA has no view of hB): refused.
set_dm_target "$hb"
res=$(gnt_ask "$dm" privcmd)
echo "dmA: $res"
check "dmA's privcmd now passes hB's dm_ops on to Xen" answer_is "$res" 0 "target=$hb"
res=$(gnt_ask "$dm" ioreq "$hb")
echo "dmA: $res"
check "an ioreq server for hB is refused to dmA by Xen (EACCES)" answer_is "$res" 2 "Permission denied"
check_flask_avc "the refusal is Flask's: dm denied against hB's label" \
	"\{ dm \} .*scontext=$dm_label tcontext=$(flask_label c13,c14) tclass=hvm"
# Nor does a port of another pair's guest open for dmA.
wait_until 60 "gb's gnt-agent is up" xs_is "/local/domain/$b/data/gnt-agent" ready
res=$(gnt_ask "$b" evt-offer "$dm")
echo "gb: $res"
check "gb (c3,c4) cannot open a channel for dmA (c11,c12)" test "${res%%:*}" = refused
check_flask_avc "the refusal is Flask's: gb's port may not bind to dmA" \
	"\{ bind \} .*:svirt_domU_t_channel:s0:c3,c4 tcontext=$dm_label tclass=event"

# 5. svirtd binds a stub domain to its guest (see the header for what the stand-in does not cover).
wait_until 120 "svirtd labels hA and its disk" svirt_labelled "$ha"
ha_image=$(svirt_node "$ha" imagelabel)
check_eq "hA's disk image carries hA's dom0 image label" "$ha_image" "$(label_of "$IMAGES/ha.img")"
guest_config dms 10.77.0.26 "" | sed '/^disk/d;/^vif/d' >dms.cfg
echo "seclabel = '$dm_label'" >>dms.cfg
pid=$(pidof svirtd) || fail "svirtd is not running"
kill -TERM "$pid"
wait_until 30 "svirtd ($pid) stopped while dmS is made" dead "$pid"
check "xl create -p dmS (svirt_dm_t, c11,c12)" timed xl create -p dms.cfg
ds=$(domid_of dms)
# As libxl__spawn_stub_dm: dom0 writes the node in the stub's area, which dom0 owns and the stub may only read.
xenstore-write "/local/domain/$ds/target" "$ha"
perms=$(xenstore-ls -p "/local/domain/$ds" | grep '^target ')
echo "dmS's target node: $perms"
check "dmS's target node is dom0's, read-only to dmS" grep -q "(n0,r$ds)" <<<"$perms"
check "xl block-attach dmS hA's disk (writable)" timed xl block-attach dms "phy:$ha_loop,xvda,w"
restart_svirtd "dmS made while it was down"
wait_until 120 "svirtd labels dmS" svirt_labelled "$ds"
check_eq "svirtd binds dmS to hA" "$ha" "$(svirt_node "$ds" target)"
check_eq "dmS gets hA's dom0 label (the same pair)" "$(svirt_node "$ha" label)" "$(svirt_node "$ds" label)"
check_eq "dmS gets hA's image label" "$ha_image" "$(svirt_node "$ds" imagelabel)"
check "hA stays labelled" svirt_labelled "$ha"
check_eq "hA's disk image keeps hA's label" "$ha_image" "$(label_of "$IMAGES/ha.img")"
grep "domain $ds" "$LOG" | tail -n 3
check "svirtd logs dmS as hA's stub domain" grep -q "domain $ds (dms): uuid .*: stub domain of domain $ha (ha)" "$LOG"
svirt-xl list | tee list.txt
check "svirt-xl list shows dmS as hA's stub domain" grep -q "stub domain of ha (domain $ha)" list.txt
pair=$(svirt_node "$ha" label | sed 's/.*:s0://')
svirt-xl list --json >list.json
check_eq "hA and dmS alone hold hA's pair" 2 "$(grep -c "\"pair\": \"$pair\"" list.json)"
check "svirt-xl verify finds every object as svirtd left it" svirt-xl verify
check "xl unpause dmS" xl unpause dms
wait_until 300 "dmS writes data/ready=1" guest_ready "$ds"
check_eq "dmS sees hA's disk through blkback" xvda "$(xenstore-read "/local/domain/$ds/data/disks" | tr -d ' ')"
check "xl destroy dmS" xl destroy dms
wait_until 60 "svirtd drops dmS" xs_gone "/local/domain/0/svirt/$ds"
check "hA stays labelled once its stub domain is gone" svirt_labelled "$ha"
check_eq "hA's disk image keeps hA's label" "$ha_image" "$(label_of "$IMAGES/ha.img")"

flask_avc_all_expected
for d in dma ha hb; do
	check "xl destroy $d" xl destroy "$d"
done
wait_until 60 "svirtd releases hA" xs_gone "/local/domain/0/svirt/$ha"
check_eq "hA's disk image gets its own label back" "$ha_img_orig" "$(label_of "$IMAGES/ha.img")"
check "hA's loop device is released" losetup -d "$ha_loop"
ha_loop=
