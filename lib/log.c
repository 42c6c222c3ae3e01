/* log.c: formatting and writing log lines to syslog or stderr.
 * Bounded lines; guest names escaped, since a name is input we did not write. */
#include "log.h"

#include "error.h"
#include "notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 1024

static const char *const level_names[] = {
	[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit",
	[LOG_ERR] = "err",     [LOG_WARNING] = "warning",
	[LOG_NOTICE] = "notice", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void sv_log_open(struct sv_log *log, const char *ident, bool foreground,
		 int level)
{
	log->ident = ident;
	log->foreground = foreground;
	log->level = level;
	log->fd = STDERR_FILENO;
	log->journal = foreground &&
		sv_journal_stream_is(getenv("JOURNAL_STREAM"), STDERR_FILENO);
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void sv_log_open_daemon(struct sv_log *log, const char *ident, int level,
			bool to_stderr)
{
	*log = (struct sv_log){ .ident = ident, .level = level,
				.fd = STDERR_FILENO, .to_stderr = to_stderr };
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void sv_log_close(struct sv_log *log)
{
	if (!log->foreground)
		closelog();
}

int sv_log_level_parse(const char *s)
{
	for (int p = LOG_ERR; p <= LOG_DEBUG; p++)
		if (strcmp(s, level_names[p]) == 0)
			return p;
	return -EINVAL;
}

const char *sv_log_level_name(int prio)
{
	if (prio < LOG_EMERG || prio > LOG_DEBUG)
		return "?";
	return level_names[prio];
}

static void emit(const struct sv_log *log, int prio, const char *line)
{
	if (prio > log->level)
		return;
	if (!log->foreground) {
		syslog(prio, "%s", line);
		if (log->to_stderr && prio <= LOG_WARNING)
			dprintf(log->fd, "%s: %s: %s\n", log->ident,
				level_names[prio], line);
		return;
	}
	if (log->journal)
		dprintf(log->fd, "<%d>%s\n", prio, line);
	else
		dprintf(log->fd, "%s: %s: %s\n", log->ident, level_names[prio],
			line);
}

void sv_log(const struct sv_log *log, int prio, const char *fmt, ...)
{
	char line[LINE_MAX_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	emit(log, prio, line);
}

void sv_log_dom(const struct sv_log *log, int prio, int domid,
		const char *name, const char *fmt, ...)
{
	char msg[LINE_MAX_LEN], shown[SV_QUOTE_BUF];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (name) {
		sv_quote(shown, sizeof(shown), name, strlen(name));
		sv_log(log, prio, "domain %d (%s): %s", domid, shown, msg);
	} else {
		sv_log(log, prio, "domain %d: %s", domid, msg);
	}
}
