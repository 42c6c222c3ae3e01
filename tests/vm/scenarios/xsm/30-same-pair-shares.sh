#!/bin/bash
# Scenario: Flask separates pairs, not domains: gc, created with ga's pair c1,c2, maps ga's grant and binds its channel.
# So a pair must never go to two guests; Flask cannot see that, svirtd's reservations (svirt-xl create) do.
set -euo pipefail
. "$VM_LIB"

a=$(domid_of ga)
guest_config gc 10.77.0.24 "" | sed '/^disk/d;/^vif/d' >gc.cfg
echo "seclabel = '$(flask_label c1,c2)'" >>gc.cfg
check "the hypervisor accepts a second domain with a live pair (no Flask rule can refuse it)" \
	timed xl create gc.cfg
c=$(domid_of gc)
check_eq "xl list -Z shows gc with ga's label" "$(flask_label c1,c2)" "$(flask_label_of gc)"
wait_until 300 "gc writes data/ready=1" guest_ready "$c"
wait_until 60 "ga's gnt-agent is up" xs_is "/local/domain/$a/data/gnt-agent" ready
wait_until 60 "gc's gnt-agent is up" xs_is "/local/domain/$c/data/gnt-agent" ready
offer=$(gnt_ask "$a" offer "$c")
echo "ga: $offer"
[[ $offer == gref\ * ]] || fail "ga could not grant a page to gc: $offer"
res=$(gnt_ask "$c" map "$a" "${offer#gref }")
echo "gc: $res"
check "gc (same pair) maps ga's grant" test "${res%% *}" = rc=0
port=$(gnt_ask "$a" evt-offer "$c")
echo "ga: $port"
[[ $port == port\ * ]] || fail "ga could not open a channel for gc: $port"
res=$(gnt_ask "$c" evt-bind "$a" "${port#port }")
echo "gc: $res"
check "gc (same pair) binds ga's event channel" test "${res%% *}" = rc=0
check "xl destroy gc" xl destroy gc
