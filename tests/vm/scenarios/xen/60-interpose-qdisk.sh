#!/bin/bash
# Scenario: two PV guests' qdisk qemus start through svirt-interpose (device_model_override) with dm_restrict=1,
# each in its own guest's label, the pair of its disk, its QMP sockets handed to it; argv/env/fds pass unchanged.
set -euo pipefail
. "$VM_LIB"

IP=$(interposer)
running svirtd || fail "svirtd is not running in dom0"
CONF=$INTERPOSE_CONF
QEMU=/usr/libexec/xen-qemu-system-i386
interpose_conf_save
# qemu looks into the directory xl ran from (this scenario's scratch directory,
# user_tmp_t): a device model has no business there, and the policy refuses it.
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir'
trap 'interpose_conf_restore; xl destroy k1 2>/dev/null || true; xl destroy k2 2>/dev/null || true' EXIT
# The defaults (require_dm_restrict = 1) but a longer wait: TCG is slow.
printf 'wait = 120\n' >"$CONF"

for g in k1 k2; do
	{ qdisk_guest_config "$g" "$((60 + ${g#k}))"
	  printf 'device_model_version = "qemu-xen"\ndevice_model_override = "%s"\n' "$IP"; } >"$g.cfg"
done
timed xl create k1.cfg >k1.out 2>&1 &
p1=$!
timed xl create k2.cfg >k2.out 2>&1 &
p2=$!
c1=0; c2=0
wait "$p1" || c1=$?
wait "$p2" || c2=$?
cat k1.out k2.out
[ "$c1" = 0 ] && [ "$c2" = 0 ] || { tail -n 5 /var/log/xen/qemu-dm-k*.log; fail "xl create through the interposer"; }
d1=$(domid_of k1)
d2=$(domid_of k2)
# No wait for data/ready: under dm_restrict (Xen 4.17, QEMU 7.2) a PV guest's
# qemu serves no PV backend (its xenstore connections become /dev/null once the
# machine is built, and -chroot hides the image), so the guests' blkfront
# would wait out its 270 s for nothing. 62-interpose-qdisk-boot-time boots a
# qdisk guest through the interposer without it; what is checked here is qemu.
echo "k1's qdisk backend state: $(xenstore-read "/local/domain/0/backend/qdisk/$d1/51712/state" 2>/dev/null || echo none)" \
	"(4 is connected; 1 is what a dm_restrict qemu leaves it at)"

# What `ps -eZ` shows (busybox's ps has no label column): label, pid, argv.
check_qemu_of_guest k1 "$d1"
check_qemu_of_guest k2 "$d2"
ctx1=$(context_of_pid "$(dm_pid "$d1")")
ctx2=$(context_of_pid "$(dm_pid "$d2")")
refute "k1's and k2's qemus share a pair" test "${ctx1##*:}" = "${ctx2##*:}"

# QMP: with dm_restrict=1 libxl opens its own QMP socket (qmp-libxl-D, at
# xl's label) and passes qemu the descriptor; svirt-interpose does the same
# for the one qemu would make itself (qmp-libxenstat-D): a device model makes
# no name in /run/xen (63-names-in-shared-dirs).
ls -Z /var/run/xen/qmp-*
for g in 1 2; do
	d=$(eval echo "\$d$g")
	check "k$g's qemu was handed libxl's QMP socket" \
		grep -q 'socket,id=libxl-cmd,fd=' < <(tr '\0' '\n' <"/proc/$(dm_pid "$d")/cmdline")
	check "k$g's qemu was handed svirt-interpose's libxenstat socket" \
		grep -q 'socket,id=libxenstat-cmd,fd=' < <(tr '\0' '\n' <"/proc/$(dm_pid "$d")/cmdline")
	l=$(label_of "/var/run/xen/qmp-libxenstat-$d")
	check_eq "k$g's qmp-libxenstat socket was made at xl's level" s0 "${l##*:}"
done

# A stand-in qemu through the same interposer, for live domain k1: its argv
# (after argv[0], which a script cannot see), environment and fds arrive unchanged.
# It enters the device-model domain as qemu does (lib.sh's standin_install): builtins
# only, reporting on stdout, a pipe made at xl's level (as_toolstack).
standin=$(standin_install standin60 <<'SH'
printf 'arg %s\n' "$@"
while IFS= read -r -d '' e; do printf 'env %s\n' "$e"; done </proc/$$/environ
for f in /proc/$$/fd/*; do printf 'fd %s\n' "${f##*/}"; done
read -r -d '' ctx </proc/$$/attr/current
printf 'context %s\n' "$ctx"
SH
)
printf 'qemu = "%s"\n' "$standin" >"$CONF"
(cd / && as_toolstack bash -c 'exec 7</dev/null; env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ SHELL=/bin/sh \
	ODD="a b" "$0" -xen-domid "$1" -name -xen-domid-restrict -xen-domid-restrict -nodefaults' "$IP" "$d1") >standin.report
cat standin.report
check_eq "the stand-in got argv unchanged" "-xen-domid $d1 -name -xen-domid-restrict -xen-domid-restrict -nodefaults" \
	"$(sed -n 's/^arg //p' standin.report | tr '\n' ' ' | sed 's/ $//')"
check "the stand-in got the environment unchanged" grep -qx 'env ODD=a b' standin.report
check "the stand-in inherited fd 7" grep -qx 'fd 7' standin.report
check_eq "the stand-in runs in k1's label" "context $ctx1" "$(grep '^context' standin.report)"
rm -f standin.report
refute "a stand-in without -xen-domid-restrict is started" as_toolstack "$IP" -xen-domid "$d1" -nodefaults

# A device model in k2's label tries k2's and k1's QMP sockets, with qemu
# itself as the client: connected, it would run until the timeout (124);
# refused, it exits at once saying why. Both are the toolstack's: a device
# model serves its QMP sockets through the descriptors it was handed and
# connects to none by name, its own guest's included.
# The interposer execs qemu itself (the only way into the domain), at xl's level.
# This qemu has only the xen accelerator listed; the hidden qtest one runs a bare -M none.
printf 'require_dm_restrict = 0\nqemu = "%s"\n' "$QEMU" >"$CONF"
# On timeout's SIGTERM qemu names the sender from its /proc entry, which a
# device model may not read.
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:unconfined_r:unconfined_t:s0 tclass=dir'
qmp_probe() {
	(cd / && as_toolstack timeout 10 "$IP" -xen-domid "$d2" -M none -accel qtest -display none -nodefaults -S \
		-chardev "socket,id=p,path=$1" -mon chardev=p,mode=control)
}
for g in 2 1; do
	rc=0
	qmp_probe "/var/run/xen/qmp-libxenstat-$(eval echo "\$d$g")" >probe.out || rc=$?
	cat probe.out
	check "k2's device model cannot reach k$g's QMP socket" grep -q 'Permission denied' probe.out
done
check_avc "the kernel refused it: k2's device model against the toolstack's sockets" \
	"denied  \\{[^}]*\\} for .*name=\"qmp-libxenstat-[0-9]+\" .*scontext=$ctx2 tcontext=[^ ]*:xend_runtime_t:s0 tclass=sock_file"

# Start latency (a figure, not a check): a trivial program directly, then
# through the interposer with its real round trip to svirtd for live domain k1.
# tests/bench/bench_interpose measures the same on the build machine.
trivial=$(standin_install trivial60 <<<'exit 0')
printf 'require_dm_restrict = 0\nqemu = "%s"\n' "$trivial" >"$CONF"
n=50
t0=${EPOCHREALTIME/./}
(cd / && as_toolstack env -i HOME=/ SHELL=/bin/sh bash -c 'for ((i = 0; i < $1; i++)); do "$0" -xen-domid "$2"; done' \
	"$trivial" "$n" "$d1")
t1=${EPOCHREALTIME/./}
(cd / && as_toolstack env -i HOME=/ SHELL=/bin/sh bash -c \
	'for ((i = 0; i < $1; i++)); do "$0" -xen-domid "$2" || exit 1; done' "$IP" "$n" "$d1") ||
	fail "through svirt-interpose"
t2=${EPOCHREALTIME/./}
echo "mean start over $n: direct $(((t1 - t0) / n)) us, through svirt-interpose $(((t2 - t1) / n)) us"

q1=$(dm_pid "$d1")
echo "k1's qemu: pid $q1; libxl recorded $(xenstore-read "/local/domain/$d1/image/device-model-pid" 2>/dev/null || echo none)"
check "xl destroy k1" bash -c 'xl -vvv destroy k1 >xl-destroy.log 2>&1'
grep -iE 'device model|kill|qdisk|reaper|signal' xl-destroy.log | sed 's/^/  xl | /' || true
check "xl destroy k2" xl destroy k2
# libxl 4.17 leaves a dm_restrict PV guest's qemu running (its reaper kills by a
# uid this qemu never took): svirtd ends it before freeing the pair.
dm_gone_after_destroy k1 "$q1"
check "svirtd ended k1's leftover qemu and said so" grep -q "killed leftover device model pid $q1 " $LOG

# svirtd unreachable: the create fails, the reason is in the device-model log, no qemu runs.
printf 'socket = "/run/svirt/no-svirtd.sock"\n' >"$CONF"
refute "xl create k1 with svirtd unreachable" xl create k1.cfg
log=$(ls -t /var/log/xen/qemu-dm-k1.log* | head -n 1)
check "the device-model log says why" grep -q 'svirt-interpose: refusing to start qemu: domain [0-9]*: no label from svirtd' "$log"
grep 'svirt-interpose' "$log" | tail -n 1
check "no domain k1 is left" not xl domid k1

# dm_restrict=0 with the default config: refused, and the log names the xl option.
sed -i '/^dm_restrict/d' k1.cfg
printf 'wait = 120\n' >"$CONF"
refute "xl create k1 without dm_restrict" xl create k1.cfg
log=$(ls -t /var/log/xen/qemu-dm-k1.log* | head -n 1)
check "the device-model log names dm_restrict=1" grep -q 'set dm_restrict=1 in the guest' "$log"
check "no domain k1 is left" not xl domid k1
