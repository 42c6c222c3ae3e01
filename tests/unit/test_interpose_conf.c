/* test_interpose_conf.c: /etc/svirt/interpose.conf as svirt-interpose reads it:
 * defaults when absent, every key, and a clear refusal of anything else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* Compiled in, so the test builds without interpose/'s objects. */
#include "../../interpose/conf.c"

struct fixture {
	char dir[32];
	char path[64];
	struct sv_interpose_conf conf;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/svipconf.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/conf", fx->dir);
	strcpy(fx->conf.qemu, "/untouched");
	fx->conf.wait_seconds = 2;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static int load_conf(struct fixture *fx, const char *text, struct sv_error *err)
{
	FILE *f = fopen(fx->path, "we");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return sv_interpose_conf_load(fx->path, &fx->conf, err);
}

static void missing_conf_means_defaults(void **state)
{
	struct sv_interpose_conf c;
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_interpose_conf_load("/nonexistent/interpose.conf", &c, &err), 0);
	assert_string_equal(c.qemu, "");
	assert_string_equal(c.socket, SV_CONTROL_SOCKET);
	assert_int_equal(c.wait_seconds, 30);
	assert_true(c.require_restrict);
	assert_false(c.allow_disabled);	/* fails closed */
}

static void conf_sets_every_key(void **state)
{
	struct fixture *fx = *state;
	struct sv_error err = { "" };

	if (load_conf(fx, "qemu = \"/usr/lib/qemu-real\"\nsocket = \"/run/s.sock\"\n"
			  "wait = 600\nrequire_dm_restrict = 0\n"
			  "allow_selinux_disabled = 0 # strict\n", &err) != 0)
		fail_msg("%s", err.msg);
	assert_string_equal(fx->conf.qemu, "/usr/lib/qemu-real");
	assert_string_equal(fx->conf.socket, "/run/s.sock");
	assert_int_equal(fx->conf.wait_seconds, 600);
	assert_false(fx->conf.require_restrict);
	assert_false(fx->conf.allow_disabled);
}

/* Unlabelled qemu only when the admin opts in. */
static void allow_selinux_disabled_is_an_opt_in(void **state)
{
	struct fixture *fx = *state;
	struct sv_error err = { "" };

	if (load_conf(fx, "allow_selinux_disabled = 1\n", &err) != 0)
		fail_msg("%s", err.msg);
	assert_true(fx->conf.allow_disabled);
	assert_true(fx->conf.require_restrict);
}

static void bad_conf_is_refused_and_leaves_conf_untouched(void **state)
{
	static const char *const bad[] = {
		"wait = 0\n", "wait = 601\n", "wait = \"x\"\n",
		"qemu = \"relative/qemu\"\n", "qemu = 1\n",
		"require_dm_restrict = 2\n", "allow_selinux_disabled = -1\n",
		"frobnicate = 1\n", "wait = 5\nwait = 6\n", "wait = 5 5\n",
		"socket = \"/a-socket-path-longer-than-a-sockaddr_un-holds/"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
	};
	struct fixture *fx = *state;
	struct sv_error err;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg[0] = '\0';
		assert_int_equal(fx->conf.wait_seconds, 2);
		if (load_conf(fx, bad[i], &err) == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(strstr(err.msg, "/conf"));
	}
	assert_string_equal(fx->conf.qemu, "/untouched");
}


/* Installed at qemu's own path (the same file by any path), the real
 * qemu is <path>.real; anywhere else it is the compiled-in path. */
static void default_qemu_follows_the_divert_install(void **state)
{
	struct fixture *fx = *state;
	char qemu[80], self[80], want[90], buf[PATH_MAX];
	FILE *f;

	snprintf(qemu, sizeof(qemu), "%s/qemu", fx->dir);
	snprintf(self, sizeof(self), "%s/installed", fx->dir);
	f = fopen(qemu, "we");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(link(qemu, self), 0);
	assert_int_equal(sv_interpose_default_qemu(self, qemu, buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "%s.real", qemu);
	assert_string_equal(buf, want);
	assert_int_equal(sv_interpose_default_qemu("/proc/self/exe", qemu, buf,
						   sizeof(buf)), 0);
	assert_string_equal(buf, qemu);
	assert_int_equal(sv_interpose_default_qemu(qemu, qemu, buf, 4), -ENAMETOOLONG);
	unlink(self);
	unlink(qemu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_conf_means_defaults),
		cmocka_unit_test_setup_teardown(conf_sets_every_key, setup, teardown),
		cmocka_unit_test_setup_teardown(allow_selinux_disabled_is_an_opt_in,
						setup, teardown),
		cmocka_unit_test_setup_teardown(bad_conf_is_refused_and_leaves_conf_untouched,
						setup, teardown),
		cmocka_unit_test_setup_teardown(default_qemu_follows_the_divert_install,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
