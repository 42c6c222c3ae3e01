#!/bin/bash
# Scenario: dom0 runs svirtd as the shipped service does: the running process's argv is the ExecStart= of the
# installed svirtd.service (the command line the installed init script runs too), in svirtd_t over all categories.
set -euo pipefail
. "$VM_LIB"

UNIT=/usr/lib/systemd/system/svirtd.service
INITD=/etc/init.d/svirtd
need_installed /usr/sbin/svirtd "$UNIT" "$INITD" /etc/svirt/svirt.conf

# What the shipped files run, read from them here, not from how this host's init starts svirtd.
unit_cmd=$(sed -n 's/^ExecStart=//p' "$UNIT")
check_eq "the unit has one ExecStart=" 1 "$(grep -c . <<<"$unit_cmd")"
read -r -a want <<<"$unit_cmd"
# The init script: DAEMON=... is the unit's program, which start-stop-daemon starts detached (the unit's
# --foreground left out: svirtd's first process exits once it is ready) with the script's pid file.
daemon=$(sed -n 's/^DAEMON=//p' "$INITD")
check_eq "the init script's DAEMON is the unit's program" "${want[0]}" "$daemon"
check_eq "the unit runs svirtd in the foreground, as Type=notify wants" "--foreground" "${want[*]:1}"
check "the init script starts \$DAEMON through start-stop-daemon with its pid file" \
	grep -Eq -- '--exec "\$DAEMON" -- --pidfile "\$PIDFILE"' "$INITD"

pids=$(pidof svirtd) || fail "svirtd is not running"
check_eq "one svirtd runs" 1 "$(wc -w <<<"$pids")"
mapfile -d '' argv <"/proc/$pids/cmdline"
check_eq "svirtd's argv is the unit's ExecStart=" "$(printf '[%s]' "${want[@]}")" "$(printf '[%s]' "${argv[@]}")"
check_eq "its program is the installed one" "${want[0]}" "$(readlink "/proc/$pids/exe")"
check_eq "its context (svirt_xen.te: init_ranged_daemon_domain)" system_u:system_r:svirtd_t:s0-s0:c0.c1023 \
	"$(context_of_pid "$pids")"
check_eq "init started it" "$pids" "$(cat /run/svirtd.pid)"
# Without --config it reads /etc/svirt/svirt.conf: its categories are the installed file's.
cats=$(sed -n 's/^categories[[:space:]]*=[[:space:]]*"c\([0-9]*\)\.c\([0-9]*\)".*/c\1..c\2/p' /etc/svirt/svirt.conf)
check "svirtd uses the installed configuration's categories (${cats:-none set})" \
	grep -q "ready: categories ${cats:-c1..c1023}," "$LOG"
# issue 17 item 3: at startup svirtd asks svirt-flask-label (in its own domain, the only one of
# svirt-xen's with privcmd) whether Xen runs Flask; this Xen does not, so no guest runs it again.
helper=$(dirname "$(dirname "${want[0]}")")/libexec/svirt-xen/svirt-flask-label
check_eq "svirt-flask-label is installed in its own type" svirt_flasklabel_exec_t \
	"$(stat -c %C "$helper" | cut -d: -f3)"
check "svirtd found Xen without Flask (svirt-flask-label at startup)" grep -q "Xen has no Flask" "$LOG"
