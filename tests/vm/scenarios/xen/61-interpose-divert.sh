#!/bin/bash
# Scenario: svirt-interpose installed in place of libxl's compiled-in qemu (the divert install, real
# qemu moved to .real): a guest with no override at all still gets its qemu in its own label.
set -euo pipefail
. "$VM_LIB"

IP=/usr/libexec/svirt-xen/svirt-interpose
for f in "$IP" /vm/job/*/svirt-interpose; do [ -x "$f" ] && IP=$f && break; done
[ -x "$IP" ] || skip "svirt-interpose is not installed"
running svirtd || fail "svirtd is not running in dom0"
QEMU=/usr/libexec/xen-qemu-system-i386
CONF=/etc/svirt/interpose.conf
# qemu looks into the directory xl ran from (this scenario's scratch directory,
# user_tmp_t): a device model has no business there, and the policy refuses it.
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir'
[ -x "$QEMU" ] && [ ! -e "$QEMU.real" ] || fail "$QEMU is not the plain qemu this host ships"
[ ! -e "$CONF" ] || cp "$CONF" "$CONF.orig"
undo() {
	xl destroy k3 2>/dev/null || true
	[ ! -e "$QEMU.real" ] || mv -f "$QEMU.real" "$QEMU"
	rm -f "$CONF"
	[ ! -e "$CONF.orig" ] || mv "$CONF.orig" "$CONF"
}
trap undo EXIT
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

# As dpkg-divert --rename would, then the interposer at qemu's path.
mv "$QEMU" "$QEMU.real"
cp "$IP" "$QEMU"
# No qemu key: the interposer finds itself at the compiled-in path and uses .real.
printf 'require_dm_restrict = 0\nwait = 120\n' >"$CONF"

truncate -s 64M "$IMAGES/k3.img"
guest_config k3 10.77.0.63 \
	"format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/k3.img" >k3.cfg
check "k3's config names no device model" not grep -q device_model k3.cfg
check "xl create k3" timed xl create k3.cfg
d=$(domid_of k3)
wait_until 300 "k3 writes data/ready=1" guest_ready "$d"
q=$(dm_pid "$d") || fail "no qemu for k3"
ctx=$(tr -d '\0' <"/proc/$q/attr/current")
echo "$ctx $q $(readlink "/proc/$q/exe") $(tr '\0' ' ' <"/proc/$q/cmdline" | cut -c 1-120)"
check_eq "k3's qemu runs in svirtd's label for k3" "$(svirt_node "$d" label)" "$ctx"
check_eq "k3's qemu has the pair of k3's disk" "${ctx##*:}" "$(label_of "$IMAGES/k3.img" | sed 's/.*://')"
check_eq "the process is the real qemu, moved aside" "$QEMU.real" "$(readlink "/proc/$q/exe")"
check "xl destroy k3" xl destroy k3
