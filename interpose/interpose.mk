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
# machine most of an exec's cost is page faults; the dynamic loader mapping
# and relocating libselinux, libpcre2-8 and libc took about half of them.
# Still position independent, RELRO with BIND_NOW, and the objects keep
# -fstack-protector-strong and _FORTIFY_SOURCE (tests/unit/test_interpose.c
# checks the ELF).  INTERPOSE_STATIC=0 links it as the rest (a toolchain
# without static libc); SANITIZE=1 does too (ASan has no static runtime).
INTERPOSE_STATIC ?= $(if $(filter 1,$(SANITIZE)),0,1)
ifeq ($(INTERPOSE_STATIC),1)
INTERPOSE_LDFLAGS = $(filter-out -pie,$(ALL_LDFLAGS)) -static-pie
INTERPOSE_LIBS = $(shell $(PKG_CONFIG_CMD) --static --libs libselinux)
else
INTERPOSE_LDFLAGS = $(ALL_LDFLAGS)
INTERPOSE_LIBS = -Wl,--as-needed $(call pc_libs,libselinux)
endif

$(INTERPOSE): $(INTERPOSE_OBJS) $(LIBSVIRT)
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
		$(filter-out %/svirt-interpose.o,$(INTERPOSE_OBJS)) $(LIBSVIRT)
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

-include $(wildcard $(INTERPOSE_OBJS:.o=.d))
