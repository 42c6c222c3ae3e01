/* control_client.c: one call to svirtd's control socket, as its clients make it.
 * Connect, send one line, read to EOF against one deadline, parse, check the answer. */
#include "control.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until the deadline: 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int64_t left = deadline - now_ms();
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/* A blocking connect bounded by SO_SNDTIMEO: on a unix socket that is the
 * only wait there is (a full listen backlog), and the kernel honours it. */
static int connect_socket(const char *path, int64_t deadline, int *out,
			  struct sv_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int64_t left = deadline - now_ms();
	struct timeval tv;
	_cleanup_close_ int fd = -1;
	int r;

	/* A zero SO_SNDTIMEO would mean "forever". */
	if (left < 1)
		left = 1;
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	if (strlen(path) >= sizeof(sa.sun_path))
		return sv_fail(err, ENAMETOOLONG, "control socket %s: path too long",
			       path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sv_fail(err, errno, "socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return sv_fail(err, errno, "SO_SNDTIMEO: %s", strerror(errno));
	do
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	while (r < 0 && errno == EINTR && now_ms() < deadline);
	if (r < 0 && errno == EISCONN)	/* an interrupted try got through */
		r = 0;
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return sv_fail(err, ETIMEDOUT,
			       "svirtd at %s did not accept the connection in time",
			       path);
	if (r < 0)
		return sv_fail(err, errno, "cannot connect to svirtd at %s: %s",
			       path, strerror(errno));
	*out = TAKE_FD(fd);
	return 0;
}

/* Sends the whole line.  A peer that has already closed is not an error
 * here: it may have answered first (EACCES to a non-root peer), so the
 * caller reads what is there. */
static int send_line(int fd, const char *line, size_t len, int64_t deadline,
		     struct sv_error *err)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n;
		int r = wait_fd(fd, POLLOUT, deadline);

		if (r < 0)
			return sv_fail(err, -r, "sending the request to svirtd: %s",
				       strerror(-r));
		n = send(fd, line + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return 0;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return sv_fail(err, errno, "sending the request to svirtd: %s",
				       strerror(errno));
		if (n > 0)
			off += (size_t)n;
	}
	return 0;
}

/* Reads until EOF into *out (malloc'd, NUL-terminated for messages). */
static int read_reply(int fd, int64_t deadline, char **out, size_t *len,
		      struct sv_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0, n = 0;

	for (;;) {
		ssize_t got;
		int r;

		if (n == cap) {
			/* One byte past the maximum, to see a reply too long. */
			size_t ncap = cap ? cap * 2 : 4096;
			char *nb;

			if (ncap > SV_CONTROL_REPLY_MAX + 1)
				ncap = SV_CONTROL_REPLY_MAX + 1;
			if (ncap == cap)
				return sv_fail(err, EMSGSIZE,
					       "svirtd's reply is longer than %d bytes",
					       SV_CONTROL_REPLY_MAX);
			nb = realloc(buf, ncap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap = ncap;
		}
		r = wait_fd(fd, POLLIN, deadline);
		if (r == -ETIMEDOUT)
			return sv_fail(err, ETIMEDOUT,
				       "no complete reply from svirtd in time (%zu bytes so far)",
				       n);
		if (r < 0)
			return sv_fail(err, -r, "poll: %s", strerror(-r));
		got = recv(fd, buf + n, cap - n, MSG_DONTWAIT);
		/* A server that closes with our request unread resets the
		 * connection after its reply: that is its end too. */
		if (got == 0 || (got < 0 && errno == ECONNRESET))
			break;
		if (got < 0 && errno != EINTR && errno != EAGAIN)
			return sv_fail(err, errno, "reading svirtd's reply: %s",
				       strerror(errno));
		if (got > 0)
			n += (size_t)got;
	}
	buf[n] = '\0';
	*out = TAKE_PTR(buf);
	*len = n;
	return 0;
}

/* GET and RESERVE name one guest and must get that guest back. */
static int check_answer(const struct sv_control_request *req,
			const struct sv_control_reply *rep,
			struct sv_error *err)
{
	const struct sv_control_entry *e = rep->n ? &rep->entries[0] : NULL;

	switch (req->op) {
	case SV_CONTROL_GET:
	case SV_CONTROL_VIF:
		if (rep->n != 1 || e->domid != req->domid)
			return sv_fail(err, EPROTO,
				       "svirtd answered %s %d with %zu entries%s",
				       req->op == SV_CONTROL_GET ? "GET" : "VIF",
				       req->domid, rep->n,
				       rep->n == 1 ? " for another domain" : "");
		break;
	case SV_CONTROL_RESERVE:
		if (rep->n != 1 || strcmp(e->uuid, req->uuid) != 0 ||
		    e->state != SV_STATE_RESERVED ||
		    (req->has_pair && (e->pair.a != req->pair.a ||
				       e->pair.b != req->pair.b)))
			return sv_fail(err, EPROTO,
				       "svirtd answered RESERVE %s with %zu entries, not its reservation",
				       req->uuid, rep->n);
		break;
	case SV_CONTROL_UNRESERVE:
		if (rep->n != 0)
			return sv_fail(err, EPROTO,
				       "svirtd answered UNRESERVE with %zu entries",
				       rep->n);
		break;
	case SV_CONTROL_LIST:
		break;
	case SV_CONTROL_HISTORY:	/* not entries: sv_control_history */
		return sv_fail(err, EINVAL, "HISTORY is asked with sv_control_history");
	}
	return 0;
}

static int finish_call(const struct sv_control_request *req, const char *text,
		       size_t len, struct sv_control_reply *reply,
		       struct sv_error *err)
{
	struct sv_control_reply rep = { 0 };
	struct sv_error e;
	char q[SV_QUOTE_BUF];
	int r = sv_control_reply_parse(text, len, &rep, &e);

	if (r == -ENOMEM)
		return r;
	if (r < 0 && len == 0)
		return sv_fail(err, EPROTO,
			       "svirtd closed the connection without a reply");
	if (r < 0)
		return sv_fail(err, EPROTO, "svirtd's reply \"%s\": %s",
			       sv_quote(q, sizeof(q), text, len), e.msg);
	if (rep.error) {
		r = sv_fail(err, rep.error, "svirtd: %s", rep.message);
		sv_control_reply_clear(&rep);
		return r;
	}
	r = check_answer(req, &rep, err);
	if (r < 0) {
		sv_control_reply_clear(&rep);
		return r;
	}
	*reply = rep;
	return 0;
}

int sv_control_exchange(const char *path, const struct sv_control_request *req,
		    int timeout_ms, char **text, size_t *len,
		    struct sv_error *err)
{
	char line[SV_CONTROL_LINE_MAX + 1];
	_cleanup_close_ int fd = -1;
	int64_t deadline;
	int n, r;

	n = sv_control_request_format(req, line, sizeof(line));
	if (n < 0)
		return sv_fail(err, EINVAL, "not a valid control request");
	if (req->op == SV_CONTROL_GET && timeout_ms > 0 &&
	    (int64_t)timeout_ms <= (int64_t)req->wait_seconds * 1000)
		return sv_fail(err, EINVAL,
			       "timeout %d ms does not outlast WAIT %u s",
			       timeout_ms, req->wait_seconds);
	if (timeout_ms <= 0)
		return sv_fail(err, EINVAL, "timeout %d ms is not positive",
			       timeout_ms);
	deadline = now_ms() + timeout_ms;
	path = path ? path : SV_CONTROL_SOCKET;
	r = connect_socket(path, deadline, &fd, err);
	if (r == 0)
		r = send_line(fd, line, (size_t)n, deadline, err);
	if (r == 0)
		r = read_reply(fd, deadline, text, len, err);
	return r;
}

int sv_control_call(const char *path, const struct sv_control_request *req,
		    int timeout_ms, struct sv_control_reply *reply,
		    struct sv_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	if (req->op == SV_CONTROL_HISTORY)
		return sv_fail(err, EINVAL, "HISTORY is asked with sv_control_history");
	r = sv_control_exchange(path, req, timeout_ms, &text, &len, err);
	if (r < 0)
		return r;
	return finish_call(req, text, len, reply, err);
}
