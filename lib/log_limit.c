/* log_limit.c: per-guest repeat suppression for messages that a guest can
 * make svirtd repeat (a bind retried on every event of that guest). */
#include "log_limit.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a: equal messages are what matters, not an adversary's collisions
 * (one would only hold back a message that differs, until the interval). */
static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void sv_log_limit_init(struct sv_log_limit *l, uint64_t interval_ms)
{
	*l = (struct sv_log_limit){ .interval_ms = interval_ms };
}

void sv_log_limit_free(struct sv_log_limit *l)
{
	free(l->v);
	sv_log_limit_init(l, l->interval_ms);
}

static struct sv_log_limit_entry *find(struct sv_log_limit *l, int domid)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].domid == domid)
			return &l->v[i];
	return NULL;
}

static struct sv_log_limit_entry *add(struct sv_log_limit *l, int domid)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct sv_log_limit_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = (struct sv_log_limit_entry){ .domid = domid };
	return &l->v[l->n++];
}

bool sv_log_limit_pass(struct sv_log_limit *l, int domid, const char *msg,
		       uint64_t now_ms, unsigned *held)
{
	struct sv_log_limit_entry *e = find(l, domid);
	uint32_t h = hash(msg);

	*held = 0;
	if (!e) {
		if (!(e = add(l, domid)))
			return true;
	} else if (e->hash == h && now_ms - e->logged_ms < l->interval_ms) {
		e->held++;
		return false;
	} else if (e->hash == h) {
		*held = e->held;
	}
	e->hash = h;
	e->logged_ms = now_ms;
	e->held = 0;
	return true;
}

void sv_log_limit_forget(struct sv_log_limit *l, int domid)
{
	struct sv_log_limit_entry *e = find(l, domid);

	if (e)
		*e = l->v[--l->n];
}
