/* xl_migrate.c: svirt-xl migrate's arguments and the command lines it runs (xl migrate -p,
 * then svirt-xl unpause on the destination), and whether a paused guest may run. */
#include "xl_migrate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xl_conf.h"

/* Characters of a host name, user@host or an IPv6 address: HOST goes into a shell
 * command line (xl builds "exec SSH HOST xl migrate-receive"). */
static bool host_ok(const char *h)
{
	size_t n = strlen(h);

	return n > 0 && n <= 255 && h[0] != '-' &&
	       strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789.-_:@%") == n;
}

static bool path_ok(const char *p)
{
	size_t n = strlen(p);

	return n > 0 && p[0] == '/' &&
	       strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789/._+-") == n;
}

int sv_xl_migrate_parse(int argc, char *const argv[], struct sv_xl_migrate *m,
			struct sv_error *err)
{
	struct sv_xl_migrate v = { .ssh = "ssh" };
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];

		if (strcmp(o, "-s") == 0 && i + 1 < argc)
			v.ssh = argv[++i];
		else if (strcmp(o, "-e") == 0)
			v.no_daemon = true;
		else if (strcmp(o, "-D") == 0)
			v.preserve_domid = true;
		else if (strcmp(o, "--debug") == 0)
			v.debug = true;
		else if (strcmp(o, "-p") == 0)
			return sv_fail(err, EINVAL, "-p: svirt-xl runs xl migrate -p "
				       "itself, and unpauses the guest once the "
				       "destination's svirtd has labelled it");
		else if (strcmp(o, "-C") == 0)
			return sv_fail(err, EINVAL, "-C: the guest travels with the "
				       "config svirt-xl create derived (its labels, "
				       "its device model); another is not sent");
		else if (strcmp(o, "-s") == 0)
			return sv_fail(err, EINVAL, "-s needs the ssh command "
				       "(\"\" for this host)");
		else
			return sv_fail(err, EINVAL, "xl option \"%s\" is not "
				       "supported (svirt-xl passes on only -s, -e, "
				       "-D and --debug; it runs -p itself)", o);
	}
	if (argc - i != 2)
		return sv_fail(err, EINVAL, argc - i < 2 ?
			       "give the domain and the destination host" :
			       "give the domain and the destination host only");
	v.domain = argv[i];
	v.host = argv[i + 1];
	if (!v.domain[0])
		return sv_fail(err, EINVAL, "the domain is empty");
	if (!v.ssh[0] && strcmp(v.host, "localhost") != 0)
		return sv_fail(err, EINVAL, "with an empty ssh command (-s \"\") the "
			       "destination is this host: give HOST as localhost, "
			       "not \"%.64s\" (svirt-xl runs the receiver itself)",
			       v.host);
	if (!host_ok(v.host))
		return sv_fail(err, EINVAL, "destination \"%.64s\" is not a host "
			       "name (letters, digits and .-_:@%% only)", v.host);
	*m = v;
	return 0;
}

int sv_xl_migrate_receiver(const struct sv_xl_migrate *m, const char *xl,
			   char *buf, size_t size, struct sv_error *err)
{
	int n;

	if (!path_ok(xl))
		return sv_fail(err, EINVAL, "xl \"%.64s\" in svirt-xl's settings is "
			       "not a plain absolute path: it cannot be the "
			       "receiver's command", xl);
	n = snprintf(buf, size, "exec %s migrate-receive -p%s%s", xl,
		     m->no_daemon ? " -e" : "", m->debug ? " -d" : "");
	if (n < 0 || (size_t)n >= size)
		return sv_fail(err, ENOSPC, "the receiver's command is too long");
	return 0;
}

void sv_xl_migrate_argv(const struct sv_xl_migrate *m, const char *xl,
			const char *receiver,
			const char *argv[SV_XL_MIGRATE_ARGV_MAX])
{
	int n = 0;

	argv[n++] = xl;
	argv[n++] = "migrate";
	argv[n++] = "-p";
	if (m->no_daemon)
		argv[n++] = "-e";
	if (m->preserve_domid)
		argv[n++] = "-D";
	if (m->debug)
		argv[n++] = "--debug";
	argv[n++] = "-s";
	argv[n++] = m->ssh;
	argv[n++] = m->domain;
	argv[n++] = m->ssh[0] ? m->host : receiver;
	argv[n] = NULL;
}

int sv_xl_migrate_finish(const struct sv_xl_migrate *m, const char *uuid,
			 char *buf, size_t size)
{
	int n = snprintf(buf, size, "exec %s %s svirt-xl unpause %s", m->ssh,
			 m->host, uuid);

	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

int sv_xl_labelled_verdict(const struct sv_control_entry *e,
			   const struct sv_pair *want, char *why, size_t size)
{
	char q[SV_QUOTE_BUF];

	if (e->state == SV_STATE_ERROR)
		snprintf(why, size, "svirtd refused to label it: %s",
			 sv_quote(q, sizeof(q), e->reason, strlen(e->reason)));
	else if (e->state != SV_STATE_LABELLED)
		snprintf(why, size, "svirtd has not labelled it (state %s)",
			 sv_dom_state_name(e->state) ? sv_dom_state_name(e->state) : "?");
	else if (want && (e->pair.a != want->a || e->pair.b != want->b))
		snprintf(why, size, "svirtd labelled it c%u,c%u, not with the pair "
			 "reserved, c%u,c%u", e->pair.a, e->pair.b, want->a, want->b);
	else
		return 0;
	return -EPERM;
}

int sv_xl_flask_verdict(const struct sv_context *base, struct sv_pair pair,
			const char *got, char *why, size_t size)
{
	struct sv_error err = { .msg = "" };
	char want[SV_CONTEXT_MAX];

	if (sv_xl_flask_label(base, pair, want, sizeof(want), &err) < 0) {
		snprintf(why, size, "%s", err.msg);
		return -EINVAL;
	}
	if (got && strcmp(got, want) == 0)
		return 0;
	snprintf(why, size, "Xen labels it %s, and svirtd labelled its dom0 side "
		 "c%u,c%u (%s): its Flask label is not what svirtd labels it with",
		 got ? got : "(none)", pair.a, pair.b, want);
	return -EPERM;
}
