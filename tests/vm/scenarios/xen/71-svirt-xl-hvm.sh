#!/bin/bash
# Scenario (issue 16 item 8): svirt-xl create of an HVM guest. Its qemu-dm (svirt-xl's derived config: the
# interposer as device_model_override, dm_restrict = 1) runs at the guest's pair, its disk carries that pair, the
# guest is unpaused only then; svirt-xl list and show show it; xl destroy gives the disk its label back.
# Refusal: an HVM config whose disk lies outside the relabel roots is refused, and nothing is left running.
# svirt-xl unpauses through libxl's QMP "cont" in its own process, and the socket qemu accepts that connection on
# carries svirt-xl's level: svirt-xl runs at s0 (svirt_xl_exec_t), as xl does, or the device model is denied it
# (getattr on unconfined_t:s0-s0:c0.c1023, the unpause fails: the first Xen boot of this scenario).
set -euo pipefail
. "$VM_LIB"

command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
need_installed /usr/lib/xen-4.17/boot/hvmloader /usr/share/seabios/bios-256k.bin
check_eq "svirt-xl's label (it runs at s0)" system_u:object_r:svirt_xl_exec_t:s0 "$(label_of "$(command -v svirt-xl)")"
OUTSIDE=/var/tmp/h71-outside.img	# outside every relabel root
U2=5b5c0d3e-7171-4a71-8a71-000000000002
cleanup() {
	xl destroy h71a 2>/dev/null || true
	xl destroy h71b 2>/dev/null || true
	rm -f "$IMAGES/h71a.img" "$OUTSIDE"
}
trap cleanup EXIT
expect_dm_runas_avcs

# hvm_config NAME DISK: an HVM guest without an OS (its firmware runs and finds nothing to boot), no NIC.
hvm_config() {
	cat <<CFG
name = "$1"
type = "hvm"
memory = 64
vcpus = 1
disk = [ 'format=raw,vdev=hda,access=rw,target=$2' ]
vnc = 0
on_crash = "preserve"
on_poweroff = "preserve"
CFG
}
unpaused() { xl list "$1" | awk 'NR == 2 { exit substr($5, 3, 1) == "p" }'; }
no_domain() { not xl domid "$1"; }
svirtd_knows() { svirt-xl list --json | has "\"uuid\": \"$1\""; }

# --- an HVM guest through svirt-xl create
truncate -s 16M "$IMAGES/h71a.img"
orig=$(label_of "$IMAGES/h71a.img")
hvm_config h71a "$IMAGES/h71a.img" >h71a.cfg
rc=0
timed svirt-xl create h71a.cfg >create.out 2>&1 || rc=$?
cat create.out
[ "$rc" = 0 ] || { tail -n 20 /var/log/xen/qemu-dm-h71a.log 2>/dev/null; fail "svirt-xl create h71a (HVM)"; }
d=$(domid_of h71a) || fail "no domain h71a"
check "svirt-xl says it labelled and unpaused h71a" grep -q "svirt-xl: domain $d (uuid .*) created with pair .*, labelled, unpaused" create.out
refute "svirt-xl names a stub domain for it" grep -q "stub device model" create.out
check_eq "svirtd reports h71a labelled" labelled "$(svirt_node "$d" state)"
check "h71a was unpaused" unpaused h71a
img=$(svirt_node "$d" imagelabel)
label=$(svirt_node "$d" label)
pair=${img##*:}
check_eq "h71a's disk carries h71a's image label" "$img" "$(label_of "$IMAGES/h71a.img")"
q=$(dm_pid "$d") || fail "no qemu for h71a"
check_eq "h71a's qemu runs at h71a's label" "$label" "$(context_of_pid "$q")"
check "h71a's qemu is an HVM device model (-machine xenfv)" grep -qa xenfv "/proc/$q/cmdline"
check "h71a's qemu was started with -xen-domid-restrict (dm_restrict = 1)" grep -qa -- -xen-domid-restrict "/proc/$q/cmdline"
check "h71a's qemu has its disk open" grep -q "$IMAGES/h71a.img" < <(ls -l "/proc/$q/fd")
check "no derived config is left behind" test -z "$(ls -A /run/svirt/xl)"

svirt-xl list | tee list.txt
svirt-xl list --json >list.json
check "list --json shows h71a with its domid and pair" grep -q "\"domid\": $d, \"name\": \"h71a\", .*\"pair\": \"$pair\"" list.json
check "list --json lists h71a's disk with its label" grep -q "\"path\": \"$IMAGES/h71a.img\", \"label\": \"$img\"" list.json
svirt-xl show h71a >show.txt || true
cat show.txt
check "svirt-xl show h71a finds no problem" svirt-xl show h71a
check "show lists h71a's qemu at h71a's label" grep -qx "  pid $q [^ ]*  $label" show.txt
check "svirt-xl verify finds nothing wrong" svirt-xl verify

check "xl destroy h71a" xl destroy h71a
dm_gone_after_destroy h71a "$q"
restored() { [ "$(label_of "$IMAGES/h71a.img")" = "$orig" ]; }
wait_until 60 "svirtd gave h71a's disk its label back" restored

# --- refused: an HVM guest whose disk is outside the relabel roots
mkdir -p "$(dirname "$OUTSIDE")"
truncate -s 16M "$OUTSIDE"
{ hvm_config h71b "$OUTSIDE"; echo "uuid = \"$U2\""; } >h71b.cfg
rc=0
timed svirt-xl create h71b.cfg >h71b.out 2>&1 || rc=$?
cat h71b.out
check "svirt-xl create of h71b is refused" test "$rc" != 0
check "the refusal says why" grep -qE "svirtd refused to label it|not labelled|create -p. failed" h71b.out
check "it says the reservation was released" grep -q "reservation for $U2 released" h71b.out
check "no domain h71b is left" no_domain h71b
refute "svirtd still holds a label for h71b's uuid" svirtd_knows "$U2"
no_qemu() { ! pgrep -f -- "-name h71b" >/dev/null; }
wait_until 30 "no qemu of h71b is left" no_qemu
refute "the image outside the roots got a pair" grep -q svirt_xen_image_t <<<"$(label_of "$OUTSIDE")"
