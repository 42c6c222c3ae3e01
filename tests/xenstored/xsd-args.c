/* xsd-args.c: the one place where the test xenstore server parses what a client
 * sends: request strings, paths, domain ids and permission lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

unsigned xsd_args(const struct xsd_req *r, const char **argv, unsigned max)
{
	size_t off = 0;
	unsigned n = 0;

	/* Every string must be terminated: a body is a list of C strings. */
	if (r->len == 0 || r->body[r->len - 1] != '\0')
		return 0;
	while (off < r->len) {
		if (n == max)
			return 0;
		argv[n++] = r->body + off;
		off += strlen(r->body + off) + 1;
	}
	return n;
}

bool xsd_one_arg(const struct xsd_req *r, const char **arg)
{
	return xsd_args(r, arg, 1) == 1;
}

int xsd_parse_domid(const char *s, uint32_t *domid)
{
	uint32_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > 0xffff)
			return -EINVAL;
	}
	*domid = v;
	return 0;
}

static bool valid_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' ||
	       ch == '_' || ch == '@';
}

static bool valid_chars(const char *p)
{
	for (; *p; p++)
		if (!valid_char(*p))
			return false;
	return true;
}

/* Length of the part of path below /local/domain/<id>/, or of all of it. */
static size_t domain_relative_len(const char *path)
{
	static const char home[] = "/local/domain/";
	const char *p = path + sizeof(home) - 1;

	if (strncmp(path, home, sizeof(home) - 1) != 0 || *p < '0' || *p > '9')
		return strlen(path);
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '/' ? strlen(p + 1) : strlen(path);
}

static bool valid_special(const char *p)
{
	return strlen(p) > 1 && strlen(p) <= XENSTORE_REL_PATH_MAX &&
	       !strchr(p, '/') && valid_chars(p);
}

static bool valid_absolute(const struct xsd_conn *c, const char *p)
{
	size_t len = strlen(p);

	if (p[0] != '/' || strstr(p, "//") || (len > 1 && p[len - 1] == '/'))
		return false;
	if (len > XENSTORE_ABS_PATH_MAX || !valid_chars(p))
		return false;
	/* The real xenstored's path quota applies to guests, not to dom0. */
	return c->privileged || domain_relative_len(p) <= XENSTORE_REL_PATH_MAX;
}

int xsd_path_canonical(const struct xsd_conn *c, const char *in,
		       bool allow_special, char **out)
{
	char *p;

	if (in[0] == '@') {
		if (!allow_special || !valid_special(in))
			return -EINVAL;
		p = strdup(in);
	} else if (in[0] == '/') {
		p = strdup(in);
	} else {
		if (strlen(in) > XENSTORE_REL_PATH_MAX)
			return -EINVAL;
		if (asprintf(&p, "/local/domain/%u/%s", c->domid, in) < 0)
			p = NULL;
	}
	if (!p)
		return -ENOMEM;
	if (p[0] != '@' && !valid_absolute(c, p)) {
		free(p);
		return -EINVAL;
	}
	*out = p;
	return 0;
}

bool xsd_path_is_child(const char *child, const char *parent)
{
	size_t len = strlen(parent);

	if (parent[0] == '@' || child[0] == '@')
		return strcmp(child, parent) == 0;
	if (strcmp(parent, "/") == 0)
		return true;
	return strncmp(child, parent, len) == 0 &&
	       (child[len] == '\0' || child[len] == '/');
}

static int perm_letter(char ch, unsigned *perm)
{
	switch (ch) {
	case 'n': *perm = 0; return 0;
	case 'r': *perm = XSD_PERM_READ; return 0;
	case 'w': *perm = XSD_PERM_WRITE; return 0;
	case 'b': *perm = XSD_PERM_ALL; return 0;
	default: return -EINVAL;
	}
}

int xsd_perms_parse(const char *const *strs, unsigned n, struct xsd_perms *out)
{
	struct xsd_perm *p;

	if (n == 0 || n > XSD_MAX_PERMS)
		return -EINVAL;
	p = calloc(n, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		if (perm_letter(strs[i][0], &p[i].perm) != 0 ||
		    xsd_parse_domid(strs[i] + 1, &p[i].domid) != 0) {
			free(p);
			return -EINVAL;
		}
	}
	out->p = p;
	out->n = n;
	return 0;
}

int xsd_perms_format(const struct xsd_perms *p, struct xsd_buf *b)
{
	static const char letters[] = "nrwb";

	for (unsigned i = 0; i < p->n; i++) {
		char s[16];
		int len = snprintf(s, sizeof(s), "%c%u", letters[p->p[i].perm & 3],
				   p->p[i].domid);

		if (xsd_buf_add(b, s, (size_t)len + 1) != 0)
			return -ENOMEM;
	}
	return 0;
}

/* A domain acting for a target (a device model) gets the target's rights. */
static uint32_t target_of(const struct xsd_server *s, uint32_t domid)
{
	const struct xsd_domain *d = xsd_domain_find(s, domid);

	return d ? d->target : XSD_DOMID_FIRST_RESERVED;
}

unsigned xsd_perm_for(const struct xsd_server *s, const struct xsd_conn *c,
		      const struct xsd_perms *p)
{
	uint32_t target = target_of(s, c->domid);

	if (c->privileged)
		return XSD_PERM_ALL;
	if (p->n == 0)
		return 0;
	if (p->p[0].domid == c->domid || p->p[0].domid == target)
		return XSD_PERM_ALL;
	for (unsigned i = 1; i < p->n; i++)
		if (p->p[i].domid == c->domid)
			return p->p[i].perm;
	for (unsigned i = 1; i < p->n; i++)
		if (p->p[i].domid == target)
			return p->p[i].perm;
	return p->p[0].perm;
}
