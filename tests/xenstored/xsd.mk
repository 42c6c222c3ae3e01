# tests/xenstored/xsd.mk: builds the test xenstore server ($(BUILD)/xsd), the host tests
# that talk to it through libxenstore, and its fuzz target; included by the top-level Makefile.

XSD_DIR := tests/xenstored
# The core (no I/O) is shared by the server and the fuzz target.
XSD_CORE_SRCS := $(filter-out $(XSD_DIR)/xsd-main.c $(XSD_DIR)/xsd-harness.c \
	$(XSD_DIR)/xsd-client.c,$(wildcard $(XSD_DIR)/xsd-*.c))
XSD_CORE_OBJS = $(XSD_CORE_SRCS:%.c=$(BUILD)/%.o)
# What the host tests link: the harness, the cmocka client helpers, svirtd's
# fixtures, and the private tmpfs the unit tests use too.
XSD_CLIENT_OBJS = $(BUILD)/$(XSD_DIR)/xsd-harness.o $(BUILD)/$(XSD_DIR)/xsd-client.o \
	$(BUILD)/$(XSD_DIR)/svirtd-fixture.o $(BUILD)/tests/unit/tmpfs.o
XSD = $(BUILD)/xsd

# Host tests that need a xenstore: they link libxenstore and the harness, and
# find the server as ../xsd from their own directory (or $SVIRT_XSD).
# A later host test (svirtd's) joins by being added to this list.
XSD_HOST_TESTS = $(filter $(BUILD)/check/test_xenstored%,$(UNIT_BINS))

$(XSD): $(BUILD)/$(XSD_DIR)/xsd-main.o $(XSD_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

$(XSD_HOST_TESTS): $(BUILD)/check/%: $(BUILD)/tests/unit/%.o $(XSD_CLIENT_OBJS) $(XSD) \
		$(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIB_LIBS) \
		$(call pc_libs,xenstore $(PKGS_TEST))

# svirtd given qcow2 and VHD overlays (issue 16 item 7) writes them with the unit tests' helpers.
$(BUILD)/check/test_xenstored_svirtd_chain: $(BUILD)/tests/unit/qcow2_image.o $(BUILD)/tests/unit/vhd_image.o

# The benchmarks that drive the real svirtd through libxenstore like its host
# tests (tests/bench/bench_svirtd.c, and bench_interpose.c in interpose.mk, with
# bench-env.c);
# `make bench` builds svirtd and the test xenstore first.
BENCH_ENV_OBJS = $(BUILD)/tests/bench/bench-env.o $(XSD_CLIENT_OBJS)

$(BUILD)/bench/bench_svirtd: $(BUILD)/tests/bench/bench_svirtd.o $(BENCH_ENV_OBJS) \
		$(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(call pc_libs,xenstore $(PKGS_TEST))

bench: $(BUILD)/svirtd $(XSD)

$(BUILD)/fuzz/fuzz_xsd_msg: $(BUILD)/tests/fuzz/fuzz_xsd_msg.o $(BUILD)/tests/fuzz/replay.o \
		$(XSD_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

build/libfuzzer/fuzz_xsd_msg: tests/fuzz/fuzz_xsd_msg.c $(XSD_CORE_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-o $@ $^

test-run: $(XSD)

-include $(wildcard $(XSD_CORE_OBJS:.o=.d) $(XSD_CLIENT_OBJS:.o=.d) \
	$(BUILD)/$(XSD_DIR)/xsd-main.d)
