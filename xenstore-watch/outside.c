/* outside.c: svirtd's report of each guest's devices served outside dom0: found on its first
 * pass and when its /libxl records change, published with its state, logged once, then at most once a minute. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outside.h"
#include "svirtd.h"

/* A change after the first report: logged at most once per
 * SVIRTD_LOG_REPEAT_MS, so that a guest flipping its frontends between
 * two passes cannot fill the log; the changes held back are counted. */
static void report(struct svirtd *s, struct sv_domain *d, const char *text)
{
	uint64_t now = svd_now_ms();
	char held[64] = "";

	if (d->outside_logged &&
	    now < d->outside_logged_ms + SVIRTD_LOG_REPEAT_MS) {
		if (d->outside_held < UINT32_MAX)
			d->outside_held++;
		return;
	}
	if (d->outside_held)
		snprintf(held, sizeof(held), " (changed %u more times in the "
			 "last %d s)", d->outside_held,
			 SVIRTD_LOG_REPEAT_MS / 1000);
	if (text[0])
		sv_log_dom(&s->log, LOG_WARNING, d->domid, d->name,
			   "backends outside dom0: %s%s: svirt-xen labels "
			   "nothing in those domains", text, held);
	else
		sv_log_dom(&s->log, LOG_NOTICE, d->domid, d->name,
			   "no backend outside dom0 any more%s", held);
	d->outside_logged = true;
	d->outside_logged_ms = now;
	d->outside_held = 0;
}

void svd_outside_refresh(struct svirtd *s, struct sv_domain *d)
{
	char text[SV_OUTSIDE_TEXT_MAX];
	struct sv_outside o;
	struct sv_error err;
	char *copy = NULL;

	/* Unknown is reported as such, never as nothing outside, and looked
	 * at again on the next pass. */
	if (sv_outside_discover(s->xs, (unsigned)d->domid, &o, &err) < 0) {
		snprintf(text, sizeof(text), "cannot tell: %.400s", err.msg);
	} else {
		sv_outside_format(&o, text, sizeof(text));
		d->outside_known = true;
	}
	if (strcmp(text, d->outside ? d->outside : "") == 0)
		return;
	if (text[0] && !(copy = strdup(text))) {
		sv_log_dom(&s->log, LOG_ERR, d->domid, d->name,
			   "out of memory for its report of backends outside dom0");
		return;
	}
	free(d->outside);
	d->outside = copy;
	d->outside_unpublished = true;
	report(s, d, text);
}
