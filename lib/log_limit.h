/* log_limit.h: the same complaint about the same guest logged once, then at
 * most once per interval with how many were held back, so a guest cannot
 * flood the log by making svirtd retry what fails. */
#ifndef SVIRT_LOG_LIMIT_H
#define SVIRT_LOG_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sv_log_limit_entry {
	int domid;
	uint32_t hash;		/* of the message last logged */
	uint64_t logged_ms;	/* when it was */
	unsigned held;		/* repeats since then, not logged */
};

struct sv_log_limit {
	uint64_t interval_ms;
	size_t n, cap;
	struct sv_log_limit_entry *v;	/* one per domid at most */
};

void sv_log_limit_init(struct sv_log_limit *l, uint64_t interval_ms);
void sv_log_limit_free(struct sv_log_limit *l);

/* Whether msg about domid is to be logged at now_ms: yes the first time,
 * or when it differs from the last one logged for domid, or once interval
 * has passed since that one; then *held is how many repeats were not
 * logged in between (0 otherwise).  Out of memory: yes (a lost limit is
 * better than a lost message). */
bool sv_log_limit_pass(struct sv_log_limit *l, int domid, const char *msg,
		       uint64_t now_ms, unsigned *held);

/* The trouble with domid is over: its next complaint is logged at once. */
void sv_log_limit_forget(struct sv_log_limit *l, int domid);

#endif
