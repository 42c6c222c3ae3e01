/* xl_migrate.h: `svirt-xl migrate` (issue 17 item 2): its arguments, the `xl migrate -p` it
 * runs, and the command that unpauses the guest on the destination once svirtd labelled it. */
#ifndef SVIRT_XL_MIGRATE_H
#define SVIRT_XL_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "control.h"
#include "error.h"
#include "mcs.h"

/* svirt-xl migrate [-s SSH] [-e] [-D] [--debug] DOMAIN HOST */
struct sv_xl_migrate {
	const char *domain;	/* as xl takes it: domid, uuid or name */
	const char *host;	/* with an empty ssh: "localhost" */
	const char *ssh;	/* -s's; "ssh" unless given */
	bool no_daemon;		/* -e: the receiver's xl stays in front */
	bool preserve_domid;	/* -D */
	bool debug;		/* --debug */
};

/* Reads argv (argv[0] is "migrate") into *m, pointing into argv.  -EINVAL
 * with err saying why for an option xl has and svirt-xl does not pass on
 * (-p is svirt-xl's own; -C would send another config than the one svirt-xl
 * create derived; -F keeps no monitor), an unknown one, a missing or extra
 * argument, a HOST that is not a host name (it goes into a shell command,
 * as xl puts it), or an empty ssh command with another HOST than
 * "localhost" (xl would take HOST as the receiver's command). */
int sv_xl_migrate_parse(int argc, char *const argv[], struct sv_xl_migrate *m,
			struct sv_error *err) _nodiscard_;

/* With an empty ssh command, the receiver xl runs here, as xl's "host"
 * argument: "exec XL migrate-receive -p[ -e][ -d]", in buf.  xl (svirt-xl's
 * settings) must be a plain path, as it goes to sh -c: -EINVAL with err
 * otherwise; -ENOSPC if buf is too small. */
int sv_xl_migrate_receiver(const struct sv_xl_migrate *m, const char *xl,
			   char *buf, size_t size, struct sv_error *err) _nodiscard_;

#define SV_XL_MIGRATE_ARGV_MAX 12
/* The xl command line: XL migrate -p [-e] [-D] [--debug] -s SSH DOMAIN
 * HOST, where HOST is receiver with an empty ssh command (NULL-terminated,
 * pointing into m and the arguments). */
void sv_xl_migrate_argv(const struct sv_xl_migrate *m, const char *xl,
			const char *receiver,
			const char *argv[SV_XL_MIGRATE_ARGV_MAX]);

/* Through the same ssh command, what runs on the destination after xl:
 * "exec SSH HOST svirt-xl unpause UUID".  -ENOSPC if buf is too small. */
int sv_xl_migrate_finish(const struct sv_xl_migrate *m, const char *uuid,
			 char *buf, size_t size) _nodiscard_;

/* --- may a paused guest run (svirt-xl unpause, restore, migrate) --- */

/* svirtd's entry e for a domain, after GET ... WAIT: 0 when labelled (at
 * want's pair, unless want is NULL), else -EPERM with why naming what
 * svirtd said: refused (its reason), still being labelled, or another pair
 * than the one reserved. */
int sv_xl_labelled_verdict(const struct sv_control_entry *e,
			   const struct sv_pair *want, char *why, size_t size);

/* With Flask, the guest's label in Xen (got, NULL when it has none) must
 * be base at the pair svirtd labelled its dom0 side with: a pair the Flask
 * label fixes that svirtd did not take, or another type, would let the
 * guest run at another level than its disks.  0, or -EPERM with why;
 * -EINVAL for a bad pair. */
int sv_xl_flask_verdict(const struct sv_context *base, struct sv_pair pair,
			const char *got, char *why, size_t size);

#endif
