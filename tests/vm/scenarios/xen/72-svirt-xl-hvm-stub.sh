#!/bin/bash
# Scenario (issue 16 item 8): svirt-xl create of an HVM guest with device_model_stubdomain_override = 1, on a
# stand-in stub: libxl builds the stub domain (h72-dm, its own uuid, the guest's disk, "target" written by dom0)
# with the guest kit's kernel and initrd as stubdomain_kernel/ramdisk, and runs the stub's console qemu in dom0
# through the interposer. svirt-xl must find the stub (the guest's image/device-model-domid), and see svirtd hold
# it bound to the guest at the guest's pair before it unpauses the guest.
# What the stand-in cannot do, and how the scenario stands in for it: the kit runs no qemu, so (1) the
# "running" a stub's qemu writes to device-model/<guest>/state is written here by dom0, as soon as the stub
# exists (libxl gives a stub 30 s); (2) no QMP server answers in the stub, so libxl's unpause of the guest
# (QMP "cont" through vchan-socket-proxy) fails: svirt-xl then refuses, destroys guest and stub and releases
# the pair, which the scenario checks as the refusal path. The stub's console qemu in dom0 has no
# -xen-domid-restrict (libxl does not pass the guest's dm_restrict on to it), which svirt-interpose refuses by
# default: interpose.conf says require_dm_restrict = 0 here.
# libxl writes the stub's "target" after introducing it: svirtd first binds h72-dm as a guest, then (its watch on
# the target node) gives that pair back and binds it to h72 (the first Xen boot, before this, had it refused with
# EBUSY on the guest's loop device). The host has vchan-socket-proxy, libxl's QMP proxy for a Linux stub.
set -euo pipefail
. "$VM_LIB"

command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
need_installed /usr/lib/xen-4.17/boot/hvmloader "$GUEST_VMLINUX" "$GUEST_INITRD"
U=5b5c0d3e-7272-4a72-8a72-000000000001
interpose_conf_save
cleanup() {
	[ -z "${writer:-}" ] || kill "$writer" 2>/dev/null || true
	xl destroy h72 2>/dev/null || true
	xl destroy h72-dm 2>/dev/null || true
	[ -z "${loop:-}" ] || losetup -d "$loop" 2>/dev/null || true
	rm -f "$IMAGES/h72.img"
	interpose_conf_restore
}
trap cleanup EXIT
interpose_without_dm_restrict
# The stub's console qemu opens its consoles' files: the log and the save file libxl names for it.
# (/var/log itself included: the second Xen boot saw its search denied, at h72's pair.)
expect_avc 'denied  \{ [a-z_ ]+ \} for .*comm="xen-qemu-system" .*(name|path)="[^"]*(qemu-dm-h72[^"]*|qemu-save\.[0-9]+|xen|log)" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ .*tclass=(file|dir)'

truncate -s 16M "$IMAGES/h72.img"
orig=$(label_of "$IMAGES/h72.img")
loop=$(losetup -f --show "$IMAGES/h72.img")
cat >h72.cfg <<CFG
name = "h72"
type = "hvm"
uuid = "$U"
memory = 64
vcpus = 1
disk = [ 'phy:$loop,hda,w' ]
vnc = 0
device_model_stubdomain_override = 1
stubdomain_kernel = "$GUEST_VMLINUX"
stubdomain_ramdisk = "$GUEST_INITRD"
stubdomain_memory = 128
on_crash = "preserve"
CFG
# qmp_proxy_pid G: the vchan-socket-proxy libxl started in dom0 for guest G's stub (its QMP socket qmp-libxl-G).
qmp_proxy_pid() {
	local p args
	for p in /proc/[0-9]*; do
		mapfile -d '' args <"$p/cmdline" 2>/dev/null || continue
		[[ ${args[0]:-} == *vchan-socket-proxy && " ${args[*]} " == *"/qmp-libxl-$1 "* ]] &&
			{ echo "${p#/proc/}"; return 0; }
	done
	return 1
}
# dom0 plays the stub's qemu saying "running", once libxl has made the stub. Then, once svirtd bound the stub
# to the guest and xl create has returned (svirt-xl removes the config it derived for xl), svirt-xl is on its
# way to the unpause: dom0 ends the stub's QMP proxy. No QMP server will ever answer in the stand-in, and the
# proxy would hold libxl's "cont" until libxl's 60 s QMP timeout; without it the unpause fails at once, on the
# same path.
(
	for ((i = 0; i < 240; i++)); do
		if s=$(xl domid h72-dm 2>/dev/null) && g=$(xl domid h72 2>/dev/null); then
			xenstore-write "/local/domain/$s/device-model/$g/state" running && break
		fi
		sleep 0.25
	done
	[ -n "${g:-}" ] || exit 0
	for ((i = 0; i < 480; i++)); do
		if grep -q "domain $s (h72-dm): uuid .*: stub domain of domain $g (h72)" "$LOG" &&
			[ ! -e "/run/svirt/xl/$U.cfg" ] && p=$(qmp_proxy_pid "$g"); then
			echo "    (the stub's QMP proxy, pid $p, ended by the stand-in after $((i / 4)) s)"
			kill "$p"
			exit 0
		fi
		sleep 0.25
	done
) &
writer=$!
rc=0
timed svirt-xl create h72.cfg >create.out 2>&1 || rc=$?
cat create.out
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
writer=
xl list
tail -n 15 /var/log/xen/qemu-dm-h72.log 2>/dev/null | sed 's/^/    dm log | /' || true
grep -E 'h72' "$LOG" | tail -n 8 | sed 's/^/    svirtd | /' || true
line=$(grep -E '^svirt-xl: domain [0-9]+: stub device model domain [0-9]+ bound to it' create.out) ||
	fail "svirt-xl did not get as far as the stub domain's binding (exit status $rc)"
g=$(sed -E 's/^svirt-xl: domain ([0-9]+):.*/\1/' <<<"$line")
s=$(sed -E 's/.*stub device model domain ([0-9]+) bound.*/\1/' <<<"$line")
echo "    guest $g, stub $s"
check "svirtd logged h72-dm as h72's stub domain" \
	grep -q "domain $s (h72-dm): uuid .*: stub domain of domain $g (h72)" "$LOG"
check "svirt-xl create was refused at the unpause (no QMP server in the stand-in)" grep -q "domain $g: cannot unpause" create.out
check_eq "svirt-xl create exits 1" 1 "$rc"
check "it says it destroyed the guest" grep -q "destroyed domain $g" create.out
check "it says the reservation was released" grep -q "reservation for $U released" create.out
check "no domain h72 is left" not xl domid h72
check "no stub domain h72-dm is left" not xl domid h72-dm
no_dm() { ! dm_running "$g" && ! dm_running "$s"; }
wait_until 30 "no qemu of h72 or its stub is left" no_dm
restored() { [ "$(label_of "$IMAGES/h72.img")" = "$orig" ]; }
wait_until 60 "svirtd gave h72's disk its label back" restored
