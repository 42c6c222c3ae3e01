#!/bin/bash
# Scenario: dom0 started the installed svirtd at boot with /etc/svirt/svirt.conf, and it still runs.
# Skips while `make install` ships no svirtd; its log is /var/log/svirtd.log.
set -euo pipefail
. "$VM_LIB"

[ -x /usr/sbin/svirtd ] || skip "make install does not install /usr/sbin/svirtd yet"
check "svirtd runs" running svirtd
check_eq "svirtd got the installed configuration" "--foreground --config /etc/svirt/svirt.conf" \
	"$(tr '\0' ' ' <"/proc/$(pidof svirtd)/cmdline" | cut -d' ' -f2- | sed 's/ $//')"
