#!/bin/bash
# Scenario (issue 16 item 1): the kernel and initrd an HVM guest's device model opens for direct kernel boot are
# shared read-only content (svirt_xen_content_t:s0, restorecon in /var/lib/xen/boot); a kernel left with the
# toolstack's label is refused to that device model, and the guest is not created. Boots nothing: 83 boots the
# kit from the content copies and judges it from inside.
set -euo pipefail
. "$VM_LIB"

U=h82u
IP=$(interposer)
need_installed /usr/lib/xen-4.17/boot/hvmloader /usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin
running svirtd || fail "svirtd is not running in dom0"
interpose_conf_save
cleanup() {
	if domid_of $U >/dev/null; then xl destroy $U || true; fi
	rm -f "$IMAGES/$U.img"
	hvm_kit_remove
	interpose_conf_restore
}
trap cleanup EXIT
expect_dm_runas_avcs
printf 'wait = 120\n' >"$INTERPOSE_CONF"

hvm_kit_install
# A kernel left with the toolstack's label (the kit's own, xend_var_lib_t) is refused to the device model: qemu
# cannot open it, and the guest is not created.
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
