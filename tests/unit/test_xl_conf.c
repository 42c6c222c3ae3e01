/* test_xl_conf.c: /etc/svirt/xl.conf as svirt-xl reads it (defaults, every key,
 * refusals naming file, line and key) and the Flask labels built from its bases. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "xl_conf.h"

static struct sv_xl_conf defaults(void)
{
	struct sv_xl_conf c;

	assert_int_equal(sv_xl_conf_defaults(&c, "/usr/libexec/svirt-xen/svirt-interpose"), 0);
	return c;
}

static int parse(const char *text, struct sv_xl_conf *c, struct sv_error *err)
{
	return sv_xl_conf_parse(text, strlen(text), "xl.conf", c, err);
}

/* Field by field: the string tails and padding hold no value (the parser
 * fills only up to each NUL), so comparing raw bytes reads undefined ones. */
static void assert_conf_equal(const struct sv_xl_conf *a, const struct sv_xl_conf *b)
{
	assert_string_equal(a->socket, b->socket);
	assert_string_equal(a->xl, b->xl);
	assert_string_equal(a->interposer, b->interposer);
	assert_string_equal(a->vif_script, b->vif_script);
	assert_string_equal(a->run_dir, b->run_dir);
	assert_int_equal(a->wait_seconds, b->wait_seconds);
	assert_int_equal(a->flask, b->flask);
	assert_true(sv_context_equal(&a->flask_guest, &b->flask_guest));
	assert_true(sv_context_equal(&a->flask_dm, &b->flask_dm));
}

static void assert_refused(const char *text, const char *want)
{
	struct sv_xl_conf c = defaults(), before = c;
	struct sv_error err = { .msg = "" };

	assert_int_equal(parse(text, &c, &err), -EINVAL);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
	assert_conf_equal(&c, &before);	/* untouched */
}

static void defaults_are_the_documented_ones(void **state)
{
	struct sv_xl_conf c = defaults();
	char path[PATH_MAX];

	(void)state;
	/* The Makefile's paths (Debian's unless set otherwise) */
	assert_string_equal(c.socket, SV_RUN_DIR "/svirtd.sock");
	assert_string_equal(c.xl, SV_XEN_XL);
	assert_string_equal(c.vif_script, "vif-svirt");
	assert_string_equal(c.run_dir, SV_RUN_DIR "/xl");
	assert_int_equal(c.wait_seconds, 60);
	assert_int_equal(c.flask, SV_XL_FLASK_AUTO);
	assert_int_equal(sv_xl_vif_script_path(&c, path, sizeof(path)), 0);
	assert_string_equal(path, SV_XEN_SCRIPT_DIR "/vif-svirt");
}

static void a_missing_file_changes_nothing(void **state)
{
	struct sv_xl_conf c = defaults(), before = c;
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_xl_conf_load("/nonexistent/svirt/xl.conf", false, &c, &err), 0);
	assert_conf_equal(&c, &before);
}

/* svirt-xl -c FILE: a file the user names is read, never silently replaced
 * by the defaults. */
static void a_missing_file_named_by_the_user_is_an_error(void **state)
{
	struct sv_xl_conf c = defaults(), before = c;
	struct sv_error err = { .msg = "" };

	(void)state;
	assert_int_equal(sv_xl_conf_load("/nonexistent/svirt/xl.conf", true, &c, &err),
			 -ENOENT);
	assert_string_equal(err.msg, "/nonexistent/svirt/xl.conf: No such file or directory");
	assert_conf_equal(&c, &before);
}

static void every_key_is_read(void **state)
{
	struct sv_xl_conf c = defaults();
	struct sv_error err = { .msg = "" };
	char path[PATH_MAX], label[SV_CONTEXT_MAX];

	(void)state;
	assert_int_equal(parse("socket = \"/run/s.sock\"\nxl = \"/opt/xl\"\n"
			       "interposer = \"/opt/ip\"\nvif_script = \"/opt/vif-x\"\n"
			       "run_dir = \"/run/x\"\nwait = 600\nflask = \"on\"\n"
			       "flask_guest_context = \"u:r:g_t:s0\"\n"
			       "flask_dm_context = \"u:r:d_t:s0\"\n", &c, &err), 0);
	assert_string_equal(c.socket, "/run/s.sock");
	assert_string_equal(c.xl, "/opt/xl");
	assert_string_equal(c.interposer, "/opt/ip");
	assert_string_equal(c.run_dir, "/run/x");
	assert_int_equal(c.wait_seconds, 600);
	assert_int_equal(c.flask, SV_XL_FLASK_ON);
	assert_int_equal(sv_xl_vif_script_path(&c, path, sizeof(path)), 0);
	assert_string_equal(path, "/opt/vif-x");
	assert_int_equal(sv_xl_flask_label(&c.flask_guest, (struct sv_pair){ 3, 700 },
					   label, sizeof(label), &err), 0);
	assert_string_equal(label, "u:r:g_t:s0:c3,c700");
	assert_int_equal(sv_xl_flask_label(&c.flask_dm, (struct sv_pair){ 1, 2 },
					   label, sizeof(label), &err), 0);
	assert_string_equal(label, "u:r:d_t:s0:c1,c2");
	assert_int_equal(parse("vif_script = \"\"\nflask = \"off\"\n", &c, &err), 0);
	assert_string_equal(c.vif_script, "");
	assert_int_equal(c.flask, SV_XL_FLASK_OFF);
}

static void default_flask_labels_are_svirt_types(void **state)
{
	struct sv_xl_conf c = defaults();
	struct sv_error err;
	char label[SV_CONTEXT_MAX] = "untouched";

	(void)state;
	assert_int_equal(sv_xl_flask_label(&c.flask_guest, (struct sv_pair){ 12, 345 },
					   label, sizeof(label), &err), 0);
	assert_string_equal(label, "system_u:system_r:svirt_domU_t:s0:c12,c345");
	assert_int_equal(sv_xl_flask_label(&c.flask_dm, (struct sv_pair){ 12, 345 },
					   label, sizeof(label), &err), 0);
	assert_string_equal(label, "system_u:system_r:svirt_dm_t:s0:c12,c345");
	strcpy(label, "untouched");
	assert_int_equal(sv_xl_flask_label(&c.flask_dm, (struct sv_pair){ 5, 5 },
					   label, sizeof(label), &err), -EINVAL);
	assert_string_equal(label, "untouched");
}

static void bad_keys_are_refused_with_their_line(void **state)
{
	(void)state;
	assert_refused("wait = 30\nqemu = \"/x\"\n", "xl.conf:2: \"qemu\": unknown key");
	assert_refused("wait = 30\n\nwait = 40\n", "xl.conf:3: wait: set again (first on line 1)");
	assert_refused("wait = 0\n", "xl.conf:1: wait: expected a number 1..600");
	assert_refused("wait = 601\n", "xl.conf:1: wait:");
	assert_refused("xl = \"xl\"\n", "xl.conf:1: xl: expected an absolute path");
	assert_refused("socket = [ \"/a\" ]\n", "xl.conf:1: socket: expected a \"string\"");
	assert_refused("flask = \"maybe\"\n", "xl.conf:1: flask: expected \"auto\", \"on\" or \"off\"");
	assert_refused("vif_script = \"vif-a,script=x\"\n", "xl.conf:1: vif_script: a script name cannot hold");
	assert_refused("flask_guest_context = \"u:r:t:s0:c1,c2\"\n",
		       "xl.conf:1: flask_guest_context:");
	assert_refused("flask_dm_context = \"nonsense\"\n", "xl.conf:1: flask_dm_context:");
	assert_refused("run_dir = \"/a\tb\"\n", "xl.conf:1: run_dir: holds a control character");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_the_documented_ones),
		cmocka_unit_test(a_missing_file_changes_nothing),
		cmocka_unit_test(a_missing_file_named_by_the_user_is_an_error),
		cmocka_unit_test(every_key_is_read),
		cmocka_unit_test(default_flask_labels_are_svirt_types),
		cmocka_unit_test(bad_keys_are_refused_with_their_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
