#!/bin/bash
# Scenario (issue 17 item 2): svirt-xl migrate to this same host (the Flask hypervisor, built with shadow paging):
# xl migrate -p, and the guest runs only once svirtd reports it labelled. With no svirtd answering it is left paused,
# named, and runs after svirt-xl unpause. The ssh path (xl's "exec SSH HOST xl migrate-receive -p", then "exec SSH
# HOST svirt-xl unpause UUID") runs through a stand-in ssh that runs the command here: one host, one svirtd.
set -euo pipefail
. "$VM_LIB"

G=s62
U=6c1a2b3d-6200-4000-8000-000000000062
PAIR=c87,c887
image=system_u:object_r:svirt_xen_image_t:s0:$PAIR
loop=
cleanup() {
	destroy_migrating "$G"
	[ -z "$loop" ] || losetup -d "$loop" 2>/dev/null || true
}
trap cleanup EXIT
command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
# xl's state flags of a domain ("--p---" paused, "-b----" blocked, "r-----" running).
run_state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }
paused() { [[ $(run_state "$1") == *p* ]]; }
# migrated FROM WORD: the guest is a new domain, running, labelled at $PAIR in dom0 and in Flask, and reads back
# from its disk the word written before (its domid in d).
migrated() {
	d=$(domid_of "$G") || fail "no domain $G after the migration"
	check "the guest is a new domain ($1 -> $d)" test "$d" != "$1"
	refute "the outgoing domain $1 is gone" xl list "$1"
	refute "domain $d runs, not paused ($(run_state "$G"))" paused "$G"
	wait_until 30 "svirtd publishes domain $d labelled" svirt_labelled "$d"
	check_eq "the migrated domain keeps its Flask label" "$(flask_label "$PAIR")" "$(flask_label_of "$G")"
	check_eq "svirtd publishes $PAIR for it" "$image" "$(svirt_node "$d" imagelabel)"
	check_eq "its disk carries $PAIR" "$image" "$(label_of "$IMAGES/$G.img")"
	check_eq "the migrated guest reads its word back from its disk" "ok $2" "$(disk_ask "$d" read)"
}

truncate -s 16M "$IMAGES/$G.img"
loop=$(losetup -f --show "$IMAGES/$G.img")
orig=$(label_of "$IMAGES/$G.img")
loop_orig=$(label_of "$loop")
{ guest_config "$G" 10.77.0.62 "phy:$loop,xvda,w" | sed '/^vif/d'; echo "uuid = \"$U\""; } >$G.cfg
flask_avc_start
check "svirt-xl create --pair $PAIR $G" timed svirt-xl create --pair "$PAIR" $G.cfg
d1=$(domid_of "$G")
check_eq "$G's disk carries $PAIR" "$image" "$(label_of "$IMAGES/$G.img")"
wait_until 300 "$G writes data/ready=1" guest_ready "$d1"
check_eq "$G writes a word to its disk" "ok one" "$(disk_ask "$d1" write one)"

# Usage: xl's own -p (unpause at once on the destination is what svirt-xl prevents) is refused, nothing is done.
rc=0
svirt-xl migrate -p "$G" localhost 2>usage.err || rc=$?
cat usage.err
check_eq "svirt-xl migrate -p is a usage error" 2 "$rc"
check_eq "and $G is still domain $d1" "$d1" "$(domid_of "$G")"

# 1. To this host, svirtd running: labelled, unpaused, the pair handed over.
check "svirt-xl migrate -s '' $G localhost" timed svirt-xl migrate -e -s '' "$G" localhost >ok.out
cat ok.out
check "it says the guest runs labelled" has -F "svirt-xl: $G (uuid $U) migrated to localhost, labelled there, unpaused" ok.out
migrated "$d1" one
d2=$d
wait_until 30 "svirtd logged the hand-over" grep -q "domain $d2 ($G): migrated in: holds $PAIR" "$LOG"
check_eq "and the guest writes another word" "ok two" "$(disk_ask "$d2" write two)"

# 2. Fail closed: svirtd does not answer (svirt-xl's socket names none), so the new domain is never reported
# labelled. xl has destroyed the outgoing domain by then: the guest is left paused, not destroyed.
printf 'socket = "/run/svirt/no-svirtd-here.sock"\n' >nosvirtd.conf
refute "svirt-xl migrate with no svirtd answering" svirt-xl -c nosvirtd.conf migrate -e -s '' "$G" localhost 2>fail.err
cat fail.err
check "it names the domain and why" grep -q "svirt-xl migrate: domain [0-9]*: not labelled: cannot connect to svirtd at /run/svirt/no-svirtd-here.sock" fail.err
check "it says the guest is left paused" has -F "svirt-xl migrate: $G (uuid $U) migrated to localhost and is left PAUSED there" fail.err
d3=$(domid_of "$G") || fail "no domain $G after the migration"
check "the guest is a new domain ($d2 -> $d3)" test "$d3" != "$d2"
refute "the outgoing domain $d2 is gone" xl list "$d2"
check "domain $d3 is paused ($(run_state "$G"))" paused "$G"
wait_until 60 "svirtd labels domain $d3 meanwhile" svirt_labelled "$d3"
check "domain $d3 is still paused: nothing unpaused it" paused "$G"
check "svirt-xl unpause $G" timed svirt-xl unpause "$G"
migrated "$d2" two

# 3. Through an ssh command: a stand-in that runs its command here, as ssh runs it on HOST, and logs it.
cat >ssh-here <<EOF
#!/bin/sh
[ "\$1" = localhost ] || { echo "ssh-here: localhost only, not \$1" >&2; exit 255; }
shift
echo "\$*" >>$PWD/ssh-here.log
exec sh -c "\$*"
EOF
chmod +x ssh-here
: >ssh-here.log
check "svirt-xl migrate -s ssh-here $G localhost" timed svirt-xl migrate -e -s "$PWD/ssh-here" "$G" localhost
sed 's/^/    ssh-here ran: /' ssh-here.log
check "the receiver ran through it with -p" has -E '^xl( -[a-zA-Z]+)* migrate-receive( -[a-z])* -p$' ssh-here.log
check "then svirt-xl unpause of the guest's uuid" has -Fx "svirt-xl unpause $U" ssh-here.log
migrated "$d3" two
flask_avc_all_expected

check "xl destroy $G" timed xl destroy "$G"
wait_until 60 "$G's svirt nodes are gone" xs_gone "/local/domain/0/svirt/$d"
check_eq "the disk has its original label" "$orig" "$(label_of "$IMAGES/$G.img")"
check_eq "the loop device has its original label" "$loop_orig" "$(label_of "$loop")"
