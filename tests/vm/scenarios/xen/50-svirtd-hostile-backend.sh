#!/bin/bash
# Scenario: hostile disk values written into live guests' backend trees on the real xenstored (aio:/etc/shadow,
# a symlink to it, ".." traversal, a guest-owned backend) put the guest in error, relabel nothing; frontends are never read.
set -euo pipefail
. "$VM_LIB"

SHADOW=/etc/shadow
LINK=$IMAGES/h50-evil.img
DECOY=$IMAGES/h50-decoy.img	# under a relabel root: following a guest's node to it would relabel it
OK=$IMAGES/h50-ok.img		# a real disk hot-plugged into h50a
OWNED=$IMAGES/h50-owned.img	# named by a backend node the guest owns
GUESTS="h50a h50b h50c h50d"
made_shadow=''
declare -A dom

has_record() { getfattr -n trusted.svirt "$1" >/dev/null 2>&1; }
state_is() { xs_is "/local/domain/0/svirt/$1/state" "$2"; }
objects_are() { xs_is "/local/domain/0/svirt/$1/objects" "$2"; }
# A bare guest (no disk, no vif), left paused: svirtd only needs the domain and its backend tree.
bare_config() {
	guest_config "$1" 10.77.0.50 unused | sed '/^vif = /d; /^disk = /d'
}
# fake_disk DOMID PARAMS: one qdisk device as libxl would write it, in one transaction (xenstore-write).
fake_disk() {
	local b=/local/domain/0/backend/qdisk/$1/51760
	xenstore-write "$b/params" "$2" "$b/mode" w "$b/type" qdisk "$b/online" 1
}

cleanup() {
	local g
	kill -CONT "$(pidof svirtd)" 2>/dev/null || true
	for g in $GUESTS; do
		[ -z "${dom[$g]:-}" ] || xenstore-rm "/local/domain/0/backend/qdisk/${dom[$g]}" 2>/dev/null || true
		if domid_of "$g" >/dev/null; then xl destroy "$g" || true; fi
	done
	rm -f "$LINK" "$DECOY" "$OK" "$OWNED"
	[ -z "$made_shadow" ] || rm -f "$SHADOW"
}
trap cleanup EXIT

running svirtd || fail "svirtd is not running in dom0"
# This dom0's initramfs has no /etc/shadow; make one for the duration, as on a real host.
if [ ! -e "$SHADOW" ]; then
	printf 'root:*:19000:0:99999:7:::\n' >"$SHADOW"
	chmod 0640 "$SHADOW"
	made_shadow=1
fi
truncate -s 1M "$DECOY" "$OK" "$OWNED"
ln -s "$SHADOW" "$LINK"
shadow_before=$(label_of "$SHADOW")
decoy_before=$(label_of "$DECOY")
ok_before=$(label_of "$OK")
owned_before=$(label_of "$OWNED")
echo "before: $SHADOW $shadow_before; $DECOY $decoy_before"

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
	wait_until 60 "svirtd reports $g labelled (no disks)" svirt_labelled "${dom[$g]}"
done

# h50a: its own frontend area names the decoy; a real disk then appears in its backend tree, so svirtd
# looks at the domain again, labels that disk, and still never reads the frontend.
a=${dom[h50a]}
fe=/local/domain/$a/device/vbd/51760
xenstore-write "$fe/params" "aio:$DECOY" "$fe/backend" "/local/domain/0/backend/qdisk/$a/51760" \
	"$fe/mode" w "$fe/physical-device-path" "$DECOY"
check "the frontend nodes become the guest's own" xenstore-chmod -r "$fe" "n$a"
fake_disk "$a" "raw:$OK"
wait_until 60 "svirtd labels h50a's real backend disk" objects_are "$a" 1
check_eq "h50a's backend disk carries its label" "$(svirt_node "$a" imagelabel)" "$(label_of "$OK")"
check_eq "the decoy the frontend names is untouched" "$decoy_before" "$(label_of "$DECOY")"
refute "the decoy got a trusted.svirt record" has_record "$DECOY"
check_eq "h50a stays labelled" labelled "$(svirt_node "$a" state)"

# h50a again: a second backend device whose nodes the guest owns. svirtd is stopped while the nodes
# are written and handed over, so that it only ever sees them guest-owned.
b=/local/domain/0/backend/qdisk/$a/51776
kill -STOP "$(pidof svirtd)"
xenstore-write "$b/params" "raw:$OWNED" "$b/mode" w "$b/type" qdisk
xenstore-chmod -r "$b" "n$a" "r0"
kill -CONT "$(pidof svirtd)"
wait_until 60 "svirtd puts h50a in error (its backend node is guest-owned)" state_is "$a" error
echo "h50a's reason: $(svirt_node "$a" reason)"
check "svirtd says whose node it is" grep -q "owned by domain $a" <<<"$(svirt_node "$a" reason)"
check_eq "the image the guest-owned node names is untouched" "$owned_before" "$(label_of "$OWNED")"
refute "that image got a trusted.svirt record" has_record "$OWNED"

# h50b, h50c, h50d: /etc/shadow named directly, through a symlink in the image store, and through "..".
fake_disk "${dom[h50b]}" "aio:$SHADOW"
fake_disk "${dom[h50c]}" "raw:$LINK"
fake_disk "${dom[h50d]}" "aio:$IMAGES/../../../../etc/shadow"
for g in h50b h50c h50d; do
	d=${dom[$g]}
	wait_until 60 "svirtd puts $g in error" state_is "$d" error
	why=$(svirt_node "$d" reason)
	echo "$g's reason: $why"
	check "$g's reason is given" test -n "$why"
	check "svirtd's log names $g with the refusal" grep -q "domain $d ($g): refused" $LOG
	check_eq "$g's image label stays unused: no object" 0 "$(svirt_node "$d" objects)"
done
check "svirtd's log names h50a with the refusal" grep -q "domain $a (h50a): refused" $LOG
grep "): refused" $LOG | tail -n 4
check_eq "/etc/shadow keeps its label" "$shadow_before" "$(label_of "$SHADOW")"
refute "/etc/shadow got a trusted.svirt record" has_record "$SHADOW"
check "svirtd still runs" running svirtd

for g in $GUESTS; do
	xenstore-rm "/local/domain/0/backend/qdisk/${dom[$g]}" 2>/dev/null || true
	check "xl destroy $g" xl destroy "$g"
done
for g in $GUESTS; do
	wait_until 60 "$g's svirt nodes are gone" xs_gone "/local/domain/0/svirt/${dom[$g]}"
done
check_eq "h50a's real disk has its original label back" "$ok_before" "$(label_of "$OK")"
refute "h50a's real disk still has a trusted.svirt record" has_record "$OK"
check_eq "/etc/shadow still has its label" "$shadow_before" "$(label_of "$SHADOW")"
