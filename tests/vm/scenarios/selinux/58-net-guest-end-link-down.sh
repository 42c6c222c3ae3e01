#!/bin/bash
# Scenario: a guest's end sets its vifs down before svirt removes their NetLabel entries (lib/net.c through
# svirt-nettool's "release"). The kernel drops an interface's entries itself at link down, and a static remove
# that meets that can unlink the interface twice (an oops in netlbl_unlhsh_remove on Debian 12's 6.1); down
# first, svirt's removes find nothing left. A vif changing hands, or one whose domain is let go without ending
# (a stub bound as a guest), stays up: its interface is in use.
set -euo pipefail
. "$VM_LIB"

TOOL=$NETTOOL
command -v auditctl >/dev/null || fail "auditctl is not in the host image (tests/vm/mkimage)"
net_prepare
audit_before=$(auditctl -s | awk '$1 == "enabled" { print $2 }')
trap 'auditctl -e "${audit_before:-0}" >/dev/null 2>&1 || true; net_cleanup' EXIT
# NetLabel writes its records (AUDIT_MAC_UNLBL_STCDEL, type 1417) only with auditing on; without an audit
# daemon the kernel prints them to its log.
check "auditing turned on" auditctl -e 1

BR=svbr8
net_bridge "$BR" 10.90.0.1/24
net_plug gA vif931.0 10.90.0.11
net_plug gA2 vif931.1 10.90.0.12
net_plug gB vif932.0 10.90.0.21
net_plug gC vif933.0 10.90.0.31

coproc NT1 { "$TOOL" 2>>"$PWD/nettool.log"; }
NT_PID=$NT1_PID nt_in=${NT1[1]} nt_out=${NT1[0]}
nt open
nt watch
nt rebuild
nt add vif931.0 931 c1,c2
nt add vif931.1 931 c1,c2
nt add vif932.0 932 c3,c4
nt add vif933.0 933 c5,c6

up() { ip -o link show "$1" | has -E '[<,]UP[,>]'; }
down() { ip -o link show "$1" >/dev/null && ! up "$1"; }
held() { nft list map bridge svirt port_secmark 2>/dev/null | has "\"$1\" :"; }
entries_of() { unlbl_entries | grep "^$1 " || true; }
# A static remove that found its entry is recorded with res=1; one that finds no entry (the interface has
# none: ENOENT) is not recorded at all.
static_removed() { dmesg | has -E "type=1417 .* netif=$1 .*res=1"; }

# Changing hands: domain 932's vif labelled for domain 934. Its old entries go by static remove, the link up.
nt add vif932.0 934 c7,c8
check "a vif that changes hands stays up" up vif932.0
check "and carries its new guest's peer label" grep -qx \
	'vif932.0 0.0.0.0/0 "system_u:system_r:svirt_xen_t:s0:c7,c8"' <<<"$(unlbl_entries)"
wait_until 10 "its old entries went by static removes that found them (NetLabel's record, res=1)" \
	static_removed vif932.0

# Guest 931 ends: its vifs are set down, then svirt's removes find their entries gone.
check "guest A's vifs are up while it runs" up vif931.0
nt release 931
check "guest A's end set vif931.0 down" down vif931.0
check "and vif931.1" down vif931.1
check "none of their entries is left" test -z "$(entries_of vif931.0)$(entries_of vif931.1)"
refute "guest A's ports are held" held vif931.0
check "svirt says so" grep -q 'vif931.0: set down as it ends, before its peer label is removed' nettool.log
# The kernel logs its records in order: once a later remove's record is out, the release's would be too.
nt add vif933.0 935 c9,c10
wait_until 10 "a later static remove's record is out (vif933.0 changing hands)" static_removed vif933.0
refute "a static remove found an entry of vif931.0 (the kernel had dropped them at link down, before svirt's)" \
	static_removed vif931.0
refute "or of vif931.1" static_removed vif931.1
nt links
check "the link events of A's ended vifs labelled nothing again" test -z "$(entries_of vif931.0)"

# Entries already gone (ENOENT): removed behind svirt's back before the guest ends.
netlabelctl unlbl del interface:vif932.0 address:0.0.0.0/0
netlabelctl unlbl del interface:vif932.0 address:::/0
nt_reply release 934
echo "svirt-nettool: $reply"
check "a guest whose entries were already gone ends without error" test "$reply" = ok
check "its vif is set down all the same" down vif932.0
refute "and is let go" held vif932.0

# The interface already gone (ENODEV): a destroyed domain's vif, deleted before svirt acts on its end.
ip link del vif933.0
nt_reply release 935
echo "svirt-nettool: $reply"
check "a guest whose vif is gone ends without error" test "$reply" = ok
refute "its former vif is let go" held vif933.0

# Re-used: the next guest's hotplug script brings the vif up (vif-bridge does), and svirt labels it.
ip link set vif931.0 up
nt add vif931.0 936 c1,c2
check "a re-used vif carries its new guest's peer label" grep -qx \
	'vif931.0 0.0.0.0/0 "system_u:system_r:svirt_xen_t:s0:c1,c2"' <<<"$(unlbl_entries)"
check "and passes its traffic (to dom0)" ip netns exec gA ping -c 1 -W 2 10.90.0.1
# Let go without ending (svirtd: a stub domain bound as a guest by mistake): its labels go, its link stays up.
nt unbind 936
check "a vif let go without its domain ending stays up" up vif931.0
check "and has no entry left" test -z "$(entries_of vif931.0)"
refute "nor is held" held vif931.0
check "it passes traffic as any interface of no guest" ip netns exec gA ping -c 1 -W 2 10.90.0.1
kill "$NT_PID"
wait "$NT_PID" 2>/dev/null || true
sed "s/^/  log | /" nettool.log
