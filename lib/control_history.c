/* control_history.c: the HISTORY request (issue 19 item 2), apart from the
 * other requests so that a client of those (svirt-interpose, linked without a
 * C library's file functions) does not pull in the history store. */
#include "control.h"
#include "history.h"

#include <errno.h>
#include <string.h>

int sv_control_history(const char *path, int timeout_ms,
		       struct sv_history *out, struct sv_error *err)
{
	const struct sv_control_request req = { .op = SV_CONTROL_HISTORY };
	_cleanup_free_ char *text = NULL;
	struct sv_error e;
	char q[SV_QUOTE_BUF];
	size_t len = 0;
	int r = sv_control_exchange(path, &req, timeout_ms, &text, &len, err);

	if (r < 0)
		return r;
	if (len == 0)
		return sv_fail(err, EPROTO,
			       "svirtd closed the connection without a reply");
	r = sv_history_parse(text, len, true, out, &e);
	if (r == -ENOMEM)
		return r;
	if (r < 0 && strncmp(e.msg, "svirtd: ", 8) == 0)
		return sv_fail(err, -r, "%s", e.msg);
	if (r < 0)
		return sv_fail(err, EPROTO, "svirtd's reply \"%s\": %s",
			       sv_quote(q, sizeof(q), text, len), e.msg);
	return 0;
}
