# interpose/interpose.mk: builds svirt-interpose (libxl's device_model_override)
# from interpose/*.c and libsvirt, and installs it; included by the Makefile.

INTERPOSE = $(BUILD)/svirt-interpose
INTERPOSE_SRCS = $(wildcard interpose/*.c)
INTERPOSE_OBJS = $(INTERPOSE_SRCS:%.c=$(BUILD)/%.o)
# Only what it calls: libselinux (and libc).  It takes from libsvirt.a the
# few members it uses (the control client, error messages), none of which
# needs another library; LIB_LIBS would load libxenlight, libnftables and
# the rest into every qemu start for nothing.
INTERPOSE_LIBS = -Wl,--as-needed $(call pc_libs,libselinux)

$(INTERPOSE): $(INTERPOSE_OBJS) $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(INTERPOSE_LIBS)

all: $(INTERPOSE)

# The benchmark starts a program through interpose-stub: the interposer's
# code and libraries as build/svirt-interpose has them, with its config path
# as argv[1] (the real one has it built in) (tests/bench/bench_interpose.c).
$(BUILD)/bench/interpose-stub: $(BUILD)/tests/bench/interpose-stub.o \
		$(filter-out %/svirt-interpose.o,$(INTERPOSE_OBJS)) $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(INTERPOSE_LIBS)

$(BUILD)/bench/bench_interpose: $(BUILD)/tests/bench/bench_interpose.o $(BENCH_ENV_OBJS) \
		$(LIBSVIRT) | $(BUILD)/bench/interpose-stub
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIB_LIBS) \
		$(call pc_libs,xenstore $(PKGS_TEST))

test-run: $(INTERPOSE)

.PHONY: install-interpose
install: install-interpose
install-interpose: $(INTERPOSE)
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SBINDIR)
	install -m 0755 $(INTERPOSE) $(DESTDIR)$(LIBEXECDIR)/svirt-interpose
	sed 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' interpose/svirt-divert >$(DESTDIR)$(SBINDIR)/svirt-divert
	chmod 0755 $(DESTDIR)$(SBINDIR)/svirt-divert
	install -m 0644 interpose/interpose.conf \
		$(DESTDIR)$(DOCDIR)/interpose.conf.example
	install -m 0644 interpose/README.md $(DESTDIR)$(DOCDIR)/interpose.md
	install -d $(DESTDIR)$(DATADIR)/man/man8
	install -m 0644 interpose/svirt-interpose.8 \
		$(DESTDIR)$(DATADIR)/man/man8/svirt-interpose.8

-include $(wildcard $(INTERPOSE_OBJS:.o=.d))
