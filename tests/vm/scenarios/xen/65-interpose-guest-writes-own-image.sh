#!/bin/bash
# Scenario: a program svirt-interpose starts for guest A (in A's svirtd label) appends to A's image and is denied
# B's, the kernel's AVC line matched; both guests are real (paused, labelled by svirtd), the program a stand-in qemu.
set -euo pipefail
. "$VM_LIB"

IP=/usr/libexec/svirt-xen/svirt-interpose
[ -x "$IP" ] || fail "svirt-interpose is not installed"
running svirtd || fail "svirtd is not running in dom0"
CONF=/etc/svirt/interpose.conf
[ ! -e "$CONF" ] || cp "$CONF" "$CONF.orig"
cleanup() {
	rm -f "$CONF"
	[ ! -e "$CONF.orig" ] || mv "$CONF.orig" "$CONF"
	xl destroy ia 2>/dev/null || true
	xl destroy ib 2>/dev/null || true
}
trap cleanup EXIT

for g in ia ib; do
	truncate -s 16M "$IMAGES/$g.img"
	guest_config "$g" 10.77.0.65 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/$g.img" |
		sed '/^vif = /d' >"$g.cfg"
	check "xl create -p $g" timed xl create -p "$g.cfg"
done
da=$(domid_of ia)
db=$(domid_of ib)
wait_until 60 "svirtd labelled ia" svirt_labelled "$da"
wait_until 60 "svirtd labelled ib" svirt_labelled "$db"
label_a=$(svirt_node "$da" label)
img_a=$(svirt_node "$da" imagelabel)
img_b=$(svirt_node "$db" imagelabel)
check_eq "ia's image carries its label" "$img_a" "$(label_of "$IMAGES/ia.img")"
check_eq "ib's image carries its label" "$img_b" "$(label_of "$IMAGES/ib.img")"

# The stand-in qemu (standin_install in lib.sh), builtins only.
standin=$(standin_install standin65 <<'SH'
read -r -d '' ctx </proc/self/attr/current
echo "context $ctx"
if echo "written by ia's device model" >>"$OWN"; then echo "own: written"; else echo "own: refused"; fi
if echo "written by ia's device model" >>"$OTHER"; then echo "other: written"; else echo "other: refused"; fi
SH
)
printf 'require_dm_restrict = 0\nwait = 30\nqemu = "%s"\n' "$standin" >"$CONF"

# As libxl starts it: svirt-interpose at xl's level (s0), with qemu's argv.
(cd / && as_toolstack env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ SHELL=/bin/sh \
	OWN="$IMAGES/ia.img" OTHER="$IMAGES/ib.img" "$IP" -xen-domid "$da" -nodefaults) >report ||
	{ cat report; fail "svirt-interpose did not run the stand-in for ia"; }
cat report
check_eq "the stand-in runs in ia's label" "context $label_a" "$(grep '^context' report | tr -d '\0')"
check "it appended to ia's image" grep -qx 'own: written' report
check "it was refused ib's image" grep -qx 'other: refused' report
check_eq "ia's image has the line" "written by ia's device model" "$(tail -n 1 "$IMAGES/ia.img")"
check "ib's image does not" not grep -q "written by ia" "$IMAGES/ib.img"
check_avc "the kernel's AVC: ia's pair against ib's image" \
	"denied  \\{[^}]*\\} for .*comm=\"standin65\" .*name=\"ib.img\" .*scontext=$label_a tcontext=$img_b tclass=file"

check "xl destroy ia" xl destroy ia
check "xl destroy ib" xl destroy ib
rm -f "$IMAGES/ia.img" "$IMAGES/ib.img" "$standin"
