#!/bin/bash
# Scenario: what svirt-xen adds to a guest's start, end to end. The same qdisk guest is created with svirt-xen
# active (svirtd labels it, its qemu starts through svirt-interpose) and with it stopped (svirtd down, libxl's own
# qemu), twice each, alternating; the times from xl create to data/ready are printed, not judged. In both the guest
# must see its disk: a start that is fast because the disk never came would be no figure at all.
set -euo pipefail
. "$VM_LIB"

IP=$(interposer)
running svirtd || fail "svirtd is not running in dom0"
interpose_conf_save
undo() {
	xl destroy ab 2>/dev/null || true
	rm -f "$IMAGES/ab.img"
	interpose_conf_restore
	running svirtd || init_start_svirtd >/dev/null || true
}
trap undo EXIT
# qemu looks into the directory xl ran from (this scenario's scratch directory), and on
# xl destroy's SIGTERM names the sender from its /proc entry: a device model may do neither.
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:(object_r:user_tmp_t|unconfined_r:unconfined_t):s0 tclass=dir'

# As scenario 62: no dm_restrict, which leaves a PV guest's qdisk backend unserved on Xen 4.17.
printf 'require_dm_restrict = 0\nwait = 120\n' >"$INTERPOSE_CONF"
truncate -s 64M "$IMAGES/ab.img"
disk="format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/ab.img"
{ guest_config ab 10.77.0.63 "$disk"; printf 'device_model_version = "qemu-xen"\n'; } >plain.cfg
{ cat plain.cfg; printf 'device_model_override = "%s"\n' "$IP"; } >svirt.cfg
original=$(label_of "$IMAGES/ab.img")

# start CFG: creates the guest, waits for its data/ready=1, checks it sees its
# disk, destroys it; sets ms to the milliseconds from xl create to data/ready.
start() {
	local t0 d i
	t0=${EPOCHREALTIME/./}
	xl create -q "$1" || fail "xl create $1"
	d=$(domid_of ab) || fail "no domain ab after xl create $1"
	for ((i = 0; i < 600; i++)); do
		guest_ready "$d" && break
		sleep 0.1
	done
	guest_ready "$d" || fail "ab ($1) wrote no data/ready=1 within 60 s"
	ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	check_eq "ab ($1) sees its disk" xvda "$(xenstore-read "/local/domain/$d/data/disks")"
	xl destroy ab || fail "xl destroy ab ($1)"
	wait_until 30 "domain $d is gone" not xenstore-exists "/local/domain/$d"
}

# stop_svirtd: svirt-xen off, as an administrator stops the service (SIGTERM),
# with no guest running.
stop_svirtd() {
	local pid
	pid=$(pidof svirtd) || fail "svirtd is not running"
	kill -TERM "$pid"
	wait_until 30 "svirtd ($pid) stopped" dead "$pid"
}

declare -a on off
for round in 1 2; do
	start svirt.cfg
	on+=("$ms")
	check_eq "the image has its own label back after round $round with svirt-xen" "$original" "$(label_of "$IMAGES/ab.img")"
	stop_svirtd
	start plain.cfg
	off+=("$ms")
	restart_svirtd "round $round"
done

secs() {
	local v=$1 sign=
	[ "$v" -ge 0 ] || { sign=-; v=$((-v)); }
	printf '%s%d.%03d' "$sign" $((v / 1000)) $((v % 1000))
}
echo "xl create to data/ready, qdisk guest, svirt-xen active: $(secs "${on[0]}") s, $(secs "${on[1]}") s;" \
	"svirt-xen stopped: $(secs "${off[0]}") s, $(secs "${off[1]}") s"
echo "svirt-xen added (mean of 2): $(secs $(((on[0] + on[1] - off[0] - off[1]) / 2))) s"
