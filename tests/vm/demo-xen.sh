#!/bin/bash
# tests/vm/demo-xen.sh: the narrated tour `make vm-demo` runs in the emulated Xen host's dom0.
# Creates two guests with plain xl create and reports what svirt-xen did to them; says plainly what is not there yet.
set -euo pipefail
. /vm/job/lib.sh

say() { printf '\n== %s\n' "$*"; }
show() { printf '   %s\n' "$@"; }

# The context a process runs in, from the kernel's own view.
proc_context() { tr -d '\0' <"/proc/$1/attr/current"; }

dm_pid() {
	local p args i
	for p in /proc/[0-9]*; do
		mapfile -d '' args <"$p/cmdline" 2>/dev/null || continue
		for ((i = 0; i + 1 < ${#args[@]}; i++)); do
			[ "${args[i]}" = -xen-domid ] && [ "${args[i + 1]}" = "$1" ] && { echo "${p#/proc/}"; return 0; }
		done
	done
	return 1
}

has_categories() { [[ $1 == *:s0:c* ]]; }

intro() {
	say "The host"
	show "$(xl info | awk '$1 == "xen_major" { M = $3 } $1 == "xen_minor" { m = $3 } END { print "Xen " M "." m " under QEMU" }'), dom0 $(uname -r)"
	show "dom0 SELinux: $(getenforce), MLS/MCS $( [ "$(cat /sys/fs/selinux/mls)" = 1 ] && echo on || echo off)"
	if [ -x /usr/sbin/svirtd ] && running svirtd; then
		show "svirtd is running (log /var/log/svirtd.log)"
	else
		show "svirtd is not installed yet: the guests below get no labels of their own"
	fi
}

create_guests() {
	say "Two guests, created with plain xl create"
	truncate -s 64M "$IMAGES/demo1.img" "$IMAGES/demo2.img"
	guest_config demo1 10.77.0.21 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/demo1.img" >demo1.cfg
	guest_config demo2 10.77.0.22 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/demo2.img" >demo2.cfg
	xl create -q demo1.cfg
	xl create -q demo2.cfg
	local g
	for g in demo1 demo2; do
		wait_until 300 "$g booted (data/ready=1)" guest_ready "$(domid_of "$g")" | sed 's/^ok: /   /'
	done
}

report_guest() {
	local g=$1 d pid
	d=$(domid_of "$g")
	say "$g (domain $d)"
	if wait_until 60 "svirtd labelled $g" svirt_labelled "$d" >/dev/null 2>&1; then
		show "svirtd:       pair $(svirt_node "$d" label | sed 's/.*:s0://'), state $(svirt_node "$d" state)"
		show "its label:    $(svirt_node "$d" label) (for its device model)"
	else
		show "svirtd:       no label published for domain $d"
	fi
	show "disk:         $(ls -Z "$IMAGES/$g.img")"
	if pid=$(dm_pid "$d"); then
		show "device model: qemu pid $pid in $(proc_context "$pid")"
	else
		show "device model: none found"
	fi
}

cross_guest_attempt() {
	local pid ctx target
	say "Can demo1's device model write demo2's disk?"
	pid=$(dm_pid "$(domid_of demo1)") || { show "no device model for demo1"; return 0; }
	ctx=$(proc_context "$pid")
	target=$IMAGES/demo2.img
	if ! has_categories "$ctx" && svirt_labelled "$(domid_of demo1)"; then
		show "demo1's qemu itself still runs in $ctx: svirt-interpose, which starts"
		show "it in its guest's label, is the next step. Trying with the label svirtd gave demo1:"
		ctx=$(svirt_node "$(domid_of demo1)" label)
		show "$ctx"
	fi
	if ! has_categories "$ctx" || ! has_categories "$(stat -c %C "$target")"; then
		show "not shown yet: demo1's qemu runs in $ctx and demo2's disk is $(stat -c %C "$target");"
		show "once svirtd labels them, each guest gets its own categories and this write is denied."
		return 0
	fi
	dmesg -c >/dev/null
	# A copy of dd labelled as qemu is, the device model's only entry point, run at xl's level.
	cp /bin/dd /tmp/dm-dd && chcon -t qemu_exec_t /tmp/dm-dd
	if runcon -l s0 bash -c 'set -o pipefail; "$@" 2>/dev/null | cat' bash runcon "$ctx" /tmp/dm-dd if=/dev/urandom \
		of="$target" bs=512 count=1 conv=notrunc; then
		show "ALLOWED: demo1's context wrote demo2's disk (this is a failure of isolation)"
	else
		show "denied, by the kernel:"
		dmesg | grep -m1 'avc:  denied' | sed 's/^.*avc:/   avc:/'
	fi
}

cleanup() {
	local d1 d2
	say "Destroying both guests"
	d1=$(domid_of demo1) || true
	d2=$(domid_of demo2) || true
	xl destroy demo1 || true
	xl destroy demo2 || true
	show "both guests destroyed"
	if [ -n "$d1" ] && [ -n "$d2" ] && running svirtd; then
		wait_until 60 "svirtd released demo1" xs_gone "/local/domain/0/svirt/$d1" >/dev/null 2>&1 || true
		wait_until 60 "svirtd released demo2" xs_gone "/local/domain/0/svirt/$d2" >/dev/null 2>&1 || true
		show "svirtd put the disks' original labels back:"
		show "$(ls -Z "$IMAGES/demo1.img")" "$(ls -Z "$IMAGES/demo2.img")"
	fi
	rm -f "$IMAGES/demo1.img" "$IMAGES/demo2.img"
}

main() {
	intro
	create_guests
	report_guest demo1
	report_guest demo2
	cross_guest_attempt
	cleanup
}

main
