#!/bin/bash
# Scenario (issue 16 items 1 and 2): two HVM guests boot an OS, the guest kit by direct kernel boot (hvmloader,
# SeaBIOS, qemu's linuxboot ROM), their device models through svirt-interpose (device_model_override,
# dm_restrict), both at once, and are judged from inside. Each writes data/ready and sees one disk, its own
# (PV-on-HVM); h83a writes a word to it that dom0 finds in h83a's image. Each device model runs at its disk's pair and
# opens the kernel it is given (shared read-only content; 82 shows one with the toolstack's label refused). They
# keep their emulated NICs (e1000 on qemu's taps vifD.0-emu; the guests unplug only their IDE disks): each reaches
# dom0 through its emulated NIC, and is refused the other guest, the kernel's AVC naming both pairs; their frames
# leave by the -emu taps (the taps' counters), the PV vifs stay unconnected.
set -euo pipefail
. "$VM_LIB"

A=h83a
B=h83b
IP=$(interposer)
need_installed /usr/lib/xen-4.17/boot/hvmloader /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin
running svirtd || fail "svirtd is not running in dom0"
catpids=()
interpose_conf_save
cleanup() {
	local rc=$? g p
	for g in $A $B; do
		[ "$rc" = 0 ] || hvm_kit_report $g
		if domid_of $g >/dev/null; then xl destroy $g || true; fi
		rm -f "$IMAGES/$g.img"
	done
	for p in "${catpids[@]}"; do kill "$p" 2>/dev/null || true; done
	hvm_kit_remove
	interpose_conf_restore
}
trap cleanup EXIT
expect_dm_runas_avcs
printf 'wait = 120\n' >"$INTERPOSE_CONF"

hvm_kit_install
# xen_emul_unplug=ide-disks: the guest's kernel unplugs the emulated disk (xvda is then its PV disk) and keeps the
# emulated NIC, whose driver the kit loads (svirt.nic) instead of netfront.
# Both guests on the emulated host's second CPU (cpus=): unpinned, or pinned to the first CPU, an HVM guest met
# a triple fault in each of three runs (Xen: "Triple fault - invoking HVM shutdown action", the guest's state
# then holding Xen's own RIP): the second guest while it booted beside the first; the first, already up, while
# the second booted; the first alone, pinned to the first CPU, in its firmware. Pinned to the second, they boot
# side by side. QEMU's TCG emulation of SVM is the suspect.
declare -A dom
t0=$SECONDS
for g in $A $B; do
	n=$([ $g = $A ] && echo 83 || echo 84)
	{
		hvm_kit_config $g $n "$IP" "xen_emul_unplug=ide-disks svirt.nic=e1000" model=e1000
		echo 'cpus = "1"'
	} >$g.cfg
	hvm_kit_start $g $g.cfg
	dom[$g]=$(domid_of $g)
done
da=${dom[$A]}
db=${dom[$B]}
# The guests' own word: data/ready is the kit's init past its frontends. Waited for with a bound that covers an
# HVM boot under TCG; a guest that crashes (on_crash destroys it) ends the wait at once.
both_ready_or_gone() { ready_or_gone "$da" && ready_or_gone "$db"; }
wait_until 480 "$A and $B (HVM) write data/ready or end" both_ready_or_gone
echo "    $A and $B: data/ready $((SECONDS - t0)) s after the first xl create began"
for g in $A $B; do
	d=${dom[$g]}
	check "$g (HVM) wrote data/ready=1" guest_ready "$d"
	echo "    $g's console, the kit's lines:"
	tr -d '\r' <$g.console | grep '^guest:' | sed 's/^/      | /' || true
	check "$g's console shows the kit's kernel booting to its init" grep -q '^guest: init after [0-9.]* s (Linux ' $g.console
	check_eq "$g sees one disk, its own (xvda, PV-on-HVM)" xvda "$(xenstore-read "/local/domain/$d/data/disks")"
done
check_eq "$A writes a word to its disk and reads it back" "ok word-of-$A" "$(disk_ask "$da" write "word-of-$A")"
check_eq "dom0 finds $A's word in $A's image" "word-of-$A" "$(image_word $A)"
# (The emulated IDE twin of xvda is gone once the guest's kernel unplugged it: qemu then holds no image, and the
# PV disk is served by its backend.)
echo "    $A's xvda is served by $(xenstore-read "/local/domain/$da/device/vbd/51712/backend" 2>/dev/null || echo '?')"
wait_until 60 "svirtd reports $A labelled" svirt_labelled "$da"
wait_until 60 "svirtd reports $B labelled" svirt_labelled "$db"
la=$(svirt_node "$da" label)
lb=$(svirt_node "$db" label)
echo "$A: domain $da, $la; $B: domain $db, $lb"
check_qemu_label $A "$da"
check "$A's qemu was given the kit's kernel (direct kernel boot)" grep -qx -- "$HVM_KERNEL" < <(tr '\0' '\n' <"/proc/$q/cmdline")
check_qemu_label $B "$db"
refute "$A's and $B's device models share a pair" test "${la##*:}" = "${lb##*:}"
peer_label() { unlbl_entries | has -x "$1 0.0.0.0/0 \"$2\""; }
wait_until 60 "vif$da.0-emu has $A's peer label" peer_label "vif$da.0-emu" "$la"
wait_until 60 "vif$db.0-emu has $B's peer label" peer_label "vif$db.0-emu" "$lb"

# Whatever one guest sends the other is refused where it enters the IP forward hook: the sender's peer label
# against the receiver's secmark (the pings below; the firmware's, if any).
A_TO_B="denied  \\{ forward_in \\} .*scontext=$la tcontext=system_u:object_r:svirt_xen_packet_t:s0:${lb##*:} tclass=packet"
B_TO_A="denied  \\{ forward_in \\} .*scontext=$lb tcontext=system_u:object_r:svirt_xen_packet_t:s0:${la##*:} tclass=packet"
expect_avc "$A_TO_B"
expect_avc "$B_TO_A"
check_eq "$A brought its emulated NIC up" 10.77.0.83/24 "$(xenstore-read "/local/domain/$da/data/eth0")"
check_eq "$B brought its emulated NIC up" 10.77.0.84/24 "$(xenstore-read "/local/domain/$db/data/eth0")"
check "$A's eth0 is the e1000 (its kit says so)" grep -q '^guest: eth0 up .*(driver e1000)' $A.console
check "$B's eth0 is the e1000" grep -q '^guest: eth0 up .*(driver e1000)' $B.console

# The guests' frames leave by the taps: a tap counts what qemu writes to it (the guest's sends) as received.
emu_rx() { cat "/sys/class/net/vif$1.0-emu/statistics/rx_packets"; }
rx_a=$(emu_rx "$da")
rx_b=$(emu_rx "$db")
check "$A reaches dom0 through its emulated NIC" guest_ping "$da" 10.77.0.1
check "$B reaches dom0 through its emulated NIC" guest_ping "$db" 10.77.0.1
check "$A's ping left by vif$da.0-emu ($rx_a -> $(emu_rx "$da") frames)" test "$(emu_rx "$da")" -gt "$rx_a"
check "$B's ping left by vif$db.0-emu ($rx_b -> $(emu_rx "$db") frames)" test "$(emu_rx "$db")" -gt "$rx_b"
for d in $da $db; do
	st=$(xenstore-read "/local/domain/0/backend/vif/$d/0/state" 2>/dev/null || echo none)
	refute "domain $d's PV vif is connected (backend state $st)" test "$st" = 4
done
check "dom0 reaches $A" ping -c 2 -W 3 10.77.0.83
check "dom0 reaches $B" ping -c 2 -W 3 10.77.0.84
ratelimit=$(cat /proc/sys/kernel/printk_ratelimit)
echo 0 >/proc/sys/kernel/printk_ratelimit
# ARP between guests of different pairs is dropped in svirtd's table: each guest is told the other's MAC.
refute "$A reaches $B" guest_ping "$da" "10.77.0.84 lladdr=00:16:3e:77:00:84"
refute "$B reaches $A" guest_ping "$db" "10.77.0.83 lladdr=00:16:3e:77:00:83"
echo "$ratelimit" >/proc/sys/kernel/printk_ratelimit
check_avc "the kernel denied $A's ping to $B (its peer label against $B's secmark)" \
	"denied  \\{ forward_in \\} .*saddr=10\\.77\\.0\\.83 daddr=10\\.77\\.0\\.84 .*scontext=$la tcontext=system_u:object_r:svirt_xen_packet_t:s0:${lb##*:} tclass=packet"
check_avc "and $B's to $A" \
	"denied  \\{ forward_in \\} .*saddr=10\\.77\\.0\\.84 daddr=10\\.77\\.0\\.83 .*scontext=$lb tcontext=system_u:object_r:svirt_xen_packet_t:s0:${la##*:} tclass=packet"

check "xl destroy $A" xl destroy $A
check "xl destroy $B" xl destroy $B
no_tap_labels() { ! unlbl_entries | has -E "^vif($da|$db)\.0(-emu)? "; }
wait_until 60 "the taps' and vifs' peer labels are gone" no_tap_labels
restored() { [ "$(label_of "$IMAGES/$A.img" | cut -d: -f3)" = xen_image_t ]; }
wait_until 60 "svirtd gave $A's disk its label back" restored
