#!/bin/bash
# Scenario: a PV guest saved with xl save and brought back with svirt-xl restore. The save ends the domain: its disk
# gets its original label back and its pair is freed, with no reservation kept for its uuid; the restore makes a
# new domain of the same uuid, which svirtd labels (a pair of its own) before svirt-xl unpauses it, and the guest,
# asked from inside, reads back what it wrote to its disk before the save and writes again.
set -euo pipefail
. "$VM_LIB"
# No AVC denial is expected: xl save, xl restore and the guest's qdisk qemu (started by libxl, not through
# svirt-interpose here) run as root in xl's unconfined context, and svirtd's relabels are within its policy.

G=s80
IMG=$IMAGES/$G.img
SAVE=$PWD/$G.save
cleanup() {
	if domid_of "$G" >/dev/null; then xl destroy "$G" || true; fi
	rm -f "$IMG" "$SAVE"
}
trap cleanup EXIT

command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
has_record() { getfattr -n trusted.svirt "$1" >/dev/null 2>&1; }
# svirtd's LIST knows the uuid (as a domain or a reservation).
svirtd_knows() { svirt-xl list --json | has "\"uuid\": \"$1\""; }
# xl list's state column: "p" third means paused.
unpaused() { xl list "$1" | awk 'NR == 2 { exit substr($5, 3, 1) == "p" }'; }
# The image's first bytes as dom0 reads them (what the guest wrote there).
image_head() { dd if="$IMG" bs=64 count=1 2>/dev/null | tr -d '\0 '; }

truncate -s 64M "$IMG"
orig=$(label_of "$IMG")
echo "before: $IMG $orig"
guest_config "$G" 10.77.0.80 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMG" >$G.cfg
check "xl create $G" timed xl create $G.cfg
d1=$(domid_of "$G")
wait_until 60 "svirtd reports $G labelled" svirt_labelled "$d1"
uuid=$(svirt_node "$d1" uuid)
echo "$G is domain $d1, uuid $uuid"
img1=$(svirt_node "$d1" imagelabel)
case $img1 in system_u:object_r:svirt_xen_image_t:s0:c*,c*) ;; *) fail "$G's image label is '$img1'" ;; esac
check_eq "$G's disk carries its label" "$img1" "$(label_of "$IMG")"
wait_until 300 "$G writes data/ready=1" guest_ready "$d1"
check_eq "$G writes a word to its disk and reads it back" "ok before-save" "$(disk_ask "$d1" write before-save)"
check_eq "dom0 sees the word in $G's image" before-save "$(image_head)"

check "svirtd's LIST knows uuid $uuid" svirtd_knows "$uuid"

# --- xl save: the domain ends
check "xl save $G" timed xl save "$G" "$SAVE"
check "$G is gone" not domid_of "$G"
wait_until 60 "$G's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d1"
check_eq "after the save, the disk has its original label" "$orig" "$(label_of "$IMG")"
refute "the disk still has a trusted.svirt record" has_record "$IMG"
# No reservation outlives the save (README, "Guest lifecycle"): the pair is free for any guest.
refute "svirtd holds nothing for uuid $uuid" svirtd_knows "$uuid"
check "svirtd logged the pair released" grep -qF "domain $d1 ($G): released ${img1##*:}" "$LOG"

# --- svirt-xl restore: xl restore -p, labelled, then unpaused
check "svirt-xl restore" timed svirt-xl restore "$SAVE"
d2=$(domid_of "$G") || fail "no domain $G after the restore"
echo "$G is domain $d2 after the restore"
check_eq "the restored domain has the saved uuid" "$uuid" "$(svirt_node "$d2" uuid)"
check_eq "svirtd reports it labelled" labelled "$(svirt_node "$d2" state)"
check "svirt-xl unpaused it" unpaused "$G"
img2=$(svirt_node "$d2" imagelabel)
echo "pair before the save ${img1##*:}, after the restore ${img2##*:}"
case $img2 in system_u:object_r:svirt_xen_image_t:s0:c*,c*) ;; *) fail "the restored image label is '$img2'" ;; esac
check_eq "the disk carries the restored guest's published label" "$img2" "$(label_of "$IMG")"
check "the disk remembers its original label in trusted.svirt" has_record "$IMG"
check "svirt-xl list shows the uuid as domain $d2, labelled" sh -c "svirt-xl list --json | grep -q '\"domid\": $d2, \"name\": \"$G\", \"uuid\": \"$uuid\", .*\"svirt_state\": \"labelled\"'"

# --- the guest, from inside: its disk still holds what it wrote, and it writes on; its network still answers
check_eq "the restored guest reads its word back from its disk" "ok before-save" "$(disk_ask "$d2" read)"
check_eq "and writes another" "ok after-restore" "$(disk_ask "$d2" write after-restore)"
check_eq "dom0 sees the new word in the image" after-restore "$(image_head)"
check "dom0 reaches the restored guest" ping -q -c 2 -W 5 10.77.0.80

check "xl destroy $G" timed xl destroy "$G"
wait_until 60 "$G's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d2"
check_eq "the disk has its original label" "$orig" "$(label_of "$IMG")"
refute "the disk still has a trusted.svirt record" has_record "$IMG"
