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

# issue 17 item 3: svirtd with xenstore-watch/flask.c (libxl, which needs a
# hypervisor) replaced by a stand-in reading Flask labels from files; the
# rest of it is the real svirtd's objects.
SVIRTD_FLASK_DOUBLE = $(BUILD)/svirtd-flask-double
$(SVIRTD_FLASK_DOUBLE): $(filter-out $(BUILD)/xenstore-watch/flask.o,$(SVIRTD_OBJS)) \
		$(BUILD)/tests/xenstored/svirtd-flask-double.o $(LIBSVIRT)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(SVIRTD_LIBS)

$(BUILD)/check/test_xenstored_svirtd_flask: | $(SVIRTD_FLASK_DOUBLE)
test-run: $(SVIRTD_FLASK_DOUBLE)

-include $(wildcard $(SVIRTD_OBJS:.o=.d) $(BUILD)/tests/xenstored/svirtd-flask-double.d)
