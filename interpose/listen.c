/* listen.c: the sockets qemu would listen on at a path, made by the interposer
 * in the toolstack's label and handed to qemu as descriptors (fd=N), so that a
 * device model adds no name to /run/xen or any other directory. */
#include "interpose.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What qemu itself does before it binds (it removes whatever is there), then
 * the bind and listen libxl does for the QMP socket it opens itself. */
static int bind_one(int domid, const char *path, struct sv_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char q[SV_QUOTE_BUF];
	int fd, e;

	/* A path from argv: quoted in messages, like every outside value. */
	sv_quote(q, sizeof(q), path, strlen(path));

	if (unlink(path) != 0 && errno != ENOENT)
		return sv_fail(err, errno,
			       "domain %d: cannot remove %s to make qemu's socket "
			       "there: %s", domid, q, strerror(errno));
	/* No close-on-exec: qemu gets it as fd=N. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return sv_fail(err, errno, "domain %d: socket for %s: %s",
			       domid, q, strerror(errno));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 1) != 0) {
		e = errno;
		close(fd);
		return sv_fail(err, e, "domain %d: cannot listen on %s: %s",
			       domid, q, strerror(e));
	}
	return fd;
}

/* argv[l->argi] with its path=... element replaced by fd=<fd>. */
static char *rewrite(const char *arg, const struct sv_dm_listen *l, int fd)
{
	size_t len = l->start + 16 + strlen(arg + l->end) + 1;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%.*sfd=%d%s", (int)l->start, arg, fd,
			 arg + l->end);
	return s;
}

void sv_dm_listen_undo(const struct sv_dm_args *args, struct sv_dm_bound *b)
{
	for (int i = 0; i < b->n; i++) {
		close(b->fds[i]);
		unlink(args->listen[i].path);
		free(b->strs[i]);
	}
	free(b->argv);
	b->n = 0;
	b->argv = NULL;
}

int sv_dm_listen_open(const struct sv_dm_args *args, int argc,
		      char *const argv[], struct sv_dm_bound *b,
		      struct sv_error *err)
{
	int r;

	b->n = 0;
	b->argv = calloc((size_t)argc + 1, sizeof(*b->argv));
	if (!b->argv)
		return sv_fail(err, ENOMEM, "domain %d: out of memory",
			       args->domid);
	memcpy(b->argv, argv, (size_t)argc * sizeof(*argv));
	for (int i = 0; i < args->nlisten; i++) {
		const struct sv_dm_listen *l = &args->listen[i];

		if ((r = bind_one(args->domid, l->path, err)) < 0)
			goto fail;
		b->fds[b->n] = r;
		b->strs[b->n] = rewrite(argv[l->argi], l, r);
		b->n++;
		if (!b->strs[b->n - 1]) {
			r = sv_fail(err, ENOMEM, "domain %d: out of memory",
				    args->domid);
			goto fail;
		}
		b->argv[l->argi] = b->strs[b->n - 1];
	}
	return 0;
fail:
	sv_dm_listen_undo(args, b);
	return r;
}
