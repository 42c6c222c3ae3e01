#!/bin/bash
# Scenario: on an enforcing host with no svirtd, svirt-interpose refuses to start a stand-in qemu:
# one line saying why, a non-zero exit, and the stand-in never runs (the labelled exec is xen/60's).
set -euo pipefail
. "$VM_LIB"

IP=/usr/libexec/svirt-xen/svirt-interpose
for f in "$IP" /vm/job/*/svirt-interpose; do [ -x "$f" ] && IP=$f && break; done
[ -x "$IP" ] || fail "svirt-interpose is not installed"
rc=0
"$IP" >/dev/null 2>&1 || rc=$?
# It needs only libc: 127 here would mean it links a library this host (no Xen) lacks.
[ "$rc" != 127 ] || fail "svirt-interpose cannot load its libraries in this host"

CONF=/etc/svirt/interpose.conf
mkdir -p /etc/svirt
[ ! -e "$CONF" ] || cp "$CONF" "$CONF.orig"
trap 'rm -f "$CONF"; [ ! -e "$CONF.orig" ] || mv "$CONF.orig" "$CONF"' EXIT
printf '#!/bin/sh\ntouch "%s/ran"\n' "$PWD" >standin
chmod 0755 standin
printf 'qemu = "%s"\nsocket = "/run/svirt/none.sock"\nwait = 1\n' "$PWD/standin" >"$CONF"
rc=0
"$IP" -xen-domid 5 -xen-domid-restrict 2>err || rc=$?
cat err
[ "$rc" != 0 ] || fail "svirt-interpose started qemu without svirtd"
check_eq "one line on stderr" 1 "$(wc -l <err)"
check "it says svirtd gave no label" grep -q 'refusing to start qemu: domain 5: no label from svirtd' err
check "the stand-in never ran" test ! -e ran
