/* test_xl_show.c: svirt-xl show: which guest a name, uuid or domid means; the
 * dom0 processes serving a domain, found in the real /proc and in hostile
 * process trees; each label judged against the guest's pair; nft's listing
 * of a port's map element; the text and JSON. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "secmark.h"
#include "xl_show.h"

#define U1 "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
#define U2 "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
#define U3 "6ba7b811-9dad-11d1-80b4-00c04fd430c8"
#define IMG "system_u:object_r:svirt_xen_image_t:s0:c3,c700"
#define PROC "system_u:system_r:svirt_xen_t:s0:c3,c700"
#define PEER "system_u:object_r:svirt_xen_peer_t:s0:c3,c700"

static void entry(struct sv_xl_domain *d, unsigned a, unsigned b,
		  enum sv_dom_state st)
{
	struct sv_control_entry *e = &d->entry;

	d->has_entry = true;
	e->domid = d->domid;
	strcpy(e->uuid, d->uuid);
	e->pair.a = a;
	e->pair.b = b;
	e->state = st;
	snprintf(e->process_label, sizeof(e->process_label),
		 "system_u:system_r:svirt_xen_t:s0:c%u,c%u", a, b);
	snprintf(e->image_label, sizeof(e->image_label),
		 "system_u:object_r:svirt_xen_image_t:s0:c%u,c%u", a, b);
}

static struct sv_xl_domain *dom(struct sv_xl_report *r, int domid,
				const char *name, const char *uuid)
{
	struct sv_xl_domain *d = sv_xl_report_add(r);

	assert_non_null(d);
	d->domid = domid;
	d->name = name ? strdup(name) : NULL;
	strcpy(d->uuid, uuid);
	d->run_state = domid >= 0 ? "running" : NULL;
	return d;
}

/* dom0, web (3), two domains both named "twin" (libxl would not, a hostile
 * or racing toolstack might), and a reservation. */
static void build(struct sv_xl_report *r)
{
	dom(r, 0, "Domain-0", "00000000-0000-0000-0000-000000000000");
	entry(dom(r, 3, "web", U1), 3, 700, SV_STATE_LABELLED);
	dom(r, 7, "twin", U2);
	dom(r, 8, "twin", "6ba7b812-9dad-11d1-80b4-00c04fd430c8");
	entry(dom(r, -1, NULL, U3), 5, 6, SV_STATE_RESERVED);
}

static void find_takes_a_domid_a_uuid_or_a_name(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	struct sv_error err = { .msg = "" };
	const struct sv_xl_domain *d;

	(void)state;
	build(&r);
	assert_non_null(d = sv_xl_report_find(&r, "3", &err));
	assert_int_equal(d->domid, 3);
	assert_non_null(d = sv_xl_report_find(&r, "web", &err));
	assert_int_equal(d->domid, 3);
	/* A uuid in capitals is the same uuid. */
	assert_non_null(d = sv_xl_report_find(&r, "1B4E28BA-2FA1-11D2-883F-0016D3CCA427",
					      &err));
	assert_int_equal(d->domid, 3);
	/* A reservation has no name or domid, only its uuid. */
	assert_non_null(d = sv_xl_report_find(&r, U3, &err));
	assert_int_equal(d->domid, -1);
	assert_non_null(d = sv_xl_report_find(&r, "0", &err));
	assert_string_equal(d->name, "Domain-0");
	sv_xl_report_clear(&r);
}

static void find_names_what_it_could_not_find(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	struct sv_error err = { .msg = "" };

	(void)state;
	build(&r);
	assert_null(sv_xl_report_find(&r, "twin", &err));
	assert_string_equal(err.msg, "2 domains are named \"twin\": name it by domid or uuid");
	assert_null(sv_xl_report_find(&r, "12", &err));
	assert_string_equal(err.msg, "no domain 12");
	assert_null(sv_xl_report_find(&r, "6ba7b810-9dad-11d1-80b4-00c04fd430c9", &err));
	assert_string_equal(err.msg, "no domain or reservation has uuid "
			    "6ba7b810-9dad-11d1-80b4-00c04fd430c9");
	/* Not a domid (too big), so a name; control bytes are not printed. */
	assert_null(sv_xl_report_find(&r, "99999999", &err));
	assert_string_equal(err.msg, "no domain is named \"99999999\"");
	assert_null(sv_xl_report_find(&r, "we\x1b[2Jb", &err));
	assert_null(strchr(err.msg, '\x1b'));
	assert_null(sv_xl_report_find(&r, "", &err));
	sv_xl_report_clear(&r);
}

static void cmdline_serves_only_its_own_domid(void **state)
{
#define ARGV(s) s, sizeof(s) - 1
	static const char qemu[] = "/usr/bin/qemu-system-i386\0-xen-domid\0" "3\0-nodefaults";

	(void)state;
	assert_true(sv_xl_cmdline_serves(qemu, sizeof(qemu), 3));
	assert_false(sv_xl_cmdline_serves(qemu, sizeof(qemu), 30));
	assert_false(sv_xl_cmdline_serves(qemu, sizeof(qemu), 1));
	/* Two dashes, and the last argument without a NUL. */
	assert_true(sv_xl_cmdline_serves(ARGV("svirt-interpose\0--xen-domid\0" "12"), 12));
	assert_false(sv_xl_cmdline_serves(ARGV("svirt-interpose\0--xen-domid\0" "1"), 12));
	assert_false(sv_xl_cmdline_serves(ARGV("svirt-interpose\0--domid\0" "12"), 12));
	/* Neither "3" alone, nor a domid glued to the option, nor one with
	 * a leading zero or a sign, nor the option at the end or an empty
	 * argument between. */
	assert_false(sv_xl_cmdline_serves(ARGV("x\0" "3"), 3));
	assert_false(sv_xl_cmdline_serves(ARGV("x\0-xen-domid=3"), 3));
	assert_false(sv_xl_cmdline_serves(ARGV("x\0-xen-domid\0" "03"), 3));
	assert_false(sv_xl_cmdline_serves(ARGV("x\0-xen-domid\0" "+3"), 3));
	assert_false(sv_xl_cmdline_serves(ARGV("x\0-xen-domid"), 3));
	assert_false(sv_xl_cmdline_serves(ARGV("x\0-xen-domid\0\0" "3"), 3));
	assert_false(sv_xl_cmdline_serves("", 0, 3));
#undef ARGV
}

/* A real process in this test's /proc, its argv as qemu's would be for domid. */
static pid_t spawn(int domid, int *hold)
{
	char id[16];
	int fds[2];
	pid_t pid;

	snprintf(id, sizeof(id), "%d", domid);
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[1]);
		/* sh reads until the test closes the pipe. */
		execl("/bin/sh", "/bin/sh", "-c", "read x", "-xen-domid", id, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	*hold = fds[1];
	return pid;
}

static void reap(pid_t pid, int hold)
{
	int status;

	close(hold);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

static bool cmdline_ready(pid_t pid)
{
	char path[64], buf[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 && memmem(buf, (size_t)n, "-xen-domid", 10);
}

static void scan_finds_the_processes_serving_the_domain(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	struct sv_xl_show s = { .d = NULL };
	int hold1, hold2;
	pid_t mine, other;

	(void)state;
	build(&r);
	s.d = &r.doms[1];	/* web, domain 3 */
	mine = spawn(3, &hold1);
	other = spawn(33, &hold2);
	for (int i = 0; i < 2000 && !(cmdline_ready(mine) && cmdline_ready(other)); i++)
		usleep(1000);
	assert_int_equal(sv_xl_show_scan_dms(&s, "/proc"), 0);
	assert_int_equal(s.ndms, 1);
	assert_int_equal(s.dms[0].pid, mine);
	assert_string_equal(s.dms[0].comm, "sh");
	reap(mine, hold1);
	reap(other, hold2);
	assert_int_equal(sv_xl_show_scan_dms(&s, "/proc"), 0);
	assert_int_equal(s.ndms, 0);
	assert_int_equal(sv_xl_show_scan_dms(&s, "/nonexistent-proc"), -ENOENT);
	assert_non_null(strstr(s.dms_error, "cannot read /nonexistent-proc"));
	sv_xl_show_clear(&s);
	sv_xl_report_clear(&r);
}

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A process tree made by hand: what no live /proc shows on demand. */
static void scan_survives_a_hostile_process_tree(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	struct sv_xl_show s = { .d = NULL };
	char top[] = "/tmp/test_xl_show-XXXXXX", dir[600], name[640];
	static const char argv[] = "/usr/lib/xen/bin/qemu-\x1b]0;x\x07\0-xen-domid\0003";

	(void)state;
	build(&r);
	s.d = &r.doms[1];
	assert_non_null(mkdtemp(top));
	/* 20 processes for domain 3 (16 listed), one not a pid, one whose
	 * attr is missing, one empty cmdline. */
	for (int i = 100; i < 120; i++) {
		snprintf(dir, sizeof(dir), "%s/%d", top, i);
		assert_int_equal(mkdir(dir, 0700), 0);
		put(dir, "cmdline", argv, sizeof(argv));
		if (i == 101)
			continue;
		snprintf(name, sizeof(name), "%s/attr", dir);
		assert_int_equal(mkdir(name, 0700), 0);
		put(dir, "attr/current", i == 102 ? "system_u:system_r:svirt_xen_t:s0:c1,c2" :
		    PROC "\n", i == 102 ? 38 : strlen(PROC) + 1);
	}
	snprintf(dir, sizeof(dir), "%s/self", top);
	assert_int_equal(mkdir(dir, 0700), 0);
	put(dir, "cmdline", argv, sizeof(argv));
	snprintf(dir, sizeof(dir), "%s/200", top);
	assert_int_equal(mkdir(dir, 0700), 0);
	put(dir, "cmdline", "", 0);
	assert_int_equal(sv_xl_show_scan_dms(&s, top), 0);
	assert_int_equal(s.ndms, SV_XL_SHOW_DMS_MAX);
	assert_true(s.dms_truncated);
	assert_null(strchr(s.dms[0].comm, '\x1b'));
	assert_null(strchr(s.dms[0].comm, '\x07'));
	/* Whichever 16 readdir gave, each label is as the tree says. */
	for (size_t i = 0; i < s.ndms; i++) {
		if (s.dms[i].pid == 101)
			assert_string_equal(s.dms[i].label, "");
		else if (s.dms[i].pid == 102)
			assert_string_equal(s.dms[i].label,
					    "system_u:system_r:svirt_xen_t:s0:c1,c2");
		else
			assert_string_equal(s.dms[i].label, PROC);
		assert_true(i == 0 || s.dms[i - 1].pid < s.dms[i].pid);
	}
	assert_int_equal(nftw(top, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	sv_xl_show_clear(&s);
	sv_xl_report_clear(&r);
}

static int reader(void *arg, const char *path, char *buf, size_t size)
{
	(void)arg;
	if (strcmp(path, "/img/gone.img") == 0)
		return -ENOENT;
	snprintf(buf, size, "%s", strcmp(path, "/img/web.img") == 0 ? IMG :
		 "system_u:object_r:svirt_xen_image_t:s0:c1,c2");
	return 0;
}

static char *print(void (*fn)(FILE *, const struct sv_xl_show *),
		   const struct sv_xl_show *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* web with everything as svirtd left it. */
static void healthy(struct sv_xl_report *r, struct sv_xl_show *s)
{
	struct sv_xl_domain *d;
	struct sv_xl_port *p;

	build(r);
	d = &r->doms[1];
	strcpy(d->record.uuid, U1);
	assert_int_equal(sv_record_add_object(&d->record, "/img/web.img",
					      "system_u:object_r:xen_image_t:s0", IMG), 0);
	s->d = d;
	assert_int_equal(sv_xl_show_labels(s, reader, NULL), 0);
	assert_non_null(p = sv_xl_show_add_port(s, "vif3.0"));
	p->present = true;
	p->nnlbl = 2;
	strcpy(p->nlbl[0], "0.0.0.0/0 " PEER);
	strcpy(p->nlbl[1], "::/0 " PEER);
	strcpy(p->map_obj, "svirt_c3_c700");
	assert_non_null(p = sv_xl_show_add_port(s, "vif3.0-emu"));
	p->present = false;	/* not yet made: nothing to judge */
	s->ndms = 1;
	s->dms[0].pid = 4242;
	strcpy(s->dms[0].comm, "qemu-system-i386");
	strcpy(s->dms[0].label, PROC);
}

static void a_guest_as_svirtd_left_it_has_no_problem(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	struct sv_xl_show s = { .d = NULL };
	struct sv_xl_domain *d;
	char *text, *json;

	(void)state;
	healthy(&r, &s);
	assert_int_equal(sv_xl_show_problems(&s), 0);
	text = print(sv_xl_show_text, &s);
	assert_non_null(strstr(text, "name          web\n"));
	assert_non_null(strstr(text, "domid         3\n"));
	assert_non_null(strstr(text, "svirt state   labelled\n"));
	assert_non_null(strstr(text, "pair          c3,c700\n"));
	assert_non_null(strstr(text, "flask label   - (Xen runs without Flask)\n"));
	assert_non_null(strstr(text, "  /img/web.img\n    expected  " IMG "\n"
				     "    carries   " IMG "\n"));
	assert_non_null(strstr(text, "  vif3.0\n    netlabel  0.0.0.0/0 " PEER "\n"
				     "    netlabel  ::/0 " PEER "\n"
				     "    port map  svirt_c3_c700\n"));
	assert_non_null(strstr(text, "  vif3.0-emu   (no such interface in dom0 yet)\n"));
	assert_non_null(strstr(text, "  pid 4242 qemu-system-i386  " PROC "\n"));
	assert_null(strstr(text, "<-"));
	assert_null(strstr(text, "stub domain"));
	assert_null(strstr(text, "outside dom0"));
	json = print(sv_xl_show_json, &s);
	assert_non_null(strstr(json, "{\"domid\": 3, \"name\": \"web\", \"uuid\": \"" U1 "\", "));
	assert_non_null(strstr(json, "\"objects\": [{\"path\": \"/img/web.img\", \"expected\": \""
				     IMG "\", \"current\": \"" IMG "\", \"error\": null, "
				     "\"original\": \"system_u:object_r:xen_image_t:s0\", \"ok\": true}]"));
	assert_non_null(strstr(json, "{\"name\": \"vif3.0\", \"present\": true, \"error\": null, "
				     "\"netlabel\": [\"0.0.0.0/0 " PEER "\", \"::/0 " PEER "\"], "
				     "\"map\": \"svirt_c3_c700\", \"blocked\": false, \"ok\": true}"));
	assert_non_null(strstr(json, "\"device_models\": [{\"pid\": 4242, \"name\": "
				     "\"qemu-system-i386\", \"label\": \"" PROC "\", \"ok\": true}]"));
	assert_non_null(strstr(json, "\"flask_label\": null, \"reason\": null, \"stub_domain_of\": null, "
				     "\"objects_error\": null, \"outside_backends\": null, \"flask\": false, "));
	assert_non_null(strstr(json, "\"problems\": 0}\n"));
	free(text);
	free(json);
	/* A stub domain, and a vif a driver domain serves: said, not judged. */
	d = (struct sv_xl_domain *)s.d;
	d->entry.target = 9;
	d->outside = strdup("vif 1 by dom 4\n");
	text = print(sv_xl_show_text, &s);
	assert_non_null(strstr(text, "stub domain   of domain 9, whose pair and objects it shares\n"));
	assert_non_null(strstr(text, "outside dom0  vif 1 by dom 4\\x0a (not labelled by svirt-xen)\n"));
	json = print(sv_xl_show_json, &s);
	assert_non_null(strstr(json, "\"stub_domain_of\": 9, \"objects_error\": null, "
				     "\"outside_backends\": \"vif 1 by dom 4\\u000a\", "));
	assert_int_equal(sv_xl_show_problems(&s), 0);
	free(text);
	free(json);
	sv_xl_show_clear(&s);
	sv_xl_report_clear(&r);
}

/* Each way a guest can be less isolated than svirtd says is one problem. */
static void each_drift_is_a_problem(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	struct sv_xl_show s = { .d = NULL };
	struct sv_xl_domain *d;
	char *text;

	(void)state;
	healthy(&r, &s);
	d = (struct sv_xl_domain *)s.d;
	/* Another guest's label on the disk, a disk gone. */
	assert_int_equal(sv_record_add_object(&d->record, "/img/other.img", "", IMG), 0);
	assert_int_equal(sv_record_add_object(&d->record, "/img/gone.img", "", IMG), 0);
	free(s.current);
	free(s.current_err);
	assert_int_equal(sv_xl_show_labels(&s, reader, NULL), 0);
	assert_int_equal(sv_xl_show_problems(&s), 2);
	/* A NetLabel entry at another pair. */
	strcpy(s.ports[0].nlbl[1], "::/0 system_u:object_r:svirt_xen_peer_t:s0:c3,c7");
	assert_int_equal(sv_xl_show_problems(&s), 3);
	/* The port mapped to another guest's object, and blocked. */
	strcpy(s.ports[0].map_obj, "svirt_c1_c2");
	assert_int_equal(sv_xl_show_problems(&s), 3);	/* same port */
	s.ports[0].nnlbl = 0;
	assert_int_equal(sv_xl_show_problems(&s), 3);
	/* A qemu at another pair, and one whose label could not be read. */
	s.ndms = 2;
	strcpy(s.dms[0].label, "system_u:system_r:svirt_xen_t:s0:c1,c2");
	s.dms[1].pid = 4243;
	s.dms[1].label[0] = '\0';
	assert_int_equal(sv_xl_show_problems(&s), 5);
	text = print(sv_xl_show_text, &s);
	assert_non_null(strstr(text, "    carries   system_u:object_r:svirt_xen_image_t:s0:c1,c2"
				     "   <- not svirtd's label\n"));
	assert_non_null(strstr(text, "    carries   (cannot read: No such file or directory)\n"));
	assert_non_null(strstr(text, "    netlabel  none   <- its traffic carries no guest's label\n"));
	assert_non_null(strstr(text, "    port map  svirt_c1_c2\n"));
	assert_non_null(strstr(text, "    problem   not labelled at the guest's pair\n"));
	assert_non_null(strstr(text, "svirt_xen_t:s0:c1,c2   <- not at the guest's pair\n"));
	assert_non_null(strstr(text, "  pid 4243   (label unreadable)   <- not at the guest's pair\n"));
	free(text);
	/* A guest svirtd refused: its error is a problem, and nothing of it
	 * is at "its" pair. */
	d->entry.state = SV_STATE_ERROR;
	strcpy(d->entry.reason, "refusing /etc/shadow\n");
	text = print(sv_xl_show_text, &s);
	assert_non_null(strstr(text, "svirt state   error: refusing /etc/shadow\\x0a\n"));
	assert_true(sv_xl_show_problems(&s) > 5);
	free(text);
	sv_xl_show_clear(&s);
	sv_xl_report_clear(&r);
}

static void a_domain_svirtd_does_not_know_is_a_problem(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	struct sv_xl_show s = { .d = NULL };
	char *text, *json;

	(void)state;
	build(&r);
	s.d = &r.doms[2];	/* twin, 7: libxl lists it, svirtd does not */
	assert_int_equal(sv_xl_show_problems(&s), 1);
	text = print(sv_xl_show_text, &s);
	assert_non_null(strstr(text, "svirt state   - (svirtd does not know this domain)\n"));
	json = print(sv_xl_show_json, &s);
	assert_non_null(strstr(json, "\"svirt_state\": null, \"pair\": null"));
	free(text);
	free(json);
	sv_xl_report_clear(&r);
}

static void nft_element_listing_is_read_strictly(void **state)
{
	static const char listing[] =
		"table bridge svirt {\n\tmap port_secmark {\n\t\ttype ifname : secmark\n"
		"\t\telements = { \"vif3.0\" : \"svirt_c3_c700\" }\n\t}\n}\n";
	char obj[SV_SECMARK_OBJ_MAX];

	(void)state;
	assert_int_equal(sv_secmark_parse_element(listing, "vif3.0", obj, sizeof(obj)), 0);
	assert_string_equal(obj, "svirt_c3_c700");
	/* "vif3.0" inside a longer name is not it. */
	assert_int_equal(sv_secmark_parse_element(listing, "if3.0", obj, sizeof(obj)), -ENOENT);
	assert_int_equal(sv_secmark_parse_element(listing, "vif3", obj, sizeof(obj)), -ENOENT);
	assert_int_equal(sv_secmark_parse_element(listing, "", obj, sizeof(obj)), -ENOENT);
	assert_int_equal(sv_secmark_parse_element("{ \"vif3.0\" : \"outside\" }", "vif3.0",
						  obj, sizeof(obj)), -EINVAL);
	assert_int_equal(sv_secmark_parse_element("{ \"vif3.0\" }", "vif3.0", obj,
						  sizeof(obj)), -EINVAL);
	assert_int_equal(sv_secmark_parse_element("{ \"vif3.0\" : \"svirt_c3_c700\" }", "vif3.0",
						  obj, 8), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find_takes_a_domid_a_uuid_or_a_name),
		cmocka_unit_test(find_names_what_it_could_not_find),
		cmocka_unit_test(cmdline_serves_only_its_own_domid),
		cmocka_unit_test(scan_finds_the_processes_serving_the_domain),
		cmocka_unit_test(scan_survives_a_hostile_process_tree),
		cmocka_unit_test(a_guest_as_svirtd_left_it_has_no_problem),
		cmocka_unit_test(each_drift_is_a_problem),
		cmocka_unit_test(a_domain_svirtd_does_not_know_is_a_problem),
		cmocka_unit_test(nft_element_listing_is_read_strictly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
