#!/bin/bash
# Scenario (issue 16 item 6): the blktap2 tapdev path on the real kernel and xenstored. Debian's Xen 4.17 has no
# blktap2, so dom0 plays the toolstack: a tapdev node (mknod of a loop device's numbers under /dev/xen/blktap-2,
# the loop standing in for tapdisk) and the vbd backend tree blktap2-era libxl and OpenXT write (params = the
# tapdev, type tap, tapdisk-params = the image, physical-device) for paused guests. svirtd labels the tapdev node
# and the image at the guest's pair and restores both on destroy; tapdisk-params outside the relabel roots, a tapdev
# with the numbers of the disk dom0's image store is mounted from, and one with the numbers of a disk dom0 swaps
# on are refused with a reason, and nothing is relabelled.
set -euo pipefail
. "$VM_LIB"

TAPDIR=/dev/xen/blktap-2
GOOD=$IMAGES/h67-a.img		# h67a's image, behind tapdev670
DECOY=$IMAGES/h67-b.img		# behind h67b's tapdev671; its tapdisk-params names OUTSIDE instead
OUTSIDE=/var/tmp/h67-outside.img	# outside every relabel root
C_IMG=$IMAGES/h67-c.img		# h67c's tapdisk-params: fine; its tapdev is the image store's own disk
D_IMG=$IMAGES/h67-d.img		# h67d's tapdisk-params: fine; its tapdev is a disk dom0 swaps on
SWAP=$IMAGES/h67-swap.img	# behind that disk
GUESTS="h67a h67b h67c h67d"
swapping=''
loops=()
made_dir=''
declare -A dom

has_record() { getfattr -n trusted.svirt "$1" >/dev/null 2>&1; }
state_is() { xs_is "/local/domain/0/svirt/$1/state" "$2"; }
objects_are() { xs_is "/local/domain/0/svirt/$1/objects" "$2"; }
bare_config() { guest_config "$1" 10.77.0.67 unused | sed '/^vif = /d; /^disk = /d'; }
# tap_vbd DOMID TAPDEV TAPDISK_PARAMS: the vbd a blktap2 toolstack writes for xvda (51712), with what the block
# hotplug script adds (physical-device in hex, physical-device-path), in one transaction.
tap_vbd() {
	local b=/local/domain/0/backend/vbd/$1/51712 n
	n=$(printf '%x:%x' "$((0x$(stat -c %t "$2")))" "$((0x$(stat -c %T "$2")))")
	xenstore-write "$b/params" "$2" "$b/type" tap "$b/mode" w "$b/tapdisk-params" "$3" \
		"$b/physical-device" "$n" "$b/physical-device-path" "$2" "$b/online" 1
}
# mknod_like NODE BLOCKDEV: a tapdev node with BLOCKDEV's numbers, labelled as the policy's file contexts say.
mknod_like() {
	mknod "$1" b "$((0x$(stat -c %t "$2")))" "$((0x$(stat -c %T "$2")))"
	restorecon "$1"
}

cleanup() {
	local g l
	for g in $GUESTS; do
		[ -z "${dom[$g]:-}" ] || xenstore-rm "/local/domain/0/backend/vbd/${dom[$g]}" 2>/dev/null || true
		if domid_of "$g" >/dev/null; then xl destroy "$g" || true; fi
	done
	[ -z "$swapping" ] || swapoff "$swapping" || true
	rm -f "$TAPDIR"/tapdev67[0-3]
	[ -z "$made_dir" ] || rmdir "$TAPDIR" 2>/dev/null || true
	for l in "${loops[@]}"; do losetup -d "$l" || true; done
	rm -f "$GOOD" "$DECOY" "$OUTSIDE" "$C_IMG" "$D_IMG" "$SWAP"
}
trap cleanup EXIT

running svirtd || fail "svirtd is not running in dom0"
if [ ! -d "$TAPDIR" ]; then mkdir -p "$TAPDIR"; made_dir=1; fi
mkdir -p "$(dirname "$OUTSIDE")"
truncate -s 16M "$GOOD" "$DECOY" "$OUTSIDE" "$C_IMG" "$D_IMG" "$SWAP"
la=$(losetup -f --show "$GOOD"); loops+=("$la")
lb=$(losetup -f --show "$DECOY"); loops+=("$lb")
ld=$(losetup -f --show "$SWAP"); loops+=("$ld")
# The image store is an ext4 image on a loop device, mounted: a disk dom0 itself uses (dom0's root is a tmpfs).
store_dev=$(awk -v m="$IMAGES" '$5 == m { for (i = 6; i < NF; i++) if ($i == "-") { print $(i + 2); exit } }' \
	/proc/self/mountinfo)
echo "the image store is $store_dev, mounted at $IMAGES"
[ -b "$store_dev" ] || fail "the image store's source '$store_dev' is not a block device"
# And a disk dom0 swaps on.
mkswap "$ld" >/dev/null
swapon "$ld"
swapping=$ld
cat /proc/swaps
mknod_like "$TAPDIR/tapdev670" "$la"
mknod_like "$TAPDIR/tapdev671" "$lb"
mknod_like "$TAPDIR/tapdev672" "$store_dev"
mknod_like "$TAPDIR/tapdev673" "$ld"
declare -A orig
for f in "$TAPDIR"/tapdev67[0-3] "$GOOD" "$DECOY" "$OUTSIDE" "$C_IMG" "$D_IMG" "$SWAP" "$store_dev" "$la" "$lb" "$ld"; do
	orig[$f]=$(label_of "$f")
	echo "before: $f ${orig[$f]}"
done
# (restorecon keeps the maker's SELinux user, the administrator's unconfined_u)
check_eq "a tapdev node is a fixed disk by the policy's file contexts" \
	object_r:fixed_disk_device_t:s0 "$(label_of "$TAPDIR/tapdev670" | cut -d: -f2-)"

pids=()
for g in $GUESTS; do
	bare_config "$g" >"$g.cfg"
	timed xl create -p "$g.cfg" >"$g.out" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]}"; do
	rc=0
	wait "$p" || rc=$?
	[ "$rc" = 0 ] || { cat ./*.out; fail "xl create -p of a bare guest failed"; }
done
for g in $GUESTS; do
	dom[$g]=$(domid_of "$g")
	echo "$g is domain ${dom[$g]}"
	wait_until 60 "svirtd reports $g labelled (no disks yet)" svirt_labelled "${dom[$g]}"
done

# h67a: a tapdisk-backed vbd as a blktap2 toolstack writes it.
a=${dom[h67a]}
tap_vbd "$a" "$TAPDIR/tapdev670" "aio:$GOOD"
xenstore-ls -f "/local/domain/0/backend/vbd/$a" | sed 's/^/  | /'
wait_until 60 "svirtd counts h67a's tapdev node and its image" objects_are "$a" 2
img=$(svirt_node "$a" imagelabel)
echo "h67a's image label: $img"
case $img in system_u:object_r:svirt_xen_image_t:s0:c*,c*) ;; *) fail "h67a's image label is '$img'" ;; esac
check_eq "h67a is labelled" labelled "$(svirt_node "$a" state)"
check_eq "the tapdev node carries h67a's pair" "$img" "$(label_of "$TAPDIR/tapdev670")"
check_eq "the image behind it (tapdisk-params) carries h67a's pair" "$img" "$(label_of "$GOOD")"
check "the tapdev node remembers its label in trusted.svirt" has_record "$TAPDIR/tapdev670"
check "and so does the image" has_record "$GOOD"

# h67b: tapdisk-params names an image outside every relabel root; its tapdev is a fine one.
b=${dom[h67b]}
tap_vbd "$b" "$TAPDIR/tapdev671" "aio:$OUTSIDE"
# h67c: a fine image, but the tapdev has the numbers of the image store's disk, mounted in dom0.
c=${dom[h67c]}
tap_vbd "$c" "$TAPDIR/tapdev672" "aio:$C_IMG"
# h67d: a fine image, but the tapdev has the numbers of the disk dom0 swaps on.
dd_=${dom[h67d]}
tap_vbd "$dd_" "$TAPDIR/tapdev673" "aio:$D_IMG"
for g in h67b h67c h67d; do
	d=${dom[$g]}
	wait_until 60 "svirtd puts $g in error" state_is "$d" error
	why=$(svirt_node "$d" reason)
	echo "$g's reason: $why"
	check "svirtd's log names $g with the refusal" grep -q "domain $d ($g): refused" $LOG
	check_eq "$g has no labelled object" 0 "$(svirt_node "$d" objects)"
done
check "h67b's reason names the image outside the roots" grep -q "$OUTSIDE" <<<"$(svirt_node "$b" reason)"
# The store's loop device is backed by a file outside the relabel roots: refused on that, before its use is asked.
check "h67c's reason names its tapdev" grep -q "tapdev672" <<<"$(svirt_node "$c" reason)"
check "h67d's reason says dom0 swaps on the tapdev's disk" grep -q "used as swap" <<<"$(svirt_node "$dd_" reason)"
for f in "$TAPDIR/tapdev671" "$OUTSIDE" "$DECOY" "$TAPDIR/tapdev672" "$C_IMG" "$store_dev" "$lb" \
	"$TAPDIR/tapdev673" "$D_IMG" "$SWAP" "$ld"; do
	check_eq "$f keeps its label" "${orig[$f]}" "$(label_of "$f")"
	refute "$f got a trusted.svirt record" has_record "$f"
done
check "svirtd still runs" running svirtd
check_eq "h67a stays labelled" labelled "$(svirt_node "$a" state)"

for g in $GUESTS; do
	check "xl destroy $g" timed xl destroy "$g"
	xenstore-rm "/local/domain/0/backend/vbd/${dom[$g]}" 2>/dev/null || true
done
for g in $GUESTS; do
	wait_until 60 "$g's svirt nodes are gone" xs_gone "/local/domain/0/svirt/${dom[$g]}"
done
for f in "$TAPDIR/tapdev670" "$GOOD"; do
	check_eq "$f has its original label back" "${orig[$f]}" "$(label_of "$f")"
	refute "$f still has a trusted.svirt record" has_record "$f"
done
