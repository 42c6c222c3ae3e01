#!/bin/bash
# Scenario: svirtd's VIRT_* audit records reach the kernel's audit stream (no auditd: the kernel log). A guest's
# creation gives VIRT_CONTROL start, VIRT_MACHINE_ID and a VIRT_RESOURCE per disk and vif with its uuid, labels and
# path; its destruction the restores and stop; a disk outside the roots and a guest-owned backend a failed record.
set -euo pipefail
. "$VM_LIB"

OUTSIDE=/h26-outside.img	# outside every relabel root
OWNED=$IMAGES/h26-owned.img	# named by a backend node the guest owns
GUESTS="h26a h26b h26c"
enabled_before=''
declare -A dom uuid

cleanup() {
	local g
	kill -CONT "$(pidof svirtd)" 2>/dev/null || true
	for g in $GUESTS; do
		if domid_of "$g" >/dev/null; then xl destroy "$g" || true; fi
	done
	rm -f "$IMAGES/h26a.img" "$OUTSIDE" "$OWNED"
	[ -z "$enabled_before" ] || auditctl -e "$enabled_before" >/dev/null || true
}
trap cleanup EXIT

# The kernel's records of type T (2500 VIRT_CONTROL, 2501 VIRT_RESOURCE, 2502 VIRT_MACHINE_ID) as it
# printed them, without the time stamp.
records() { dmesg | sed -n "s/^.*audit: type=$1 audit([0-9.:]*): //p"; }
# has_record T ERE: a record of type T matches ERE.
has_record() { records "$1" | has -E -- "$2"; }
state_is() { xs_is "/local/domain/0/svirt/$1/state" "$2"; }
# A bare guest (no disk, no vif), left paused, as in 50-svirtd-hostile-backend.
bare_config() { guest_config "$1" 10.77.0.26 unused | sed '/^vif = /d; /^disk = /d'; }
# unhex HEX: the bytes an untrusted value was hex-encoded from.
unhex() {
	local h=$1
	while [ -n "$h" ]; do
		printf "\\x${h:0:2}"
		h=${h:2}
	done
}

running svirtd || fail "svirtd is not running in dom0"
# Without auditd nothing turns auditing on, and the kernel drops user records while it is off.
enabled_before=$(auditctl -s | awk '$1 == "enabled" { print $2 }')
check "auditing turned on" auditctl -e 1
check_eq "the kernel has no audit daemon: records go to its log" 0 "$(auditctl -s | awk '$1 == "pid" { print $2 }')"

truncate -s 64M "$IMAGES/h26a.img"
orig=$(label_of "$IMAGES/h26a.img")
guest_config h26a 10.77.0.26 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/h26a.img" >h26a.cfg
check "xl create h26a" timed xl create h26a.cfg
d=$(domid_of h26a)
wait_until 120 "svirtd reports h26a labelled" svirt_labelled "$d"
u=$(svirt_node "$d" uuid)
label=$(svirt_node "$d" label)
img=$(svirt_node "$d" imagelabel)
echo "h26a is domain $d, uuid $u, $label"
U="uuid=$u"
wait_until 30 "VIRT_MACHINE_ID for h26a with its uuid and labels" has_record 2502 \
	"^pid=[0-9]+ .* msg='virt=xen vm=\"h26a\" $U vm-ctx=$label img-ctx=$img model=selinux exe=.*svirtd.* res=success'"
check "VIRT_RESOURCE: h26a's disk labelled, from its original label to its image label" has_record 2501 \
	"msg='virt=xen resrc=disk reason=label vm=\"h26a\" $U path=\"$IMAGES/h26a.img\" old-ctx=$orig new-ctx=$img .*res=success'"
check "VIRT_CONTROL: h26a started" has_record 2500 "msg='virt=xen op=start reason=booted vm=\"h26a\" $U domid=$d .*res=success'"
wait_until 60 "VIRT_RESOURCE: h26a's vif given its peer label" has_record 2501 \
	"resrc=net reason=label vm=\"h26a\" $U path=\"vif$d.0\" old-ctx=\? new-ctx=system_u:"
dmesg | grep -E "audit: type=250[0-2] .*$u" || true

# What an administrator would run: ausearch reads the records (in audit.log's form) by type and uuid.
dmesg | sed -n 's/^.*audit: type=\(250[0-2]\) \(audit([0-9.:]*)\)/type=\1 msg=\2/p' >records.log
check "ausearch finds h26a's VIRT_MACHINE_ID by its uuid" ausearch -if records.log -m VIRT_MACHINE_ID --uuid "$u"
check "ausearch finds h26a's disk by its name" sh -c "ausearch -if records.log -m VIRT_RESOURCE -vm h26a -i | grep -q 'path=$IMAGES/h26a.img'"

# The README's troubleshooting commands, with the options it cites, on a live guest.
# svirt-xl show and verify exit 1 when they count a problem (here the qdisk's qemu, started without
# svirt-interpose, is not at the guest's pair); 2 is a command line they refused.
answers() { local rc=0; "$@" || rc=$?; [ "$rc" -le 1 ]; }
check "svirt-xl show h26a" answers svirt-xl show h26a
check "svirt-xl list" svirt-xl list
check "svirt-xl verify" answers svirt-xl verify
check "getfattr -n trusted.svirt -e text" getfattr -n trusted.svirt -e text "$IMAGES/h26a.img"
check "ausearch -m VIRT_RESOURCE -f PATH -i names the disk" sh -c \
	"ausearch -if records.log -m VIRT_RESOURCE -f '$IMAGES/h26a.img' -i | grep -q 'vm=h26a'"
check "netlabelctl -p unlbl list" netlabelctl -p unlbl list
check "nft list table bridge svirt" nft list table bridge svirt
check "xenstore-ls -p" xenstore-ls -p "/local/domain/0/svirt/$d"

# A restart rebuilds every vif's labels from nothing, and says so per vif as a hotplug does.
net_labels() { records 2501 | grep -c "resrc=net reason=label vm=\"h26a\" $U path=\"vif$d.0\"" || true; }
check_eq "one net label record for vif$d.0 so far" 1 "$(net_labels)"
pid=$(pidof svirtd)
kill -9 "$pid"
wait_until 10 "svirtd ($pid) killed" dead "$pid"
restart_svirtd "h26a alive"
two_net_labels() { [ "$(net_labels)" = 2 ]; }
wait_until 30 "VIRT_RESOURCE: vif$d.0 labelled again by the restarted svirtd" two_net_labels

check "xl destroy h26a" xl destroy h26a
wait_until 60 "VIRT_CONTROL: h26a stopped" has_record 2500 "op=stop reason=destroyed vm=\"h26a\" $U domid=$d "
check "VIRT_RESOURCE: h26a's disk restored to its original label" has_record 2501 \
	"resrc=disk reason=restore vm=\"h26a\" $U path=\"$IMAGES/h26a.img\" old-ctx=$img new-ctx=$orig "
check "VIRT_RESOURCE: h26a's vif's peer label removed" has_record 2501 \
	"resrc=net reason=restore vm=\"h26a\" $U path=\"vif$d.0\" old-ctx=system_u:[^ ]+ new-ctx=\? "
check_eq "the disk has its original label back" "$orig" "$(label_of "$IMAGES/h26a.img")"

# Refusals: h26b names a file outside the roots, h26c a disk through a backend node it owns itself.
truncate -s 1M "$OUTSIDE" "$OWNED"
for g in h26b h26c; do
	bare_config "$g" >"$g.cfg"
	check "xl create -p $g (bare)" timed xl create -p "$g.cfg"
	dom[$g]=$(domid_of "$g")
	wait_until 60 "svirtd reports $g labelled (no disks)" svirt_labelled "${dom[$g]}"
	uuid[$g]=$(svirt_node "${dom[$g]}" uuid)
done
b=/local/domain/0/backend/qdisk/${dom[h26b]}/51760
xenstore-write "$b/params" "aio:$OUTSIDE" "$b/mode" w "$b/type" qdisk "$b/online" 1
wait_until 60 "svirtd puts h26b in error" state_is "${dom[h26b]}" error
wait_until 30 "a failed VIRT_CONTROL names h26b and the refusal" has_record 2500 \
	"op=label reason=refused vm=\"h26b\" uuid=${uuid[h26b]} domid=${dom[h26b]} err=1 detail=[0-9A-F]+ .*res=failed"
c=${dom[h26c]}
b=/local/domain/0/backend/qdisk/$c/51776
kill -STOP "$(pidof svirtd)"
xenstore-write "$b/params" "raw:$OWNED" "$b/mode" w "$b/type" qdisk
xenstore-chmod -r "$b" "n$c" "r0"
kill -CONT "$(pidof svirtd)"
wait_until 60 "svirtd puts h26c in error (its backend node is guest-owned)" state_is "$c" error
wait_until 30 "a failed VIRT_CONTROL names h26c and the refusal" has_record 2500 \
	"op=label reason=refused vm=\"h26c\" uuid=${uuid[h26c]} domid=$c err=[0-9]+ detail=[0-9A-F]+ .*res=failed"
records 2500 | grep 'reason=refused' || true
# The detail is the reason svirtd logs, hex-encoded: it decodes to text naming the guest-owned node.
detail=$(records 2500 | sed -n "s/.*vm=\"h26c\" .* detail=\([0-9A-F]*\) .*/\1/p" | tail -n 1)
why=$(unhex "$detail")
echo "h26c's refusal, decoded: $why"
check "the refusal's detail says whose node it is" grep -q "owned by domain $c" <<<"$why"
dmesg | sed -n 's/^.*audit: type=\(250[0-2]\) \(audit([0-9.:]*)\)/type=\1 msg=\2/p' >records.log
check "ausearch -m VIRT_CONTROL --success no -vm h26b -i finds the refusal" sh -c \
	"ausearch -if records.log -m VIRT_CONTROL --success no -vm h26b -i | grep -q 'reason=refused'"
check "xenstore-read .../reason" xenstore-read "/local/domain/0/svirt/${dom[h26b]}/reason"
check_eq "the guest-owned node's image is untouched: no restore record for it" "" \
	"$(records 2501 | grep -F "$OWNED" || true)"
check "svirtd still runs" running svirtd
