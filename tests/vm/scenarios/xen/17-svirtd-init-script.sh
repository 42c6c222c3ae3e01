#!/bin/bash
# Scenario: the installed /etc/init.d/svirtd, run by dom0's init as on a sysvinit Debian dom0: start returns once svirtd
# answers on its control socket; status, reload (SIGHUP, acted on), restart (a new svirtd, ready); stop returns once
# svirtd has exited and its pid file is gone; a start that fails exits non-zero saying why. svirtd runs at the end.
set -euo pipefail
. "$VM_LIB"

INITD=/etc/init.d/svirtd
DEFAULTS=/etc/default/svirtd
need_installed "$INITD" /usr/sbin/svirtd /usr/sbin/svirt-xl
PIDFILE=$(sed -n 's/^PIDFILE=//p' "$INITD")

cleanup() {
	rm -f "$DEFAULTS"
	rm -rf /run/svirt-17
	running svirtd || init_start_svirtd || true
}
trap cleanup EXIT

# svc ACTION: dom0's init runs "$INITD ACTION"; sets rc (its exit status) and said (its output, lines joined by |).
svc() {
	local a
	a=$(init_request "svirtd $1")
	a=${a#init: rc=}
	rc=${a%% *}
	said=${a#* }
	echo "$INITD $1: exit $rc: $said"
}
# The control socket answers (svirt-xl list asks svirtd LIST once, no retry).
answers() { svirt-xl list >/dev/null; }
the_pid() { pidof svirtd; }
reloads() { grep -c "svirtd\[$1\]: reloaded /etc/svirt/svirt.conf" "$LOG" || true; }
reloaded_after() { [ "$(reloads "$1")" -gt "$2" ]; }

pid0=$(the_pid) || fail "svirtd is not running (started at boot by $INITD)"

svc status
check_eq "status of a running svirtd" 0 "$rc"
check "status says it runs" grep -q "is running" <<<"$said"

n=$(reloads "$pid0")
svc reload
check_eq "reload" 0 "$rc"
wait_until 10 "svirtd $pid0 read its configuration again (SIGHUP)" reloaded_after "$pid0" "$n"
check_eq "the same svirtd runs" "$pid0" "$(the_pid)"

svc stop
check_eq "stop" 0 "$rc"
# At once, not after a wait: stop returns when the process is gone.
check "svirtd $pid0 has exited when stop returns" dead "$pid0"
refute "its pid file is gone" test -e "$PIDFILE"
refute "no svirtd runs" running svirtd
svc status
check_eq "status of a stopped svirtd (LSB: 3, not running)" 3 "$rc"
svc stop
check_eq "stop again: nothing to stop is no failure" 0 "$rc"

svc start
check_eq "start" 0 "$rc"
pid1=$(the_pid) || fail "no svirtd after start"
# At once: start returned only once svirtd was ready.
check "the control socket answers as start returns" answers
check_eq "the pid file names it" "$pid1" "$(cat "$PIDFILE")"
check_eq "in svirtd_t over every category" system_u:system_r:svirtd_t:s0-s0:c0.c1023 "$(context_of_pid "$pid1")"
svc start
check_eq "start again: already running is no failure" 0 "$rc"
check_eq "and it is the same svirtd" "$pid1" "$(the_pid)"

svc restart
check_eq "restart" 0 "$rc"
pid2=$(the_pid) || fail "no svirtd after restart"
check "a new svirtd ($pid2, was $pid1)" test "$pid2" != "$pid1"
check "the old one has exited" dead "$pid1"
check "the new one answers as restart returns" answers
check_eq "the pid file names the new one" "$pid2" "$(cat "$PIDFILE")"

# A start that fails after svirtd detached (its control socket's directory is writable by all): the script
# exits non-zero, with svirtd's reason, and leaves nothing running.
svc stop
check_eq "stop before the failing start" 0 "$rc"
mkdir -p /run/svirt-17
chmod 0777 /run/svirt-17
mkdir -p "${DEFAULTS%/*}"
echo 'SVIRTD_OPTS="--socket /run/svirt-17/svirtd.sock"' >"$DEFAULTS"
svc start
check "a start that fails exits non-zero" test "$rc" != 0
check "it says why" grep -q "svirt-17/svirtd.sock: Operation not permitted" <<<"$said"
refute "nothing runs" running svirtd
refute "no pid file" test -e "$PIDFILE"
rm -f "$DEFAULTS"

svc start
check_eq "start again" 0 "$rc"
check "svirtd answers" answers
check "svirtd runs for the scenarios after this one" running svirtd
