#!/bin/bash
# Scenario: the hypervisor refuses gb (c3,c4) a mapping of a page ga (c1,c2) granted it, and logs the denial;
# the same kind of page ga grants dom0 maps, as a backend's would.
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
