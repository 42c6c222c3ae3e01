# tests/vm/lib/boot.sh: boots an emulated host under QEMU with a job and streams the job's output.
# Sourced after common.sh by run-selinux, run-xen and check-suite.

VM_ACCEL=${VM_ACCEL:-tcg}
RUN_DIR=

# A private scratch directory per boot, so two runs never share an initrd or a log.
run_dir_create() {
	mkdir -p "$VM_OUT/run" "$VM_LOGS"
	RUN_DIR=$(mktemp -d "$VM_OUT/run/boot.XXXXXX")
	trap 'rm -rf "$RUN_DIR"' EXIT
}

# Packs SCRIPT as /vm/job/run, the scenario helpers, and each DIR under /vm/job/.
job_pack() {
	local script=$1 token=$2 dir
	shift 2
	local job=$RUN_DIR/job-root/vm/job
	mkdir -p "$job"
	cp "$script" "$job/run"
	printf '%s\n' "$token" >"$job/token"
	cp "$VM_SRC/scenarios/lib.sh" "$job/lib.sh"
	for dir in "$@"; do cp -a "$dir" "$job/"; done
	ROOT=$RUN_DIR/job-root
	rootfs_pack "$RUN_DIR/job.cpio.gz"
}

# The kernel unpacks concatenated archives in order: host, then project, then job.
initrd_assemble() {
	local host=$1
	[ "$host" != xsm ] || host=xen
	cat "$VM_IMG/$host.cpio.gz" "$VM_IMG/project.cpio.gz" "$RUN_DIR/job.cpio.gz" >"$RUN_DIR/initrd"
}

QEMU_ARGS=()

qemu_args_selinux() {
	local log=$1
	QEMU_ARGS=(-accel "$VM_ACCEL" -cpu max -smp 2 -m "${VM_MEM:-1024}"
		-nodefaults -nic none -display none -no-reboot -monitor none -serial "file:$log"
		-kernel "$VM_IMG/vmlinuz" -initrd "$RUN_DIR/initrd"
		-append "console=ttyS0 security=selinux enforcing=1 log_buf_len=8M panic=-1 rdinit=/init")
}

# Xen is the multiboot kernel; dom0's kernel and initramfs are its modules. No
# boot scrub: the emulated RAM is fresh, and scrubbing it costs many seconds under TCG.
qemu_args_xen() {
	local log=$1
	local xen_args='console=com1 com1=115200,8n1 loglvl=warning guest_loglvl=warning'
	xen_args+=' dom0_mem=1024M,max:1024M dom0_max_vcpus=2 bootscrub=false'
	local dom0_args='console=hvc0 earlyprintk=xen security=selinux enforcing=1 log_buf_len=8M panic=-1 rdinit=/init'
	# Nested paging (TCG emulates it): Debian's hypervisor has no shadow
	# paging, so it builds HVM domains only with HAP (issue 16); dom0 is PV
	# and does not use it.
	# shellcheck disable=SC2054 # commas inside QEMU's own arguments
	QEMU_ARGS=(-accel "$VM_ACCEL" -cpu qemu64,+svm,+npt -smp 2 -m "${VM_MEM:-2560}"
		-nodefaults -nic none -display none -no-reboot -monitor none -serial "file:$log"
		-kernel "$VM_IMG/xen" -append "$xen_args"
		-initrd "$VM_IMG/vmlinuz $dom0_args,$RUN_DIR/initrd")
}

# The same host on the hypervisor built with Flask (build/flask), svirt-xen's
# Flask policy as the last multiboot module (Xen finds it by its magic) and
# Flask enforcing (VM_FLASK=permissive logs denials without refusing, to find
# what a policy lacks); dom0's init learns from svirt.host which scenarios it runs.
qemu_args_xsm() {
	local log=$1 i
	qemu_args_xen "$log"
	for i in "${!QEMU_ARGS[@]}"; do
		case ${QEMU_ARGS[$i]} in
		"$VM_IMG/xen") QEMU_ARGS[$i]=$VM_IMG/xen-flask ;;
		console=com1*) QEMU_ARGS[$i]+=" flask=${VM_FLASK:-enforcing}" ;;
		"$VM_IMG/vmlinuz "*) QEMU_ARGS[$i]=${QEMU_ARGS[$i]/rdinit=\/init/rdinit=/init svirt.host=xsm}
			QEMU_ARGS[$i]+=",$VM_IMG/xenpolicy" ;;
		esac
	done
}

# Prints the job's lines (between the token's markers) as they arrive; boot
# progress goes to stderr; the job's exit status lands in RUN_DIR/rc.
console_follow() {
	local log=$1 pid=$2 token=$3
	tail -n +1 -F --pid="$pid" "$log" 2>/dev/null | awk -v tok="$token" -v rcfile="$RUN_DIR/rc" \
		-v deadfile="$RUN_DIR/dom0-dead" '
		{ gsub(/\r/, "") }
		$0 == "SVIRT-VM-BEGIN " tok { injob = 1; next }
		injob && $1 == "SVIRT-VM-EXIT" && $2 == tok { print $3 > rcfile; close(rcfile); injob = 0; next }
		injob { print; fflush(); next }
		/^vm-init: / { print > "/dev/stderr"; fflush("/dev/stderr") }
		/(Kernel panic|\(XEN\) Panic)/ { print "vm: host: " $0 > "/dev/stderr" }
		/\(XEN\) (Hardware Dom0 (halted|crashed)|Panic on CPU)/ {
			print "vm: host: " $0 > "/dev/stderr"; print "" > deadfile; close(deadfile) }'
}

# The job has reported its status: a host that then fails to power off is
# stopped (through the timeout process this runner started) rather than waited for.
stop_after_job() {
	local pid=$1 grace=30
	while kill -0 "$pid" 2>/dev/null; do
		# Xen stays up, idle, when dom0 dies before the job ends: waiting
		# for the timeout would only cost time.
		if [ -e "$RUN_DIR/dom0-dead" ] && [ ! -s "$RUN_DIR/rc" ]; then
			note "dom0 died before the job's end: stopping the host"
			sleep 2
			kill "$pid" 2>/dev/null
			return 0
		fi
		if [ -s "$RUN_DIR/rc" ]; then
			grace=$((grace - 1))
			if [ "$grace" -le 0 ]; then
				note "the host did not power off within 30 s of the job's end: stopping it"
				kill "$pid" 2>/dev/null
				return 0
			fi
		fi
		sleep 1
	done
}

# boot_host HOST NAME TIMEOUT: runs the job already packed; returns its exit
# status, 124 when the host was killed for taking too long, 125 when it died.
boot_host() {
	local host=$1 name=$2 secs=$3 log qpid qrc=0 t0
	log=$VM_LOGS/$host-$name.log
	: >"$log"
	t0=$SECONDS
	"qemu_args_$host" "$log"
	timeout -k 5 "$secs" qemu-system-x86_64 "${QEMU_ARGS[@]}" &
	qpid=$!
	stop_after_job "$qpid" >/dev/null &
	console_follow "$log" "$qpid" "$(cat "$RUN_DIR/token")"
	wait "$qpid" || qrc=$?
	note "$host host ran ${name} in $((SECONDS - t0)) s; serial log ${log#"$VM_TOP"/}"
	if [ -s "$RUN_DIR/rc" ]; then
		return "$(cat "$RUN_DIR/rc")"
	fi
	if [ "$qrc" = 124 ]; then
		note "TIMEOUT: the $host host did not finish within $secs s and was killed"
		return 124
	fi
	note "the $host host stopped (qemu exit $qrc) without reporting the job's exit status"
	grep -a -m3 -E 'vm-init: FATAL|Kernel panic|\(XEN\) Panic' "$log" | sed 's/^/vm:   /' >&2 || true
	return 125
}

# Everything a boot needs, built by make when missing; runners called directly use this.
images_ensure() {
	local host=$1
	mkdir -p "$VM_OUT"
	flock "$VM_OUT/.build-lock" make --no-print-directory -C "$VM_TOP" -f "$VM_SRC/vm.mk" \
		BUILD="$BUILD" "vm-image-$host" >&2 ||
		die "building the $host host failed"
}

# run_job HOST NAME SCRIPT TIMEOUT [DIR...]
run_job() {
	local host=$1 name=$2 script=$3 secs=$4 token
	shift 4
	run_dir_create
	token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
	printf '%s\n' "$token" >"$RUN_DIR/token"
	job_pack "$script" "$token" "$@"
	initrd_assemble "$host"
	boot_host "$host" "$name" "$secs"
}
