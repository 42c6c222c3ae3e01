#!/bin/bash
# Scenario: two paused HVM guests (xl create -p, dm_restrict=1 so libxl adds -runas): A's qemu-dm through
# device_model_override, B's through the divert install; each runs at its guest's pair with its disk, tap, serial pty and
# VNC listener; in A's label nothing of B's opens: disk, pty, QMP socket, saved state, VNC port.
# Each guest's emulated NIC (qemu's tap vifD.0-emu, on xenbr0) carries its guest's peer label and port map element
# like its vif: B's through vif-svirt, there the instant xl create returns; A's through vif-bridge and svirtd's
# link watch. xl destroy removes both. (The guests run no OS: no frame crosses their taps, so the taps' isolation
# is shown here by their labels, not by traffic.)
set -euo pipefail
. "$VM_LIB"

IP=$(interposer)
DIVERT=/usr/sbin/svirt-divert
QEMU=$QEMU_DM
HVMLOADER=/usr/lib/xen-4.17/boot/hvmloader
need_installed "$DIVERT" "$HVMLOADER" /usr/share/seabios/bios-256k.bin
running svirtd || fail "svirtd is not running in dom0"
[ -f "$QEMU" ] && [ ! -L "$QEMU" ] && [ ! -e "$QEMU.real" ] || fail "$QEMU is not the plain qemu this host ships"
interpose_conf_save
undo() {
	xl destroy ha 2>/dev/null || true
	xl destroy hb 2>/dev/null || true
	rm -f "$IMAGES/ha.img" "$IMAGES/hb.img" "${save_b:-}" 2>/dev/null || true
	qemu_undivert
	interpose_conf_restore
}
trap undo EXIT
expect_dm_runas_avcs
printf 'wait = 120\n' >"$INTERPOSE_CONF"

# hvm_config NAME N [VIFOPT]: a paused-only HVM guest (no OS: libxl starts its
# device model at once) with a 16M disk of its own, an emulated NIC on xenbr0
# (VIFOPT added to its vif spec), a serial pty and a VNC listener on loopback,
# deprivileged (dm_restrict).
hvm_config() {
	truncate -s 16M "$IMAGES/$1.img"
	cat <<CFG
name = "$1"
type = "hvm"
memory = 64
vcpus = 1
disk = [ 'format=raw,vdev=hda,access=rw,target=$IMAGES/$1.img' ]
vif = [ 'bridge=xenbr0,mac=00:16:3e:68:00:0$2${3:+,$3}' ]
serial = 'pty'
vnc = 1
vnclisten = "127.0.0.1"
dm_restrict = 1
device_model_version = "qemu-xen"
on_crash = "destroy"
CFG
}

# A through device_model_override.
{ hvm_config ha 1; printf 'device_model_override = "%s"\n' "$IP"; } >ha.cfg
rc=0
timed xl create -p ha.cfg >ha.out 2>&1 || rc=$?
cat ha.out
[ "$rc" = 0 ] || { tail -n 20 /var/log/xen/qemu-dm-ha.log 2>/dev/null; fail "xl create -p ha (HVM, through device_model_override)"; }
# B through the divert install: its config names no device model.
check "svirt-divert add" "$DIVERT" add
hvm_config hb 2 script=vif-svirt >hb.cfg
check "hb's config names no device model binary" not grep -q device_model_override hb.cfg
check "hb's vif goes through vif-svirt" grep -q "script=vif-svirt'" hb.cfg
rc=0
timed xl create -p hb.cfg >hb.out 2>&1 || rc=$?
cat hb.out
[ "$rc" = 0 ] || { tail -n 20 /var/log/xen/qemu-dm-hb.log 2>/dev/null; fail "xl create -p hb (HVM, divert install)"; }
da=$(domid_of ha)
db=$(domid_of hb)
xl list

# --- the emulated NICs' labels. vif-svirt ran for hb's tap ("add", before its vif) and vif (online), and libxl
# waited for each: both carry hb's labels now, with nothing waited for.
peer_label() { unlbl_entries | has -x "$1 0.0.0.0/0 \"$2\""; }
in_port_map() { nft list map bridge svirt port_secmark | has "\"$1\" : \"$2\""; }
lb=$(svirt_node "$db" label)
ob="svirt_$(sed 's/,/_/' <<<"${lb##*:}")"
check "at once: hb's tap vif$db.0-emu is on xenbr0" test -e "/sys/class/net/xenbr0/brif/vif$db.0-emu"
check "at once: vif$db.0-emu has hb's peer label" peer_label "vif$db.0-emu" "$lb"
check "at once: the port map sends vif$db.0-emu to hb's secmark object" in_port_map "vif$db.0-emu" "$ob"
check "at once: vif$db.0 has hb's peer label" peer_label "vif$db.0" "$lb"
check "svirtd labelled hb's tap on vif-svirt's request" \
	grep -q "domain $db (hb): emulated NIC vif$db.0-emu labelled (VIF request)" "$LOG"
# ha's came through vif-bridge: svirtd's link watch labels its tap as it appears.
wait_until 60 "svirtd reports ha labelled" svirt_labelled "$da"
la=$(svirt_node "$da" label)
oa="svirt_$(sed 's/,/_/' <<<"${la##*:}")"
check "ha's tap vif$da.0-emu is on xenbr0" test -e "/sys/class/net/xenbr0/brif/vif$da.0-emu"
wait_until 60 "vif$da.0-emu has ha's peer label" peer_label "vif$da.0-emu" "$la"
wait_until 30 "the port map sends vif$da.0-emu to ha's secmark object" in_port_map "vif$da.0-emu" "$oa"
refute "ha's and hb's taps share a secmark object" test "$oa" = "$ob"
netlabelctl -p unlbl list | sed 's/^/  | /'
nft list map bridge svirt port_secmark | sed 's/^/  | /'

# vnc_port PID: the TCP port qemu PID listens on (/proc/net/tcp, by its sockets' inodes).
vnc_port() {
	local inodes local_addr st rest f
	inodes=" $(ls -l "/proc/$1/fd" | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p' | tr '\n' ' ') "
	while read -r _ local_addr _ st rest; do
		[ "$st" = 0A ] || continue
		read -ra f <<<"$rest"
		[[ $inodes == *" ${f[5]} "* ]] && { echo $((16#${local_addr#*:})); return 0; }
	done < <(tail -n +2 /proc/net/tcp)
	return 1
}

# check_hvm_dm NAME DOMID: the device model runs at its guest's label and its
# disk's pair (check_qemu_label), deprivileged as dm_restrict makes it (its
# uid is libxl's range base + domid, chrooted, hypercalls restricted), and
# holds its disk, its tap, its serial pty and a VNC listener.
check_hvm_dm() {
	local n=$1 d=$2 pair fds pty uid a
	check_qemu_label "$n" "$d"
	# check_qemu_label leaves the pid in q; the label, for the caller, in ctx.
	ctx=$(context_of_pid "$q")
	pair=${ctx##*:}
	for a in -xen-domid-restrict -chroot -runas; do
		check "$n's qemu was started with $a" grep -qx -- "$a" < <(tr '\0' '\n' <"/proc/$q/cmdline")
	done
	uid=$((131072 + d))
	check_eq "$n's qemu runs as xen-qemuuser-range-base + domid" "$uid $uid $uid $uid" \
		"$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$q/status")"
	fds=$(ls -l "/proc/$q/fd")
	check "$n's qemu has its disk open" grep -q "$IMAGES/$n.img" <<<"$fds"
	check "$n's qemu has /dev/net/tun open (its tap)" grep -q /dev/net/tun <<<"$fds"
	check "$n's tap vif$d.0-emu exists" ip link show "vif$d.0-emu"
	pty=$(xenstore-read "/local/domain/$d/serial/0/tty")
	echo "    $n's serial pty: $(ls -Z "$pty")"
	check_eq "$n's serial pty carries its pair" "$pair" "$(label_of "$pty" | sed 's/.*:\(c[0-9]*,c[0-9]*\)$/\1/')"
	check "$n's qemu listens on a TCP port (VNC): $(vnc_port "$q" || echo none)" vnc_port "$q"
}
check_hvm_dm ha "$da"
ctx_a=$ctx
q_a=$q
check_hvm_dm hb "$db"
ctx_b=$ctx
q_b=$q
check_eq "hb's qemu is the real qemu, moved aside by the divert install" "$QEMU.real" "$(readlink "/proc/$q_b/exe")"
refute "ha's and hb's device models share a pair" test "${ctx_a##*:}" = "${ctx_b##*:}"
ls -Z /var/run/xen/ | sed 's/^/    /'

# --- A's label against B's objects. What plays A's device model is a bash
# entering svirt_xen_t as qemu does (a copy labelled qemu_exec_t, lib.sh's
# standin_install), started at xl's level.
standin_install noop68 <<<'exit 0' >/dev/null
as_a() { (cd / && as_toolstack env -i HOME=/ SHELL=/bin/sh /usr/bin/runcon "$ctx_a" "$STANDIN_DIR/bash" -c "$1"); }
pty_a=$(xenstore-read "/local/domain/$da/serial/0/tty")
pty_b=$(xenstore-read "/local/domain/$db/serial/0/tty")
port_b=$(vnc_port "$q_b")
echo "    hb's VNC port: $port_b"

check "in A's label, A's disk opens" as_a "exec 3<'$IMAGES/ha.img'"
check "in A's label, A's serial pty opens" as_a "exec 3<>'$pty_a'"
refute "in A's label, B's disk opens" as_a "exec 3<'$IMAGES/hb.img'"
check_avc "the kernel refused A's label B's disk" \
	"denied  \\{[^}]*\\} for .*(name|path)=\"[^\"]*hb.img\" .*scontext=$ctx_a tcontext=[^ ]*:svirt_xen_image_t:s0:${ctx_b##*:} tclass=file"
refute "in A's label, B's serial pty opens" as_a "exec 3<>'$pty_b'"
check_avc "the kernel refused A's label B's pty" \
	"denied  \\{[^}]*\\} for .*scontext=$ctx_a tcontext=[^ ]*:s0:${ctx_b##*:} tclass=chr_file"
# bash's resolver may look at glibc's files for the numeric address; a device model reads none.
expect_avc "denied  \\{ [a-z ]+ \\} for .*comm=\"bash\" (name|path)=\"[^\"]*(gai.conf|hosts|host.conf|nsswitch.conf|services)\" .*scontext=$ctx_a tcontext=system_u:object_r:etc_t:s0 tclass=file"
refute "in A's label, a TCP connection to B's VNC port" as_a "exec 3<>/dev/tcp/127.0.0.1/$port_b"
check_avc "the kernel refused A's label B's VNC port" \
	"denied  \\{ name_connect \\} for .*dest=$port_b scontext=$ctx_a .*tclass=tcp_socket"
# B's saved state as libxl makes it (xl save opens /var/lib/xen/qemu-save.D
# and hands qemu the descriptor).
save_b=/var/lib/xen/qemu-save.$db
as_toolstack touch "$save_b"
echo "    $(ls -Z "$save_b")"
refute "in A's label, B's saved state opens" as_a "exec 3<'$save_b'"
check_avc "the kernel refused A's label B's saved state" \
	"denied  \\{[^}]*\\} for .*(name|path)=\"[^\"]*qemu-save.$db\" .*scontext=$ctx_a .*tclass=file"
rm -f "$save_b"
# B's QMP socket, with qemu itself (the real binary) as the client, in A's label.
real=$(readlink "/proc/$q_a/exe")
qmp_b=/var/run/xen/qmp-libxl-$db
[ -S "$qmp_b" ] || fail "no QMP socket $qmp_b"
rc=0
(cd / && as_toolstack timeout 10 runcon "$ctx_a" "$real" -M none -accel qtest -display none -nodefaults -S \
	-chardev "socket,id=p,path=$qmp_b" -mon chardev=p,mode=control) >probe.out || rc=$?
cat probe.out
check "in A's label, B's QMP socket refuses the connection" grep -q 'Permission denied' probe.out
check_avc "the kernel refused A's label B's QMP socket" \
	"denied  \\{[^}]*\\} for .*name=\"qmp-libxl-$db\" .*scontext=$ctx_a tcontext=[^ ]*:xend_runtime_t:s0 tclass=sock_file"

check "xl destroy ha" xl destroy ha
check "xl destroy hb" xl destroy hb
dm_gone_after_destroy ha "$q_a"
dm_gone_after_destroy hb "$q_b"
no_tap_labels() { ! unlbl_entries | has -E "^vif($da|$db)\.0(-emu)? "; }
wait_until 60 "the taps' and vifs' peer labels are gone" no_tap_labels
no_elements() { ! nft list table bridge svirt | has -E "vif($da|$db)\.0|$oa|$ob"; }
wait_until 60 "their map elements and secmark objects are gone" no_elements
restored() { [ "$(label_of "$IMAGES/$1.img" | cut -d: -f3)" = xen_image_t ]; }
wait_until 60 "svirtd gave ha's disk its label back" restored ha
wait_until 60 "svirtd gave hb's disk its label back" restored hb
check "svirt-divert remove" "$DIVERT" remove
check "the real qemu is back at $QEMU" test -f "$QEMU" -a ! -L "$QEMU" -a ! -e "$QEMU.real"
