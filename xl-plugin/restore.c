/* restore.c: svirt-xl restore: `xl restore -p`, wait until svirtd has labelled the new
 * domain and its disks, unpause; on any failure destroy it.  The guest never runs unlabelled. */
#include "svirt-xl.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* xl restore's options that change nothing svirt-xl relies on; -p is
 * svirt-xl's, -V and -A would start a viewer, -c a console that blocks. */
static const char *const passed_options[] = {
	"-d", "-e", "--ignore-global-affinity-masks",
};
#define MAX_XL_OPTIONS 4	/* of SV_XL_MAX_OPTIONS */

struct restore {
	struct sv_xl *x;
	const struct sv_xl_args *a;
	int domid;		/* -1 until found */
	char uuid[SV_UUID_BUF];
};

static int fail(const char *fmt, ...) _printf_(1, 2);
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("svirt-xl restore: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int sv_xl_parse_restore(int argc, char **argv, struct sv_xl_args *a)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		bool ok = false;

		for (size_t k = 0; k < ARRAY_SIZE(passed_options); k++)
			ok = ok || strcmp(argv[i], passed_options[k]) == 0;
		if (!ok)
			return fail("xl option \"%s\" is not supported (svirt-xl passes on only "
				    "-d, -e and --ignore-global-affinity-masks; it runs -p itself)",
				    argv[i]);
		if (a->nopts == MAX_XL_OPTIONS)
			return fail("too many options");
		a->xl_opts[a->nopts++] = argv[i];
	}
	/* A config file beside the save file would replace the one saved with
	 * the guest, which svirt-xl create derived: not this command's job. */
	if (argc - i != 1)
		return fail(argc - i == 0 ? "no save file given" :
			    "give the save file alone: the guest is restored with the "
			    "config saved in it");
	a->file = argv[i];
	return 0;
}

/* Every domain's id now, to tell the restored one by. */
static int domids(struct sv_xl *x, int **out, int *n)
{
	libxl_dominfo *info;
	int *v;

	*n = 0;
	if (!(info = libxl_list_domain(x->ctx, n)))
		return fail("libxl cannot list the domains");
	if (!(v = calloc(*n > 0 ? (size_t)*n : 1, sizeof(*v)))) {
		libxl_dominfo_list_free(info, *n);
		return fail("out of memory");
	}
	for (int i = 0; i < *n; i++)
		v[i] = (int)info[i].domid;
	libxl_dominfo_list_free(info, *n);
	*out = v;
	return 0;
}

static bool in(const int *v, int n, int domid)
{
	for (int i = 0; i < n; i++)
		if (v[i] == domid)
			return true;
	return false;
}

/* The domain xl restore made: the one that was not there before.  The
 * save file names the guest only inside libxl's own format, so the domain
 * is told by its appearance; another domain created meanwhile makes that
 * ambiguous, and then none is touched. */
static int find_new(struct restore *c, const int *before, int nbefore)
{
	libxl_dominfo *info;
	int n = 0, found = -1, more = 0;

	if (!(info = libxl_list_domain(c->x->ctx, &n)))
		return fail("libxl cannot list the domains");
	for (int i = 0; i < n; i++) {
		if (info[i].domid == 0 || in(before, nbefore, (int)info[i].domid))
			continue;
		if (found >= 0) {
			more++;
			continue;
		}
		found = (int)info[i].domid;
		snprintf(c->uuid, sizeof(c->uuid), LIBXL_UUID_FMT,
			 LIBXL_UUID_BYTES(info[i].uuid));
	}
	libxl_dominfo_list_free(info, n);
	if (found < 0)
		return fail("xl restore made no new domain");
	if (more)
		return fail("%d domains appeared while xl restored (domain %d and %d more): "
			    "which is the restored guest cannot be told; none is unpaused, "
			    "and none destroyed: look with `xl list` and `svirt-xl list`",
			    more + 1, found, more);
	c->domid = found;
	return 0;
}

static int restore(struct restore *c)
{
	const char *argv[MAX_XL_OPTIONS + 5];
	_cleanup_free_ int *before = NULL;
	struct sv_pair pair;
	char p[SV_PAIR_STRMAX];
	int n = 0, nbefore = 0;

	if (domids(c->x, &before, &nbefore) < 0)
		return -1;
	argv[n++] = c->x->conf.xl;
	argv[n++] = "restore";
	argv[n++] = "-p";
	for (int i = 0; i < c->a->nopts; i++)
		argv[n++] = c->a->xl_opts[i];
	argv[n++] = c->a->file;
	argv[n] = NULL;
	/* xl destroys what it made when it fails: a domain that appeared
	 * meanwhile is then someone else's, and is left alone. */
	if (sv_xl_run("restore", argv) < 0)
		return -1;
	if (find_new(c, before, nbefore) < 0) {
		c->domid = -1;
		return -1;
	}
	/* With Flask, the label Xen gives the restored domain is the one saved
	 * with it: svirtd takes the pair from it (issue 17 item 3), and it
	 * must be the configured base at that pair. */
	if (sv_xl_unpause_labelled(c->x, "restore", c->domid, c->uuid, &pair) < 0)
		return -1;
	sv_pair_format(pair, p, sizeof(p));
	printf("svirt-xl: domain %d (uuid %s) restored with pair %s, labelled, unpaused\n",
	       c->domid, c->uuid, p);
	return 0;
}

int sv_xl_cmd_restore(struct sv_xl *x, const struct sv_xl_args *a)
{
	struct restore c = { .x = x, .a = a, .domid = -1 };
	int r;

	sv_xl_signals(SIG_IGN);
	r = restore(&c);
	if (r < 0 && c.domid > 0) {
		if (libxl_domain_destroy(x->ctx, (uint32_t)c.domid, NULL) == 0)
			fprintf(stderr, "svirt-xl restore: destroyed domain %d; the save "
				"file is kept\n", c.domid);
		else
			fprintf(stderr, "svirt-xl restore: cannot destroy domain %d; "
				"destroy it by hand\n", c.domid);
	}
	return r < 0 ? 1 : 0;
}
