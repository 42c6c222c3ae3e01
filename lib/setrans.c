/* setrans.c: mcstrans translations for guests: names checked, the administrator's setrans
 * files read (as mcstransd reads them), svirtd's file rendered and replaced atomically. */
#include "setrans.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- guest names ---- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.';
}

int sv_setrans_name(const char *guest, char *out, size_t size, const char **why)
{
	size_t n = strlen(guest);

	if (n == 0)
		return *why = "no name", -EINVAL;
	if (n > SV_SETRANS_NAME_MAX || n >= size)
		return *why = "name too long for a translation", -EINVAL;
	if (!((guest[0] >= 'a' && guest[0] <= 'z') ||
	      (guest[0] >= 'A' && guest[0] <= 'Z')))
		return *why = "name does not start with a letter", -EINVAL;
	/* mcstrans reads "s<digits>" as a sensitivity, "c<digits>" as a
	 * category: such a name could be taken for a level. */
	if (strchr("sScC", guest[0]) && guest[1] >= '0' && guest[1] <= '9')
		return *why = "name could be read as a level or category", -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (guest[i] == '-') {
			out[i] = '_';
			continue;
		}
		if (!name_char(guest[i]))
			return *why = "name has a character mcstrans treats "
				      "specially or cannot show", -EINVAL;
		out[i] = guest[i];
	}
	out[n] = '\0';
	return 0;
}

/* ---- one line, as mcstrans splits it ---- */

static char *skip_blanks(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static void trim_end(char *s, const char *blanks)
{
	size_t n = strlen(s);

	while (n > 0 && strchr(blanks, s[n - 1]))
		s[--n] = '\0';
}

int sv_setrans_line(char *line, char **raw, char **text, char *op)
{
	char *hash, *delim;

	line = skip_blanks(line);
	if ((hash = strchr(line, '#')))
		*hash = '\0';
	trim_end(line, " \t\r\n");
	if (*line == '\0')
		return 0;
	if (!(delim = strpbrk(line, "=!>")))
		return -EINVAL;
	*op = *delim;
	*delim = '\0';
	trim_end(line, " \t");
	*raw = line;
	*text = skip_blanks(delim + 1);
	if (**raw == '\0' || **text == '\0')
		return -EINVAL;
	return 1;
}

/* ---- the administrator's files ---- */

struct admin_parse {
	struct sv_setrans_admin *a;
	const char *own;
	bool follow;
	bool in_group;		/* mcstrans keeps this across included files */
	struct sv_error *err;
};

static int parse_text(struct admin_parse *p, const char *data, size_t len,
		      const char *name, unsigned depth);

static int add_entry(struct sv_setrans_admin *a, const char *level,
		     const char *text)
{
	char *l, *t;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		char **nl = realloc(a->level, cap * sizeof(*nl));

		if (!nl)
			return -ENOMEM;
		a->level = nl;
		char **nt = realloc(a->text, cap * sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		a->text = nt;
		a->cap = cap;
	}
	if (!(l = strdup(level)))
		return -ENOMEM;
	if (!(t = strdup(text))) {
		free(l);
		return -ENOMEM;
	}
	for (char *c = t; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	a->level[a->n] = l;
	a->text[a->n++] = t;
	return 0;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int read_whole(const char *path, char **out, size_t *len,
		      struct sv_error *err)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	if (!f)
		return sv_fail(err, errno, "%s: cannot open: %s", path,
			       strerror(errno));
	if (!(buf = malloc(SV_SETRANS_FILE_MAX + 1))) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, SV_SETRANS_FILE_MAX + 1, f);
	if (ferror(f) || n > SV_SETRANS_FILE_MAX) {
		bool big = !ferror(f);

		fclose(f);
		free(buf);
		return sv_fail(err, big ? EFBIG : EIO, "%s: %s", path,
			       big ? "too large" : "cannot read");
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int include(struct admin_parse *p, const char *pattern,
		   const char *name, unsigned line, unsigned depth)
{
	glob_t g = { 0 };
	int r = 0, gr;

	/* svirtd's file may not exist yet (its first write): the pattern
	 * naming it still includes it. */
	if (p->own && fnmatch(pattern, p->own, FNM_PATHNAME) == 0) {
		p->a->own_included = true;
		p->a->own_in_group |= p->in_group;
	}
	if (!p->follow)
		return 0;
	if (depth >= SV_SETRANS_DEPTH_MAX)
		return sv_fail(p->err, ELOOP, "%s:%u: Include nested more "
			       "than %d deep", name, line, SV_SETRANS_DEPTH_MAX);
	gr = glob(pattern, GLOB_ERR, NULL, &g);
	if (gr == GLOB_NOMATCH)
		return 0;
	if (gr != 0) {
		globfree(&g);
		return sv_fail(p->err, EIO, "%s:%u: Include: cannot list the "
			       "files it names", name, line);
	}
	for (size_t i = 0; i < g.gl_pathc && r == 0; i++) {
		_cleanup_free_ char *data = NULL;
		size_t len;

		if (p->own && same_file(g.gl_pathv[i], p->own)) {
			p->a->own_included = true;
			p->a->own_in_group |= p->in_group;
			continue;
		}
		if ((r = read_whole(g.gl_pathv[i], &data, &len, p->err)) == 0)
			r = parse_text(p, data, len, g.gl_pathv[i], depth + 1);
	}
	globfree(&g);
	return r;
}

static int parse_line(struct admin_parse *p, char *buf, const char *name,
		      unsigned line, unsigned depth)
{
	char *raw, *text, op;
	int r = sv_setrans_line(buf, &raw, &text, &op);

	if (r == 0)
		return 0;
	if (r < 0)
		return sv_fail(p->err, EINVAL, "%s:%u: not a setrans line "
			       "(mcstransd would refuse the file)", name, line);
	if (op != '=')
		return 0;	/* a constraint: translates nothing */
	if (strcmp(raw, "Include") == 0)
		return include(p, text, name, line, depth);
	if (strcmp(raw, "Domain") == 0) {
		p->in_group = false;
		return 0;
	}
	if (strcmp(raw, "ModifierGroup") == 0) {
		p->in_group = true;
		return 0;
	}
	if (p->in_group || !strcmp(raw, "Base") || !strcmp(raw, "Whitespace") ||
	    !strcmp(raw, "Join") || !strcmp(raw, "Prefix") ||
	    !strcmp(raw, "Suffix") || !strcmp(raw, "Default"))
		return 0;
	return add_entry(p->a, raw, text);
}

static int parse_text(struct admin_parse *p, const char *data, size_t len,
		      const char *name, unsigned depth)
{
	unsigned line = 0;
	size_t at = 0;

	while (at < len) {
		const char *nl = memchr(data + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (data + at)) : len - at;
		_cleanup_free_ char *buf = NULL;
		int r;

		line++;
		if (memchr(data + at, '\0', n))
			return sv_fail(p->err, EINVAL, "%s:%u: NUL byte", name,
				       line);
		if (!(buf = strndup(data + at, n)))
			return -ENOMEM;
		if ((r = parse_line(p, buf, name, line, depth)) < 0)
			return r;
		at += n + 1;
	}
	return 0;
}

int sv_setrans_admin_parse(struct sv_setrans_admin *a, const char *data,
			   size_t len, const char *name, const char *own,
			   bool follow, struct sv_error *err)
{
	struct admin_parse p = { .a = a, .own = own, .follow = follow,
				 .err = err };

	return parse_text(&p, data, len, name, 0);
}

int sv_setrans_admin_read(struct sv_setrans_admin *a, const char *path,
			  const char *own, struct sv_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r;

	if ((r = read_whole(path, &data, &len, err)) < 0)
		return r;
	return sv_setrans_admin_parse(a, data, len, path, own, true, err);
}

void sv_setrans_admin_free(struct sv_setrans_admin *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->level[i]);
		free(a->text[i]);
	}
	free(a->level);
	free(a->text);
	*a = (struct sv_setrans_admin){ 0 };
}

/* ---- svirtd's file ---- */

static void level_of(const struct sv_setrans_entry *e, char *buf, size_t size)
{
	snprintf(buf, size, "s%u:c%u,c%u", e->sens, e->pair.a, e->pair.b);
}

static const char *admin_conflict(const struct sv_setrans_admin *a,
				  const char *level, const char *text)
{
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->level[i], level) == 0)
			return "the administrator's setrans files translate its level";
		if (strcasecmp(a->text[i], text) == 0)
			return "the administrator's setrans files use its name";
	}
	return NULL;
}

static const char HEADER[] =
	"# svirtd's translations of the live guests' category pairs, for\n"
	"# mcstransd: rewritten whenever a guest starts or ends. Do not edit.\n";

int sv_setrans_render(struct sv_setrans_entry *e, size_t n,
		      const struct sv_setrans_admin *a, char **out)
{
	char (*names)[SV_SETRANS_NAME_MAX + 1] = calloc(n ? n : 1, sizeof(*names));
	size_t cap = sizeof(HEADER) + n * (SV_SETRANS_NAME_MAX + SV_SETRANS_LEVEL_MAX + 2);
	char *buf, level[SV_SETRANS_LEVEL_MAX];
	size_t len;

	if (!names || !(buf = malloc(cap))) {
		free(names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		e[i].why = NULL;
		if (sv_setrans_name(e[i].name, names[i], sizeof(names[i]),
				    &e[i].why) < 0)
			continue;
		level_of(&e[i], level, sizeof(level));
		e[i].why = admin_conflict(a, level, names[i]);
	}
	/* A text two guests would share translates back to neither: both go. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (names[i][0] && names[j][0] &&
			    strcasecmp(names[i], names[j]) == 0) {
				if (!e[i].why)
					e[i].why = "another live guest's name gives the same translation";
				if (!e[j].why)
					e[j].why = "another live guest's name gives the same translation";
			}
	memcpy(buf, HEADER, sizeof(HEADER));
	len = sizeof(HEADER) - 1;
	for (size_t i = 0; i < n; i++) {
		if (e[i].why)
			continue;
		level_of(&e[i], level, sizeof(level));
		len += (size_t)snprintf(buf + len, cap - len, "%s=%s\n", level,
					names[i]);
	}
	free(names);
	*out = buf;
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

static int sync_dir_of(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	int fd, r = 0;

	if (!copy)
		return -ENOMEM;
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int sv_setrans_write(const char *path, const char *data, size_t len,
		     sv_setrans_rename_fn rename_fn, void *arg,
		     struct sv_error *err)
{
	char tmp[PATH_MAX];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return sv_fail(err, ENAMETOOLONG, "%s: path too long", path);
	/* The name is fixed, so a crash leaves at most one stale .tmp, which
	 * the next write removes; mcstransd's Include never names it. */
	if (unlink(tmp) < 0 && errno != ENOENT)
		return sv_fail(err, errno, "%s: cannot remove: %s", tmp,
			       strerror(errno));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return sv_fail(err, errno, "%s: cannot create: %s", tmp,
			       strerror(errno));
	if ((r = write_all(fd, data, len)) < 0 ||
	    (fsync(fd) < 0 && (r = -errno) < 0)) {
		close(fd);
		unlink(tmp);
		return sv_fail(err, -r, "%s: cannot write: %s", tmp,
			       strerror(-r));
	}
	if (close(fd) < 0) {
		r = -errno;
		unlink(tmp);
		return sv_fail(err, -r, "%s: cannot write: %s", tmp,
			       strerror(-r));
	}
	r = rename_fn ? rename_fn(tmp, path, arg) :
			(rename(tmp, path) < 0 ? -errno : 0);
	if (r < 0) {
		unlink(tmp);
		return sv_fail(err, -r, "%s: cannot replace: %s", path,
			       strerror(-r));
	}
	if ((r = sync_dir_of(path)) < 0)
		return sv_fail(err, -r, "%s: cannot sync its directory: %s",
			       path, strerror(-r));
	return 0;
}
