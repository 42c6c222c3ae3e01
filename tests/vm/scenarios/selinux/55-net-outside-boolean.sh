#!/bin/bash
# Scenario (issue 14 item 5): svirt_xen_unlabeled_network decides whether guests exchange forwarded traffic with
# bridge ports that are no guest's (the outside). On: a veth "guest" reaches a namespace behind such a port, and it
# reaches the guest. Off: neither way, not even one frame the guest sends without waiting for a reply, while the
# guest's two vifs (one pair) still reach each other. The boolean is put back as it was found.
set -euo pipefail
. "$VM_LIB"

TOOL=$NETTOOL
BOOL=svirt_xen_unlabeled_network
net_prepare

# The policy has it as a boolean (gen_tunable builds one), so it can be switched at run time. Through selinuxfs,
# as setsebool without -P does (this host has no policy store for -P): the value, then a commit.
BOOLFS=/sys/fs/selinux/booleans/$BOOL
[ -e "$BOOLFS" ] || fail "the loaded policy has no boolean $BOOL"
bool_now() { local v rest; read -r v rest <"$BOOLFS"; echo "$v"; }
bool_set() { echo "$1" >"$BOOLFS" && echo 1 >/sys/fs/selinux/commit_pending_bools; }
was=$(bool_now)
echo "  | $BOOL is $was"

cleanup() {
	bool_set "$was" || echo "could not put $BOOL back to $was" >&2
	net_cleanup
}
trap cleanup EXIT

BR=svbr1
net_bridge "$BR"
# Guest A has two vifs (vif911.0, vif911.1, pair c1,c2); eth911 is a port of no guest, the outside behind it.
net_plug oA1 vif911.0 10.89.0.11
net_plug oA2 vif911.1 10.89.0.12
net_plug oOut eth911 10.89.0.99

coproc NT1 { "$TOOL" 2>>"$PWD/nettool.log"; }
# Its own name: bash clears a coproc's variables when it is reaped.
NT_PID=$NT1_PID nt_in=${NT1[1]} nt_out=${NT1[0]}
nt open
nt rebuild
nt add vif911.0 911 c1,c2
nt add vif911.1 911 c1,c2
nft list table bridge svirt | sed 's/^/  | /'

# crafted FROM_NS TO_NS: a broadcast UDP frame (valid, so br_netfilter hands it to the IP hooks) sent from FROM's
# NIC; succeeds if it arrived at TO's. Nothing answers it: it shows one-way traffic, which a ping cannot.
seq=0
crafted() {
	local rp i=0
	seq=$((seq + 1))
	rm -f recv.out
	ip netns exec "$2" "$TOOL" recv eth0 1500 >recv.out &
	rp=$!
	while ! grep -q listening recv.out 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	ip netns exec "$1" "$TOOL" send eth0 ipv4 "$seq" || fail "svirt-nettool send ipv4 failed"
	wait "$rp"
	grep -qx "got $seq" recv.out
}

# Without auditd, AVCs reach dmesg through printk's rate limit: lift it.
echo 0 >/proc/sys/kernel/printk_ratelimit

bool_set 1
check "with $BOOL on, guest A reaches the outside" ip netns exec oA1 ping -c 2 -W 2 10.89.0.99
check "and the outside reaches guest A" ip netns exec oOut ping -c 2 -W 2 10.89.0.11
check "a frame guest A sends the outside arrives" crafted oA1 oOut
check "a frame the outside sends guest A arrives" crafted oOut oA1
check "guest A's two vifs reach each other" ip netns exec oA1 ping -c 1 -W 2 10.89.0.12

bool_set 0
check_eq "the kernel has $BOOL off" 0 "$(bool_now)"
refute "with $BOOL off, a frame guest A sends the outside arrives (one way, no reply needed)" crafted oA1 oOut
refute "guest A reaches the outside" ip netns exec oA1 ping -c 1 -W 2 10.89.0.99
refute "a frame the outside sends guest A arrives" crafted oOut oA1
refute "the outside reaches guest A" ip netns exec oOut ping -c 1 -W 2 10.89.0.11
# The sender's peer label against the secmark svirt gives a guest's frames that leave by a port of no guest.
check_avc "the kernel refused guest A's frames to the outside (A's peer label, the outside's packet label)" \
	'denied  \{ forward_in \}.*scontext=system_u:system_r:svirt_xen_t:s0:c1,c2 tcontext=system_u:object_r:svirt_xen_outside_packet_t:s0 tclass=packet'
check_avc "and the outside's frames to A (the default peer label, A's packet label)" \
	'denied  \{ forward_in \}.*scontext=system_u:object_r:netlabel_peer_t:s0 tcontext=system_u:object_r:svirt_xen_packet_t:s0:c1,c2 tclass=packet'
check "guest A's two vifs still reach each other (one pair)" ip netns exec oA1 ping -c 2 -W 2 10.89.0.12
check "and a frame from one arrives at the other" crafted oA1 oA2

bool_set "$was"
check_eq "the boolean is back as it was" "$was" "$(bool_now)"
if [ "$was" = 1 ]; then
	check "guest A reaches the outside again" ip netns exec oA1 ping -c 1 -W 2 10.89.0.99
fi
nt release 911
kill "$NT_PID"
wait "$NT_PID" 2>/dev/null || true
