# tests/vm/vm.mk: emulated-host targets (check-vm, check-xen, vm-images), included by the top-level Makefile.
# Also works alone: make -f tests/vm/vm.mk BUILD=build check-xen. Only changed inputs are rebuilt.

BUILD ?= build
VM_DIR := tests/vm
VM_OUT := $(BUILD)/vm
VM_IMG := $(VM_OUT)/img
VM_STAMP := $(VM_OUT)/stage.stamp
VM_ENV := BUILD=$(BUILD)

# Included from the top-level Makefile, the project's own `deps` target runs
# first; alone, only what the emulated hosts need is checked.
VM_STANDALONE := $(if $(filter %vm.mk,$(firstword $(MAKEFILE_LIST))),1)
VM_DEPS := $(if $(VM_STANDALONE),,deps)

# The hosts run the policy `make policy` builds (policy/policy.mk); alone, vm.mk includes it.
ifndef POLICY_BIN
include policy/policy.mk
endif
VM_POLICY_FC := $(POLICY_OUT)/etc/selinux/$(POLICY_TYPE)/contexts/files/file_contexts
VM_ENV += VM_POLICY_BIN=$(abspath $(POLICY_BIN)) VM_POLICY_FC=$(abspath $(VM_POLICY_FC))

VM_GUEST_SCRIPTS := $(addprefix $(VM_DIR)/guest/,init-lib.sh init-stage1 run-job suite-driver expected-boot-avcs)
VM_COMMON := $(VM_DIR)/lib/common.sh $(VM_DIR)/lib/rootfs.sh $(VM_DIR)/mkimage $(VM_STAMP) $(VM_GUEST_SCRIPTS)
VM_POLICY := $(VM_IMG)/policy/policy.33

.PHONY: check-vm check-xen vm-demo vm-images vm-image-selinux vm-image-xen vm-image-xsm vm-project vm-qemu vm-clean

vm-images: vm-image-selinux vm-image-xen

vm-image-selinux: $(VM_IMG)/selinux.cpio.gz vm-project
vm-image-xen: $(VM_IMG)/xen.cpio.gz vm-project

# The Xen host again, on a hypervisor built with Flask and svirt-xen's Flask
# policy (flask/flask.mk builds both; the hypervisor once, then cached).
vm-image-xsm: vm-image-xen
	+@$(MAKE) --no-print-directory -f flask/flask.mk flask xen-flask
	@cmp -s build/flask/xen-flask $(VM_IMG)/xen-flask || cp build/flask/xen-flask $(VM_IMG)/xen-flask
	@cmp -s build/flask/xenpolicy $(VM_IMG)/xenpolicy || cp build/flask/xenpolicy $(VM_IMG)/xenpolicy

# Images are built under a lock: check-vm and check-xen share the stage and
# the project tree, and may run side by side (make -j, two shells).
VM_LOCKED_MAKE = mkdir -p $(VM_OUT) && flock $(VM_OUT)/.build-lock \
	$(MAKE) --no-print-directory -f $(VM_DIR)/vm.mk $(VM_ENV)

check-vm: $(VM_DEPS) vm-qemu
	+@$(VM_LOCKED_MAKE) vm-image-selinux
	@VM_IMAGES_READY=1 $(VM_ENV) $(VM_DIR)/check-suite selinux

# Two boots: the Xen host on Debian's hypervisor, then on the Flask one
# (scenarios/xsm; VM_PARALLEL=1: both at once); check-suite ends with the total of both.
check-xen: $(VM_DEPS) vm-qemu
	+@$(VM_LOCKED_MAKE) vm-image-xsm
	@VM_IMAGES_READY=1 $(VM_ENV) $(VM_DIR)/check-suite xen xsm

# The narrated tour of the Xen host (the top-level `make demo` may call it).
vm-demo: $(VM_DEPS) vm-qemu
	+@$(VM_LOCKED_MAKE) vm-image-xen
	@VM_IMAGES_READY=1 $(VM_ENV) $(VM_DIR)/demo

# The two host packages the harness installs (qemu-system-x86, and xz-utils:
# mkimage unpacks the guest kit's kernel with xz); everything inside the hosts comes from .debs.
VM_APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends
VM_HOST_PACKAGES = qemu-system-x86 xz-utils

vm-qemu:
	@{ command -v qemu-system-x86_64 && command -v xz; } >/dev/null || { \
		echo "vm: installing $(VM_HOST_PACKAGES)"; \
		$(VM_APT_INSTALL) $(VM_HOST_PACKAGES) >/dev/null 2>&1 || \
		{ apt-get update -qq >/dev/null && $(VM_APT_INSTALL) $(VM_HOST_PACKAGES) >/dev/null; }; }

$(VM_STAMP): $(VM_DIR)/packages.list $(VM_DIR)/fetch-debs $(VM_DIR)/lib/common.sh
	@$(VM_ENV) $(VM_DIR)/fetch-debs
	@touch $@

# policy.bin and file_contexts come from the same rule: the first is the target to depend on.
$(VM_POLICY): $(POLICY_BIN) $(VM_STAMP)
	@echo "vm: policy $@"
	@$(VM_ENV) $(VM_DIR)/mkimage policy

$(VM_IMG)/selinux.cpio.gz: $(VM_COMMON) $(VM_POLICY) $(VM_DIR)/guest/init-selinux $(VM_DIR)/guest/rc-selinux
	@echo "vm: image $@"
	@$(VM_ENV) $(VM_DIR)/mkimage selinux

# The grant test tool, static: it runs in dom0 and in the guests.
$(VM_IMG)/svirt-gnttest: $(VM_DIR)/guest/svirt-gnttest.c $(VM_DIR)/guest/include/xen/interface/xen.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static -I$(VM_DIR)/guest/include -o $@ $<

# The set_target tool, for dom0 (its libxenctrl is the host's): gnu11, since
# Xen's public headers that xenctrl.h includes use GNU C's anonymous unions.
$(VM_IMG)/svirt-settarget: $(VM_DIR)/guest/svirt-settarget.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -o $@ $< -lxenctrl

# The stand-in device model that tries to reopen Xen nodes after dm_restrict, static: it runs in dom0.
$(VM_IMG)/svirt-dmprobe: $(VM_DIR)/guest/svirt-dmprobe.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static -o $@ $<

# The crafted-frame tool, static: guests send frames the IP hooks never see, dom0 and guests count them.
$(VM_IMG)/svirt-frame: $(VM_DIR)/guest/svirt-frame.c $(VM_DIR)/frame_io.c $(VM_DIR)/frame_io.h \
		tests/unit/frames.c tests/unit/frames.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static -o $@ $(filter %.c,$^)

$(VM_IMG)/guest.cpio.gz: $(VM_COMMON) $(VM_DIR)/guest/init-domu $(VM_DIR)/guest/gnt-agent $(VM_IMG)/svirt-gnttest \
		$(VM_DIR)/guest/frame-agent $(VM_IMG)/svirt-frame
	@echo "vm: image $@"
	@$(VM_ENV) $(VM_DIR)/mkimage guest

$(VM_IMG)/xen.cpio.gz: $(VM_COMMON) $(VM_POLICY) $(VM_IMG)/guest.cpio.gz $(VM_IMG)/svirt-gnttest $(VM_IMG)/svirt-frame \
		$(VM_IMG)/svirt-dmprobe \
		$(VM_IMG)/svirt-settarget \
		$(VM_DIR)/guest/init-dom0 $(VM_DIR)/guest/rc-dom0
	@echo "vm: image $@"
	@$(VM_ENV) $(VM_DIR)/mkimage xen

# The project as `make install` lays it out, rebuilt every time (the archive
# itself changes only when the installed files do). VM_PROJECT=none boots the
# hosts without it, for work on the harness itself; VM_PROJECT=deb with what
# the Debian packages `make deb` left in DEB_OUT install instead (.ci/run),
# the scenarios' own tools beside them.
DEB_OUT ?= build/deb
vm-project: $(VM_STAMP)
	@rm -rf $(VM_OUT)/install
	@if [ "$(VM_PROJECT)" = deb ]; then \
		$(VM_DIR)/unpack-debs $(DEB_OUT) $(VM_OUT)/install && \
		$(MAKE) --no-print-directory -f Makefile install-vm-tests \
			DESTDIR=$(abspath $(VM_OUT))/install PREFIX=/usr >/dev/null; \
	elif [ -f Makefile ] && [ "$(VM_PROJECT)" != none ]; then \
		$(MAKE) --no-print-directory -f Makefile install install-vm-tests \
			DESTDIR=$(abspath $(VM_OUT))/install PREFIX=/usr >/dev/null; \
	else mkdir -p $(VM_OUT)/install; fi
	@$(VM_ENV) $(VM_DIR)/mkimage project $(VM_OUT)/install

vm-clean:
	rm -rf $(VM_OUT)/img $(VM_OUT)/root-* $(VM_OUT)/run $(VM_OUT)/install
