/* migrate.c: svirt-xl migrate: `xl migrate -p`, then on the destination `svirt-xl unpause`, so
 * the guest runs there only once that host's svirtd has labelled it; else it is left paused. */
#include "svirt-xl.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sv_xl_parse_migrate(int argc, char **argv, struct sv_xl_args *a)
{
	struct sv_error err = { .msg = "" };

	if (sv_xl_migrate_parse(argc, argv, &a->migrate, &err) < 0) {
		fprintf(stderr, "svirt-xl migrate: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* To this host: xl has destroyed the outgoing domain and renamed the
 * incoming one to the guest's name; it is found so, of the same uuid. */
static int unpause_here(struct sv_xl *x, int from, const char *name,
			const char *uuid)
{
	_cleanup_free_ char *now = NULL;
	char id[SV_UUID_BUF];
	int domid = name ? sv_xl_find_domain(x, "migrate", name, id, &now) : -1;

	if (domid < 0 || domid == from || strcmp(id, uuid) != 0) {
		fprintf(stderr, "svirt-xl migrate: xl migrated domain %d, and no other "
			"domain of its uuid is named %s now\n", from, name ? name : "(none)");
		return -1;
	}
	return sv_xl_unpause_labelled(x, "migrate", domid, uuid, NULL);
}

/* Elsewhere: the destination's svirt-xl, through the ssh command xl used. */
static int unpause_there(const struct sv_xl_migrate *m, const char *uuid)
{
	char rune[4096];
	const char *argv[] = { "/bin/sh", "-c", rune, NULL };

	if (sv_xl_migrate_finish(m, uuid, rune, sizeof(rune)) < 0) {
		fputs("svirt-xl migrate: the ssh command is too long\n", stderr);
		return -1;
	}
	return sv_xl_run("migrate", argv);
}

int sv_xl_cmd_migrate(struct sv_xl *x, const struct sv_xl_args *a)
{
	const struct sv_xl_migrate *m = &a->migrate;
	struct sv_error err = { .msg = "" };
	_cleanup_free_ char *name = NULL;
	const char *argv[SV_XL_MIGRATE_ARGV_MAX];
	char uuid[SV_UUID_BUF], receiver[PATH_MAX + 64] = "";
	int domid, r;

	if ((domid = sv_xl_find_domain(x, "migrate", m->domain, uuid, &name)) < 0)
		return 1;
	if (!m->ssh[0] &&
	    sv_xl_migrate_receiver(m, x->conf.xl, receiver, sizeof(receiver), &err) < 0) {
		fprintf(stderr, "svirt-xl migrate: %s\n", err.msg);
		return 1;
	}
	sv_xl_migrate_argv(m, x->conf.xl, receiver, argv);
	/* Between xl's end and the unpause the guest exists only paused on
	 * the destination: svirt-xl is not to be stopped half-way. */
	sv_xl_signals(SIG_IGN);
	if (sv_xl_run("migrate", argv) < 0) {
		fprintf(stderr, "svirt-xl migrate: domain %d (%s, uuid %s) was not "
			"migrated: xl's messages above say where it is (xl resumes it "
			"here unless the final handshake failed)\n", domid,
			name ? name : "?", uuid);
		return 1;
	}
	r = m->ssh[0] ? unpause_there(m, uuid) : unpause_here(x, domid, name, uuid);
	if (r < 0) {
		/* The outgoing domain is gone: destroying the paused one would
		 * lose the guest.  It waits for a labelled unpause, or xl destroy. */
		fprintf(stderr, "svirt-xl migrate: %s (uuid %s) migrated to %s and is "
			"left PAUSED there, not labelled as svirt-xl requires: once "
			"that host's svirtd labels it, run `svirt-xl unpause %s` there\n",
			name ? name : "the guest", uuid, m->host, uuid);
		return 1;
	}
	printf("svirt-xl: %s (uuid %s) migrated to %s, labelled there, unpaused\n",
	       name ? name : "the guest", uuid, m->host);
	return 0;
}
