/* xsd-main.c: the test xenstore server's executable: a unix socket, one poll(2)
 * loop over every client, "ready" once listening, a clean exit on SIGTERM. */
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "xsd.h"

struct opts {
	const char *socket;
	const char *pidfile;
	bool quiet;
};

struct loop {
	struct xsd_server *srv;
	int listen_fd;
	int signal_fd;
	struct pollfd *pfd;
	struct xsd_conn **pconn; /* the connection behind each pfd entry */
	size_t npfd, cappfd;
	bool pidfile_written;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: xsd --socket PATH [--pidfile FILE] [--quiet]\n"
		   "A xenstore server for tests: set XENSTORED_PATH=PATH for "
		   "libxenstore.\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "s:p:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 's': o->socket = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (!o->socket || optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "xsd: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	/* A socket left by a killed server is ours to replace; nothing else. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0600) != 0 || listen(fd, 64) != 0) {
		perror("xsd: socket");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Written aside and renamed, so whoever waits for it never reads half. */
static int write_pidfile(const char *path)
{
	char tmp[4096];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", (int)getpid());
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int signals_fd(void)
{
	sigset_t set;

	/* Clients that vanish must not kill us: writes use MSG_NOSIGNAL,
	 * and stdout may be a pipe whose reader has gone. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int pfd_add(struct loop *l, int fd, short events, struct xsd_conn *c)
{
	if (l->npfd == l->cappfd) {
		size_t cap = l->cappfd ? l->cappfd * 2 : 16;
		struct pollfd *p = realloc(l->pfd, cap * sizeof(*p));
		struct xsd_conn **pc;

		if (!p)
			return -1;
		l->pfd = p;
		pc = realloc(l->pconn, cap * sizeof(*pc));
		if (!pc)
			return -1;
		l->pconn = pc;
		l->cappfd = cap;
	}
	l->pfd[l->npfd] = (struct pollfd){ .fd = fd, .events = events };
	l->pconn[l->npfd++] = c;
	return 0;
}

static int build_pollset(struct loop *l)
{
	l->npfd = 0;
	if (pfd_add(l, l->signal_fd, POLLIN, NULL) != 0 ||
	    pfd_add(l, l->listen_fd, POLLIN, NULL) != 0)
		return -1;
	for (struct xsd_conn *c = l->srv->conns; c; c = c->next)
		if (pfd_add(l, c->fd, POLLIN | (c->out.len ? POLLOUT : 0), c))
			return -1;
	return 0;
}

/* Who the client is, for the request counts of XSD_STATS. */
static void peer_pid(struct xsd_conn *c)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0)
		c->peer_pid = (int)cr.pid;
}

/* XSD_STATS=FILE: each connection's requests by type, appended as it
 * closes (the benchmark counts svirtd's requests per guest with it). */
static void write_stats(const struct xsd_conn *c)
{
	static const char *const names[XS_TYPE_COUNT] = {
		[XS_DIRECTORY] = "directory", [XS_READ] = "read",
		[XS_GET_PERMS] = "get_perms", [XS_WATCH] = "watch",
		[XS_UNWATCH] = "unwatch", [XS_TRANSACTION_START] = "tx_start",
		[XS_TRANSACTION_END] = "tx_end", [XS_INTRODUCE] = "introduce",
		[XS_RELEASE] = "release", [XS_WRITE] = "write",
		[XS_MKDIR] = "mkdir", [XS_RM] = "rm", [XS_SET_PERMS] = "set_perms",
		[XS_IS_DOMAIN_INTRODUCED] = "is_introduced",
		[XS_DIRECTORY_PART] = "directory_part",
		[XS_GET_DOMAIN_PATH] = "get_domain_path",
	};
	const char *path = getenv("XSD_STATS");
	unsigned long total = 0;
	FILE *f;

	if (!path || !(f = fopen(path, "a")))
		return;
	fprintf(f, "pid %d:", c->peer_pid);
	for (unsigned t = 0; t < XS_TYPE_COUNT; t++)
		if (c->nreq[t]) {
			fprintf(f, " %s=%lu", names[t] ? names[t] : "other",
				c->nreq[t]);
			total += c->nreq[t];
		}
	fprintf(f, " total=%lu\n", total);
	fclose(f);
}

static void accept_clients(struct loop *l)
{
	for (;;) {
		int fd = accept4(l->listen_fd, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct xsd_conn *c;

		if (fd < 0)
			return;
		c = xsd_conn_new(l->srv, fd);
		if (!c) {
			close(fd);
			return;
		}
		peer_pid(c);
	}
}

static void flush_out(struct xsd_conn *c)
{
	while (c->out.len && !c->dead) {
		ssize_t n = send(c->fd, c->out.data, c->out.len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0)
			xsd_conn_consume(c, (size_t)n);
		else if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		else
			c->dead = true;
	}
}

static void read_in(struct xsd_conn *c)
{
	unsigned char buf[65536];
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n > 0)
		xsd_conn_feed(c, buf, (size_t)n);
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		c->dead = true;
}

static void close_conn(struct xsd_conn *c)
{
	write_stats(c);
	close(c->fd);
	xsd_conn_free(c);
}

/* Serves until a signal; a client's own trouble never ends the loop. */
static int serve(struct loop *l)
{
	for (;;) {
		if (build_pollset(l) != 0)
			return -1;
		if (poll(l->pfd, l->npfd, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (l->pfd[0].revents)
			return 0;
		if (l->pfd[1].revents & POLLIN)
			accept_clients(l);
		for (size_t i = 2; i < l->npfd; i++) {
			struct xsd_conn *c = l->pconn[i];

			if (l->pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				read_in(c);
			flush_out(c);
		}
		/* Events may be queued on connections that were not polled
		 * for output: write them now, then reap the dead. */
		for (struct xsd_conn *c = l->srv->conns, *next; c; c = next) {
			next = c->next;
			flush_out(c);
			if (c->dead)
				close_conn(c);
		}
	}
}

static int start(struct loop *l, const struct opts *o)
{
	l->signal_fd = signals_fd();
	if (l->signal_fd < 0) {
		perror("xsd: signalfd");
		return -1;
	}
	l->listen_fd = listen_on(o->socket);
	if (l->listen_fd < 0)
		return -1;
	if (o->pidfile) {
		if (write_pidfile(o->pidfile) != 0) {
			perror("xsd: pidfile");
			return -1;
		}
		l->pidfile_written = true;
	}
	printf("ready\n");
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct loop l = { .listen_fd = -1, .signal_fd = -1 };
	int rc = 1;

	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	l.srv = xsd_server_new();
	if (!l.srv) {
		fprintf(stderr, "xsd: out of memory\n");
		return 1;
	}
	l.srv->verbose = !o.quiet;
	if (start(&l, &o) == 0 && serve(&l) == 0)
		rc = 0;
	while (l.srv->conns)
		close_conn(l.srv->conns);
	if (l.listen_fd >= 0) {
		close(l.listen_fd);
		unlink(o.socket);
	}
	if (l.pidfile_written)
		unlink(o.pidfile);
	if (l.signal_fd >= 0)
		close(l.signal_fd);
	xsd_server_free(l.srv);
	free(l.pfd);
	free(l.pconn);
	return rc;
}
