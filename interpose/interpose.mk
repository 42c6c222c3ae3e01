# interpose/interpose.mk: builds svirt-interpose (libxl's device_model_override)
# from interpose/*.c and libsvirt, and installs it; included by the Makefile.

INTERPOSE = $(BUILD)/svirt-interpose
INTERPOSE_SRCS = $(wildcard interpose/*.c)
INTERPOSE_OBJS = $(INTERPOSE_SRCS:%.c=$(BUILD)/%.o)
# Only what it calls: libselinux (and libc).  It takes from libsvirt.a the
# few members it uses (the control client, error messages), none of which
# needs another library; LIB_LIBS would load libxenlight, libnftables and
# the rest into every qemu start for nothing.
#
# Linked static-pie (issue 15): every qemu start execs it, and on a virtual
# machine most of an exec's cost is page faults.  By default it has no C
# library at all (INTERPOSE_LIBC=none): glibc's own start-up (TLS, IRELATIVE
# relocations, tunables, stdio) and libselinux's constructor cost a static
# build more than the interposer's work.  interpose/rt is the little it
# needs in their place: the entry point (it applies its own relocations and
# makes RELRO read-only), the system calls, printf's formatting, strerror's
# texts (from the build host's glibc), a fixed arena for malloc, and
# libselinux's is_selinux_enabled, security_getenforce and setexeccon_raw
# as libselinux does them.  The interposer's own objects and libsvirt's are
# compiled as everywhere else (and tested so: tests/unit, tests/fuzz), with
# the stack protector and _FORTIFY_SOURCE, whose checks rt provides.
# x86_64 and aarch64 only.
#
# INTERPOSE_LIBC=glibc links glibc and libselinux instead: static-pie, or
# dynamically with INTERPOSE_STATIC=0 (a toolchain without static libc).
# SANITIZE=1 takes glibc and links dynamically (ASan has no static runtime).
# Either way still position independent, RELRO with BIND_NOW, stack
# protector, FORTIFY (tests/unit/test_interpose.c checks the ELF).
INTERPOSE_ARCH_OK = $(filter x86_64% aarch64%,$(shell $(CC) -dumpmachine))
INTERPOSE_LIBC ?= $(if $(filter 1,$(SANITIZE)),glibc,$(if $(INTERPOSE_ARCH_OK),none,glibc))
INTERPOSE_STATIC ?= $(if $(filter 1,$(SANITIZE)),0,1)
# malloc.o last: its 4 MB arena then ends the bss, and the few variables of
# the others share the page of .data (a page fault less per start).
RT_SRCS = $(filter-out %/gen-errtext.c %/malloc.c,$(wildcard interpose/rt/*.c)) \
	interpose/rt/malloc.c
RT_OBJS = $(RT_SRCS:%.c=$(BUILD)/%.o)
ifeq ($(INTERPOSE_LIBC),none)
INTERPOSE_RT = $(RT_OBJS)
INTERPOSE_LDFLAGS = $(filter-out -pie,$(ALL_LDFLAGS)) -static-pie -nostdlib
INTERPOSE_LIBS = -lgcc
else ifeq ($(INTERPOSE_STATIC),1)
INTERPOSE_RT =
INTERPOSE_LDFLAGS = $(filter-out -pie,$(ALL_LDFLAGS)) -static-pie
INTERPOSE_LIBS = $(shell $(PKG_CONFIG_CMD) --static --libs libselinux)
else
INTERPOSE_RT =
INTERPOSE_LDFLAGS = $(ALL_LDFLAGS)
INTERPOSE_LIBS = -Wl,--as-needed $(call pc_libs,libselinux)
endif

# rt is the C library here: no built-in function may become a call to
# itself (a loop turned into memset inside memset), and it defines what
# _FORTIFY_SOURCE's inline wrappers would otherwise stand in front of.
$(RT_OBJS): $(BUILD)/%.o: %.c | $(GEN_HEADERS) $(BUILD)/gen/svrt-errtext.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -U_FORTIFY_SOURCE -ffreestanding \
		-fno-tree-loop-distribute-patterns -c -o $@ $<

# strerror's texts, from the build host's C library (a cross build runs
# this on the build host: the errno numbers are the same on both targets).
# The generator is a build-host program: it goes in buildhost/, apart from
# the target's binaries.
BUILD_CC ?= cc
$(BUILD)/gen/svrt-errtext.h: interpose/rt/gen-errtext.c
	@mkdir -p $(BUILD)/gen $(BUILD)/buildhost
	$(BUILD_CC) -std=c11 -D_GNU_SOURCE -O1 -o $(BUILD)/buildhost/gen-errtext $<
	$(BUILD)/buildhost/gen-errtext >$@.new && mv -f $@.new $@

$(INTERPOSE): $(INTERPOSE_OBJS) $(LIBSVIRT) $(INTERPOSE_RT)
	@mkdir -p $(dir $@)
	$(CC) $(INTERPOSE_LDFLAGS) -o $@ $^ $(INTERPOSE_LIBS)

# svirt-divert with this build's paths and version in it; rewritten when they change.
SVIRT_DIVERT = $(BUILD)/svirt-divert
$(SVIRT_DIVERT): interpose/svirt-divert FORCE
	@mkdir -p $(dir $@)
	@sed -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' -e 's|@XEN_QEMU@|$(XEN_QEMU)|g' \
		-e 's|@SVIRT_VERSION@|$(SVIRT_VERSION)|g' interpose/svirt-divert >$@.new
	@chmod 0755 $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

all: $(INTERPOSE) $(SVIRT_DIVERT)

# The benchmark starts a program through interpose-stub: the interposer's
# code and libraries as build/svirt-interpose has them, with its config path
# as argv[1] (the real one has it built in) (tests/bench/bench_interpose.c).
$(BUILD)/bench/interpose-stub: $(BUILD)/tests/bench/interpose-stub.o \
		$(filter-out %/svirt-interpose.o,$(INTERPOSE_OBJS)) $(LIBSVIRT) $(INTERPOSE_RT)
	@mkdir -p $(dir $@)
	$(CC) $(INTERPOSE_LDFLAGS) -o $@ $^ $(INTERPOSE_LIBS)

$(BUILD)/bench/bench_interpose: $(BUILD)/tests/bench/bench_interpose.o $(BENCH_ENV_OBJS) \
		$(LIBSVIRT) | $(BUILD)/bench/interpose-stub
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIB_LIBS) \
		$(call pc_libs,xenstore $(PKGS_TEST))

test-run: $(INTERPOSE) $(SVIRT_DIVERT)

.PHONY: install-interpose
install: install-interpose
install-interpose: $(INTERPOSE) $(SVIRT_DIVERT)
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SBINDIR)
	install -m 0755 $(INTERPOSE) $(DESTDIR)$(LIBEXECDIR)/svirt-interpose
	install -m 0755 $(SVIRT_DIVERT) $(DESTDIR)$(SBINDIR)/svirt-divert
	install -m 0644 interpose/interpose.conf \
		$(DESTDIR)$(DOCDIR)/interpose.conf.example
	install -m 0644 interpose/README.md $(DESTDIR)$(DOCDIR)/interpose.md
	install -d $(DESTDIR)$(DATADIR)/man/man8
	install -m 0644 interpose/svirt-interpose.8 \
		$(DESTDIR)$(DATADIR)/man/man8/svirt-interpose.8
	echo '.so man8/svirt-interpose.8' > $(DESTDIR)$(DATADIR)/man/man8/svirt-divert.8
	chmod 0644 $(DESTDIR)$(DATADIR)/man/man8/svirt-divert.8

-include $(wildcard $(INTERPOSE_OBJS:.o=.d) $(RT_OBJS:.o=.d))

# The runtime's pure parts are compiled into their unit test.
$(BUILD)/tests/unit/test_interpose_rt.o: | $(BUILD)/gen/svrt-errtext.h
