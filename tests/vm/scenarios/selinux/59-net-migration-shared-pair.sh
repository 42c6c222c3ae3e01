#!/bin/bash
# Scenario (issue 16 item 3): while a guest migrates to this host its outgoing and incoming domains are two
# domains of one pair, each with its own vifs, all mapped to the pair's one secmark object (lib/net.c through
# svirt-nettool). The outgoing domain's end removes its own ports only: the object stays while the incoming
# domain's ports map to it, and goes with their end. (Before, the outgoing domain's last port deleted the object
# under the incoming one's map elements: nft refused with EBUSY, the outgoing ports stayed held, and svirtd put
# the migrated guest in state error: scenario xen/84's first boot.)
set -euo pipefail
. "$VM_LIB"

net_prepare
trap net_cleanup EXIT
BR=svbr9
net_bridge "$BR" 10.91.0.1/24
net_plug gOut vif941.0 10.91.0.11
net_plug gOut2 vif941.0-emu 10.91.0.12
net_plug gIn vif942.0 10.91.0.21
net_plug gIn2 vif942.0-emu 10.91.0.22

coproc NT1 { "$NETTOOL" 2>>"$PWD/nettool.log"; }
NT_PID=$NT1_PID nt_in=${NT1[1]} nt_out=${NT1[0]}
nt open
nt rebuild

OBJ=svirt_c11_c12
maps_to() { nft list map bridge svirt port_secmark 2>/dev/null | has -F "\"$1\" : \"$OBJ\""; }
held() { nft list map bridge svirt port_secmark 2>/dev/null | has -F "\"$1\" :"; }
object() { nft list table bridge svirt | has -E "secmark $OBJ "; }
peer() { unlbl_entries | has -x "$1 0.0.0.0/0 \"system_u:system_r:svirt_xen_t:s0:c11,c12\""; }

# The outgoing domain 941 runs; the incoming domain 942 (the same guest) gets the same pair, its vif and tap.
nt add vif941.0 941 c11,c12
nt add vif941.0-emu 941 c11,c12
nt add vif942.0 942 c11,c12
nt add vif942.0-emu 942 c11,c12
for p in vif941.0 vif941.0-emu vif942.0 vif942.0-emu; do
	check "$p maps to the pair's object $OBJ" maps_to $p
done

# The hand-over: the outgoing domain ends.
nt_reply release 941
echo "svirt-nettool: $reply"
check_eq "the outgoing domain's end removes its labels" ok "$reply"
refute "vif941.0 is held" held vif941.0
refute "vif941.0-emu is held" held vif941.0-emu
check "the object $OBJ stays" object
check "the incoming domain's vif still maps to it" maps_to vif942.0
check "and its tap" maps_to vif942.0-emu
check "the incoming domain's vif keeps its peer label" peer vif942.0
refute "its vif is in the set unlabelled" has -F '"vif942.0"' < <(nft list set bridge svirt unlabelled)

# The migrated guest ends: the object goes with its last port.
nt del vif942.0-emu
check "the object stays while vif942.0 maps to it" object
nt release 942
refute "vif942.0 is held" held vif942.0
refute "the object $OBJ is left" object
