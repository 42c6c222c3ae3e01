#!/bin/bash
# tests/vm/demo-xen.sh: the narrated tour `make vm-demo` runs in the emulated Xen host's dom0.
# Two guests started the documented way (device models through svirt-interpose), what each was given, what is refused:
# a cross-guest disk write, a cross-guest ping, crafted frames the IP hooks never see.
set -euo pipefail
. /vm/job/lib.sh

say() { printf '\n== %s\n' "$*"; }
show() { printf '   %s\n' "$@"; }
# A demo that cannot show what it claims stops and says so.
broken() {
	printf '\nDEMO FAILED: %s\n' "$*" >&2
	exit 1
}

GUESTS=(demo1 demo2)
declare -A IP=([demo1]=10.77.0.21 [demo2]=10.77.0.22) DOMID=()

intro() {
	say "The host"
	show "$(xl info | awk '$1 == "xen_major" { M = $3 } $1 == "xen_minor" { m = $3 } END { print "Xen " M "." m " under QEMU" }'), dom0 $(uname -r)"
	show "dom0 SELinux: $(getenforce), MLS/MCS $([ "$(cat /sys/fs/selinux/mls)" = 1 ] && echo on || echo off)"
	[ -x /usr/sbin/svirtd ] || broken "svirtd is not installed in dom0"
	running svirtd || broken "svirtd is not running in dom0"
	show "svirtd runs in $(context_of_pid "$(pidof svirtd | cut -d" " -f1)")"
	DM=$(interposer)
	show "device models start through $DM (device_model_override)"
	# A PV guest's qdisk: with dm_restrict qemu would serve no PV backend at all
	# (interpose/README.md, "PV guests"), so the guests run without it and the
	# interposer is told not to require it.
	interpose_conf_save
	printf 'require_dm_restrict = 0\n' >"$INTERPOSE_CONF"
	show "$INTERPOSE_CONF: require_dm_restrict = 0 (PV guests on qdisk disks: no dm_restrict)"
}

# Each guest: a qdisk disk image served by its own qemu, one vif on xenbr0; the
# config names the interposer as the README's "Starting qemu in the guest's label" says.
create_guests() {
	local g pids=() p
	say "Two guests, created with xl create"
	for g in "${GUESTS[@]}"; do
		truncate -s 64M "$IMAGES/$g.img"
		{ guest_config "$g" "${IP[$g]}" "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/$g.img"
		  printf 'device_model_version = "qemu-xen"\ndevice_model_override = "%s"\n' "$DM"; } >"$g.cfg"
		show "$g.cfg: $(grep -E '^(disk|device_model_override)' "$g.cfg" | tr '\n' ' ')"
		xl create -q "$g.cfg" >"$g.out" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || { cat ./*.out; broken "xl create failed"; }
	done
	for g in "${GUESTS[@]}"; do
		DOMID[$g]=$(domid_of "$g")
		wait_until 120 "svirtd labelled $g (domain ${DOMID[$g]})" svirt_labelled "${DOMID[$g]}" | sed 's/^ok: /   /'
	done
}

report_guest() {
	local g=$1 d=${DOMID[$1]} pid
	say "$g (domain $d)"
	show "svirtd gave it the pair $(svirt_node "$d" label | sed 's/.*:s0://')"
	show "its disk:          $(ls -Z "$IMAGES/$g.img")"
	pid=$(dm_pid "$d") || broken "$g has no device model"
	show "its device model:  $(context_of_pid "$pid") $pid $(readlink "/proc/$pid/exe")"
	[ "$(context_of_pid "$pid")" = "$(svirt_node "$d" label)" ] ||
		broken "$g's qemu does not run in $g's label"
}

# Each guest, from its own side: up, its disk served by its qemu, its network up.
wait_guests() {
	local g d
	say "The guests, from inside"
	for g in "${GUESTS[@]}"; do
		d=${DOMID[$g]}
		wait_until 120 "$g is up" guest_ready "$d" | sed 's/^ok: /   /'
		[ "$(xenstore-read "/local/domain/$d/data/disks")" = xvda ] ||
			broken "$g does not see its disk (it sees: $(xenstore-read "/local/domain/$d/data/disks"))"
		xs_is "/local/domain/$d/data/eth0" "${IP[$g]}/24" || broken "$g has no network"
		show "$g sees its disk xvda and has eth0 at ${IP[$g]}"
	done
}

# guest_ping DOMID ADDR: asks the guest to ping ADDR; succeeds when it got replies.
guest_ping() {
	local d=$1 want="$2 $RANDOM" i got
	xenstore-write "/local/domain/$d/data/ping" "$want"
	for ((i = 0; i < 30; i++)); do
		got=$(xenstore-read "/local/domain/$d/data/pong" 2>/dev/null || true)
		case $got in "$want ok") return 0 ;; "$want fail") return 1 ;; esac
		sleep 1
	done
	broken "domain $d never answered the ping request for $2"
}

# first_avc ERE: the kernel's first denial matching ERE since the mark, waited for
# (audit records reach the log a moment after the refusal).
first_avc() {
	local i line
	for ((i = 0; i < 10; i++)); do
		line=$(dmesg | grep 'avc:  denied' | grep -E -m1 "$1" || true)
		[ -z "$line" ] || { printf '   %s\n' "${line#*audit: }"; return 0; }
		sleep 1
	done
	return 1
}

cross_guest_disk() {
	local ctx target=$IMAGES/demo2.img
	say "demo1's device model tries to write demo2's disk"
	ctx=$(context_of_pid "$(dm_pid "${DOMID[demo1]}")")
	dmesg -C
	# A copy of dd entered the way qemu is entered (qemu_exec_t), at demo1's label.
	cp /bin/dd /tmp/dm-dd && chcon -t qemu_exec_t /tmp/dm-dd
	if runcon -l s0 bash -c 'set -o pipefail; "$@" 2>/dev/null | cat' bash runcon "$ctx" /tmp/dm-dd \
		if=/dev/zero of="$target" bs=512 count=1 conv=notrunc; then
		broken "demo1's label wrote demo2's disk"
	fi
	show "refused; the kernel says:"
	first_avc "name=\"${target##*/}\" .*scontext=$ctx " ||
		broken "no AVC for the refused write"
	rm -f /tmp/dm-dd
}

cross_guest_ping() {
	local a=${DOMID[demo1]} ratelimit mac
	say "demo1 pings dom0, then demo2"
	guest_ping "$a" 10.77.0.1 || broken "demo1 cannot reach dom0"
	show "demo1 -> dom0 (10.77.0.1): replies"
	ratelimit=$(cat /proc/sys/kernel/printk_ratelimit)
	echo 0 >/proc/sys/kernel/printk_ratelimit
	dmesg -C
	# svirtd drops ARP between guests of different pairs: demo1 is given
	# demo2's MAC, as a guest that knows or guesses it would have it.
	mac=$(xenstore-read "/local/domain/0/backend/vif/${DOMID[demo2]}/0/mac")
	! guest_ping "$a" "${IP[demo2]} lladdr=$mac" || broken "demo1 reached demo2"
	show "demo1 -> demo2 (${IP[demo2]}; ARP between pairs is dropped, so demo1 was told demo2's MAC $mac):" \
		"no reply; the kernel says:"
	first_avc "forward_in .*saddr=${IP[demo1]//./\\.} daddr=${IP[demo2]//./\\.}" ||
		broken "no AVC for demo1's ping"
	echo "$ratelimit" >/proc/sys/kernel/printk_ratelimit
}

# Frames the kernel's IP hooks never see, so SELinux's packet checks cannot refuse them: svirtd's bridge
# table drops them between guests of different pairs. dom0's bridge receiving each shows it was sent.
crafted_frames() {
	local kinds=(vid0 qinq arp raw) k
	say "demo1 sends crafted frames SELinux's packet checks never see"
	show "(an 802.1Q tag with VLAN 0, which Linux delivers as untagged; 802.1ad double tags; ARP; a raw ethertype)"
	frames_across "${DOMID[demo1]}" "${DOMID[demo2]}" "${kinds[@]}"
	[ "$FRAME_FROM_DOM0" = 1 ] || broken "demo2 does not hear even dom0's frame"
	for k in "${kinds[@]}"; do
		in_list "$k" "$FRAMES_DOM0" || broken "dom0's bridge never got demo1's $k frame"
		! in_list "$k" "$FRAMES_TO" || broken "demo1's $k frame reached demo2"
	done
	show "dom0's bridge received:${FRAMES_DOM0}"
	show "demo2 received:         none of them (it did hear a frame dom0 sent it)"
	show "svirtd's rule that dropped them:"
	nft list chain bridge svirt forward | grep -E 'ether type != \{ ip, ip6 \}' | sed 's/^[[:space:]]*/     /'
}

cleanup() {
	local g d pid pids=()
	say "Destroying both guests"
	for g in "${GUESTS[@]}"; do
		d=${DOMID[$g]:-}
		[ -n "$d" ] || continue
		pid=$(dm_pid "$d") && pids+=("$pid")
		xl destroy "$g" || true
	done
	for g in "${GUESTS[@]}"; do
		d=${DOMID[$g]:-}
		[ -n "$d" ] || continue
		wait_until 60 "svirtd released $g" xs_gone "/local/domain/0/svirt/$d" | sed 's/^ok: /   /'
	done
	for pid in "${pids[@]}"; do
		dead "$pid" || broken "device model $pid outlived its guest"
	done
	show "no device model left; the disks have their original labels back:"
	for g in "${GUESTS[@]}"; do
		show "$(ls -Z "$IMAGES/$g.img")"
		rm -f "$IMAGES/$g.img"
	done
	interpose_conf_restore
}

main() {
	intro
	trap 'for g in "${GUESTS[@]}"; do xl destroy "$g" 2>/dev/null || true; done; interpose_conf_restore' EXIT
	create_guests
	report_guest demo1
	report_guest demo2
	cross_guest_disk
	wait_guests
	cross_guest_ping
	crafted_frames
	trap - EXIT
	cleanup
}

main
