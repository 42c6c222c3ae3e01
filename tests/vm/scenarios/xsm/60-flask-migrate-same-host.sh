#!/bin/bash
# Scenario (issue 17 item 2): live migration of a running labelled PV guest to this same host (the Flask
# hypervisor, built with shadow paging): its disk carries the published pair at every step, never its original.
set -euo pipefail
. "$VM_LIB"

G=s60
PAIR=c86,c886
image=system_u:object_r:svirt_xen_image_t:s0:$PAIR
loop=
sampler=
cleanup() {
	[ -z "$sampler" ] || kill "$sampler" 2>/dev/null || true
	destroy_migrating "$G"
	[ -z "$loop" ] || losetup -d "$loop" 2>/dev/null || true
}
trap cleanup EXIT
command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
# published: each domain svirtd publishes, as "DOMID:IMAGELABEL", on one line (one whose nodes
# went between the list and the read is left out).
published() {
	local d l out=
	for d in $(xenstore-list /local/domain/0/svirt 2>/dev/null); do
		l=$(xenstore-read "/local/domain/0/svirt/$d/imagelabel" 2>/dev/null) && out+=" $d:$l"
	done
	echo "${out# }"
}
# sample FILE: until killed, one line per round: the image's label, the loop device's, and what
# svirtd publishes (no sleep but a short one: the migration's steps last a few seconds here).
sample() {
	while :; do
		printf '%s %s %s\n' "$(label_of "$IMAGES/$G.img")" "$(label_of "$loop")" "$(published)" >>"$1"
		sleep 0.05
	done
}

truncate -s 16M "$IMAGES/$G.img"
loop=$(losetup -f --show "$IMAGES/$G.img")
orig=$(label_of "$IMAGES/$G.img")
loop_orig=$(label_of "$loop")
guest_config "$G" 10.77.0.60 "phy:$loop,xvda,w" | sed '/^vif/d' >$G.cfg
flask_avc_start
check "svirt-xl create --pair $PAIR $G" timed svirt-xl create --pair "$PAIR" $G.cfg
d1=$(domid_of "$G")
check_eq "$G's Flask label carries $PAIR" "$(flask_label "$PAIR")" "$(flask_label_of "$G")"
check_eq "$G's disk carries $PAIR" "$image" "$(label_of "$IMAGES/$G.img")"
loop_set=$(label_of "$loop")
echo "    the loop device: $loop_orig, for $G: $loop_set"
wait_until 300 "$G writes data/ready=1" guest_ready "$d1"
check_eq "$G writes a word to its disk" "ok before-migrate" "$(disk_ask "$d1" write before-migrate)"

# The other guests svirtd publishes (domids), left out of the checks of the samples.
others=$(xenstore-list /local/domain/0/svirt | awk -v d="$d1" '$0 != d' | tr '\n' ' ')
# The receiver runs here: with an empty ssh command xl runs the "host" argument as the receiving command.
: >samples
sample samples &
sampler=$!
check "xl migrate $G to this host" timed xl migrate -s '' "$G" "xl migrate-receive -e"
d2=$(domid_of "$G") || fail "no domain $G after the migration"
check "the guest is a new domain ($d1 -> $d2)" test "$d2" != "$d1"
refute "the outgoing domain $d1 is gone" xl list "$d1"
wait_until 60 "svirtd reports domain $d2 labelled" svirt_labelled "$d2"
wait_until 60 "domain $d1's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d1"
sleep 0.2
kill "$sampler"
wait "$sampler" 2>/dev/null || true
sampler=
echo "    $(wc -l <samples) samples of the labels during the migration; the published domains seen:"
awk '{ $1 = $2 = ""; print "     " $0 }' samples | uniq
check "labels were sampled during the migration" test "$(wc -l <samples)" -ge 3
check_eq "the image never lost $PAIR mid-way" "" "$(awk -v w="$image" '$1 != w' samples | head -n 3)"
check_eq "the loop device never lost its label mid-way" "" "$(awk -v w="$loop_set" '$2 != w' samples | head -n 3)"
# Every domain published but the other guests (earlier scenarios') running all along: $G's two.
check_eq "every domain of $G svirtd published had $PAIR" "" "$(awk -v w="$image" -v others=" $others " '{
	for (i = 3; i <= NF; i++) { split($i, p, ":"); if (index(others, " " p[1] " ") == 0 &&
	substr($i, length(p[1]) + 2) != w) print $i } }' samples | head -n 3)"

check_eq "the migrated domain keeps its Flask label" "$(flask_label "$PAIR")" "$(flask_label_of "$G")"
check_eq "svirtd publishes the same pair for it" "$image" "$(svirt_node "$d2" imagelabel)"
check_eq "its disk still carries $PAIR" "$image" "$(label_of "$IMAGES/$G.img")"
check "svirtd logged the hand-over" grep -q "domain $d2 ($G): migrated in: holds c86,c886" "$LOG"
refute "svirtd refused nothing of $G" grep -q "domain $d2 .*refused" "$LOG"
check_eq "the migrated guest reads its word back from its disk" "ok before-migrate" "$(disk_ask "$d2" read)"
check_eq "and writes a new one" "ok after-migrate" "$(disk_ask "$d2" write after-migrate)"
check_eq "and reads that back" "ok after-migrate" "$(disk_ask "$d2" read)"
flask_avc_all_expected

check "xl destroy $G" timed xl destroy "$G"
wait_until 60 "$G's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d2"
check_eq "the disk has its original label" "$orig" "$(label_of "$IMAGES/$G.img")"
check_eq "the loop device has its original label" "$loop_orig" "$(label_of "$loop")"
