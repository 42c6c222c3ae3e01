/* test_domain_load.c: svirtd's restart reading its records back (sv_domains_load): a
 * record that cannot be taken as it stands stays out of the table, its reason logged. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain_fixture.h"
#include "tmpfs.h"

/* restart(), with what svirtd logs meanwhile at LOG_ERR and above in buf. */
static void restart_logged(struct env *e, char *buf, size_t size)
{
	struct sv_log saved = e->log;
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/load%d.log", e->top, e->n);
	assert_true((fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
			       0600)) >= 0);
	e->log.fd = fd;
	e->log.level = LOG_ERR;
	restart(e);
	e->log = saved;
	assert_true((n = pread(fd, buf, size - 1, 0)) >= 0);
	buf[n] = '\0';
	close(fd);
}

/* Two records naming one pair (a store restored from a backup, a record
 * copied by hand): two guests must never share a category pair, so only
 * one of them gets it back. */
static void pair_held_by_two_records_is_given_back_to_one_only(void **state)
{
	struct env *e = need_env(state);
	struct sv_pair pair = { 3, 9 };
	struct sv_record rec = { 0 };
	struct sv_domain *r;
	char log[4096];
	bool one, two;

	assert_int_equal(sv_domains_reserve(&e->t, UUID1, &pair, &r, NULL), 0);
	assert_int_equal(sv_store_read(e->store, UUID1, &rec, NULL), 0);
	memcpy(rec.uuid, UUID2, SV_UUID_BUF);
	assert_int_equal(sv_store_write(e->store, &rec, NULL), 0);
	sv_record_clear(&rec);
	restart_logged(e, log, sizeof(log));
	one = sv_domains_by_uuid(&e->t, UUID1) != NULL;
	two = sv_domains_by_uuid(&e->t, UUID2) != NULL;
	if (one == two)
		fail_msg("%s of the two records holding c3,c9 loaded; log: \"%s\"",
			 one ? "both" : "neither", log);
	assert_int_equal(sv_mcs_used(e->mcs), 1);
	assert_true(sv_mcs_taken(e->mcs, pair));
	if (!strstr(log, "pair c3,c9 held twice"))
		fail_msg("no refusal logged, only: \"%s\"", log);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(pair_held_by_two_records_is_given_back_to_one_only),
#undef T
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
