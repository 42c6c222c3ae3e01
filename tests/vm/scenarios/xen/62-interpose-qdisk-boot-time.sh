#!/bin/bash
# Scenario: a PV guest whose file disk qdisk serves, its qemu started through svirt-interpose in its own label, boots
# with that disk (with dm_restrict its blkfront waited out 270 s and booted without it), and is ready within 20 s of
# the same guest kit on a phy: loop device in the same boot; both times from xl create to data/ready are printed.
set -euo pipefail
. "$VM_LIB"

IP=$(interposer)
running svirtd || fail "svirtd is not running in dom0"
interpose_conf_save
undo() {
	xl destroy qp 2>/dev/null || true
	xl destroy qq 2>/dev/null || true
	[ -z "${loop:-}" ] || losetup -d "$loop" 2>/dev/null || true
	rm -f "$IMAGES/qp.img" "$IMAGES/qq.img"
	interpose_conf_restore
}
trap undo EXIT
# Without dm_restrict: with it (Xen 4.17, QEMU 7.2) a PV guest's qemu serves no
# PV backend at all. -xen-domid-restrict turns every xenstore connection qemu
# holds into /dev/null once the machine is built (xentoolcore_restrict_all),
# and -chroot hides the image the qdisk backend would open later; the
# guest's blkfront then waits out the kernel's 270 s for a disk that never
# comes. README, "Starting qemu in the guest's label", says so.
interpose_without_dm_restrict

truncate -s 64M "$IMAGES/qp.img" "$IMAGES/qq.img"
loop=$(losetup -f --show "$IMAGES/qp.img")
guest_config qp 10.77.0.66 "phy:$loop,xvda,w" >qp.cfg
{ guest_config qq 10.77.0.67 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/qq.img"
  printf 'device_model_version = "qemu-xen"\ndevice_model_override = "%s"\n' "$IP"; } >qq.cfg

# boot_ms NAME: creates the guest; sets ms to the milliseconds from xl create
# to its data/ready=1 (the guest kit writes it once its disk and network are up).
boot_ms() {
	local t0 d i
	t0=${EPOCHREALTIME/./}
	xl create -q "$1.cfg" || fail "xl create $1"
	d=$(domid_of "$1")
	for ((i = 0; i < 1500; i++)); do
		guest_ready "$d" && { ms=$(((${EPOCHREALTIME/./} - t0) / 1000)); return 0; }
		sleep 0.2
	done
	fail "$1 wrote no data/ready=1 within 300 s"
}
boot_ms qp
phy=$ms
boot_ms qq
qdisk=$ms
dp=$(domid_of qp)
dq=$(domid_of qq)
grep -h 'guest: ' /var/log/xen/guest-qp.log /var/log/xen/guest-qq.log | sed 's/^/  /' || true
echo "xl create to data/ready: phy: $((phy / 1000)).$(printf %03d $((phy % 1000))) s," \
	"qdisk through svirt-interpose: $((qdisk / 1000)).$(printf %03d $((qdisk % 1000))) s"

# A blkfront that waits for a backend which never connects waits out the
# kernel's 270 s; within 20 s of the phy: guest is what a qdisk guest must do.
check "qq (qdisk, through svirt-interpose) was ready within 20 s of qp (phy:)" test "$qdisk" -le $((phy + 20000))
check_eq "qp's guest sees its disk" xvda "$(xenstore-read "/local/domain/$dp/data/disks")"
check_qdisk_served qq "$dq"

check "xl destroy qq" xl destroy qq
dm_gone_after_destroy qq "$q"
check "xl destroy qp" xl destroy qp
