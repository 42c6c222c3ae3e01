#!/bin/bash
# Scenario: a running PV guest whose vif a driver domain serves (the backend tree such a domain gets, written by hand as dom0,
# another guest standing in for it): svirtd logs it once, publishes it, svirt-xl lists it; its dom0 disk is labelled as ever.
set -euo pipefail
. "$VM_LIB"

# The emulated host cannot run a real network driver domain: h47b stands in for one. What libxl writes
# when a vif's backend is in another domain is written here by hand, as dom0: the backend device below
# /local/domain/<driver>/backend (given to the driver domain), the guest's frontend, and dom0's record
# in /libxl. svirtd is stopped meanwhile, so that it sees the tree only as libxl leaves it.
DISK=$IMAGES/h47-disk.img
GUESTS="h47a h47b"
declare -A dom

bare_config() {
	guest_config "$1" 10.77.0.47 unused | sed '/^vif = /d; /^disk = /d'
}
outside_is() { xs_is "/local/domain/0/svirt/$1/outside-backends" "$2"; }
outside_gone() { xs_gone "/local/domain/0/svirt/$1/outside-backends"; }
objects_are() { xs_is "/local/domain/0/svirt/$1/objects" "$2"; }
log_count() { grep -c -F "$1" "$LOG" || true; }

# driver_vif GUEST DRIVER DEVID: the vif's three places, as libxl writes them, with their owners.
driver_vif() {
	local be=/local/domain/$2/backend/vif/$1/$3 fe=/local/domain/$1/device/vif/$3 rec=/libxl/$1/device/vif/$3
	kill -STOP "$(pidof svirtd)"
	xenstore-write "$be/frontend" "$fe" "$be/frontend-id" "$1" "$be/online" 1 "$be/state" 1 \
		"$be/mac" 00:16:3e:47:00:01 "$be/bridge" xenbr0 "$be/handle" "$3" \
		"$fe/backend" "$be" "$fe/backend-id" "$2" "$fe/state" 1 "$fe/handle" "$3" "$fe/mac" 00:16:3e:47:00:01 \
		"$rec/frontend" "$fe" "$rec/backend" "$be"
	xenstore-chmod -r "$be" "n$2" "r$1"
	xenstore-chmod -r "$fe" "n$1" "r$2"
	xenstore-chmod -r "$rec" n0
	kill -CONT "$(pidof svirtd)"
}
driver_vif_remove() {
	xenstore-rm "/local/domain/$2/backend/vif/$1/$3"
	xenstore-rm "/local/domain/$1/device/vif/$3"
	xenstore-rm "/libxl/$1/device/vif/$3"
}
# A pass over the guest's devices: dom0 touches its /libxl record (what libxl does on every device change).
touch_record() { xenstore-write "/libxl/$1/device/vif/1/frontend" "/local/domain/$1/device/vif/1"; }

cleanup() {
	local g
	kill -CONT "$(pidof svirtd)" 2>/dev/null || true
	if [ -n "${dom[h47a]:-}" ]; then
		[ -z "${dom[h47b]:-}" ] || xenstore-rm "/local/domain/${dom[h47b]}/backend" 2>/dev/null || true
		xenstore-rm "/local/domain/${dom[h47a]}/device/vif/1" 2>/dev/null || true
		xenstore-rm "/local/domain/${dom[h47a]}/device/vbd/51800" 2>/dev/null || true
		xenstore-rm "/libxl/${dom[h47a]}/device/vif/1" 2>/dev/null || true
		xenstore-rm "/local/domain/0/backend/qdisk/${dom[h47a]}" 2>/dev/null || true
	fi
	for g in $GUESTS; do
		if domid_of "$g" >/dev/null; then xl destroy "$g" || true; fi
	done
	rm -f "$DISK"
}
trap cleanup EXIT

running svirtd || fail "svirtd is not running in dom0"
command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
truncate -s 1M "$DISK"
disk_before=$(label_of "$DISK")

for g in $GUESTS; do
	bare_config "$g" >"$g.cfg"
	check "xl create -p $g" timed xl create -p "$g.cfg"
	dom[$g]=$(domid_of "$g")
	echo "$g is domain ${dom[$g]}"
	wait_until 60 "svirtd reports $g labelled (no disks)" svirt_labelled "${dom[$g]}"
done
a=${dom[h47a]}
b=${dom[h47b]}
echo "what libxl keeps of $a, and who owns the stand-in's domain directory:"
xenstore-ls -p "/libxl/$a" || true
xenstore-ls -p "/local/domain/$b" | head -n 3 || true
check "h47a has no report before (nothing outside dom0)" outside_gone "$a"

# --- mixed: a disk in dom0's tree (qdisk, as scenario 50 writes one) and a vif in the stand-in's
xenstore-write "/local/domain/0/backend/qdisk/$a/51760/params" "raw:$DISK" \
	"/local/domain/0/backend/qdisk/$a/51760/mode" w "/local/domain/0/backend/qdisk/$a/51760/type" qdisk
driver_vif "$a" "$b" 1
xenstore-ls -p "/local/domain/$b/backend" || true
wait_until 60 "svirtd labels h47a's dom0 disk" objects_are "$a" 1
wait_until 60 "svirtd reports h47a's vif served by domain $b" outside_is "$a" "vif 1 by dom $b"
t_first=$SECONDS
check_eq "the dom0 disk carries h47a's label" "$(svirt_node "$a" imagelabel)" "$(label_of "$DISK")"
check_eq "h47a stays labelled" labelled "$(svirt_node "$a" state)"
check "the stand-in driver domain itself has no report" outside_gone "$b"
grep -F "backends outside dom0" "$LOG" | tail -n 3
check_eq "svirtd's log says it once" 1 "$(log_count "domain $a (h47a): backends outside dom0: vif 1 by dom $b")"

svirt-xl list | tee list.out
check "svirt-xl list shows the vif served outside dom0" grep -q -F "backends outside dom0: vif 1 by dom $b" list.out
svirt-xl list --json >list.json
check "svirt-xl list --json has it for h47a" \
	grep -q "\"domid\": $a, \"name\": \"h47a\", .*\"outside_backends\": \"vif 1 by dom $b\"" list.json
check "svirt-xl list --json has none for the stand-in" \
	grep -q "\"domid\": $b, \"name\": \"h47b\", .*\"outside_backends\": null" list.json
svirt-xl verify >verify.out || { cat verify.out; fail "svirt-xl verify found a problem"; }
cat verify.out
check "svirt-xl verify notes h47a's backends outside dom0" grep -q -F "domain $a (h47a): note: backends outside dom0" verify.out

# --- hostile frontends: the guest's own nodes, garbage and a claim of its own; then churn
fe=/local/domain/$a/device/vbd/51800
xenstore-write "$fe/backend-id" "junk" "$fe/backend" "/local/domain/0/backend/qdisk/$a/51760"
xenstore-chmod -r "$fe" "n$a"
touch_record "$a"
fe=/local/domain/$a/device/vbd/51808
xenstore-write "$fe/backend-id" 7 "$fe/backend" "/local/domain/7/backend/qdisk/$a/51808"
xenstore-chmod -r "$fe" "n$a"
touch_record "$a"
wait_until 60 "svirtd reports the guest's claim as unconfirmed" \
	outside_is "$a" "vif 1 by dom $b, vbd 51808 by dom 7 (unconfirmed)"
for i in 1 2 3 4 5 6 7 8; do
	xenstore-write "$fe/backend-id" "$((100 + i))" "$fe/backend" "/local/domain/$((100 + i))/backend/qdisk/$a/51808"
	touch_record "$a"
	wait_until 60 "svirtd publishes claim $i" \
		outside_is "$a" "vif 1 by dom $b, vbd 51808 by dom $((100 + i)) (unconfirmed)"
done
n=$(log_count "domain $a (h47a): backends outside dom0")
# The first report, then at most one line a minute however many changes (this host is slow: count the minutes).
allowed=$((2 + (SECONDS - t_first) / 60))
echo "svirtd's log lines about h47a's backends outside dom0: $n (at most $allowed in $((SECONDS - t_first)) s)"
check "svirtd's log about them stays bounded" test "$n" -le "$allowed"
check_eq "the dom0 disk keeps h47a's label" "$(svirt_node "$a" imagelabel)" "$(label_of "$DISK")"
check_eq "h47a still has one object" 1 "$(svirt_node "$a" objects)"
check "svirtd still runs" running svirtd
xenstore-rm "/local/domain/$a/device/vbd/51800"
xenstore-rm "/local/domain/$a/device/vbd/51808"

# --- the vif unplugged (as libxl removes it): the report goes; then the guests
driver_vif_remove "$a" "$b" 1
wait_until 60 "h47a's report goes with its vif" outside_gone "$a"
svirt-xl list | tee list.out
refute "svirt-xl list still shows a backend outside dom0" grep -q "backends outside dom0" list.out
xenstore-rm "/local/domain/0/backend/qdisk/$a"
for g in $GUESTS; do
	check "xl destroy $g" xl destroy "$g"
done
for g in $GUESTS; do
	wait_until 60 "$g's svirt nodes are gone" xs_gone "/local/domain/0/svirt/${dom[$g]}"
done
check_eq "the dom0 disk has its original label back" "$disk_before" "$(label_of "$DISK")"
