# tests/vm/nettool.mk: svirt-nettool, lib/net.c driven line by line, for the SELinux host,
# and crafted frames sent and counted (tests/unit/frames.c)
# (no Xen there, so no svirtd); installed into the emulated hosts' tree only (install-vm-tests).

NETTOOL = $(BUILD)/vm/svirt-nettool
# Only the libraries lib/net.c needs: the SELinux host has no Xen libraries.
NETTOOL_LIBS = $(call pc_libs,libselinux libnl-genl-3.0 libnftables) -lm

$(NETTOOL): $(BUILD)/tests/vm/nettool.o $(BUILD)/tests/vm/frame_io.o $(BUILD)/tests/unit/frames.o $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(NETTOOL_LIBS)

# svirt-mkqcow2: qcow2 overlays for the Xen host's image-chain scenario (no qemu-img there).
MKQCOW2 = $(BUILD)/vm/svirt-mkqcow2

$(MKQCOW2): $(BUILD)/tests/vm/mkqcow2.o $(BUILD)/tests/vm/image_file.o $(BUILD)/tests/unit/qcow2_image.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^


# svirt-mkvhd: VHD overlays for the blktap2 stand-in's VHD chain scenario (no vhd-util there).
MKVHD = $(BUILD)/vm/svirt-mkvhd

$(MKVHD): $(BUILD)/tests/vm/mkvhd.o $(BUILD)/tests/vm/image_file.o $(BUILD)/tests/unit/vhd_image.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^


all: $(NETTOOL) $(MKQCOW2) $(MKVHD)

.PHONY: install-vm-tests
install-vm-tests: $(NETTOOL) $(MKQCOW2) $(MKVHD)
	install -d $(DESTDIR)$(LIBEXECDIR)/tests
	install -m 0755 $(NETTOOL) $(DESTDIR)$(LIBEXECDIR)/tests/svirt-nettool
	install -m 0755 $(MKQCOW2) $(DESTDIR)$(LIBEXECDIR)/tests/svirt-mkqcow2
	install -m 0755 $(MKVHD) $(DESTDIR)$(LIBEXECDIR)/tests/svirt-mkvhd

-include $(BUILD)/tests/vm/nettool.d $(BUILD)/tests/vm/frame_io.d $(BUILD)/tests/vm/mkqcow2.d $(BUILD)/tests/vm/mkvhd.d $(BUILD)/tests/vm/image_file.d
