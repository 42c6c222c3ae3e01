#!/bin/bash
# Scenario: two PV guests' qdisk qemus start through svirt-interpose (device_model_override), each in
# its own guest's label, the pair of its disk; a stand-in shows argv/env/fds pass unchanged; no svirtd, no qemu.
set -euo pipefail
. "$VM_LIB"

# Installed by `make install` once interpose.mk is in the build; a job may bring its own.
IP=/usr/libexec/svirt-xen/svirt-interpose
for f in "$IP" /vm/job/*/svirt-interpose; do [ -x "$f" ] && IP=$f && break; done
[ -x "$IP" ] || skip "svirt-interpose is not installed"
running svirtd || fail "svirtd is not running in dom0"
CONF=/etc/svirt/interpose.conf
# qemu looks into the directory xl ran from (this scenario's scratch directory,
# user_tmp_t): a device model has no business there, and the policy refuses it.
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir'
restore_conf() { rm -f "$CONF"; [ ! -e "$CONF.orig" ] || mv "$CONF.orig" "$CONF"; }
[ ! -e "$CONF" ] || cp "$CONF" "$CONF.orig"
trap 'restore_conf; xl destroy k1 2>/dev/null || true; xl destroy k2 2>/dev/null || true' EXIT
# dm_restrict=1 needs the xen-qemuuser-* users, which this dom0 has not; so the
# interposer here allows qemu without -xen-domid-restrict (tests cover the refusal).
printf 'require_dm_restrict = 0\nwait = 120\n' >"$CONF"

# dm_pid D: the pid of the qemu with "-xen-domid D" in its argv.
dm_pid() {
	local p args i
	for p in /proc/[0-9]*; do
		mapfile -d '' args <"$p/cmdline" 2>/dev/null || continue
		for ((i = 0; i + 1 < ${#args[@]}; i++)); do
			[ "${args[i]}" = -xen-domid ] && [ "${args[i + 1]}" = "$1" ] &&
				{ echo "${p#/proc/}"; return 0; }
		done
	done
	return 1
}
context_of_pid() { tr -d '\0' <"/proc/$1/attr/current"; }

for g in k1 k2; do
	truncate -s 64M "$IMAGES/$g.img"
	guest_config "$g" "10.77.0.$((60 + ${g#k}))" \
		"format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/$g.img" >"$g.cfg"
	printf 'device_model_version = "qemu-xen"\ndevice_model_override = "%s"\n' "$IP" >>"$g.cfg"
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

q1=$(dm_pid "$d1") || fail "no qemu for k1"
q2=$(dm_pid "$d2") || fail "no qemu for k2"
# What `ps -eZ` shows (busybox's ps has no label column): label, pid, argv.
for q in "$q1" "$q2"; do
	echo "$(context_of_pid "$q") $q $(tr '\0' ' ' <"/proc/$q/cmdline" | cut -c 1-160)"
done
ctx1=$(context_of_pid "$q1")
ctx2=$(context_of_pid "$q2")
check_eq "libxl honours device_model_override for the PV qdisk qemu: k1's qemu runs in svirtd's label" \
	"$(svirt_node "$d1" label)" "$ctx1"
check_eq "k2's qemu runs in svirtd's label for k2" "$(svirt_node "$d2" label)" "$ctx2"
case $ctx1 in system_u:system_r:svirt_xen_t:s0:c*,c*) ;; *) fail "k1's qemu runs in $ctx1" ;; esac
check_eq "k1's qemu has the pair of k1's disk" "${ctx1##*:}" "$(label_of "$IMAGES/k1.img" | sed 's/.*://')"
check_eq "k2's qemu has the pair of k2's disk" "${ctx2##*:}" "$(label_of "$IMAGES/k2.img" | sed 's/.*://')"
refute "k1's and k2's qemus share a pair" test "${ctx1##*:}" = "${ctx2##*:}"

# A stand-in qemu through the same interposer, for live domain k1: its argv
# (after argv[0], which a script cannot see), environment and fds arrive unchanged.
# It is a stand-in of lib.sh's standin_install: builtins only, reporting on stdout,
# a pipe made at xl's level.
standin=$(standin_install standin60 <<'SH'
printf 'arg %s\n' "$@"
while IFS= read -r -d '' e; do printf 'env %s\n' "$e"; done </proc/$$/environ
for f in /proc/$$/fd/*; do printf 'fd %s\n' "${f##*/}"; done
read -r -d '' ctx </proc/$$/attr/current
printf 'context %s\n' "$ctx"
SH
)
printf 'require_dm_restrict = 1\nqemu = "%s"\n' "$standin" >"$CONF"
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
check "... and it did not run" test ! -e standin.report

# Start latency (a figure, not a check): a trivial program directly, then
# through the interposer with its real round trip to svirtd for live domain k1.
trivial=$(standin_install trivial60 <<<'exit 0')
printf 'require_dm_restrict = 0\nqemu = "%s"\n' "$trivial" >"$CONF"
n=200
t0=${EPOCHREALTIME/./}
(cd / && as_toolstack env -i HOME=/ SHELL=/bin/sh bash -c 'for ((i = 0; i < $1; i++)); do "$0" -xen-domid "$2"; done' \
	"$trivial" "$n" "$d1")
t1=${EPOCHREALTIME/./}
(cd / && as_toolstack env -i HOME=/ SHELL=/bin/sh bash -c \
	'for ((i = 0; i < $1; i++)); do "$0" -xen-domid "$2" || exit 1; done' "$IP" "$n" "$d1") ||
	fail "through svirt-interpose"
t2=${EPOCHREALTIME/./}
echo "mean start over $n: direct $(((t1 - t0) / n)) us, through svirt-interpose $(((t2 - t1) / n)) us"

check "xl destroy k1" xl destroy k1
check "xl destroy k2" xl destroy k2
wait_until 30 "k1's qemu is gone" not test -d "/proc/$q1"

# svirtd unreachable: the create fails, the reason is in the device-model log, no qemu runs.
printf 'require_dm_restrict = 0\nsocket = "/run/svirt/no-svirtd.sock"\n' >"$CONF"
refute "xl create k1 with svirtd unreachable" xl create k1.cfg
log=$(ls -t /var/log/xen/qemu-dm-k1.log* | head -n 1)
check "the device-model log says why" grep -q 'svirt-interpose: refusing to start qemu: domain [0-9]*: no label from svirtd' "$log"
grep 'svirt-interpose' "$log" | tail -n 1
check "no domain k1 is left" not xl domid k1
