#!/bin/bash
# Scenario: two veth "guests" on a bridge get NetLabel peer labels and secmark (lib/net.c via svirt-nettool), the rest
# the default peer label: same-guest traffic passes, cross-guest is denied with the AVC, dom0's own traffic works, release removes all.
set -euo pipefail
. "$VM_LIB"

TOOL=$NETTOOL
net_prepare
trap net_cleanup EXIT
BR=svbr0
net_bridge "$BR" 10.88.0.1/24
# guest A has two vifs (vif901.0, vif901.1), guest B one (vif902.0); each in its own namespace.
net_plug gA1 vif901.0 10.88.0.11
net_plug gA2 vif901.1 10.88.0.12
net_plug gB vif902.0 10.88.0.21

coproc NT1 { "$TOOL" 2>>"$PWD/nettool.log"; }
# Each instance its own name: bash clears a coproc's variables when it is reaped.
NT_PID=$NT1_PID nt_in=${NT1[1]} nt_out=${NT1[0]}
nt open
nt watch
nt rebuild
nt add vif901.0 901 c1,c2
nt add vif901.1 901 c1,c2
nt add vif902.0 902 c3,c4

netlabelctl -p unlbl list | sed 's/^/  | /'
unlbl=$(unlbl_entries)
check "vif901.0 carries guest A's peer label (IPv4)" grep -qx \
	'vif901.0 0.0.0.0/0 "system_u:system_r:svirt_xen_t:s0:c1,c2"' <<<"$unlbl"
check "vif902.0 carries guest B's peer label (IPv6 too)" grep -qx \
	'vif902.0 ::/0 "system_u:system_r:svirt_xen_t:s0:c3,c4"' <<<"$unlbl"
# Any other interface's traffic gets refpolicy's unlabelled peer, which every domain may receive from;
# without these entries it would be unlabeled_t, which none may.
PEER='"system_u:object_r:netlabel_peer_t:s0"'
check "the default entries label traffic of no guest netlabel_peer_t (IPv4)" grep -qx "DEFAULT 0.0.0.0/0 $PEER" <<<"$unlbl"
check "and IPv6" grep -qx "DEFAULT ::/0 $PEER" <<<"$unlbl"
table=$(nft list table bridge svirt)
echo "$table" | sed 's/^/  | /'
check "guest B's secmark object" grep -q '"system_u:object_r:svirt_xen_packet_t:s0:c3,c4"' <<<"$table"
check "the port map names each vif's guest" grep -q '"vif901.1" : "svirt_c1_c2"' <<<"$table"
check "br_netfilter hands bridged IPv4 to the IP hooks" test "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables)" = 1
check "and VLAN-tagged IP" test "$(cat /proc/sys/net/bridge/bridge-nf-filter-vlan-tagged)" = 1
check "and IP in PPPoE sessions" test "$(cat /proc/sys/net/bridge/bridge-nf-filter-pppoe-tagged)" = 1
check "every labelled port is out of the set unlabelled" test -z "$(nft list set bridge svirt unlabelled | grep -o 'vif90[0-9.]*' || true)"

# Without auditd, AVCs reach dmesg through printk's rate limit: lift it.
echo 0 >/proc/sys/kernel/printk_ratelimit
# ARP between guests of different pairs is dropped (svirt's table): each guest is told the other's MAC, as a
# guest that knows it (or guesses it) would, so that its IP packets are sent and SELinux refuses them.
mac_of() { ip -n "$1" link show eth0 | awk '/link\/ether/ { print $2 }'; }
ip -n gA1 neigh replace 10.88.0.21 lladdr "$(mac_of gB)" dev eth0 nud permanent
ip -n gB neigh replace 10.88.0.11 lladdr "$(mac_of gA1)" dev eth0 nud permanent
check "guest A's two vifs reach each other" ip netns exec gA1 ping -c 2 -W 2 10.88.0.12
refute "guest A reaches guest B" ip netns exec gA1 ping -c 2 -W 2 10.88.0.21
refute "guest B reaches guest A" ip netns exec gB ping -c 2 -W 2 10.88.0.11
# Each frame is refused where it enters the IP forward hook: the sender's peer label against the secmark of the
# vif it would leave by.
check_avc "the kernel denied A's packets towards B (forward_in, A's peer label, B's secmark)" \
	'denied  \{ forward_in \}.*saddr=10\.88\.0\.11 daddr=10\.88\.0\.21 .*scontext=system_u:system_r:svirt_xen_t:s0:c1,c2 tcontext=system_u:object_r:svirt_xen_packet_t:s0:c3,c4 tclass=packet'
check_avc "and B's towards A" \
	'denied  \{ forward_in \}.*saddr=10\.88\.0\.21 daddr=10\.88\.0\.11 .*scontext=system_u:system_r:svirt_xen_t:s0:c3,c4 tcontext=system_u:object_r:svirt_xen_packet_t:s0:c1,c2 tclass=packet'
check "dom0 reaches guest A" ping -c 1 -W 2 10.88.0.11
check "dom0 reaches guest B" ping -c 1 -W 2 10.88.0.21
check "guest B reaches dom0" ip netns exec gB ping -c 1 -W 2 10.88.0.1

# Frames br_netfilter never hands the IP hooks, so SELinux never sees them: a VID-0 priority tag (Linux takes
# the packet as untagged), 802.1ad double tags, a PPPoE session, ARP, a raw ethertype, an 802.3 LLC frame.
# Crafted and sent from guest A's NIC: none may reach guest B; A's own other vif and dom0's bridge get them.
# crafted FROM_NS TO_NS|- KIND: succeeds if the frame arrived (TO "-": on the bridge, dom0's side).
seq=0
crafted() {
	local to=${2#-} rp i=0
	seq=$((seq + 1))
	rm -f recv.out
	if [ -n "$to" ]; then
		ip netns exec "$to" "$TOOL" recv eth0 1500 >recv.out &
	else
		"$TOOL" recv "$BR" 1500 >recv.out &
	fi
	rp=$!
	while ! grep -q listening recv.out 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	ip netns exec "$1" "$TOOL" send eth0 "$3" "$seq" || fail "svirt-nettool send $3 failed"
	wait "$rp"
	grep -qx "got $seq" recv.out
}
for kind in vid0 qinq pppoe arp raw llc; do
	refute "a crafted $kind frame from guest A reaches guest B" crafted gA1 gB $kind
	refute "and one from guest B reaches guest A" crafted gB gA1 $kind
	check "a crafted $kind frame from guest A reaches A's other vif (same pair)" crafted gA1 gA2 $kind
	check "and dom0's bridge" crafted gA1 - $kind
done

# A vif that goes down loses its NetLabel entries (the kernel drops them on NETDEV_DOWN); back up, its
# traffic would carry the peer label of no guest, which reaches every guest. svirt watches link events:
# down, the vif's frames are dropped in its table; up, its peer label is written again.
ip link set vif901.0 down
echo "NetLabel's entries for vif901.0 after link down (the kernel drops them):"
unlbl_entries | grep '^vif901.0 ' | sed 's/^/  | /' || echo "  | none"
nt links
check "svirt put vif901.0 in its table's set unlabelled" sh -c 'nft list set bridge svirt unlabelled | grep -q "\"vif901.0\""'
ip link set vif901.0 up
# Up again, before svirt has acted on it: its frames are dropped, not passed as traffic of no guest.
refute "guest A, its peer label dropped by the kernel, reaches guest B" ip netns exec gA1 ping -c 2 -W 2 10.88.0.21
refute "nor dom0" ip netns exec gA1 ping -c 1 -W 2 10.88.0.1
nt links
check "svirt wrote vif901.0's peer label again when it came up" grep -qx \
	'vif901.0 0.0.0.0/0 "system_u:system_r:svirt_xen_t:s0:c1,c2"' <<<"$(unlbl_entries)"
check "and took it out of the set unlabelled" sh -c '! nft list set bridge svirt unlabelled | grep -q "\"vif901.0\""'
check "guest A's vifs reach each other again" ip netns exec gA1 ping -c 2 -W 2 10.88.0.12
check "guest A reaches dom0 again" ip netns exec gA1 ping -c 1 -W 2 10.88.0.1
A_TO_B='denied  \{ forward_in \}.*saddr=10\.88\.0\.11 daddr=10\.88\.0\.21 .*scontext=system_u:system_r:svirt_xen_t:s0:c1,c2 tcontext=system_u:object_r:svirt_xen_packet_t:s0:c3,c4 tclass=packet'
n_avc=$(avc_lines | grep -cE "$A_TO_B" || true)
refute "guest A still does not reach guest B" ip netns exec gA1 ping -c 2 -W 2 10.88.0.21
more_avcs() { [ "$(avc_lines | grep -cE "$A_TO_B" || true)" -gt "$n_avc" ]; }
wait_until 10 "the kernel denied it again, with A's peer label (AVCs: more than $n_avc)" more_avcs

nt release 901
unlbl=$(unlbl_entries)
refute "guest A's peer labels are gone" grep -q 'vif901' <<<"$unlbl"
check "guest B's stay" grep -q 'vif902.0' <<<"$unlbl"
table=$(nft list table bridge svirt)
refute "guest A's map elements are gone" grep -q 'vif901' <<<"$table"
refute "guest A's secmark object is gone" grep -q 'svirt_c1_c2' <<<"$table"
# An ended guest's vifs are set down before their peer labels go (a static remove racing the kernel's own at
# link down can oops it: selinux/58); up again, as the next guest's hotplug script brings one up, they pass.
link_up() { ip -o link show "$1" | has -E '[<,]UP[,>]'; }
refute "A's former vif901.0 is up after A's end" link_up vif901.0
refute "nor vif901.1" link_up vif901.1
refute "so they pass no traffic" ip netns exec gA1 ping -c 1 -W 2 10.88.0.12
ip link set vif901.0 up
ip link set vif901.1 up
# The bridge forwards on a port once its carrier is seen, a moment after the link is up.
wait_until 10 "brought up again, A's former vifs pass traffic, as any of no guest" \
	ip netns exec gA1 ping -c 1 -W 1 10.88.0.12
nt release 902
check "no peer label is left" test -z "$(unlbl_entries | grep vif90 || true)"
refute "B's former vif is up" link_up vif902.0
ip link set vif902.0 up
refute "no guest's secmark object is left (svirt_outside is the table's own)" sh -c 'nft list table bridge svirt | grep -q "secmark svirt_c"'
kill "$NT_PID"
wait "$NT_PID" 2>/dev/null || true

# network_dom0 = "deny" and network_outside = "deny": svirtd's bridge table drops those frames.
coproc NT2 { "$TOOL" 2>>"$PWD/nettool.log"; }
NT_PID=$NT2_PID nt_in=${NT2[1]} nt_out=${NT2[0]}
nt open dom0=deny outside=deny
nt rebuild
nt add vif901.0 901 c1,c2
nt add vif901.1 901 c1,c2
check "with dom0 denied, guest A's vifs still reach each other" ip netns exec gA1 ping -c 1 -W 2 10.88.0.12
refute "dom0 reaches guest A" ping -c 1 -W 2 10.88.0.11
refute "guest A reaches dom0" ip netns exec gA1 ping -c 1 -W 2 10.88.0.1
refute "guest A reaches vif902.0, a port of no guest now (the outside)" ip netns exec gA1 ping -c 1 -W 2 10.88.0.21
nt release 901
refute "A's end set vif901.0 down" link_up vif901.0
ip link set vif901.0 up
wait_until 10 "with no guest left, dom0 reaches A's former vif once it is up" ping -c 1 -W 1 10.88.0.11

# A crash (kill -9) leaves entries behind: the next instance's rebuild removes them, and an entry
# left with another label is replaced when the vif is labelled again.
nt add vif901.0 901 c1,c2
nt add vif902.0 902 c3,c4
kill -9 "$NT_PID"
wait "$NT_PID" 2>/dev/null || true
coproc NT3 { "$TOOL" 2>>"$PWD/nettool.log"; }
NT_PID=$NT3_PID nt_in=${NT3[1]} nt_out=${NT3[0]}
nt open
nt rebuild
check "the rebuild removed every entry no guest holds" test -z "$(unlbl_entries | grep vif90 || true)"
check "and kept the default entries, once each" test "$(unlbl_entries | grep -c "^DEFAULT .* $PEER\$")" = 2
netlabelctl unlbl add interface:vif901.0 address:0.0.0.0/0 label:system_u:system_r:svirt_xen_t:s0:c1,c2
nt add vif901.0 903 c5,c6
check "an entry left with another label is replaced" grep -qx 'vif901.0 0.0.0.0/0 "system_u:system_r:svirt_xen_t:s0:c5,c6"' <<<"$(unlbl_entries)"
nt release 903
# A default entry left with another label (an administrator's, an older config's) is replaced too.
kill "$NT_PID"
wait "$NT_PID" 2>/dev/null || true
netlabelctl unlbl del default address:0.0.0.0/0
netlabelctl unlbl add default address:0.0.0.0/0 label:system_u:object_r:unlabeled_t:s0
coproc NT4 { "$TOOL" 2>>"$PWD/nettool.log"; }
NT_PID=$NT4_PID nt_in=${NT4[1]} nt_out=${NT4[0]}
nt open
nt rebuild
check "a default entry with another label is replaced" grep -qx "DEFAULT 0.0.0.0/0 $PEER" <<<"$(unlbl_entries)"
# Removed behind svirt's back while it runs: put back with the next vif it labels.
netlabelctl unlbl del default address:::/0
nt add vif901.0 904 c7,c8
check "a default entry removed while svirt runs is put back with the next vif" \
	grep -qx "DEFAULT ::/0 $PEER" <<<"$(unlbl_entries)"
check "... and svirt says so" grep -q 'put back: someone had removed them' nettool.log
nt release 904
sed "s/^/  log | /" nettool.log
# What svirtd never does (the vifs' entries outlive it): the host as it was, for the later scenarios.
check "the default entries can be removed by hand (IPv4)" netlabelctl unlbl del default address:0.0.0.0/0
check "and IPv6" netlabelctl unlbl del default address:::/0
check "no NetLabel entry is left" test -z "$(unlbl_entries)"
