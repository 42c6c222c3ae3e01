/* history.c: svirtd's end of the guest history (lib/history.h, issue 19
 * item 2): kept in step with the live guests, saved in the state directory,
 * and handed to HISTORY requests. */
#include "svirtd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "history.h"

static void history_path(const struct svirtd *s, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", s->cfg.state_dir, SV_HISTORY_FILE);
}

void svd_history_open(struct svirtd *s)
{
	struct sv_error err = { .msg = "" };
	char path[4096];
	int r;

	history_path(s, path, sizeof(path));
	r = sv_history_load(path, &s->hist, &err);
	if (r < 0 && r != -ENOENT)
		/* Names of ended guests are lost, nothing else: go on. */
		sv_log(&s->log, LOG_WARNING, "guest history not read, starting "
		       "a new one: %s", err.msg);
	s->hist_sum = 0;
}

void svd_history_close(struct svirtd *s)
{
	sv_history_clear(&s->hist);
}

/* Changes whenever a guest appears, goes, or is named: the history is
 * looked at only then, not on every turn of the loop. */
static uint64_t live_sum(const struct svirtd *s)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < s->doms.n; i++) {
		const struct sv_domain *d = s->doms.v[i];
		const char *p;

		h = (h ^ (uint64_t)(d->domid + 1)) * 1099511628211ull;
		h = (h ^ (d->pair.a << 10 | d->pair.b)) * 1099511628211ull;
		for (p = d->uuid; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		for (p = d->name ? d->name : ""; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull;
	}
	return h;
}

void svd_history_sync(struct svirtd *s)
{
	struct sv_hist_live *live;
	struct sv_error err = { .msg = "" };
	uint64_t sum = live_sum(s);
	size_t n = 0;
	char path[4096];
	int r;

	if (sum == s->hist_sum && !s->hist_unsaved)
		return;
	if (!(live = calloc(s->doms.n + 1, sizeof(*live))))
		return;	/* tried again on the next turn */
	for (size_t i = 0; i < s->doms.n; i++) {
		const struct sv_domain *d = s->doms.v[i];

		/* Guests holding a pair; a stub carries its guest's. */
		if (d->domid == SV_DOMID_NONE || d->target || d->unbound)
			continue;
		live[n++] = (struct sv_hist_live){ d->domid, d->uuid,
						   d->name ? d->name : "", d->pair };
	}
	r = sv_history_sync(&s->hist, live, n, (int64_t)time(NULL));
	free(live);
	if (r < 0)
		return;
	s->hist_sum = sum;
	if (r == 0 && !s->hist_unsaved)
		return;
	history_path(s, path, sizeof(path));
	if (sv_history_save(path, &s->hist, &err) < 0) {
		if (!s->hist_unsaved)
			sv_log(&s->log, LOG_ERR, "guest history not saved: %s",
			       err.msg);
		s->hist_unsaved = true;
		return;
	}
	s->hist_unsaved = false;
}

int svd_history_text(struct svirtd *s, char **text, size_t *len)
{
	svd_history_sync(s);
	return sv_history_format(&s->hist, true, text, len);
}
