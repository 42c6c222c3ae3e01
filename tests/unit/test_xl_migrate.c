/* test_xl_migrate.c: svirt-xl migrate (issue 17 item 2): the arguments it takes and refuses, the
 * xl and ssh command lines it runs, and when a paused guest may run (svirtd's entry, its Flask label). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "xl_migrate.h"

#define XL "/usr/sbin/xl"

/* sv_xl_migrate_parse of "migrate" and the NULL-terminated arguments in ap. */
static int vparse(struct sv_xl_migrate *m, struct sv_error *err, va_list ap)
{
	char *argv[16];
	int argc = 0;

	argv[argc++] = "migrate";
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	return sv_xl_migrate_parse(argc, argv, m, err);
}

static int parse(struct sv_xl_migrate *m, struct sv_error *err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = vparse(m, err, ap);
	va_end(ap);
	return r;
}

/* The xl command line, joined with spaces ("''" for an empty word). */
static void joined(const struct sv_xl_migrate *m, const char *receiver, char *buf,
		   size_t size)
{
	const char *argv[SV_XL_MIGRATE_ARGV_MAX];

	sv_xl_migrate_argv(m, XL, receiver, argv);
	buf[0] = '\0';
	for (int i = 0; argv[i]; i++) {
		assert_true(i < SV_XL_MIGRATE_ARGV_MAX - 1);
		if (i)
			strncat(buf, " ", size - strlen(buf) - 1);
		strncat(buf, argv[i][0] ? argv[i] : "''", size - strlen(buf) - 1);
	}
}

static void to_another_host_xl_gets_p_and_the_ssh_command(void **state)
{
	struct sv_xl_migrate m = { .domain = NULL };
	struct sv_error err = { "" };
	char line[512], fin[512];

	(void)state;
	assert_int_equal(parse(&m, &err, "web", "dst.example", NULL), 0);
	assert_string_equal(m.domain, "web");
	assert_string_equal(m.host, "dst.example");
	assert_string_equal(m.ssh, "ssh");
	joined(&m, "", line, sizeof(line));
	assert_string_equal(line, XL " migrate -p -s ssh web dst.example");
	assert_int_equal(sv_xl_migrate_finish(&m, "0e6b7d4a-0000-4000-8000-00000000000a",
					      fin, sizeof(fin)), 0);
	assert_string_equal(fin, "exec ssh dst.example svirt-xl unpause "
			    "0e6b7d4a-0000-4000-8000-00000000000a");

	assert_int_equal(parse(&m, &err, "-s", "ssh -p 2222", "-e", "-D", "--debug", "7",
			       "root@fd00::2", NULL), 0);
	joined(&m, "", line, sizeof(line));
	assert_string_equal(line, XL " migrate -p -e -D --debug -s ssh -p 2222 7 root@fd00::2");
	assert_int_equal(sv_xl_migrate_finish(&m, "u", fin, sizeof(fin)), 0);
	assert_string_equal(fin, "exec ssh -p 2222 root@fd00::2 svirt-xl unpause u");
	assert_int_equal(sv_xl_migrate_finish(&m, "u", fin, 20), -ENOSPC);
}

static void to_this_host_svirt_xl_runs_the_receiver_paused(void **state)
{
	struct sv_xl_migrate m = { .domain = NULL };
	struct sv_error err = { "" };
	char rcv[256], line[512];

	(void)state;
	assert_int_equal(parse(&m, &err, "-s", "", "web", "localhost", NULL), 0);
	assert_int_equal(sv_xl_migrate_receiver(&m, XL, rcv, sizeof(rcv), &err), 0);
	assert_string_equal(rcv, "exec " XL " migrate-receive -p");
	joined(&m, rcv, line, sizeof(line));
	assert_string_equal(line, XL " migrate -p -s '' web exec " XL " migrate-receive -p");

	assert_int_equal(parse(&m, &err, "-e", "--debug", "-s", "", "web", "localhost", NULL), 0);
	assert_int_equal(sv_xl_migrate_receiver(&m, XL, rcv, sizeof(rcv), &err), 0);
	assert_string_equal(rcv, "exec " XL " migrate-receive -p -e -d");
	assert_int_equal(sv_xl_migrate_receiver(&m, XL, rcv, 24, &err), -ENOSPC);
	/* xl's path goes to sh -c: a plain absolute path only. */
	assert_int_equal(sv_xl_migrate_receiver(&m, "xl; reboot", rcv, sizeof(rcv), &err),
			 -EINVAL);
	assert_string_equal(err.msg, "xl \"xl; reboot\" in svirt-xl's settings is not a plain "
			    "absolute path: it cannot be the receiver's command");
	assert_int_equal(sv_xl_migrate_receiver(&m, "xl", rcv, sizeof(rcv), &err), -EINVAL);
}

static void refused(const char *msg, ...)
{
	struct sv_xl_migrate m = { .domain = "untouched" };
	struct sv_error err = { "" };
	va_list ap;
	int r;

	va_start(ap, msg);
	r = vparse(&m, &err, ap);
	va_end(ap);
	assert_int_equal(r, -EINVAL);
	assert_string_equal(err.msg, msg);
	assert_string_equal(m.domain, "untouched");
}

static void options_that_would_unpause_or_resend_are_refused(void **state)
{
	(void)state;
	refused("-p: svirt-xl runs xl migrate -p itself, and unpauses the guest once "
		"the destination's svirtd has labelled it", "-p", "web", "dst", NULL);
	refused("-C: the guest travels with the config svirt-xl create derived (its "
		"labels, its device model); another is not sent",
		"-C", "web.cfg", "web", "dst", NULL);
	refused("xl option \"-F\" is not supported (svirt-xl passes on only -s, -e, -D "
		"and --debug; it runs -p itself)", "-F", "web", "dst", NULL);
	refused("xl option \"--live\" is not supported (svirt-xl passes on only -s, -e, "
		"-D and --debug; it runs -p itself)", "--live", "web", "dst", NULL);
	refused("-s needs the ssh command (\"\" for this host)", "-s", NULL);
	refused("give the domain and the destination host", NULL);
	refused("give the domain and the destination host", "web", NULL);
	refused("give the domain and the destination host only", "web", "dst", "x", NULL);
	refused("the domain is empty", "", "dst", NULL);
}

static void a_host_that_is_not_a_host_name_is_refused(void **state)
{
	(void)state;
	/* xl takes an empty ssh command's HOST as the receiver's command. */
	refused("with an empty ssh command (-s \"\") the destination is this host: give "
		"HOST as localhost, not \"xl migrate-receive\" (svirt-xl runs the receiver "
		"itself)", "-s", "", "web", "xl migrate-receive", NULL);
	/* HOST goes into "exec SSH HOST ...", run by sh. */
	refused("destination \"dst;reboot\" is not a host name (letters, digits and "
		".-_:@% only)", "web", "dst;reboot", NULL);
	refused("destination \"$(reboot)\" is not a host name (letters, digits and "
		".-_:@% only)", "web", "$(reboot)", NULL);
	refused("destination \"\" is not a host name (letters, digits and .-_:@% only)",
		"web", "", NULL);
	refused("destination \"-oProxyCommand=x\" is not a host name (letters, digits "
		"and .-_:@% only)", "web", "-oProxyCommand=x", NULL);
}

static struct sv_control_entry entry(enum sv_dom_state state, unsigned a, unsigned b,
				     const char *reason)
{
	struct sv_control_entry e = { .domid = 9, .state = state, .pair = { a, b } };

	snprintf(e.reason, sizeof(e.reason), "%s", reason);
	return e;
}

static void only_a_labelled_guest_may_run(void **state)
{
	const struct sv_pair want = { 3, 700 };
	struct sv_control_entry e;
	char why[512];

	(void)state;
	e = entry(SV_STATE_LABELLED, 3, 700, "");
	assert_int_equal(sv_xl_labelled_verdict(&e, &want, why, sizeof(why)), 0);
	assert_int_equal(sv_xl_labelled_verdict(&e, NULL, why, sizeof(why)), 0);
	/* A migrated guest takes the pair svirtd gives it there: no want. */
	e = entry(SV_STATE_LABELLED, 5, 9, "");
	assert_int_equal(sv_xl_labelled_verdict(&e, NULL, why, sizeof(why)), 0);
	assert_int_equal(sv_xl_labelled_verdict(&e, &want, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "svirtd labelled it c5,c9, not with the pair reserved, c3,c700");
	/* The destination's svirtd refused it: a Flask pair another guest holds there. */
	e = entry(SV_STATE_ERROR, 3, 700, "its Flask label's pair c3,c700 is held by "
		  "domain 4 (db)\n");
	assert_int_equal(sv_xl_labelled_verdict(&e, NULL, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "svirtd refused to label it: its Flask label's pair c3,c700 "
			    "is held by domain 4 (db)\\x0a");
	/* GET's wait ran out while its storage was still being labelled. */
	e = entry(SV_STATE_ALLOCATED, 3, 700, "");
	assert_int_equal(sv_xl_labelled_verdict(&e, NULL, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "svirtd has not labelled it (state allocated)");
}

static void its_flask_label_must_carry_svirtds_pair(void **state)
{
	struct sv_context base;
	char why[1024];

	(void)state;
	assert_int_equal(sv_context_parse("system_u:system_r:svirt_domU_t:s0", &base, NULL), 0);
	assert_int_equal(sv_xl_flask_verdict(&base, (struct sv_pair){ 86, 886 },
					     "system_u:system_r:svirt_domU_t:s0:c86,c886",
					     why, sizeof(why)), 0);
	/* The Flask label fixes c86,c886; svirtd labelled the disks c1,c2. */
	assert_int_equal(sv_xl_flask_verdict(&base, (struct sv_pair){ 1, 2 },
					     "system_u:system_r:svirt_domU_t:s0:c86,c886",
					     why, sizeof(why)), -EPERM);
	assert_string_equal(why, "Xen labels it system_u:system_r:svirt_domU_t:s0:c86,c886, "
			    "and svirtd labelled its dom0 side c1,c2 "
			    "(system_u:system_r:svirt_domU_t:s0:c1,c2): its Flask label is "
			    "not what svirtd labels it with");
	/* Another type at the right pair (plain xl with a hand-written seclabel). */
	assert_int_equal(sv_xl_flask_verdict(&base, (struct sv_pair){ 86, 886 },
					     "system_u:system_r:domU_t:s0:c86,c886",
					     why, sizeof(why)), -EPERM);
	assert_int_equal(sv_xl_flask_verdict(&base, (struct sv_pair){ 86, 886 }, NULL,
					     why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "Xen labels it (none),"));
	assert_int_equal(sv_xl_flask_verdict(&base, (struct sv_pair){ 7, 7 }, NULL,
					     why, sizeof(why)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(to_another_host_xl_gets_p_and_the_ssh_command),
		cmocka_unit_test(to_this_host_svirt_xl_runs_the_receiver_paused),
		cmocka_unit_test(options_that_would_unpause_or_resend_are_refused),
		cmocka_unit_test(a_host_that_is_not_a_host_name_is_refused),
		cmocka_unit_test(only_a_labelled_guest_may_run),
		cmocka_unit_test(its_flask_label_must_carry_svirtds_pair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
