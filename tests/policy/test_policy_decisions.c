/* test_policy_decisions.c: access decisions of a compiled policy, computed with libsepol: one cmocka
 * test per line of a decisions table. Built for the dom0 policy and, with -D, the Flask policy. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sepol/policydb/services.h>
#include <sepol/sepol.h>

/* The dom0 policy unless the build names another (flask/flask.mk does). */
#ifndef DEFAULT_POLICY
#define DEFAULT_POLICY "build/policy/policy.bin"
#endif
#ifndef DEFAULT_TABLE
#define DEFAULT_TABLE "tests/policy/decisions.txt"
#endif
#ifndef DECISIONS_GROUP
#define DECISIONS_GROUP "policy_decisions"
#endif
/* Fewer rows than this means the table was truncated or not found. */
#ifndef MIN_DECISIONS
#define MIN_DECISIONS 40
#endif

enum verdict {
	V_ALLOW,
	V_DENY,		/* refused, whatever refuses it */
	V_DENY_MCS,	/* type enforcement allows it, a constraint refuses it */
};

struct decision {
	enum verdict want;
	char scon[256], tcon[256], cls[64], perm[64];
	const char *table;	/* file and line, for messages */
	int line;
	char name[1024];
	const char *parse_error;	/* reported by the test, not at load time */
	/* A policy that did not load fails every test, rather than the program
	 * dying without the summary tests/run-tests counts. */
	int policy_loaded;
	const char *policy;
};

static int parse_verdict(const char *word, enum verdict *v)
{
	if (strcmp(word, "ALLOW") == 0)
		*v = V_ALLOW;
	else if (strcmp(word, "DENY") == 0)
		*v = V_DENY;
	else if (strcmp(word, "DENY-MCS") == 0)
		*v = V_DENY_MCS;
	else
		return -EINVAL;
	return 0;
}

/* "VERDICT scontext tcontext class perm  # why"; the name keeps the why so
 * a failure reads as the behaviour that broke. Returns 1 for a row, 0 for
 * a blank or comment line. */
static int parse_line(char *text, const char *table, int line, struct decision *d)
{
	char word[16];
	char *why, *nl;
	int n;

	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	why = strchr(text, '#');
	if (why)
		*why++ = '\0';
	memset(d, 0, sizeof(*d));
	d->table = table;
	d->line = line;
	n = sscanf(text, "%15s %255s %255s %63s %63s", word, d->scon, d->tcon, d->cls, d->perm);
	if (n <= 0)
		return 0;
	if (n != 5)
		d->parse_error = "expected: VERDICT scontext tcontext class perm";
	else if (parse_verdict(word, &d->want) < 0)
		d->parse_error = "verdict is not ALLOW, DENY or DENY-MCS";
	while (why && (*why == ' ' || *why == '\t'))
		why++;
	snprintf(d->name, sizeof(d->name), "%s %s -> %s %s { %s }%s%s", word,
		 d->scon, d->tcon, d->cls, d->perm, why && *why ? "  # " : "", why ? why : "");
	return 1;
}

static int load_table(const char *path, struct decision **out, size_t *count)
{
	struct decision *rows = NULL, *grown;
	size_t n = 0, cap = 0;
	char text[1024];
	int line = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(text, sizeof(text), f)) {
		struct decision d;

		if (!parse_line(text, path, ++line, &d))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(rows, cap * sizeof(*rows));
			if (!grown) {
				free(rows);
				fclose(f);
				return -ENOMEM;
			}
			rows = grown;
		}
		rows[n++] = d;
	}
	fclose(f);
	*out = rows;
	*count = n;
	return 0;
}

static int load_policy(const char *path)
{
	FILE *f;
	int r;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	r = sepol_set_policydb_from_file(f);
	fclose(f);
	return r < 0 ? -EINVAL : 0;
}

static void test_decision(void **state)
{
	const struct decision *d = *state;
	sepol_security_id_t ssid, tsid;
	sepol_security_class_t cls;
	sepol_access_vector_t av;
	struct sepol_av_decision avd;
	unsigned int reason = 0;
	char *why = NULL;
	int granted;

	if (d->parse_error)
		fail_msg("%s:%d: %s", d->table, d->line, d->parse_error);
	if (!d->policy_loaded)
		fail_msg("no policy loaded from %s", d->policy);
	/* A typo must fail, never pass as a denial. */
	if (sepol_context_to_sid(d->scon, strlen(d->scon) + 1, &ssid) < 0)
		fail_msg("%s:%d: invalid context %s", d->table, d->line, d->scon);
	if (sepol_context_to_sid(d->tcon, strlen(d->tcon) + 1, &tsid) < 0)
		fail_msg("%s:%d: invalid context %s", d->table, d->line, d->tcon);
	if (sepol_string_to_security_class(d->cls, &cls) < 0)
		fail_msg("%s:%d: unknown class %s", d->table, d->line, d->cls);
	if (sepol_string_to_av_perm(cls, d->perm, &av) < 0)
		fail_msg("%s:%d: unknown permission %s { %s }", d->table, d->line, d->cls, d->perm);

	if (sepol_compute_av_reason_buffer(ssid, tsid, cls, av, &avd, &reason, &why, 0) < 0)
		fail_msg("%s:%d: libsepol could not compute the decision", d->table, d->line);
	granted = (avd.allowed & av) == av;
	print_message("  %s (policy: %s%s%s%s)\n", d->name, granted ? "allowed" : "denied",
		      reason & SEPOL_COMPUTEAV_TE ? ", no TE rule" : "",
		      reason & SEPOL_COMPUTEAV_CONS ? ", constraint" : "",
		      reason & SEPOL_COMPUTEAV_RBAC ? ", role" : "");
	if (why && !granted && d->want != V_DENY)
		print_message("%s", why);
	free(why);

	switch (d->want) {
	case V_ALLOW:
		if (!granted)
			fail_msg("%s:%d: expected ALLOW, denied (reason 0x%x)", d->table, d->line, reason);
		break;
	case V_DENY:
		if (granted)
			fail_msg("%s:%d: expected DENY, allowed", d->table, d->line);
		break;
	case V_DENY_MCS:
		if (granted || reason != SEPOL_COMPUTEAV_CONS)
			fail_msg("%s:%d: expected a constraint alone to deny, got %s (reason 0x%x)",
				 d->table, d->line, granted ? "allowed" : "denied", reason);
		break;
	}
}

int main(int argc, char **argv)
{
	const char *policy = argc > 1 ? argv[1] : DEFAULT_POLICY;
	const char *table = argc > 2 ? argv[2] : DEFAULT_TABLE;
	struct decision *rows = NULL;
	struct CMUnitTest *tests;
	size_t n = 0, i;
	int r;

	r = load_table(table, &rows, &n);
	if (r < 0) {
		fprintf(stderr, "test_policy_decisions: %s: %s\n", table, strerror(-r));
		return 1;
	}
	if (n < MIN_DECISIONS) {
		fprintf(stderr, "test_policy_decisions: %s: %zu decisions, want at least %d\n", table, n,
			MIN_DECISIONS);
		free(rows);
		return 1;
	}
	r = load_policy(policy);
	if (r < 0)
		fprintf(stderr, "test_policy_decisions: %s: cannot load (%s)\n", policy, strerror(-r));

	tests = calloc(n, sizeof(*tests));
	if (!tests) {
		free(rows);
		return 1;
	}
	for (i = 0; i < n; i++) {
		rows[i].policy_loaded = r == 0;
		rows[i].policy = policy;
		tests[i].name = rows[i].name;
		tests[i].test_func = test_decision;
		tests[i].initial_state = &rows[i];
	}
	r = _cmocka_run_group_tests(DECISIONS_GROUP, tests, n, NULL, NULL);
	free(tests);
	free(rows);
	return r;
}
