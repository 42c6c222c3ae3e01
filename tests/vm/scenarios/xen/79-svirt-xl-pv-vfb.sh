#!/bin/bash
# Scenario: a PV guest's framebuffer (vfb, with the vkbd xl adds to it) through svirt-xl create: its qemu runs without
# dm_restrict, under which (Xen 4.17, QEMU 7.2) its vfb and vkbd backends reach InitWait from qemu's first look at
# xenstore but never see their frontend again. Shown from dom0 on a paused guest, dom0 playing the frontend: it
# moves each frontend to Closing, and a backend that still reads xenstore follows it (QEMU's xen_be_disconnect).
# The kit's kernel has no fbfront, so no guest connects one. With require_dm_restrict = 1, or dm_restrict = 1 in
# the config, such a guest is refused, naming the vfb, before a pair is reserved.
set -euo pipefail
. "$VM_LIB"

command -v svirt-xl >/dev/null || fail "svirt-xl is not installed"
running svirtd || fail "svirtd is not running in dom0"
interpose_conf_save
cleanup() {
	xl destroy fb79 2>/dev/null || true
	interpose_conf_restore
}
trap cleanup EXIT
interpose_without_dm_restrict
# be_state D DEV: the state of domain D's DEV backend (vfb/0, vkbd/0) in dom0's xenstore.
be_state() { xenstore-read "/local/domain/0/backend/$2/$1/${3:-0}/state" 2>/dev/null; }
be_is() { [ "$(be_state "$1" "$2")" = "$3" ]; }
no_domain() { not xl domid "$1"; }
fb_config() {
	guest_config fb79 10.77.0.79 x | sed '/^vif = /d; /^disk = /d'
	echo "vfb = [ 'vnc=1,vnclisten=127.0.0.1' ]"
}

fb_config >fb79.cfg
svirt-xl create fb79.cfg 2>create.err || { cat create.err; fail "svirt-xl create fb79"; }
xl pause fb79	# the backends are what is looked at: the guest need not boot
d=$(domid_of fb79) || fail "no domain fb79"
q=$(dm_pid "$d") || fail "no qemu for fb79"
wait_until 30 "fb79's vfb backend reaches InitWait" be_is "$d" vfb 2
wait_until 30 "fb79's vkbd backend reaches InitWait" be_is "$d" vkbd 2
for dev in vfb vkbd; do xenstore-write "/local/domain/$d/device/$dev/0/state" 5; done
wait_until 20 "fb79's vfb backend follows its frontend to Closing" be_is "$d" vfb 5
wait_until 20 "fb79's vkbd backend follows its frontend to Closing" be_is "$d" vkbd 5
refute "fb79's qemu runs without -xen-domid-restrict" \
	grep -qx -- -xen-domid-restrict < <(tr '\0' '\n' <"/proc/$q/cmdline")
check "svirt-xl's notice names the vfb" grep -q "fb79.cfg:$(grep -n '^vfb' fb79.cfg | cut -d: -f1): vfb 0 is a framebuffer" create.err
check "xl destroy fb79" xl destroy fb79

# Refused before a pair is reserved: dm_restrict = 1 asked for, or an interposer that requires it.
{ fb_config; echo 'dm_restrict = 1'; } >restrict.cfg
refute "svirt-xl create of a vfb PV guest with dm_restrict = 1" svirt-xl create restrict.cfg 2>restrict.err
cat restrict.err
check "the refusal names file, line and key, and the vfb" grep -q \
	"restrict.cfg:$(grep -n '^dm_restrict' restrict.cfg | cut -d: -f1): dm_restrict: vfb 0 (restrict.cfg:$(grep -n '^vfb' restrict.cfg | cut -d: -f1)) is a framebuffer" restrict.err
check "no domain fb79 is left" no_domain fb79
printf 'require_dm_restrict = 1\nwait = 120\n' >"$INTERPOSE_CONF"
refute "svirt-xl create of a vfb PV guest while the interposer requires dm_restrict" \
	svirt-xl create fb79.cfg 2>strict.err
cat strict.err
check "the refusal names the vfb and require_dm_restrict" grep -q \
	"fb79.cfg:$(grep -n '^vfb' fb79.cfg | cut -d: -f1): vfb: vfb 0 is a framebuffer.*require_dm_restrict = 0" strict.err
check "no domain fb79 is left" no_domain fb79
