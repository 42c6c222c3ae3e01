#!/bin/bash
# Scenario: dom0's init answers every request of scenarios (init_request, scenarios/lib.sh): eight at once from
# as many writers each get their own answer, and one init does not know is refused at once, not left unanswered.
set -euo pipefail
. "$VM_LIB"

pids=()
for i in $(seq 8); do
	(init_request ping >"ping.$i" 2>&1) &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
check_eq "requests of eight writers at once that init refused or left unanswered" 0 "$failed"
check_eq "answers" 8 "$(cat ping.* | grep -c '^init: pong$')"

t0=$SECONDS
rc=0
(init_request no-such-request) >bogus.out 2>&1 || rc=$?
cat bogus.out
check_eq "an unknown request fails its requester" 1 "$rc"
check "init says it does not know it" grep -q "refused 'no-such-request': unknown request" bogus.out
check "at once ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -lt 10
