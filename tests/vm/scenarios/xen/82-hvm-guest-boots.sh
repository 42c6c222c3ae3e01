#!/bin/bash
# Scenario (issue 16 item 1): one HVM guest boots an OS, the guest kit by direct kernel boot (hvmloader, SeaBIOS,
# qemu's linuxboot ROM), its device model through svirt-interpose (device_model_override, dm_restrict), and is
# judged from inside: it writes data/ready, sees one disk (its own, through PV-on-HVM), writes a word to it and
# reads it back, and dom0 finds the word in that guest's image. Its device model runs at the disk's pair; the
# kernel and initrd it opens for the guest are shared read-only content (svirt_xen_content_t:s0, restorecon in
# /var/lib/xen/boot); a kernel left with the toolstack's label is refused to it, and that guest is not created.
set -euo pipefail
. "$VM_LIB"

G=h82
IP=$(interposer)
need_installed /usr/lib/xen-4.17/boot/hvmloader /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin
running svirtd || fail "svirtd is not running in dom0"
catpids=()
interpose_conf_save
cleanup() {
	local rc=$? p
	[ "$rc" = 0 ] || hvm_kit_report $G
	if domid_of $G >/dev/null; then xl destroy $G || true; fi
	for p in "${catpids[@]}"; do kill "$p" 2>/dev/null || true; done
	if domid_of h82u >/dev/null; then xl destroy h82u || true; fi
	rm -f "$IMAGES/$G.img" "$IMAGES/h82u.img"
	hvm_kit_remove
	interpose_conf_restore
}
trap cleanup EXIT
expect_dm_runas_avcs
printf 'wait = 120\n' >"$INTERPOSE_CONF"

hvm_kit_install
# A kernel left with the toolstack's label (the kit's own, xend_var_lib_t) is refused to the device model: qemu
# cannot open it, and the guest is not created.
U=h82u
hvm_kit_config $U 80 "$IP" | sed "s|^kernel = .*|kernel = \"$GUEST_KERNEL\"|" >$U.cfg
check "$U's config names the kit's own kernel" grep -qx "kernel = \"$GUEST_KERNEL\"" $U.cfg
check_eq "the kit's own kernel has the toolstack's label" xend_var_lib_t:s0 "$(label_of "$GUEST_KERNEL" | cut -d: -f3-)"
rc=0
timed xl create -p $U.cfg >$U.out 2>&1 || rc=$?
cat $U.out
tail -n 5 "/var/log/xen/qemu-dm-$U.log" 2>/dev/null | sed 's/^/    dm | /'
refute "xl create of an HVM guest whose kernel the device model may not read" test "$rc" = 0
check_avc "the kernel refused $U's device model the kernel" \
	"denied  \\{ [a-z ]*open[a-z ]* \\} for .*comm=\"xen-qemu-system\" (name|path)=\"[^\"]*vmlinuz\" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=[^ ]*:xend_var_lib_t:s0 tclass=file"
refute "and no domain $U is left" domid_of $U
rm -f "$IMAGES/$U.img"

# On the emulated host's second CPU, as in 83: on the first, an HVM guest met triple faults there.
{ hvm_kit_config $G 81 "$IP"; echo 'cpus = "1"'; } >$G.cfg
t0=$SECONDS
hvm_kit_start $G $G.cfg
d=$(domid_of $G)
check_qemu_label $G "$d"
check "$G's qemu was given the kit's kernel (direct kernel boot)" grep -qx -- "$HVM_KERNEL" < <(tr '\0' '\n' <"/proc/$q/cmdline")

# The guest's own word: data/ready is the kit's init past its frontends. Waited for with a bound that covers an
# HVM boot under TCG; a guest that crashes (on_crash destroys it) ends the wait at once.
wait_until 480 "$G (HVM) writes data/ready or ends" ready_or_gone "$d"
check "$G (HVM) wrote data/ready=1" guest_ready "$d"
echo "    $G: data/ready $((SECONDS - t0)) s after its xl create began"
echo "    $G's serial console, the kernel's first and the kit's lines:"
tr -d '\r' <$G.serial | grep -E 'Linux version|^guest:' | sed 's/^/      | /'
check "$G's serial console shows the kit's kernel booting" grep -q 'Linux version' $G.serial
check_eq "$G sees one disk, its own (xvda, PV-on-HVM)" xvda "$(xenstore-read "/local/domain/$d/data/disks")"
check_eq "$G writes a word to its disk and reads it back" "ok word-of-$G" "$(disk_ask "$d" write "word-of-$G")"
check_eq "dom0 finds $G's word in $G's image" "word-of-$G" "$(image_word $G)"
# (The emulated IDE twin of xvda is gone once the guest's kernel unplugged it: qemu then holds no image, and the
# PV disk is served by its backend.)
echo "    $G's xvda is served by $(xenstore-read "/local/domain/$d/device/vbd/51712/backend" 2>/dev/null || echo '?')"

check "xl destroy $G" xl destroy $G
restored() { [ "$(label_of "$IMAGES/$G.img" | cut -d: -f3)" = xen_image_t ]; }
wait_until 60 "svirtd gave $G's disk its label back" restored
