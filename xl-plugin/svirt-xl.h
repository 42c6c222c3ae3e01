/* svirt-xl.h: the parts of svirt-xl, the strict `xl create` for sVirt guests,
 * and the libxl helpers they share.  The logic they wire up lives in lib/. */
#ifndef SVIRT_XL_H
#define SVIRT_XL_H

#include <libxl.h>
#include <libxl_utils.h>
#include <stdbool.h>

#include "store.h"
#include "uuid.h"
#include "xl_conf.h"
#include "xl_migrate.h"
#include "xl_report.h"

/* Shared by every command: settings and one libxl context. */
struct sv_xl {
	struct sv_xl_conf conf;
	libxl_ctx *ctx;
	xentoollog_logger_stdiostream *logger;
};

/* The hypervisor's Flask state: 1 enforcing or permissive, 0 no Flask
 * (libxl reports ENOSYS: XSM off, or not Flask), -errno otherwise. */
int sv_xl_flask_enabled(struct sv_xl *x);

/* Every domain libxl lists, with svirtd's entries, records and (with Flask)
 * labels merged in.  Problems reaching svirtd or the store are printed and
 * make the return -EIO, with r still filled as far as it got. */
int sv_xl_gather(struct sv_xl *x, struct sv_xl_report *r);

/* svirtd's state store (its state_dir, from svirt.conf), read-only. */
int sv_xl_open_store(struct sv_store **out, struct sv_error *err);
/* lgetfilecon_raw as an sv_label_reader. */
int sv_xl_read_label(void *arg, const char *path, char *buf, size_t size);

/* What create and restore share (guest.c).  While it makes a guest,
 * svirt-xl itself ignores the signals that would stop it half-way (a paused
 * guest, a reservation held); a Ctrl-C still stops xl, whose failure
 * svirt-xl then undoes.  xl gets the default handlers back. */
void sv_xl_signals(void (*handler)(int));
/* Runs argv (xl, its command, ...) and waits: 0 if it exited 0. */
int sv_xl_run(const char *cmd, const char *const argv[]);
/* The domain with that uuid (and its Flask label, if flask), -1 if none. */
int sv_xl_domid_of_uuid(struct sv_xl *x, const char *uuid, char **flask);
/* svirtd's GET with a wait: 0 once it says the domain is labelled (with
 * the pair want, unless NULL; *got receives the pair unless NULL). */
int sv_xl_wait_labelled(struct sv_xl *x, const char *cmd, int domid,
			const struct sv_pair *want, struct sv_pair *got);
/* svirtd says `labelled` after each pass over the backends; a disk whose
 * backend xl wrote after a pass is labelled by the next one.  So before
 * unpausing, every disk must be in the guest's record with its label:
 * waits (wait_seconds at most) until it is. */
int sv_xl_wait_disks(struct sv_xl *x, const char *cmd, int domid, const char *uuid);

/* issue 16 item 8.  The stub domain libxl made for domain domid (want: its
 * config asked for one): svirtd's GET, waited for, must say labelled,
 * bound to domid at pair (sv_xl_stub_check; dm_label: the Flask label it
 * must carry, NULL without Flask).  The stub's domid, 0 when there is none
 * and none is wanted, -1 (printed) otherwise. */
int sv_xl_wait_stub(struct sv_xl *x, const char *cmd, int domid, bool want,
		    struct sv_pair pair, const char *dm_label);

/* A command's arguments, read before libxl is opened: a usage error exits 2
 * wherever svirt-xl runs (off dom0, not root), and nothing is done first. */
#define SV_XL_MAX_OPTIONS 8
struct sv_xl_args {
	const char *file;	/* create: the guest's cfg; restore: the save
				 * file; show: the guest */
	char **vars;		/* create: the key=value arguments */
	int nvars;
	const char *xl_opts[SV_XL_MAX_OPTIONS];	/* passed on to xl */
	int nopts;
	bool has_pair;		/* create --pair */
	struct sv_pair pair;
	bool json;		/* list, show, denials --json */
	/* denials (issue 19 item 2): --since, --guest, --flask */
	const char *since;
	const char *guest;
	bool flask;
	struct sv_xl_migrate migrate;	/* migrate's (issue 17 item 2) */
};

/* Each command's parser (argv[0] is the command's name): 0, or -1 with the
 * reason printed; then the command itself, which returns the exit status. */
int sv_xl_parse_create(int argc, char **argv, struct sv_xl_args *a);
int sv_xl_parse_restore(int argc, char **argv, struct sv_xl_args *a);
int sv_xl_parse_list(int argc, char **argv, struct sv_xl_args *a);
int sv_xl_parse_show(int argc, char **argv, struct sv_xl_args *a);
int sv_xl_parse_verify(int argc, char **argv, struct sv_xl_args *a);
int sv_xl_parse_denials(int argc, char **argv, struct sv_xl_args *a);
int sv_xl_cmd_create(struct sv_xl *x, const struct sv_xl_args *a);
int sv_xl_cmd_restore(struct sv_xl *x, const struct sv_xl_args *a);
int sv_xl_cmd_list(struct sv_xl *x, const struct sv_xl_args *a);
int sv_xl_cmd_show(struct sv_xl *x, const struct sv_xl_args *a);
int sv_xl_cmd_verify(struct sv_xl *x, const struct sv_xl_args *a);
int sv_xl_cmd_denials(struct sv_xl *x, const struct sv_xl_args *a);
int sv_xl_parse_migrate(int argc, char **argv, struct sv_xl_args *a);
int sv_xl_parse_unpause(int argc, char **argv, struct sv_xl_args *a);
int sv_xl_cmd_migrate(struct sv_xl *x, const struct sv_xl_args *a);
int sv_xl_cmd_unpause(struct sv_xl *x, const struct sv_xl_args *a);

/* unpause.c: what restore, migrate and unpause share.  The paused domain
 * domid (uuid) runs only once svirtd reports it labelled, every disk
 * carries its label, with Flask its label in Xen is at the pair svirtd
 * gave it, and a stub domain libxl made for it is bound to it; *pair
 * (unless NULL) receives the pair.  Else it stays paused: -1, why printed
 * as "svirt-xl CMD: domain N: ...". */
int sv_xl_unpause_labelled(struct sv_xl *x, const char *cmd, int domid,
			   const char *uuid, struct sv_pair *pair);
/* The domain key names, as xl takes it: a domid, a uuid, else a name (one
 * two domains share is refused); dom0 is refused.  Its domid, its uuid in
 * uuid and its name (malloc'd, NULL if none) in *name; -1, why printed. */
int sv_xl_find_domain(struct sv_xl *x, const char *cmd, const char *key,
		      char uuid[SV_UUID_BUF], char **name);

#endif
