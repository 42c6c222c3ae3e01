/* test_policy_decisions.c: access decisions of a compiled policy, computed with libsepol: one cmocka
 * test per line of a decisions table. Built for the dom0 policy and, with -D, the Flask policy.
 * `BOOL name=0|1` lines set a boolean for the rows after them in their block (decisions.txt).
 *
 * Linked with the static libsepol: CONSTRAINED rows read the policy's constraints and type
 * enforcement rules directly (struct policydb), which the shared library does not export. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
/* policydb.h first: it brings the constraint, avtab and MLS types in the order they need. */
#include <sepol/policydb/policydb.h>
#include <sepol/policydb/ebitmap.h>
#include <sepol/policydb/hashtab.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>
#include <sepol/sepol.h>
#include <sepol/booleans.h>

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
	V_CONSTRAINED,	/* the constraints refuse it across levels, whatever type enforcement says */
	V_TRANSITION,	/* the type a new process (or object) of the class gets: the last field */
};

/* A boolean's value for the rows of one block (`BOOL name=0|1`). */
struct bool_value {
	char name[128];
	int value;
	int line;	/* of the directive, for messages */
};

#define MAX_BOOLS 8

struct decision {
	enum verdict want;
	char scon[256], tcon[256], cls[64], perm[64];
	const char *table;	/* file and line, for messages */
	int line;
	char name[1024];
	/* The booleans set for this row; every other keeps the policy's default. */
	struct bool_value bools[MAX_BOOLS];
	size_t nbools;
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
	else if (strcmp(word, "CONSTRAINED") == 0)
		*v = V_CONSTRAINED;
	else if (strcmp(word, "TRANSITION") == 0)
		*v = V_TRANSITION;
	else
		return -EINVAL;
	return 0;
}

/* "VERDICT scontext tcontext class perm  # why"; the name keeps the why so
 * a failure reads as the behaviour that broke. Returns 1 for a row, 0 for
 * a blank or comment line. */
static int parse_line(char *text, const char *table, int line, struct decision *d)
{
	char word[16], set[512] = "";
	char *why, *nl;
	size_t i;
	int n;

	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	why = strchr(text, '#');
	if (why)
		*why++ = '\0';
	d->table = table;
	d->line = line;
	n = sscanf(text, "%15s %255s %255s %63s %63s", word, d->scon, d->tcon, d->cls, d->perm);
	if (n <= 0)
		return 0;
	if (n != 5)
		d->parse_error = "expected: VERDICT scontext tcontext class perm";
	else if (parse_verdict(word, &d->want) < 0)
		d->parse_error = "verdict is not ALLOW, DENY, DENY-MCS, CONSTRAINED or TRANSITION";
	while (why && (*why == ' ' || *why == '\t'))
		why++;
	/* The booleans a row is read with are part of its name. */
	for (i = 0; i < d->nbools; i++)
		snprintf(set + strlen(set), sizeof(set) - strlen(set), "%s%s=%d%s", i ? " " : "[",
			 d->bools[i].name, d->bools[i].value, i + 1 == d->nbools ? "] " : "");
	snprintf(d->name, sizeof(d->name), "%s%s %s -> %s %s { %s }%s%s", set, word,
		 d->scon, d->tcon, d->cls, d->perm, why && *why ? "  # " : "", why ? why : "");
	return 1;
}

/* A blank line: the end of a block, and of the booleans set in it. */
static int blank(const char *text)
{
	for (; *text; text++)
		if (*text != ' ' && *text != '\t' && *text != '\n' && *text != '\r')
			return 0;
	return 1;
}

/* "BOOL name=0" or "BOOL name=1" (a comment may follow): sets the boolean for
 * the rows after it in the same block, replacing an earlier value there.
 * Returns 1 for a directive (err set when it is malformed), 0 for anything else. */
static int parse_bool(const char *text, struct bool_value *set, size_t *nset, int line,
		      const char **err)
{
	char name[128], value[8], rest[2];
	size_t i;
	int n;

	*err = NULL;
	if (strncmp(text, "BOOL", 4) != 0 || (text[4] != ' ' && text[4] != '\t'))
		return 0;
	n = sscanf(text + 4, " %127[^= \t#\n] = %7[^ \t#\n] %1[^#\n]", name, value, rest);
	if (n != 2 || (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)) {
		*err = "expected: BOOL name=0 or BOOL name=1";
		return 1;
	}
	for (i = 0; i < *nset; i++)
		if (strcmp(set[i].name, name) == 0)
			break;
	if (i == *nset) {
		if (*nset == MAX_BOOLS) {
			*err = "too many booleans set in one block";
			return 1;
		}
		(*nset)++;
	}
	snprintf(set[i].name, sizeof(set[i].name), "%s", name);
	set[i].value = value[0] == '1';
	set[i].line = line;
	return 1;
}

static int load_table(const char *path, struct decision **out, size_t *count)
{
	struct decision *rows = NULL, *grown;
	struct bool_value bools[MAX_BOOLS];
	size_t n = 0, cap = 0, nbools = 0;
	char text[1024];
	int line = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(text, sizeof(text), f)) {
		struct decision d;
		const char *err;

		line++;
		if (blank(text)) {
			nbools = 0;
			continue;
		}
		memset(&d, 0, sizeof(d));
		if (parse_bool(text, bools, &nbools, line, &err)) {
			if (!err)
				continue;
			/* A bad directive is a failing test of its own. */
			d.table = path;
			d.line = line;
			d.parse_error = err;
			snprintf(d.name, sizeof(d.name), "%s:%d: %.*s", path, line,
				 (int)strcspn(text, "\n"), text);
		} else {
			memcpy(d.bools, bools, nbools * sizeof(bools[0]));
			d.nbools = nbools;
			if (!parse_line(text, path, line, &d))
				continue;
		}
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

/* The policy, read once: libsepol's services answer ALLOW, DENY and DENY-MCS
 * rows from it, the evaluator below CONSTRAINED rows. */
static policydb_t policy_db;
static sidtab_t policy_sids;

static int load_policy(const char *path)
{
	struct policy_file pf;
	FILE *f;
	int r;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	policy_file_init(&pf);
	pf.type = PF_USE_STDIO;
	pf.fp = f;
	r = policydb_init(&policy_db);
	if (r == 0)
		r = policydb_read(&policy_db, &pf, 0);
	fclose(f);
	if (r == 0)
		r = policydb_load_isids(&policy_db, &policy_sids);
	if (r == 0)
		r = sepol_set_policydb(&policy_db);
	if (r == 0)
		r = sepol_set_sidtab(&policy_sids);
	return r < 0 ? -EINVAL : 0;
}

/* The loaded policy as libsepol's boolean calls take it: struct sepol_policydb
 * is, inside libsepol, a policydb and nothing else (policydb_internal.h). */
static sepol_policydb_t *policy_handle(void)
{
	return (sepol_policydb_t *)(void *)&policy_db;
}

/* Booleans a row has changed, with the policy's defaults, to put back before
 * the next row: each row is read with its own block's settings and nothing else. */
static struct bool_value bool_defaults[MAX_BOOLS * 4];
static size_t n_bool_defaults;

/* Queries (value < 0) or sets a boolean of the loaded policy; sepol_bool_set
 * re-evaluates the conditional rules. Returns its value before, -ENOENT for
 * a name the policy does not have, or another negative errno. */
static int policy_bool(const char *name, int value)
{
	sepol_bool_key_t *key = NULL;
	sepol_bool_t *b = NULL;
	int old, r;

	if (sepol_bool_key_create(NULL, name, &key) < 0)
		return -ENOMEM;
	r = sepol_bool_query(NULL, policy_handle(), key, &b);
	if (r < 0 || !b) {
		sepol_bool_key_free(key);
		return r < 0 ? -EINVAL : -ENOENT;
	}
	old = sepol_bool_get_value(b);
	if (value >= 0) {
		sepol_bool_set_value(b, value);
		if (sepol_bool_set(NULL, policy_handle(), key, b) < 0)
			old = -EINVAL;
	}
	sepol_bool_free(b);
	sepol_bool_key_free(key);
	return old;
}

/* Every boolean back at its default, then the row's own: 0, or fails the test. */
static void apply_bools(const struct decision *d)
{
	size_t i, j;
	int old;

	for (i = 0; i < n_bool_defaults; i++)
		if (policy_bool(bool_defaults[i].name, bool_defaults[i].value) < 0)
			fail_msg("cannot put boolean %s back to %d", bool_defaults[i].name,
				 bool_defaults[i].value);
	for (i = 0; i < d->nbools; i++) {
		const struct bool_value *b = &d->bools[i];

		for (j = 0; j < n_bool_defaults; j++)
			if (strcmp(bool_defaults[j].name, b->name) == 0)
				break;
		if (j == sizeof(bool_defaults) / sizeof(bool_defaults[0]))
			fail_msg("%s:%d: too many booleans in one table", d->table, b->line);
		old = policy_bool(b->name, b->value);
		if (old == -ENOENT)
			fail_msg("%s:%d: the policy has no boolean %s", d->table, b->line, b->name);
		if (old < 0)
			fail_msg("%s:%d: libsepol could not set boolean %s", d->table, b->line, b->name);
		if (j == n_bool_defaults) {
			bool_defaults[n_bool_defaults++] = (struct bool_value){ .value = old };
			snprintf(bool_defaults[j].name, sizeof(bool_defaults[j].name), "%s", b->name);
		}
	}
}

/* One constraint expression (postfix, as the policy stores it) for a subject
 * and target context. -1 for what MLS and type constraints never use (the
 * third context of validatetrans). */
static int cexpr_eval(const context_struct_t *s, const context_struct_t *t,
		      const constraint_expr_t *e)
{
	int stack[CEXPR_MAXDEPTH];
	int sp = -1;

	for (; e; e = e->next) {
		const mls_level_t *l1 = NULL, *l2 = NULL;
		uint32_t v1 = 0, v2 = 0;
		int r;

		switch (e->expr_type) {
		case CEXPR_NOT:
			if (sp < 0)
				return -1;
			stack[sp] = !stack[sp];
			continue;
		case CEXPR_AND:
		case CEXPR_OR:
			if (sp < 1)
				return -1;
			sp--;
			stack[sp] = e->expr_type == CEXPR_AND ? stack[sp] && stack[sp + 1]
							     : stack[sp] || stack[sp + 1];
			continue;
		case CEXPR_ATTR:
			switch (e->attr) {
			case CEXPR_USER:
				v1 = s->user, v2 = t->user;
				break;
			case CEXPR_ROLE:
				v1 = s->role, v2 = t->role;
				break;
			case CEXPR_TYPE:
				v1 = s->type, v2 = t->type;
				break;
			case CEXPR_L1L2:
				l1 = &s->range.level[0], l2 = &t->range.level[0];
				break;
			case CEXPR_L1H2:
				l1 = &s->range.level[0], l2 = &t->range.level[1];
				break;
			case CEXPR_H1L2:
				l1 = &s->range.level[1], l2 = &t->range.level[0];
				break;
			case CEXPR_H1H2:
				l1 = &s->range.level[1], l2 = &t->range.level[1];
				break;
			case CEXPR_L1H1:
				l1 = &s->range.level[0], l2 = &s->range.level[1];
				break;
			case CEXPR_L2H2:
				l1 = &t->range.level[0], l2 = &t->range.level[1];
				break;
			default:
				return -1;
			}
			if (l1) {
				switch (e->op) {
				case CEXPR_EQ:
					r = mls_level_eq(l1, l2);
					break;
				case CEXPR_NEQ:
					r = !mls_level_eq(l1, l2);
					break;
				case CEXPR_DOM:
					r = mls_level_dom(l1, l2);
					break;
				case CEXPR_DOMBY:
					r = mls_level_dom(l2, l1);
					break;
				case CEXPR_INCOMP:
					r = mls_level_incomp(l1, l2);
					break;
				default:
					return -1;
				}
			} else if (e->op == CEXPR_EQ || e->op == CEXPR_NEQ) {
				r = (v1 == v2) == (e->op == CEXPR_EQ);
			} else {
				return -1;	/* role dominance: no MLS constraint uses it */
			}
			break;
		case CEXPR_NAMES: {
			const context_struct_t *c = e->attr & CEXPR_TARGET ? t : s;

			if (e->attr & CEXPR_XTARGET)
				return -1;
			if (e->attr & CEXPR_USER)
				v1 = c->user;
			else if (e->attr & CEXPR_ROLE)
				v1 = c->role;
			else if (e->attr & CEXPR_TYPE)
				v1 = c->type;
			else
				return -1;
			r = ebitmap_get_bit(&e->names, v1 - 1);
			if (e->op == CEXPR_NEQ)
				r = !r;
			else if (e->op != CEXPR_EQ)
				return -1;
			break;
		}
		default:
			return -1;
		}
		if (sp == CEXPR_MAXDEPTH - 1)
			return -1;
		stack[++sp] = r;
	}
	return sp == 0 ? stack[0] : -1;
}

/* Whether the class's constraints let s have perm (one bit) on t, type
 * enforcement aside: 1 yes, 0 refused, -1 an expression not understood. */
static int constraints_permit(const context_struct_t *s, const context_struct_t *t,
			      sepol_security_class_t cls, sepol_access_vector_t perm)
{
	const constraint_node_t *c;

	for (c = policy_db.class_val_to_struct[cls - 1]->constraints; c; c = c->next) {
		int r;

		if (!(c->permissions & perm))
			continue;
		r = cexpr_eval(s, t, c->expr);
		if (r <= 0)
			return r;
	}
	return 1;
}

struct perm_lookup {
	uint32_t value;
	const char *name;
};

static int perm_by_value(hashtab_key_t key, hashtab_datum_t datum, void *arg)
{
	struct perm_lookup *l = arg;

	if (((perm_datum_t *)datum)->s.value == l->value) {
		l->name = key;
		return 1;
	}
	return 0;
}

static const char *perm_name(sepol_security_class_t cls, unsigned int bit)
{
	const class_datum_t *c = policy_db.class_val_to_struct[cls - 1];
	struct perm_lookup l = { bit + 1, "?" };

	if (!hashtab_map(c->permissions.table, perm_by_value, &l) && c->comdatum)
		hashtab_map(c->comdatum->permissions.table, perm_by_value, &l);
	return l.name;
}

/* Classes and permissions the kernel only ever checks with the subject as
 * its own target (capabilities, lockdown, what a process does to itself):
 * another pair can never be the target, so no constraint is asked of them. */
static int checked_on_self_only(const char *cls, const char *perm)
{
	static const char *const self_classes[] = {
		"capability", "capability2", "cap_userns", "cap2_userns", "lockdown",
	};
	static const char *const self_process[] = {
		"fork", "execmem", "execstack", "execheap", "setexec", "setfscreate",
		"setkeycreate", "setsockcreate", "setcurrent",
	};
	size_t i;

	for (i = 0; i < sizeof(self_classes) / sizeof(self_classes[0]); i++)
		if (strcmp(cls, self_classes[i]) == 0)
			return 1;
	if (strcmp(cls, "process") == 0)
		for (i = 0; i < sizeof(self_process) / sizeof(self_process[0]); i++)
			if (strcmp(perm, self_process[i]) == 0)
				return 1;
	return 0;
}

/* Rights a CONSTRAINED row found unconstrained, one entry per class and
 * permission (with the first target type it was seen on and how many). */
struct unconstrained {
	sepol_security_class_t cls;
	unsigned int bit, count;
	uint32_t type;
	const char *why;
};

struct unconstrained_list {
	struct unconstrained e[256];
	size_t n;
	unsigned int total;
};

/* One right of a CONSTRAINED row: refused with the target at its own level,
 * permitted with the target at the subject's level (so the level, not a
 * role or user, is what refuses it). Recorded in l when it is not. */
static void check_constrained(const context_struct_t *s, const context_struct_t *t,
			      sepol_security_class_t cls, unsigned int bit, struct unconstrained_list *l)
{
	context_struct_t same = *t;
	const char *why = NULL;
	int other, own;
	size_t i;

	same.range = s->range;
	other = constraints_permit(s, t, cls, 1U << bit);
	own = constraints_permit(s, &same, cls, 1U << bit);
	if (other < 0 || own < 0)
		why = "a constraint the test cannot evaluate";
	else if (other)
		why = "no constraint refuses it at the other level";
	else if (!own)
		why = "refused at the subject's own level too: not by the level";
	if (!why)
		return;
	l->total++;
	for (i = 0; i < l->n; i++)
		if (l->e[i].cls == cls && l->e[i].bit == bit && l->e[i].why == why) {
			l->e[i].count++;
			return;
		}
	if (l->n < sizeof(l->e) / sizeof(l->e[0]))
		l->e[l->n++] = (struct unconstrained){ cls, bit, 1, t->type, why };
}

static void fail_unconstrained(const struct decision *d, const struct unconstrained_list *l)
{
	size_t i;

	/* One line each: cmocka cuts long messages. */
	print_message("%s:%d: %u rights not constrained by the level:\n", d->table, d->line, l->total);
	for (i = 0; i < l->n; i++) {
		const struct unconstrained *u = &l->e[i];

		print_message("    %s { %s } (%s%s): %s\n", policy_db.p_class_val_to_name[u->cls - 1],
			      perm_name(u->cls, u->bit), policy_db.p_type_val_to_name[u->type - 1],
			      u->count > 1 ? " and other types" : "", u->why);
	}
	fail_msg("%s:%d: %u rights not constrained by the level (%zu class and permission pairs)",
		 d->table, d->line, l->total, l->n);
}

/* A CONSTRAINED row. With explicit type, class and permission: that right,
 * whether type enforcement grants it or not. A `*` for the target type, the
 * class or the permission stands for every one the subject's type holds by
 * type enforcement: the rows that keep a new rule from slipping in
 * without a constraint. */
static void test_constrained(const struct decision *d, const context_struct_t *s,
			     const context_struct_t *t, int any_type, int any_class, int any_perm,
			     sepol_security_class_t cls, sepol_access_vector_t av)
{
	static struct unconstrained_list l;
	unsigned int checked = 0, slot, bit;
	const avtab_t *tabs[2] = { &policy_db.te_avtab, &policy_db.te_cond_avtab };
	size_t i;

	memset(&l, 0, sizeof(l));
	if (!any_type && !any_class && !any_perm) {
		for (bit = 0; bit < 32; bit++)
			if (av & (1U << bit))
				check_constrained(s, t, cls, bit, &l);
		if (l.total)
			fail_unconstrained(d, &l);
		return;
	}
	/* Every allow rule whose source covers the subject's type, expanded to
	 * the concrete target types it covers. */
	for (i = 0; i < 2; i++) {
		for (slot = 0; tabs[i]->htable && slot < tabs[i]->nslot; slot++) {
			const struct avtab_node *n;

			for (n = tabs[i]->htable[slot]; n; n = n->next) {
				uint32_t tt;

				if (!(n->key.specified & AVTAB_ALLOWED))
					continue;
				if (!ebitmap_get_bit(&policy_db.type_attr_map[s->type - 1],
						     n->key.source_type - 1))
					continue;
				if (!any_class && n->key.target_class != cls)
					continue;
				for (tt = 1; tt <= policy_db.p_types.nprim; tt++) {
					context_struct_t target = *t;
					uint32_t perms = n->datum.data;

					if (!any_type && tt != t->type)
						continue;
					if (!ebitmap_get_bit(&policy_db.type_attr_map[tt - 1],
							     n->key.target_type - 1))
						continue;
					if (policy_db.type_val_to_struct[tt - 1]->flavor == TYPE_ATTRIB)
						continue;
					if (!any_perm)
						perms &= av;
					target.type = tt;
					for (bit = 0; bit < 32; bit++) {
						const char *cname =
							policy_db.p_class_val_to_name[n->key.target_class - 1];

						if (!(perms & (1U << bit)))
							continue;
						if (checked_on_self_only(cname, perm_name(n->key.target_class, bit)))
							continue;
						checked++;
						check_constrained(s, &target, n->key.target_class, bit, &l);
					}
				}
			}
		}
	}
	print_message("  %u rights of %s checked\n", checked, policy_db.p_type_val_to_name[s->type - 1]);
	if (checked == 0)
		fail_msg("%s:%d: the subject holds no right to check", d->table, d->line);
	if (l.total)
		fail_unconstrained(d, &l);
}

/* A context string whose type may be `*`: the subject's type stands in for
 * it (so libsepol accepts the context), and *any reports the wildcard. */
static int context_sid(const char *con, const char *stand_in, int *any, sepol_security_id_t *sid)
{
	char buf[512];
	const char *p = con;
	size_t i;

	*any = 0;
	/* user:role:type:level: the third field */
	for (i = 0; i < 2 && p; i++) {
		p = strchr(p, ':');
		if (p)
			p++;
	}
	if (p && p[0] == '*' && p[1] == ':' && stand_in) {
		*any = 1;
		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - con), con, stand_in, p + 1);
	} else {
		snprintf(buf, sizeof(buf), "%s", con);
	}
	return sepol_context_to_sid(buf, strlen(buf) + 1, sid);
}

/* A TRANSITION row: the type the policy gives what scon makes of class cls
 * with tcon (for process, the domain scon's exec of a tcon file runs in, with
 * no exec context set: type_transition rules, else scon's own type). */
static void test_transition(const struct decision *d, sepol_security_id_t ssid,
			    sepol_security_id_t tsid, sepol_security_class_t cls)
{
	sepol_security_id_t out;
	const context_struct_t *c;
	const char *got;

	if (sepol_transition_sid(ssid, tsid, cls, &out) < 0)
		fail_msg("%s:%d: libsepol could not compute the transition", d->table, d->line);
	c = sepol_sidtab_search(&policy_sids, out);
	if (!c)
		fail_msg("%s:%d: the transition gave an unknown SID", d->table, d->line);
	got = policy_db.p_type_val_to_name[c->type - 1];
	print_message("  %s (policy: %s)\n", d->name, got);
	if (strcmp(got, d->perm) != 0)
		fail_msg("%s:%d: expected the new %s to be %s, the policy makes it %s", d->table,
			 d->line, d->cls, d->perm, got);
}

static void test_decision(void **state)
{
	const struct decision *d = *state;
	sepol_security_id_t ssid, tsid;
	sepol_security_class_t cls = 0;
	sepol_access_vector_t av = 0;
	struct sepol_av_decision avd;
	const context_struct_t *sctx, *tctx;
	unsigned int reason = 0;
	char *why = NULL;
	int granted, any_type = 0, any_class, any_perm, cons_ok;

	if (d->parse_error)
		fail_msg("%s:%d: %s", d->table, d->line, d->parse_error);
	if (!d->policy_loaded)
		fail_msg("no policy loaded from %s", d->policy);
	apply_bools(d);
	/* A typo must fail, never pass as a denial. */
	if (sepol_context_to_sid(d->scon, strlen(d->scon) + 1, &ssid) < 0)
		fail_msg("%s:%d: invalid context %s", d->table, d->line, d->scon);
	sctx = sepol_sidtab_search(&policy_sids, ssid);
	if (context_sid(d->tcon, d->want == V_CONSTRAINED ? policy_db.p_type_val_to_name[sctx->type - 1] : NULL,
			&any_type, &tsid) < 0)
		fail_msg("%s:%d: invalid context %s", d->table, d->line, d->tcon);
	tctx = sepol_sidtab_search(&policy_sids, tsid);
	any_class = d->want == V_CONSTRAINED && strcmp(d->cls, "*") == 0;
	any_perm = d->want == V_CONSTRAINED && strcmp(d->perm, "*") == 0;
	if (any_class && !any_perm)
		fail_msg("%s:%d: a permission needs its class", d->table, d->line);
	if (!any_class && sepol_string_to_security_class(d->cls, &cls) < 0)
		fail_msg("%s:%d: unknown class %s", d->table, d->line, d->cls);
	if (d->want == V_TRANSITION) {
		test_transition(d, ssid, tsid, cls);
		return;
	}
	if (!any_perm && sepol_string_to_av_perm(cls, d->perm, &av) < 0)
		fail_msg("%s:%d: unknown permission %s { %s }", d->table, d->line, d->cls, d->perm);

	if (d->want == V_CONSTRAINED) {
		print_message("  %s\n", d->name);
		test_constrained(d, sctx, tctx, any_type, any_class, any_perm, cls, av);
		return;
	}

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

	/* Where type enforcement grants it, the evaluator CONSTRAINED rows rely
	 * on must agree with libsepol about the constraints. */
	if (!(reason & (SEPOL_COMPUTEAV_TE | SEPOL_COMPUTEAV_RBAC))) {
		cons_ok = constraints_permit(sctx, tctx, cls, av);
		if (cons_ok != !(reason & SEPOL_COMPUTEAV_CONS))
			fail_msg("%s:%d: the constraint evaluator says %d, libsepol the opposite",
				 d->table, d->line, cons_ok);
	}

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
	case V_CONSTRAINED:
	case V_TRANSITION:
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
