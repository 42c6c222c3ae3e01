/* run.c: the interposer's one decision: exec qemu in the guest's label, or
 * not at all.  Everything it refuses ends in one line for libxl's dm log. */
#include "interpose.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "control.h"

/* Our own file, by the path the kernel gives (stat of /proc/self/exe
 * itself is not the same under valgrind, which runs us). */
static int stat_self(struct stat *st)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n <= 0)
		return -1;
	path[n] = '\0';
	return stat(path, st);
}

/* Exec'ing ourselves would ask svirtd again forever (a divert install whose
 * config names the diverted path); a missing qemu is better said now. */
static int check_qemu(const char *qemu, int domid, struct sv_error *err)
{
	struct stat q, self;

	if (qemu[0] != '/')
		return sv_fail(err, EINVAL, "domain %d: no real qemu configured",
			       domid);
	if (stat(qemu, &q) != 0)
		return sv_fail(err, errno, "domain %d: real qemu %s: %s", domid,
			       qemu, strerror(errno));
	if (stat_self(&self) == 0 && q.st_dev == self.st_dev &&
	    q.st_ino == self.st_ino)
		return sv_fail(err, ELOOP,
			       "domain %d: real qemu %s is svirt-interpose itself "
			       "(set qemu in %s to the moved-aside binary)",
			       domid, qemu, SV_INTERPOSE_CONF);
	return 0;
}

/* svirtd's answer for the guest, once its storage is labelled: 0 with *rep
 * holding the guest's entry (its label used in place, not copied: a copy
 * would take another page of stack, a page fault of every start), or -errno
 * with *rep cleared. */
static int fetch_label(const struct sv_interpose_conf *conf, int domid,
		       struct sv_control_reply *rep, struct sv_error *err)
{
	struct sv_control_request req = {
		.op = SV_CONTROL_GET,
		.domid = domid,
		.wait_seconds = conf->wait_seconds,
	};
	const struct sv_control_entry *e;
	struct sv_error cerr = { "" };
	char q[SV_QUOTE_BUF];
	int r;

	/* Two seconds past the WAIT: svirtd answers ETIMEDOUT itself first. */
	r = sv_control_call(conf->socket, &req,
			    (int)conf->wait_seconds * 1000 + 2000, rep, &cerr);
	if (r < 0)
		return sv_fail(err, -r, "domain %d: no label from svirtd (%s): %s",
			       domid, conf->socket, cerr.msg);
	e = &rep->entries[0];
	if (e->state == SV_STATE_ERROR)
		/* Quoted: a reason may hold any byte, a newline too. */
		r = sv_fail(err, EACCES, "domain %d: svirtd refused it: %s",
			    domid, sv_quote(q, sizeof(q), e->reason,
					    strlen(e->reason)));
	else if (e->state != SV_STATE_LABELLED)
		r = sv_fail(err, EPROTO,
			    "domain %d: svirtd answered in state %s, not labelled",
			    domid, sv_dom_state_name(e->state));
	if (r < 0)
		sv_control_reply_clear(rep);
	return r;
}

static int exec_qemu(const char *qemu, int domid, char *const argv[],
		     char *const envp[], struct sv_error *err)
{
	execve(qemu, argv, envp);
	return sv_fail(err, errno, "domain %d: cannot exec %s: %s", domid, qemu,
		       strerror(errno));
}

/* SELinux disabled: no label to give, so qemu runs as we do, if allowed.
 * Not knowing is not "disabled": a kernel with SELinux whose selinuxfs is
 * out of sight here still enforces, and qemu would run in our label. */
static int run_unlabelled(const struct sv_interpose_conf *conf, int mode,
			  int domid, char *const argv[], char *const envp[],
			  struct sv_error *err)
{
	if (mode != SV_SELINUX_DISABLED)
		return sv_fail(err, EPERM,
			       "domain %d: cannot tell whether SELinux is enabled: "
			       "selinuxfs is not mounted here, and /proc/filesystems "
			       "does not show SELinux absent; not starting qemu "
			       "unlabelled", domid);
	if (!conf->allow_disabled)
		return sv_fail(err, EPERM,
			       "domain %d: SELinux is disabled and %s forbids "
			       "starting qemu unlabelled (allow_selinux_disabled=0)",
			       domid, SV_INTERPOSE_CONF);
	fprintf(stderr,
		"svirt-interpose: warning: domain %d: SELinux is disabled, "
		"starting qemu without a label\n", domid);
	return exec_qemu(conf->qemu, domid, argv, envp, err);
}

/* dom0's own qemu (Debian's xen-qemu-dom0-disk-backend and xencommons run
 * one with -xen-domid 0 and no restriction): it serves dom0's disks, so it
 * keeps dom0's label, the caller's.  No guest's label or storage is at
 * stake, and whoever can run us as root could run the real qemu directly;
 * still said at notice level, so an unexpected one shows in the log. */
static int run_dom0(const struct sv_interpose_conf *conf, char *const argv[],
		    char *const envp[], struct sv_error *err)
{
	fprintf(stderr,
		"svirt-interpose: notice: domain 0: dom0's own qemu "
		"(-xen-domid 0): exec'ing %s unchanged in the caller's label\n",
		conf->qemu);
	return exec_qemu(conf->qemu, 0, argv, envp, err);
}

int sv_interpose_run(const struct sv_interpose_conf *conf,
		     const struct sv_interpose_ops *ops, int argc,
		     char *const argv[], char *const envp[],
		     struct sv_error *err)
{
	struct sv_control_reply rep = { 0 };
	const char *label;
	struct sv_dm_bound bound;
	struct sv_dm_args a;
	int mode, r;

	if ((r = sv_dm_args_parse(argc, argv, &a, err)) < 0)
		return sv_fail_prefix(err, -r, "qemu's command line");
	/* dom0's qemu restricted to dom0 would gain nothing: it is dom0's. */
	if (conf->require_restrict && !a.restricted && a.domid != 0)
		return sv_fail(err, EPERM,
			       "domain %d: qemu has no -xen-domid-restrict: set "
			       "dm_restrict=1 in the guest's xl config", a.domid);
	if ((r = check_qemu(conf->qemu, a.domid, err)) < 0)
		return r;
	if (a.domid == 0)
		return run_dom0(conf, argv, envp, err);
	if ((mode = ops->selinux_mode(ops->arg)) < 0)
		return run_unlabelled(conf, mode, a.domid, argv, envp, err);
	if ((r = fetch_label(conf, a.domid, &rep, err)) < 0)
		return r;
	label = rep.entries[0].process_label;
	/* Last, so that a refusal before leaves no socket behind. */
	if ((r = sv_dm_listen_open(&a, argc, argv, &bound, err)) < 0) {
		sv_control_reply_clear(&rep);
		return r;
	}
	if ((r = ops->set_exec_context(label, ops->arg)) < 0)
		r = sv_fail(err, -r, "domain %d: cannot set exec context %s: %s",
			    a.domid, label, strerror(-r));
	else
		r = exec_qemu(conf->qemu, a.domid, bound.argv, envp, err);
	sv_dm_listen_undo(&a, &bound);
	sv_control_reply_clear(&rep);
	return r;
}
