#!/bin/bash
# Scenario (issue 16 item 7): two PV guests boot from qcow2 overlays on one raw base, served by qdisk through
# svirt-interpose; each overlay has its guest's pair, the base is shared read-only content (s0) held by both and
# restored only when the last one goes (also across an svirtd restart); a device model in A's label reads the base
# but cannot write it nor open B's overlay; an overlay whose backing name leaves the relabel roots is refused.
set -euo pipefail
. "$VM_LIB"

MKQCOW2=/usr/libexec/svirt-xen/tests/svirt-mkqcow2
need_installed "$MKQCOW2"
IP=$(interposer)
running svirtd || fail "svirtd is not running in dom0"
BASE=$IMAGES/c69-base.img
CONTENT_LABEL=system_u:object_r:svirt_xen_content_t:s0
interpose_conf_save
undo() {
	local g
	running svirtd || restart_svirtd "after a failure" || true
	for g in c69a c69b c69evil; do xl destroy "$g" 2>/dev/null || true; done
	rm -f "$BASE" "$IMAGES"/c69*.qcow2
	interpose_conf_restore
}
trap undo EXIT
# Without dm_restrict: with it this host's qemu serves no PV backend (62 says why).
interpose_without_dm_restrict

truncate -s 64M "$BASE"
printf 'BASE' | dd of="$BASE" conv=notrunc status=none	# what a reader of it finds first
orig_base=$(label_of "$BASE")
# The overlays name their base relative to their own directory, as qemu-img
# writes them; qemu resolves it from there, and so must svirtd.
for g in c69a c69b; do
	check "svirt-mkqcow2 $g.qcow2 on c69-base.img" "$MKQCOW2" "$IMAGES/$g.qcow2" 64 c69-base.img raw
	{ guest_config "$g" "10.77.0.$([ "$g" = c69a ] && echo 91 || echo 92)" \
		"format=qcow2,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/$g.qcow2"
	  printf 'device_model_version = "qemu-xen"\ndevice_model_override = "%s"\n' "$IP"; } >"$g.cfg"
done
orig_a=$(label_of "$IMAGES/c69a.qcow2")
orig_b=$(label_of "$IMAGES/c69b.qcow2")
echo "before: $BASE $orig_base; overlays $orig_a, $orig_b"
refs_of() { getfattr --absolute-names --only-values -n trusted.svirt "$1" 2>/dev/null | grep -o 'refs=[0-9]*'; }
has_record() { getfattr -n trusted.svirt "$1" >/dev/null 2>&1; }
released() { xs_gone "/local/domain/0/svirt/$1"; }

boot() {
	local d i
	timed xl create -q "$1.cfg" || { tail -n 5 /var/log/xen/qemu-dm-"$1".log* || true; fail "xl create $1"; }
	d=$(domid_of "$1")
	for ((i = 0; i < 1500; i++)); do
		guest_ready "$d" && return 0
		sleep 0.2
	done
	fail "$1 wrote no data/ready=1 within 300 s"
}
boot c69a
boot c69b
da=$(domid_of c69a)
db=$(domid_of c69b)
grep -h 'guest: ' /var/log/xen/guest-c69a.log /var/log/xen/guest-c69b.log | sed 's/^/  /' || true

# served_from_chain NAME DOMID: the guest sees its disk, qdisk is connected, and its
# qemu runs in svirtd's label for it, the overlay's pair, with overlay and base open.
served_from_chain() {
	local q ctx img
	check_eq "$1's guest sees its disk" xvda "$(xenstore-read "/local/domain/$2/data/disks")"
	check_eq "$1's qdisk backend is connected" 4 "$(xenstore-read "/local/domain/0/backend/qdisk/$2/51712/state")"
	q=$(dm_pid "$2") || fail "no qemu for $1"
	ctx=$(context_of_pid "$q")
	img=$(label_of "$IMAGES/$1.qcow2")
	echo "$ctx $q; overlay $img"
	check_eq "$1's qemu runs in svirtd's label for $1" "$(svirt_node "$2" label)" "$ctx"
	check_eq "$1's overlay carries svirtd's image label for $1" "$(svirt_node "$2" imagelabel)" "$img"
	check_eq "$1's qemu has the pair of $1's overlay" "${ctx##*:}" "${img##*:}"
	check "$1's qemu has its overlay open" bash -c "ls -l /proc/$q/fd | grep -q '$IMAGES/$1.qcow2'"
	check "$1's qemu has the base open" bash -c "ls -l /proc/$q/fd | grep -q '$BASE'"
}
served_from_chain c69a "$da"
served_from_chain c69b "$db"
check_eq "the base is shared read-only content" "$CONTENT_LABEL" "$(label_of "$BASE")"
check_eq "both guests hold the base" refs=2 "$(refs_of "$BASE")"
refute "the two overlays share a pair" test "$(label_of "$IMAGES/c69a.qcow2")" = "$(label_of "$IMAGES/c69b.qcow2")"

# svirtd killed (a crash) and started again: the holders are counted again
# from the guests' records, as for any other label.
pid=$(pidof svirtd) || fail "svirtd is not running"
kill -9 "$pid"
wait_until 10 "svirtd ($pid) killed with SIGKILL" dead "$pid"
restart_svirtd "both guests running on one base"
check_eq "after the restart the base is still content" "$CONTENT_LABEL" "$(label_of "$BASE")"
check_eq "after the restart both guests still hold it" refs=2 "$(refs_of "$BASE")"
wait_until 60 "svirtd has c69a labelled again" svirt_labelled "$da"

# A device model in c69a's label (a stand-in through the same interposer, as in 65):
# it reads the base, cannot write it, and cannot open c69b's overlay.
label_a=$(svirt_node "$da" label)
img_b=$(label_of "$IMAGES/c69b.qcow2")
standin=$(standin_install standin69 <<'SH'
read -r -d '' ctx </proc/self/attr/current
echo "context $ctx"
if { read -r -n 4 _ <"$BASE"; }; then echo "base: read"; else echo "base: refused"; fi
if { : >>"$BASE"; }; then echo "base write: opened"; else echo "base write: refused"; fi
if { read -r -n 4 _ <"$OWN"; }; then echo "own: read"; else echo "own: refused"; fi
if { read -r -n 4 _ <"$OTHER"; }; then echo "other: read"; else echo "other: refused"; fi
SH
)
printf 'require_dm_restrict = 0\nwait = 30\nqemu = "%s"\n' "$standin" >"$INTERPOSE_CONF"
(cd / && as_toolstack env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ SHELL=/bin/sh BASE="$BASE" \
	OWN="$IMAGES/c69a.qcow2" OTHER="$IMAGES/c69b.qcow2" "$IP" -xen-domid "$da" -nodefaults) >report ||
	{ cat report; fail "svirt-interpose did not run the stand-in for c69a"; }
cat report
check_eq "the stand-in runs in c69a's label" "context $label_a" "$(grep '^context' report | tr -d '\0')"
check "c69a's device model reads the base" grep -qx 'base: read' report
check "c69a's device model cannot write the base" grep -qx 'base write: refused' report
check "c69a's device model reads its own overlay" grep -qx 'own: read' report
check "c69a's device model cannot open c69b's overlay" grep -qx 'other: refused' report
check_avc "the kernel's AVC: c69a's pair against c69b's overlay" \
	"denied  \\{[^}]*\\} for .*comm=\"standin69\" .*name=\"c69b.qcow2\" .*scontext=$label_a tcontext=$img_b tclass=file"
check_avc "the kernel's AVC: c69a's device model writing the base" \
	"denied  \\{[^}]*(write|append)[^}]*\\} for .*comm=\"standin69\" .*name=\"c69-base.img\" .*scontext=$label_a tcontext=$CONTENT_LABEL tclass=file"
rm -f report "$standin"
printf 'require_dm_restrict = 0\nwait = 120\n' >"$INTERPOSE_CONF"

# The first guest goes: its overlay gets its label back, the base stays content.
qa=$(dm_pid "$da")
check "xl destroy c69a" xl destroy c69a
dm_gone_after_destroy c69a "$qa"
wait_until 60 "svirtd released c69a" released "$da"
check_eq "c69a's overlay has its label back" "$orig_a" "$(label_of "$IMAGES/c69a.qcow2")"
check_eq "the base stays content while c69b runs" "$CONTENT_LABEL" "$(label_of "$BASE")"
check_eq "c69b alone holds the base" refs=1 "$(refs_of "$BASE")"
check_eq "c69b still sees its disk" xvda "$(xenstore-read "/local/domain/$db/data/disks")"
check_eq "c69b's qdisk backend is still connected" 4 "$(xenstore-read "/local/domain/0/backend/qdisk/$db/51712/state")"

# The last guest goes: the base gets its original label back.
qb=$(dm_pid "$db")
check "xl destroy c69b" xl destroy c69b
dm_gone_after_destroy c69b "$qb"
wait_until 60 "svirtd released c69b" released "$db"
check_eq "the base has its original label back" "$orig_base" "$(label_of "$BASE")"
check "the base has no trusted.svirt record left" not has_record "$BASE"
check_eq "c69b's overlay has its label back" "$orig_b" "$(label_of "$IMAGES/c69b.qcow2")"

# An overlay naming a base outside the relabel roots: svirtd refuses the guest,
# names the overlay and the name, and relabels nothing; no qemu starts for it.
orig_passwd=$(label_of /etc/passwd)
check "svirt-mkqcow2 an overlay on ../../../../etc/passwd" \
	"$MKQCOW2" "$IMAGES/c69evil.qcow2" 64 ../../../../etc/passwd raw
orig_evil=$(label_of "$IMAGES/c69evil.qcow2")
{ guest_config c69evil 10.77.0.79 "format=qcow2,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/c69evil.qcow2" |
	sed '/^vif = /d'
  printf 'device_model_version = "qemu-xen"\ndevice_model_override = "%s"\n' "$IP"; } >c69evil.cfg
refute "xl create c69evil (its base is /etc/passwd)" timed xl create -q c69evil.cfg
check "svirtd's log names the overlay and the backing name" \
	grep -q "image $IMAGES/c69evil.qcow2 names backing file \"../../../../etc/passwd\".*outside the relabel roots" "$LOG"
grep 'c69evil' "$LOG" | tail -n 2 | sed 's/^/  svirtd | /'
check_eq "/etc/passwd keeps its label" "$orig_passwd" "$(label_of /etc/passwd)"
check_eq "the overlay keeps its label" "$orig_evil" "$(label_of "$IMAGES/c69evil.qcow2")"
check "no trusted.svirt on /etc/passwd" not has_record /etc/passwd
check "no domain c69evil is left" not xl domid c69evil
