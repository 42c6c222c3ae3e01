/* server.c: the control socket /run/svirt/svirtd.sock: RESERVE, UNRESERVE, GET [WAIT], LIST.
 * Root peers only (SO_PEERCRED), one request per connection, never blocking the loop. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "svirtd.h"

/* ---- the listening socket ---- */

/* The socket's directory: created 0700, or an existing root-owned directory
 * no one else may write (it holds the one door to the allocator). */
static int make_dir(const char *path)
{
	char copy[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	char *dir;

	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 0022))
		return -EPERM;
	return 0;
}

int svd_server_open(struct svirtd *s, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	mode_t old;
	int r;

	s->srv.fd = -1;
	s->srv.path = path;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	if ((r = make_dir(path)) < 0)
		return r;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A socket left by a killed svirtd: the store's lock already proved
	 * no other svirtd runs. */
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	old = umask(0177);	/* born 0600, no window with wider access */
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(fd, 64) < 0)
		return -errno;
	s->srv.fd = TAKE_FD(fd);
	return 0;
}

static void client_close(struct svirtd *s, size_t i)
{
	close(s->srv.c[i]->fd);
	free(s->srv.c[i]);
	s->srv.c[i] = s->srv.c[--s->srv.n];
}

void svd_server_close(struct svirtd *s)
{
	while (s->srv.n)
		client_close(s, s->srv.n - 1);
	if (s->srv.fd >= 0) {
		close(s->srv.fd);
		unlink(s->srv.path);
	}
	s->srv.fd = -1;
}

/* ---- replies ---- */

/* The reply, whole; the client is waiting for it, so a full socket buffer
 * is waited out for a bounded time rather than dropped. */
static void send_text(struct svirtd *s, int fd, const char *text, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(fd, text + off, len - off, MSG_NOSIGNAL);
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EAGAIN && poll(&p, 1, 1000) == 1)
			continue;
		sv_log(&s->log, LOG_DEBUG, "control client went away: %s",
		       strerror(errno));
		return;
	}
}

/* The reply, or, where it breaks the rules, an error saying so. */
static void send_reply(struct svirtd *s, int fd, struct sv_control_reply *rep)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = sv_control_reply_format(rep, &text, &len);

	if (r < 0) {
		sv_control_reply_set_error(rep, r == -EMSGSIZE ? ENOSPC : EIO,
					   "reply cannot be formatted: %s",
					   strerror(-r));
		if (sv_control_reply_format(rep, &text, &len) < 0)
			return;
	}
	send_text(s, fd, text, len);
}

static _printf_(4, 5) void send_error(struct svirtd *s, int fd, int errnum,
				      const char *fmt, ...)
{
	struct sv_control_reply rep = { 0 };
	char msg[SV_CONTROL_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sv_control_reply_set_error(&rep, errnum, "%s", msg);
	send_reply(s, fd, &rep);
	sv_control_reply_clear(&rep);
}

static void entry_of(void *arg, size_t i, struct sv_control_entry *e)
{
	sv_domain_entry(((struct sv_domain **)arg)[i], e);
}

/* Formatted an entry at a time: a LIST of every guest stays small. */
static int reply_entries(struct svirtd *s, int fd, struct sv_domain **v,
			 size_t n)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = sv_control_reply_format_each(n, entry_of, v, &text, &len);

	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		send_error(s, fd, r == -EMSGSIZE ? ENOSPC : EIO, "reply cannot "
			   "be formatted: %s", strerror(-r));
		return 0;
	}
	send_text(s, fd, text, len);
	return 0;
}

static bool done(const struct sv_domain *d)
{
	return d->state == SV_STATE_LABELLED || d->state == SV_STATE_ERROR;
}

/* Whether the entry of d may be given for its domid now: the domid must
 * still name d's guest.  A domid given back and taken by another guest
 * before svirtd has handled the release (or one xenstore cannot tell
 * about) is not ready: the old guest's pair must never reach the new one. */
static bool answerable(struct svirtd *s, const struct sv_domain *d)
{
	return svd_same_domain(s, d) == 1;
}

/* ---- requests ---- */

/* Returns true when the connection is finished (replied or refused). */
static bool do_get(struct svirtd *s, struct svd_client *c,
		   const struct sv_control_request *q)
{
	struct sv_domain *d = svd_domain_lookup(s, q->domid);

	if (!d) {
		send_error(s, c->fd, ENOENT, "no domain %d", q->domid);
		return true;
	}
	if (!q->wait_seconds && !answerable(s, d)) {
		send_error(s, c->fd, EAGAIN, "domain %d is not yet known as "
			   "the guest now holding that domid", q->domid);
		return true;
	}
	if (q->wait_seconds && !(done(d) && answerable(s, d))) {
		c->waiting = true;
		c->domid = q->domid;
		c->deadline_ms = svd_now_ms() + q->wait_seconds * 1000ull;
		return false;
	}
	reply_entries(s, c->fd, &d, 1);
	return true;
}

/* Domains by domid, then reservations (domid -1) by uuid. */
static int list_order(const void *a, const void *b)
{
	const struct sv_domain *x = *(struct sv_domain *const *)a;
	const struct sv_domain *y = *(struct sv_domain *const *)b;
	bool rx = x->domid == SV_DOMID_NONE, ry = y->domid == SV_DOMID_NONE;

	if (rx != ry)
		return rx ? 1 : -1;
	if (rx)
		return strcmp(x->uuid, y->uuid);
	return (x->domid > y->domid) - (x->domid < y->domid);
}

static bool do_list(struct svirtd *s, struct svd_client *c)
{
	_cleanup_free_ struct sv_domain **v = NULL;
	size_t n = s->doms.n;

	if (n && !(v = malloc(n * sizeof(*v)))) {
		send_error(s, c->fd, EIO, "out of memory");
		return true;
	}
	if (n) {
		memcpy(v, s->doms.v, n * sizeof(*v));
		qsort(v, n, sizeof(*v), list_order);
	}
	if (reply_entries(s, c->fd, v, n) < 0)
		send_error(s, c->fd, EIO, "out of memory");
	return true;
}

/* vif-svirt's question once the vif script is done: label it now. */
static bool do_vif(struct svirtd *s, struct svd_client *c,
		   const struct sv_control_request *q)
{
	struct sv_domain *d = svd_domain_lookup(s, q->domid);
	struct sv_error err;
	int r;

	if (!d) {
		send_error(s, c->fd, ENOENT, "no domain %d", q->domid);
		return true;
	}
	if (!answerable(s, d)) {
		send_error(s, c->fd, EAGAIN, "domain %d is not yet known as "
			   "the guest now holding that domid", q->domid);
		return true;
	}
	if ((r = svd_net_vif(s, d, q->devid, &err)) < 0)
		send_error(s, c->fd, -r, "%s", err.msg);
	else
		reply_entries(s, c->fd, &d, 1);
	svd_publish(s, d);
	return true;
}

/* issue 19 item 2: which guest held which pair when, ended ones too. */
static bool do_history(struct svirtd *s, struct svd_client *c)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	if (svd_history_text(s, &text, &len) < 0)
		send_error(s, c->fd, EIO, "out of memory");
	else
		send_text(s, c->fd, text, len);
	return true;
}

static bool dispatch(struct svirtd *s, struct svd_client *c,
		     const struct sv_control_request *q)
{
	struct sv_domain *d = NULL;
	struct sv_error err;
	int r;

	switch (q->op) {
	case SV_CONTROL_RESERVE:
		if ((r = sv_domains_reserve(&s->doms, q->uuid,
					    q->has_pair ? &q->pair : NULL, &d,
					    &err)) < 0)
			send_error(s, c->fd, -r, "%s", err.msg);
		else
			reply_entries(s, c->fd, &d, 1);
		return true;
	case SV_CONTROL_UNRESERVE:
		if ((r = sv_domains_unreserve(&s->doms, q->uuid, &err)) < 0)
			send_error(s, c->fd, -r, "%s", err.msg);
		else
			reply_entries(s, c->fd, NULL, 0);
		return true;
	case SV_CONTROL_GET:
		return do_get(s, c, q);
	case SV_CONTROL_LIST:
		return do_list(s, c);
	case SV_CONTROL_VIF:
		return do_vif(s, c, q);
	case SV_CONTROL_HISTORY:
		return do_history(s, c);
	}
	return true;
}

/* Reads what the client sent; true when the connection is finished. */
static bool client_read(struct svirtd *s, struct svd_client *c)
{
	struct sv_control_request q;
	struct sv_error err;
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl;

	if (n < 0)
		return errno != EAGAIN && errno != EINTR;
	if (n == 0)
		return true;
	c->len += (size_t)n;
	if (!(nl = memchr(c->buf, '\n', c->len))) {
		if (c->len < sizeof(c->buf) - 1)
			return false;
		send_error(s, c->fd, EINVAL, "request longer than %d bytes",
			   SV_CONTROL_LINE_MAX);
		return true;
	}
	/* One request per connection: anything after the line is refused. */
	if (sv_control_request_parse(c->buf, c->len, &q, &err) < 0) {
		send_error(s, c->fd, EINVAL, "%s", err.msg);
		return true;
	}
	return dispatch(s, c, &q);
}

/* Only root may talk to the allocator. */
static bool peer_is_root(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	       len == sizeof(cred) && cred.uid == 0;
}

static void accept_all(struct svirtd *s)
{
	int fd;

	while ((fd = accept4(s->srv.fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct svd_client *c;

		if (!peer_is_root(fd)) {
			send_error(s, fd, EACCES, "only root may ask svirtd");
			close(fd);
			continue;
		}
		if (s->srv.n == SVIRTD_CLIENTS_MAX ||
		    !(c = calloc(1, sizeof(*c)))) {
			send_error(s, fd, EBUSY, "too many clients");
			close(fd);
			continue;
		}
		c->fd = fd;
		c->deadline_ms = svd_now_ms() + SVIRTD_READ_TIMEOUT_MS;
		s->srv.c[s->srv.n++] = c;
	}
}

size_t svd_server_pollfds(struct svirtd *s, struct pollfd *p, size_t max)
{
	size_t n = 0;

	if (s->srv.fd < 0 || max < 1)
		return 0;
	p[n++] = (struct pollfd){ .fd = s->srv.fd, .events = POLLIN };
	for (size_t i = 0; i < s->srv.n && n < max; i++)
		p[n++] = (struct pollfd){
			.fd = s->srv.c[i]->fd,
			/* A waiting client only matters if it hangs up. */
			.events = s->srv.c[i]->waiting ? 0 : POLLIN };
	return n;
}

void svd_server_handle(struct svirtd *s, const struct pollfd *p, size_t n)
{
	if (n == 0)
		return;
	/* Clients first, by fd, since closing one reorders the array. */
	for (size_t k = 1; k < n; k++) {
		if (!p[k].revents)
			continue;
		for (size_t i = 0; i < s->srv.n; i++) {
			struct svd_client *c = s->srv.c[i];

			if (c->fd != p[k].fd)
				continue;
			if (c->waiting ? true : client_read(s, c))
				client_close(s, i);
			break;
		}
	}
	if (p[0].revents & POLLIN)
		accept_all(s);
}

int svd_server_tick(struct svirtd *s)
{
	uint64_t now = svd_now_ms(), next = UINT64_MAX;

	for (size_t i = s->srv.n; i-- > 0;) {
		struct svd_client *c = s->srv.c[i];
		struct sv_domain *d = c->waiting
			? sv_domains_by_domid(&s->doms, c->domid) : NULL;

		if (c->waiting && !d)
			send_error(s, c->fd, ENOENT, "domain %d is gone",
				   c->domid);
		else if (c->waiting && done(d) && answerable(s, d))
			reply_entries(s, c->fd, &d, 1);
		else if (c->waiting && now >= c->deadline_ms)
			send_error(s, c->fd, ETIMEDOUT, done(d) ?
				   "domain %d is not yet known as the guest now "
				   "holding that domid%s" : "domain %d is still %s",
				   c->domid, done(d) ? "" :
				   sv_dom_state_name(d->state));
		else if (c->waiting || now < c->deadline_ms) {
			if (c->deadline_ms < next)
				next = c->deadline_ms;
			continue;
		}
		client_close(s, i);
	}
	return next == UINT64_MAX ? -1 : (int)(next - now);
}
