#!/bin/bash
# Scenario: two PV guests' qdisk qemus start through svirt-interpose (device_model_override) with dm_restrict=1,
# each in its own guest's label, the pair of its disk, its QMP sockets at that pair; argv/env/fds pass unchanged.
set -euo pipefail
. "$VM_LIB"

IP=$(interposer)
running svirtd || fail "svirtd is not running in dom0"
CONF=$INTERPOSE_CONF
QEMU=/usr/libexec/xen-qemu-system-i386
interpose_conf_save
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
wait_until 300 "k1 writes data/ready=1" guest_ready "$d1"
wait_until 300 "k2 writes data/ready=1" guest_ready "$d2"

# What `ps -eZ` shows (busybox's ps has no label column): label, pid, argv.
check_qemu_of_guest k1 "$d1"
check_qemu_of_guest k2 "$d2"
ctx1=$(context_of_pid "$(dm_pid "$d1")")
ctx2=$(context_of_pid "$(dm_pid "$d2")")
refute "k1's and k2's qemus share a pair" test "${ctx1##*:}" = "${ctx2##*:}"

# The QMP sockets libxl has qemu create (libxl's own and libxenstat's) carry the pair.
for s in /var/run/xen/qmp-libxl-"$d1" /var/run/xen/qmp-libxenstat-"$d1"; do
	[ -S "$s" ] || continue
	ls -Z "$s"
	check_eq "$s is at k1's pair" "${ctx1##*:}" "$(label_of "$s" | sed 's/.*://')"
done
check "k1's QMP socket exists" test -S "/var/run/xen/qmp-libxl-$d1"

# A stand-in qemu through the same interposer, for live domain k1: its argv
# (after argv[0], which a script cannot see), environment and fds arrive unchanged.
cat >standin <<'SH'
#!/bin/bash
{ printf 'arg %s\n' "$@"; env | sort | sed 's/^/env /'; ls /proc/$$/fd | sort -n | sed 's/^/fd /'
  printf 'context %s\n' "$(tr -d '\0' </proc/$$/attr/current)"; } >standin.report
SH
chmod 0755 standin
printf 'qemu = "%s"\n' "$PWD/standin" >"$CONF"
(exec 7</dev/null; env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin ODD='a b' "$IP" \
	-xen-domid "$d1" -name -xen-domid-restrict -xen-domid-restrict -nodefaults)
cat standin.report
check_eq "the stand-in got argv unchanged" "-xen-domid $d1 -name -xen-domid-restrict -xen-domid-restrict -nodefaults" \
	"$(sed -n 's/^arg //p' standin.report | tr '\n' ' ' | sed 's/ $//')"
check "the stand-in got the environment unchanged" grep -qx 'env ODD=a b' standin.report
check "the stand-in inherited fd 7" grep -qx 'fd 7' standin.report
check_eq "the stand-in runs in k1's label" "context $ctx1" "$(grep '^context' standin.report)"
rm -f standin.report
refute "a stand-in without -xen-domid-restrict is started" "$IP" -xen-domid "$d1" -nodefaults
check "... and it did not run" test ! -e standin.report

# A device model in k2's label tries k2's and k1's QMP sockets, with qemu
# itself as the client: connected, it runs until the timeout (124); refused,
# it exits at once saying why.
cat >probe <<SH
#!/bin/bash
timeout 10 $QEMU -M none -display none -nodefaults -S \\
	-chardev socket,id=p,path="\$QMP" -mon chardev=p,mode=control >probe.out 2>&1
echo \$? >probe.rc
SH
chmod 0755 probe
printf 'require_dm_restrict = 0\nqemu = "%s"\n' "$PWD/probe" >"$CONF"
QMP=/var/run/xen/qmp-libxl-$d2 "$IP" -xen-domid "$d2"
check_eq "k2's device model reaches k2's own QMP socket" 124 "$(cat probe.rc)"
QMP=/var/run/xen/qmp-libxl-$d1 "$IP" -xen-domid "$d2"
cat probe.out
check "k2's device model cannot reach k1's QMP socket" grep -q 'Permission denied' probe.out

# Start latency (a figure, not a check): a trivial program directly, then
# through the interposer with its real round trip to svirtd for live domain k1.
# tests/bench/bench_interpose measures the same on the build machine.
printf '#!/bin/sh\nexit 0\n' >trivial
chmod 0755 trivial
printf 'require_dm_restrict = 0\nqemu = "%s"\n' "$PWD/trivial" >"$CONF"
n=200
t0=${EPOCHREALTIME/./}
for ((i = 0; i < n; i++)); do ./trivial -xen-domid "$d1"; done
t1=${EPOCHREALTIME/./}
for ((i = 0; i < n; i++)); do "$IP" -xen-domid "$d1" || fail "through svirt-interpose"; done
t2=${EPOCHREALTIME/./}
echo "mean start over $n: direct $(((t1 - t0) / n)) us, through svirt-interpose $(((t2 - t1) / n)) us"

q1=$(dm_pid "$d1")
check "xl destroy k1" xl destroy k1
check "xl destroy k2" xl destroy k2
wait_until 30 "k1's qemu is gone" not test -d "/proc/$q1"

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
