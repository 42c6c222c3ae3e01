# tests/vm/scenarios/lib.sh: helpers the scenario scripts source inside an emulated host (as ". "$VM_LIB"").
# A scenario passes by exiting 0, skips through `skip REASON` (exit 77), and fails otherwise.
# What the project installs is what the scenarios test: one that is missing fails them (need_installed).

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

# need_installed PATH...: each is in this host, and executable if it is a
# program (in a bin, sbin or libexec directory). The host carries the project's
# `make install` tree: a file missing from it is a failure of what is tested,
# never a reason to skip.
need_installed() {
	local f
	for f; do
		[ -e "$f" ] || fail "$f is not installed in this host"
		case $f in
		*/bin/* | */sbin/* | */libexec/*) [ -x "$f" ] || fail "$f is installed but not executable" ;;
		esac
	done
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

# --- AVC denials: the suite driver fails a scenario on any denial it did not declare.

# expect_avc ERE: denials matching this extended regular expression (a line of
# the kernel's log) are this scenario's to cause; say why in a comment.
expect_avc() {
	[ -n "${VM_AVC_EXPECT:-}" ] || return 0
	printf '%s\n' "$1" >>"$VM_AVC_EXPECT"
}

# The denials logged since this scenario started (the whole kernel log when
# the scenario runs alone, outside the suite driver).
avc_lines() {
	if [ -n "${VM_AVC_LOG:-}" ]; then
		tail -n "+$((VM_AVC_START + 1))" "$VM_AVC_LOG"
	else
		dmesg | grep 'avc:  denied' || true
	fi
}
avc_logged() { avc_lines | has -E "$1"; }

# check_avc DESCRIPTION ERE: the kernel logged a denial matching ERE (audit
# records reach the log a moment after the refusal); declares it expected too.
check_avc() {
	expect_avc "$2"
	wait_until 10 "$1" avc_logged "$2"
	avc_lines | grep -E -m1 "$2" | sed 's/^.*avc:/    avc:/'
}

# as_toolstack COMMAND...: runs it at s0, the level the policy gives xl, with
# its output through a pipe made there: an MCS-constrained device model may
# use descriptors made at s0, never those of the administrator's full range.
as_toolstack() {
	runcon -l s0 bash -c 'set -o pipefail; "$@" </dev/null 2>&1 | cat' as_toolstack "$@"
}

# A stand-in qemu enters the device-model domain only as qemu does, through qemu's
# type: a script run by a copy of bash labelled qemu_exec_t, both kept where a device
# model may look (/usr/libexec is bin_t). In there it may run no other program, so it
# uses bash's builtins; start it with HOME and SHELL set and from /, or bash reads
# /etc/passwd and the caller's directory, which the device model may not.
STANDIN_DIR=/usr/libexec/svirt-vm-standin
# standin_install NAME <BODY: installs the script $STANDIN_DIR/NAME and prints its path.
standin_install() {
	mkdir -p "$STANDIN_DIR"
	[ -e "$STANDIN_DIR/bash" ] || cp /bin/bash "$STANDIN_DIR/bash"
	# Each time: a relabel since (61 runs restorecon -R /usr/libexec) made it bin_t.
	chcon -t qemu_exec_t "$STANDIN_DIR/bash"
	{ echo "#!$STANDIN_DIR/bash"; cat; } >"$STANDIN_DIR/$1"
	chmod 0755 "$STANDIN_DIR/$1"
	chcon -t qemu_exec_t "$STANDIN_DIR/$1"
	echo "$STANDIN_DIR/$1"
}

# init_request REQUEST: asks dom0's init (tests/vm/guest/init-dom0) to do it, as an
# administrator asks the init system, and prints init's answer. The request is one
# line "ID REQUEST" in a single write shorter than PIPE_BUF, so no other writer's
# can mix into it; init answers in INIT_REPLIES/ID. A refusal fails at once, and
# so does silence for 60 s.
INIT_CTL=/run/svirt-vm/init.ctl
INIT_REPLIES=/run/svirt-vm/replies
init_request() {
	local id=$$-$BASHPID-$RANDOM answer i
	[ -p "$INIT_CTL" ] || fail "dom0's init takes no requests: no $INIT_CTL"
	[ $((${#id} + ${#1} + 2)) -le 512 ] || fail "init request too long: $1"
	printf '%s %s\n' "$id" "$1" >"$INIT_CTL"
	for ((i = 0; i < 300; i++)); do
		if [ -e "$INIT_REPLIES/$id" ]; then
			answer=$(cat "$INIT_REPLIES/$id")
			rm -f "$INIT_REPLIES/$id"
			case $answer in
			"ok "*) echo "init: ${answer#ok }"; return 0 ;;
			*) fail "dom0's init refused '$1': ${answer#error }" ;;
			esac
		fi
		sleep 0.2
	done
	fail "dom0's init did not answer '$1' within 60 s"
}
# Asks dom0's init to start svirtd (through /etc/init.d/svirtd start).
init_start_svirtd() { init_request start-svirtd; }
xs_is() { [ "$(xenstore-read "$1" 2>/dev/null)" = "$2" ]; }
xs_gone() { ! xenstore-exists "$1" 2>/dev/null; }

# --- Xen host helpers

GUEST_KERNEL=/var/lib/xen/guest/vmlinuz
# The same kernel unpacked (ELF), for PV guests and stub domains: from the bzImage, libxc decompresses it at every
# xl create, 6 to 7 s of each in the emulated host. HVM guests' direct kernel boot takes the bzImage.
GUEST_VMLINUX=/var/lib/xen/guest/vmlinux
GUEST_INITRD=/var/lib/xen/guest/initrd.img
IMAGES=/var/lib/xen/images

# guest_config NAME IP DISK: a PV guest of the guest kit with one disk and one vif on xenbr0.
guest_config() {
	cat <<CFG
name = "$1"
type = "pv"
kernel = "$GUEST_VMLINUX"
ramdisk = "$GUEST_INITRD"
extra = "console=hvc0 quiet svirt.ip=$2/24"
memory = 128
vcpus = 1
disk = [ '$3' ]
vif = [ 'bridge=xenbr0' ]
on_crash = "destroy"
CFG
}

# --- the guest kit as an HVM guest (scenarios 82, 83): hvmloader, SeaBIOS, then the kit's kernel and initrd by
# direct kernel boot. qemu opens those itself, in its guest's label, so the guest boots copies in the directory
# the policy's file contexts make read-only content every pair may read (svirt_xen_content_t at s0; README,
# "Starting qemu in the guest's label"); the kit's own files are the toolstack's (xend_var_lib_t), which no
# device model opens.
HVM_BOOT=/var/lib/xen/boot
HVM_KERNEL=$HVM_BOOT/hvm-kit-vmlinuz
HVM_INITRD=$HVM_BOOT/hvm-kit-initrd.img
hvm_kit_install() {
	mkdir -p "$HVM_BOOT"
	cp "$GUEST_KERNEL" "$HVM_KERNEL"
	cp "$GUEST_INITRD" "$HVM_INITRD"
	restorecon -R "$HVM_BOOT"
	check_eq "restorecon labels the direct-boot kernel as shared read-only content" \
		svirt_xen_content_t:s0 "$(label_of "$HVM_KERNEL" | cut -d: -f3-)"
}
hvm_kit_remove() { rm -f "$HVM_KERNEL" "$HVM_INITRD"; rmdir "$HVM_BOOT" 2>/dev/null || true; }
# hvm_kit_config NAME N DM [CMDLINE [VIFOPT]]: an HVM guest of the kit, address 10.77.0.N, with a 16M disk of
# its own, a vif on xenbr0 (VIFOPT added), deprivileged (dm_restrict), device model DM (device_model_override).
# CMDLINE is added to the kernel's. The kernel's console is the PV console (hvc0, xenconsoled's ring), not the
# emulated UART: under TCG every byte written to the UART is a trap to Xen and an ioreq to qemu in dom0, and with
# its boot log there the kernel reached init after ~50 s. quiet: only the kernel's warnings and errors, the ring
# drained by xenconsoled in dom0 (a few seconds less to init). The serial port stays, on a pty. No VGA: its BIOS and
# text screen are emulated I/O too, and the guest has no display.
hvm_kit_config() {
	truncate -s 16M "$IMAGES/$1.img"
	cat <<CFG
name = "$1"
type = "hvm"
kernel = "$HVM_KERNEL"
ramdisk = "$HVM_INITRD"
cmdline = "console=hvc0 quiet svirt.ip=10.77.0.$2/24${4:+ $4}"
memory = 128
vcpus = 1
disk = [ 'format=raw,vdev=xvda,access=rw,target=$IMAGES/$1.img' ]
vif = [ 'bridge=xenbr0,mac=00:16:3e:77:00:$2${5:+,$5}' ]
serial = 'pty'
vga = "none"
vnc = 0
dm_restrict = 1
device_model_version = "qemu-xen"
device_model_override = "$3"
on_crash = "destroy"
on_reboot = "destroy"
CFG
}
# hvm_kit_start NAME CFG: creates the guest paused, follows its console (hvc0) into NAME.console, unpauses it.
# (Paused first: what the guest writes before a reader opens the pty is lost.) The reader's pid goes to the array
# catpids, for the caller's clean-up.
hvm_kit_start() {
	local rc=0 d pty
	timed xl create -p "$2" >"$1.out" 2>&1 || rc=$?
	cat "$1.out"
	[ "$rc" = 0 ] || { tail -n 20 "/var/log/xen/qemu-dm-$1.log" 2>/dev/null; fail "xl create -p $1 (HVM)"; }
	d=$(domid_of "$1") || fail "no domain $1"
	# xenconsoled makes the pty when it sees the new domain, a moment after xl create returns.
	wait_until 30 "xenconsoled gave $1 a console pty" xenstore-read "/local/domain/$d/console/tty"
	pty=$(xenstore-read "/local/domain/$d/console/tty")
	cat "$pty" >"$1.console" 2>/dev/null &
	catpids+=($!)
	check "xl unpause $1" xl unpause "$1"
}
# hvm_kit_report NAME: what a failed scenario shows of NAME: xl list, its console (and its serial console, where
# the scenario kept one), its device model's log.
hvm_kit_report() {
	local f
	xl list "$1" 2>/dev/null | sed 's/^/      xl | /' || true
	for f in "$1.console" "$1.serial"; do
		[ -e "$f" ] || continue
		echo "    $f (last lines):"
		tr -d '\r' <"$f" | tail -n 40 | sed 's/^/      | /'
	done
	tail -n 10 "/var/log/xen/qemu-dm-$1.log" 2>/dev/null | sed 's/^/      dm | /'
}
# expect_dm_runas_avcs: the denials every device model run from a scenario meets, declared. qemu looks into
# the directory xl ran from (the scenario's scratch directory, user_tmp_t), and on xl destroy's SIGTERM names the
# sender from its /proc entry: a device model may do neither. With -runas UID:GID (HVM under dm_restrict) it first
# asks for a user of that name (getpwnam: nsswitch.conf, passwd), which it may not read, and then takes the numbers
# as they are.
expect_dm_runas_avcs() {
	expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir'
	expect_avc 'denied  \{ search \} for .*comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=unconfined_u:unconfined_r:unconfined_t:s0 tclass=dir'
	expect_avc 'denied  \{ [a-z ]+ \} for .*comm="xen-qemu-system" (name|path)="[^"]*(nsswitch\.conf|passwd)" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=system_u:object_r:(etc_t|passwd_file_t):s0 tclass=file'
}
# ready_or_gone DOMID: the guest wrote data/ready, or its domain ended (a crash or a reset destroys it): what to
# wait for.
ready_or_gone() { guest_ready "$1" || ! xl list "$1" >/dev/null 2>&1; }
# disk_ask DOMID REQUEST: the guest's answer to a data/disk-request (init-domu's serve_disk).
disk_ask() {
	local d=$1 n=$RANDOM$RANDOM i=0 got
	shift
	xenstore-write "/local/domain/$d/data/disk-request" "$n $*"
	while [ $i -lt 240 ]; do
		got=$(xenstore-read "/local/domain/$d/data/disk-result" 2>/dev/null || true)
		case $got in "$n "*) echo "${got#"$n "}"; return 0 ;; esac
		i=$((i + 1))
		sleep 0.25
	done
	fail "domain $d did not answer the disk request '$*'"
}
# guest_ping DOMID ADDR: the guest pings ADDR (init-domu's ping probe); succeeds when it got replies. The answer
# is read every 0.25 s (within 30 s): a poll each second cost half a second a ping on average, some 80 a run.
guest_ping() {
	local d=$1 want="$2 $RANDOM" i=0 got
	xenstore-write "/local/domain/$d/data/ping" "$want"
	while [ $i -lt 120 ]; do
		got=$(xenstore-read "/local/domain/$d/data/pong" 2>/dev/null || true)
		case $got in "$want ok") return 0 ;; "$want fail") return 1 ;; esac
		i=$((i + 1))
		sleep 0.25
	done
	fail "domain $d never answered the ping request for $2"
}
# image_word NAME: the word at the start of $IMAGES/NAME.img, as dom0 reads it.
image_word() { dd if="$IMAGES/$1.img" bs=64 count=1 2>/dev/null | tr -d '\0 '; }

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
# dead PID: gone, or a zombie no one has reaped yet.
dead() { [ ! -e "/proc/$1" ] || has '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
# dm_gone_after_destroy NAME PID: the device model ends with its domain; if it
# does not, says what it is doing (state, where it sleeps, its log) and fails.
dm_gone_after_destroy() {
	local log i
	for ((i = 0; i < 60; i++)); do
		dead "$2" && { echo "ok: $1's qemu ($2) is gone (after $i s)"; return 0; }
		sleep 1
	done
	echo "    $1's qemu ($2) outlived its domain:"
	grep -E '^(State|PPid|SigPnd|ShdPnd|SigBlk|SigCgt)' "/proc/$2/status" 2>/dev/null | sed 's/^/      /'
	echo "      wchan $(cat "/proc/$2/wchan" 2>/dev/null)"
	log=$(ls -t /var/log/xen/qemu-dm-"$1".log* 2>/dev/null | head -n 1)
	[ -z "$log" ] || tail -n 5 "$log" | sed 's/^/      log | /'
	xenstore-ls -f /local/domain/0/device-model 2>/dev/null | head -n 5 | sed 's/^/      xs | /'
	fail "$1's qemu is gone"
}
context_of_pid() { tr -d '\0' <"/proc/$1/attr/current"; }

# --- svirt-interpose (scenarios 60 and 61)

# The installed interposer, or one a job brought; fails the scenario if none.
INTERPOSE_CONF=/etc/svirt/interpose.conf
interposer() {
	local f
	for f in /usr/libexec/svirt-xen/svirt-interpose /vm/job/*/svirt-interpose; do
		[ -x "$f" ] && { echo "$f"; return 0; }
	done
	fail "svirt-interpose is not installed in this host"
}
# Keeps the installed interpose.conf aside until interpose_conf_restore.
interpose_conf_save() { [ ! -e "$INTERPOSE_CONF" ] || cp "$INTERPOSE_CONF" "$INTERPOSE_CONF.orig"; }
interpose_conf_restore() {
	rm -f "$INTERPOSE_CONF"
	[ ! -e "$INTERPOSE_CONF.orig" ] || mv "$INTERPOSE_CONF.orig" "$INTERPOSE_CONF"
}
# Debian's qemu-dm, which the divert install moves to $QEMU_DM.real; qemu_undivert
# puts it back by hand (not by svirt-divert, whose failure may be what a scenario
# found), with its label, in a scenario's clean-up.
QEMU_DM=/usr/libexec/xen-qemu-system-i386
qemu_undivert() {
	if [ -e "$QEMU_DM.real" ]; then
		rm -f "$QEMU_DM" 2>/dev/null || true
		mv -f "$QEMU_DM.real" "$QEMU_DM" 2>/dev/null || true
	fi
	restorecon "$QEMU_DM" 2>/dev/null || true
}

# interpose_without_dm_restrict: interpose.conf lets a PV guest's qdisk qemu
# run without dm_restrict (with it, on Xen 4.17 and QEMU 7.2, such a qemu serves
# no backend: 62 says why), and the denials such a qemu causes are declared: it
# looks into xl's scratch directory, names the sender of xl destroy's SIGTERM
# from /proc, and tries to remove the QMP sockets svirt-interpose made in /run/xen.
interpose_without_dm_restrict() {
	local dm='comm="xen-qemu-system" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+'
	printf 'require_dm_restrict = 0\nwait = 120\n' >"$INTERPOSE_CONF"
	expect_avc "denied  \\{ search \\} for .*$dm tcontext=unconfined_u:object_r:user_tmp_t:s0 tclass=dir"
	expect_avc "denied  \\{ search \\} for .*$dm tcontext=unconfined_u:unconfined_r:unconfined_t:s0 tclass=dir"
	expect_avc "denied  \\{ (write|remove_name) \\} for .*comm=\"xen-qemu-system\" name=\"xen\" .*scontext=system_u:system_r:svirt_xen_t:s0:c[0-9]+,c[0-9]+ tcontext=[^ ]*:xend_runtime_t:s0 tclass=dir"
}

# qdisk_guest_config NAME N: a guest with a 64M qdisk file disk of its own and
# dm_restrict=1 (qemu deprivileged, as svirt-interpose requires by default).
qdisk_guest_config() {
	truncate -s 64M "$IMAGES/$1.img"
	guest_config "$1" "10.77.0.$2" \
		"format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=$IMAGES/$1.img"
	echo 'dm_restrict = 1'
}

# check_qemu_label NAME DOMID: NAME's qemu (left in q) runs in svirtd's label for
# it, with the pair of its image $IMAGES/NAME.img; prints it like `ps -eZ` would.
check_qemu_label() {
	local ctx
	q=$(dm_pid "$2") || fail "no qemu for $1"
	ctx=$(context_of_pid "$q")
	echo "$ctx $q $(readlink "/proc/$q/exe") $(tr '\0' ' ' <"/proc/$q/cmdline" | cut -c 1-160)"
	check_eq "$1's qemu runs in svirtd's label for $1" "$(svirt_node "$2" label)" "$ctx"
	case $ctx in system_u:system_r:svirt_xen_t:s0:c*,c*) ;; *) fail "$1's qemu runs in $ctx" ;; esac
	check_eq "$1's qemu has the pair of $1's disk" "${ctx##*:}" "$(label_of "$IMAGES/$1.img" | sed 's/.*://')"
}

# check_qemu_of_guest NAME DOMID: check_qemu_label, and the qemu was deprivileged.
check_qemu_of_guest() {
	check_qemu_label "$1" "$2"
	check "$1's qemu was started with -xen-domid-restrict (dm_restrict=1)" \
		grep -qx -- -xen-domid-restrict < <(tr '\0' '\n' <"/proc/$q/cmdline")
	# libxl 4.17 adds -runas only for HVM device models: a PV guest's qdisk
	# qemu stays root (chrooted, hypercalls restricted to its domain), so
	# its SELinux label is what keeps it from dom0's files.
	check "$1's qemu was chrooted (dm_restrict's -chroot)" \
		grep -qx -- -chroot < <(tr '\0' '\n' <"/proc/$q/cmdline")
}

# check_qdisk_served NAME DOMID: NAME's guest sees its disk, its qdisk backend is
# connected, and check_qemu_label holds for its qemu, which holds its image open.
check_qdisk_served() {
	check_eq "$1's guest sees its disk" xvda "$(xenstore-read "/local/domain/$2/data/disks")"
	check_eq "$1's qdisk backend is connected" 4 "$(xenstore-read "/local/domain/0/backend/qdisk/$2/51712/state")"
	check_qemu_label "$1" "$2"
	check "$1's qemu has $1's image open" bash -c "ls -l /proc/$q/fd | grep -q '$IMAGES/$1.img'"
}

# restart_svirtd [WHY]: svirtd is a service of dom0's init (tests/vm/guest/init-dom0),
# started through its installed init script: init starts it again, in svirtd_t;
# waits until the new one has logged that it is ready.  svirtd logs to syslog:
# LOG, /var/log/messages, holds every life's lines (and other daemons').
LOG=/var/log/messages
readies() { grep -c 'ready: categories' "$LOG" || true; }
ready_after() { [ "$(readies)" -gt "$1" ]; }
restart_svirtd() {
	local n
	n=$(readies)
	init_start_svirtd
	wait_until 60 "svirtd restarted and reconciled${1:+ ($1)}" ready_after "$n"
}

domid_of() { xl domid "$1" 2>/dev/null; }
guest_ready() { xs_is "/local/domain/$1/data/ready" 1; }
# destroy_migrating NAME: destroys the guest NAME and the names a migration to this host gives its two domains
# for a while (NAME--incoming, NAME--migratedaway), for a scenario's cleanup.
destroy_migrating() {
	local n
	for n in "$1" "$1--incoming" "$1--migratedaway"; do
		if domid_of "$n" >/dev/null; then xl destroy "$n" || true; fi
	done
}

# svirtd's view of a domain, published under /local/domain/0/svirt/<domid>/.
svirt_node() { xenstore-read "/local/domain/0/svirt/$1/$2"; }
svirt_labelled() { xs_is "/local/domain/0/svirt/$1/state" labelled; }
# label_of FILE: its SELinux context, as the kernel reports it.
label_of() { stat -c %C "$1"; }

# --- Flask host helpers (scenarios/xsm)

# flask_label PAIR: the Flask label of a guest with that category pair.
flask_label() { printf 'system_u:system_r:svirt_domU_t:s0:%s' "$1"; }
# flask_label_of NAME: the label `xl list -Z` shows for a domain.
flask_label_of() { xl list -Z "$1" 2>/dev/null | awk 'NR == 2 { print $NF }'; }
# gnt_ask DOMID REQUEST: has the guest's gnt-agent run svirt-gnttest REQUEST ("offer
# DOMID" or "map DOMID GREF"); prints the agent's answer.
gnt_ask() {
	local d=$1 i=0
	shift
	xenstore-rm "/local/domain/$d/data/gnt-result" 2>/dev/null || true
	# A fresh nonce: the agent runs each request once, and a repeated one again.
	xenstore-write "/local/domain/$d/data/gnt-request" "$$.$RANDOM.$RANDOM $*"
	until xenstore-exists "/local/domain/$d/data/gnt-result" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 60 ] || fail "domain $d's gnt-agent did not answer '$*' within 60 s"
		sleep 1
	done
	xenstore-read "/local/domain/$d/data/gnt-result"
}

# --- Flask denials a scenario causes (issue 14 item 10). Xen logs them to its
# console ring (`xl dmesg`), which the suite driver does not read, so a Flask
# scenario accounts for its own: flask_avc_start, then check_flask_avc for each
# denial it causes on purpose, and flask_avc_all_expected at the end.

# flask_avc_start: empties Xen's console ring: the denials in it afterwards are the scenario's.
flask_avc_start() {
	FLASK_AVC_EXPECT=$PWD/flask-avc.expect
	: >"$FLASK_AVC_EXPECT"
	xl dmesg -c >/dev/null
}
# flask_avc_lines: Xen's denials since flask_avc_start.
flask_avc_lines() { xl dmesg | grep 'avc:  denied' || true; }
flask_avc_logged() { flask_avc_lines | has -E "$1"; }
# check_flask_avc DESCRIPTION ERE: Xen logged a denial matching ERE; declares it expected.
check_flask_avc() {
	printf '%s\n' "$2" >>"$FLASK_AVC_EXPECT"
	wait_until 10 "$1" flask_avc_logged "$2"
	flask_avc_lines | grep -E -m1 "$2" | sed 's/^.*avc:/    avc:/'
}
# flask_avc_count ERE: how many of Xen's denials since flask_avc_start match ERE.
flask_avc_count() { flask_avc_lines | grep -c -E "$1" || true; }
# flask_avc_all_expected: every denial Xen logged since flask_avc_start was declared.
flask_avc_all_expected() {
	local unexpected
	unexpected=$(flask_avc_lines | grep -v -E -f "$FLASK_AVC_EXPECT" || true)
	[ -z "$unexpected" ] || fail "Flask denials nothing declared: $(printf '\n%s' "$unexpected")"
	echo "ok: every Flask denial was declared ($(flask_avc_lines | wc -l) logged)"
}

# frame_ask DOMID REQUEST: has the guest's frame-agent run REQUEST ("send KIND SEQ" or "listen MS"); sets
# FRAME_ANSWER to its answer ("ok", "fail", "listening") and FRAME_NONCE to the request's nonce. Not in a
# subshell: it sets them for the caller.
frame_ask() {
	local d=$1 i=0 got
	shift
	FRAME_NONCE=$$.$RANDOM.$RANDOM
	xenstore-write "/local/domain/$d/data/frame-request" "$FRAME_NONCE $*"
	until got=$(xenstore-read "/local/domain/$d/data/frame-result" 2>/dev/null) &&
		[ "${got%% *}" = "$FRAME_NONCE" ]; do
		i=$((i + 1))
		[ "$i" -le 150 ] || fail "domain $d's frame-agent did not answer '$*' within 30 s"
		sleep 0.2
	done
	FRAME_ANSWER=${got#* }
}

# frames_across FROM TO KIND...: guest FROM sends one crafted frame of each KIND (tests/unit/frames.h) while
# guest TO and dom0's bridge listen, then dom0 sends TO one of its own, last: TO stops listening once it came
# (which also shows TO's listener hears), or after 60 s. Sets FRAMES_TO and FRAMES_DOM0 to the kinds each
# received (" K1 K2"), FRAME_FROM_DOM0 to 1 when TO received dom0's, else 0.
frames_across() {
	local from=$1 to=$2 k seq0=$((RANDOM % 20000 + 1000)) seq last nonce heard out pid i=0 got
	local -A sent=()
	shift 2
	seq=$seq0
	last=$((seq0 + $# + 1))
	out=$(mktemp)
	svirt-frame recv "${FRAME_BRIDGE:-xenbr0}" 90000 >"$out" &
	pid=$!
	frame_ask "$to" listen 60000 "$last"
	[ "$FRAME_ANSWER" = listening ] || fail "domain $to cannot listen for frames: $FRAME_ANSWER"
	nonce=$FRAME_NONCE
	until grep -q '^listening' "$out"; do
		i=$((i + 1))
		[ "$i" -le 50 ] || fail "dom0 cannot listen for frames on ${FRAME_BRIDGE:-xenbr0}: $(cat "$out")"
		sleep 0.1
	done
	for k; do
		seq=$((seq + 1))
		sent[$k]=$seq
		frame_ask "$from" send "$k" "$seq"
		[ "$FRAME_ANSWER" = ok ] || fail "domain $from could not send a $k frame: $FRAME_ANSWER"
	done
	# A frame of FROM's that crossed is in TO's queue before dom0's, which a moment later ends TO's listening.
	sleep 1
	svirt-frame send "${FRAME_BRIDGE:-xenbr0}" raw "$last" || fail "dom0 could not send a frame"
	i=0
	until got=$(xenstore-read "/local/domain/$to/data/frame-heard" 2>/dev/null) && [ "${got%% *}" = "$nonce" ]; do
		i=$((i + 1))
		[ "$i" -le 400 ] || fail "domain $to's frame-agent reported nothing heard within 80 s"
		sleep 0.2
	done
	heard=" ${got#* } "
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	FRAMES_TO='' FRAMES_DOM0='' FRAME_FROM_DOM0=0
	[[ $heard != *" $last "* ]] || FRAME_FROM_DOM0=1
	for k; do
		[[ $heard != *" ${sent[$k]} "* ]] || FRAMES_TO+=" $k"
		! grep -qx "got ${sent[$k]}" "$out" || FRAMES_DOM0+=" $k"
	done
	rm -f "$out"
}

# in_list WORD " W1 W2": whether WORD is one of the list's words.
in_list() { [[ " $2 " == *" $1 "* ]]; }

# The selinux host's network scenarios: veth "guests" in namespaces on a bridge,
# labelled by svirt-nettool (lib/net.c), which a scenario runs as a coproc of
# its own naming and points nt_in/nt_out (and NT_PID) at.
NETTOOL=/usr/libexec/svirt-xen/tests/svirt-nettool
NET_NS=()

# net_prepare: the modules, and what net_cleanup puts back (the printk rate
# limit, which a scenario lowers to 0 so that no AVC it counts is dropped).
net_prepare() {
	local m
	need_installed "$NETTOOL"
	# crc32c_generic first: busybox modprobe ignores the softdep libcrc32c (nf_conntrack) has on it.
	for m in crc32c_generic br_netfilter veth nf_tables nft_ct nft_objref nft_meta_bridge; do modprobe "$m"; done
	NET_RATELIMIT=$(cat /proc/sys/kernel/printk_ratelimit)
}

# net_cleanup: the host as it was for the scenarios after this one: the
# namespaces and bridge, svirt's nftables tables, the default NetLabel entries
# svirt-nettool installed, the rate limit; and the nettool coproc gone.
net_cleanup() {
	local ns
	[ -z "${NET_RATELIMIT:-}" ] || echo "$NET_RATELIMIT" >/proc/sys/kernel/printk_ratelimit
	[ -z "${NT_PID:-}" ] || kill "$NT_PID" 2>/dev/null || true
	for ns in "${NET_NS[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	[ -z "${NET_BR:-}" ] || ip link del "$NET_BR" 2>/dev/null || true
	nft delete table bridge svirt 2>/dev/null || true
	nft delete table inet svirt 2>/dev/null || true
	netlabelctl unlbl del default address:0.0.0.0/0 2>/dev/null || true
	netlabelctl unlbl del default address:::/0 2>/dev/null || true
}

# net_bridge BR [ADDR/LEN]: dom0's bridge, without IPv6: its own MLD reports and
# neighbour solicitations are no guest's traffic.
net_bridge() {
	NET_BR=$1
	ip link add "$1" type bridge stp_state 0 forward_delay 0
	echo 1 >"/proc/sys/net/ipv6/conf/$1/disable_ipv6"
	[ -z "${2:-}" ] || ip addr add "$2" dev "$1"
	ip link set "$1" up
}

# net_plug NS PORT ADDR: a "guest" in namespace NS whose eth0 (ADDR/24) is the
# peer of PORT on the bridge; IPv6 off on both ends before their links are up,
# so no router solicitation or MLD report crowds the AVCs a scenario reads.
net_plug() {
	ip netns add "$1"
	NET_NS+=("$1")
	ip link add "$2" type veth peer name eth0 netns "$1"
	echo 1 >"/proc/sys/net/ipv6/conf/$2/disable_ipv6"
	ip link set "$2" master "$NET_BR" up
	ip -n "$1" addr add "$3/24" dev eth0
	ip netns exec "$1" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 >/proc/sys/net/ipv6/conf/eth0/disable_ipv6'
	ip -n "$1" link set eth0 up
	ip -n "$1" link set lo up
}

# nt_reply COMMAND...: one line to svirt-nettool, its answer in reply.
nt_reply() { echo "$*" >&"$nt_in"; read -r reply <&"$nt_out"; }
# nt COMMAND...: one command, whose answer must be "ok".
nt() {
	nt_reply "$@"
	[ "$reply" = ok ] || fail "svirt-nettool $*: $reply"
	echo "ok: svirt-nettool $*"
}

# has GREP-ARGS...: whether grep finds the pattern in its input, reading all of it. Scenarios run under
# pipefail, and "producer | grep -q" fails at random: grep -q exits at its first match, the producer's next
# write gets SIGPIPE, and the pipeline's status is the producer's. A present line then reads as absent, and
# "! producer | grep -q" passes for a line that is there. Use has (never grep -q) on a pipe in this shell
# (tests/vm/test-scenario-pipes checks).
has() { grep "$@" >/dev/null; }

# unlbl_entries: NetLabel's static entries as "interface address label" lines.
unlbl_entries() {
	netlabelctl -p unlbl list | awk '/interface:/ { i = $2 } /address:/ { a = $2 } /label:/ { print i, a, $2 }'
}
