# policy/policy.mk: `make policy` builds the dom0 SELinux module and the complete binary policy
# in a scratch copy of the distribution's store; included by the top-level Makefile.
#
# Alone: make -f policy/policy.mk policy (or policy-tests). Nothing outside build/policy is
# written: the host's own store and /etc/selinux are only read.

POLICY_OUT ?= build/policy
# The distribution's refpolicy: its devel Makefile and the store it installed.
POLICY_TYPE ?= default
POLICY_DEVEL_MK ?= /usr/share/selinux/devel/Makefile
# More variables for the devel Makefile, which runs with no MAKEFLAGS of ours: a
# cross build's (OpenEmbedded: HEADERDIR=<the sysroot's refpolicy headers>
# BINDIR=<native checkmodule's directory> SBINDIR=..., contrib/openembedded).
POLICY_DEVEL_ARGS ?=
POLICY_HOST_STORE ?= /var/lib/selinux/$(POLICY_TYPE)
SEMODULE ?= semodule

POLICY_MODULE_SRCS = policy/svirt_xen.te policy/svirt_xen.if policy/svirt_xen.fc
POLICY_CIL_SRC = policy/svirt_xen_mcs.cil
POLICY_PP = $(POLICY_OUT)/svirt_xen.pp
POLICY_CIL = $(POLICY_OUT)/svirt_xen_mcs.cil
POLICY_BIN = $(POLICY_OUT)/policy.bin

# The decision tests: a cmocka binary for tests/run-tests, reading $(POLICY_BIN).
POLICY_BUILD_DIR = $(or $(BUILD),build)/policy
POLICY_TESTS = $(POLICY_BUILD_DIR)/test_policy_decisions
POLICY_TEST_OBJ = $(or $(BUILD),build)/tests/policy/test_policy_decisions.o
POLICY_TEST_CFLAGS = $(or $(ALL_CFLAGS),-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g)
POLICY_TEST_LDFLAGS = $(or $(ALL_LDFLAGS),$(LDFLAGS))
# The static libsepol: CONSTRAINED rows read struct policydb (its constraints
# and rules), which the shared library keeps to itself.
POLICY_TEST_LIBS = -l:libsepol.a $(shell $(or $(PKG_CONFIG_CMD),pkg-config) --libs cmocka)

.PHONY: policy policy-tests policy-check policy-clean

policy: $(POLICY_BIN)

policy-tests: $(POLICY_TESTS)

# The decisions printed, without the rest of make check.
policy-check: $(POLICY_BIN) $(POLICY_TESTS)
	$(POLICY_TESTS) $(POLICY_BIN)

# The devel Makefile writes next to its sources (tmp/, the .pp), so it works
# on a copy; the copy is remade whole so a deleted source leaves nothing behind.
$(POLICY_PP): $(POLICY_MODULE_SRCS)
	@rm -rf $(POLICY_OUT)/src
	@mkdir -p $(POLICY_OUT)/src
	cp $(POLICY_MODULE_SRCS) $(POLICY_OUT)/src/
	MAKEFLAGS= $(MAKE) --no-print-directory -C $(POLICY_OUT)/src -f $(POLICY_DEVEL_MK) \
		NAME=$(POLICY_TYPE) $(POLICY_DEVEL_ARGS) svirt_xen.pp
	cp $(POLICY_OUT)/src/svirt_xen.pp $@

$(POLICY_CIL): $(POLICY_CIL_SRC)
	@mkdir -p $(dir $@)
	cp $< $@

# A fresh scratch store each time, so the policy is exactly the distribution's
# plus these two modules. semodule -p makes build/policy the root of every
# path it writes (store under store/, the kernel policy under etc/selinux)
# and of the semanage.conf it reads, so the host's settings stay out too.
# expand-check = 1: every neverallow rule (refpolicy's and the module's) is
# checked, and a rule that breaks one fails the build.
$(POLICY_BIN): $(POLICY_PP) $(POLICY_CIL) $(wildcard $(POLICY_HOST_STORE)/active/commit_num)
	@test -r $(POLICY_HOST_STORE)/active/commit_num || { \
		echo "policy: no $(POLICY_HOST_STORE); install selinux-policy-$(POLICY_TYPE)" >&2; exit 1; }
	@rm -rf $(POLICY_OUT)/store $(POLICY_OUT)/etc
	@mkdir -p $(POLICY_OUT)/store $(POLICY_OUT)/etc/selinux
	cp -a $(POLICY_HOST_STORE) $(POLICY_OUT)/store/$(POLICY_TYPE)
	@printf 'module-store = direct\nexpand-check = 1\nbzip-blocksize = 0\n' \
		> $(POLICY_OUT)/etc/selinux/semanage.conf
	@echo "policy: installing svirt_xen into the scratch store $(POLICY_OUT)/store/$(POLICY_TYPE)"
	@$(SEMODULE) -p $(abspath $(POLICY_OUT)) -S /store -s $(POLICY_TYPE) -n -X 400 \
		-i $(abspath $(POLICY_PP)) -i $(abspath $(POLICY_CIL)) \
		> $(POLICY_OUT)/semodule.log 2>&1 || { cat $(POLICY_OUT)/semodule.log >&2; exit 1; }
	cp $(POLICY_OUT)/etc/selinux/$(POLICY_TYPE)/policy/policy.* $@

$(POLICY_TEST_OBJ): tests/policy/test_policy_decisions.c
	@mkdir -p $(dir $@)
	$(CC) $(POLICY_TEST_CFLAGS) $(shell $(or $(PKG_CONFIG_CMD),pkg-config) --cflags libsepol cmocka) \
		-c -o $@ $<

# Order-only: whoever builds the tests gets an up-to-date policy to run them on,
# without relinking the binary each time the policy changes.
$(POLICY_TESTS): $(POLICY_TEST_OBJ) | $(POLICY_BIN)
	@mkdir -p $(dir $@)
	$(CC) $(POLICY_TEST_LDFLAGS) -o $@ $^ $(POLICY_TEST_LIBS)

policy-clean:
	rm -rf $(POLICY_OUT) $(POLICY_TESTS) $(POLICY_TEST_OBJ)

-include $(POLICY_TEST_OBJ:.o=.d)
