#!/bin/bash
# Scenario: vifs hot-plugged into a running PV guest (xl network-attach, through plain vif-bridge and the backend
# watch, then through vif-svirt) get the guest's peer label and secmark from svirtd; xl network-detach removes
# each one's NetLabel entries and map element while the guest's first vif keeps its own, and the guest still answers.
# Through vif-svirt the labels are there when xl returns, and with svirtd out of reach the attach fails closed.
set -euo pipefail
. "$VM_LIB"
# No AVC denial is expected: the guest's second and third vifs carry no traffic (the guest never configures
# them), and its first one only dom0's pings, which every guest may exchange with dom0.

G=n42
log0=$(wc -l <"$LOG")
our_log() { tail -n "+$((log0 + 1))" "$LOG"; }
cleanup() {
	local rc=$?
	if [ "$rc" != 0 ]; then echo "svirtd's log during this scenario:"; our_log | tail -n 40 | sed 's/^/  log | /'; fi
	if domid_of "$G" >/dev/null; then xl destroy "$G" || true; fi
	rm -f "$IMAGES/$G.img"
}
trap cleanup EXIT

running svirtd || fail "svirtd is not running in dom0"
check "svirtd's tables exist" nft list table bridge svirt
check "vif-svirt is installed" test -x /etc/xen/scripts/vif-svirt
truncate -s 16M "$IMAGES/$G.img"
guest_config $G 10.77.0.42 "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/$G.img" >$G.cfg
check "xl create $G" timed xl create $G.cfg
d=$(domid_of $G)
wait_until 60 "svirtd reports $G labelled" svirt_labelled "$d"
l=$(svirt_node "$d" label)
p=${l##*:}
obj="svirt_${p/,/_}"
echo "$G: domain $d, $l"

peer_label() { unlbl_entries | has -x "$1 0.0.0.0/0 \"$2\""; }
no_peer_label() { ! unlbl_entries | has "^$1 "; }
in_port_map() { nft list map bridge svirt port_secmark | has "\"$1\" : \"$2\""; }
not_in_port_map() { ! nft list map bridge svirt port_secmark | has "\"$1\""; }
wait_until 60 "vif$d.0 has $G's peer label" peer_label "vif$d.0" "$l"
wait_until 300 "$G is up" guest_ready "$d"

# --- plain xl network-attach: vif-bridge plugs it, svirtd's backend watch labels it
check "xl network-attach $G (plain vif-bridge)" timed xl network-attach $G bridge=xenbr0
check "$G has a vif 1 in the backend tree" xenstore-exists "/local/domain/0/backend/vif/$d/1"
wait_until 60 "vif$d.1 has $G's peer label" peer_label "vif$d.1" "$l"
wait_until 30 "the port map sends vif$d.1 to $G's secmark object" in_port_map "vif$d.1" "$obj"
check_eq "$G is still labelled" labelled "$(svirt_node "$d" state)"

# --- xl network-attach through vif-svirt: the labels are there the instant xl returns. vif-svirt holds back
# the wrapped vif-bridge's hotplug-status "connected" (netback's cue to connect the guest) until svirtd said the
# vif carries its guest's labels, and libxl waits for the script: nothing here is waited for.
check "xl network-attach $G (vif-svirt)" timed xl network-attach $G bridge=xenbr0 script=vif-svirt
check "vif$d.2 has $G's peer label" peer_label "vif$d.2" "$l"
check "and its port map element" in_port_map "vif$d.2" "$obj"
check_eq "vif$d.2's hotplug-status" connected "$(xenstore-read "/local/domain/0/backend/vif/$d/2/hotplug-status")"
check "svirtd labelled vif$d.2 on vif-svirt's request" sh -c "tail -n +$((log0 + 1)) $LOG | grep -q 'domain $d ($G): vif vif$d.2 labelled (VIF request)'"
netlabelctl -p unlbl list | sed 's/^/  | /'
nft list map bridge svirt port_secmark | sed 's/^/  | /'

# --- xl network-detach: each vif's labels go with it, the others stay
check "xl network-detach $G 1" timed xl network-detach $G 1
wait_until 60 "vif$d.1's peer label is gone" no_peer_label "vif$d.1"
wait_until 60 "vif$d.1 is out of the port map" not_in_port_map "vif$d.1"
check "vif$d.0 keeps $G's peer label" peer_label "vif$d.0" "$l"
check "vif$d.2 keeps $G's peer label" peer_label "vif$d.2" "$l"
check "vif$d.2 keeps its port map element" in_port_map "vif$d.2" "$obj"
check "xl network-detach $G 2" timed xl network-detach $G 2
wait_until 60 "vif$d.2's peer label is gone" no_peer_label "vif$d.2"
wait_until 60 "vif$d.2 is out of the port map" not_in_port_map "vif$d.2"
check "vif$d.0 keeps $G's peer label" peer_label "vif$d.0" "$l"
check "and its port map element" in_port_map "vif$d.0" "$obj"
check_eq "$G is still labelled after the detaches" labelled "$(svirt_node "$d" state)"
refute "svirtd logged no error about $G's network labels" sh -c "tail -n +$((log0 + 1)) $LOG | grep -E 'domain $d .*(refused|removing its network labels|is not labelled)'"
# The guest's side: its first vif still carries its traffic to dom0.
check "dom0 still reaches $G" ping -q -c 2 -W 5 10.77.0.42

# --- fail closed: svirtd out of reach (the script inherits xl's environment, SVIRT_SOCKET names no socket).
# The attach must fail, the vif must never be reported connected, and it must not stay on the bridge.
before=" $(xenstore-list "/local/domain/0/backend/vif/$d" | tr '\n' ' ') "
refute "xl network-attach $G (vif-svirt, svirtd out of reach)" \
	env SVIRT_SOCKET=/run/svirt/no-such.sock timeout 120 xl network-attach $G bridge=xenbr0 script=vif-svirt
n=
for i in $(xenstore-list "/local/domain/0/backend/vif/$d"); do [[ $before == *" $i "* ]] || n=$i; done
[ -n "$n" ] || fail "the refused attach left no backend node to look at"
be=/local/domain/0/backend/vif/$d/$n
echo "  the refused vif is $d/$n: hotplug-status $(xenstore-read "$be/hotplug-status" 2>&1), error: $(xenstore-read "$be/hotplug-error" 2>&1)"
refute "vif$d.$n was reported connected" xs_is "$be/hotplug-status" connected
check_eq "vif$d.$n's hotplug-status" error "$(xenstore-read "$be/hotplug-status")"
check "its hotplug-error says svirtd was out of reach" sh -c "xenstore-read $be/hotplug-error | grep -q 'no-such.sock'"
refute "vif$d.$n is on xenbr0" test -e "/sys/class/net/xenbr0/brif/vif$d.$n"
refute "vif$d.$n is up" sh -c "ip -o link show vif$d.$n 2>/dev/null | grep -q '[<,]UP[,>]'"
xl network-detach $G "$n" >/dev/null 2>&1 || true

check "xl destroy $G" xl destroy $G
no_vif_labels() { ! unlbl_entries | has -E "vif$d\\.[0-9]"; }
wait_until 60 "$G's peer labels are gone" no_vif_labels
no_elements() { ! nft list table bridge svirt | has -E "vif$d\\.[0-9]|$obj"; }
wait_until 60 "its map elements and secmark object are gone" no_elements
