#!/bin/bash
# Scenario: the project's `make install` tree is installed in this host, file for file.
# /vm/project.sha256 is written on the build machine from the same tree; every file must match it.
set -euo pipefail
. "$VM_LIB"

check "the install manifest is there" test -f /vm/project.sha256
[ -s /vm/project.sha256 ] || fail "make install installed no files"
check "every installed file matches the build" sha256sum -c /vm/project.sha256
check "the daemon's configuration is installed" test -f /etc/svirt/svirt.conf
