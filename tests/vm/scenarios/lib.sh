# tests/vm/scenarios/lib.sh: helpers the scenario scripts source inside an emulated host (as ". "$VM_LIB"").
# A scenario passes by exiting 0, skips through `skip REASON` (exit 77), and fails otherwise.

# Where a scenario leaves what a later one of the same boot checks.
SCENARIO_STATE=/run/vm-scenario-state

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else fail "$what"; fi
}

# refute DESCRIPTION COMMAND...: the command must fail (DESCRIPTION names what must
# not work); a command that does not exist (127) is a broken test, not a refusal.
refute() {
	local what=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" != 0 ] || fail "did not fail: $what"
	[ "$rc" != 127 ] || fail "cannot run: $*"
	echo "ok: fails as it should: $what"
}

# timed COMMAND...: runs it and says how long it took (emulated hosts are slow; where does the time go?).
timed() {
	local t0=$SECONDS rc=0
	"$@" || rc=$?
	echo "($* took $((SECONDS - t0)) s)"
	return $rc
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then echo "ok: $1 ($3)"; else fail "$1: expected '$2', got '$3'"; fi
}

# wait_until SECS DESCRIPTION COMMAND...: polls each second until the command succeeds.
wait_until() {
	local secs=$1 what=$2 i=0
	shift 2
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -le "$secs" ] || fail "$what: not true after $secs s"
		sleep 1
	done
	echo "ok: $what (after ${i} s)"
}

# not COMMAND...: succeeds when the command fails, but never when it cannot run at all.
not() {
	local rc=0
	"$@" || rc=$?
	[ "$rc" != 127 ] || fail "cannot run: $*"
	[ "$rc" != 0 ]
}
running() { pidof "$1" >/dev/null; }
xs_is() { [ "$(xenstore-read "$1" 2>/dev/null)" = "$2" ]; }
xs_gone() { ! xenstore-exists "$1" 2>/dev/null; }

# --- Xen host helpers

GUEST_KERNEL=/var/lib/xen/guest/vmlinuz
GUEST_INITRD=/var/lib/xen/guest/initrd.img
IMAGES=/var/lib/xen/images

# guest_config NAME IP DISK: a PV guest of the guest kit with one disk and one vif on xenbr0.
guest_config() {
	cat <<CFG
name = "$1"
type = "pv"
kernel = "$GUEST_KERNEL"
ramdisk = "$GUEST_INITRD"
extra = "console=hvc0 quiet svirt.ip=$2/24"
memory = 128
vcpus = 1
disk = [ '$3' ]
vif = [ 'bridge=xenbr0' ]
on_crash = "destroy"
CFG
}

# dm_pid D: the pid of the device model libxl started for domain D, a process
# with "-xen-domid D" in its argv. Pure bash, so a missing tool cannot pass for
# "no such process".
dm_pid() {
	local p args i
	for p in /proc/[0-9]*; do
		mapfile -d '' args <"$p/cmdline" 2>/dev/null || continue
		for ((i = 0; i + 1 < ${#args[@]}; i++)); do
			[ "${args[i]}" = -xen-domid ] && [ "${args[i + 1]}" = "$1" ] &&
				{ echo "${p#/proc/}"; return 0; }
		done
	done
	return 1
}
dm_running() { dm_pid "$1" >/dev/null; }
context_of_pid() { tr -d '\0' <"/proc/$1/attr/current"; }

# --- svirt-interpose (scenarios 60 and 61)

# The installed interposer, or one a job brought; skips the scenario if none.
INTERPOSE_CONF=/etc/svirt/interpose.conf
interposer() {
	local f
	for f in /usr/libexec/svirt-xen/svirt-interpose /vm/job/*/svirt-interpose; do
		[ -x "$f" ] && { echo "$f"; return 0; }
	done
	skip "svirt-interpose is not installed"
}
# Keeps the installed interpose.conf aside until interpose_conf_restore.
interpose_conf_save() { [ ! -e "$INTERPOSE_CONF" ] || cp "$INTERPOSE_CONF" "$INTERPOSE_CONF.orig"; }
interpose_conf_restore() {
	rm -f "$INTERPOSE_CONF"
	[ ! -e "$INTERPOSE_CONF.orig" ] || mv "$INTERPOSE_CONF.orig" "$INTERPOSE_CONF"
}

# qdisk_guest_config NAME N: a guest with a 64M qdisk file disk of its own and
# dm_restrict=1 (qemu deprivileged, as svirt-interpose requires by default).
qdisk_guest_config() {
	truncate -s 64M "$IMAGES/$1.img"
	guest_config "$1" "10.77.0.$2" \
		"format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/$1.img"
	echo 'dm_restrict = 1'
}

# check_qemu_of_guest NAME DOMID: its qemu runs in svirtd's label for it,
# with the pair of its disk, deprivileged; prints that like `ps -eZ` would.
check_qemu_of_guest() {
	local q ctx
	q=$(dm_pid "$2") || fail "no qemu for $1"
	ctx=$(context_of_pid "$q")
	echo "$ctx $q $(readlink "/proc/$q/exe") $(tr '\0' ' ' <"/proc/$q/cmdline" | cut -c 1-160)"
	check_eq "$1's qemu runs in svirtd's label for $1" "$(svirt_node "$2" label)" "$ctx"
	case $ctx in system_u:system_r:svirt_xen_t:s0:c*,c*) ;; *) fail "$1's qemu runs in $ctx" ;; esac
	check_eq "$1's qemu has the pair of $1's disk" "${ctx##*:}" "$(label_of "$IMAGES/$1.img" | sed 's/.*://')"
	check "$1's qemu was started with -xen-domid-restrict (dm_restrict=1)" \
		grep -qx -- -xen-domid-restrict < <(tr '\0' '\n' <"/proc/$q/cmdline")
	check "$1's qemu dropped root (dm_restrict's -runas)" \
		not grep -qE '^Uid:[[:space:]]+0[[:space:]]' "/proc/$q/status"
}

domid_of() { xl domid "$1" 2>/dev/null; }
guest_ready() { xs_is "/local/domain/$1/data/ready" 1; }

# svirtd's view of a domain, published under /local/domain/0/svirt/<domid>/.
svirt_node() { xenstore-read "/local/domain/0/svirt/$1/$2"; }
svirt_labelled() { xs_is "/local/domain/0/svirt/$1/state" labelled; }
# label_of FILE: its SELinux context, as the kernel reports it.
label_of() { stat -c %C "$1"; }
