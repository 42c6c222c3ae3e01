#!/bin/bash
# Scenario: translated labels (issue 19 item 3). With setrans on and mcstransd running, a started guest's pair gets
# a translation naming it in svirtd's file, `ls -Z` of its disk shows the guest's name (mcstransd restarted on the
# change, as contrib/svirt-setrans.path has systemd do) while the kernel keeps the raw pair; destroyed, the
# translation is gone. With setrans_reload = "none" (the default) svirtd never signals mcstransd.
set -euo pipefail
. "$VM_LIB"

CONF=/etc/svirt/svirt.conf
SETRANS=/etc/selinux/default/setrans.conf
OWN=/run/svirt/setrans.conf
IMG=$IMAGES/h78web.img
saved_conf=$PWD/svirt.conf.orig
saved_setrans=$PWD/setrans.conf.orig

reloads() { grep -c "reloaded $CONF" "$LOG" || true; }
reloaded_after() { [ "$(reloads)" -gt "$1" ]; }
hup() {
	local n
	n=$(reloads)
	kill -HUP "$(pidof svirtd)"
	wait_until 30 "svirtd reloaded $CONF ($1)" reloaded_after "$n"
}
# The kernel's label, never translated: getfattr reads the xattr itself.
raw_label() { getfattr -n security.selinux --only-values "$1" | tr -d '\0'; }
# What an administrator sees: ls -Z through libselinux, which asks mcstransd.
shown_label() { ls -Z "$1" | awk '{ print $1 }'; }
own_has() { grep -qxF -- "$1" "$OWN" 2>/dev/null; }
own_lacks() { ! grep -qF -- "$1" "$OWN" 2>/dev/null; }
shows() { [ "$(shown_label "$1")" = "$2" ]; }
mcstransd_alive() { pidof mcstransd >/dev/null; }

cleanup() {
	echo "svirtd's log ends:"
	tail -n 8 "$LOG" | sed 's/^/    /' || true
	if domid_of h78web >/dev/null; then xl destroy h78web || true; fi
	[ ! -e "$saved_setrans" ] || cp "$saved_setrans" "$SETRANS"
	if [ -e "$saved_conf" ]; then
		cp "$saved_conf" "$CONF"
		kill -HUP "$(pidof svirtd)" 2>/dev/null || true
	fi
	# mcstransd translates for every later scenario's stat -c %C otherwise.
	local p
	for p in $(pidof mcstransd 2>/dev/null); do kill "$p" || true; done
	rm -f "$IMG"
}
trap cleanup EXIT

running svirtd || fail "svirtd is not running in dom0"
cp "$CONF" "$saved_conf"
cp "$SETRANS" "$saved_setrans"
# The administrator's one step: include svirtd's file (README, svirt.conf(5)).
printf 'Include=%s\n' "$OWN" >>"$SETRANS"
check "the installed config has translations off (the default)" grep -qx 'setrans = "off"' "$CONF"
sed 's|^setrans = "off"$|setrans = "on"|' "$saved_conf" >"$CONF"
check "the new config turns them on" grep -qx 'setrans = "on"' "$CONF"
hup "setrans on"
wait_until 30 "svirtd wrote $OWN" test -e "$OWN"
check_eq "$OWN has svirtd's type, which mcstransd may read" \
	system_u:object_r:svirtd_setrans_t:s0 "$(raw_label "$OWN")"
check "init starts mcstransd" init_request start-mcstransd
mpid=$(pidof mcstransd)
check_eq "mcstransd runs in setrans_t" setrans_t "$(context_of_pid "$mpid" | cut -d: -f3)"

truncate -s 64M "$IMG"
orig=$(raw_label "$IMG")
guest_config h78web 10.77.0.78 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMG" >h78web.cfg
check "xl create h78web" timed xl create h78web.cfg
d=$(domid_of h78web)
wait_until 120 "svirtd reports h78web labelled" svirt_labelled "$d"
img=$(svirt_node "$d" imagelabel)
level=${img#*:*:*:}
echo "h78web is domain $d, image label $img"
wait_until 30 "svirtd's file translates h78web's pair ($level)" own_has "$level=h78web"
cat "$OWN"
check_eq "svirtd sent mcstransd nothing (setrans_reload none)" "$mpid" "$(pidof mcstransd)"
check "init restarts mcstransd on the change (svirt-setrans.path)" init_request restart-mcstransd
translated="${img%"$level"}h78web"
wait_until 30 "ls -Z shows the disk as $translated" shows "$IMG" "$translated"
check_eq "the kernel still holds the raw pair" "$img" "$(raw_label "$IMG")"

check "xl destroy h78web" xl destroy h78web
wait_until 60 "h78web's translation gone from svirtd's file" own_lacks "=h78web"
check "init restarts mcstransd on the change" init_request restart-mcstransd
check_eq "the disk has its original label back" "$orig" "$(raw_label "$IMG")"
check "ls -Z no longer names h78web" not shows "$IMG" "$translated"
check "mcstransd still runs" mcstransd_alive
check "svirtd still runs" running svirtd
grep 'setrans' "$LOG" | tail -n 5 || true
