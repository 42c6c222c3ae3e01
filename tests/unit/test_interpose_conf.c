/* test_interpose_conf.c: /etc/svirt/interpose.conf as svirt-interpose reads it:
 * defaults when absent, every key, the old reader's readings, a clear refusal of anything else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "corpus.h"

/* Compiled in, so the test builds without interpose/'s objects. */
#include "../../interpose/conf.c"
/* The libxlutil reader the parser replaced, as the reference. */
#include "../fuzz/interpose_conf_xlu.c"

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

static const struct sv_interpose_conf defaults = {
	.qemu = "", .socket = SV_CONTROL_SOCKET,
	.wait_seconds = SV_INTERPOSE_WAIT_DEFAULT, .require_restrict = true,
};

static void assert_same_conf(const struct sv_interpose_conf *a,
			     const struct sv_interpose_conf *b)
{
	assert_string_equal(a->qemu, b->qemu);
	assert_string_equal(a->socket, b->socket);
	assert_int_equal(a->wait_seconds, b->wait_seconds);
	assert_int_equal(a->require_restrict, b->require_restrict);
	assert_int_equal(a->allow_disabled, b->allow_disabled);
}

/* Files written the ways xl.cfg allows, each read as the libxlutil reader
 * read it. */
static void reads_every_file_as_the_old_reader_did(void **state)
{
	static const struct {
		const char *text;
		struct sv_interpose_conf want;
	} cases[] = {
		{ "", { "", SV_CONTROL_SOCKET, 30, true, false } },
		{ "# only a comment\n\n  \t\n;;\n",
		  { "", SV_CONTROL_SOCKET, 30, true, false } },
		{ "qemu = \"/q\"", { "/q", SV_CONTROL_SOCKET, 30, true, false } },
		{ "qemu='/q'\n", { "/q", SV_CONTROL_SOCKET, 30, true, false } },
		{ "qemu\t=\t\"/a b\\\\c\\\"d\\'e\" # x\n",
		  { "/a b\\c\"d'e", SV_CONTROL_SOCKET, 30, true, false } },
		{ "qemu = '/it\\'s'\n",
		  { "/it's", SV_CONTROL_SOCKET, 30, true, false } },
		{ "qemu = \"/q\tx\xc3\xa9\"\n",	/* bytes as they are */
		  { "/q\tx\xc3\xa9", SV_CONTROL_SOCKET, 30, true, false } },
		{ "wait = 7; require_dm_restrict = 0 ;allow_selinux_disabled=1\n",
		  { "", SV_CONTROL_SOCKET, 7, false, true } },
		{ "wait = \"600\"\nrequire_dm_restrict = '1'\n",
		  { "", SV_CONTROL_SOCKET, 600, true, false } },
		{ "socket = \"/run/x.sock\"\nallow_selinux_disabled = 0\n",
		  { "", "/run/x.sock", 30, true, false } },
		{ "wait = 1\n# last\n", { "", SV_CONTROL_SOCKET, 1, true, false } },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sv_interpose_conf c = defaults, ref = defaults;
		struct sv_error err = { "" };
		const char *t = cases[i].text;

		if (conf_parse("t.conf", t, strlen(t), &c, &err) != 0)
			fail_msg("refused \"%s\": %s", t, err.msg);
		assert_same_conf(&c, &cases[i].want);
		if (xlu_ref_parse("t.conf", t, strlen(t), &ref, &err) != 0)
			fail_msg("old reader refused \"%s\": %s", t, err.msg);
		assert_same_conf(&c, &ref);
	}
}

/* The old reader took numbers with strtol(): 010 was 8, and 0x1e, " 30",
 * "+30" were 30.  Such a number is refused, not read either way. */
static void numbers_other_than_plain_decimal_are_refused(void **state)
{
	static const char *const guessed[] = {
		"wait = 010\n", "wait = 0x1e\n", "wait = \" 30\"\n",
		"wait = \"+30\"\n", "wait = \"0X1E\"\n",
		"require_dm_restrict = 00\n", "allow_selinux_disabled = \"-0\"\n",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(guessed); i++) {
		struct sv_interpose_conf c = defaults, ref = defaults;
		struct sv_error err = { "" };
		const char *t = guessed[i];

		assert_int_equal(xlu_ref_parse("t.conf", t, strlen(t), &ref, &err), 0);
		if (conf_parse("t.conf", t, strlen(t), &c, &err) != -EINVAL)
			fail_msg("accepted \"%s\"", t);
		assert_non_null(strstr(err.msg, "t.conf:1: "));
		assert_non_null(strstr(err.msg, "must be a decimal number"));
	}
}

/* Every refusal names the file and the line it is about. */
static void refusals_name_file_and_line(void **state)
{
	static const struct {
		const char *text;
		const char *where;	/* the message's start */
		const char *what;	/* and a part of the rest */
	} cases[] = {
		{ "wait = 5\n\nfrobnicate = 1\n", "t.conf:3: ", "unknown key \"frobnicate\"" },
		{ "wait = 5\nwait = 5\n", "t.conf:2: ", "wait set twice" },
		{ "\nwait = [ 5 ]\n", "t.conf:2: ", "not a list" },
		{ "wait += 5\n", "t.conf:1: ", "'+='" },
		{ "wait 5\n", "t.conf:1: ", "expected '='" },
		{ "wait =\n", "t.conf:1: ", "expected a value" },
		{ "wait = -1\n", "t.conf:1: ", "expected a value" },
		{ "wait = 5 6\n", "t.conf:1: ", "expected a newline" },
		{ "wait = 5\r\n", "t.conf:1: ", "expected a newline" },
		{ "wait = 5 # no newline", "t.conf:1: ", "needs a newline" },
		{ "\n\nqemu = \"/q\n", "t.conf:3: ", "not closed" },
		{ "qemu = \"/q\\x41\"\n", "t.conf:1: ", "only the escapes" },
		{ "qemu = \"/q\\n\"\n", "t.conf:1: ", "only the escapes" },
		{ "Wait = 5\n", "t.conf:1: ", "lower case" },
		{ "qemu = 5\n", "t.conf:1: ", "absolute path in quotes" },
		{ "qemu = \"q\"\n", "t.conf:1: ", "absolute path in quotes" },
		{ "qemu = \"\"\n", "t.conf:1: ", "absolute path in quotes" },
		{ "wait = 0\n", "t.conf:1: ", "1..600" },
		{ "wait = 601\n", "t.conf:1: ", "1..600" },
		{ "wait = 99999999999999999999999\n", "t.conf:1: ", "1..600" },
		{ "wait = 3a\n", "t.conf:1: ", "1..600" },
		{ "wait = \"\"\n", "t.conf:1: ", "1..600" },
		{ "require_dm_restrict = 2\n", "t.conf:1: ", "0..1" },
		{ "wait = 5\n\0\n", "t.conf:2: ", "NUL byte" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sv_interpose_conf c = defaults, ref = defaults;
		struct sv_error err = { "" };
		const char *t = cases[i].text;
		size_t len = strlen(t) + (strstr(cases[i].what, "NUL") ? 2 : 0);

		if (conf_parse("t.conf", t, len, &c, &err) != -EINVAL)
			fail_msg("accepted \"%s\"", t);
		if (strncmp(err.msg, cases[i].where, strlen(cases[i].where)) != 0 ||
		    !strstr(err.msg, cases[i].what))
			fail_msg("\"%s\": said \"%s\"", t, err.msg);
		/* Not one the old reader took either. */
		assert_int_not_equal(xlu_ref_parse("t.conf", t, len, &ref, &err), 0);
	}
}

/* The longest path that fits is taken whole; one byte more is refused. */
static void path_length_limit_is_the_old_one(void **state)
{
	char text[sizeof(((struct sv_interpose_conf *)0)->socket) + 32];
	size_t room = sizeof(((struct sv_interpose_conf *)0)->socket) - 1;

	(void)state;
	for (size_t n = room - 1; n <= room + 1; n++) {
		struct sv_interpose_conf c = defaults, ref = defaults;
		struct sv_error err = { "" };
		int r, rr;

		snprintf(text, sizeof(text), "socket = \"/%0*d\"\n", (int)n - 1, 0);
		r = conf_parse("t.conf", text, strlen(text), &c, &err);
		rr = xlu_ref_parse("t.conf", text, strlen(text), &ref, &err);
		assert_int_equal(r, n <= room ? 0 : -EINVAL);
		assert_int_equal(rr, r);
		if (r == 0) {
			assert_int_equal(strlen(c.socket), n);
			assert_same_conf(&c, &ref);
		}
	}
}

/* The example shipped with the interposer is the defaults, as it says. */
static void shipped_example_is_the_defaults(void **state)
{
	struct sv_interpose_conf c;
	struct sv_error err = { "" };

	(void)state;
	if (sv_interpose_conf_load("interpose/interpose.conf", &c, &err) != 0)
		fail_msg("%s", err.msg);
	assert_same_conf(&c, &defaults);
}

/* tests/data/fuzz/interpose_conf/: files the parser takes, each read as the
 * old reader read it. */
static void check_good_file(const char *path, const char *data, size_t len,
			    void *arg)
{
	struct sv_interpose_conf c = defaults, ref = defaults;
	struct sv_error err = { "" };

	(*(unsigned *)arg)++;
	if (conf_parse(path, data, len, &c, &err) != 0)
		fail_msg("%s: refused: %s", path, err.msg);
	if (xlu_ref_parse(path, data, len, &ref, &err) != 0)
		fail_msg("%s: the old reader refused it: %s", path, err.msg);
	assert_same_conf(&c, &ref);
}

/* tests/data/bad/interpose_conf/: each refused with the message its first
 * line gives (`# expect: ...`), which names the file and line. */
static void check_bad_file(const char *path, const char *data, size_t len,
			   void *arg)
{
	static const char tag[] = "# expect: ";
	struct sv_interpose_conf c = defaults;
	struct sv_error err = { "" };
	char expect[256];
	size_t n;

	(*(unsigned *)arg)++;
	if (strncmp(data, tag, sizeof(tag) - 1) != 0)
		fail_msg("%s: first line is not \"# expect: ...\"", path);
	n = strcspn(data + sizeof(tag) - 1, "\n");
	assert_true(n > 0 && n < sizeof(expect));
	memcpy(expect, data + sizeof(tag) - 1, n);
	expect[n] = '\0';
	if (conf_parse(path, data, len, &c, &err) != -EINVAL)
		fail_msg("%s: accepted", path);
	if (strncmp(err.msg, path, strlen(path)) != 0 || !strstr(err.msg, expect))
		fail_msg("%s: want \"%s\", got \"%s\"", path, expect, err.msg);
}

static void corpus_files_read_as_they_should(void **state)
{
	unsigned good = 0, bad = 0;

	(void)state;
	assert_true(corpus_each("tests/data/fuzz/interpose_conf", check_good_file,
				&good) > 0);
	assert_true(corpus_each("tests/data/bad/interpose_conf", check_bad_file,
				&bad) > 0);
	assert_true(good >= 6 && bad >= 20);
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
		cmocka_unit_test(reads_every_file_as_the_old_reader_did),
		cmocka_unit_test(numbers_other_than_plain_decimal_are_refused),
		cmocka_unit_test(refusals_name_file_and_line),
		cmocka_unit_test(path_length_limit_is_the_old_one),
		cmocka_unit_test(shipped_example_is_the_defaults),
		cmocka_unit_test(corpus_files_read_as_they_should),
		cmocka_unit_test_setup_teardown(default_qemu_follows_the_divert_install,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
