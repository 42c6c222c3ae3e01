#!/bin/bash
# Scenario (issue 16 items 3 and 8): svirt-xl create of an HVM guest that boots (the guest kit by direct kernel
# boot, its qemu-dm svirt-xl's: the interposer, dm_restrict = 1), judged from inside; then svirt-xl migrate of it
# to this host (Debian's hypervisor migrates an HVM guest with the emulated CPU's nested paging), judged from
# inside again: the same guest, a new domain, runs on at the same pair, its new device model in the same label,
# svirtd's record and every label handed over, the outgoing domain's objects gone. Then xl save of the running
# guest to /var/lib/xen/save (as xendomains does): the domain and its qemu gone, its disk back to its own label,
# its pair released, nothing kept for its uuid; and svirt-xl restore, judged from inside a third time: the same
# guest as a new domain at a pair svirtd drew anew (no Flask here to carry the old one), its new device model
# (-incoming fd:N, dm_restrict) and its disk at that pair, the saved domain's objects gone. xl destroy restores
# its disk. Its disk is xvde, which libxl gives qemu no emulated twin of (only the first four are): a restored or
# migrated qemu under dm_restrict opens an emulated disk again by name at the resume, chrooted and no longer
# root, and fails (Xen 4.17, QEMU 7.2; README, "Guest lifecycle"). A PV disk is served by blkback alone.
set -euo pipefail
. "$VM_LIB"

G=h84
SAVEDIR=/var/lib/xen/save	# where Debian's xendomains saves guests
SAVE=$SAVEDIR/$G.save
need_installed /usr/lib/xen-4.17/boot/hvmloader /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin
command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
catpids=()
interpose_conf_save
cleanup() {
	local rc=$? p
	[ "$rc" = 0 ] || hvm_kit_report $G
	destroy_migrating $G
	for p in "${catpids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -f "$IMAGES/$G.img" "$SAVE"
	hvm_kit_remove
	interpose_conf_restore
}
trap cleanup EXIT
expect_dm_runas_avcs
# The incoming device model starts while the outgoing guest still runs: give svirtd time under TCG.
printf 'wait = 120\n' >"$INTERPOSE_CONF"
# xl's state flags of a domain ("--p---" paused, "-b----" blocked, "r-----" running).
run_state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }
paused() { [[ $(run_state "$1") == *p* ]]; }
vif_labels_of() { unlbl_entries | has -E "^vif$1\\.[0-9]+ "; }
# svirt_xl_agrees DOMID PAIR IMG OLD: svirt-xl's list, show and verify know $G as DOMID at PAIR, its disk
# labelled IMG, and no longer the domain OLD it was before.
svirt_xl_agrees() {
	svirt-xl list --json >list.json
	check "list --json shows domain $1 as $G at $2" has "\"domid\": $1, \"name\": \"$G\", .*\"pair\": \"$2\"" list.json
	check "list --json lists its disk with its label" has "\"path\": \"$IMAGES/$G.img\", \"label\": \"$3\"" list.json
	refute "list --json still shows domain $4" has "\"domid\": $4," list.json
	check "svirt-xl show $G finds no problem" svirt-xl show $G
	check "svirt-xl verify finds nothing wrong" svirt-xl verify
}
# svirtd's LIST knows the uuid (as a domain or a reservation).
svirtd_knows() { svirt-xl list --json | has "\"uuid\": \"$1\""; }
# follow_serial DOMID: the guest's serial pty (a new one for each device model) into $G.serial, for the report.
follow_serial() {
	local pty
	pty=$(xenstore-read "/local/domain/$1/serial/0/tty") || fail "$G (domain $1) has no serial pty"
	cat "$pty" >>$G.serial 2>/dev/null &
	catpids+=($!)
}

hvm_kit_install
# The kit's HVM config, less what svirt-xl sets itself (device_model_override), its disk as xvde; on the emulated
# host's second CPU, as in 82 and 83 (on the first, HVM guests met triple faults).
{ hvm_kit_config $G 84 - | sed -e '/^device_model_override/d' -e 's/vdev=xvda,/vdev=xvde,/'; echo 'cpus = "1"'; } >$G.cfg
refute "$G's config names a device model" grep -q '^device_model_override' $G.cfg
check "$G's config gives the guest its disk as xvde" grep -q "vdev=xvde,.*target=$IMAGES/$G.img" $G.cfg
orig=$(label_of "$IMAGES/$G.img")

# --- svirt-xl create: paused until svirtd reports it labelled, then unpaused.
t0=$SECONDS
rc=0
timed svirt-xl create $G.cfg >create.out 2>&1 || rc=$?
cat create.out
[ "$rc" = 0 ] || fail "svirt-xl create $G (HVM)"
d1=$(domid_of $G) || fail "no domain $G"
follow_serial "$d1"
check "svirt-xl says it labelled and unpaused $G" has "svirt-xl: domain $d1 (uuid .*) created with pair .*, labelled, unpaused" create.out
check_eq "svirtd reports $G labelled" labelled "$(svirt_node "$d1" state)"
uuid=$(svirt_node "$d1" uuid)
img=$(svirt_node "$d1" imagelabel)
label=$(svirt_node "$d1" label)
pair=${img##*:}
check_eq "$G's disk carries $G's image label" "$img" "$(label_of "$IMAGES/$G.img")"
check_qemu_label $G "$d1"
q1=$q
check "$G's qemu was started with -xen-domid-restrict (dm_restrict = 1)" grep -qx -- -xen-domid-restrict < <(tr '\0' '\n' <"/proc/$q1/cmdline")
check "$G's qemu was given the kit's kernel (direct kernel boot)" grep -qx -- "$HVM_KERNEL" < <(tr '\0' '\n' <"/proc/$q1/cmdline")
refute "$G's qemu was given its disk (no emulated twin of xvde)" grep -q "$IMAGES/$G.img" < <(tr '\0' '\n' <"/proc/$q1/cmdline")
echo "$G is domain $d1 (uuid $uuid) at $pair"

# From inside: data/ready is the kit's init past its frontends (bound: an HVM boot under TCG; a crash ends it).
wait_until 480 "$G (HVM) writes data/ready or ends" ready_or_gone "$d1"
check "$G (HVM) wrote data/ready=1" guest_ready "$d1"
echo "    $G: data/ready $((SECONDS - t0)) s after svirt-xl create began"
check_eq "$G sees one disk, its own (xvde, PV)" xvde "$(xenstore-read "/local/domain/$d1/data/disks")"
check_eq "$G writes a word to its disk and reads it back" "ok one-of-$G" "$(disk_ask "$d1" write "one-of-$G")"
check_eq "dom0 finds $G's word in $G's image" "one-of-$G" "$(image_word $G)"
check "svirt-xl show $G finds no problem" svirt-xl show $G
check "$G's vif has its NetLabel entries" vif_labels_of "$d1"

# --- svirt-xl migrate to this host: xl migrate -p, the receiver here, unpaused once svirtd labelled the new domain.
rc=0
timed svirt-xl migrate -e -s '' $G localhost >migrate.out 2>&1 || rc=$?
cat migrate.out
[ "$rc" = 0 ] || { tail -n 20 "/var/log/xen/qemu-dm-$G.log" 2>/dev/null; fail "svirt-xl migrate -s '' $G localhost"; }
check "it says the guest runs labelled" has -F "svirt-xl: $G (uuid $uuid) migrated to localhost, labelled there, unpaused" migrate.out
d2=$(domid_of $G) || fail "no domain $G after the migration"
follow_serial "$d2"
echo "$G is domain $d2 after the migration"
check "the guest is a new domain ($d1 -> $d2)" test "$d2" != "$d1"
refute "the outgoing domain $d1 is left" xl list "$d1"
refute "domain $d2 is paused ($(run_state $G))" paused $G
check_eq "the migrated domain has the guest's uuid" "$uuid" "$(svirt_node "$d2" uuid)"
wait_until 30 "svirtd reports domain $d2 labelled" svirt_labelled "$d2"
wait_until 30 "svirtd logged the hand-over" grep -q "domain $d2 ($G): migrated in: holds $pair" "$LOG"
check_eq "svirtd publishes the same image label for it" "$img" "$(svirt_node "$d2" imagelabel)"
check_eq "svirtd publishes the same device-model label" "$label" "$(svirt_node "$d2" label)"
check_eq "its disk still carries $pair" "$img" "$(label_of "$IMAGES/$G.img")"
check_qemu_label $G "$d2"
q2=$q
check "the new device model is another process ($q1 -> $q2)" test "$q2" != "$q1"
check_eq "the new device model runs in the same label" "$label" "$(context_of_pid "$q2")"
check "the new device model was started with -xen-domid-restrict" grep -qx -- -xen-domid-restrict < <(tr '\0' '\n' <"/proc/$q2/cmdline")
check "the new device model read the guest's device state from libxl (-incoming)" grep -qx -- -incoming < <(tr '\0' '\n' <"/proc/$q2/cmdline")
dm_gone_after_destroy "$G (outgoing)" "$q1"
wait_until 30 "the outgoing domain's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d1"
wait_until 30 "the outgoing domain's vif has no NetLabel entries left" not vif_labels_of "$d1"
check "the migrated domain's vif has its NetLabel entries" vif_labels_of "$d2"
svirt_xl_agrees "$d2" "$pair" "$img" "$d1"
ls -Z /var/lib/xen/ | sed 's/^/    /'
check "libxl removed the outgoing device state it sent (qemu-save.$d1)" test ! -e "/var/lib/xen/qemu-save.$d1"

# From inside again: the guest runs on (on_reboot and on_crash destroy it: a domain that answers has not booted
# again), reads back the word of before, and writes a new one that dom0 finds in its image.
check_eq "the migrated guest reads back its word from its disk" "ok one-of-$G" "$(disk_ask "$d2" read)"
check_eq "the migrated guest writes a new word" "ok two-of-$G" "$(disk_ask "$d2" write "two-of-$G")"
check_eq "dom0 finds the new word in $G's image" "two-of-$G" "$(image_word $G)"
check_eq "the new device model still runs at $pair" "$label" "$(context_of_pid "$q2")"

# --- xl save (to where Debian's xendomains saves guests): libxl stops the device model, which writes its state
# through the descriptor libxl hands it, and ends the domain: svirtd ends its record, restores its disk, frees its pair.
mkdir -p "$SAVEDIR"
rc=0
timed xl save $G "$SAVE" >save.out 2>&1 || rc=$?
cat save.out
[ "$rc" = 0 ] || { tail -n 20 "/var/log/xen/qemu-dm-$G.log" 2>/dev/null; fail "xl save $G (HVM, dm_restrict)"; }
echo "    $(ls -lZ "$SAVE")"
check "$G is gone after the save" not domid_of $G
refute "domain $d2 is left" xl list "$d2"
dm_gone_after_destroy "$G (saved)" "$q2"
check "libxl removed the device state it copied (qemu-save.$d2)" test ! -e "/var/lib/xen/qemu-save.$d2"
wait_until 60 "the saved domain's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d2"
restored() { [ "$(label_of "$IMAGES/$G.img")" = "$orig" ]; }
wait_until 60 "svirtd gave $G's disk its label back ($orig) at the save" restored
wait_until 30 "svirtd logged $pair released" grep -qF "domain $d2 ($G): released $pair" "$LOG"
# No reservation outlives the save (README, "Guest lifecycle"): the restore binds the uuid to a pair drawn anew.
refute "svirtd holds anything for uuid $uuid" svirtd_knows "$uuid"
wait_until 30 "the saved domain's vif has no NetLabel entries left" not vif_labels_of "$d2"

# --- svirt-xl restore: xl restore -p, unpaused once svirtd labelled the new domain (a drawn pair: no Flask here).
rc=0
timed svirt-xl restore "$SAVE" >restore.out 2>&1 || rc=$?
cat restore.out
[ "$rc" = 0 ] || { tail -n 20 "/var/log/xen/qemu-dm-$G.log" 2>/dev/null; fail "svirt-xl restore $SAVE"; }
rm -f "$SAVE"	# dom0's root is in its memory
d3=$(domid_of $G) || fail "no domain $G after the restore"
follow_serial "$d3"
pair3=$(sed -n "s/^svirt-xl: domain $d3 (uuid $uuid) restored with pair \\(c[0-9]*,c[0-9]*\\), labelled, unpaused\$/\\1/p" restore.out)
[ -n "$pair3" ] || fail "svirt-xl restore did not say it labelled and unpaused domain $d3 (uuid $uuid)"
echo "$G is domain $d3 after the restore; pair before the save $pair, after the restore $pair3"
check "the restored guest is a new domain ($d2 -> $d3)" test "$d3" != "$d2"
refute "domain $d3 is paused ($(run_state $G))" paused $G
check_eq "the restored domain has the guest's uuid" "$uuid" "$(svirt_node "$d3" uuid)"
check_eq "svirtd reports domain $d3 labelled" labelled "$(svirt_node "$d3" state)"
check "svirtd bound uuid $uuid anew, to the pair svirt-xl reports" \
	grep -qE "domain $d3( \\([^)]*\\))?: uuid $uuid: $pair3\$" "$LOG"
img3=$(svirt_node "$d3" imagelabel)
check_eq "svirtd publishes an image label at $pair3" "${img%:*}:$pair3" "$img3"
check_eq "its disk carries $pair3" "$img3" "$(label_of "$IMAGES/$G.img")"
check_qemu_label $G "$d3"
q3=$q
label3=$(svirt_node "$d3" label)
check_eq "the restored device model runs in svirtd's label at $pair3" "${label%:*}:$pair3" "$label3"
check "the restored device model is another process ($q2 -> $q3)" test "$q3" != "$q2"
check "the restored device model was started with -xen-domid-restrict" grep -qx -- -xen-domid-restrict < <(tr '\0' '\n' <"/proc/$q3/cmdline")
check "the restored device model read its state from libxl's descriptor (-incoming fd:N)" \
	grep -qx -- 'fd:[0-9]*' < <(tr '\0' '\n' <"/proc/$q3/cmdline" | grep -A1 -x -- -incoming | tail -n 1)
wait_until 30 "the restored domain's vif has its NetLabel entries" vif_labels_of "$d3"
svirt_xl_agrees "$d3" "$pair3" "$img3" "$d2"

# From inside: the same guest runs on (not booted again), reads back its last word, writes a new one dom0 finds.
check_eq "the restored guest reads back its word from its disk" "ok two-of-$G" "$(disk_ask "$d3" read)"
check_eq "the restored guest writes a new word" "ok three-of-$G" "$(disk_ask "$d3" write "three-of-$G")"
check_eq "dom0 finds the new word in $G's image" "three-of-$G" "$(image_word $G)"
check_eq "the restored device model still runs at $pair3" "$label3" "$(context_of_pid "$q3")"

# --- xl destroy: the device model goes, the disk gets its label back, nothing of the guest is left.
check "xl destroy $G" xl destroy $G
dm_gone_after_destroy $G "$q3"
wait_until 60 "$G's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d3"
wait_until 60 "svirtd gave $G's disk its label back ($orig)" restored
wait_until 30 "$G's vif has no NetLabel entries left" not vif_labels_of "$d3"
