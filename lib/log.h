/* log.h: svirt-xen's logging, to syslog or (--foreground) to stderr, or the journal's stderr.
 * Every message about a guest names it: "domain 7 (web1): ...". */
#ifndef SVIRT_LOG_H
#define SVIRT_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include "util.h"

struct sv_log {
	const char *ident;
	bool foreground;	/* stderr instead of syslog */
	int level;		/* the least urgent priority written (LOG_*) */
	int fd;			/* where foreground messages go (stderr) */
	/* stderr is the journal's stream (JOURNAL_STREAM): each line starts
	 * with its priority, "<3>", which journald keeps (sd-daemon(3)). */
	bool journal;
	/* Detached but still starting: warnings and errors go to stderr too,
	 * for whoever started the daemon to read why a start failed. */
	bool to_stderr;
};

/* Syslog is opened here (LOG_DAEMON) unless foreground; in foreground,
 * journal is set when JOURNAL_STREAM names stderr.  The daemon's log is
 * syslog, with warnings and errors copied to stderr while to_stderr. */
void sv_log_open(struct sv_log *log, const char *ident, bool foreground,
		 int level);
void sv_log_open_daemon(struct sv_log *log, const char *ident, int level,
			bool to_stderr);
void sv_log_close(struct sv_log *log);

void sv_log(const struct sv_log *log, int prio, const char *fmt, ...)
	_printf_(3, 4);
/* A message about one guest; name may be NULL while it is still unknown.
 * Control characters in the name (it comes from xenstore) are escaped. */
void sv_log_dom(const struct sv_log *log, int prio, int domid,
		const char *name, const char *fmt, ...) _printf_(5, 6);

/* "debug", "info", "notice", "warning", "err" -> LOG_*; -EINVAL otherwise. */
int sv_log_level_parse(const char *s);
const char *sv_log_level_name(int prio);

#endif
