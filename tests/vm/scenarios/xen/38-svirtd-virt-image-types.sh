#!/bin/bash
# Scenario: a disk under refpolicy's libvirt image type (virt_image_t, what images copied from a KVM host carry)
# gets its guest's pair, the guest boots and sees it, and destroy puts back exactly that label; a disk of a type
# the policy keeps from svirtd (user_home_t) puts its guest in error with "refused by policy", the type and the path.
set -euo pipefail
. "$VM_LIB"

VIRT=$IMAGES/v38-virt.img	# served by qdisk: the device model opens it
REFUSED=$IMAGES/v38-home.img	# named by a backend node of a paused guest
GUESTS="v38a v38b"

has_record() { getfattr -n trusted.svirt "$1" >/dev/null 2>&1; }
state_is() { xs_is "/local/domain/0/svirt/$1/state" "$2"; }
settled() { state_is "$1" labelled || state_is "$1" error; }
# svirtd's lines about guest NAME, to show why it did what it did.
log_of() { grep -F "$1" "$LOG" | tail -n 5 || true; }

cleanup() {
	local g
	for g in $GUESTS; do
		if domid_of "$g" >/dev/null; then xl destroy "$g" || true; fi
	done
	rm -f "$VIRT" "$REFUSED"
}
trap cleanup EXIT

running svirtd || fail "svirtd is not running in dom0"
truncate -s 64M "$VIRT"
truncate -s 1M "$REFUSED"
check "$VIRT takes virt_image_t" chcon -t virt_image_t "$VIRT"
check "$REFUSED takes user_home_t" chcon -t user_home_t "$REFUSED"
orig_virt=$(label_of "$VIRT")
orig_refused=$(label_of "$REFUSED")
echo "before: $VIRT $orig_virt"
echo "before: $REFUSED $orig_refused"
case $orig_virt in *:object_r:virt_image_t:s0) ;; *) fail "$VIRT is $orig_virt" ;; esac

# --- virt_image_t: labelled, used, restored exactly
guest_config v38a 10.77.0.38 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$VIRT" >v38a.cfg
rc=0
timed xl create v38a.cfg >v38a.out 2>&1 || rc=$?
cat v38a.out
[ "$rc" = 0 ] || { log_of v38a; fail "xl create of a guest on a virt_image_t disk failed"; }
a=$(domid_of v38a)
wait_until 60 "svirtd settles v38a" settled "$a"
state=$(svirt_node "$a" state)
[ "$state" = labelled ] || { log_of v38a; fail "v38a is $state: $(svirt_node "$a" reason)"; }
echo "ok: svirtd labelled v38a"
img_a=$(svirt_node "$a" imagelabel)
check_eq "v38a's disk carries v38a's image label" "$img_a" "$(label_of "$VIRT")"
check "v38a's disk remembers its original label" has_record "$VIRT"
check "a qemu serves v38a's qdisk" dm_running "$a"
wait_until 300 "v38a writes data/ready=1" guest_ready "$a"
check_eq "v38a sees its disk" xvda "$(xenstore-read "/local/domain/$a/data/disks" | tr -d ' ')"
check "xl destroy v38a" xl destroy v38a
wait_until 60 "v38a's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$a"
check_eq "$VIRT has exactly its virt_image_t label back" "$orig_virt" "$(label_of "$VIRT")"
refute "$VIRT still has a trusted.svirt record" has_record "$VIRT"

# --- user_home_t: refused by the policy, said clearly, nothing changed
expect_avc 'denied  \{ setattr \} for .*comm="svirtd" .*name="v38-home.img" .*scontext=system_u:system_r:svirtd_t:s0-s0:c0\.c1023 tcontext=[^ ]*:object_r:user_home_t:s0 tclass=file'
guest_config v38b 10.77.0.39 unused | sed '/^vif = /d; /^disk = /d' >v38b.cfg
check "xl create -p v38b (no disk yet)" timed xl create -p v38b.cfg
b=$(domid_of v38b)
wait_until 60 "svirtd reports v38b labelled (no disks)" svirt_labelled "$b"
bk=/local/domain/0/backend/qdisk/$b/51760
xenstore-write "$bk/params" "raw:$REFUSED" "$bk/mode" w "$bk/type" qdisk "$bk/online" 1
wait_until 60 "svirtd puts v38b in error" state_is "$b" error
why=$(svirt_node "$b" reason)
echo "v38b's reason: $why"
check "the reason says the policy refused it" grep -qF "refused by policy" <<<"$why"
check "the reason names the type" grep -qF "user_home_t" <<<"$why"
check "the reason names the path" grep -qF "$REFUSED" <<<"$why"
check "svirtd's log says so too" grep -qF "refused by policy" < <(log_of v38b)
check_eq "$REFUSED keeps its label" "$orig_refused" "$(label_of "$REFUSED")"
refute "$REFUSED got a trusted.svirt record" has_record "$REFUSED"
check_avc "the kernel's AVC: svirtd may not touch a user_home_t file" \
	'denied  \{ setattr \} for .*comm="svirtd" .*name="v38-home.img" .*tcontext=[^ ]*:object_r:user_home_t:s0 tclass=file'
xenstore-rm "/local/domain/0/backend/qdisk/$b"
check "xl destroy v38b" xl destroy v38b
wait_until 60 "v38b's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$b"
check_eq "$REFUSED still has its own label" "$orig_refused" "$(label_of "$REFUSED")"
