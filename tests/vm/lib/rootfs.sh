# tests/vm/lib/rootfs.sh: assembles an initramfs root from the unpacked Debian stage.
# Sourced after common.sh; ROOT names the tree being assembled.

ROOT=

busybox() { "$VM_STAGE/bin/busybox" "$@"; }

# Directory skeleton plus busybox applets; real tools added later replace the applet links.
rootfs_init() {
	local a
	ROOT=$1
	rm -rf "$ROOT"
	mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,lib64,proc,sys,dev,run,tmp,root,etc,var/log,var/lib,mnt}
	cp "$VM_STAGE/bin/busybox" "$ROOT/bin/busybox"
	for a in $(busybox --list); do
		[ -e "$ROOT/bin/$a" ] || ln -s busybox "$ROOT/bin/$a"
	done
	ln -sfn ../run "$ROOT/var/run"
	# libxl's dm_restrict=1 runs each domain's qemu as uid base+domid.
	printf 'root:x:0:0:root:/root:/bin/bash\n%s\n' \
		'xen-qemuuser-range-base:x:131072:131072::/nonexistent:/usr/sbin/nologin' >"$ROOT/etc/passwd"
	printf 'root:x:0:\nxen-qemuuser-range-base:x:131072:\n' >"$ROOT/etc/group"
	printf 'hosts: files\npasswd: files\ngroup: files\n' >"$ROOT/etc/nsswitch.conf"
	printf '127.0.0.1 localhost\n' >"$ROOT/etc/hosts"
}

# Copies one stage path (following symlinks) to the same path in ROOT.
rootfs_add_file() {
	local path=$1
	[ -e "$VM_STAGE$path" ] || die "not in the stage: $path"
	mkdir -p "$ROOT$(dirname "$path")"
	rm -f "$ROOT$path"
	cp -L "$VM_STAGE$path" "$ROOT$path"
}

# Copies a stage directory as it is (scripts, configuration).
rootfs_add_tree() {
	local path=$1
	[ -d "$VM_STAGE$path" ] || die "not in the stage: $path"
	mkdir -p "$ROOT$path"
	cp -a "$VM_STAGE$path/." "$ROOT$path/"
}

# Shared libraries a stage ELF file needs, as stage paths; fails on any that is missing.
elf_needs() {
	local file=$1 listing
	listing=$("$VM_STAGE/lib64/ld-linux-x86-64.so.2" --library-path "$(stage_libpath)" \
		--list "$VM_STAGE$file" 2>&1) || true
	if grep -q 'not found' <<<"$listing"; then
		die "$file needs libraries no package in packages.list provides:
$(grep 'not found' <<<"$listing")"
	fi
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/lib64\// { print $1 }' <<<"$listing" |
		sed "s|^$VM_STAGE||"
}

# A binary and the closure of its shared libraries.
rootfs_add_bin() {
	local bin lib
	for bin in "$@"; do
		rootfs_add_file "$bin"
		for lib in $(elf_needs "$bin"); do
			[ -e "$ROOT$lib" ] || rootfs_add_file "$lib"
		done
	done
}

# The stage has no modules.dep (Debian makes it at install time): make it with the stage's depmod.
modules_dep() {
	local kver=$1
	[ -s "$VM_STAGE/lib/modules/$kver/modules.dep" ] && return 0
	"$VM_STAGE/lib64/ld-linux-x86-64.so.2" --library-path "$(stage_libpath)" \
		--argv0 depmod "$VM_STAGE/bin/kmod" -b "$VM_STAGE" "$kver"
}

# Kernel modules by name, with everything they depend on.
rootfs_add_modules() {
	local kver=$1 md rel dep name f
	shift
	md=$VM_STAGE/lib/modules/$kver
	modules_dep "$kver"
	mkdir -p "$ROOT/lib/modules/$kver"
	for f in modules.dep modules.alias modules.symbols modules.builtin modules.order modules.softdep; do
		[ -e "$md/$f" ] && cp "$md/$f" "$ROOT/lib/modules/$kver/"
	done
	for name in "$@"; do
		rel=$(awk -F: -v n="$name" '{ b = $1; sub(/.*\//, "", b); sub(/\.ko$/, "", b);
			gsub(/-/, "_", b); m = n; gsub(/-/, "_", m); if (b == m) { print $1; exit } }' "$md/modules.dep")
		[ -n "$rel" ] || die "kernel module $name not found"
		for dep in $rel $(grep "^$rel:" "$md/modules.dep" | cut -d: -f2); do
			mkdir -p "$ROOT/lib/modules/$kver/$(dirname "$dep")"
			cp "$md/$dep" "$ROOT/lib/modules/$kver/$dep"
		done
	done
}

# Packs ROOT into a gzip'd newc cpio (the format the kernel unpacks as initramfs).
rootfs_pack() {
	local out=$1
	(cd "$ROOT" && find . | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) |
		gzip -1 >"$out.tmp"
	mv -f "$out.tmp" "$out"
}
