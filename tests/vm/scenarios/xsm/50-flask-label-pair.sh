#!/bin/bash
# Scenario (issue 17 item 3): plain xl create with a hand-written seclabel at c77,c777: svirtd labels the
# guest's disk with that pair; a second live guest with the same label is refused (state error), its disk untouched.
set -euo pipefail
. "$VM_LIB"

running svirtd || fail "svirtd is not running in dom0"
loops=()
cleanup() {
	for g in gf gg gh; do xl destroy "$g" 2>/dev/null || true; done
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
}
trap cleanup EXIT
for g in gf gg; do
	truncate -s 16M "$IMAGES/$g.img"
	loops+=("$(losetup -f --show "$IMAGES/$g.img")")
done
orig_f=$(label_of "$IMAGES/gf.img")
orig_g=$(label_of "$IMAGES/gg.img")
orig_gloop=$(label_of "${loops[1]}")
guest_config gf 10.77.0.50 "phy:${loops[0]},xvda,w" | sed '/^vif/d' >gf.cfg
guest_config gg 10.77.0.51 "phy:${loops[1]},xvda,w" | sed '/^vif/d' >gg.cfg
for g in gf gg; do echo "seclabel = '$(flask_label c77,c777)'" >>"$g.cfg"; done

check "xl create gf (seclabel c77,c777, written by hand)" timed xl create gf.cfg
f=$(domid_of gf)
check_eq "xl list -Z shows gf at c77,c777" "$(flask_label c77,c777)" "$(flask_label_of gf)"
wait_until 60 "svirtd reports gf labelled" svirt_labelled "$f"
image=system_u:object_r:svirt_xen_image_t:s0:c77,c777
check_eq "svirtd took gf's pair from its Flask label" "$image" "$(svirt_node "$f" imagelabel)"
check_eq "gf's loop device carries c77,c777" "$image" "$(label_of "${loops[0]}")"
check_eq "gf's disk file carries c77,c777" "$image" "$(label_of "$IMAGES/gf.img")"
check "svirtd logged the pair as the Flask label's" grep -q "domain $f (gf): uuid .*: c77,c777 (its Flask label's)" "$LOG"
wait_until 300 "gf writes data/ready=1" guest_ready "$f"
check_eq "gf sees its disk through blkback" xvda "$(xenstore-read "/local/domain/$f/data/disks" | tr -d ' ')"
# svirt-xl writes seclabel itself: its config has none.
guest_config gh 10.77.0.52 "" | sed '/^disk/d;/^vif/d' >gh.cfg
out=$(svirt-xl create --pair c77,c777 gh.cfg 2>&1) && fail "svirt-xl create --pair c77,c777 gh succeeded: $out"
echo "$out"
check "svirtd's RESERVE refuses c77,c777 to svirt-xl create, naming gf as its holder" \
	grep -q "pair c77,c777 is held by domain $f (gf, uuid " <<<"$out"
check "no domain gh was made" not xl domid gh

# Flask cannot refuse a second domain at a live pair (30); svirtd refuses to label it.
check "the hypervisor accepts gg at gf's label" timed xl create gg.cfg
g=$(domid_of gg)
wait_until 60 "svirtd reports gg in state error" xs_is "/local/domain/0/svirt/$g/state" error
reason=$(svirt_node "$g" reason)
echo "gg refused: $reason"
case $reason in
*"c77,c777"*"held by domain $f (gf"*) ;;
*) fail "gg's reason does not name gf and the pair: $reason" ;;
esac
check "svirtd's log names both guests" grep -q "domain $g (gg): refused .*held by domain $f (gf" "$LOG"
check_eq "gg's disk file keeps its own label" "$orig_g" "$(label_of "$IMAGES/gg.img")"
check_eq "gg's loop device keeps its own label" "$orig_gloop" "$(label_of "${loops[1]}")"
check_eq "svirtd still holds gf labelled" labelled "$(svirt_node "$f" state)"
check_eq "gf's disk keeps c77,c777" "$image" "$(label_of "$IMAGES/gf.img")"

check "xl destroy gg" xl destroy gg
wait_until 60 "svirtd forgets gg" xs_gone "/local/domain/0/svirt/$g"
check_eq "gf's disk still carries c77,c777 after gg went" "$image" "$(label_of "$IMAGES/gf.img")"
check "xl destroy gf" xl destroy gf
wait_until 60 "svirtd forgets gf" xs_gone "/local/domain/0/svirt/$f"
check_eq "gf's disk file has its original label back" "$orig_f" "$(label_of "$IMAGES/gf.img")"
