#!/bin/bash
# Scenario: dom0 runs svirtd as the installed init script starts it (/etc/init.d/svirtd, Debian's /etc/init.d/xen
# beside it): the running process is the script's DAEMON with its --pidfile, detached, in svirtd_t over all categories;
# the installed unit runs the same program under systemd, in the foreground, waiting for its READY=1.
set -euo pipefail
. "$VM_LIB"

# make install puts the unit in /usr/lib/systemd/system, the Debian package in Debian 12's /lib/systemd/system
# (CI boots with the package's files): the one this host has, and only one.
units=()
for u in /usr/lib/systemd/system/svirtd.service /lib/systemd/system/svirtd.service; do
	[ -e "$u" ] && units+=("$u")
done
[ ${#units[@]} -eq 1 ] || fail "want svirtd.service in one of /usr/lib/systemd/system and /lib/systemd/system, found ${#units[@]}"
UNIT=${units[0]}
INITD=/etc/init.d/svirtd
need_installed /usr/sbin/svirtd "$UNIT" "$INITD" /etc/svirt/svirt.conf /etc/init.d/xen /etc/init.d/xendomains

# What the shipped files run, read from them here, not from how this host's init starts svirtd.
daemon=$(sed -n 's/^DAEMON=//p' "$INITD")
pidfile=$(sed -n 's/^PIDFILE=//p' "$INITD")
check_eq "the init script runs the installed svirtd" /usr/sbin/svirtd "$daemon"
check_eq "the unit runs the same program, in the foreground" "$daemon --foreground" "$(sed -n 's/^ExecStart=//p' "$UNIT")"
check "the unit waits for svirtd's READY=1 (Type=notify)" grep -qx 'Type=notify' "$UNIT"
check "Debian's xen script provides xen, which the init script starts after" \
	grep -Eq '^# Provides:[[:space:]]+xen$' /etc/init.d/xen
check "the init script starts after it" grep -Eq '^# Should-Start:.* xen( |$)' "$INITD"

pids=$(pidof svirtd) || fail "svirtd is not running"
check_eq "one svirtd runs" 1 "$(wc -w <<<"$pids")"
mapfile -d '' argv <"/proc/$pids/cmdline"
check_eq "svirtd's argv is the init script's (no SVIRTD_OPTS set)" "[$daemon][--pidfile][$pidfile]" \
	"$(printf '[%s]' "${argv[@]}")"
check_eq "its program is the installed one" "$daemon" "$(readlink "/proc/$pids/exe")"
check_eq "its context (svirt_xen.te: the init script's exec, as init's)" system_u:system_r:svirtd_t:s0-s0:c0.c1023 \
	"$(context_of_pid "$pids")"
check_eq "its pid file names it" "$pids" "$(cat "$pidfile")"
check_eq "it detached: the process the script started has exited" 1 "$(awk '/^PPid:/ { print $2 }' "/proc/$pids/status")"
# Without --config it reads /etc/svirt/svirt.conf: its categories are the installed file's.
cats=$(sed -n 's/^categories[[:space:]]*=[[:space:]]*"c\([0-9]*\)\.c\([0-9]*\)".*/c\1..c\2/p' /etc/svirt/svirt.conf)
check "svirtd uses the installed configuration's categories (${cats:-none set})" \
	grep -q "svirtd\[$pids\]: ready: categories ${cats:-c1..c1023}," "$LOG"
# issue 17 item 3: at startup svirtd asks svirt-flask-label (in its own domain, the only one of
# svirt-xen's with privcmd) whether Xen runs Flask; this Xen does not, so no guest runs it again.
helper=$(dirname "$(dirname "$daemon")")/libexec/svirt-xen/svirt-flask-label
check_eq "svirt-flask-label is installed in its own type" svirt_flasklabel_exec_t \
	"$(stat -c %C "$helper" | cut -d: -f3)"
check "svirtd found Xen without Flask (svirt-flask-label at startup)" grep -q "Xen has no Flask" "$LOG"
