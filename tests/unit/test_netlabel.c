/* test_netlabel.c: the NetLabel messages svirt sends, and the kernel's replies it
 * reads, built and parsed with libnl as the kernel would; bad replies refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "netlabel.h"

#define CTX_A "system_u:system_r:svirt_xen_t:s0:c1,c2"
#define CTX_PEER "system_u:object_r:netlabel_peer_t:s0"
#define FAMILY_ID 0x1d

static struct nlattr *attr(struct nl_msg *m, int type)
{
	return nlmsg_find_attr(nlmsg_hdr(m), GENL_HDRLEN, type);
}

static void add_message_carries_iface_whole_v4_space_and_label(void **state)
{
	struct sv_nlbl_entry e;
	struct nl_msg *m;
	struct genlmsghdr *g;
	struct nlattr *a;
	static const uint8_t zero[4];

	(void)state;
	assert_int_equal(sv_nlbl_entry_any("vif3.0", AF_INET, CTX_A, &e, NULL), 0);
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICADD, &e, &m, NULL), 0);
	assert_int_equal(nlmsg_hdr(m)->nlmsg_type, FAMILY_ID);
	assert_true(nlmsg_hdr(m)->nlmsg_flags & NLM_F_ACK);
	g = nlmsg_data(nlmsg_hdr(m));
	assert_int_equal(g->cmd, SV_NLBL_C_STATICADD);
	assert_int_equal(g->version, SV_NLBL_VERSION);
	assert_string_equal(nla_get_string(attr(m, SV_NLBL_A_IFACE)), "vif3.0");
	a = attr(m, SV_NLBL_A_IPV4ADDR);
	assert_non_null(a);
	assert_int_equal(nla_len(a), 4);
	assert_memory_equal(nla_data(a), zero, 4);
	assert_int_equal(nla_len(attr(m, SV_NLBL_A_IPV4MASK)), 4);
	assert_null(attr(m, SV_NLBL_A_IPV6ADDR));
	assert_string_equal(nla_get_string(attr(m, SV_NLBL_A_SECCTX)), CTX_A);
	nlmsg_free(m);
}

static void remove_message_names_the_entry_without_a_label(void **state)
{
	struct sv_nlbl_entry e;
	struct nl_msg *m;

	(void)state;
	assert_int_equal(sv_nlbl_entry_any("vif3.0", AF_INET6, CTX_A, &e, NULL), 0);
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICREMOVE, &e, &m, NULL), 0);
	assert_int_equal(nla_len(attr(m, SV_NLBL_A_IPV6ADDR)), 16);
	assert_int_equal(nla_len(attr(m, SV_NLBL_A_IPV6MASK)), 16);
	assert_null(attr(m, SV_NLBL_A_IPV4ADDR));
	assert_null(attr(m, SV_NLBL_A_SECCTX));
	nlmsg_free(m);
}

static void list_message_is_a_dump_request(void **state)
{
	struct nl_msg *m;

	(void)state;
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICLIST, NULL, &m, NULL), 0);
	assert_true(nlmsg_hdr(m)->nlmsg_flags & NLM_F_DUMP);
	assert_int_equal(nlmsg_hdr(m)->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
	nlmsg_free(m);
}

static void default_add_message_names_no_interface(void **state)
{
	struct sv_nlbl_entry e;
	struct nl_msg *m;
	struct genlmsghdr *g;

	(void)state;
	assert_int_equal(sv_nlbl_entry_any(NULL, AF_INET6, CTX_PEER, &e, NULL), 0);
	assert_string_equal(e.iface, "");
	assert_string_equal(sv_nlbl_iface_name(&e), "DEFAULT");
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICADDDEF, &e, &m, NULL), 0);
	assert_true(nlmsg_hdr(m)->nlmsg_flags & NLM_F_ACK);
	g = nlmsg_data(nlmsg_hdr(m));
	assert_int_equal(g->cmd, SV_NLBL_C_STATICADDDEF);
	assert_null(attr(m, SV_NLBL_A_IFACE));
	assert_int_equal(nla_len(attr(m, SV_NLBL_A_IPV6ADDR)), 16);
	assert_int_equal(nla_len(attr(m, SV_NLBL_A_IPV6MASK)), 16);
	assert_string_equal(nla_get_string(attr(m, SV_NLBL_A_SECCTX)), CTX_PEER);
	nlmsg_free(m);
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICREMOVEDEF, &e, &m, NULL), 0);
	assert_null(attr(m, SV_NLBL_A_IFACE));
	assert_null(attr(m, SV_NLBL_A_SECCTX));
	nlmsg_free(m);
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICLISTDEF, NULL, &m, NULL), 0);
	assert_true(nlmsg_hdr(m)->nlmsg_flags & NLM_F_DUMP);
	nlmsg_free(m);
}

static void default_and_interface_entries_are_never_mixed_up(void **state)
{
	struct sv_nlbl_entry def, vif;
	struct sv_error err;
	struct nl_msg *m = NULL;

	(void)state;
	assert_int_equal(sv_nlbl_entry_any(NULL, AF_INET, CTX_PEER, &def, NULL), 0);
	assert_int_equal(sv_nlbl_entry_any("vif3.0", AF_INET, CTX_A, &vif, NULL), 0);
	/* An interface command without an interface would fail in the kernel;
	 * a default command with one would change the wrong entry. */
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICADD, &def, &m, &err), -EINVAL);
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICREMOVE, &def, &m, &err), -EINVAL);
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICADDDEF, &vif, &m, &err), -EINVAL);
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICREMOVEDEF, &vif, &m, &err), -EINVAL);
	assert_null(m);
}

static void bad_names_contexts_and_commands_are_refused(void **state)
{
	struct sv_nlbl_entry e = { .family = 0 };
	struct sv_error err;
	struct nl_msg *m = NULL;

	(void)state;
	assert_int_equal(sv_nlbl_entry_any("vif1.0\" x", AF_INET, CTX_A, &e, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "interface name"));
	assert_int_equal(sv_nlbl_entry_any("", AF_INET, CTX_A, &e, &err), -EINVAL);
	assert_int_equal(sv_nlbl_entry_any("a23456789012345", AF_INET, CTX_A, &e, &err), 0);
	assert_int_equal(sv_nlbl_entry_any("a234567890123456", AF_INET, CTX_A, &e, &err), -EINVAL);
	assert_int_equal(sv_nlbl_entry_any("-x", AF_INET, CTX_A, &e, &err), -EINVAL);
	assert_int_equal(sv_nlbl_entry_any("..", AF_INET, CTX_A, &e, &err), -EINVAL);
	assert_int_equal(sv_nlbl_entry_any("vif1.0", AF_UNIX, CTX_A, &e, &err), -EINVAL);
	assert_int_equal(sv_nlbl_entry_any("vif1.0", AF_INET, "not a context", &e, &err), -EINVAL);
	/* Not canonical: categories out of order. */
	assert_int_equal(sv_nlbl_entry_any("vif1.0", AF_INET,
					   "system_u:system_r:t:s0:c2,c1", &e, &err), -EINVAL);
	assert_int_equal(sv_nlbl_build(FAMILY_ID, 1, &e, &m, &err), -EINVAL);
	assert_null(m);
	assert_int_equal(sv_nlbl_build(FAMILY_ID, SV_NLBL_C_STATICADD, NULL, &m, &err), -EINVAL);
}

/* A reply of command cmd as the kernel writes it, appended to buf at *len. */
static void put_reply_cmd(uint8_t *buf, size_t *len, int cmd, const char *iface,
			  int family, const void *addr, const void *mask,
			  const char *ctx, size_t ctxlen)
{
	struct nl_msg *m = nlmsg_alloc();
	size_t size = family == AF_INET ? 4 : 16;

	assert_non_null(genlmsg_put(m, 0, 1, FAMILY_ID, 0, NLM_F_MULTI,
				    (uint8_t)cmd, SV_NLBL_VERSION));
	if (iface)
		assert_int_equal(nla_put_string(m, SV_NLBL_A_IFACE, iface), 0);
	if (addr)
		assert_int_equal(nla_put(m, family == AF_INET ? SV_NLBL_A_IPV4ADDR :
					 SV_NLBL_A_IPV6ADDR, (int)size, addr), 0);
	if (mask)
		assert_int_equal(nla_put(m, family == AF_INET ? SV_NLBL_A_IPV4MASK :
					 SV_NLBL_A_IPV6MASK, (int)size, mask), 0);
	if (ctx)
		assert_int_equal(nla_put(m, SV_NLBL_A_SECCTX, (int)ctxlen, ctx), 0);
	memcpy(buf + *len, nlmsg_hdr(m), nlmsg_hdr(m)->nlmsg_len);
	*len += NLMSG_ALIGN(nlmsg_hdr(m)->nlmsg_len);
	nlmsg_free(m);
}

/* A STATICLIST reply. */
static void put_reply(uint8_t *buf, size_t *len, const char *iface, int family,
		      const void *addr, const void *mask, const char *ctx,
		      size_t ctxlen)
{
	put_reply_cmd(buf, len, SV_NLBL_C_STATICLIST, iface, family, addr, mask,
		      ctx, ctxlen);
}

static void put_done(uint8_t *buf, size_t *len)
{
	struct nlmsghdr h = { .nlmsg_len = NLMSG_HDRLEN + 4, .nlmsg_type = NLMSG_DONE };

	memcpy(buf + *len, &h, sizeof(h));
	memset(buf + *len + NLMSG_HDRLEN, 0, 4);
	*len += h.nlmsg_len;
}

static void dump_of_two_entries_parses_to_both(void **state)
{
	static uint8_t buf[4096] __attribute__((aligned(4)));
	static const uint8_t net[4] = { 10, 77, 0, 0 }, m16[4] = { 255, 255, 0, 0 };
	static const uint8_t any6[16], mask6[16];
	struct sv_nlbl_list l = { .v = NULL };
	size_t len = 0;

	(void)state;
	put_reply(buf, &len, "vif3.0", AF_INET, net, m16, CTX_A, sizeof(CTX_A));
	put_reply(buf, &len, "vif3.0", AF_INET6, any6, mask6, CTX_A, strlen(CTX_A));
	put_done(buf, &len);
	assert_int_equal(sv_nlbl_parse_dump(buf, len, &l, NULL), 1);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].iface, "vif3.0");
	assert_int_equal(l.v[0].family, AF_INET);
	assert_memory_equal(l.v[0].addr, net, 4);
	assert_memory_equal(l.v[0].mask, m16, 4);
	assert_string_equal(l.v[0].ctx, CTX_A);
	assert_int_equal(l.v[1].family, AF_INET6);
	assert_string_equal(l.v[1].ctx, CTX_A);
	sv_nlbl_list_clear(&l);
}

static void dump_of_default_entries_parses_without_interface(void **state)
{
	static uint8_t buf[4096] __attribute__((aligned(4)));
	static const uint8_t any4[4], any6[16];
	struct sv_nlbl_list l = { .v = NULL };
	struct sv_error err;
	size_t len = 0;

	(void)state;
	put_reply_cmd(buf, &len, SV_NLBL_C_STATICLISTDEF, NULL, AF_INET, any4, any4,
		      CTX_PEER, sizeof(CTX_PEER));
	put_reply_cmd(buf, &len, SV_NLBL_C_STATICLISTDEF, NULL, AF_INET6, any6, any6,
		      CTX_PEER, sizeof(CTX_PEER));
	put_done(buf, &len);
	assert_int_equal(sv_nlbl_parse_dump(buf, len, &l, NULL), 1);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].iface, "");
	assert_int_equal(l.v[0].family, AF_INET);
	assert_string_equal(l.v[1].ctx, CTX_PEER);
	assert_int_equal(l.v[1].family, AF_INET6);
	sv_nlbl_list_clear(&l);
	/* A default entry never names an interface. */
	len = 0;
	put_reply_cmd(buf, &len, SV_NLBL_C_STATICLISTDEF, "vif3.0", AF_INET, any4, any4,
		      CTX_PEER, sizeof(CTX_PEER));
	assert_int_equal(sv_nlbl_parse_dump(buf, len, &l, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "default entry names an interface"));
	assert_int_equal(l.n, 0);
}

static void kernel_error_is_returned_with_its_meaning(void **state)
{
	static uint8_t buf[256] __attribute__((aligned(4)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *ne = NLMSG_DATA(h);
	struct sv_nlbl_list l = { .v = NULL };
	struct sv_error err;

	(void)state;
	memset(buf, 0, sizeof(buf));
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*ne));
	h->nlmsg_type = NLMSG_ERROR;
	ne->error = -ENODEV;
	assert_int_equal(sv_nlbl_parse_dump(buf, h->nlmsg_len, &l, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "no such network interface"));
	assert_int_equal(l.n, 0);
	assert_non_null(strstr(sv_nlbl_strerror(EPERM), "CAP_NET_ADMIN"));
}

static void malformed_replies_are_refused(void **state)
{
	static uint8_t buf[4096] __attribute__((aligned(4)));
	static const uint8_t any[4], mask[4], bad_mask[4] = { 0, 255, 0, 0 };
	static const uint8_t host[4] = { 10, 0, 0, 1 }, m8[4] = { 255, 0, 0, 0 };
	struct sv_nlbl_list l = { .v = NULL };
	struct sv_error err;
	size_t len;

	(void)state;
	len = 0;
	put_reply(buf, &len, NULL, AF_INET, any, mask, CTX_A, sizeof(CTX_A));
	assert_int_equal(sv_nlbl_parse_dump(buf, len, &l, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "without an interface"));
	len = 0;
	put_reply(buf, &len, "vif1.0", AF_INET, any, NULL, CTX_A, sizeof(CTX_A));
	assert_int_equal(sv_nlbl_parse_dump(buf, len, &l, &err), -EPROTO);
	len = 0;
	put_reply(buf, &len, "vif1.0", AF_INET, any, bad_mask, CTX_A, sizeof(CTX_A));
	assert_int_equal(sv_nlbl_parse_dump(buf, len, &l, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "non-contiguous"));
	len = 0;
	put_reply(buf, &len, "vif1.0", AF_INET, host, m8, CTX_A, sizeof(CTX_A));
	assert_int_equal(sv_nlbl_parse_dump(buf, len, &l, &err), -EPROTO);
	len = 0;
	put_reply(buf, &len, "vif1.0", AF_INET, any, mask, "a\0b:c:d:s0", 11);
	assert_int_equal(sv_nlbl_parse_dump(buf, len, &l, &err), -EPROTO);
	len = 0;
	put_reply(buf, &len, "vif 1", AF_INET, any, mask, CTX_A, sizeof(CTX_A));
	assert_int_equal(sv_nlbl_parse_dump(buf, len, &l, &err), -EPROTO);
	len = 0;
	put_reply(buf, &len, "vif1.0", AF_INET, any, mask, CTX_A, sizeof(CTX_A));
	/* Cut short: the last message claims more than there is. */
	assert_int_equal(sv_nlbl_parse_dump(buf, len - 8, &l, &err), -EPROTO);
	assert_int_equal(l.n, 0);
	sv_nlbl_list_clear(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_message_carries_iface_whole_v4_space_and_label),
		cmocka_unit_test(remove_message_names_the_entry_without_a_label),
		cmocka_unit_test(list_message_is_a_dump_request),
		cmocka_unit_test(default_add_message_names_no_interface),
		cmocka_unit_test(default_and_interface_entries_are_never_mixed_up),
		cmocka_unit_test(bad_names_contexts_and_commands_are_refused),
		cmocka_unit_test(dump_of_two_entries_parses_to_both),
		cmocka_unit_test(dump_of_default_entries_parses_without_interface),
		cmocka_unit_test(kernel_error_is_returned_with_its_meaning),
		cmocka_unit_test(malformed_replies_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
