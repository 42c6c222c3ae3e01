#!/bin/bash
# Scenario: svirtd killed with SIGKILL at four moments (idle, as an xl create starts, during an xl destroy, while the
# toolstack goes on without it), restarted as dom0's init starts it: no pair held twice, live disks labelled, dead ones restored.
set -euo pipefail
. "$VM_LIB"

kill9_svirtd() {
	local pid
	pid=$(pidof svirtd) || fail "svirtd is not running before the kill ($1)"
	pid=${pid%% *}
	kill -9 "$pid"
	wait_until 10 "svirtd ($pid) killed with SIGKILL: $1" dead "$pid"
	echo "--- svirtd killed: $1" >>"$LOG"
}
label_is() { [ "$(label_of "$1")" = "$2" ]; }
has_record() { getfattr -n trusted.svirt "$1" >/dev/null 2>&1; }
paused_config() {
	guest_config "$1" 10.77.0.55 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/$1.img" |
		sed '/^vif = /d'
}

ALL="g55a g55b g55c g55d"
declare -A live pair orig
cleanup() {
	local g
	running svirtd || restart_svirtd "after a failure" || true
	for g in $ALL; do
		if domid_of "$g" >/dev/null; then xl destroy "$g" || true; fi
	done
	for g in $ALL; do rm -f "$IMAGES/$g.img"; done
}
trap cleanup EXIT

# The world as it must be: every live guest labelled, with the pair it had, on its disk; no pair twice
# among all the guests svirtd publishes, and only live ones published; every dead guest's disk restored.
check_world() {
	local g d il p
	declare -A holder=()
	for g in "${!live[@]}"; do
		d=$(domid_of "$g") || fail "live guest $g has no domain"
		wait_until 60 "$g (domain $d) is labelled" svirt_labelled "$d"
		il=$(svirt_node "$d" imagelabel)
		[ -z "${pair[$g]:-}" ] || check_eq "$g kept its pair" "${pair[$g]}" "$il"
		pair[$g]=$il
		check_eq "$g's disk carries its label" "$il" "$(label_of "$IMAGES/$g.img")"
	done
	for d in $(xenstore-list /local/domain/0/svirt); do
		xl list "$d" >/dev/null 2>&1 || fail "svirtd publishes domain $d, which is dead"
		p=$(svirt_node "$d" imagelabel)
		p=${p##*:}
		[ -z "${holder[$p]:-}" ] || fail "domains ${holder[$p]} and $d both hold $p"
		holder[$p]=$d
	done
	echo "ok: pairs held: $(for p in "${!holder[@]}"; do printf '%s:%s ' "${holder[$p]}" "$p"; done)"
	for g in $ALL; do
		if [ -n "${live[$g]:-}" ]; then continue; fi
		wait_until 60 "$g's disk has its original label back (${orig[$g]})" \
			label_is "$IMAGES/$g.img" "${orig[$g]}"
		refute "$g's disk still has a trusted.svirt record" has_record "$IMAGES/$g.img"
	done
}

running svirtd || fail "svirtd is not running in dom0"
for g in $ALL; do
	truncate -s 8M "$IMAGES/$g.img"
	orig[$g]=$(label_of "$IMAGES/$g.img")
	paused_config "$g" >"$g.cfg"
done

timed xl create -p g55a.cfg >g55a.out 2>&1 &
p1=$!
timed xl create -p g55b.cfg >g55b.out 2>&1 &
p2=$!
check "xl create -p g55a" wait "$p1"
check "xl create -p g55b" wait "$p2"
live[g55a]=1 live[g55b]=1
check_world

# 1: idle.
kill9_svirtd "idle, two guests labelled"
restart_svirtd "1"
check_world

# 2: as xl create starts: the moment svirtd has bound the new domain to a pair (its svirt nodes
# appear), while libxl is still adding its disk.
timed xl create -p g55c.cfg >g55c.out 2>&1 &
pc=$!
dc=''
for ((i = 0; i < 600; i++)); do
	[ -n "$dc" ] || dc=$(domid_of g55c) || dc=''
	if [ -n "$dc" ] && ! xs_gone "/local/domain/0/svirt/$dc"; then break; fi
	sleep 0.1
done
kill9_svirtd "xl create of g55c under way (domain ${dc:-none}, svirt state $(svirt_node "${dc:-0}" state 2>/dev/null || echo none))"
# The pair svirtd had published for it, if any: a live guest keeps it across the restart (check_world).
pair[g55c]=$(svirt_node "${dc:-0}" imagelabel 2>/dev/null || true)
echo "g55c's pair before the kill: ${pair[g55c]:-none published}"
restart_svirtd "2"
check "xl create -p g55c" wait "$pc"
live[g55c]=1
check_world

# 3: during xl destroy: the moment its backends are gone, before the domain is.
da=$(domid_of g55a)
timed xl destroy g55a >g55a-destroy.out 2>&1 &
pd=$!
for ((i = 0; i < 600; i++)); do xs_gone "/local/domain/0/backend/qdisk/$da" && break; sleep 0.05; done
kill9_svirtd "xl destroy of g55a under way"
check "xl destroy g55a" wait "$pd"
restart_svirtd "3"
unset 'live[g55a]'
check_world
check "g55a's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$da"

# 4: the toolstack goes on without svirtd: a destroy and a create while it is down.
kill9_svirtd "idle, before a destroy and a create"
db=$(domid_of g55b)
check "xl destroy g55b with svirtd down" timed xl destroy g55b
check "xl create -p g55d with svirtd down" timed xl create -p g55d.cfg
restart_svirtd "4"
unset 'live[g55b]'
live[g55d]=1
check_world
check "g55b's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$db"

# And the last two destroyed with svirtd up: everything back as it was.
for g in g55c g55d; do
	d=$(domid_of "$g")
	check "xl destroy $g" timed xl destroy "$g"
	wait_until 60 "$g's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d"
	unset "live[$g]"
done
check_world
check "svirtd runs" running svirtd
grep -E 'ready:|reconciled|died|killed|refused|cannot' "$LOG" | tail -n 20
