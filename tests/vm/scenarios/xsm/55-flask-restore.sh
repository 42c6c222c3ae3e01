#!/bin/bash
# Scenario (issue 17 item 3): on Flask, svirt-xl restore of a saved guest: the restored domain keeps the Flask label
# saved with it, and svirtd takes its pair from that label, so the dom0 labels and the Flask label agree again.
set -euo pipefail
. "$VM_LIB"

G=s55
SAVE=$PWD/$G.save
loop=
cleanup() {
	if domid_of "$G" >/dev/null; then xl destroy "$G" || true; fi
	[ -z "$loop" ] || losetup -d "$loop" 2>/dev/null || true
	rm -f "$SAVE"
}
trap cleanup EXIT
command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"

truncate -s 16M "$IMAGES/$G.img"
loop=$(losetup -f --show "$IMAGES/$G.img")
orig=$(label_of "$IMAGES/$G.img")
guest_config "$G" 10.77.0.55 "phy:$loop,xvda,w" | sed '/^vif/d' >$G.cfg
check "svirt-xl create --pair c88,c888 $G" timed svirt-xl create --pair c88,c888 $G.cfg
d1=$(domid_of "$G")
image=system_u:object_r:svirt_xen_image_t:s0:c88,c888
check_eq "$G's Flask label carries c88,c888" "$(flask_label c88,c888)" "$(flask_label_of "$G")"
check_eq "$G's disk carries c88,c888" "$image" "$(label_of "$IMAGES/$G.img")"
wait_until 300 "$G writes data/ready=1" guest_ready "$d1"
check_eq "$G writes a word to its disk" "ok before-save" "$(disk_ask "$d1" write before-save)"

check "xl save $G" timed xl save "$G" "$SAVE"
wait_until 60 "$G's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d1"
check_eq "after the save, the disk has its original label" "$orig" "$(label_of "$IMAGES/$G.img")"

check "svirt-xl restore (Flask: the saved label's pair)" timed svirt-xl restore "$SAVE"
d2=$(domid_of "$G") || fail "no domain $G after the restore"
check_eq "the restored domain keeps its saved Flask label" "$(flask_label c88,c888)" "$(flask_label_of "$G")"
check_eq "svirtd reports it labelled" labelled "$(svirt_node "$d2" state)"
check_eq "svirtd gave it the pair of its Flask label" "$image" "$(svirt_node "$d2" imagelabel)"
check_eq "its disk carries c88,c888 again" "$image" "$(label_of "$IMAGES/$G.img")"
check "svirtd logged the pair as the Flask label's" grep -q "domain $d2 ($G): uuid .*: c88,c888 (its Flask label's)" "$LOG"
check_eq "the restored guest reads its word back from its disk" "ok before-save" "$(disk_ask "$d2" read)"

check "xl destroy $G" timed xl destroy "$G"
wait_until 60 "$G's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d2"
check_eq "the disk has its original label" "$orig" "$(label_of "$IMAGES/$G.img")"
