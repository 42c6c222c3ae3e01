# xl-plugin/vif.mk: the vif hotplug wrapper (vif-svirt) and the client it runs (vif/svirt-vif.c);
# included by the Makefile.  vif-svirt goes where libxl looks for vif scripts.

SVIRT_VIF = $(BUILD)/svirt-vif

$(SVIRT_VIF): $(BUILD)/xl-plugin/vif/svirt-vif.o $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS)

all: $(SVIRT_VIF)
test-run: $(SVIRT_VIF)

.PHONY: install-vif
install: install-vif
install-vif: $(SVIRT_VIF)
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(XEN_SCRIPTDIR)
	install -m 0755 $(SVIRT_VIF) $(DESTDIR)$(LIBEXECDIR)/svirt-vif
	sed 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' xl-plugin/vif-svirt > \
		$(DESTDIR)$(XEN_SCRIPTDIR)/vif-svirt
	chmod 0755 $(DESTDIR)$(XEN_SCRIPTDIR)/vif-svirt

-include $(BUILD)/xl-plugin/vif/svirt-vif.d
