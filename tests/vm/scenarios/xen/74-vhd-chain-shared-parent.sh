#!/bin/bash
# Scenario (issue 16 item 7, VHD): two guests' VHD differencing overlays on one VHD parent, served by the blktap2
# stand-in of 67 (Debian's Xen has no blktap2, and qemu's vpc driver, which qdisk would use, opens no parent): a
# tapdev node (a loop device's numbers) and the vbd tree with tapdisk-params "vhd:OVERLAY" for paused guests. Each
# overlay gets its guest's pair, the parent, found through the overlay's parent locators as tapdisk finds it, is
# shared read-only content (s0) held by both and restored only when the last one goes; a device model in A's label
# reads the parent but cannot write it nor open B's overlay; an overlay whose locators leave the relabel roots (a
# "../" escape) is refused, naming the overlay and the locator, with nothing relabelled.
set -euo pipefail
. "$VM_LIB"

MKVHD=/usr/libexec/svirt-xen/tests/svirt-mkvhd
need_installed "$MKVHD"
IP=$(interposer)
running svirtd || fail "svirtd is not running in dom0"
TAPDIR=/dev/xen/blktap-2
PARENT=$IMAGES/h74-parent.vhd
OUTSIDE=/var/tmp/h74-outside.vhd	# outside every relabel root
CONTENT_LABEL=system_u:object_r:svirt_xen_content_t:s0
GUESTS="h74a h74b h74c"
loops=()
made_dir=''
declare -A dom ovl
ovl[h74a]=$IMAGES/h74-a.vhd
ovl[h74b]=$IMAGES/h74-b.vhd
ovl[h74c]=$IMAGES/h74-evil.vhd

has_record() { getfattr -n trusted.svirt "$1" >/dev/null 2>&1; }
refs_of() { getfattr --absolute-names --only-values -n trusted.svirt "$1" 2>/dev/null | grep -o 'refs=[0-9]*'; }
state_is() { xs_is "/local/domain/0/svirt/$1/state" "$2"; }
objects_are() { xs_is "/local/domain/0/svirt/$1/objects" "$2"; }
bare_config() { guest_config "$1" 10.77.0.74 unused | sed '/^vif = /d; /^disk = /d'; }
# tap_vbd DOMID TAPDEV TAPDISK_PARAMS: as in 67, the vbd a blktap2 toolstack and its hotplug script write.
tap_vbd() {
	local b=/local/domain/0/backend/vbd/$1/51712 n
	n=$(printf '%x:%x' "$((0x$(stat -c %t "$2")))" "$((0x$(stat -c %T "$2")))")
	xenstore-write "$b/params" "$2" "$b/type" tap "$b/mode" w "$b/tapdisk-params" "$3" \
		"$b/physical-device" "$n" "$b/physical-device-path" "$2" "$b/online" 1
}
mknod_like() {
	mknod "$1" b "$((0x$(stat -c %t "$2")))" "$((0x$(stat -c %T "$2")))"
	restorecon "$1"
}

interpose_conf_save
cleanup() {
	local g l
	for g in $GUESTS; do
		[ -z "${dom[$g]:-}" ] || xenstore-rm "/local/domain/0/backend/vbd/${dom[$g]}" 2>/dev/null || true
		if domid_of "$g" >/dev/null; then xl destroy "$g" || true; fi
	done
	rm -f "$TAPDIR"/tapdev74[0-2]
	[ -z "$made_dir" ] || rmdir "$TAPDIR" 2>/dev/null || true
	for l in "${loops[@]}"; do losetup -d "$l" || true; done
	rm -f "$PARENT" "$OUTSIDE" "${ovl[@]}"
	interpose_conf_restore
}
trap cleanup EXIT

if [ ! -d "$TAPDIR" ]; then mkdir -p "$TAPDIR"; made_dir=1; fi
mkdir -p "$(dirname "$OUTSIDE")"
# The overlays name their parent relative to their own directory, as vhd-util writes
# them (W2ru and MacX locators); tapdisk resolves them from there, and so must svirtd.
check "svirt-mkvhd the parent" "$MKVHD" "$PARENT" 64
check "svirt-mkvhd the outside parent" "$MKVHD" "$OUTSIDE" 64
check "svirt-mkvhd h74a's overlay on h74-parent.vhd" "$MKVHD" "${ovl[h74a]}" 64 h74-parent.vhd
check "svirt-mkvhd h74b's overlay on h74-parent.vhd" "$MKVHD" "${ovl[h74b]}" 64 h74-parent.vhd
escape=../../../tmp/h74-outside.vhd	# from $IMAGES (dom0's realpath has no --relative-to)
[ "$IMAGES/$escape" -ef "$OUTSIDE" ] || fail "$escape from $IMAGES is not $OUTSIDE"
check "svirt-mkvhd h74c's overlay on $escape" "$MKVHD" "${ovl[h74c]}" 64 "$escape"
i=0
for g in $GUESTS; do
	l=$(losetup -f --show "${ovl[$g]}"); loops+=("$l")	# the loop stands in for tapdisk
	mknod_like "$TAPDIR/tapdev74$i" "$l"
	i=$((i + 1))
done
declare -A orig
for f in "$PARENT" "$OUTSIDE" "${ovl[@]}" "$TAPDIR"/tapdev74[0-2]; do
	orig[$f]=$(label_of "$f")
	echo "before: $f ${orig[$f]}"
done

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
i=0
for g in $GUESTS; do
	dom[$g]=$(domid_of "$g")
	echo "$g is domain ${dom[$g]}"
	wait_until 60 "svirtd reports $g labelled (no disks yet)" svirt_labelled "${dom[$g]}"
	tap_vbd "${dom[$g]}" "$TAPDIR/tapdev74$i" "vhd:${ovl[$g]}"
	i=$((i + 1))
done
a=${dom[h74a]}
b=${dom[h74b]}
c=${dom[h74c]}
xenstore-ls -f "/local/domain/0/backend/vbd/$a" | sed 's/^/  | /'

# Each good guest: its tapdev node, its overlay (also the loop's backing file) and the parent.
i=0
for g in h74a h74b; do
	d=${dom[$g]}
	wait_until 60 "svirtd counts $g's tapdev node, overlay and parent" objects_are "$d" 3
	img=$(svirt_node "$d" imagelabel)
	echo "$g's image label: $img"
	check_eq "$g is labelled" labelled "$(svirt_node "$d" state)"
	check_eq "$g's tapdev node carries its pair" "$img" "$(label_of "$TAPDIR/tapdev74$i")"
	check_eq "$g's overlay carries its pair" "$img" "$(label_of "${ovl[$g]}")"
	i=$((i + 1))
done
check_eq "the parent is shared read-only content" "$CONTENT_LABEL" "$(label_of "$PARENT")"
check_eq "both guests hold the parent" refs=2 "$(refs_of "$PARENT")"
refute "the two overlays share a pair" test "$(label_of "${ovl[h74a]}")" = "$(label_of "${ovl[h74b]}")"

# h74c: its overlay's locators name a parent outside the roots.
wait_until 60 "svirtd puts h74c in error" state_is "$c" error
why=$(svirt_node "$c" reason)
echo "h74c's reason: $why"
check "h74c's reason names its overlay, the locator and the escape" \
	has -F "image ${ovl[h74c]}: parent locator 0 (W2ru) names \"./$escape\"" <<<"$why"
check "h74c's reason says the parent is outside the relabel roots" has 'outside the relabel roots' <<<"$why"
check "svirtd's log names h74c with the refusal" grep -q "domain $c (h74c): refused" "$LOG"
check_eq "h74c has no labelled object" 0 "$(svirt_node "$c" objects)"
for f in "$OUTSIDE" "${ovl[h74c]}" "$TAPDIR/tapdev742"; do
	check_eq "$f keeps its label" "${orig[$f]}" "$(label_of "$f")"
	refute "$f got a trusted.svirt record" has_record "$f"
done

# A device model in h74a's label (a stand-in through svirt-interpose, as in 65 and 69):
# it reads the parent, cannot write it, reads its own overlay and cannot open h74b's.
label_a=$(svirt_node "$a" label)
img_b=$(label_of "${ovl[h74b]}")
standin=$(standin_install standin74 <<'SH'
read -r -d '' ctx </proc/self/attr/current
echo "context $ctx"
if { read -r -n 8 _ <"$PARENT"; }; then echo "parent: read"; else echo "parent: refused"; fi
if { : >>"$PARENT"; }; then echo "parent write: opened"; else echo "parent write: refused"; fi
if { read -r -n 8 _ <"$OWN"; }; then echo "own: read"; else echo "own: refused"; fi
if { read -r -n 8 _ <"$OTHER"; }; then echo "other: read"; else echo "other: refused"; fi
SH
)
printf 'require_dm_restrict = 0\nwait = 30\nqemu = "%s"\n' "$standin" >"$INTERPOSE_CONF"
(cd / && as_toolstack env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ SHELL=/bin/sh PARENT="$PARENT" \
	OWN="${ovl[h74a]}" OTHER="${ovl[h74b]}" "$IP" -xen-domid "$a" -nodefaults) >report ||
	{ cat report; fail "svirt-interpose did not run the stand-in for h74a"; }
cat report
check_eq "the stand-in runs in h74a's label" "context $label_a" "$(grep '^context' report | tr -d '\0')"
check "h74a's device model reads the parent" grep -qx 'parent: read' report
check "h74a's device model cannot write the parent" grep -qx 'parent write: refused' report
check "h74a's device model reads its own overlay" grep -qx 'own: read' report
check "h74a's device model cannot open h74b's overlay" grep -qx 'other: refused' report
check_avc "the kernel's AVC: h74a's pair against h74b's overlay" \
	"denied  \\{[^}]*\\} for .*comm=\"standin74\" .*name=\"h74-b.vhd\" .*scontext=$label_a tcontext=$img_b tclass=file"
check_avc "the kernel's AVC: h74a's device model writing the parent" \
	"denied  \\{[^}]*(write|append)[^}]*\\} for .*comm=\"standin74\" .*name=\"h74-parent.vhd\" .*scontext=$label_a tcontext=$CONTENT_LABEL tclass=file"
rm -f report "$standin"

# The first guest goes: its tapdev node and overlay get their labels back, the parent stays content.
check "xl destroy h74a" timed xl destroy h74a
xenstore-rm "/local/domain/0/backend/vbd/$a" 2>/dev/null || true
wait_until 60 "h74a's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$a"
for f in "${ovl[h74a]}" "$TAPDIR/tapdev740"; do
	check_eq "$f has its original label back" "${orig[$f]}" "$(label_of "$f")"
	refute "$f still has a trusted.svirt record" has_record "$f"
done
check_eq "the parent stays content while h74b runs" "$CONTENT_LABEL" "$(label_of "$PARENT")"
check_eq "h74b alone holds the parent" refs=1 "$(refs_of "$PARENT")"
check_eq "h74b stays labelled" labelled "$(svirt_node "$b" state)"

# The last guest goes: the parent gets its original label back.
for g in h74b h74c; do
	check "xl destroy $g" timed xl destroy "$g"
	xenstore-rm "/local/domain/0/backend/vbd/${dom[$g]}" 2>/dev/null || true
	wait_until 60 "$g's svirt nodes are gone" xs_gone "/local/domain/0/svirt/${dom[$g]}"
done
for f in "$PARENT" "${ovl[h74b]}" "$TAPDIR/tapdev741"; do
	check_eq "$f has its original label back" "${orig[$f]}" "$(label_of "$f")"
	refute "$f still has a trusted.svirt record" has_record "$f"
done
