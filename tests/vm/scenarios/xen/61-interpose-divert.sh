#!/bin/bash
# Scenario: svirt-interpose installed in place of libxl's compiled-in qemu (the divert install: svirt-divert,
# real qemu moved to .real) survives `restorecon -R`: a guest with no override at all still gets its qemu in
# its own label and boots with its disk; svirt-divert remove puts qemu back with qemu's label.
set -euo pipefail
. "$VM_LIB"

IP=$(interposer)
DIVERT=/usr/sbin/svirt-divert
need_installed "$DIVERT"
running svirtd || fail "svirtd is not running in dom0"
QEMU=$QEMU_DM
[ -f "$QEMU" ] && [ ! -L "$QEMU" ] && [ -x "$QEMU" ] && [ ! -e "$QEMU.real" ] ||
	fail "$QEMU is not the plain qemu this host ships"
interpose_conf_save
# qemu looks into the directory xl ran from (this scenario's scratch directory,
# user_tmp_t): a device model has no business there, and the policy refuses it.
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir'
# On xl destroy's SIGTERM qemu names the sender from its /proc entry, which a
# device model may not read.
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:unconfined_r:unconfined_t:s0 tclass=dir'
# Nothing here may stop the cleanup half-way (set -e holds in the trap too): a
# qemu left moved aside fails every later scenario.
undo() {
	xl destroy k3 2>/dev/null || true
	xl destroy k4 2>/dev/null || true
	rm -f "$IMAGES/k4.img" 2>/dev/null || true
	qemu_undivert
	interpose_conf_restore
}
trap undo EXIT

type_of() { stat -L -c %C "$1" | cut -d: -f3; }
check_eq "the plain qemu is qemu_exec_t" qemu_exec_t "$(type_of "$QEMU")"

# The first divert recipe copied the interposer over qemu: a relabel gives the
# copy qemu's label, and the toolstack's exec of it then becomes qemu_t, which
# may not reach svirtd. svirt-divert add turns such a copy into its symlink.
mv "$QEMU" "$QEMU.real"
cp "$IP" "$QEMU"
restorecon "$QEMU"
check_eq "a copy of the interposer at qemu's path is relabelled qemu_exec_t" qemu_exec_t "$(type_of "$QEMU")"
check "svirt-divert add replaces the copy" "$DIVERT" add
check_eq "$QEMU is a symlink to the interposer" "$IP" "$(readlink "$QEMU")"
check "svirt-divert remove" "$DIVERT" remove
check "the real qemu is back at $QEMU, a file" test -f "$QEMU" -a ! -L "$QEMU" -a ! -e "$QEMU.real"
check_eq "and it is qemu_exec_t" qemu_exec_t "$(type_of "$QEMU")"
refute "svirt-divert remove with nothing diverted" "$DIVERT" remove

# The divert install proper, from the plain qemu, then a relabel of all of it.
check "svirt-divert add" "$DIVERT" add
check_eq "$QEMU is a symlink to the interposer" "$IP" "$(readlink "$QEMU")"
check "svirt-divert add again changes nothing" "$DIVERT" add
check "restorecon -R /usr/libexec" restorecon -R /usr/libexec
check_eq "after restorecon, $QEMU execs svirt_interpose_exec_t" svirt_interpose_exec_t "$(type_of "$QEMU")"
check_eq "after restorecon, $QEMU.real is qemu_exec_t" qemu_exec_t "$(type_of "$QEMU.real")"
echo "labels: $(ls -Zd "$QEMU" "$QEMU.real" "$IP" | tr '\n' ' ')"
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
dm_gone_after_destroy k3 "$q"

# The guest's side: without dm_restrict its qemu serves its qdisk (62 says why
# not with it), and the guest boots with that disk.
printf 'require_dm_restrict = 0\nwait = 120\n' >"$INTERPOSE_CONF"
truncate -s 64M "$IMAGES/k4.img"
guest_config k4 10.77.0.64 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/k4.img" >k4.cfg
check "k4's config names no device model" not grep -q device_model k4.cfg
check "xl create k4" timed xl create -q k4.cfg
d=$(domid_of k4)
wait_until 300 "k4 boots (data/ready)" guest_ready "$d"
check_qdisk_served k4 "$d"
check_eq "k4's qemu is the real qemu, moved aside" "$QEMU.real" "$(readlink "/proc/$q/exe")"
check "xl destroy k4" xl destroy k4
dm_gone_after_destroy k4 "$q"
rm -f "$IMAGES/k4.img"

# dom0's own qdisk backend, started as Debian's xen-qemu-dom0-disk-backend
# service starts it (-xen-domid 0, no -xen-domid-restrict): under the divert
# install it must keep working, unchanged, in dom0's label, with a notice.
DOM0_PID=/run/xen/qemu-dom0-svirt-test.pid
# Nothing here may stop the cleanup half-way (set -e holds in the trap too): a
# failed rm once left qemu moved aside, and every later scenario without one.
stop_dom0_qemu() {
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
}
dom0_undo() {
	stop_dom0_qemu
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
stop_dom0_qemu

# The undo: qemu back at its path, a file with qemu's label, nothing left over.
check "svirt-divert remove" "$DIVERT" remove
check "the real qemu is back at $QEMU, a file" test -f "$QEMU" -a ! -L "$QEMU" -a ! -e "$QEMU.real"
check_eq "and it is qemu_exec_t" qemu_exec_t "$(type_of "$QEMU")"
