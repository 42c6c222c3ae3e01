/* test_secmark.c: the nft commands for svirtd's table name only its own tables, carry
 * only checked names and labels, and (in a private network namespace) the kernel takes them. */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "secmark.h"
#include "skip.h"

#define PKT_A "system_u:object_r:svirt_xen_packet_t:s0:c1,c2"
#define PKT_B "system_u:object_r:svirt_xen_packet_t:s0:c3,c4"
#define PKT_OUT "system_u:object_r:svirt_xen_outside_packet_t:s0"

static const struct sv_secmark_guest guests[] = {
	{ "svirt_c1_c2", PKT_A },
	{ "svirt_c3_c4", PKT_B },
};
static const struct sv_secmark_port ports[] = {
	{ "vif1.0", 0 }, { "vif1.1", 0 }, { "vif2.0", 1 },
};

/* Every command line names table svirt of family bridge or inet. */
static void assert_only_own_tables(const char *cmds)
{
	char *copy = strdup(cmds), *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char verb[16], what[16], fam[16], table[16];

		assert_int_equal(sscanf(line, "%15s %15s %15s %15s", verb, what,
					fam, table), 4);
		assert_true(strcmp(fam, "bridge") == 0 || strcmp(fam, "inet") == 0);
		assert_string_equal(table, "svirt");
	}
	free(copy);
}

static void object_name_comes_from_the_pair(void **state)
{
	char buf[SV_SECMARK_OBJ_MAX];

	(void)state;
	assert_int_equal(sv_secmark_obj_name((struct sv_pair){ 12, 345 }, buf,
					     sizeof(buf)), 0);
	assert_string_equal(buf, "svirt_c12_c345");
	assert_int_equal(sv_secmark_obj_name((struct sv_pair){ 12, 345 }, buf, 8),
			 -ENOSPC);
}

static void rebuild_maps_each_port_to_its_guest_object(void **state)
{
	struct sv_net_policy pol = { .dom0 = true, .outside = true, .outside_packet = PKT_OUT };
	char *cmds;

	(void)state;
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, guests, 2, ports, 3, &cmds,
						NULL), 0);
	assert_only_own_tables(cmds);
	assert_non_null(strstr(cmds, "add secmark bridge svirt svirt_c1_c2 { context \"" PKT_A "\" ; }\n"));
	assert_non_null(strstr(cmds, "add secmark bridge svirt svirt_c3_c4 { context \"" PKT_B "\" ; }\n"));
	assert_non_null(strstr(cmds, "port_secmark { \"vif1.1\" : \"svirt_c1_c2\" }"));
	assert_non_null(strstr(cmds, "port_secmark { \"vif2.0\" : \"svirt_c3_c4\" }"));
	assert_non_null(strstr(cmds, "meta secmark set oifname map @port_secmark"));
	/* Only the port a frame leaves by labels it: a guest's frame for the
	 * outside never keeps the sender's own label. */
	assert_null(strstr(cmds, "iifname map @port_secmark"));
	/* No label is kept on the connection (an older version's table inet
	 * svirt is only removed). */
	assert_null(strstr(cmds, "ct secmark"));
	assert_null(strstr(cmds, "add chain inet"));
	assert_true(strstr(cmds, "add table inet svirt\ndelete table inet svirt\n") != NULL);
	/* Emptied first, in the same batch. */
	assert_true(strstr(cmds, "delete table bridge svirt") < strstr(cmds, "add set"));
	/* Allowed dom0 and outside: no drop by the policy, only svirt's own
	 * (unlabelled ports, non-IP between guests). */
	assert_null(strstr(cmds, "@ports drop"));
	assert_null(strstr(cmds, "oifname != @ports drop"));
	free(cmds);
}

/* svirt_xen_unlabeled_network can only decide a guest's traffic to the outside
 * if that traffic carries a label of its own (issue 14 item 5). */
static void frames_from_a_guest_for_the_outside_get_the_outside_label(void **state)
{
	struct sv_net_policy pol = { .dom0 = true, .outside = true, .outside_packet = PKT_OUT };
	struct sv_error err;
	char *cmds = NULL;

	(void)state;
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, guests, 2, ports, 3, &cmds, &err), 0);
	assert_only_own_tables(cmds);
	assert_non_null(strstr(cmds, "add secmark bridge svirt svirt_outside { context \"" PKT_OUT "\" ; }\n"));
	/* From a guest's port to one of no guest; the outside's own frames and
	 * those for a guest are left to the port they leave by. */
	assert_non_null(strstr(cmds, "add rule bridge svirt forward iifname @ports oifname != @ports "
			       "meta secmark set \"svirt_outside\"\n"));
	/* The object before the rule that names it. */
	assert_true(strstr(cmds, "svirt_outside {") < strstr(cmds, "set \"svirt_outside\""));
	free(cmds);
	cmds = NULL;
	/* With outside denied too: the frames are dropped after being labelled. */
	pol.outside = false;
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, guests, 2, ports, 3, &cmds, &err), 0);
	assert_non_null(strstr(cmds, "meta secmark set \"svirt_outside\""));
	free(cmds);
	cmds = NULL;
	/* Guests without it: refused, not labelled as their own pair's traffic. */
	pol.outside_packet[0] = '\0';
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, guests, 2, ports, 3, &cmds, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "network_outside_packet"));
	assert_null(cmds);
	/* No guest (the tables alone, as the bridge tests use them): no object. */
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, NULL, 0, NULL, 0, &cmds, &err), 0);
	assert_null(strstr(cmds, "svirt_outside"));
	free(cmds);
	cmds = NULL;
	/* A label that would end the nft string is refused. */
	snprintf(pol.outside_packet, sizeof(pol.outside_packet), "%s", PKT_OUT "\" ; }");
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, guests, 2, ports, 3, &cmds, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "svirt_outside"));
	assert_null(cmds);
}

static void denied_dom0_and_outside_become_drop_rules(void **state)
{
	struct sv_net_policy pol = { .dom0 = false, .outside = false, .outside_packet = PKT_OUT };
	char *cmds;

	(void)state;
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, guests, 2, ports, 3, &cmds,
						NULL), 0);
	assert_non_null(strstr(cmds, "input iifname @ports drop"));
	assert_non_null(strstr(cmds, "output oifname @ports drop"));
	assert_non_null(strstr(cmds, "forward iifname @ports oifname != @ports drop"));
	assert_non_null(strstr(cmds, "forward iifname != @ports oifname @ports drop"));
	free(cmds);
}

static void port_changes_touch_the_object_only_at_first_and_last(void **state)
{
	char *cmds;

	(void)state;
	assert_int_equal(sv_secmark_cmd_port_add(&guests[0], true, "vif1.0", &cmds, NULL), 0);
	assert_only_own_tables(cmds);
	assert_non_null(strstr(cmds, "add secmark bridge svirt svirt_c1_c2"));
	free(cmds);
	assert_int_equal(sv_secmark_cmd_port_add(&guests[0], false, "vif1.1", &cmds, NULL), 0);
	assert_null(strstr(cmds, "secmark bridge"));
	assert_non_null(strstr(cmds, "add element bridge svirt ports { \"vif1.1\" }"));
	free(cmds);
	assert_int_equal(sv_secmark_cmd_port_del(&guests[0], false, "vif1.1", &cmds, NULL), 0);
	assert_null(strstr(cmds, "delete secmark"));
	free(cmds);
	assert_int_equal(sv_secmark_cmd_port_del(&guests[0], true, "vif1.0", &cmds, NULL), 0);
	assert_only_own_tables(cmds);
	assert_non_null(strstr(cmds, "delete secmark bridge svirt svirt_c1_c2\n"));
	free(cmds);
}

static void injected_names_and_labels_are_refused(void **state)
{
	struct sv_net_policy pol = { .dom0 = true, .outside = true, .outside_packet = PKT_OUT };
	struct sv_secmark_guest bad_obj = { "svirt_c1_c2; flush ruleset", PKT_A };
	struct sv_secmark_guest bad_ctx = { "svirt_c1_c2", PKT_A "\" ; }" };
	struct sv_secmark_port bad_port = { "vif1\" }", 0 };
	struct sv_error err;
	char *cmds = NULL;

	(void)state;
	assert_int_equal(sv_secmark_cmd_port_add(&guests[0], true, "x\"; flush ruleset",
						 &cmds, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "port name"));
	assert_int_equal(sv_secmark_cmd_port_add(&bad_obj, true, "vif1.0", &cmds, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "object name"));
	assert_int_equal(sv_secmark_cmd_port_add(&bad_ctx, true, "vif1.0", &cmds, &err),
			 -EINVAL);
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, guests, 2, &bad_port, 1, &cmds,
						&err), -EINVAL);
	bad_port = (struct sv_secmark_port){ "vif9.0", 2 };
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, guests, 2, &bad_port, 1, &cmds,
						&err), -EINVAL);
	assert_null(cmds);
}

/* The kernel takes the tables, chains and rules (secmark objects need an
 * SELinux kernel: the emulated host checks those). */
static void kernel_takes_the_tables_in_a_private_namespace(void **state)
{
	/* No guest and no outside label: no secmark object. */
	struct sv_net_policy pol = { .dom0 = false, .outside = false };
	struct sv_secmark *s;
	struct sv_error err;
	char *cmds;

	(void)state;
	if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0)
		skip_because("needs root to make a network namespace");
	assert_int_equal(sv_secmark_open(&s, &err), 0);
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, NULL, 0, NULL, 0, &cmds, &err), 0);
	if (sv_secmark_run(s, cmds, &err) != 0 && strstr(err.msg, "Operation not supported")) {
		free(cmds);
		sv_secmark_close(s);
		skip_because("the kernel does not take the tables: %s", err.msg);
	}
	/* Twice: the rebuild replaces what is there. */
	assert_int_equal(sv_secmark_run(s, cmds, &err), 0);
	free(cmds);
	assert_int_equal(sv_secmark_run(s, "add element bridge svirt ports { \"vif1.0\" }", &err), 0);
	/* A broken command is refused whole, with nft's reason. */
	assert_int_equal(sv_secmark_run(s, "add element bridge svirt ports { \"vif2.0\" }\n"
				     "add element bridge svirt nosuchset { \"vif2.0\" }", &err), -EIO);
	assert_non_null(strstr(err.msg, "nft: "));
	assert_int_equal(sv_secmark_cmd_flush(&cmds, &err), 0);
	assert_int_equal(sv_secmark_run(s, cmds, &err), 0);
	free(cmds);
	sv_secmark_close(s);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void non_ip_between_guests_of_different_pairs_is_dropped(void **state)
{
	struct sv_net_policy pol = { .dom0 = true, .outside = true, .outside_packet = PKT_OUT };
	char *cmds;

	(void)state;
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, guests, 2, ports, 3, &cmds,
						NULL), 0);
	assert_non_null(strstr(cmds, "add rule bridge svirt forward iifname @ports "
			       "oifname @ports iifname . oifname != @same_pair "
			       "ether type != { ip, ip6 } drop\n"));
	/* Before the rules that only label. */
	assert_true(strstr(cmds, "ether type") < strstr(cmds, "meta secmark set oifname"));
	/* Guest A's two ports are one pair, both ways; B's port with none. */
	assert_non_null(strstr(cmds, "same_pair { \"vif1.0\" . \"vif1.1\" }"));
	assert_non_null(strstr(cmds, "same_pair { \"vif1.1\" . \"vif1.0\" }"));
	assert_int_equal(count(cmds, "add element bridge svirt same_pair"), 2);
	assert_null(strstr(cmds, "\"vif2.0\" . "));
	free(cmds);
}

static void every_port_starts_unlabelled_and_unlabelled_ports_are_dropped(void **state)
{
	struct sv_net_policy pol = { .dom0 = true, .outside = true, .outside_packet = PKT_OUT };
	char *cmds;

	(void)state;
	assert_int_equal(sv_secmark_cmd_rebuild(&pol, guests, 2, ports, 3, &cmds,
						NULL), 0);
	assert_non_null(strstr(cmds, "add rule bridge svirt forward iifname @unlabelled drop\n"));
	assert_non_null(strstr(cmds, "add rule bridge svirt input iifname @unlabelled drop\n"));
	assert_int_equal(count(cmds, "add element bridge svirt unlabelled"), 3);
	assert_non_null(strstr(cmds, "unlabelled { \"vif2.0\" }"));
	free(cmds);
}

static void same_pair_and_unlabelled_elements_come_and_go(void **state)
{
	const char *peers[] = { "vif1.0", "vif1.1" };
	const char *bad[] = { "vif1\" }" };
	struct sv_error err;
	char *cmds = NULL;

	(void)state;
	assert_int_equal(sv_secmark_cmd_same_pair(true, "vif1.2", peers, 2, &cmds, &err), 0);
	assert_only_own_tables(cmds);
	assert_int_equal(count(cmds, "add element bridge svirt same_pair"), 4);
	assert_non_null(strstr(cmds, "same_pair { \"vif1.2\" . \"vif1.1\" }"));
	assert_non_null(strstr(cmds, "same_pair { \"vif1.1\" . \"vif1.2\" }"));
	free(cmds);
	assert_int_equal(sv_secmark_cmd_same_pair(false, "vif1.2", peers, 1, &cmds, &err), 0);
	assert_int_equal(count(cmds, "delete element bridge svirt same_pair"), 2);
	free(cmds);
	/* A guest's only port: a harmless command, never an empty one. */
	assert_int_equal(sv_secmark_cmd_same_pair(true, "vif1.2", NULL, 0, &cmds, &err), 0);
	assert_only_own_tables(cmds);
	free(cmds);
	assert_int_equal(sv_secmark_cmd_unlabelled(true, peers, 2, &cmds, &err), 0);
	assert_only_own_tables(cmds);
	assert_string_equal(cmds, "add element bridge svirt unlabelled { \"vif1.0\" }\n"
			    "add element bridge svirt unlabelled { \"vif1.1\" }\n");
	free(cmds);
	assert_int_equal(sv_secmark_cmd_unlabelled(false, peers, 1, &cmds, &err), 0);
	assert_string_equal(cmds, "delete element bridge svirt unlabelled { \"vif1.0\" }\n");
	free(cmds);
	cmds = NULL;
	assert_int_equal(sv_secmark_cmd_unlabelled(true, bad, 1, &cmds, &err), -EINVAL);
	assert_int_equal(sv_secmark_cmd_same_pair(true, "vif1.0", bad, 1, &cmds, &err), -EINVAL);
	assert_null(cmds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(object_name_comes_from_the_pair),
		cmocka_unit_test(rebuild_maps_each_port_to_its_guest_object),
		cmocka_unit_test(frames_from_a_guest_for_the_outside_get_the_outside_label),
		cmocka_unit_test(denied_dom0_and_outside_become_drop_rules),
		cmocka_unit_test(port_changes_touch_the_object_only_at_first_and_last),
		cmocka_unit_test(injected_names_and_labels_are_refused),
		cmocka_unit_test(kernel_takes_the_tables_in_a_private_namespace),
		cmocka_unit_test(non_ip_between_guests_of_different_pairs_is_dropped),
		cmocka_unit_test(every_port_starts_unlabelled_and_unlabelled_ports_are_dropped),
		cmocka_unit_test(same_pair_and_unlabelled_elements_come_and_go),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
