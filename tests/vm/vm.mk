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

VM_COMMON := $(VM_DIR)/lib/common.sh $(VM_DIR)/lib/rootfs.sh $(VM_DIR)/mkimage $(VM_STAMP)
VM_POLICY := $(VM_IMG)/policy/policy.33

.PHONY: check-vm check-xen vm-demo vm-images vm-image-selinux vm-image-xen vm-project vm-qemu vm-clean

vm-images: vm-image-selinux vm-image-xen

vm-image-selinux: $(VM_IMG)/selinux.cpio.gz vm-project
vm-image-xen: $(VM_IMG)/xen.cpio.gz vm-project

# Images are built under a lock: check-vm and check-xen share the stage and
# the project tree, and may run side by side (make -j, two shells).
VM_LOCKED_MAKE = mkdir -p $(VM_OUT) && flock $(VM_OUT)/.build-lock \
	$(MAKE) --no-print-directory -f $(VM_DIR)/vm.mk $(VM_ENV)

check-vm: $(VM_DEPS) vm-qemu
	+@$(VM_LOCKED_MAKE) vm-image-selinux
	@VM_IMAGES_READY=1 $(VM_ENV) $(VM_DIR)/check-suite selinux

check-xen: $(VM_DEPS) vm-qemu
	+@$(VM_LOCKED_MAKE) vm-image-xen
	@VM_IMAGES_READY=1 $(VM_ENV) $(VM_DIR)/check-suite xen

# The narrated tour of the Xen host (the top-level `make demo` may call it).
vm-demo: $(VM_DEPS) vm-qemu
	+@$(VM_LOCKED_MAKE) vm-image-xen
	@VM_IMAGES_READY=1 $(VM_ENV) $(VM_DIR)/demo

# The one host package the harness installs; everything inside the hosts comes from .debs.
VM_APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends

vm-qemu:
	@command -v qemu-system-x86_64 >/dev/null || { \
		echo "vm: installing qemu-system-x86"; \
		$(VM_APT_INSTALL) qemu-system-x86 >/dev/null 2>&1 || \
		{ apt-get update -qq >/dev/null && $(VM_APT_INSTALL) qemu-system-x86 >/dev/null; }; }

$(VM_STAMP): $(VM_DIR)/packages.list $(VM_DIR)/fetch-debs $(VM_DIR)/lib/common.sh
	@$(VM_ENV) $(VM_DIR)/fetch-debs
	@touch $@

$(VM_POLICY): $(VM_DIR)/gen-policy $(VM_STAMP)
	@echo "vm: policy $@"
	@$(VM_ENV) $(VM_DIR)/mkimage policy

$(VM_IMG)/selinux.cpio.gz: $(VM_COMMON) $(VM_POLICY) $(VM_DIR)/guest/init-lib.sh $(VM_DIR)/guest/init-selinux
	@echo "vm: image $@"
	@$(VM_ENV) $(VM_DIR)/mkimage selinux

$(VM_IMG)/guest.cpio.gz: $(VM_COMMON) $(VM_DIR)/guest/init-domu
	@echo "vm: image $@"
	@$(VM_ENV) $(VM_DIR)/mkimage guest

$(VM_IMG)/xen.cpio.gz: $(VM_COMMON) $(VM_POLICY) $(VM_IMG)/guest.cpio.gz \
		$(VM_DIR)/guest/init-lib.sh $(VM_DIR)/guest/init-dom0
	@echo "vm: image $@"
	@$(VM_ENV) $(VM_DIR)/mkimage xen

# The project as `make install` lays it out, rebuilt every time (the archive
# itself changes only when the installed files do). VM_PROJECT=none boots the
# hosts without it, for work on the harness itself.
vm-project:
	@rm -rf $(VM_OUT)/install
	@if [ -f Makefile ] && [ "$(VM_PROJECT)" != none ]; then \
		$(MAKE) --no-print-directory -f Makefile install install-vm-tests \
			DESTDIR=$(abspath $(VM_OUT))/install PREFIX=/usr >/dev/null; \
	else mkdir -p $(VM_OUT)/install; fi
	@$(VM_ENV) $(VM_DIR)/mkimage project $(VM_OUT)/install

vm-clean:
	rm -rf $(VM_OUT)/img $(VM_OUT)/root-* $(VM_OUT)/run $(VM_OUT)/install
