# Makefile: builds svirt-xen's library, tools and tests into build/.
# Honours CC, CPPFLAGS, CFLAGS, LDFLAGS, PKG_CONFIG, DESTDIR, PREFIX (distribution and
# OpenEmbedded cross builds), and the compiled-in paths below.

CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec/svirt-xen
DATADIR ?= $(PREFIX)/share
DOCDIR ?= $(DATADIR)/doc/svirt-xen
SYSCONFDIR ?= /etc
LOCALSTATEDIR ?= /var
RUNSTATEDIR ?= /run
DESTDIR ?=

# Compiled in (written to $(BUILD)/gen/svirt-paths.h, rewritten when one changes):
# the configuration directory (svirt.conf, interpose.conf, xl.conf), svirtd's
# state store and the directory of its control socket and svirt-xl's derived
# configs, and the Xen parts the tools run: the real qemu (svirt-interpose's
# default, svirt-divert's), xl (svirt-xl create's) and the hotplug scripts.
SVIRT_CONFDIR ?= $(SYSCONFDIR)/svirt
SVIRT_STATEDIR ?= $(LOCALSTATEDIR)/lib/svirt
SVIRT_RUNDIR ?= $(RUNSTATEDIR)/svirt
XEN_QEMU ?= /usr/libexec/xen-qemu-system-i386
XEN_XL ?= /usr/sbin/xl
XEN_SCRIPTDIR ?= $(SYSCONFDIR)/xen/scripts

# The version every tool's --version prints: scripts/version (git describe in a
# git checkout, else the VERSION file); a packager may set SVIRT_VERSION.
ifndef SVIRT_VERSION
SVIRT_VERSION := $(shell scripts/version)
endif

# SANITIZE=1 builds everything with AddressSanitizer + UBSan, apart from the
# normal build so the two never mix objects.
ifeq ($(SANITIZE),1)
BUILD ?= build/san
OPT_CFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
OPT_LDFLAGS = -fsanitize=address,undefined
else
BUILD ?= build
OPT_CFLAGS =
OPT_LDFLAGS =
endif

CFLAGS ?= -O2 -g
# _FORTIFY_SOURCE=2 unless the caller's flags choose a level (dpkg-buildflags
# puts one in CPPFLAGS, Fedora's in CFLAGS as -Wp,-D...): a second, different
# definition is an error under -Werror.  The -U drops a compiler's built-in one.
# OpenEmbedded puts its level in CC itself (SECURITY_CFLAGS in TARGET_CC_ARCH).
USER_FORTIFY = $(filter -D_FORTIFY_SOURCE% -Wp$(comma)-D_FORTIFY_SOURCE%,$(CC) $(CPPFLAGS) $(CFLAGS))
comma := ,
SV_FORTIFY = $(if $(USER_FORTIFY),,-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2)
# Always on, whatever the caller's CFLAGS: the project's language and hardening.
SV_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	-Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
	$(SV_FORTIFY) -fstack-protector-strong -fPIE \
	-MMD -MP -Ilib -I$(BUILD)/gen
SV_LDFLAGS = -pie -Wl,-z,relro,-z,now

# Cross builds (README "Cross-building and OpenEmbedded"): SYSROOT=DIR names the
# target's root (its headers, libraries and .pc files).  The compiler and the
# linker get --sysroot=DIR, and pkg-config reads the target's .pc files only,
# their -I/-L under DIR (PKG_CONFIG_SYSROOT_DIR, PKG_CONFIG_LIBDIR; the
# multiarch directory is the compiler's), never the build machine's.  Empty:
# CC and pkg-config are used as they are, which is what OpenEmbedded wants (its
# CC carries --sysroot and its pkgconfig class sets both variables).
#
# A cross compiler with a C library of its own (Debian's gcc-TRIPLET with
# libc6-dev-ARCH-cross in /usr/TRIPLET) searches that before the sysroot; so
# the headers are the compiler's own then the sysroot's only (-nostdinc,
# -isystem), and the start files and libraries the sysroot's first (-B, -L).
SYSROOT ?=
ifneq ($(SYSROOT),)
SYSROOT_MULTIARCH := $(shell $(CC) -print-multiarch)
SYSROOT_LIBDIRS = $(SYSROOT)/usr/lib/$(SYSROOT_MULTIARCH) $(SYSROOT)/lib/$(SYSROOT_MULTIARCH)
SYSROOT_CC_INCLUDE := $(shell $(CC) -print-file-name=include)
SYSROOT_CFLAGS = --sysroot=$(SYSROOT) -nostdinc -isystem $(SYSROOT_CC_INCLUDE) \
	-isystem $(SYSROOT)/usr/include/$(SYSROOT_MULTIARCH) -isystem $(SYSROOT)/usr/include
SYSROOT_LDFLAGS = --sysroot=$(SYSROOT) -B$(SYSROOT)/usr/lib/$(SYSROOT_MULTIARCH)/ \
	$(addprefix -L,$(SYSROOT_LIBDIRS)) $(addprefix -Wl$(comma)-rpath-link$(comma),$(SYSROOT_LIBDIRS))
SYSROOT_PC_DIRS = $(SYSROOT)/usr/lib/$(SYSROOT_MULTIARCH)/pkgconfig:$(SYSROOT)/usr/lib/pkgconfig:$(SYSROOT)/usr/share/pkgconfig
PKG_CONFIG_CMD = PKG_CONFIG_SYSROOT_DIR='$(SYSROOT)' PKG_CONFIG_LIBDIR='$(SYSROOT_PC_DIRS)' $(PKG_CONFIG)
else
SYSROOT_CFLAGS =
SYSROOT_LDFLAGS =
PKG_CONFIG_CMD = $(PKG_CONFIG)
endif

# pkg-config is asked lazily (recursive variables), so a first `make check`
# can install the packages before anything needs them.
PKGS_LIB = libselinux xlutil xenlight xenstore blkid libnl-genl-3.0 libnftables
PKGS_TEST = cmocka
pc_cflags = $(shell $(PKG_CONFIG_CMD) --cflags $(1))
pc_libs = $(shell $(PKG_CONFIG_CMD) --libs $(1))

ALL_CFLAGS = $(SV_CFLAGS) $(SYSROOT_CFLAGS) $(OPT_CFLAGS) $(call pc_cflags,$(PKGS_LIB)) \
	$(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SV_LDFLAGS) $(SYSROOT_LDFLAGS) $(OPT_LDFLAGS) $(LDFLAGS)
LIB_LIBS = $(call pc_libs,$(PKGS_LIB)) -lm

# Made before any object (see the %.o rule).
GEN_HEADERS = $(BUILD)/gen/svirt-paths.h $(BUILD)/gen/svirt-libexec.h \
	$(BUILD)/gen/svirt-version.h

LIB_SRCS = $(wildcard lib/*.c)
LIB_OBJS = $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBSVIRT = $(BUILD)/libsvirt.a

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/check/%)
UNIT_HELPER_SRCS = $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
UNIT_HELPER_OBJS = $(UNIT_HELPER_SRCS:%.c=$(BUILD)/%.o)

FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LF_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=build/libfuzzer/%)

BENCH_SRCS = $(wildcard tests/bench/bench_*.c)
BENCH_BINS = $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)

DEMO = $(BUILD)/svirt-demo
SELFTEST_FAKE = $(BUILD)/selftest/fake_test

.DEFAULT_GOAL := all
# The dom0 policy module and its decision tests (POLICY_TESTS); before the
# rules below, which list those tests among their prerequisites.
include policy/policy.mk
# The test xenstore server (build/xsd) and the host tests that talk to it.
include tests/xenstored/xsd.mk
# The hypervisor's Flask policy, its decision tests (FLASK_TESTS) and the Flask hypervisor.
include flask/flask.mk

.PHONY: all check check-valgrind test-run demo demo-run bench fuzz install deps clean

# Keep objects of pattern-built binaries, so a rebuild only compiles what changed.
.SECONDARY:

all: $(LIBSVIRT) $(DEMO)

# The generated headers first (order only: once an object is built, its .d
# file names the headers it includes, so a changed path rebuilds what uses it).
$(BUILD)/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Rewritten only when their text changes (a new commit rebuilds lib/version.o alone).
$(BUILD)/gen/svirt-paths.h: FORCE
	@mkdir -p $(dir $@)
	@{ echo '/* Generated by the Makefile from its path variables. */'; \
	  echo '#define SV_CONF_DIR "$(SVIRT_CONFDIR)"'; \
	  echo '#define SV_STATE_DIR "$(SVIRT_STATEDIR)"'; \
	  echo '#define SV_RUN_DIR "$(SVIRT_RUNDIR)"'; \
	  echo '#define SV_XEN_QEMU "$(XEN_QEMU)"'; \
	  echo '#define SV_XEN_XL "$(XEN_XL)"'; \
	  echo '#define SV_XEN_SCRIPT_DIR "$(XEN_SCRIPTDIR)"'; } >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi
# Apart: PREFIX changes it (make install PREFIX=/usr), and only svirt-xl uses it.
$(BUILD)/gen/svirt-libexec.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define SV_LIBEXEC_DIR "$(LIBEXECDIR)"' >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi
$(BUILD)/gen/svirt-version.h: FORCE
	@mkdir -p $(dir $@)
	@test -n '$(SVIRT_VERSION)' || { echo 'no version: scripts/version printed nothing' >&2; exit 1; }
	@echo '#define SVIRT_VERSION "$(SVIRT_VERSION)"' >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

.PHONY: FORCE
FORCE:

$(LIBSVIRT): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/check/%: $(BUILD)/tests/unit/%.o $(UNIT_HELPER_OBJS) $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(call pc_libs,$(PKGS_TEST))

# A cmocka binary that misbehaves on request, for tests/selftest/run-tests-selftest.
$(SELFTEST_FAKE): $(BUILD)/tests/selftest/fake_test.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS_TEST))

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz/replay.o $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS)

$(BUILD)/bench/%: $(BUILD)/tests/bench/%.o $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS)

$(DEMO): $(BUILD)/tests/demo/svirt-demo.o $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS)

# The two commands of the README install what they need first.
deps:
	@scripts/install-deps

check: deps
	@$(MAKE) --no-print-directory test-run

# The runner's self-test first: a hang, a skip, a crash are each reported as they should be;
# then the build as distributions run it (tests/build/test-build: a copy of the tree, built).
test-run: $(LIBSVIRT) $(UNIT_BINS) $(POLICY_TESTS) $(FLASK_TESTS) $(FUZZ_BINS) $(BENCH_BINS) $(DEMO) \
		$(SELFTEST_FAKE)
	@VALGRIND=$(VALGRIND) RUN_TESTS_FAKE=$(SELFTEST_FAKE) tests/run-tests \
		tests/selftest/run-tests-selftest tests/build/test-build tests/vm/test-scenario-pipes \
		$(UNIT_BINS) $(SERVICE_TESTS) $(POLICY_TESTS) $(FLASK_TESTS) -- $(FUZZ_BINS)

# The same tests under valgrind's memcheck (leaks and memory errors fail).
check-valgrind: deps
	@command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null
	@$(MAKE) --no-print-directory test-run VALGRIND=1

# The labels the allocator gives three guests, then the emulated Xen host
# with two real guests, narrated (tests/vm/demo).
demo: deps
	@$(MAKE) --no-print-directory demo-run
	@$(MAKE) --no-print-directory vm-demo

demo-run: $(DEMO)
	@$(DEMO) -c contrib/svirt.conf

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BINS)
	@n=0; for b in $(BENCH_BINS); do $$b; rc=$$?; \
		if [ $$rc = 77 ]; then n=$$((n + 1)); elif [ $$rc != 0 ]; then exit 1; fi; done; \
		[ $$n = 0 ] || echo "bench: $$n benchmarks skipped (their SKIP lines say why)"

# Coverage-guided fuzzing with clang's libFuzzer: make fuzz FUZZ_SECONDS=60
FUZZ_SECONDS ?= 30
FUZZ_CC ?= clang
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_LF_BINS)
	@for f in $(FUZZ_LF_BINS); do \
		n=$$(basename $$f); mkdir -p build/libfuzzer/corpus-$$n; \
		$$f -max_total_time=$(FUZZ_SECONDS) build/libfuzzer/corpus-$$n \
			tests/data/fuzz/$${n#fuzz_} || exit 1; done

build/libfuzzer/%: tests/fuzz/%.c $(LIB_SRCS) | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O1 -Ilib -I$(BUILD)/gen \
		-fsanitize=fuzzer,address,undefined $(call pc_cflags,$(PKGS_LIB)) \
		-o $@ $< $(LIB_SRCS) $(LIB_LIBS)

POLICYSRCDIR ?= $(DATADIR)/svirt-xen/policy

install: all
	install -d $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/svirt \
		$(DESTDIR)$(POLICYSRCDIR)
	install -m 0644 $(POLICY_MODULE_SRCS) $(POLICY_CIL_SRC) policy/README.md \
		$(DESTDIR)$(POLICYSRCDIR)/
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -m 0644 contrib/svirt.conf $(DESTDIR)$(DOCDIR)/svirt.conf.example
	test -e $(DESTDIR)$(SYSCONFDIR)/svirt/svirt.conf || \
		install -m 0644 contrib/svirt.conf $(DESTDIR)$(SYSCONFDIR)/svirt/svirt.conf
	install -m 0644 docs/control.md $(DESTDIR)$(DOCDIR)/control.md
	install -d $(DESTDIR)$(DATADIR)/man/man5
	install -m 0644 docs/svirt.conf.5 $(DESTDIR)$(DATADIR)/man/man5/svirt.conf.5

# The compiled dom0 module and its MCS constraints, where a distribution's
# policy packages keep theirs (semodule -i loads them; debian/ does so).
SELINUXDIR ?= $(DATADIR)/selinux/$(POLICY_TYPE)
.PHONY: install-policy install-flask
install-policy: $(POLICY_PP) $(POLICY_CIL)
	install -d $(DESTDIR)$(SELINUXDIR)
	install -m 0644 $(POLICY_PP) $(POLICY_CIL) $(DESTDIR)$(SELINUXDIR)/

# The hypervisor's Flask policy; the boot loader loads it as a multiboot
# module (README "Flask"), so it is installed as data, not in /boot.
FLASKDIR ?= $(DATADIR)/svirt-xen/flask
install-flask: $(FLASK_POLICY)
	install -d $(DESTDIR)$(FLASKDIR)
	install -m 0644 $(FLASK_POLICY) $(DESTDIR)$(FLASKDIR)/xenpolicy

# The Debian packages (debian/) of the committed tree, built by dpkg-buildpackage
# in a private clone, into build/deb/; then what they hold, their maintainer
# scripts and lintian are checked (tests/pkg/test-pkg). DEB_BUILD_OPTIONS=nocheck
# leaves make check out of the package build.
DEB_OUT ?= build/deb
.PHONY: deb
deb:
	@scripts/install-deps --packaging
	@scripts/build-deb $(DEB_OUT)
	@tests/pkg/test-pkg $(DEB_OUT)

clean:
	rm -rf build

-include tests/vm/vm.mk
ALL_OBJS = $(LIB_OBJS) $(UNIT_SRCS:%.c=$(BUILD)/%.o) $(UNIT_HELPER_OBJS) \
	$(FUZZ_SRCS:%.c=$(BUILD)/%.o) $(BENCH_SRCS:%.c=$(BUILD)/%.o) \
	$(BUILD)/tests/fuzz/replay.o $(BUILD)/tests/demo/svirt-demo.o
-include $(wildcard $(ALL_OBJS:.o=.d))
-include xenstore-watch/svirtd.mk
include interpose/interpose.mk
include xl-plugin/svirt-xl.mk
include xl-plugin/vif.mk
include tests/vm/nettool.mk
include tests/cross/cross.mk
