#!/bin/bash
# Scenario (issue 16 item 2): an HVM guest's emulated NIC, qemu's tap that libxl names vifD.N-emu, stood in for
# by a veth of that name on the bridge beside the guest's vif. Labelled only by the vif's name (svirtd before),
# the two guests' emulated NICs reach each other as traffic of no guest; labelled as svirtd now does it
# (lib/vif.c's ports of a backend vif, through svirt-nettool's "vif"), they cannot, each reaches its own side,
# the tap is labelled before its vif connects, goes when it leaves, and goes with its guest.
set -euo pipefail
. "$VM_LIB"

TOOL=$NETTOOL
net_prepare
trap net_cleanup EXIT

BR=svbr7
net_bridge "$BR" 10.89.0.1/24
# Guest A (domain 921) and guest B (922), each with vif 0 and, beside it, its emulated NIC.
net_plug gA vif921.0 10.89.0.11
net_plug gAe vif921.0-emu 10.89.0.12
net_plug gB vif922.0 10.89.0.21
net_plug gBe vif922.0-emu 10.89.0.22
mac_of() { ip -n "$1" link show eth0 | awk '/link\/ether/ { print $2 }'; }
# Each side is told the other's MAC, so that its IP packets are sent (ARP across pairs is dropped).
ip -n gAe neigh replace 10.89.0.22 lladdr "$(mac_of gBe)" dev eth0 nud permanent
ip -n gBe neigh replace 10.89.0.12 lladdr "$(mac_of gAe)" dev eth0 nud permanent

coproc NT1 { "$TOOL" 2>>"$PWD/nettool.log"; }
NT_PID=$NT1_PID nt_in=${NT1[1]} nt_out=${NT1[0]}
held() { nft list map bridge svirt port_secmark 2>/dev/null | has "\"$1\" :"; }
echo 0 >/proc/sys/kernel/printk_ratelimit
nt open
nt rebuild

# Before: svirtd labelled each guest's vifD.N only. The emulated NICs were ports of no guest.
nt add vif921.0 921 c1,c2
nt add vif922.0 922 c3,c4
refute "vif921.0-emu is in the port map (labelled by the vif's name only)" held vif921.0-emu
check "so A's emulated NIC reaches B's, as traffic of no guest" ip netns exec gAe ping -c 1 -W 2 10.89.0.22
nt release 921
nt release 922
# Their end set the guests' ports down (lib/net.c: before their peer labels go); the next guests' hotplug
# brings them up again, as vif-bridge does. The emulated NICs were no port of theirs: they stay up.
link_up() { ip -o link show "$1" | has -E '[<,]UP[,>]'; }
for port in vif921.0 vif922.0; do
	refute "$port is up after its guest's end" link_up "$port"
	ip link set "$port" up
done
check "vif921.0-emu, no port of the guest that ended, is still up" link_up vif921.0-emu

# Now: a guest's ports are what lib/vif.c makes of its backend vif. The tap exists before the vif's hotplug
# script has finished (libxl adds qemu's tap to the bridge first): it is labelled already.
nt vif 921 0 c1,c2 unconnected
check "A's emulated NIC is held before its vif connects" held vif921.0-emu
refute "its vif, not connected, is not yet" held vif921.0
nt vif 921 0 c1,c2 connected
nt vif 922 0 c3,c4 connected
netlabelctl -p unlbl list | sed 's/^/  | /'
unlbl=$(unlbl_entries)
check "vif921.0-emu carries guest A's peer label (IPv4)" grep -qx \
	'vif921.0-emu 0.0.0.0/0 "system_u:system_r:svirt_xen_t:s0:c1,c2"' <<<"$unlbl"
check "vif922.0-emu carries guest B's peer label (IPv6 too)" grep -qx \
	'vif922.0-emu ::/0 "system_u:system_r:svirt_xen_t:s0:c3,c4"' <<<"$unlbl"
table=$(nft list table bridge svirt)
echo "$table" | sed 's/^/  | /'
check "the port map names A's emulated NIC with A's secmark object" grep -q '"vif921.0-emu" : "svirt_c1_c2"' <<<"$table"
check "and B's with B's" grep -q '"vif922.0-emu" : "svirt_c3_c4"' <<<"$table"
check "A's vif is held beside it" held vif921.0

refute "A's emulated NIC reaches B's" ip netns exec gAe ping -c 2 -W 2 10.89.0.22
refute "B's emulated NIC reaches A's" ip netns exec gBe ping -c 2 -W 2 10.89.0.12
check_avc "the kernel denied A's emulated NIC's packets towards B's (A's peer label, B's secmark)" \
	'denied  \{ forward_in \}.*saddr=10\.89\.0\.12 daddr=10\.89\.0\.22 .*scontext=system_u:system_r:svirt_xen_t:s0:c1,c2 tcontext=system_u:object_r:svirt_xen_packet_t:s0:c3,c4 tclass=packet'
check_avc "and B's towards A's" \
	'denied  \{ forward_in \}.*saddr=10\.89\.0\.22 daddr=10\.89\.0\.12 .*scontext=system_u:system_r:svirt_xen_t:s0:c3,c4 tcontext=system_u:object_r:svirt_xen_packet_t:s0:c1,c2 tclass=packet'
ip -n gAe neigh replace 10.89.0.21 lladdr "$(mac_of gB)" dev eth0 nud permanent
refute "A's emulated NIC reaches B's vif" ip netns exec gAe ping -c 2 -W 2 10.89.0.21
expect_avc 'denied  \{ forward_in \}.*saddr=10\.89\.0\.12 daddr=10\.89\.0\.21 .*tclass=packet'
check "A's emulated NIC reaches A's vif (its own side)" ip netns exec gAe ping -c 2 -W 2 10.89.0.11
check "B's emulated NIC reaches B's vif" ip netns exec gBe ping -c 2 -W 2 10.89.0.21
check "dom0 reaches A's emulated NIC" ping -c 1 -W 2 10.89.0.12
check "A's emulated NIC reaches dom0" ip netns exec gAe ping -c 1 -W 2 10.89.0.1

# A vifname that would pass for another guest's device is refused, and changes nothing.
nt_reply vif 921 0 c1,c2 connected vifname=vif922.0
echo "svirt-nettool: $reply"
check "a vifname naming domain 922's vif is refused with a reason" grep -q "is the name of domain 922's vif 0" <<<"$reply"
nt_reply vif 921 0 c1,c2 connected vifname=vif921.0-emu
echo "svirt-nettool: $reply"
check "a vifname with the emulated NIC's suffix is refused" grep -q 'ends in "-emu"' <<<"$reply"
check "B's emulated NIC is still B's" grep -q '"vif922.0-emu" : "svirt_c3_c4"' <<<"$(nft list table bridge svirt)"

# The tap leaves (qemu ended, or an unplug): the guest is looked at again and the port is let go.
ip link del vif922.0-emu
nt vif 922 0 c3,c4 connected
refute "B's former emulated NIC is out of the port map" held vif922.0-emu
refute "and has no NetLabel entry" grep -q '^vif922.0-emu ' <<<"$(unlbl_entries)"
check "B's vif stays held" held vif922.0

# A's tap goes down and is gone before svirt labels it again: qemu ended while svirtd was busy, or an HVM
# guest's PV drivers had its emulated NIC unplugged. Nothing is left to label, and it is not the guest's
# doing: svirtd used to refuse the guest for it ("no such network interface", seen in the Xen host).
nt watch
ip link set vif921.0-emu down
nt links
ip link del vif921.0-emu
nt_reply add vif921.0-emu 921 c1,c2
echo "svirt-nettool: $reply"
check "labelling A's emulated NIC again once it is gone is no error" test "$reply" = ok
check "it stays held, its frames dropped, until its guest ends" held vif921.0-emu
check "A's vif is still held" held vif921.0
check "and still carries A's peer label" grep -qx \
	'vif921.0 0.0.0.0/0 "system_u:system_r:svirt_xen_t:s0:c1,c2"' <<<"$(unlbl_entries)"

# With the guest.
nt release 921
refute "guest A's vif is up after its end" link_up vif921.0
refute "guest A's emulated NIC is out of the port map" held vif921.0-emu
refute "and its NetLabel entries are gone" grep -q '^vif921' <<<"$(unlbl_entries)"
refute "guest A's secmark object is gone" sh -c 'nft list table bridge svirt | grep -q svirt_c1_c2'
nt release 922
kill "$NT_PID"
wait "$NT_PID" 2>/dev/null || true
