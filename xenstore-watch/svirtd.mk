# xenstore-watch/svirtd.mk: builds svirtd, the dom0 daemon, from xenstore-watch/*.c and
# libsvirt, and installs it with its unit, init script and man page; included by the Makefile.

SVIRTD = $(BUILD)/svirtd
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SVIRTD_SRCS = $(wildcard xenstore-watch/*.c)
SVIRTD_LIBS = $(call pc_libs,audit)
SVIRTD_OBJS = $(SVIRTD_SRCS:%.c=$(BUILD)/%.o)

$(SVIRTD): $(SVIRTD_OBJS) $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(SVIRTD_LIBS)

all: $(SVIRTD)
test-run: $(SVIRTD)

# The shipped init script and unit against insserv and systemd-analyze
# (tests/service/test-service), run by make check with the unit tests.
SERVICE_TESTS = tests/service/test-service

# Issue 19 item 3: the programs decide on raw contexts only; the test reads
# the objects of this build (BUILD), which test-run has made.
SERVICE_TESTS += tests/service/test-raw-contexts
test-run: export BUILD := $(BUILD)

.PHONY: install-svirtd
install: install-svirtd
install-svirtd: $(SVIRTD)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/man/man8 \
		$(DESTDIR)$(SYSCONFDIR)/init.d $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 $(SVIRTD) $(DESTDIR)$(SBINDIR)/svirtd
	install -m 0644 docs/svirtd.8 $(DESTDIR)$(DATADIR)/man/man8/svirtd.8
	sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/svirtd.service > \
		$(DESTDIR)$(SYSTEMDUNITDIR)/svirtd.service
	sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/svirtd.init > \
		$(DESTDIR)$(SYSCONFDIR)/init.d/svirtd
	chmod 0755 $(DESTDIR)$(SYSCONFDIR)/init.d/svirtd

# issue 17 item 3: svirtd reads Flask labels through svirt-flask-label (libxc),
# installed in LIBEXECDIR; only the helper's SELinux domain may use privcmd.
FLASK_HELPER = $(BUILD)/svirt-flask-label
# Its path is SV_LIBEXEC_DIR's (build/gen/svirt-libexec.h, rewritten when
# LIBEXECDIR changes, so flask.o is rebuilt for another PREFIX).
# xenctrl.h's Xen headers use anonymous unions: gnu11 for this one file.
$(BUILD)/flask-label/svirt-flask-label.o: ALL_CFLAGS += -std=gnu11
# Only the libraries it calls (libsvirt's domid parser pulls in no others).
$(FLASK_HELPER): $(BUILD)/flask-label/svirt-flask-label.o $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -Wl,--as-needed -o $@ $^ $(LIB_LIBS) \
		$(call pc_libs,xencontrol)
all: $(FLASK_HELPER)
test-run: $(FLASK_HELPER)
.PHONY: install-flask-label
install: install-flask-label
install-flask-label: $(FLASK_HELPER)
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(FLASK_HELPER) $(DESTDIR)$(LIBEXECDIR)/svirt-flask-label

# svirtd's host tests: the same svirtd with flask.c pointed at a stand-in
# helper (build/svirt-flask-label-double, reading labels from files; never
# installed) and passing it SVIRTD_FLASK_LABELS.
SVIRTD_FLASK_DOUBLE = $(BUILD)/svirtd-flask-double
FLASK_HELPER_DOUBLE = $(BUILD)/svirt-flask-label-double
$(BUILD)/tests/xenstored/svirtd-flask-double-flask.o: xenstore-watch/flask.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DSVD_FLASK_TEST_ENV \
		-DSVD_FLASK_HELPER='"$(abspath $(FLASK_HELPER_DOUBLE))"' -c -o $@ $<
$(SVIRTD_FLASK_DOUBLE): $(filter-out $(BUILD)/xenstore-watch/flask.o,$(SVIRTD_OBJS)) \
		$(BUILD)/tests/xenstored/svirtd-flask-double-flask.o $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(SVIRTD_LIBS)
$(FLASK_HELPER_DOUBLE): $(BUILD)/tests/xenstored/svirt-flask-label-double.o $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -Wl,--as-needed -o $@ $^ $(LIB_LIBS)

$(BUILD)/check/test_xenstored_svirtd_flask: | $(SVIRTD_FLASK_DOUBLE) $(FLASK_HELPER_DOUBLE)
test-run: $(SVIRTD_FLASK_DOUBLE) $(FLASK_HELPER_DOUBLE)

-include $(wildcard $(SVIRTD_OBJS:.o=.d) $(BUILD)/tests/xenstored/svirtd-flask-double-flask.d)
