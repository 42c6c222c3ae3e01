#!/bin/bash
# Scenario: guest A's device model (a real qemu in A's label) tries to take the names libxl gives the next guests in
# /run/xen and /var/lib/xen (QMP sockets, chroot, saved state); guest B then starts through svirt-interpose all the same,
# its device model in B's label, and writes and reads its saved state through the descriptors the toolstack hands it.
set -euo pipefail
. "$VM_LIB"

IP=$(interposer)
running svirtd || fail "svirtd is not running in dom0"
QEMU=/usr/libexec/xen-qemu-system-i386
RUNDIR=/var/run/xen
LIBDIR=/var/lib/xen
interpose_conf_save
squatted=()
undo() {
	interpose_conf_restore
	xl destroy na 2>/dev/null || true
	xl destroy nb 2>/dev/null || true
	[ ${#squatted[@]} = 0 ] || rm -rf "${squatted[@]}"
	rm -f "$IMAGES/na.img" "$IMAGES/nb.img"
}
trap undo EXIT
# qemu looks into the directory xl ran from (this scenario's scratch directory).
expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir'
printf 'wait = 120\n' >"$INTERPOSE_CONF"

for g in na:68 nb:69; do
	{ qdisk_guest_config "${g%:*}" "${g#*:}"
	  printf 'device_model_version = "qemu-xen"\ndevice_model_override = "%s"\n' "$IP"; } >"${g%:*}.cfg"
done
check "xl create na" timed xl create na.cfg
da=$(domid_of na)
label_a=$(svirt_node "$da" label)
check_qemu_of_guest na "$da"

# Xen gives the next guest the domid after the last one it made: na's + 1.
# Squat that one and the two after it, every name libxl 4.17 makes for a
# device model there: its QMP sockets (libxl's, the one qemu makes for
# libxenstat), its dm_restrict chroot, its saved state and the state it is
# restored from.
next=()
for ((d = da + 1; d <= da + 3; d++)); do next+=("$d"); done
for d in "${next[@]}"; do
	squatted+=("$RUNDIR/qmp-libxl-$d" "$RUNDIR/qmp-libxenstat-$d" "$RUNDIR/qemu-root-$d"
		"$LIBDIR/qemu-save.$d" "$LIBDIR/qemu-resume.$d")
done
rm -rf "${squatted[@]}"

# squat KIND NAME...: a qemu in na's label, started as the toolstack starts a
# device model but not through svirt-interpose, makes each NAME itself (a
# listening socket, or a file it opens for writing) and is then killed, so it
# leaves them behind as a crashed qemu would. Refused, it exits at once.
squat() {
	local kind=$1 args=() i=0 n rc=0
	shift
	for n; do
		i=$((i + 1))
		case $kind in
		socket) args+=(-chardev "socket,id=s$i,path=$n,server=on,wait=off") ;;
		file) args+=(-chardev "file,id=s$i,path=$n") ;;
		esac
	done
	(cd / && as_toolstack timeout -s KILL 20 runcon "$label_a" "$QEMU" -M none -accel qtest \
		-display none -nodefaults -S "${args[@]}") || rc=$?
	echo "na's squatting qemu ($kind): exit $rc"
}
names_of() { local d; for d in "${next[@]}"; do printf '%s\n' "$1$d"; done; }
mapfile -t qmp < <(names_of "$RUNDIR/qmp-libxenstat-"; names_of "$RUNDIR/qmp-libxl-"; names_of "$RUNDIR/qemu-root-")
mapfile -t saves < <(names_of "$LIBDIR/qemu-save."; names_of "$LIBDIR/qemu-resume.")
squat socket "${qmp[@]}"
squat file "${saves[@]}"
echo "what na's device model left for domains ${next[*]}:"
left=0
for f in "${squatted[@]}"; do
	[ -e "$f" ] || continue
	left=$((left + 1))
	echo "  $(ls -dZ "$f")"
done
[ "$left" != 0 ] || echo "  nothing"

# Guest B, as any guest starts: through the interposer, with dm_restrict.
rc=0
timed xl create nb.cfg >nb.out 2>&1 || rc=$?
cat nb.out
[ "$rc" = 0 ] || { tail -n 5 /var/log/xen/qemu-dm-nb.log 2>/dev/null; fail "xl create nb after na's device model squatted its names"; }
db=$(domid_of nb)
in_list "$db" "${next[*]}" || fail "nb got domid $db, not one of those squatted (${next[*]}): this run shows nothing"
check_qemu_of_guest nb "$db"
label_b=$(svirt_node "$db" label)
ls -dZ "$RUNDIR"/qmp-*-"$db" | sed 's/^/  /'
for s in qmp-libxl qmp-libxenstat; do
	# /proc/net/unix: flags 00010000 (listening), stream, unconnected, the bound path
	check "nb's qemu listens on $RUNDIR/$s-$db" grep -qE " 00010000 0001 01 [0-9]+ $RUNDIR/$s-$db\$" /proc/net/unix
done
check_eq "na's device model left none of the names it tried" 0 "$left"
check_avc "the kernel refused na's device model a name in $RUNDIR" \
	"denied  \\{ [^}]*(write|add_name)[^}]* \\} for .*scontext=$label_a tcontext=[^ ]*:xend_runtime_t:s0 tclass=dir"
check_avc "and a name in $LIBDIR" \
	"denied  \\{ [^}]*(write|add_name)[^}]* \\} for .*scontext=$label_a tcontext=[^ ]*:xend_var_lib_t:s0 tclass=dir"

# Saved state, as libxl 4.17 handles it: the toolstack opens qemu-save.<domid>
# itself and hands qemu the descriptor; on restore it writes qemu-resume.<domid>
# and hands qemu a descriptor to read it (a PV guest's save involves no qemu,
# so a stand-in device model in nb's label stands for an HVM guest's).
standin=$(standin_install standin63 <<'SH'
read -r -d '' ctx </proc/self/attr/current
echo "context $ctx"
if echo "nb's device state" >&5; then echo "save: written"; else echo "save: refused"; fi
if read -r line <&6; then echo "restore: read $line"; else echo "restore: refused"; fi
SH
)
printf 'require_dm_restrict = 0\nwait = 30\nqemu = "%s"\n' "$standin" >"$INTERPOSE_CONF"
# bash's read asks whether its input is a terminal (TCGETS); the policy gives
# a device model no ioctl on the saved state, and qemu reads it without one.
expect_avc 'denied  \{ ioctl \} for .*comm="standin63" path="/var/lib/xen/qemu-resume\.[0-9]+" .*ioctlcmd=0x5401 .*tcontext=[^ ]*:xend_var_lib_t:s0 tclass=file'
echo "nb's saved device state" >"$LIBDIR/qemu-resume.$db"
(cd / && as_toolstack bash -c 'exec 5<>"$0" 6<"$1"; exec env -i HOME=/ SHELL=/bin/sh "$2" -xen-domid "$3" -nodefaults' \
	"$LIBDIR/qemu-save.$db" "$LIBDIR/qemu-resume.$db" "$IP" "$db") >report || { cat report; fail "svirt-interpose did not run the stand-in for nb"; }
cat report
check_eq "the stand-in runs in nb's label" "context $label_b" "$(grep '^context' report | tr -d '\0')"
check "nb's device model wrote its saved state" grep -qx 'save: written' report
check_eq "into the file the toolstack opened" "nb's device state" "$(cat "$LIBDIR/qemu-save.$db")"
check "and read the state it is restored from" grep -qx "restore: read nb's saved device state" report
ls -Z "$LIBDIR/qemu-save.$db" "$LIBDIR/qemu-resume.$db" | sed 's/^/  /'
rm -f report "$standin"

qa=$(dm_pid "$da")
qb=$(dm_pid "$db")
check "xl destroy na" xl destroy na
check "xl destroy nb" xl destroy nb
dm_gone_after_destroy na "$qa"
dm_gone_after_destroy nb "$qb"
