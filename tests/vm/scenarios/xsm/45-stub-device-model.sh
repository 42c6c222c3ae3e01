#!/bin/bash
# Scenario: a stub device model (svirt_dm_t at its guest's pair) serves its own guest once the toolstack has made
# it that guest's device model, and gets nothing of another pair's guest: Flask refuses, and says so.
# hA and hB: HVM (PVH) domains labelled with pairs c1,c2 and c3,c4, created paused. dmA: the guest kit (PV)
# labelled svirt_dm_t at c1,c2, the label a stub domain of hA carries, made hA's device model as libxl makes a
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
# answer_is ANSWER RC WORDS: the agent's answer has exit status RC and contains WORDS (an errno's text).
answer_is() { [ "${1%% *}" = "rc=$2" ] && [[ $1 == *"$3"* ]]; }
# dm_denials: how many of Xen's denials since the start name dmA as the source.
dm_denials() { flask_avc_count "scontext=$dm_label "; }
# set_dm_target DOMID: what libxl writes for a stub domain: the domain it serves, in the stub's own xenstore area.
set_dm_target() { xenstore-write "/local/domain/$dm/target" "$1"; }

flask_avc_start
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
	"\{ dm \} .*scontext=$dm_label tcontext=$(flask_label c1,c2) tclass=hvm"

# 3. The toolstack's step: the constraints keep dmA from becoming the device model of another pair's guest.
rc=0
out=$(svirt-settarget "$dm" "$hb") || rc=$?
echo "dom0: $out"
check_eq "Xen refuses to make dmA (c1,c2) hB's (c3,c4) device model" 2 "$rc"
check_flask_avc "the refusal is Flask's: set_target denied between the pairs" \
	"\{ set_target \} .*scontext=$dm_label tcontext=$(flask_label c3,c4) tclass=domain"
check "dom0 makes dmA hA's device model (set_target, as libxl does for a stub domain)" svirt-settarget "$dm" "$ha"

# qemu's first steps in a stub domain: Xen opens the ioreq server's ports in hA's table, dmA binds one
# (its end checked against hA's target view, svirt_domU_t_target at c1,c2).
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
	"\{ dm \} .*scontext=$dm_label tcontext=$(flask_label c3,c4) tclass=hvm"
# Nor does a port of another pair's guest open for dmA.
wait_until 60 "gb's gnt-agent is up" xs_is "/local/domain/$b/data/gnt-agent" ready
res=$(gnt_ask "$b" evt-offer "$dm")
echo "gb: $res"
check "gb (c3,c4) cannot open a channel for dmA (c1,c2)" test "${res%%:*}" = refused
check_flask_avc "the refusal is Flask's: gb's port may not bind to dmA" \
	"\{ bind \} .*:svirt_domU_t_channel:s0:c3,c4 tcontext=$dm_label tclass=event"

flask_avc_all_expected
for d in dma ha hb; do
	check "xl destroy $d" xl destroy "$d"
done
