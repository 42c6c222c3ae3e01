/* denials.c: which guests a denial concerns (by the pairs of its contexts,
 * through svirtd's history), and the line or JSON object that says so. */
#include "denials.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "json_out.h"

static const struct sv_hist_entry *guest_of(const char *ctx,
					    const struct sv_history *h,
					    const struct sv_avc *a)
{
	struct sv_pair p;

	if (sv_avc_context_pair(ctx, &p.a, &p.b) < 0)
		return NULL;
	return sv_history_find(h, p, a->has_time, a->sec);
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The object of the guest's record the kernel named: by its path when the
 * record holds it, else by its last component and inode. */
static const char *record_path(const struct sv_record *r, const struct sv_avc *a)
{
	const char *found = NULL;

	for (size_t i = 0; r && i < r->nobjects; i++) {
		const char *p = r->objects[i].path;
		struct stat st;

		if (a->path[0] && strcmp(p, a->path) == 0)
			return p;
		if (!a->name[0] || strcmp(basename_of(p), a->name) != 0)
			continue;
		if (a->ino >= 0 && stat(p, &st) == 0 && (int64_t)st.st_ino != a->ino)
			continue;
		if (found)
			return NULL;	/* two alike: say neither */
		found = p;
	}
	return found;
}

static const char *kind_of(const struct sv_avc *a)
{
	char type[SV_NAME_MAX + 1];

	if (a->source == SV_AVC_XEN)
		return "domain";
	if (strcmp(a->tclass, "packet") == 0)
		return "packets";
	sv_avc_context_type(a->tcontext, type, sizeof(type));
	if (strstr(type, "image_t") && (strcmp(a->tclass, "file") == 0 ||
					strcmp(a->tclass, "blk_file") == 0))
		return "disk";
	if (strcmp(a->tclass, "sock_file") == 0 ||
	    strstr(a->tclass, "socket"))
		return "socket";
	return "object";
}

void sv_denial_attribute(const struct sv_avc *a, const struct sv_history *h,
			 sv_record_lookup lookup, void *arg,
			 struct sv_denial *out)
{
	memset(out, 0, sizeof(*out));
	out->avc = a;
	out->subject = guest_of(a->scontext, h, a);
	out->object = guest_of(a->tcontext, h, a);
	out->kind = kind_of(a);
	if (out->object && !out->object->end && lookup && a->source == SV_AVC_KERNEL)
		out->path = record_path(lookup(arg, out->object->uuid), a);
}

static bool names(const struct sv_hist_entry *e, const char *key)
{
	char id[16];

	if (!e)
		return false;
	snprintf(id, sizeof(id), "%d", e->domid);
	return strcmp(e->name, key) == 0 || strcasecmp(e->uuid, key) == 0 ||
	       strcmp(id, key) == 0;
}

bool sv_denial_about(const struct sv_denial *d, const char *key)
{
	return names(d->subject, key) || names(d->object, key);
}

/* ---- text ---- */

static void q(FILE *f, const char *s)
{
	char buf[SV_QUOTE_BUF];

	fputs(sv_quote(buf, sizeof(buf), s, strlen(s)), f);
}

static void guest_text(FILE *f, const struct sv_hist_entry *e)
{
	if (e->name[0])
		q(f, e->name);
	else
		fputs("(unnamed)", f);
	fprintf(f, " (%s, domain %d%s)", e->uuid, e->domid,
		e->end ? ", ended" : "");
}

static void when(FILE *f, const struct sv_avc *a)
{
	char buf[32];
	struct tm tm;
	time_t t = (time_t)a->sec;

	if (a->has_time && localtime_r(&t, &tm) &&
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
		fprintf(f, "%s ", buf);
	else
		fputs("- ", f);
}

void sv_denial_text(FILE *f, const struct sv_denial *d)
{
	const struct sv_avc *a = d->avc;

	when(f, a);
	if (a->source == SV_AVC_XEN)
		fputs("Xen: ", f);
	if (d->subject) {
		guest_text(f, d->subject);
	} else if (a->source == SV_AVC_XEN) {
		if (a->sdomid >= 0)
			fprintf(f, "domain %d ", a->sdomid);
		fprintf(f, "(%s)", a->scontext);
	} else {
		fputs("process", f);
		if (a->comm[0]) {
			fputc(' ', f);
			q(f, a->comm);
		}
		fprintf(f, " (%s)", a->scontext);
	}
	fprintf(f, " was refused %s", a->perms);
	if (a->source == SV_AVC_XEN) {
		fprintf(f, " (%s) on ", a->tclass);
	} else {
		fputs(" on ", f);
		if (d->path)
			q(f, d->path);
		else if (a->path[0] || a->name[0]) {
			fprintf(f, "%s ", a->tclass);
			q(f, a->path[0] ? a->path : a->name);
		} else {
			fputs(a->tclass, f);
		}
	}
	if (d->object) {
		if (a->source == SV_AVC_KERNEL)
			fprintf(f, ", %s of ", strcmp(d->kind, "disk") == 0 ? "a disk" :
					       strcmp(d->kind, "packets") == 0 ? "the packets" :
					       strcmp(d->kind, "socket") == 0 ? "a socket" :
					       "an object");
		guest_text(f, d->object);
	} else if (a->source == SV_AVC_XEN && a->tdomid >= 0) {
		fprintf(f, "domain %d (%s)", a->tdomid, a->tcontext);
	} else {
		fprintf(f, "%s(%s)", a->source == SV_AVC_XEN ? "" : " ", a->tcontext);
	}
	if (a->permissive == 1)
		fputs(" [permissive: allowed]", f);
	fputc('\n', f);
}

/* ---- JSON ---- */

static void guest_json(FILE *f, const char *key, const struct sv_hist_entry *e)
{
	char pair[SV_PAIR_STRMAX];

	fprintf(f, "\"%s\": ", key);
	if (!e) {
		fputs("null, ", f);
		return;
	}
	sv_pair_format(e->pair, pair, sizeof(pair));
	fputc('{', f);
	sv_json_key(f, "name", e->name, true);
	sv_json_key(f, "uuid", e->uuid, true);
	fprintf(f, "\"domid\": %d, ", e->domid);
	sv_json_key(f, "pair", pair, true);
	fprintf(f, "\"start\": %lld, \"end\": ", (long long)e->start);
	if (e->end)
		fprintf(f, "%lld", (long long)e->end);
	else
		fputs("null", f);
	fputs("}, ", f);
}

void sv_denial_json(FILE *f, const struct sv_denial *d)
{
	const struct sv_avc *a = d->avc;

	fputc('{', f);
	sv_json_key(f, "source", a->source == SV_AVC_XEN ? "xen" : "kernel", true);
	fputs("\"time\": ", f);
	if (a->has_time)
		fprintf(f, "%lld.%03u, ", (long long)a->sec, a->msec);
	else
		fputs("null, ", f);
	sv_json_key(f, "perms", a->perms, true);
	sv_json_key(f, "tclass", a->tclass, true);
	sv_json_key(f, "scontext", a->scontext, true);
	sv_json_key(f, "tcontext", a->tcontext, true);
	sv_json_key(f, "comm", a->comm[0] ? a->comm : NULL, true);
	fprintf(f, "\"pid\": %lld, ", (long long)a->pid);
	sv_json_key(f, "name", a->name[0] ? a->name : NULL, true);
	sv_json_key(f, "path", d->path ? d->path : a->path[0] ? a->path : NULL, true);
	sv_json_key(f, "kind", d->kind, true);
	fprintf(f, "\"permissive\": %s, ", a->permissive == 1 ? "true" : "false");
	guest_json(f, "subject", d->subject);
	guest_json(f, "object", d->object);
	fprintf(f, "\"xen_source_domid\": %d, \"xen_target_domid\": %d}",
		a->sdomid, a->tdomid);
}

/* ---- --since ---- */

int sv_denials_since(const char *s, int64_t now, int64_t *out,
		     struct sv_error *err)
{
	static const struct { char unit; int64_t seconds; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	struct tm tm = { .tm_isdst = -1 };
	size_t n = strlen(s);
	int64_t v = 0;
	const char *end;

	if (s[0] == '@' && n > 1 && n < 19 && strspn(s + 1, "0123456789") == n - 1) {
		for (const char *p = s + 1; *p; p++)
			v = v * 10 + (*p - '0');
		*out = v;
		return 0;
	}
	for (size_t i = 0; n > 1 && n < 12 && i < ARRAY_SIZE(units); i++)
		if (s[n - 1] == units[i].unit &&
		    strspn(s, "0123456789") == n - 1) {
			for (const char *p = s; p < s + n - 1; p++)
				v = v * 10 + (*p - '0');
			*out = now - v * units[i].seconds;
			return 0;
		}
	if (((end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm)) && !*end) ||
	    (memset(&tm, 0, sizeof(tm)), tm.tm_isdst = -1,
	     (end = strptime(s, "%Y-%m-%d %H:%M", &tm)) && !*end) ||
	    (memset(&tm, 0, sizeof(tm)), tm.tm_isdst = -1,
	     (end = strptime(s, "%Y-%m-%d", &tm)) && !*end)) {
		time_t t = mktime(&tm);

		if (t != (time_t)-1) {
			*out = (int64_t)t;
			return 0;
		}
	}
	return sv_fail(err, EINVAL, "--since \"%s\": not @SECONDS, N[smhd] "
		       "or YYYY-MM-DD[ HH:MM[:SS]]", s);
}
