# tests/vm/lib/common.sh: paths and small helpers shared by the emulated-host scripts.
# Sourced by bash scripts only; every path is computed from the repo top at run time.

VM_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VM_TOP=$(cd "$VM_SRC/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in
/*) VM_OUT=$BUILD/vm ;;
*) VM_OUT=$VM_TOP/$BUILD/vm ;;
esac
VM_DEBS=$VM_OUT/debs
VM_STAGE=$VM_OUT/stage
VM_IMG=$VM_OUT/img
VM_LOGS=$VM_OUT/logs
XEN_LIBDIR=/usr/lib/xen-4.17

note() { printf 'vm: %s\n' "$*" >&2; }
die() {
	printf 'vm: error: %s\n' "$*" >&2
	exit 1
}

# Library search path for running or inspecting binaries of the unpacked stage.
stage_libpath() {
	local d out=
	for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu \
		"$XEN_LIBDIR/lib/x86_64-linux-gnu" "$XEN_LIBDIR/lib"; do
		out+="${out:+:}$VM_STAGE$d"
	done
	printf '%s' "$out"
}

# Runs a dynamically linked binary of the stage with the stage's own loader,
# so the host needs none of the Debian tools installed.
stage_run() {
	local bin=$1
	shift
	"$VM_STAGE/lib64/ld-linux-x86-64.so.2" --library-path "$(stage_libpath)" \
		"$VM_STAGE$bin" "$@"
}

stage_kver() {
	local d
	for d in "$VM_STAGE"/lib/modules/*; do
		[ -d "$d/kernel" ] && { basename "$d"; return 0; }
	done
	die "no kernel unpacked under $VM_STAGE/lib/modules"
}

# Replaces FILE with NEW only when the content differs, so make sees no change
# (and rebuilds nothing downstream) when an input was regenerated identically.
replace_if_changed() {
	local new=$1 file=$2
	if [ -e "$file" ] && cmp -s "$new" "$file"; then
		rm -f "$new"
	else
		mv -f "$new" "$file"
	fi
}
