/* history.c: svirtd's record of which guest held which pair when: its text
 * form (one parser for the file and the HISTORY reply), bounds and file. */
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "util.h"

void sv_history_clear(struct sv_history *h)
{
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

/* ---- one line ---- */

/* Canonical (what sv_uuid_normalise gives back unchanged), not nil. */
static bool uuid_ok(const char *uuid)
{
	char canon[SV_UUID_BUF];

	return memchr(uuid, '\0', SV_UUID_BUF) &&
	       sv_uuid_normalise(uuid, canon, NULL) == 0 &&
	       strcmp(canon, uuid) == 0 && !sv_uuid_is_nil(uuid);
}

static bool plain(unsigned char b)
{
	return b >= 0x21 && b <= 0x7e && b != '%';
}

static bool entry_valid(const struct sv_hist_entry *e)
{
	return e->start >= 0 && e->end >= 0 && (e->end == 0 || e->end >= e->start) &&
	       e->domid >= 1 && e->domid <= SV_CONTROL_DOMID_MAX &&
	       uuid_ok(e->uuid) && sv_pair_valid(e->pair) &&
	       memchr(e->name, '\0', sizeof(e->name)) != NULL;
}

int sv_history_line_format(const struct sv_hist_entry *e, char *buf,
			   size_t size)
{
	char line[SV_HISTORY_LINE_MAX], pair[SV_PAIR_STRMAX], end[24];
	size_t n;
	int w;

	if (!entry_valid(e) || sv_pair_format(e->pair, pair, sizeof(pair)) < 0)
		return -EINVAL;
	if (e->end)
		snprintf(end, sizeof(end), "%lld", (long long)e->end);
	else
		snprintf(end, sizeof(end), "-");
	w = snprintf(line, sizeof(line), "past %lld %s domain %d uuid %s pair %s name ",
		     (long long)e->start, end, e->domid, e->uuid, pair);
	n = (size_t)w;
	if (!e->name[0] || strcmp(e->name, "-") == 0) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s",
				      e->name[0] ? "%2D" : "-");
	} else {
		for (const unsigned char *p = (const unsigned char *)e->name; *p; p++)
			n += (size_t)snprintf(line + n, sizeof(line) - n,
					      plain(*p) ? "%c" : "%%%02X", *p);
	}
	if (n + 1 > size)
		return -ENOSPC;
	memcpy(buf, line, n + 1);
	return (int)n;
}

/* The next space-separated token; *s and *len advance past it. */
static bool token(const char **s, size_t *len, const char **t, size_t *tn)
{
	const char *sp = memchr(*s, ' ', *len);

	*t = *s;
	*tn = sp ? (size_t)(sp - *s) : *len;
	if (*tn == 0)
		return false;
	*s += *tn + (sp ? 1 : 0);
	*len -= *tn + (sp ? 1 : 0);
	return !sp || *len > 0;	/* no trailing space */
}

static bool is(const char *t, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(t, word, n) == 0;
}

static bool decimal(const char *t, size_t n, int64_t max, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > 18 || (n > 1 && t[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return false;
		v = v * 10 + (t[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static int hexdigit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool unescape(const char *t, size_t n, char *out, size_t size)
{
	size_t o = 0;

	if (is(t, n, "-")) {
		out[0] = '\0';
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)t[i];

		if (b == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return false;
			hi = hexdigit(t[i + 1]);
			lo = hexdigit(t[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			b = (unsigned char)(hi << 4 | lo);
			/* One spelling: only what must be escaped is. */
			if (b == 0 || (plain(b) && !(b == '-' && n == 3)))
				return false;
			i += 2;
		} else if (!plain(b)) {
			return false;
		}
		if (o + 1 >= size)
			return false;
		out[o++] = (char)b;
	}
	out[o] = '\0';
	return true;
}

int sv_history_line_parse(const char *s, size_t len, struct sv_hist_entry *e,
			  struct sv_error *err)
{
	static const char *const keys[] = { "past", NULL, NULL, "domain", NULL,
					    "uuid", NULL, "pair", NULL, "name", NULL };
	struct sv_hist_entry x = { .start = 0 };
	const char *t[ARRAY_SIZE(keys)];
	size_t tn[ARRAY_SIZE(keys)];
	char buf[SV_PAIR_STRMAX];
	int64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!token(&s, &len, &t[i], &tn[i]))
			return sv_fail(err, EINVAL, "history line: token %zu is "
				       "missing or has a stray space", i + 1);
		if (keys[i] && !is(t[i], tn[i], keys[i]))
			return sv_fail(err, EINVAL, "history line: token %zu is "
				       "not \"%s\"", i + 1, keys[i]);
	}
	if (len)
		return sv_fail(err, EINVAL, "history line: extra tokens");
	if (!decimal(t[1], tn[1], INT64_MAX / 2, &x.start))
		return sv_fail(err, EINVAL, "history line: bad start time");
	if (!is(t[2], tn[2], "-") && (!decimal(t[2], tn[2], INT64_MAX / 2, &x.end) ||
				      x.end == 0 || x.end < x.start))
		return sv_fail(err, EINVAL, "history line: bad end time");
	if (!decimal(t[4], tn[4], SV_CONTROL_DOMID_MAX, &v) || v < 1)
		return sv_fail(err, EINVAL, "history line: bad domid");
	x.domid = (int)v;
	if (tn[6] != SV_UUID_BUF - 1)
		return sv_fail(err, EINVAL, "history line: bad uuid");
	memcpy(x.uuid, t[6], tn[6]);
	x.uuid[tn[6]] = '\0';
	if (!uuid_ok(x.uuid))
		return sv_fail(err, EINVAL, "history line: bad uuid");
	if (tn[8] >= sizeof(buf))
		return sv_fail(err, EINVAL, "history line: bad pair");
	memcpy(buf, t[8], tn[8]);
	buf[tn[8]] = '\0';
	if (sv_pair_parse(buf, &x.pair, NULL) < 0 ||
	    sv_pair_format(x.pair, buf + 0, sizeof(buf)) < 0 || !is(t[8], tn[8], buf))
		return sv_fail(err, EINVAL, "history line: bad pair");
	if (!unescape(t[10], tn[10], x.name, sizeof(x.name)))
		return sv_fail(err, EINVAL, "history line: bad name");
	*e = x;
	return 0;
}

/* ---- the file and the reply ---- */

int sv_history_parse(const char *buf, size_t len, bool reply,
		     struct sv_history *out, struct sv_error *err)
{
	const char *nl = memchr(buf, '\n', len), *p;
	struct sv_history h = { 0 };
	char head[64];
	size_t hl;
	int64_t n;
	int r = 0;

	if (!nl || buf[len - 1] != '\n' || memchr(buf, '\0', len))
		return sv_fail(err, EINVAL, "history: not lines of text");
	hl = (size_t)(nl - buf);
	if (reply && hl > 4 && memcmp(buf, "ERR ", 4) == 0) {
		struct sv_control_reply rep = { 0 };

		r = sv_control_reply_parse(buf, len, &rep, err);
		if (r < 0)
			return r;
		r = sv_fail(err, rep.error, "svirtd: %s", rep.message);
		sv_control_reply_clear(&rep);
		return r;
	}
	snprintf(head, sizeof(head), "%s", reply ? "OK " : "svirt-history 1 ");
	if (hl <= strlen(head) || memcmp(buf, head, strlen(head)) != 0 ||
	    !decimal(buf + strlen(head), hl - strlen(head),
		     SV_HISTORY_ENTRIES_MAX * 4, &n))
		return sv_fail(err, EINVAL, "history: line 1 is not \"%s<n>\"", head);
	if (len - hl - 1 > SV_HISTORY_BYTES_MAX)
		return sv_fail(err, EINVAL, "history: longer than %d bytes",
			       SV_HISTORY_BYTES_MAX);
	p = nl + 1;
	for (const char *q = p; (q = memchr(q, '\n', (size_t)(buf + len - q))); q++)
		h.n++;
	if (h.n != (size_t)n)
		return sv_fail(err, EINVAL, "history: %lld entries announced, %zu follow",
			       (long long)n, h.n);
	if (h.n && !(h.v = calloc(h.n, sizeof(*h.v))))
		return -ENOMEM;
	for (size_t i = 0; i < h.n && r == 0; i++) {
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		r = sv_history_line_parse(p, (size_t)(nl - p), &h.v[i], err);
		if (r < 0)
			sv_fail_prefix(err, EINVAL, "line %zu", i + 2);
		p = nl + 1;
	}
	if (r < 0) {
		sv_history_clear(&h);
		return r;
	}
	*out = h;
	return 0;
}

int sv_history_format(const struct sv_history *h, bool reply, char **out,
		      size_t *len)
{
	size_t cap = 64 + h->n * SV_HISTORY_LINE_MAX, n;
	char *text = malloc(cap);

	if (!text)
		return -ENOMEM;
	n = (size_t)snprintf(text, cap, reply ? "OK %zu\n" : "svirt-history 1 %zu\n", h->n);
	for (size_t i = 0; i < h->n; i++) {
		int w = sv_history_line_format(&h->v[i], text + n, cap - n);

		if (w < 0) {
			free(text);
			return w;
		}
		n += (size_t)w;
		text[n++] = '\n';
	}
	text[n] = '\0';
	*out = text;
	*len = n;
	return 0;
}

int sv_history_load(const char *path, struct sv_history *out,
		    struct sv_error *err)
{
	size_t cap = SV_HISTORY_BYTES_MAX + 64, len = 0;
	_cleanup_free_ char *buf = malloc(cap + 1);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t r;
	int ret;

	if (fd < 0)
		return errno == ENOENT ? -ENOENT
				       : sv_fail(err, errno, "%s: %m", path);
	if (!buf)
		return -ENOMEM;
	while ((r = read(fd, buf + len, cap + 1 - len)) > 0 && len + (size_t)r <= cap)
		len += (size_t)r;
	if (r < 0)
		return sv_fail(err, errno, "%s: %m", path);
	if (r > 0)
		return sv_fail(err, EINVAL, "%s: longer than %zu bytes", path, cap);
	ret = sv_history_parse(buf, len, false, out, err);
	if (ret < 0)
		sv_fail_prefix(err, -ret, "%s", path);
	return ret;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int sv_history_save(const char *path, const struct sv_history *h,
		    struct sv_error *err)
{
	_cleanup_free_ char *text = NULL;
	char tmp[PATH_MAX], dir[PATH_MAX];
	_cleanup_close_ int fd = -1;
	_cleanup_close_ int dfd = -1;
	char *slash;
	size_t len;
	int r = sv_history_format(h, false, &text, &len);

	if (r < 0)
		return sv_fail(err, -r, "%s: cannot format the history", path);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return sv_fail(err, ENAMETOOLONG, "%s: name too long", path);
	snprintf(dir, sizeof(dir), "%s", path);
	if (!(slash = strrchr(dir, '/')))
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir] = '\0';	/* "/history": the root */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return sv_fail(err, errno, "%s: %m", tmp);
	if ((r = write_all(fd, text, len)) < 0 || (fsync(fd) < 0 && (r = -errno)))
		return sv_fail(err, -r, "%s: %s", tmp, strerror(-r));
	if (rename(tmp, path) < 0)
		return sv_fail(err, errno, "%s: rename: %m", path);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		return sv_fail(err, errno, "%s: fsync: %m", dir);
	return 0;
}

/* ---- keeping it ---- */

static size_t line_bytes(const struct sv_hist_entry *e)
{
	char line[SV_HISTORY_LINE_MAX];
	int n = sv_history_line_format(e, line, sizeof(line));

	return n < 0 ? 0 : (size_t)n + 1;
}

bool sv_history_trim(struct sv_history *h)
{
	size_t bytes = 0, drop = 0;
	bool changed = false;

	for (size_t i = 0; i < h->n; i++)
		bytes += line_bytes(&h->v[i]);
	while (h->n > SV_HISTORY_ENTRIES_MAX || bytes > SV_HISTORY_BYTES_MAX) {
		/* The oldest ended one; with none ended, the oldest. */
		drop = 0;
		for (size_t i = 0; i < h->n; i++)
			if (h->v[i].end) {
				drop = i;
				break;
			}
		bytes -= line_bytes(&h->v[drop]);
		memmove(&h->v[drop], &h->v[drop + 1],
			(h->n - drop - 1) * sizeof(*h->v));
		h->n--;
		changed = true;
	}
	return changed;
}

static bool same(const struct sv_hist_entry *e, const struct sv_hist_live *l)
{
	return e->domid == l->domid && strcmp(e->uuid, l->uuid) == 0 &&
	       e->pair.a == l->pair.a && e->pair.b == l->pair.b;
}

int sv_history_sync(struct sv_history *h, const struct sv_hist_live *live,
		    size_t n, int64_t now)
{
	bool changed = false;
	size_t add = 0;

	for (size_t i = 0; i < h->n; i++) {
		struct sv_hist_entry *e = &h->v[i];
		bool alive = false;

		for (size_t j = 0; e->end == 0 && j < n && !alive; j++)
			alive = same(e, &live[j]);
		if (e->end == 0 && !alive) {
			e->end = now > e->start ? now : e->start;
			changed = true;
		}
	}
	for (size_t j = 0; j < n; j++) {
		bool open = false;

		for (size_t i = 0; i < h->n && !open; i++)
			if (h->v[i].end == 0 && same(&h->v[i], &live[j])) {
				open = true;
				if (live[j].name[0] && strncmp(h->v[i].name, live[j].name,
							       SV_HISTORY_NAME_MAX) != 0) {
					snprintf(h->v[i].name, sizeof(h->v[i].name),
						 "%s", live[j].name);
					changed = true;
				}
			}
		add += !open;
	}
	if (add) {
		struct sv_hist_entry *v = reallocarray(h->v, h->n + add, sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->v = v;
		for (size_t j = 0; j < n; j++) {
			struct sv_hist_entry *e = &v[h->n];
			bool open = false;

			for (size_t i = 0; i < h->n && !open; i++)
				open = h->v[i].end == 0 && same(&h->v[i], &live[j]);
			if (open || !uuid_ok(live[j].uuid))
				continue;
			memset(e, 0, sizeof(*e));
			e->start = now;
			e->domid = live[j].domid;
			snprintf(e->uuid, sizeof(e->uuid), "%s", live[j].uuid);
			e->pair = live[j].pair;
			snprintf(e->name, sizeof(e->name), "%s", live[j].name);
			h->n++;
			changed = true;
		}
	}
	return sv_history_trim(h) || changed;
}

/* Refusals are logged a moment after the act, and a guest's processes may
 * outlive its domain by as much: a little slack at either end. */
#define SLACK_SECONDS 5

const struct sv_hist_entry *sv_history_find(const struct sv_history *h,
					    struct sv_pair pair, bool has_time,
					    int64_t t)
{
	const struct sv_hist_entry *live = NULL, *last = NULL, *at = NULL;

	for (size_t i = 0; i < h->n; i++) {
		const struct sv_hist_entry *e = &h->v[i];

		if (e->pair.a != pair.a || e->pair.b != pair.b)
			continue;
		last = e;
		if (!e->end)
			live = e;
		if (has_time && t + SLACK_SECONDS >= e->start &&
		    (!e->end || t <= e->end + SLACK_SECONDS))
			at = e;	/* the latest tenure that covers t */
	}
	if (has_time)
		return at;
	return live ? live : last;
}
