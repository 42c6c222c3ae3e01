/* xl_show.c: `svirt-xl show GUEST`: finding the guest the administrator
 * named, the dom0 processes serving it, and the text and JSON that put its
 * labels side by side with what svirtd gave it. */
#include "xl_show.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_out.h"
#include "mcs.h"
#include "util.h"
#include "uuid.h"

/* ---- which guest ---- */

/* A domid as xl reads one: decimal digits only, no sign, below 2^15. */
static bool parse_domid(const char *s, int *out)
{
	long v = 0;

	if (!*s || strlen(s) > 5)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v > 32767)
		return false;
	*out = (int)v;
	return true;
}

const struct sv_xl_domain *sv_xl_report_find(const struct sv_xl_report *r,
					     const char *key,
					     struct sv_error *err)
{
	char uuid[SV_UUID_BUF], q[SV_QUOTE_BUF];
	const struct sv_xl_domain *found = NULL;
	int domid;
	size_t n = 0;

	sv_quote(q, sizeof(q), key, strlen(key));
	if (parse_domid(key, &domid)) {
		for (size_t i = 0; i < r->n; i++)
			if (r->doms[i].domid == domid)
				return &r->doms[i];
		sv_fail(err, ENOENT, "no domain %d", domid);
		return NULL;
	}
	if (sv_uuid_normalise(key, uuid, NULL) == 0) {
		/* A domain before a reservation of the same uuid (sorted). */
		for (size_t i = 0; i < r->n; i++)
			if (strcmp(r->doms[i].uuid, uuid) == 0)
				return &r->doms[i];
		sv_fail(err, ENOENT, "no domain or reservation has uuid %s", uuid);
		return NULL;
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->doms[i].name && strcmp(r->doms[i].name, key) == 0) {
			found = &r->doms[i];
			n++;
		}
	if (n == 1)
		return found;
	if (n > 1)
		sv_fail(err, EEXIST, "%zu domains are named \"%s\": name it by domid or uuid",
			n, q);
	else
		sv_fail(err, ENOENT, "no domain is named \"%s\"", q);
	return NULL;
}

/* ---- the parts of the view ---- */

void sv_xl_show_clear(struct sv_xl_show *s)
{
	free(s->current);
	free(s->current_err);
	free(s->ports);
	memset(s, 0, sizeof(*s));
}

int sv_xl_show_labels(struct sv_xl_show *s, sv_label_reader read_label,
		      void *arg)
{
	size_t n = s->d->record.nobjects;

	if (n == 0)
		return 0;
	s->current = calloc(n, sizeof(*s->current));
	s->current_err = calloc(n, sizeof(*s->current_err));
	if (!s->current || !s->current_err)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int r = read_label(arg, s->d->record.objects[i].path,
				   s->current[i], sizeof(s->current[i]));

		if (r < 0) {
			s->current[i][0] = '\0';
			s->current_err[i] = -r;
		}
	}
	return 0;
}

struct sv_xl_port *sv_xl_show_add_port(struct sv_xl_show *s, const char *name)
{
	struct sv_xl_port *v = reallocarray(s->ports, s->nports + 1, sizeof(*v));

	if (!v)
		return NULL;
	s->ports = v;
	v = &v[s->nports++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	return v;
}

/* ---- device-model processes ---- */

bool sv_xl_cmdline_serves(const char *argv, size_t len, int domid)
{
	char want[16];
	const char *end = argv + len, *prev = NULL;

	snprintf(want, sizeof(want), "%d", domid);
	for (const char *p = argv; p < end;) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);

		if (prev && n == strlen(want) && memcmp(p, want, n) == 0)
			return true;
		prev = NULL;
		/* qemu takes its options with one dash or two. */
		if ((n == 10 && memcmp(p, "-xen-domid", 10) == 0) ||
		    (n == 11 && memcmp(p, "--xen-domid", 11) == 0))
			prev = p;
		if (!nul)
			break;
		p = nul + 1;
	}
	return false;
}

/* The whole of a small proc file, NUL-terminated; -errno. */
static ssize_t read_small(int dir, const char *name, char *buf, size_t size)
{
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (got < size - 1 &&
	       (n = read(fd, buf + got, size - 1 - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return n;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

static void add_dm(struct sv_xl_show *s, int pdir, pid_t pid,
		   const char *argv, size_t len)
{
	struct sv_xl_dm *dm;
	const char *base;
	ssize_t n;

	if (s->ndms == SV_XL_SHOW_DMS_MAX) {
		s->dms_truncated = true;
		return;
	}
	dm = &s->dms[s->ndms++];
	memset(dm, 0, sizeof(*dm));
	dm->pid = pid;
	base = strrchr(argv, '/');
	base = base ? base + 1 : argv;
	sv_quote(dm->comm, sizeof(dm->comm), base,
		 strnlen(base, len - (size_t)(base - argv)));
	n = read_small(pdir, "attr/current", dm->label, sizeof(dm->label));
	/* The kernel ends it with a NUL (and some with a newline). */
	if (n < 0)
		dm->label[0] = '\0';
	else
		dm->label[strcspn(dm->label, "\n")] = '\0';
}

static int cmp_dm(const void *a, const void *b)
{
	const struct sv_xl_dm *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int sv_xl_show_scan_dms(struct sv_xl_show *s, const char *procdir)
{
	char argv[4096];
	struct dirent *e;
	DIR *d;

	s->ndms = 0;
	s->dms_truncated = false;
	if (s->d->domid <= 0)
		return 0;
	if (!(d = opendir(procdir))) {
		int r = errno;

		snprintf(s->dms_error, sizeof(s->dms_error), "cannot read %s: %s",
			 procdir, strerror(r));
		return -r;
	}
	while ((e = readdir(d))) {
		char *end;
		long pid;
		int pdir;
		ssize_t n;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		errno = 0;
		pid = strtol(e->d_name, &end, 10);
		if (errno || *end || pid <= 0 || pid > (1L << 22))
			continue;
		pdir = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
			      O_NOFOLLOW);
		if (pdir < 0)
			continue;	/* ended meanwhile */
		n = read_small(pdir, "cmdline", argv, sizeof(argv));
		if (n > 0 && sv_xl_cmdline_serves(argv, (size_t)n, s->d->domid))
			add_dm(s, pdir, (pid_t)pid, argv, (size_t)n);
		close(pdir);
	}
	closedir(d);
	qsort(s->dms, s->ndms, sizeof(*s->dms), cmp_dm);
	return 0;
}

/* ---- judging ---- */

/* The MLS part of a context ("s0:c1,c2"), NULL when it has none. */
static const char *mls_of(const char *ctx)
{
	const char *p = ctx;

	for (int i = 0; i < 3; i++) {
		if (!(p = strchr(p, ':')))
			return NULL;
		p++;
	}
	return p;
}

static bool same_level(const char *a, const char *b)
{
	const char *x = mls_of(a), *y = mls_of(b);

	return x && y && strcmp(x, y) == 0;
}

/* The guest's own level is the one svirtd reported for its processes. */
static const char *guest_level(const struct sv_xl_show *s)
{
	return s->d->has_entry && s->d->entry.state != SV_STATE_ERROR ?
	       s->d->entry.process_label : NULL;
}

static bool port_ok(const struct sv_xl_show *s, const struct sv_xl_port *p)
{
	const char *lvl = guest_level(s);
	char obj[SV_SECMARK_OBJ_MAX];

	if (!p->present)
		return true;	/* nothing to label (yet) */
	if (p->error[0] || !lvl || p->nnlbl == 0 || p->blocked)
		return false;
	for (size_t i = 0; i < p->nnlbl; i++) {
		const char *ctx = strchr(p->nlbl[i], ' ');

		if (!ctx || !same_level(ctx + 1, lvl))
			return false;
	}
	return sv_secmark_obj_name(s->d->entry.pair, obj, sizeof(obj)) == 0 &&
	       strcmp(obj, p->map_obj) == 0;
}

static bool dm_ok(const struct sv_xl_show *s, const struct sv_xl_dm *dm)
{
	const char *lvl = guest_level(s);

	return lvl && dm->label[0] && same_level(dm->label, lvl);
}

static bool object_ok(const struct sv_xl_show *s, size_t i)
{
	return s->current && !s->current_err[i] &&
	       strcmp(s->current[i], s->d->record.objects[i].label) == 0;
}

size_t sv_xl_show_problems(const struct sv_xl_show *s)
{
	const struct sv_xl_domain *d = s->d;
	size_t bad = 0;

	if (!d->has_entry || d->entry.state == SV_STATE_ERROR || d->record_error ||
	    s->ports_error[0] || s->dms_error[0])
		bad++;
	/* An allocated guest is being labelled: its objects are on the way. */
	if (d->has_entry && d->entry.state != SV_STATE_ALLOCATED)
		for (size_t i = 0; i < d->record.nobjects; i++)
			bad += !object_ok(s, i);
	for (size_t i = 0; i < s->nports; i++)
		bad += !port_ok(s, &s->ports[i]);
	for (size_t i = 0; i < s->ndms; i++)
		bad += !dm_ok(s, &s->dms[i]);
	return bad;
}

/* ---- text ---- */

static const char *shown(char *buf, size_t size, const char *s)
{
	return s ? sv_quote(buf, size, s, strlen(s)) : "-";
}

static void text_domain(FILE *f, const struct sv_xl_show *s)
{
	const struct sv_xl_domain *d = s->d;
	const struct sv_control_entry *e = d->has_entry ? &d->entry : NULL;
	char q[SV_QUOTE_BUF], pair[SV_PAIR_STRMAX] = "-";

	if (e && sv_pair_format(e->pair, pair, sizeof(pair)) < 0)
		strcpy(pair, "?");
	fprintf(f, "name          %s\n", shown(q, sizeof(q), d->name));
	fprintf(f, "uuid          %s\n", d->uuid[0] ? d->uuid : "-");
	if (d->domid >= 0)
		fprintf(f, "domid         %d\n", d->domid);
	else
		fputs("domid         - (a reservation: no domain yet)\n", f);
	fprintf(f, "run state     %s\n", d->run_state ? d->run_state : "-");
	if (!e)
		fputs("svirt state   - (svirtd does not know this domain)\n", f);
	else if (e->state == SV_STATE_ERROR)
		fprintf(f, "svirt state   error: %s\n", shown(q, sizeof(q), e->reason));
	else
		fprintf(f, "svirt state   %s\n", sv_dom_state_name(e->state));
	fprintf(f, "pair          %s\n", pair);
	fprintf(f, "dom0 label    %s\n", e ? e->process_label : "-");
	fprintf(f, "image label   %s\n", e ? e->image_label : "-");
	if (s->flask)
		fprintf(f, "flask label   %s\n", d->flask_label ? d->flask_label : "-");
	else
		fputs("flask label   - (Xen runs without Flask)\n", f);
	if (e && e->target)
		fprintf(f, "stub domain   of domain %d, whose pair and objects it shares\n",
			e->target);
	if (d->outside)
		fprintf(f, "outside dom0  %s (not labelled by svirt-xen)\n",
			shown(q, sizeof(q), d->outside));
}

static void text_objects(FILE *f, const struct sv_xl_show *s)
{
	const struct sv_record *rec = &s->d->record;
	char p[SV_QUOTE_BUF];

	if (s->d->record_error) {
		fprintf(f, "objects       unknown: %s\n", s->d->record_error);
		return;
	}
	fprintf(f, "objects       %zu\n", rec->nobjects);
	for (size_t i = 0; i < rec->nobjects; i++) {
		const struct sv_object *o = &rec->objects[i];

		fprintf(f, "  %s\n", shown(p, sizeof(p), o->path));
		fprintf(f, "    expected  %s\n", o->label);
		if (!s->current)
			fputs("    carries   (not read)\n", f);
		else if (s->current_err[i])
			fprintf(f, "    carries   (cannot read: %s)\n",
				strerror(s->current_err[i]));
		else
			fprintf(f, "    carries   %s%s\n", s->current[i],
				object_ok(s, i) ? "" : "   <- not svirtd's label");
		fprintf(f, "    restored  %s\n", o->orig_label);
	}
}

static void text_ports(FILE *f, const struct sv_xl_show *s)
{
	if (s->ports_error[0]) {
		fprintf(f, "ports         unknown: %s\n", s->ports_error);
		return;
	}
	fprintf(f, "ports         %zu\n", s->nports);
	for (size_t i = 0; i < s->nports; i++) {
		const struct sv_xl_port *p = &s->ports[i];

		fprintf(f, "  %s%s\n", p->name,
			p->present ? "" : "   (no such interface in dom0 yet)");
		if (!p->present)
			continue;
		if (p->error[0]) {
			fprintf(f, "    error     %s\n", p->error);
			continue;
		}
		if (p->nnlbl == 0)
			fputs("    netlabel  none   <- its traffic carries no guest's label\n", f);
		for (size_t j = 0; j < p->nnlbl; j++)
			fprintf(f, "    netlabel  %s\n", p->nlbl[j]);
		fprintf(f, "    port map  %s\n", p->map_obj[0] ? p->map_obj : "none");
		if (p->blocked)
			fputs("    blocked   its frames are dropped until its NetLabel entries are in place\n",
			      f);
		if (!port_ok(s, p))
			fputs("    problem   not labelled at the guest's pair\n", f);
	}
}

static void text_dms(FILE *f, const struct sv_xl_show *s)
{
	if (s->dms_error[0]) {
		fprintf(f, "device models unknown: %s\n", s->dms_error);
		return;
	}
	fprintf(f, "device models %zu%s\n", s->ndms,
		s->dms_truncated ? " (more not listed)" : "");
	for (size_t i = 0; i < s->ndms; i++) {
		const struct sv_xl_dm *dm = &s->dms[i];

		fprintf(f, "  pid %d %s  %s%s\n", (int)dm->pid, dm->comm,
			dm->label[0] ? dm->label : "(label unreadable)",
			dm_ok(s, dm) ? "" : "   <- not at the guest's pair");
	}
}

void sv_xl_show_text(FILE *f, const struct sv_xl_show *s)
{
	text_domain(f, s);
	text_objects(f, s);
	text_ports(f, s);
	text_dms(f, s);
}

/* ---- JSON ---- */

static void json_objects(FILE *f, const struct sv_xl_show *s)
{
	const struct sv_record *rec = &s->d->record;

	fputs("\"objects\": [", f);
	for (size_t i = 0; i < rec->nobjects; i++) {
		const struct sv_object *o = &rec->objects[i];
		bool have = s->current && !s->current_err[i];

		fputs(i ? ", {" : "{", f);
		sv_json_key(f, "path", o->path, true);
		sv_json_key(f, "expected", o->label, true);
		sv_json_key(f, "current", have ? s->current[i] : NULL, true);
		sv_json_key(f, "error", s->current && s->current_err[i] ?
			 strerror(s->current_err[i]) : NULL, true);
		sv_json_key(f, "original", o->orig_label, true);
		fprintf(f, "\"ok\": %s}", object_ok(s, i) ? "true" : "false");
	}
	fputs("], ", f);
}

static void json_ports(FILE *f, const struct sv_xl_show *s)
{
	sv_json_key(f, "ports_error", s->ports_error[0] ? s->ports_error : NULL, true);
	fputs("\"ports\": [", f);
	for (size_t i = 0; i < s->nports; i++) {
		const struct sv_xl_port *p = &s->ports[i];

		fputs(i ? ", {" : "{", f);
		sv_json_key(f, "name", p->name, true);
		fprintf(f, "\"present\": %s, ", p->present ? "true" : "false");
		sv_json_key(f, "error", p->error[0] ? p->error : NULL, true);
		fputs("\"netlabel\": [", f);
		for (size_t j = 0; j < p->nnlbl; j++) {
			fputs(j ? ", " : "", f);
			sv_json_str(f, p->nlbl[j]);
		}
		fputs("], ", f);
		sv_json_key(f, "map", p->map_obj[0] ? p->map_obj : NULL, true);
		fprintf(f, "\"blocked\": %s, \"ok\": %s}", p->blocked ? "true" : "false",
			port_ok(s, p) ? "true" : "false");
	}
	fputs("], ", f);
}

static void json_dms(FILE *f, const struct sv_xl_show *s)
{
	sv_json_key(f, "device_models_error", s->dms_error[0] ? s->dms_error : NULL,
		 true);
	fputs("\"device_models\": [", f);
	for (size_t i = 0; i < s->ndms; i++) {
		const struct sv_xl_dm *dm = &s->dms[i];

		fprintf(f, "%s{\"pid\": %d, ", i ? ", " : "", (int)dm->pid);
		sv_json_key(f, "name", dm->comm, true);
		sv_json_key(f, "label", dm->label[0] ? dm->label : NULL, true);
		fprintf(f, "\"ok\": %s}", dm_ok(s, dm) ? "true" : "false");
	}
	fprintf(f, "], \"device_models_truncated\": %s, ",
		s->dms_truncated ? "true" : "false");
}

void sv_xl_show_json(FILE *f, const struct sv_xl_show *s)
{
	fputc('{', f);
	sv_xl_domain_json_fields(f, s->d);
	fprintf(f, "\"flask\": %s, ", s->flask ? "true" : "false");
	json_objects(f, s);
	json_ports(f, s);
	json_dms(f, s);
	fprintf(f, "\"problems\": %zu}\n", sv_xl_show_problems(s));
}
