#!/bin/bash
# Scenario: on Flask, svirt-xl create gives a guest its pair as Flask label; a second guest asking for a live
# guest's pair is refused (svirtd's RESERVE) before any domain exists, and one without --pair gets another pair.
set -euo pipefail
. "$VM_LIB"

command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
cleanup() { for g in sx sy; do xl destroy "$g" 2>/dev/null || true; done; }
trap cleanup EXIT
# Neither disk nor vif: no qemu and no vif script, only the labels are at stake here.
for g in sx sy; do
	guest_config "$g" 10.77.0.30 "" | sed '/^disk/d;/^vif/d' >"$g.cfg"
done

check "svirt-xl create --pair c5,c6 sx" timed svirt-xl create --pair c5,c6 sx.cfg
check_eq "xl list -Z shows sx at its pair" "$(flask_label c5,c6)" "$(flask_label_of sx)"
refute "svirt-xl create --pair c5,c6 sy (the pair live sx holds)" svirt-xl create --pair c5,c6 sy.cfg
check "no domain sy was made" not xl domid sy
check "svirt-xl create sy, svirtd choosing the pair" timed svirt-xl create sy.cfg
label=$(flask_label_of sy)
echo "sy: $label"
[[ $label == system_u:system_r:svirt_domU_t:s0:c*,c* ]] || fail "sy's Flask label has no pair: $label"
check "sy's pair is not sx's" test "$label" != "$(flask_label c5,c6)"
# Both guests in svirt-xl's report: the dom0 label (svirtd's) and the Flask label carry the same pair.
svirt-xl list --json >list.json
cat list.json
for g in sx sy; do
	pair=$(flask_label_of "$g" | sed 's/.*:s0://')
	check "list --json shows $g with pair $pair, its dom0 label and Flask label at that pair" grep -qE \
		"\"name\": \"$g\", .*\"pair\": \"$pair\", \"label\": \"[^\"]*svirt_xen_t:s0:$pair\", .*\"flask_label\": \"[^\"]*svirt_domU_t:s0:$pair\"" list.json
done
check "xl destroy sx" xl destroy sx
check "xl destroy sy" xl destroy sy
