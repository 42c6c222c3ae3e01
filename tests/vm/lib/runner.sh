# tests/vm/lib/runner.sh: the command line shared by run-selinux and run-xen.
# Sourced by those two only; runner_main does the work.

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
. "$VM_SRC/lib/rootfs.sh"
. "$VM_SRC/lib/boot.sh"

runner_usage() {
	cat >&2 <<U
usage: $(basename "$0") --script FILE [--timeout SECS] [--with DIR]...
  Boots the emulated $1 host, runs FILE with bash as root inside it (cwd /vm/job,
  each DIR copied under /vm/job/), streams its output and exits with its status.
  SECS (default $2, or VM_TIMEOUT) bounds the whole boot; a host still running
  then is killed and the runner exits 124. The serial log stays under build/vm/logs.
U
	exit 2
}

runner_main() {
	local host=$1 secs=${VM_TIMEOUT:-$2} script='' dirs=()
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--script) script=${2:?}; shift 2 ;;
		--timeout) secs=${2:?}; shift 2 ;;
		--with) dirs+=("${2:?}"); shift 2 ;;
		-h | --help) runner_usage "$host" "$secs" ;;
		*) runner_usage "$host" "$secs" ;;
		esac
	done
	[ -n "$script" ] || runner_usage "$host" "$secs"
	[ -f "$script" ] || die "no such script: $script"
	[ -n "${VM_IMAGES_READY:-}" ] || images_ensure "$host"
	run_job "$host" "$(basename "$script" .sh)" "$script" "$secs" "${dirs[@]}"
}
