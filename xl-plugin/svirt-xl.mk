# xl-plugin/svirt-xl.mk: builds svirt-xl (the strict `xl create`, list and verify)
# from xl-plugin/*.c and libsvirt, and installs it with its man page and settings example.

SVIRT_XL = $(BUILD)/svirt-xl
SVIRT_XL_SRCS = $(wildcard xl-plugin/*.c)
# interpose.conf's reader too: create asks whether svirt-interpose will
# start a PV guest's qemu without dm_restrict before it builds the guest.
SVIRT_XL_OBJS = $(SVIRT_XL_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/interpose/conf.o

$(SVIRT_XL): $(SVIRT_XL_OBJS) $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(call pc_libs,xentoollog)

all: $(SVIRT_XL)
test-run: $(SVIRT_XL)

.PHONY: install-svirt-xl
install: install-svirt-xl
install-svirt-xl: $(SVIRT_XL)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(DATADIR)/man/man8
	install -m 0755 $(SVIRT_XL) $(DESTDIR)$(SBINDIR)/svirt-xl
	install -m 0644 contrib/xl.conf $(DESTDIR)$(DOCDIR)/xl.conf.example
	install -m 0644 docs/svirt-xl.8 $(DESTDIR)$(DATADIR)/man/man8/svirt-xl.8

-include $(wildcard $(SVIRT_XL_OBJS:.o=.d))
