#!/bin/bash
# Scenario (issue 17 item 4): per-guest options on booted PV guests, judged from each guest's side. svirt-xl create
# with svirt_seclabel (a full label): the guest runs at that pair and uses its disk; a bare pair puts a qdisk guest's
# qemu at it, and the guest sees that disk; another guest asking for a pair in use is refused naming its holder.
# svirt.conf's guest_* keys for plain xl create: a static pair, a disk shared by two guests at s0, a disk left to the
# administrator (kept as labelled; refused when it carries another guest's pair), and a guest without network, which
# reaches nothing (and one with a vif, refused).
set -euo pipefail
. "$VM_LIB"
# svirt-xl's qdisk guest's qemu looks into the directory xl ran from (as in scenario 70).
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c78,c778 tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir'

command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
CONF=/etc/svirt/svirt.conf
IMG=system_u:object_r:svirt_xen_image_t:s0
SHARED=$IMAGES/s76-shared.img
GUESTS="g76x g76q g76y g76s g76r g76h g76v"
saved=$PWD/svirt.conf.orig
log0=$(wc -l <"$LOG")
our_log() { tail -n "+$((log0 + 1))" "$LOG"; }

reloads() { grep -c "reloaded $CONF" "$LOG" || true; }
reloaded_after() { [ "$(reloads)" -gt "$1" ]; }
hup() {
	local n
	n=$(reloads)
	kill -HUP "$(pidof svirtd)"
	wait_until 30 "svirtd reloaded $CONF ($1)" reloaded_after "$n"
}
cleanup() {
	local rc=$? g
	if [ "$rc" != 0 ]; then echo "svirtd's log during this scenario:"; our_log | tail -n 40 | sed 's/^/  log | /'; fi
	running svirtd || restart_svirtd "after a failure" || true
	for g in $GUESTS; do
		if domid_of "$g" >/dev/null; then xl destroy "$g" || true; fi
	done
	if [ -s "$saved" ] && ! cmp -s "$saved" "$CONF"; then
		cp "$saved" "$CONF"
		kill -HUP "$(pidof svirtd)" || true
	fi
	if [ -n "${loop:-}" ]; then losetup -d "$loop" || true; fi
	for g in $GUESTS; do rm -f "$IMAGES/$g.img"; done
	rm -f "$SHARED"
	interpose_conf_restore
}
interpose_conf_save
trap cleanup EXIT
# svirt-xl runs a qdisk PV guest's qemu without dm_restrict (under it, with Xen 4.17
# and QEMU 7.2, that qemu serves no disk), which the host allows here.
interpose_without_dm_restrict
has_record() { getfattr -n trusted.svirt "$1" >/dev/null 2>&1; }
no_domain() { not xl domid "$1"; }
disk() { printf 'format=raw,vdev=%s,access=rw,backendtype=qdisk,target=%s' "$1" "$2"; }
# disk_use DOMID WORD: the guest writes WORD to its first disk and reads it back (init-domu's disk probe).
disk_use() {
	local d=$1 nonce=$RANDOM i=0 got
	xenstore-write "/local/domain/$d/data/disk-request" "$nonce write $2"
	while [ $i -lt 240 ]; do
		got=$(xenstore-read "/local/domain/$d/data/disk-result" 2>/dev/null || true)
		case $got in "$nonce ok $2") return 0 ;; "$nonce "*) return 1 ;; esac
		i=$((i + 1))
		sleep 0.25
	done
	return 1
}
state_error() { xs_is "/local/domain/0/svirt/$1/state" error; }

for g in $GUESTS; do truncate -s 16M "$IMAGES/$g.img"; done
truncate -s 16M "$SHARED"
orig_s=$(label_of "$IMAGES/g76s.img")
orig_x=$(label_of "$IMAGES/g76x.img")
orig_q=$(label_of "$IMAGES/g76q.img")
orig_shared=$(label_of "$SHARED")

# --- svirt-xl create with svirt_seclabel, a full label: the pair is reserved and the guest runs at it.
# g76x's disk is a phy: loop device of its image (blkback, no qemu); g76q's qdisk shows a device model at a static
# pair. (When svirt-xl still set dm_restrict = 1 for every guest, a qdisk g76x's blkfront waited out 222 s for a
# backend its restricted qemu never connected, state 1, no image open.)
loop=$(losetup -f --show "$IMAGES/g76x.img")
guest_config g76x 10.77.0.76 "phy:$loop,xvda,w" | sed '/^vif = /d' >g76x.cfg
echo 'svirt_seclabel = "system_u:system_r:svirt_xen_t:s0:c76,c776"' >>g76x.cfg
check "svirt-xl create g76x (svirt_seclabel c76,c776)" timed svirt-xl create g76x.cfg
dx=$(domid_of g76x) || fail "no domain g76x"
check_eq "svirtd labels g76x at its static label" "system_u:system_r:svirt_xen_t:s0:c76,c776" "$(svirt_node "$dx" label)"
check_eq "g76x's disk carries its static label" "$IMG:c76,c776" "$(label_of "$IMAGES/g76x.img")"
ls -Z "$loop" "$IMAGES/g76x.img"

# svirt_seclabel, a bare pair, on a qdisk guest: its qemu runs at the pair, unrestricted, and serves the disk the
# guest sees (blkfront would wait 270 s for a backend that never connects: the bound is below that).
guest_config g76q 10.77.0.82 "$(disk xvda "$IMAGES/g76q.img")" | sed '/^vif = /d' >g76q.cfg
echo 'svirt_seclabel = "c78,c778"' >>g76q.cfg
check "svirt-xl create g76q (svirt_seclabel c78,c778)" timed svirt-xl create g76q.cfg
dq=$(domid_of g76q) || fail "no domain g76q"
check_eq "g76q's disk carries its static pair" "$IMG:c78,c778" "$(label_of "$IMAGES/g76q.img")"
wait_until 240 "g76q writes data/ready=1" guest_ready "$dq"
check_qdisk_served g76q "$dq"
check "xl destroy g76q" xl destroy g76q
dm_gone_after_destroy g76q "$q"

# Another guest asking for the same pair: refused before any domain exists, the holder named.
guest_config g76y 10.77.0.77 "$(disk xvda "$IMAGES/g76y.img")" | sed '/^vif = /d' >g76y.cfg
echo 'svirt_seclabel = "c76,c776"' >>g76y.cfg
refute "svirt-xl create g76y with g76x's pair" svirt-xl create g76y.cfg 2>g76y.err
cat g76y.err
check "the refusal names g76x" grep -q "pair c76,c776 is held by domain $dx (g76x" g76y.err
check "no domain g76y is left" no_domain g76y
# No network, but a vif: refused where the config says it.
guest_config g76y 10.77.0.77 "$(disk xvda "$IMAGES/g76y.img")" >g76y.cfg
echo 'svirt_network = "off"' >>g76y.cfg
refute "svirt-xl create of a guest without network that has a vif" svirt-xl create g76y.cfg 2>g76y.err
cat g76y.err
check "the refusal says file, line and key" grep -q "g76y.cfg:$(grep -n svirt_network g76y.cfg | cut -d: -f1): svirt_network: " g76y.err

# --- svirt.conf's guest_* keys, for plain xl create
cp "$CONF" "$saved"
cat >>"$CONF" <<EOF
# scenario 76
guest_seclabel = [ "g76s c77,c777" ]
guest_relabel_no = [ "g76r $IMAGES/g76r.img", "g76h $IMAGES/g76h.img" ]
guest_shared_images = [ "g76s $SHARED", "g76r $SHARED" ]
guest_network_off = [ "g76r", "g76v" ]
EOF
hup "per-guest options"

# g76r's disk, left to the administrator, is labelled by hand at the shared level; g76h's with g76x's pair.
chcon "$IMG" "$IMAGES/g76r.img"
chcon "$IMG:c76,c776" "$IMAGES/g76h.img"

guest_config g76s 10.77.0.78 "$(disk xvda "$IMAGES/g76s.img")', '$(disk xvdb "$SHARED")" >g76s.cfg
guest_config g76r 10.77.0.79 "$(disk xvda "$IMAGES/g76r.img")', '$(disk xvdb "$SHARED")" | sed '/^vif = /d' >g76r.cfg
grep '^disk' g76s.cfg g76r.cfg
# One at a time, once g76x is up: the first run created both while g76x booted, and libxl gave up waiting for
# g76s's qemu (device_model_postconfig_done, ERROR_TIMEDOUT) on the two emulated CPUs.
wait_until 300 "g76x is up" guest_ready "$dx"
check "xl create g76s" timed xl create g76s.cfg
check "xl create g76r" timed xl create g76r.cfg
ds=$(domid_of g76s)
dr=$(domid_of g76r)
wait_until 60 "svirtd reports g76s labelled" svirt_labelled "$ds"
wait_until 60 "svirtd reports g76r labelled" svirt_labelled "$dr"
check_eq "g76s got its static pair from svirt.conf" "$IMG:c77,c777" "$(svirt_node "$ds" imagelabel)"
check_eq "g76s's own disk carries it" "$IMG:c77,c777" "$(label_of "$IMAGES/g76s.img")"
check_eq "the disk both name as shared is at s0" "$IMG" "$(label_of "$SHARED")"
check_eq "g76r's disk keeps the administrator's label" "$IMG" "$(label_of "$IMAGES/g76r.img")"
refute "svirtd wrote no record into g76r's disk" has_record "$IMAGES/g76r.img"
ls -Z "$IMAGES/g76s.img" "$IMAGES/g76r.img" "$SHARED"

# From the guests' side.
wait_until 300 "g76s is up" guest_ready "$ds"
wait_until 300 "g76r is up" guest_ready "$dr"
check_eq "g76x sees its disk" xvda "$(xenstore-read "/local/domain/$dx/data/disks")"
check_eq "g76s sees its disk and the shared one" "xvda xvdb" "$(xenstore-read "/local/domain/$ds/data/disks")"
check_eq "g76r sees its disk and the shared one" "xvda xvdb" "$(xenstore-read "/local/domain/$dr/data/disks")"
check "g76x writes and reads back its disk" disk_use "$dx" x76
check "g76s writes and reads back its disk" disk_use "$ds" s76
check "g76r writes and reads back the disk svirtd left alone" disk_use "$dr" r76
check "g76s, with network, reaches dom0" guest_ping "$ds" 10.77.0.1
check_eq "g76r, without network, has no eth0" down "$(xenstore-read "/local/domain/$dr/data/eth0")"
refute "g76r reaches dom0" guest_ping "$dr" 10.77.0.1
refute "g76r reaches g76s" guest_ping "$dr" 10.77.0.78

# A disk left to the administrator that carries another guest's pair (g76x's): refused, left as it is.
guest_config g76h 10.77.0.80 "$(disk xvda "$IMAGES/g76h.img")" | sed '/^vif = /d' >g76h.cfg
check "xl create -p g76h" timed xl create -p g76h.cfg
dh=$(domid_of g76h)
wait_until 60 "svirtd refuses g76h" state_error "$dh"
svirt_node "$dh" reason
check "the reason says why" sh -c "xenstore-read /local/domain/0/svirt/$dh/reason | grep -q 'relabel%20off\|relabel off'"
check_eq "g76h's disk still carries g76x's label" "$IMG:c76,c776" "$(label_of "$IMAGES/g76h.img")"
check "xl destroy g76h" xl destroy g76h

# A guest without network that has a vif through vif-svirt: svirtd refuses the vif, xl gives up the domain.
# It has no disk: the refusal is the vif's, and a qdisk would only add a qemu to start and to tear down (35 s of
# the create when it had one).
guest_config g76v 10.77.0.81 unused | sed '/^disk = /d' |
	sed "s/'bridge=xenbr0'/'bridge=xenbr0,script=vif-svirt'/" >g76v.cfg
refute "xl create g76v (no network, a vif)" timed xl create -p g76v.cfg
check "no domain g76v is left" no_domain g76v
check "svirtd said why" grep -q "(g76v): refused (Permission denied): guest_network_off: it has vif 0" "$LOG"

# --- gone: what svirtd labelled is restored, what it left alone stays
for g in g76x g76s g76r; do check "xl destroy $g" xl destroy "$g"; done
for d in "$dx" "$dq" "$ds" "$dr"; do wait_until 60 "domain $d's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d"; done
check_eq "g76s's disk has its label back" "$orig_s" "$(label_of "$IMAGES/g76s.img")"
check_eq "the shared disk has its label back" "$orig_shared" "$(label_of "$SHARED")"
check_eq "g76x's disk has its label back" "$orig_x" "$(label_of "$IMAGES/g76x.img")"
check_eq "g76q's disk has its label back" "$orig_q" "$(label_of "$IMAGES/g76q.img")"
check_eq "g76r's disk still has the administrator's label" "$IMG" "$(label_of "$IMAGES/g76r.img")"
cp "$saved" "$CONF"
hup "the installed config again"
