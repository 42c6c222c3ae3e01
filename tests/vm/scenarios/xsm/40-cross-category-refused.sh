#!/bin/bash
# Scenario: the hypervisor refuses gb (c3,c4) a mapping of a page ga (c1,c2) granted it, and an event channel
# between them, and logs the denials; the same page and channel offered to dom0 work, as a backend's would.
set -euo pipefail
. "$VM_LIB"

a=$(domid_of ga)
b=$(domid_of gb)
wait_until 60 "ga's gnt-agent is up" xs_is "/local/domain/$a/data/gnt-agent" ready
wait_until 60 "gb's gnt-agent is up" xs_is "/local/domain/$b/data/gnt-agent" ready

offer=$(gnt_ask "$a" offer "$b")
echo "ga: $offer"
[[ $offer == gref\ * ]] || fail "ga could not grant a page to gb: $offer"
res=$(gnt_ask "$b" map "$a" "${offer#gref }")
echo "gb: $res"
check "the hypervisor refuses gb's mapping of ga's grant" test "${res%% *}" = rc=2
check "the refusal is Flask's: an avc denial naming both labels" bash -c \
	"xl dmesg | grep 'avc:  denied  { map_read' | grep 'scontext=$(flask_label c3,c4)' | grep -q 'tcontext=$(flask_label c1,c2) tclass=grant'"

offer=$(gnt_ask "$a" offer 0)
echo "ga: $offer"
[[ $offer == gref\ * ]] || fail "ga could not grant a page to dom0: $offer"
check "dom0 maps a page ga granted it" svirt-gnttest map "$a" "${offer#gref }"

# An event channel: Flask checks the bind when ga opens the port for gb.
res=$(gnt_ask "$a" evt-offer "$b")
echo "ga: $res"
check "the hypervisor refuses ga a channel to gb" test "${res%%:*}" = refused
res=$(gnt_ask "$b" evt-offer "$a")
echo "gb: $res"
check "and gb one to ga" test "${res%%:*}" = refused
check "the refusal is Flask's: an avc denial of the bind, between the two pairs" bash -c \
	"xl dmesg | grep 'avc:  denied  { bind }' | grep ':svirt_domU_t_channel:s0:c1,c2 ' | grep -q 'tcontext=$(flask_label c3,c4) tclass=event'"
port=$(gnt_ask "$a" evt-offer 0)
echo "ga: $port"
[[ $port == port\ * ]] || fail "ga could not open a channel for dom0: $port"
check "dom0 binds the channel ga opened for it" svirt-gnttest evt-bind "$a" "${port#port }"
