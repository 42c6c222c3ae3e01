#!/bin/bash
# Scenario: the suite driver's AVC accounting: a sub-scenario fails for an undeclared denial alone (the AVC line printed),
# passes once it declares it (both expected here), and fails when the driver cannot mark the kernel log to account for it.
set -euo pipefail
. "$VM_LIB"

DRIVER=/usr/lib/svirt-vm/suite-driver
cp /bin/dd "$PWD/dm-dd"
chcon -t qemu_exec_t "$PWD/dm-dd"
# The sub-scenarios' denial: a device model (pair c7,c8, no other scenario's) reading the host's passwd file.
denial='denied  \{ read \} for .*comm="dm-dd" name="passwd" .* scontext=system_u:system_r:svirt_xen_t:s0:c7,c8 '
expect_avc "$denial"

sub() {
	cat <<SUB
#!/bin/bash
set -euo pipefail
. "\$VM_LIB"
$1
refute "a device model reads /etc/passwd" as_toolstack runcon system_u:system_r:svirt_xen_t:s0:c7,c8 \\
	$PWD/dm-dd if=/etc/passwd of=/dev/null status=none
SUB
}
sub '' >undeclared.sh
sub "expect_avc '$denial'" >declared.sh

timed "$DRIVER" --one "$PWD/undeclared.sh" >undeclared.out 2>&1
cat undeclared.out
check "the sub-scenario's own checks passed" grep -q '^    ok: fails as it should: a device model reads /etc/passwd' undeclared.out
check "it fails for the undeclared denial" grep -q '^FAIL undeclared (unexpected AVC denials' undeclared.out
check "the driver prints the AVC line" grep -E -q "^      .*$denial" undeclared.out

timed "$DRIVER" --one "$PWD/declared.sh" >declared.out 2>&1
cat declared.out
check "declared, the same denial passes" grep -q '^PASS declared ' declared.out
check "and is counted as expected" grep -q '(declared: 1 AVC denials, 1 expected)' declared.out

# A scenario whose denials the driver cannot be sure to have (it cannot mark the kernel log, so it cannot
# wait for its collector) fails, whatever its own checks say: here /dev/kmsg is read-only for the driver.
printf '#!/bin/bash\nset -euo pipefail\n. "$VM_LIB"\necho "ok: nothing to check"\n' >unmarked.sh
: >kmsg-ro
timed unshare -m bash -c 'mount --bind "$1" /dev/kmsg && mount -o remount,bind,ro /dev/kmsg && exec "$2" --one "$3"' \
	unmarked "$PWD/kmsg-ro" "$DRIVER" "$PWD/unmarked.sh" >unmarked.out 2>&1
cat unmarked.out
check "a scenario whose denials cannot be accounted for fails" \
	grep -q '^FAIL unmarked (its AVC denials cannot be accounted for' unmarked.out
check "the driver says why" grep -q 'AVC accounting: cannot write a mark to /dev/kmsg' unmarked.out

# A scenario that leaves a child holding its output (a daemon it started, or a
# process stuck in the kernel) and then outlives its time: the driver reports it
# timed out once its time is up, not when the last holder of the output goes.
# setsid: out of the process group the driver's timeout signals, as a daemon is.
printf '#!/bin/bash\n. "$VM_LIB"\necho started\nsetsid sleep 300 &\necho $! >%s\nsleep 300\n' "$PWD/hung.pid" >hung.sh
t0=$SECONDS
timed env SCENARIO_TIMEOUT=3 "$DRIVER" --one "$PWD/hung.sh" >hung.out 2>&1
took=$((SECONDS - t0))
cat hung.out
kill "$(cat hung.pid)" 2>/dev/null || true
check "a scenario past its time fails as timed out" grep -q '^FAIL hung (timed out after 3 s)' hung.out
check "its output was still shown" grep -q '^    started$' hung.out
check "the driver went on when its time was up, not when its child ended (took ${took} s)" test "$took" -lt 60
