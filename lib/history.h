/* history.h: which category pair belonged to which guest, and when (issue 19
 * item 2): svirtd's bounded record of guests, ended ones too, so that a
 * denial logged in a pair's name can be put on the guest that held it. */
#ifndef SVIRT_HISTORY_H
#define SVIRT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "mcs.h"
#include "uuid.h"

#define SV_HISTORY_FILE "history"	/* in svirtd's state_dir */
#define SV_HISTORY_NAME_MAX 255		/* bytes of a name kept; longer are cut */
/* Bounds: the oldest ended guests go first.  A line is at most ~900 bytes
 * (a name of 255 bytes, each escaped as %XX), so the bytes bound is the one
 * that holds with long names; both keep a HISTORY reply far below the
 * control socket's 1 MiB. */
#define SV_HISTORY_ENTRIES_MAX 1000
#define SV_HISTORY_BYTES_MAX (256 * 1024)

/* One guest's tenure of a pair: from start to end (unix seconds, end 0
 * while it lives). */
struct sv_hist_entry {
	int64_t start;
	int64_t end;
	int domid;
	char uuid[SV_UUID_BUF];
	struct sv_pair pair;
	char name[SV_HISTORY_NAME_MAX + 1];	/* may be "", no NUL inside */
};

struct sv_history {
	size_t n;
	struct sv_hist_entry *v;	/* oldest first */
};

void sv_history_clear(struct sv_history *h);

/* One line, without its newline:
 *   past <start> <end|-> domain <domid> uuid <uuid> pair <cA,cB> name <name>
 * the name escaped: every byte outside 0x21..0x7e, and '%', as %XX (upper
 * case), an empty name as "-" and the name "-" as %2D.  Strict: only what
 * format writes parses.  -EINVAL (err says what), *e untouched. */
int sv_history_line_parse(const char *s, size_t len, struct sv_hist_entry *e,
			  struct sv_error *err);
/* The line into buf (no newline): its length, -EINVAL if e is not valid,
 * -ENOSPC if it does not fit. */
int sv_history_line_format(const struct sv_hist_entry *e, char *buf,
			   size_t size);
#define SV_HISTORY_LINE_MAX 1024	/* every valid line fits, NUL included */

/* The file: "svirt-history 1 <n>\n" and n lines; the reply to HISTORY:
 * "OK <n>\n" and n lines (or the protocol's "ERR <name> <message>\n",
 * returned as -errno with err holding "svirtd: <message>").  At most
 * SV_HISTORY_BYTES_MAX + the first line; *out untouched on failure. */
int sv_history_parse(const char *buf, size_t len, bool reply,
		     struct sv_history *out, struct sv_error *err);
/* malloc'd text of either form; -ENOMEM. */
int sv_history_format(const struct sv_history *h, bool reply, char **out,
		      size_t *len);

/* Reads path: -ENOENT when there is none yet, -EINVAL when it is corrupt
 * (err names the file and line).  Writes it crash-safely: a temp file in
 * the same directory, fsync, rename over path, fsync of the directory. */
int sv_history_load(const char *path, struct sv_history *out,
		    struct sv_error *err);
int sv_history_save(const char *path, const struct sv_history *h,
		    struct sv_error *err);

/* A guest alive now, as svirtd holds it. */
struct sv_hist_live {
	int domid;
	const char *uuid;
	const char *name;
	struct sv_pair pair;
};

/* Brings h up to date with the guests alive at now: an entry opened for
 * each one not open yet (same domid, uuid and pair), names learnt late
 * filled in, open entries of guests not alive any more ended at now; then
 * trimmed to the bounds.  1 if h changed, 0 if not, -ENOMEM (h unchanged
 * but possibly trimmed). */
int sv_history_sync(struct sv_history *h, const struct sv_hist_live *live,
		    size_t n, int64_t now);
/* Drops the oldest ended entries (then the oldest) until both bounds hold:
 * true if any went. */
bool sv_history_trim(struct sv_history *h);

/* The guest that held pair at t (has_time), else the one holding it now,
 * else the last that held it; NULL if none ever did. */
const struct sv_hist_entry *sv_history_find(const struct sv_history *h,
					    struct sv_pair pair, bool has_time,
					    int64_t t);

#endif
