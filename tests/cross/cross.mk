# tests/cross/cross.mk: `make cross-check ARCH=arm64` builds every binary (make all's and
# the test programs', CROSS_TARGETS) for the Debian architecture ARCH as an OpenEmbedded build does (the cross compiler,
# --sysroot, pkg-config reading the target's .pc files), into build/<cpu>/ (build/aarch64),
# then checks with `file` that each is for ARCH; included by the top-level Makefile.
#
# The sysroot is unpacked from Debian's own ARCH packages of CROSS_PKGS and what they
# depend on (tests/cross/sysroot, private apt configuration under build/cross), and kept
# there, keyed by ARCH and that list.

ARCH ?=
CROSS_OUT = build/cross
# The target's libraries the binaries link (the -dev packages of scripts/install-deps).
CROSS_PKGS = libc6-dev libxen-dev libselinux1-dev libsepol-dev libpcre2-dev libblkid-dev \
	libnl-3-dev libnl-genl-3-dev libnftables-dev libaudit-dev libcmocka-dev
CROSS_GNU_TYPE = $(shell dpkg-architecture -a$(ARCH) -qDEB_HOST_GNU_TYPE 2>/dev/null)
CROSS_CPU = $(shell dpkg-architecture -a$(ARCH) -qDEB_HOST_GNU_CPU 2>/dev/null)
CROSS_BUILD = build/$(CROSS_CPU)

.PHONY: cross-check cross-run

# The cross compiler first (a sub-make then sees dpkg-architecture's answers).
cross-check:
	@test -n '$(ARCH)' || { echo 'cross-check: name the target with ARCH=, a Debian architecture (ARCH=arm64)' >&2; exit 2; }
	@scripts/install-deps --cross $(ARCH)
	@$(MAKE) --no-print-directory cross-run ARCH=$(ARCH)

# SANITIZE= and BUILD= here: the host build's settings never reach the cross build.
cross-run:
	@test -n '$(CROSS_CPU)' || { echo 'cross-check: dpkg-architecture does not know ARCH=$(ARCH)' >&2; exit 2; }
	@sysroot=$$(tests/cross/sysroot $(ARCH) $(CROSS_OUT) $(CROSS_PKGS)) && \
	echo "cross-check: $(ARCH) ($(CROSS_GNU_TYPE)) into $(CROSS_BUILD), sysroot $$sysroot" && \
	$(MAKE) --no-print-directory SANITIZE= BUILD=$(CROSS_BUILD) SYSROOT=$$sysroot \
		CC=$(CROSS_GNU_TYPE)-gcc AR=$(CROSS_GNU_TYPE)-ar cross-binaries && \
	CROSS_DIR=$(CROSS_BUILD) CROSS_ARCH=$(ARCH) CROSS_SYSROOT=$$sysroot \
		CROSS_CC=$(CROSS_GNU_TYPE)-gcc tests/run-tests tests/cross/test-cross-binaries

# What the cross build makes: make all, and the test programs make check runs on
# the host (what an OpenEmbedded ptest package would carry), apart from the
# policy decision tests, which read the policy built on the build machine.
CROSS_TARGETS = all $(UNIT_BINS) $(FUZZ_BINS) $(BENCH_BINS) $(SELFTEST_FAKE)
.PHONY: cross-binaries
cross-binaries: $(CROSS_TARGETS)
