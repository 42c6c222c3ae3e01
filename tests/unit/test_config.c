/* test_config.c: unit tests for svirt.conf parsing (lib/config.c).
 * Defaults, every key good and bad, messages with file:line, base fallback. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "corpus.h"

/* Nonexistent, so tests that do not test the fallback see the built-ins. */
static const struct sv_config_sources no_policy = {
	.domain_context_path = "/nonexistent/svirt-test/virtual_domain_context",
	.image_context_path = "/nonexistent/svirt-test/virtual_image_context",
};

static int parse_with(const char *text, const struct sv_config_sources *src,
		      struct sv_config *c, struct sv_error *err)
{
	return sv_config_parse(text, strlen(text), "svirt.conf", src, c, err);
}

static void parse_ok_with(const char *text,
			  const struct sv_config_sources *src,
			  struct sv_config *c)
{
	struct sv_error err = { .msg = "" };
	int r = parse_with(text, src, c, &err);

	if (r != 0)
		print_error("unexpected refusal: %s\n", err.msg);
	assert_int_equal(r, 0);
}

static void parse_ok(const char *text, struct sv_config *c)
{
	parse_ok_with(text, &no_policy, c);
}

/* Refused with EINVAL, a message containing expect, and *out untouched. */
static void refused_with(const char *text, const struct sv_config_sources *src,
			 const char *expect)
{
	struct sv_error err = { .msg = "" };
	struct sv_config c, before;
	int r;

	memset(&c, 0xa5, sizeof(c));
	before = c;
	r = parse_with(text, src, &c, &err);
	if (r == 0 || !strstr(err.msg, expect))
		print_error("input:\n%s\nwant \"%s\", got %d \"%s\"\n", text,
			    expect, r, err.msg);
	assert_int_equal(r, -EINVAL);
	assert_non_null(strstr(err.msg, expect));
	assert_memory_equal(&c, &before, sizeof(c));
}

static void refused(const char *text, const char *expect)
{
	refused_with(text, &no_policy, expect);
}

static void assert_base(const struct sv_context *base, const char *want)
{
	char buf[SV_CONTEXT_MAX];

	assert_true(sv_context_format(base, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, want);
}

static void assert_defaults(const struct sv_config *c)
{
	assert_int_equal(c->cat_lo, 1);
	assert_int_equal(c->cat_hi, 1023);
	assert_base(&c->bases.process, "system_u:system_r:svirt_xen_t:s0");
	assert_base(&c->bases.image, "system_u:object_r:svirt_xen_image_t:s0");
	assert_base(&c->bases.content,
		    "system_u:object_r:svirt_xen_content_t:s0");
	assert_base(&c->bases.packet, "system_u:object_r:svirt_xen_packet_t:s0");
	assert_string_equal(c->state_dir, SV_STATE_DIR);
	assert_int_equal(c->nroots, 3);
	assert_string_equal(c->relabel_roots[0], "/var/lib/xen/images");
	assert_string_equal(c->relabel_roots[1], "/dev/xen/blktap-2");
	assert_string_equal(c->relabel_roots[2], "/dev");
	assert_int_equal(c->nshared, 0);
	assert_int_equal(c->log_level, LOG_INFO);
}

/* ---- defaults and the example file ---- */

static void test_init_gives_the_builtin_defaults(void **state)
{
	struct sv_config c;

	(void)state;
	assert_int_equal(sv_config_init(&c), 0);
	assert_defaults(&c);
	for (int k = 0; k < SV_BASE_COUNT; k++) {
		assert_int_equal(c.origin[k], SV_ORIGIN_BUILTIN);
		assert_null(c.origin_file[k]);
	}
	sv_config_free(&c);
	sv_config_free(&c);	/* twice is harmless */
}

static void test_empty_config_gives_the_defaults(void **state)
{
	struct sv_config c;

	(void)state;
	parse_ok("", &c);
	assert_defaults(&c);
	for (int k = 0; k < SV_BASE_COUNT; k++)
		assert_int_equal(c.origin[k], SV_ORIGIN_BUILTIN);
	sv_config_free(&c);
}

static void test_example_file_parses_and_spells_out_the_defaults(void **state)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = fopen("contrib/svirt.conf", "r");
	struct sv_config c;
	struct sv_error err = { .msg = "" };

	(void)state;
	assert_non_null(f);
	assert_int_equal(getdelim(&data, &len, '\0', f) > 0, 1);
	fclose(f);
	assert_int_equal(sv_config_parse(data, strlen(data), "svirt.conf",
					 &no_policy, &c, &err), 0);
	free(data);
	assert_defaults(&c);
	for (int k = 0; k < SV_BASE_COUNT; k++) {
		assert_int_equal(c.origin[k], SV_ORIGIN_CONFIG);
		assert_string_equal(c.origin_file[k], "svirt.conf");
	}
	sv_config_free(&c);
}

/* ---- categories ---- */

static void test_categories_range_is_taken(void **state)
{
	struct sv_config c;

	(void)state;
	parse_ok("categories = \"c10.c20\"\n", &c);
	assert_int_equal(c.cat_lo, 10);
	assert_int_equal(c.cat_hi, 20);
	sv_config_free(&c);
	parse_ok("categories = \"c1022.c1023\"", &c);
	assert_int_equal(c.cat_lo, 1022);
	sv_config_free(&c);
}

static void test_categories_c0_is_refused(void **state)
{
	(void)state;
	refused("\n\ncategories = \"c0.c10\"\n",
		"svirt.conf:3: categories: \"c0.c10\": c0 is never handed out");
}

static void test_categories_low_not_below_high_is_refused(void **state)
{
	(void)state;
	refused("categories = \"c7.c7\"", "must be below the high one");
	refused("categories = \"c9.c8\"", "must be below the high one");
}

static void test_categories_beyond_c1023_is_refused(void **state)
{
	(void)state;
	refused("categories = \"c1.c1024\"", "categories end at c1023");
	refused("categories = \"c1.c99999999999\"", "categories end at c1023");
}

static void test_categories_other_forms_are_refused(void **state)
{
	(void)state;
	refused("categories = \"c1,c9\"", "expected cLOW.cHIGH");
	refused("categories = \"c1.c9 \"", "expected cLOW.cHIGH");
	refused("categories = \"s0:c1.c9\"", "expected cLOW.cHIGH");
	refused("categories = \"\"", "expected cLOW.cHIGH");
	refused("categories = 5", "expected cLOW.cHIGH");
	refused("categories = [ \"c1.c9\" ]", "not a list");
}

/* ---- base contexts ---- */

static void test_context_keys_set_the_bases(void **state)
{
	struct sv_config c;

	(void)state;
	parse_ok("process_context = \"u_u:r_r:p_t:s1\"\n"
		 "image_context = \"u_u:object_r:i_t:s0\"\n"
		 "content_context = \"u_u:object_r:c_t:s0\"\n"
		 "packet_context = \"u_u:object_r:k_t:s2\"\n", &c);
	assert_base(&c.bases.process, "u_u:r_r:p_t:s1");
	assert_base(&c.bases.image, "u_u:object_r:i_t:s0");
	assert_base(&c.bases.content, "u_u:object_r:c_t:s0");
	assert_base(&c.bases.packet, "u_u:object_r:k_t:s2");
	for (int k = 0; k < SV_BASE_COUNT; k++)
		assert_int_equal(c.origin[k], SV_ORIGIN_CONFIG);
	assert_ptr_equal(sv_config_base(&c, SV_BASE_PACKET), &c.bases.packet);
	assert_string_equal(sv_base_origin_name(c.origin[0]), "config");
	sv_config_free(&c);
}

static void test_malformed_context_is_refused(void **state)
{
	(void)state;
	refused("log_level = \"info\"\nprocess_context = \"svirt_xen_t\"\n",
		"svirt.conf:2: process_context: context \"svirt_xen_t\"");
	refused("content_context = \"u:r:t\"", "content_context: context");
	refused("packet_context = \"u:r:t:s0:c1.c0\"", "packet_context:");
}

static void test_context_with_categories_or_range_is_refused(void **state)
{
	(void)state;
	refused("image_context = \"u:object_r:t:s0:c1,c2\"",
		"without categories");
	refused("process_context = \"u:r:t:s0-s0:c0.c1023\"",
		"without categories");
}

/* ---- state_dir ---- */

static void test_state_dir_is_taken(void **state)
{
	struct sv_config c;

	(void)state;
	parse_ok("state_dir = '/run/svirt'", &c);
	assert_string_equal(c.state_dir, "/run/svirt");
	sv_config_free(&c);
}

static void test_state_dir_must_be_absolute_and_normalised(void **state)
{
	(void)state;
	refused("state_dir = \"svirt\"", "state_dir: \"svirt\": not an absolute path");
	refused("state_dir = \"/var/lib/./svirt\"", "component");
	refused("state_dir = \"/var/lib/svirt/\"", "ends in '/'");
	refused("state_dir = \"/\"", "too broad");
	refused("state_dir = [ \"/x\" ]", "not a list");
}

/* ---- relabel_roots and shared_images ---- */

static void test_relabel_roots_are_taken(void **state)
{
	struct sv_config c;

	(void)state;
	parse_ok("relabel_roots = [\n  \"/srv/xen\", # images\n  \"/dev\",\n]\n",
		 &c);
	assert_int_equal(c.nroots, 2);
	assert_string_equal(c.relabel_roots[0], "/srv/xen");
	assert_string_equal(c.relabel_roots[1], "/dev");
	sv_config_free(&c);
}

static void test_slash_as_a_root_is_refused(void **state)
{
	(void)state;
	refused("relabel_roots = [ \"/dev\", \"/\" ]",
		"relabel_roots: \"/\": \"/\" is too broad");
}

static void test_relative_or_unnormalised_roots_are_refused(void **state)
{
	(void)state;
	refused("relabel_roots = [ \"dev\" ]", "not an absolute path");
	refused("relabel_roots = [ \"/srv/../etc\" ]", "component");
	refused("relabel_roots = [ \"//dev\" ]", "empty component");
	refused("relabel_roots = [ \"/dev/\" ]", "ends in '/'");
	refused("relabel_roots = [ \"\" ]", "not an absolute path");
}

static void test_roots_empty_duplicate_or_too_many_are_refused(void **state)
{
	char text[64 * 16 + 64];
	size_t o;

	(void)state;
	refused("relabel_roots = []", "empty");
	refused("relabel_roots = [ \"/a\", \"/a\" ]", "listed twice");
	refused("relabel_roots = \"/dev\"", "expected a list");
	o = (size_t)snprintf(text, sizeof(text), "relabel_roots = [");
	for (int i = 0; i <= SV_CONFIG_MAX_ROOTS; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "\"/r%d\",", i);
	snprintf(text + o, sizeof(text) - o, "]");
	refused(text, "more than 64 entries");
}

static void test_shared_images_under_a_root_are_taken(void **state)
{
	struct sv_config c;

	(void)state;
	/* Order does not matter: the roots come after the images here. */
	parse_ok("shared_images = [ \"/srv/xen/q.img\", \"/dev/sdb\" ]\n"
		 "relabel_roots = [ \"/srv/xen\", \"/dev\" ]\n", &c);
	assert_int_equal(c.nshared, 2);
	assert_string_equal(c.shared_images[0], "/srv/xen/q.img");
	sv_config_free(&c);
}

static void test_shared_image_outside_the_roots_is_refused(void **state)
{
	(void)state;
	refused("relabel_roots = [ \"/srv/xen\" ]\n"
		"shared_images = [ \"/srv/xen2/q.img\" ]\n",
		"svirt.conf:2: shared_images: \"/srv/xen2/q.img\": not under any relabel root");
	refused("shared_images = [ \"/dev\" ]", "not under any relabel root");
	refused("shared_images = [ \"q.img\" ]", "not an absolute path");
}

static void test_path_under_root_compares_whole_components(void **state)
{
	struct sv_config c;

	(void)state;
	assert_int_equal(sv_config_init(&c), 0);
	assert_true(sv_config_path_under_root(&c, "/dev/sda"));
	assert_true(sv_config_path_under_root(&c, "/dev/xen/blktap-2/tapdev0"));
	assert_true(sv_config_path_under_root(&c, "/var/lib/xen/images/a.img"));
	assert_false(sv_config_path_under_root(&c, "/dev2/sda"));
	assert_false(sv_config_path_under_root(&c, "/dev"));
	assert_false(sv_config_path_under_root(&c, "/dev/"));
	assert_false(sv_config_path_under_root(&c, "/dev/../etc/shadow"));
	assert_false(sv_config_path_under_root(&c, "/dev//sda"));
	assert_false(sv_config_path_under_root(&c, "dev/sda"));
	assert_false(sv_config_path_under_root(&c, "/var/lib/xen/imagesX/a"));
	assert_false(sv_config_path_under_root(&c, NULL));
	sv_config_free(&c);
}

/* ---- log_level ---- */

static void test_log_levels_map_to_syslog_priorities(void **state)
{
	static const struct { const char *name; int prio; } levels[] = {
		{ "debug", LOG_DEBUG }, { "info", LOG_INFO },
		{ "notice", LOG_NOTICE }, { "warning", LOG_WARNING },
		{ "err", LOG_ERR },
	};
	char text[64];
	struct sv_config c;

	(void)state;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		snprintf(text, sizeof(text), "log_level = \"%s\"", levels[i].name);
		parse_ok(text, &c);
		assert_int_equal(c.log_level, levels[i].prio);
		sv_config_free(&c);
	}
}

static void test_unknown_log_level_is_refused(void **state)
{
	(void)state;
	refused("log_level = \"verbose\"", "log_level: \"verbose\": expected debug");
	refused("log_level = \"emerg\"", "expected debug");
	refused("log_level = \"INFO\"", "expected debug");
}

/* ---- audit (issue 19 item 1) ---- */

static void test_audit_is_on_unless_turned_off(void **state)
{
	struct sv_config c;

	(void)state;
	parse_ok("log_level = \"info\"", &c);
	assert_false(c.audit_off);
	sv_config_free(&c);
	parse_ok("audit = \"off\"", &c);
	assert_true(c.audit_off);
	sv_config_free(&c);
	parse_ok("audit = \"on\"", &c);
	assert_false(c.audit_off);
	sv_config_free(&c);
	refused("audit = \"no\"", "audit: \"no\": expected \"on\" or \"off\"");
}

/* ---- keys and syntax ---- */

static void test_unknown_key_names_file_line_and_key(void **state)
{
	(void)state;
	refused("log_level = \"info\"\n# colour\ncolour = \"blue\"\n",
		"svirt.conf:3: \"colour\": unknown key");
	refused("readonly_content = [ ]", "\"readonly_content\": unknown key");
}

static void test_duplicate_key_is_refused(void **state)
{
	(void)state;
	refused("state_dir = \"/a\"\n\nstate_dir = \"/b\"\n",
		"svirt.conf:3: state_dir: set again (first on line 1)");
	refused("log_level = \"info\"; log_level = \"info\"", "set again");
}

static void test_plus_equals_is_refused(void **state)
{
	(void)state;
	refused("shared_images += [ \"/dev/sdb\" ]", "'+=' is not supported");
}

static void test_syntax_error_names_file_and_line(void **state)
{
	(void)state;
	refused("log_level = \"info\"\nstate_dir \"/x\"\n",
		"svirt.conf:2: expected '=' after the key");
	/* libxlutil would say line 2 here: it counts the newline's line. */
	refused("log_level = \"info\"\n\nstate_dir =\n", "svirt.conf:3: expected a value");
	refused("log_level = \"info\n", "svirt.conf:1: string not closed");
	refused("log_level = [ \"a\" \"b\" ]", "expected ',' or ']'");
	refused("log_level = \"info\" # ok\n# end", "svirt.conf:2: a comment");
}

static void test_what_libxlutil_would_mangle_is_refused(void **state)
{
	(void)state;
	/* libxlutil drops numeric escapes and keeps the last of two keys. */
	refused("state_dir = \"/var/\\101\"", "only the escapes");
	refused("relabel_roots = [ [ \"/dev\" ] ]", "lists inside lists");
	refused("log_level = \"info\"\r\n", "carriage return");
}

static void test_escaped_quotes_are_kept(void **state)
{
	struct sv_config c;

	(void)state;
	parse_ok("state_dir = \"/var/lib/a\\\"b\\\\c\"", &c);
	assert_string_equal(c.state_dir, "/var/lib/a\"b\\c");
	sv_config_free(&c);
}

static void test_nul_byte_and_oversize_are_refused(void **state)
{
	static const char text[] = "log_level = \"info\"\nstate_dir = \"/a\0b\"\n";
	struct sv_config c;
	struct sv_error err = { .msg = "" };
	char *big;

	(void)state;
	assert_int_equal(sv_config_parse(text, sizeof(text) - 1, "svirt.conf",
					 &no_policy, &c, &err), -EINVAL);
	assert_string_equal(err.msg, "svirt.conf:2: NUL byte");
	big = malloc(SV_CONFIG_MAX_SIZE + 1);
	assert_non_null(big);
	memset(big, '\n', SV_CONFIG_MAX_SIZE + 1);
	assert_int_equal(sv_config_parse(big, SV_CONFIG_MAX_SIZE + 1, "svirt.conf",
					 &no_policy, &c, &err), -EFBIG);
	free(big);
}

/* ---- fallback: config, then the policy's files, then built-in ---- */

struct policy_dir {
	char dir[64];
	char domain[128];
	char image[128];
};

static void policy_dir_make(struct policy_dir *p, const char *domain,
			    const char *image)
{
	FILE *f;

	strcpy(p->dir, "/tmp/svirt-test-config-XXXXXX");
	assert_non_null(mkdtemp(p->dir));
	snprintf(p->domain, sizeof(p->domain), "%s/virtual_domain_context", p->dir);
	snprintf(p->image, sizeof(p->image), "%s/virtual_image_context", p->dir);
	if (domain) {
		assert_non_null(f = fopen(p->domain, "w"));
		fputs(domain, f);
		fclose(f);
	}
	if (image) {
		assert_non_null(f = fopen(p->image, "w"));
		fputs(image, f);
		fclose(f);
	}
}

static void policy_dir_remove(struct policy_dir *p)
{
	unlink(p->domain);
	unlink(p->image);
	assert_int_equal(rmdir(p->dir), 0);
}

static void test_bases_fall_back_to_the_policy_files(void **state)
{
	struct policy_dir p;
	struct sv_config c;

	(void)state;
	policy_dir_make(&p, "system_u:system_r:svirt_t:s0\n",
			"system_u:object_r:svirt_image_t:s0\n"
			"system_u:object_r:virt_content_t:s0\n");
	parse_ok_with("", &(struct sv_config_sources){ p.domain, p.image }, &c);
	assert_base(&c.bases.process, "system_u:system_r:svirt_t:s0");
	assert_base(&c.bases.image, "system_u:object_r:svirt_image_t:s0");
	assert_base(&c.bases.content, "system_u:object_r:virt_content_t:s0");
	assert_base(&c.bases.packet, "system_u:object_r:svirt_xen_packet_t:s0");
	assert_int_equal(c.origin[SV_BASE_PROCESS], SV_ORIGIN_POLICY);
	assert_string_equal(c.origin_file[SV_BASE_PROCESS], p.domain);
	assert_int_equal(c.origin[SV_BASE_CONTENT], SV_ORIGIN_POLICY);
	assert_string_equal(c.origin_file[SV_BASE_CONTENT], p.image);
	assert_int_equal(c.origin[SV_BASE_PACKET], SV_ORIGIN_BUILTIN);
	assert_string_equal(sv_base_origin_name(c.origin[0]), "policy file");
	sv_config_free(&c);
	policy_dir_remove(&p);
}

static void test_config_wins_over_the_policy_files(void **state)
{
	struct policy_dir p;
	struct sv_config c;

	(void)state;
	policy_dir_make(&p, "system_u:system_r:svirt_t:s0\n",
			"system_u:object_r:svirt_image_t:s0\n"
			"system_u:object_r:virt_content_t:s0\n");
	parse_ok_with("image_context = \"u:object_r:mine_t:s0\"\n",
		      &(struct sv_config_sources){ p.domain, p.image }, &c);
	assert_base(&c.bases.image, "u:object_r:mine_t:s0");
	assert_int_equal(c.origin[SV_BASE_IMAGE], SV_ORIGIN_CONFIG);
	assert_base(&c.bases.content, "system_u:object_r:virt_content_t:s0");
	assert_int_equal(c.origin[SV_BASE_CONTENT], SV_ORIGIN_POLICY);
	assert_int_equal(c.origin[SV_BASE_PROCESS], SV_ORIGIN_POLICY);
	sv_config_free(&c);
	policy_dir_remove(&p);
}

static void test_missing_policy_files_or_lines_fall_back_to_builtin(void **state)
{
	struct policy_dir p;
	struct sv_config c;

	(void)state;
	/* No domain file; an image file naming only the image type. */
	policy_dir_make(&p, NULL, "system_u:object_r:svirt_image_t:s0\n");
	parse_ok_with("", &(struct sv_config_sources){ p.domain, p.image }, &c);
	assert_int_equal(c.origin[SV_BASE_PROCESS], SV_ORIGIN_BUILTIN);
	assert_null(c.origin_file[SV_BASE_PROCESS]);
	assert_base(&c.bases.process, "system_u:system_r:svirt_xen_t:s0");
	assert_int_equal(c.origin[SV_BASE_IMAGE], SV_ORIGIN_POLICY);
	assert_int_equal(c.origin[SV_BASE_CONTENT], SV_ORIGIN_BUILTIN);
	assert_base(&c.bases.content, "system_u:object_r:svirt_xen_content_t:s0");
	sv_config_free(&c);
	policy_dir_remove(&p);
}

static void test_malformed_policy_context_file_is_an_error(void **state)
{
	struct policy_dir p;
	char want[200];

	(void)state;
	policy_dir_make(&p, "system_u:system_r:svirt_t:s0\n",
			"system_u:object_r:svirt_image_t:s0\nnot a context\n");
	snprintf(want, sizeof(want), "%s:2: context", p.image);
	refused_with("", &(struct sv_config_sources){ p.domain, p.image }, want);
	policy_dir_remove(&p);
	policy_dir_make(&p, "system_u:system_r:svirt_t:s0\n", NULL);
	{
		FILE *f = fopen(p.image, "w");

		assert_non_null(f);
		fwrite("u:object_r:t:s0\0junk\n", 1, 21, f);
		fclose(f);
	}
	snprintf(want, sizeof(want), "%s:1: NUL byte", p.image);
	refused_with("", &(struct sv_config_sources){ p.domain, p.image }, want);
	/* Not read, so not an error, when the config names both bases. */
	{
		struct sv_config c;

		parse_ok_with("image_context = \"u:object_r:i_t:s0\"\n"
			      "content_context = \"u:object_r:c_t:s0\"\n",
			      &(struct sv_config_sources){ p.domain, p.image },
			      &c);
		sv_config_free(&c);
	}
	policy_dir_remove(&p);
}

/* ---- loading a file ---- */

static void test_load_reads_a_file_and_refuses_bad_ones(void **state)
{
	char path[] = "/tmp/svirt-test-config-XXXXXX";
	struct sv_error err = { .msg = "" };
	struct sv_config c;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, "log_level = \"err\"\n", 18), 18);
	close(fd);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(sv_config_load(path, &no_policy, &c, &err), 0);
	assert_int_equal(c.log_level, LOG_ERR);
	assert_string_equal(c.origin_file[SV_BASE_PROCESS] ? "?" : "", "");
	sv_config_free(&c);
	assert_int_equal(chmod(path, 0666), 0);
	assert_int_equal(sv_config_load(path, &no_policy, &c, &err), -EPERM);
	assert_non_null(strstr(err.msg, "writable by everyone"));
	unlink(path);
	assert_int_equal(sv_config_load(path, &no_policy, &c, &err), -ENOENT);
	assert_non_null(strstr(err.msg, path));
	assert_int_equal(sv_config_load("/tmp", &no_policy, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a regular file"));
}

/* ---- the malformed-config corpus ---- */

struct corpus_state {
	unsigned cfgs;
};

static void check_bad_config(const char *path, const char *data, size_t len,
			     void *arg)
{
	static const char tag[] = "# expect: ";
	struct corpus_state *cs = arg;
	struct sv_error err = { .msg = "" };
	struct sv_config c;
	char expect[256];
	size_t n;
	int r;

	if (strlen(path) < 4 || strcmp(path + strlen(path) - 4, ".cfg") != 0)
		return;
	cs->cfgs++;
	if (strncmp(data, tag, sizeof(tag) - 1) != 0)
		fail_msg("%s: first line is not \"# expect: ...\"", path);
	n = strcspn(data + sizeof(tag) - 1, "\r\n");
	assert_true(n > 0 && n < sizeof(expect));
	memcpy(expect, data + sizeof(tag) - 1, n);
	expect[n] = '\0';
	r = sv_config_parse(data, len, path, &no_policy, &c, &err);
	if (r == 0) {
		sv_config_free(&c);
		fail_msg("%s: accepted", path);
	}
	if (!strstr(err.msg, expect))
		fail_msg("%s: want \"%s\", got \"%s\"", path, expect, err.msg);
}

static void test_every_bad_config_is_refused_with_its_message(void **state)
{
	struct corpus_state cs = { 0 };

	(void)state;
	assert_true(corpus_each("tests/data/bad/config", check_bad_config, &cs) > 0);
	assert_true(cs.cfgs >= 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_gives_the_builtin_defaults),
		cmocka_unit_test(test_empty_config_gives_the_defaults),
		cmocka_unit_test(test_example_file_parses_and_spells_out_the_defaults),
		cmocka_unit_test(test_categories_range_is_taken),
		cmocka_unit_test(test_categories_c0_is_refused),
		cmocka_unit_test(test_categories_low_not_below_high_is_refused),
		cmocka_unit_test(test_categories_beyond_c1023_is_refused),
		cmocka_unit_test(test_categories_other_forms_are_refused),
		cmocka_unit_test(test_context_keys_set_the_bases),
		cmocka_unit_test(test_malformed_context_is_refused),
		cmocka_unit_test(test_context_with_categories_or_range_is_refused),
		cmocka_unit_test(test_state_dir_is_taken),
		cmocka_unit_test(test_state_dir_must_be_absolute_and_normalised),
		cmocka_unit_test(test_relabel_roots_are_taken),
		cmocka_unit_test(test_slash_as_a_root_is_refused),
		cmocka_unit_test(test_relative_or_unnormalised_roots_are_refused),
		cmocka_unit_test(test_roots_empty_duplicate_or_too_many_are_refused),
		cmocka_unit_test(test_shared_images_under_a_root_are_taken),
		cmocka_unit_test(test_shared_image_outside_the_roots_is_refused),
		cmocka_unit_test(test_path_under_root_compares_whole_components),
		cmocka_unit_test(test_log_levels_map_to_syslog_priorities),
		cmocka_unit_test(test_unknown_log_level_is_refused),
		cmocka_unit_test(test_audit_is_on_unless_turned_off),
		cmocka_unit_test(test_unknown_key_names_file_line_and_key),
		cmocka_unit_test(test_duplicate_key_is_refused),
		cmocka_unit_test(test_plus_equals_is_refused),
		cmocka_unit_test(test_syntax_error_names_file_and_line),
		cmocka_unit_test(test_what_libxlutil_would_mangle_is_refused),
		cmocka_unit_test(test_escaped_quotes_are_kept),
		cmocka_unit_test(test_nul_byte_and_oversize_are_refused),
		cmocka_unit_test(test_bases_fall_back_to_the_policy_files),
		cmocka_unit_test(test_config_wins_over_the_policy_files),
		cmocka_unit_test(test_missing_policy_files_or_lines_fall_back_to_builtin),
		cmocka_unit_test(test_malformed_policy_context_file_is_an_error),
		cmocka_unit_test(test_load_reads_a_file_and_refuses_bad_ones),
		cmocka_unit_test(test_every_bad_config_is_refused_with_its_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
