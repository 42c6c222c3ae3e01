#!/bin/bash
# Scenario: svirt-interpose installed in place of libxl's compiled-in qemu (the divert install, real
# qemu moved to .real): a guest with no override at all still gets its qemu in its own label.
set -euo pipefail
. "$VM_LIB"

IP=$(interposer)
running svirtd || fail "svirtd is not running in dom0"
QEMU=/usr/libexec/xen-qemu-system-i386
[ -x "$QEMU" ] && [ ! -e "$QEMU.real" ] || fail "$QEMU is not the plain qemu this host ships"
interpose_conf_save
# qemu looks into the directory xl ran from (this scenario's scratch directory,
# user_tmp_t): a device model has no business there, and the policy refuses it.
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir'
undo() {
	xl destroy k3 2>/dev/null || true
	[ ! -e "$QEMU.real" ] || mv -f "$QEMU.real" "$QEMU"
	interpose_conf_restore
}
trap undo EXIT

# As dpkg-divert --rename would, then the interposer at qemu's path.
mv "$QEMU" "$QEMU.real"
cp "$IP" "$QEMU"
# No qemu key: the interposer finds itself at the compiled-in path and uses .real.
printf 'wait = 120\n' >"$INTERPOSE_CONF"

qdisk_guest_config k3 63 >k3.cfg
check "k3's config names no device model" not grep -q device_model k3.cfg
check "xl create k3" timed xl create k3.cfg
d=$(domid_of k3)
# No wait for data/ready: a dm_restrict qemu serves no PV disk (60 says why).
check_qemu_of_guest k3 "$d"
q=$(dm_pid "$d")
check_eq "the process is the real qemu, moved aside" "$QEMU.real" "$(readlink "/proc/$q/exe")"
check "xl destroy k3" xl destroy k3

# dom0's own qdisk backend, started as Debian's xen-qemu-dom0-disk-backend
# service starts it (-xen-domid 0, no -xen-domid-restrict): under the divert
# install it must keep working, unchanged, in dom0's label, with a notice.
DOM0_PID=/run/xen/qemu-dom0-svirt-test.pid
# Nothing here may stop the cleanup half-way (set -e holds in the trap too): a
# failed rm once left qemu moved aside, and every later scenario without one.
dom0_undo() {
	local q i
	if [ -s "$DOM0_PID" ] && q=$(cat "$DOM0_PID" 2>/dev/null); then
		kill "$q" 2>/dev/null || true
		# qemu removes its pid file as it ends: busybox's rm -f fails when
		# the file goes between its look and its unlink.
		for ((i = 0; i < 50; i++)); do
			kill -0 "$q" 2>/dev/null || break
			sleep 0.1
		done
	fi
	rm -f "$DOM0_PID" 2>/dev/null || true
	undo
}
trap dom0_undo EXIT
mkdir -p /run/xen
check "dom0's qdisk backend starts through the interposer" \
	"$QEMU" -xen-domid 0 -xen-attach -name dom0 -nographic -M xenpv -daemonize \
	-monitor /dev/null -serial /dev/null -parallel /dev/null \
	-nodefaults -no-user-config -pidfile "$DOM0_PID" 2>dom0-qemu.err
cat dom0-qemu.err
check "the interposer says it let dom0's qemu through" \
	grep -q "notice: domain 0: dom0's own qemu" dom0-qemu.err
q=$(cat "$DOM0_PID")
check "dom0's qemu is running" kill -0 "$q"
check_eq "dom0's qemu is the real qemu, moved aside" "$QEMU.real" "$(readlink "/proc/$q/exe")"
ctx=$(context_of_pid "$q")
mine=$(context_of_pid $$)
check_eq "dom0's qemu runs in the label of whoever started it" "$mine" "$ctx"
case $ctx in *svirt_xen_t*) fail "dom0's qemu runs in a guest's label: $ctx" ;; esac
