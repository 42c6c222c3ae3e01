#!/bin/bash
# Scenario: a device model, once dm_restrict has restricted it, cannot open privcmd, gntdev, evtchn, xenbus or
# the xenstore socket again: not by path, not through a device node of its own, not from outside its chroot.
#
# Real: k7, a PV guest whose qdisk qemu xl starts through svirt-interpose with dm_restrict=1; its label, uid,
# root directory and the descriptors it kept are read from /proc. Stand-in: svirt-dmprobe (tests/vm/guest),
# started through the same interposer for k7 (so svirtd gives it k7's label) with that qemu's own
# -xen-domid-restrict, -chroot and -runas; it opens what qemu opens at start, restricts itself as qemu 7.2
# does for those options (chroot, then the uid change) and then makes the attacker's attempts with real
# open(), connect(), mknod() and chroot() calls, printing each errno. It stands in for code running inside
# the restricted qemu, which cannot be injected into the real one. What it does not redo is qemu's
# xentoolcore_restrict_all on the descriptors qemu keeps: it keeps none (it only tries to reopen).
set -euo pipefail
. "$VM_LIB"

IP=$(interposer)
running svirtd || fail "svirtd is not running in dom0"
[ -x /usr/bin/svirt-dmprobe ] || fail "svirt-dmprobe (tests/vm/guest) is not in this host's image"
interpose_conf_save
# qemu looks into the directory xl ran from (this scenario's scratch directory,
# user_tmp_t): a device model has no business there, and the policy refuses it.
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir'
CHROOT=
undo() {
	[ -z "$CHROOT" ] || rm -rf "$CHROOT/svirt-dmprobe-escape" "$CHROOT/svirt-dmprobe-privcmd" 2>/dev/null || true
	xl destroy k7 2>/dev/null || true
	interpose_conf_restore
}
trap undo EXIT
printf 'wait = 120\n' >"$INTERPOSE_CONF"

{ qdisk_guest_config k7 67
  printf 'device_model_version = "qemu-xen"\ndevice_model_override = "%s"\n' "$IP"; } >k7.cfg
check "xl create k7 (dm_restrict=1)" timed xl create k7.cfg
d=$(domid_of k7)
check_qemu_of_guest k7 "$d"
q=$(dm_pid "$d")
ctx=$(context_of_pid "$q")

# The real qemu after restriction: its options, uid, root and the descriptors it kept.
mapfile -d '' qargs <"/proc/$q/cmdline"
RUNAS=
for ((i = 0; i + 1 < ${#qargs[@]}; i++)); do
	case ${qargs[i]} in
	-chroot) CHROOT=${qargs[i + 1]} ;;
	-runas) RUNAS=${qargs[i + 1]} ;;
	esac
done
[ -n "$CHROOT" ] || fail "k7's qemu has no -chroot"
echo "k7's qemu $q: $ctx, uid $(awk '/^Uid:/ { print $2 }' "/proc/$q/status"), root $(readlink "/proc/$q/root")," \
	"-chroot $CHROOT, -runas ${RUNAS:-(none: libxl 4.17 gives a PV qdisk qemu no uid)}"
check_eq "k7's qemu is inside its -chroot" "$(readlink -f "$CHROOT")" "$(readlink "/proc/$q/root")"
ls -dZ "$CHROOT"
for f in "/proc/$q/fd"/*; do printf '  fd %s -> %s\n' "${f##*/}" "$(readlink "$f")"; done | tee qemu-fds
# What qemu 7.2 opened (policy/svirt_xen.te: never gntalloc, never xenbus).
refute "k7's qemu holds gntalloc or xenbus" grep -qE '/dev/xen/(gntalloc|xenbus)' qemu-fds

# The stand-in, through the interposer, for k7, with k7's qemu's restriction.
mkdir -p "$STANDIN_DIR"
cp /usr/bin/svirt-dmprobe "$STANDIN_DIR/svirt-dmprobe"
chcon -t qemu_exec_t "$STANDIN_DIR/svirt-dmprobe"
printf 'wait = 120\nqemu = "%s"\n' "$STANDIN_DIR/svirt-dmprobe" >"$INTERPOSE_CONF"
args=(-xen-domid "$d" -xen-domid-restrict -chroot "$CHROOT")
[ -z "$RUNAS" ] || args+=(-runas "$RUNAS")
probe() {
	local rc=0
	(cd / && as_toolstack "$IP" "$@") >probe.out || rc=$?
	sed 's/^/  probe | /' probe.out
	return "$rc"
}
check "the stand-in ran to the end and reached nothing" probe "${args[@]}"
check_eq "the stand-in ran in k7's label" "context $ctx" "$(grep '^context ' probe.out)"
# Before restriction the device model reaches all of them: the refusals below are the restriction's.
for t in privcmd gntdev evtchn xenbus xenstore-socket; do
	check "before restriction, k7's device model opens $t" grep -qx "before $t ok" probe.out
done
for t in privcmd gntdev evtchn xenbus xenstore-socket; do
	check "after restriction, $t does not open again" grep -q "^after $t errno " probe.out
done
# Root in a chroot (as k7's qemu is) has every capability but what the policy refuses: the kernel's
# refusals below are SELinux's. A device node needs a name in the chroot, which a device model may not
# add to any directory (EACCES, on the directory), and the mknod capability, which it lacks (EPERM).
check "a privcmd node of its own is refused" grep -qE '^node mknod errno (EACCES|EPERM)' probe.out
check_avc "the policy refused the device model the node" \
	"denied  \\{ (mknod|create|add_name|write) \\} for .*comm=\"svirt-dmprobe\" .*scontext=$ctx .*tclass=(capability|dir)"
check "no directory to chroot into, so no way out of the chroot" grep -q '^escape mkdir errno EACCES' probe.out
check_avc "the policy refused the directory in the chroot" \
	"denied  \\{ (create|add_name|write) \\} for .*comm=\"svirt-dmprobe\" .*scontext=$ctx .*tclass=dir"
check "the stand-in reached nothing" grep -qx 'reached 0' probe.out

# As libxl restricts an HVM guest's qemu: the same, then a uid of its own (xen-qemuuser-range-base + domid,
# passed as UID:GID; no such user here, so a free uid in that form). All of it must fail as well.
if [ -z "$RUNAS" ]; then
	check "with -runas too, the stand-in reaches nothing" probe "${args[@]}" -runas "$((131072 + d)):$((131072 + d))"
	check "it ran as that uid" grep -q "^restricted uid $((131072 + d)) " probe.out
	for t in privcmd gntdev evtchn xenbus xenstore-socket; do
		check "as that uid, $t does not open again" grep -q "^after $t errno " probe.out
	done
	check "as that uid, no device node" grep -q '^node mknod errno ' probe.out
	check "as that uid, no way out of the chroot" grep -q '^escape mkdir errno ' probe.out
fi

check "xl destroy k7" xl destroy k7
dm_gone_after_destroy k7 "$q"
