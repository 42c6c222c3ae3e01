#!/bin/bash
# Scenario: the suite driver's AVC accounting: a sub-scenario whose device model is denied /etc/passwd fails for
# that denial alone (the AVC line printed), passes once it declares it with expect_avc; this scenario expects both.
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
