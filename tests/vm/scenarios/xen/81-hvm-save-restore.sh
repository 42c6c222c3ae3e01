#!/bin/bash
# Scenario (issue 16 item 3): an HVM guest whose qemu-dm runs at its pair through the interposer (created paused,
# then its firmware let run: no OS), saved with xl save and brought back with xl restore -p, enforcing. The save writes qemu's device state through the descriptor libxl
# hands it (/var/lib/xen/qemu-save.D, QMP add-fd) and ends the domain: the old qemu goes, the disk gets its own
# label back, the pair is released. The restore makes a new domain whose qemu (through the interposer again, reading
# its state from qemu-resume.D as -incoming fd:N) runs at a new pair with the disk at that same pair; xl unpause then
# runs it. Guest B's device model, at its own pair, opens neither A's save file nor A's qemu-save state by name.
set -euo pipefail
. "$VM_LIB"

IP=$(interposer)
need_installed /usr/lib/xen-4.17/boot/hvmloader /usr/share/seabios/bios-256k.bin
running svirtd || fail "svirtd is not running in dom0"
SAVEDIR=/var/lib/xen/save	# where Debian's xendomains saves guests
SAVE=$SAVEDIR/h81a.save
interpose_conf_save
undo() {
	xl destroy h81a 2>/dev/null || true
	xl destroy h81b 2>/dev/null || true
	rm -f "$IMAGES/h81a.img" "$IMAGES/h81b.img" "$SAVE" "${fake_state:-}" 2>/dev/null || true
	interpose_conf_restore
}
trap undo EXIT
expect_dm_runas_avcs
# A's qemu runs without dm_restrict: restored with it, qemu (chrooted, no longer
# root) is told to resume and opens its image by name again, which its chroot
# refuses, with or without svirt-xen (README, "Guest lifecycle"). B keeps dm_restrict.
interpose_without_dm_restrict

check_eq "dom0 is enforcing" Enforcing "$(getenforce)"

# hvm_config NAME DM_RESTRICT: a paused-only HVM guest (no OS) with a 16M disk of
# its own, its qemu-dm the interposer, no NIC and no display.
hvm_config() {
	truncate -s 16M "$IMAGES/$1.img"
	cat <<CFG
name = "$1"
type = "hvm"
memory = 64
vcpus = 1
disk = [ 'format=raw,vdev=hda,access=rw,target=$IMAGES/$1.img' ]
vnc = 0
dm_restrict = $2
device_model_version = "qemu-xen"
device_model_override = "$IP"
on_crash = "destroy"
CFG
}
create_paused() {
	local rc=0
	hvm_config "$1" "$2" >"$1.cfg"
	timed xl create -p "$1.cfg" >"$1.out" 2>&1 || rc=$?
	cat "$1.out"
	[ "$rc" = 0 ] || { tail -n 20 "/var/log/xen/qemu-dm-$1.log" 2>/dev/null; fail "xl create -p $1 (HVM, through device_model_override)"; }
}
paused() { xl list "$1" | awk 'NR == 2 { p = substr($5, 3, 1) == "p" } END { exit !p }'; }
cpu_time() { xl list "$1" | awk 'NR == 2 { print $6 }'; }
ran_since() { awk -v a="$2" -v b="$(cpu_time "$1")" 'BEGIN { exit !(b > a) }'; }
svirtd_knows() { svirt-xl list --json | has "\"uuid\": \"$1\""; }

create_paused h81a 0
create_paused h81b 1
d1=$(domid_of h81a)
db=$(domid_of h81b)
wait_until 60 "svirtd reports h81a labelled" svirt_labelled "$d1"
wait_until 60 "svirtd reports h81b labelled" svirt_labelled "$db"
check_qemu_label h81a "$d1"
q1=$q
ctx1=$(context_of_pid "$q1")
check_qemu_label h81b "$db"
ctx_b=$(context_of_pid "$q")
refute "h81a's and h81b's device models share a pair" test "${ctx1##*:}" = "${ctx_b##*:}"
uuid=$(svirt_node "$d1" uuid)
img1=$(svirt_node "$d1" imagelabel)
echo "h81a is domain $d1 (uuid $uuid) at ${ctx1##*:}; h81b is domain $db at ${ctx_b##*:}"

# --- A's firmware runs first: a restored HVM domain whose vcpu never ran is gone
# within seconds of xl unpause, with Debian's plain qemu too (README, "Guest lifecycle").
check "xl unpause h81a (its firmware runs; no OS)" xl unpause h81a
wait_until 120 "h81a uses CPU time" ran_since h81a 0

# --- xl save. libxl stops qemu, creates /var/lib/xen/qemu-save.D and hands qemu
# the descriptor (QMP add-fd); qemu writes its device state there at its pair.
mkdir -p "$SAVEDIR"
rc=0
timed xl save h81a "$SAVE" >save.out 2>&1 || rc=$?
cat save.out
[ "$rc" = 0 ] || { tail -n 20 /var/log/xen/qemu-dm-h81a.log 2>/dev/null; fail "xl save h81a"; }
echo "    $(ls -lZ "$SAVE")"
check "h81a is gone" not domid_of h81a
dm_gone_after_destroy h81a "$q1"
check "libxl removed the device state it read (qemu-save.$d1)" test ! -e "/var/lib/xen/qemu-save.$d1"
wait_until 60 "h81a's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d1"
restored() { [ "$(label_of "$IMAGES/h81a.img" | cut -d: -f3)" = xen_image_t ]; }
wait_until 60 "svirtd gave h81a's disk its label back" restored
check "svirtd logged h81a's pair released" grep -qF "domain $d1 (h81a): released ${img1##*:}" "$LOG"
refute "svirtd holds anything for uuid $uuid" svirtd_knows "$uuid"

# --- B's device model, at B's pair, against A's saved state. What plays it is a
# bash entering svirt_xen_t as qemu does (lib.sh's standin_install), at xl's level.
standin_install noop81 <<<'exit 0' >/dev/null
as_b() { (cd / && as_toolstack env -i HOME=/ SHELL=/bin/sh /usr/bin/runcon "$ctx_b" "$STANDIN_DIR/bash" -c "$1"); }
check "in B's label, B's own disk opens" as_b "exec 3<'$IMAGES/h81b.img'"
refute "in B's label, A's save file opens" as_b "exec 3<'$SAVE'"
check_avc "the kernel refused B's label A's save file" \
	"denied  \\{[^}]*\\} for .*(name|path)=\"[^\"]*h81a.save\" .*scontext=$ctx_b .*tclass=file"
# A's device state as libxl leaves it during a save (made by xl, at s0).
fake_state=/var/lib/xen/qemu-save.$d1
as_toolstack sh -c "echo state >'$fake_state'"
echo "    $(ls -Z "$fake_state")"
refute "in B's label, A's qemu-save.$d1 opens" as_b "exec 3<'$fake_state'"
check_avc "the kernel refused B's label A's qemu-save.$d1" \
	"denied  \\{[^}]*\\} for .*(name|path)=\"[^\"]*qemu-save.$d1\" .*scontext=$ctx_b .*tclass=file"
refute "in B's label, A's qemu-save.$d1 opens for writing" as_b "exec 3>>'$fake_state'"
rm -f "$fake_state"

# --- xl restore -p: a new domain, labelled by svirtd before anything runs.
rc=0
timed xl restore -p "$SAVE" >restore.out 2>&1 || rc=$?
cat restore.out
[ "$rc" = 0 ] || { tail -n 20 /var/log/xen/qemu-dm-h81a.log 2>/dev/null; fail "xl restore -p"; }
d2=$(domid_of h81a) || fail "no domain h81a after the restore"
echo "h81a is domain $d2 after the restore"
refute "the restored domain has the old domid" test "$d2" = "$d1"
check_eq "the restored domain has the saved uuid" "$uuid" "$(svirt_node "$d2" uuid)"
wait_until 60 "svirtd reports the restored h81a labelled" svirt_labelled "$d2"
check_qemu_label h81a "$d2"
q2=$q
ctx2=$(context_of_pid "$q2")
echo "pair before the save ${ctx1##*:}, after the restore ${ctx2##*:}"
check "the restored qemu read its state from libxl's descriptor (-incoming fd:N)" \
	grep -qx -- 'fd:[0-9]*' < <(tr '\0' '\n' <"/proc/$q2/cmdline" | grep -A1 -x -- -incoming | tail -n 1)
check_eq "the disk carries the restored guest's published label" "$(svirt_node "$d2" imagelabel)" "$(label_of "$IMAGES/h81a.img")"
refute "the restored device model shares B's pair" test "${ctx2##*:}" = "${ctx_b##*:}"
check "the restored guest is paused" paused h81a
ls -lZ /var/lib/xen/ | sed 's/^/    /'

# --- xl unpause: the restored guest runs (its firmware, no OS).
t0=$(cpu_time h81a)
check "xl unpause h81a" xl unpause h81a >unpause.out 2>&1
cat unpause.out
refute "libxl reported an error resuming h81a's device model" grep -q 'error' unpause.out
refute "h81a is still paused" paused h81a
wait_until 60 "the restored h81a uses CPU time (from ${t0} s)" ran_since h81a "$t0"
sleep 3
xl list h81a
check_eq "it still runs as domain $d2" "$d2" "$(domid_of h81a)"
check_eq "its device model still runs at its pair" "$ctx2" "$(context_of_pid "$q2")"
check_eq "dom0 is still enforcing" Enforcing "$(getenforce)"

check "xl destroy h81a" xl destroy h81a
check "xl destroy h81b" xl destroy h81b
dm_gone_after_destroy h81a "$q2"
wait_until 60 "svirtd gave h81a's disk its label back after the destroy" restored
