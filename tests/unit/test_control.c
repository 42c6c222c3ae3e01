/* test_control.c: the control protocol's text: requests and replies parse into
 * structs, format back to the same bytes, and anything else is refused with a reason. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control.h"
#include "corpus.h"

#define UUID1 "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
#define UUID2 "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
#define PROC "system_u:system_r:svirt_xen_t:s0:c3,c700"
#define IMAGE "system_u:object_r:svirt_xen_image_t:s0:c3,c700"
#define ENTRY7 "domain 7 uuid " UUID1 " pair c3,c700 state labelled label " \
	PROC " imagelabel " IMAGE "\n"

static struct sv_control_entry entry(int domid, enum sv_dom_state state)
{
	struct sv_control_entry e = { .domid = domid, .pair = { 3, 700 },
				      .state = state };

	strcpy(e.uuid, UUID1);
	strcpy(e.process_label, PROC);
	strcpy(e.image_label, IMAGE);
	return e;
}

static struct sv_control_request parse_request_ok(const char *s)
{
	struct sv_control_request r;
	struct sv_error err = { "" };

	if (sv_control_request_parse(s, strlen(s), &r, &err) != 0)
		fail_msg("\"%s\" refused: %s", s, err.msg);
	return r;
}

/* The request is refused, with a message holding needle, output untouched. */
static void refuse_request(const char *s, size_t len, const char *needle)
{
	struct sv_control_request r = { .domid = 4242 };
	struct sv_error err = { "" };

	assert_int_equal(sv_control_request_parse(s, len, &r, &err), -EINVAL);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
	assert_int_equal(r.domid, 4242);
}

/* A literal's bytes, NULs included, without the terminating one. */
#define REFUSE_REQUEST(lit, needle) refuse_request(lit, sizeof(lit) - 1, needle)

static void refuse_reply(const char *s, const char *needle)
{
	struct sv_control_reply r = { .n = 4242 };
	struct sv_error err = { "" };

	assert_int_equal(sv_control_reply_parse(s, strlen(s), &r, &err),
			 -EINVAL);
	if (!strstr(err.msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
	assert_int_equal(r.n, 4242);
	assert_null(r.entries);
}

static void reserve_with_a_pair_parses(void **state)
{
	struct sv_control_request r = parse_request_ok("RESERVE " UUID1 " c3,c700\n");

	(void)state;
	assert_int_equal(r.op, SV_CONTROL_RESERVE);
	assert_string_equal(r.uuid, UUID1);
	assert_true(r.has_pair);
	assert_int_equal(r.pair.a, 3);
	assert_int_equal(r.pair.b, 700);
}

static void reserve_without_a_pair_asks_svirtd_to_choose(void **state)
{
	struct sv_control_request r = parse_request_ok("RESERVE " UUID1 "\n");

	(void)state;
	assert_int_equal(r.op, SV_CONTROL_RESERVE);
	assert_false(r.has_pair);
}

static void get_with_wait_parses(void **state)
{
	struct sv_control_request r = parse_request_ok("GET 32751 WAIT 600\n");

	(void)state;
	assert_int_equal(r.op, SV_CONTROL_GET);
	assert_int_equal(r.domid, 32751);
	assert_int_equal(r.wait_seconds, 600);
}

static void get_without_wait_answers_now(void **state)
{
	struct sv_control_request r = parse_request_ok("GET 1\n");

	(void)state;
	assert_int_equal(r.domid, 1);
	assert_int_equal(r.wait_seconds, 0);
}

static void unreserve_and_list_parse(void **state)
{
	(void)state;
	assert_int_equal(parse_request_ok("UNRESERVE " UUID2 "\n").op,
			 SV_CONTROL_UNRESERVE);
	assert_int_equal(parse_request_ok("LIST\n").op, SV_CONTROL_LIST);
}

/* issue 19 item 2: HISTORY takes no argument, like LIST. */
static void history_parses_without_arguments(void **state)
{
	(void)state;
	assert_int_equal(parse_request_ok("HISTORY\n").op, SV_CONTROL_HISTORY);
	REFUSE_REQUEST("HISTORY 3\n", "");
	REFUSE_REQUEST("history\n", "verbs are upper case (HISTORY)");
}

static void lowercase_verb_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("get 7\n", "verbs are upper case (GET)");
}

static void extra_space_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("GET  7\n", "extra space at offset 4");
}

static void trailing_space_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("GET 7 \n", "trailing space at offset 5");
}

static void missing_newline_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("LIST", "does not end in a newline");
}

static void second_line_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("LIST\nLIST\n", "more than one line");
}

static void nul_byte_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("GET 7\0\n", "NUL byte at offset 5");
}

static void overlong_request_is_refused(void **state)
{
	char line[SV_CONTROL_LINE_MAX + 1];

	(void)state;
	memset(line, 'A', sizeof(line));
	memcpy(line, "GET 7 ", 6);
	line[sizeof(line) - 1] = '\n';
	refuse_request(line, sizeof(line), "longer than 512 bytes");
}

static void domid_outside_range_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("GET 0\n", "outside 1..32751");
	REFUSE_REQUEST("GET 32752\n", "outside 1..32751");
	REFUSE_REQUEST("GET 99999999999999999999\n", "outside 1..32751");
}

static void leading_zero_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("GET 07\n", "leading zero");
}

static void nil_uuid_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("RESERVE 00000000-0000-0000-0000-000000000000\n", "nil uuid");
}

static void uppercase_uuid_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("UNRESERVE 1B4E28BA-2FA1-11D2-883F-0016D3CCA427\n", "lower case");
}

static void pair_with_c0_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("RESERVE " UUID1 " c0,c5\n", "c0 is never handed out");
}

static void wait_outside_range_is_refused(void **state)
{
	(void)state;
	REFUSE_REQUEST("GET 7 WAIT 0\n", "outside 1..600");
	REFUSE_REQUEST("GET 7 WAIT 601\n", "outside 1..600");
}

static void refuse_request_file(const char *path, const char *data, size_t len,
				void *arg)
{
	struct sv_control_request r;
	struct sv_error err = { "" };
	int *failures = arg;

	/* No chomp: the exact bytes are the point (a missing '\n' is a case). */
	if (sv_control_request_parse(data, len, &r, &err) != -EINVAL ||
	    err.msg[0] == '\0') {
		print_error("%s: accepted or no message\n", path);
		(*failures)++;
	}
}

static void every_malformed_request_in_the_corpus_is_refused(void **state)
{
	int failures = 0;

	(void)state;
	assert_true(corpus_each("tests/data/bad/control_request",
				refuse_request_file, &failures) >= 40);
	assert_int_equal(failures, 0);
}

static void round_trip_request_file(const char *path, const char *data,
				    size_t len, void *arg)
{
	struct sv_control_request r;
	char buf[SV_CONTROL_LINE_MAX + 1];
	struct sv_error err = { "" };
	int *failures = arg;

	if (sv_control_request_parse(data, len, &r, &err) != 0 ||
	    sv_control_request_format(&r, buf, sizeof(buf)) != (int)len ||
	    memcmp(buf, data, len) != 0) {
		print_error("%s: no round trip: %s\n", path, err.msg);
		(*failures)++;
	}
}

static void every_request_seed_formats_back_to_itself(void **state)
{
	int failures = 0;

	(void)state;
	assert_true(corpus_each("tests/data/fuzz/control_request",
				round_trip_request_file, &failures) >= 5);
	assert_int_equal(failures, 0);
}

static void request_format_refuses_what_parse_would(void **state)
{
	struct sv_control_request get = { .op = SV_CONTROL_GET, .domid = 0 };
	struct sv_control_request res = { .op = SV_CONTROL_RESERVE,
					  .uuid = "00000000-0000-0000-0000-000000000000" };
	struct sv_control_request pair = { .op = SV_CONTROL_RESERVE,
					   .uuid = UUID1, .has_pair = true,
					   .pair = { 0, 5 } };
	char buf[SV_CONTROL_LINE_MAX + 1];

	(void)state;
	assert_int_equal(sv_control_request_format(&get, buf, sizeof(buf)),
			 -EINVAL);
	get.domid = 7;
	get.wait_seconds = SV_CONTROL_WAIT_MAX + 1;
	assert_int_equal(sv_control_request_format(&get, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(sv_control_request_format(&res, buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(sv_control_request_format(&pair, buf, sizeof(buf)),
			 -EINVAL);
}

static void request_format_into_a_small_buffer_leaves_it_untouched(void **state)
{
	struct sv_control_request get = { .op = SV_CONTROL_GET, .domid = 7,
					  .wait_seconds = 30 };
	char buf[32] = "untouched";

	(void)state;
	/* 14 bytes of text need 15 with the NUL. */
	assert_int_equal(sv_control_request_format(&get, buf, 14), -ENOSPC);
	assert_string_equal(buf, "untouched");
	assert_int_equal(sv_control_request_format(&get, buf, 15), 14);
	assert_string_equal(buf, "GET 7 WAIT 30\n");
}

static void ok_reply_with_an_entry_parses(void **state)
{
	const char *s = "OK 1\n" ENTRY7;
	struct sv_control_reply r = { 0 };
	struct sv_error err = { "" };

	(void)state;
	assert_int_equal(sv_control_reply_parse(s, strlen(s), &r, &err), 0);
	assert_int_equal(r.error, 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.entries[0].domid, 7);
	assert_string_equal(r.entries[0].uuid, UUID1);
	assert_int_equal(r.entries[0].state, SV_STATE_LABELLED);
	assert_string_equal(r.entries[0].process_label, PROC);
	assert_string_equal(r.entries[0].image_label, IMAGE);
	assert_string_equal(r.entries[0].reason, "");
	sv_control_reply_clear(&r);
}

static void err_reply_parses_to_errno_and_message(void **state)
{
	const char *s = "ERR ETIMEDOUT domain 7 not labelled after 30 s\n";
	struct sv_control_reply r = { 0 };

	(void)state;
	assert_int_equal(sv_control_reply_parse(s, strlen(s), &r, NULL), 0);
	assert_int_equal(r.error, ETIMEDOUT);
	assert_string_equal(r.message, "domain 7 not labelled after 30 s");
	assert_int_equal(r.n, 0);
	assert_null(r.entries);
}

static void entry_count_that_lies_is_refused(void **state)
{
	(void)state;
	refuse_reply("OK 2\n" ENTRY7, "announces 2 entries, 1 follow");
	refuse_reply("OK 1000000\n" ENTRY7, "announces 1000000 entries");
}

static void label_with_another_pair_is_refused(void **state)
{
	(void)state;
	refuse_reply("OK 1\ndomain 7 uuid " UUID1 " pair c3,c700 state labelled"
		     " label system_u:system_r:svirt_xen_t:s0:c3,c701"
		     " imagelabel " IMAGE "\n",
		     "reply line 2: label");
}

static void reservation_with_a_domain_is_refused(void **state)
{
	(void)state;
	refuse_reply("OK 1\ndomain 7 uuid " UUID1 " pair c3,c700 state reserved"
		     " label " PROC " imagelabel " IMAGE "\n",
		     "goes with state reserved");
}

static void errno_outside_the_table_is_refused(void **state)
{
	(void)state;
	refuse_reply("ERR EPERM no\n", "not an errno name of the protocol");
}

static void refuse_reply_file(const char *path, const char *data, size_t len,
			      void *arg)
{
	struct sv_control_reply r = { 0 };
	struct sv_error err = { "" };
	int *failures = arg;

	if (sv_control_reply_parse(data, len, &r, &err) != -EINVAL ||
	    err.msg[0] == '\0' || r.entries) {
		print_error("%s: accepted or no message\n", path);
		(*failures)++;
	}
	sv_control_reply_clear(&r);
}

static void every_malformed_reply_in_the_corpus_is_refused(void **state)
{
	int failures = 0;

	(void)state;
	assert_true(corpus_each("tests/data/bad/control_reply",
				refuse_reply_file, &failures) >= 60);
	assert_int_equal(failures, 0);
}

static void round_trip_reply_file(const char *path, const char *data,
				  size_t len, void *arg)
{
	struct sv_control_reply r = { 0 };
	struct sv_error err = { "" };
	int *failures = arg;
	char *text = NULL;
	size_t tlen = 0;

	if (sv_control_reply_parse(data, len, &r, &err) != 0 ||
	    sv_control_reply_format(&r, &text, &tlen) != 0 || tlen != len ||
	    memcmp(text, data, len) != 0) {
		print_error("%s: no round trip: %s\n", path, err.msg);
		(*failures)++;
	}
	free(text);
	sv_control_reply_clear(&r);
}

static void every_reply_seed_formats_back_to_itself(void **state)
{
	int failures = 0;

	(void)state;
	assert_true(corpus_each("tests/data/fuzz/control_reply",
				round_trip_reply_file, &failures) >= 10);
	assert_int_equal(failures, 0);
}

static void every_reason_byte_survives_the_wire(void **state)
{
	struct sv_control_entry e = entry(9, SV_STATE_ERROR);
	struct sv_control_reply r = { .n = 1, .entries = &e }, back = { 0 };
	struct sv_error err = { "" };
	char *text = NULL;
	size_t len;

	(void)state;
	for (int i = 1; i < 256; i++)
		e.reason[i - 1] = (char)i;
	e.reason[255] = '\0';
	assert_int_equal(sv_control_reply_format(&r, &text, &len), 0);
	if (sv_control_reply_parse(text, len, &back, &err) != 0)
		fail_msg("%s", err.msg);
	assert_memory_equal(back.entries[0].reason, e.reason, 256);
	free(text);
	sv_control_reply_clear(&back);
}

static void reply_format_refuses_broken_entries(void **state)
{
	struct sv_control_entry e = entry(7, SV_STATE_LABELLED);
	struct sv_control_reply r = { .n = 1, .entries = &e };
	char *text = (char *)"untouched";
	size_t len = 99;

	(void)state;
	strcpy(e.reason, "a reason without an error");
	assert_int_equal(sv_control_reply_format(&r, &text, &len), -EINVAL);
	e = entry(7, SV_STATE_ERROR);	/* an error without a reason */
	assert_int_equal(sv_control_reply_format(&r, &text, &len), -EINVAL);
	e = entry(-1, SV_STATE_LABELLED);
	assert_int_equal(sv_control_reply_format(&r, &text, &len), -EINVAL);
	e = entry(7, SV_STATE_LABELLED);
	e.pair.b = 701;			/* labels no longer carry the pair */
	assert_int_equal(sv_control_reply_format(&r, &text, &len), -EINVAL);
	assert_string_equal(text, "untouched");
	assert_int_equal(len, 99);
}

static void entry_from_table(void *arg, size_t i, struct sv_control_entry *e)
{
	*e = ((struct sv_control_entry *)arg)[i];
}

/* svirtd's LIST formats one entry at a time: the same text as the whole
 * reply at once, and the same refusal of a broken entry. */
static void reply_formatted_entry_by_entry_is_the_same_text(void **state)
{
	struct sv_control_entry e[3] = { entry(3, SV_STATE_LABELLED),
					 entry(7, SV_STATE_ERROR),
					 entry(-1, SV_STATE_RESERVED) };
	struct sv_control_reply r = { .n = 3, .entries = e };
	char *whole = NULL, *each = NULL, *text = (char *)"untouched";
	size_t wlen, elen, len = 99;

	(void)state;
	strcpy(e[1].reason, "disk gone");
	assert_int_equal(sv_control_reply_format(&r, &whole, &wlen), 0);
	assert_int_equal(sv_control_reply_format_each(3, entry_from_table, e,
						      &each, &elen), 0);
	assert_int_equal(elen, wlen);
	assert_memory_equal(each, whole, wlen);
	free(each);
	assert_int_equal(sv_control_reply_format_each(0, entry_from_table, e,
						      &each, &elen), 0);
	assert_int_equal(elen, 5);
	assert_memory_equal(each, "OK 0\n", 5);
	free(each);
	e[2].reason[0] = 'x';		/* a reason without an error */
	assert_int_equal(sv_control_reply_format_each(3, entry_from_table, e,
						      &text, &len), -EINVAL);
	assert_string_equal(text, "untouched");
	assert_int_equal(len, 99);
	free(whole);
}

static void reply_format_refuses_a_bad_error(void **state)
{
	struct sv_control_reply r = { .error = EPERM, .message = "no" };
	char *text = NULL;
	size_t len;

	(void)state;
	assert_int_equal(sv_control_reply_format(&r, &text, &len), -EINVAL);
	r.error = EIO;
	strcpy(r.message, "two\nlines");
	assert_int_equal(sv_control_reply_format(&r, &text, &len), -EINVAL);
	assert_null(text);
}

/* An entry as long as the rules allow: 255-byte names, a fully escaped reason. */
static struct sv_control_entry long_entry(int domid)
{
	struct sv_control_entry e = entry(domid, SV_STATE_ERROR);
	char name[SV_NAME_MAX + 1];

	memset(name, 'n', SV_NAME_MAX);
	name[SV_NAME_MAX] = '\0';
	snprintf(e.process_label, sizeof(e.process_label), "%s:%s:%s:s0:c3,c700",
		 name, name, name);
	strcpy(e.image_label, e.process_label);
	memset(e.reason, '\n', sizeof(e.reason) - 1);
	e.reason[sizeof(e.reason) - 1] = '\0';
	return e;
}

static void reply_too_long_to_send_is_emsgsize(void **state)
{
	size_t n = SV_CONTROL_REPLY_MAX / 2000;
	struct sv_control_reply r = { .n = n };
	char *text = NULL;
	size_t len;

	(void)state;
	r.entries = calloc(n, sizeof(*r.entries));
	assert_non_null(r.entries);
	for (size_t i = 0; i < n; i++)
		r.entries[i] = long_entry((int)i + 1);
	assert_int_equal(sv_control_reply_format(&r, &text, &len), -EMSGSIZE);
	assert_null(text);
	r.n = n / 2;		/* half of it fits */
	assert_int_equal(sv_control_reply_format(&r, &text, &len), 0);
	assert_true(len <= SV_CONTROL_REPLY_MAX);
	free(text);
	sv_control_reply_clear(&r);
}

static void reply_too_long_to_read_is_refused(void **state)
{
	size_t len = SV_CONTROL_REPLY_MAX + 1;
	struct sv_control_reply r = { 0 };
	struct sv_error err = { "" };
	char *s = malloc(len);

	(void)state;
	assert_non_null(s);
	memset(s, 'x', len);
	s[len - 1] = '\n';
	assert_int_equal(sv_control_reply_parse(s, len, &r, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "longer than"));
	free(s);
}

static void set_error_makes_any_message_one_valid_line(void **state)
{
	struct sv_control_reply r = { 0 };
	char *text = NULL;
	size_t len;

	(void)state;
	r.entries = calloc(1, sizeof(*r.entries));
	r.n = 1;
	sv_control_reply_set_error(&r, -ENOENT, "  no domain %d\n\t ", 7);
	assert_int_equal(r.error, ENOENT);
	assert_string_equal(r.message, "no domain 7");
	assert_int_equal(r.n, 0);
	assert_null(r.entries);
	assert_int_equal(sv_control_reply_format(&r, &text, &len), 0);
	assert_string_equal(text, "ERR ENOENT no domain 7\n");
	free(text);
}

static void set_error_outside_the_table_becomes_eio(void **state)
{
	struct sv_control_reply r = { 0 };

	(void)state;
	sv_control_reply_set_error(&r, ERANGE, "%s", "");
	assert_int_equal(r.error, EIO);
	assert_string_equal(r.message, "EIO");
}

static void state_names_parse_back(void **state)
{
	enum sv_dom_state s = SV_STATE_ERROR;

	(void)state;
	for (int i = SV_STATE_RESERVED; i <= SV_STATE_ERROR; i++) {
		assert_int_equal(sv_dom_state_parse(sv_dom_state_name(i), &s), 0);
		assert_int_equal(s, i);
	}
	assert_null(sv_dom_state_name((enum sv_dom_state)4));
	assert_int_equal(sv_dom_state_parse("Labelled", &s), -EINVAL);
	assert_int_equal(s, SV_STATE_ERROR);
}

static void errno_table_is_closed(void **state)
{
	(void)state;
	assert_string_equal(sv_control_errno_name(EAGAIN), "EAGAIN");
	assert_null(sv_control_errno_name(EPERM));
	assert_null(sv_control_errno_name(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reserve_with_a_pair_parses),
		cmocka_unit_test(reserve_without_a_pair_asks_svirtd_to_choose),
		cmocka_unit_test(get_with_wait_parses),
		cmocka_unit_test(get_without_wait_answers_now),
		cmocka_unit_test(unreserve_and_list_parse),
		cmocka_unit_test(lowercase_verb_is_refused),
		cmocka_unit_test(extra_space_is_refused),
		cmocka_unit_test(history_parses_without_arguments),
		cmocka_unit_test(trailing_space_is_refused),
		cmocka_unit_test(missing_newline_is_refused),
		cmocka_unit_test(second_line_is_refused),
		cmocka_unit_test(nul_byte_is_refused),
		cmocka_unit_test(overlong_request_is_refused),
		cmocka_unit_test(domid_outside_range_is_refused),
		cmocka_unit_test(leading_zero_is_refused),
		cmocka_unit_test(nil_uuid_is_refused),
		cmocka_unit_test(uppercase_uuid_is_refused),
		cmocka_unit_test(pair_with_c0_is_refused),
		cmocka_unit_test(wait_outside_range_is_refused),
		cmocka_unit_test(every_malformed_request_in_the_corpus_is_refused),
		cmocka_unit_test(every_request_seed_formats_back_to_itself),
		cmocka_unit_test(request_format_refuses_what_parse_would),
		cmocka_unit_test(request_format_into_a_small_buffer_leaves_it_untouched),
		cmocka_unit_test(ok_reply_with_an_entry_parses),
		cmocka_unit_test(err_reply_parses_to_errno_and_message),
		cmocka_unit_test(entry_count_that_lies_is_refused),
		cmocka_unit_test(label_with_another_pair_is_refused),
		cmocka_unit_test(reservation_with_a_domain_is_refused),
		cmocka_unit_test(errno_outside_the_table_is_refused),
		cmocka_unit_test(every_malformed_reply_in_the_corpus_is_refused),
		cmocka_unit_test(every_reply_seed_formats_back_to_itself),
		cmocka_unit_test(every_reason_byte_survives_the_wire),
		cmocka_unit_test(reply_format_refuses_broken_entries),
		cmocka_unit_test(reply_formatted_entry_by_entry_is_the_same_text),
		cmocka_unit_test(reply_format_refuses_a_bad_error),
		cmocka_unit_test(reply_too_long_to_send_is_emsgsize),
		cmocka_unit_test(reply_too_long_to_read_is_refused),
		cmocka_unit_test(set_error_makes_any_message_one_valid_line),
		cmocka_unit_test(set_error_outside_the_table_becomes_eio),
		cmocka_unit_test(state_names_parse_back),
		cmocka_unit_test(errno_table_is_closed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
