/* svirtd.c: svirtd's main(): arguments, config, wiring of store, allocator, xenstore, socket.
 * Thin by design: the logic lives in lib/ (domain.c) and in the loop's files. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <selinux/label.h>
#include <xenstore.h>

#include "svirtd.h"
#include "version.h"

struct args {
	bool foreground;
	bool test_config;
	const char *config;
	const char *socket;
	const char *pidfile;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: svirtd [-f|--foreground] [-c|--config PATH] [-s|--socket PATH]\n"
		   "              [-p|--pidfile PATH]\n"
		   "       svirtd -t|--test-config [-c|--config PATH]\n"
		   "       svirtd -V|--version\n"
		   "       svirtd -h|--help\n"
		   "Defaults: --config %s, --socket %s.\n",
		SV_CONFIG_PATH, SV_CONTROL_SOCKET);
}

/* 0 to run, 1 for an exit with status 0 (--version, --help), -1 for bad
 * arguments. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "test-config", no_argument, NULL, 't' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	*a = (struct args){ false, false, SV_CONFIG_PATH, SV_CONTROL_SOCKET, NULL };
	while ((o = getopt_long(argc, argv, "fc:s:p:tVh", opts, NULL)) != -1) {
		switch (o) {
		case 'f': a->foreground = true; break;
		case 'c': a->config = optarg; break;
		case 's': a->socket = optarg; break;
		case 'p': a->pidfile = optarg; break;
		case 't': a->test_config = true; break;
		case 'V': return sv_version_print(stdout, "svirtd") < 0 ? -1 : 1;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

void svd_reload(struct svirtd *s)
{
	struct sv_config c = { 0 };
	struct sv_error err;

	if (sv_config_load(s->config_path, NULL, &c, &err) < 0 ||
	    sv_config_check_roots(&c, &err) < 0) {
		sv_log(&s->log, LOG_ERR, "reload: %s; keeping the old config",
		       err.msg);
		sv_config_free(&c);
		return;
	}
	/* Pairs already handed out and the store's place cannot change under
	 * running guests; those need a restart. */
	if (c.cat_lo != s->cfg.cat_lo || c.cat_hi != s->cfg.cat_hi ||
	    strcmp(c.state_dir, s->cfg.state_dir) != 0) {
		sv_log(&s->log, LOG_ERR, "reload: categories or state_dir "
		       "changed; keeping the old config (restart svirtd)");
		sv_config_free(&c);
		return;
	}
	if (c.net.off != s->cfg.net.off || c.net.deny_dom0 != s->cfg.net.deny_dom0 ||
	    c.net.deny_outside != s->cfg.net.deny_outside ||
	    strcmp(c.net.default_peer, s->cfg.net.default_peer) != 0 ||
	    strcmp(c.net.outside_packet, s->cfg.net.outside_packet) != 0)
		sv_log(&s->log, LOG_WARNING, "reload: the network keys changed; "
		       "they take effect when svirtd restarts");
	sv_config_free(&s->cfg);
	s->cfg = c;	/* same storage: every pointer to it stays valid */
	s->log.level = c.log_level;
	svd_setrans_reset(s);
	sv_log(&s->log, LOG_NOTICE, "reloaded %s", s->config_path);
}

static int open_signals(struct svirtd *s)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	s->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return s->sigfd < 0 ? -errno : 0;
}

/* Allocator, store and relabel context, in that order. */
static int open_state(struct svirtd *s)
{
	struct sv_error err;
	int r;

	if ((r = sv_mcs_new(s->cfg.cat_lo, s->cfg.cat_hi, &s->mcs, &err)) < 0 ||
	    (r = sv_store_open(s->cfg.state_dir, &s->store, &err)) < 0 ||
	    (r = sv_relabel_ctx_init(&s->rctx, &s->cfg, NULL, NULL, &err)) < 0) {
		sv_log(&s->log, LOG_ERR, "%s", err.msg);
		return r;
	}
	/* The default label of a path, for a restore that must not believe
	 * a remembered original (relabel.h): the file contexts are opened at
	 * the first such restore, not here (20 MB and half a second). */
	s->rctx.default_label = sv_relabel_selabel_lazy;
	s->rctx.default_arg = &s->selabel;
	sv_domains_init(&s->doms, &s->cfg, &s->rctx, &s->log, s->mcs, s->store);
	return 0;
}

static int run(struct svirtd *s, const struct args *a)
{
	int r;

	if ((r = open_signals(s)) < 0) {
		sv_log(&s->log, LOG_ERR, "signalfd: %s", strerror(-r));
		return r;
	}
	if ((r = open_state(s)) < 0)
		return r;
	/* Before any domain is bound: its Flask label may fix its pair. */
	if ((r = svd_flask_open(s)) < 0)
		return r;
	svd_audit_open(s);
	if (!(s->xs = xs_open(0)) || !(s->xs_watch = xs_open(0))) {
		sv_log(&s->log, LOG_ERR, "cannot connect to xenstore: %s",
		       strerror(errno));
		return -errno;
	}
	/* The socket before reconciling: clients queue in its backlog until
	 * the loop runs, and /local/domain/0/svirt appearing means it is up. */
	if ((r = svd_server_open(s, a->socket)) < 0) {
		sv_log(&s->log, LOG_ERR, "%s: %s", a->socket, strerror(-r));
		return r;
	}
	if ((r = svd_watch_all(s)) < 0) {
		sv_log(&s->log, LOG_ERR, "cannot watch xenstore: %s",
		       strerror(-r));
		return r;
	}
	svd_history_open(s);
	if ((r = svd_reconcile(s)) < 0)
		return r;
	if ((r = svd_net_start(s)) < 0)
		return r;
	sv_log(&s->log, LOG_NOTICE, "ready: categories c%u..c%u, %zu pairs "
	       "held, control socket %s", s->cfg.cat_lo, s->cfg.cat_hi,
	       sv_mcs_used(s->mcs), a->socket);
	if ((r = svd_ready(s)) < 0)
		return r;
	return svd_loop_run(s);
}

static void cleanup(struct svirtd *s)
{
	svd_pidfile_remove(s);
	svd_server_close(s);
	svd_net_stop(s);
	sv_domains_free(&s->doms);
	svd_history_close(s);
	svd_setrans_free(s);
	svd_flask_close(s);
	svd_audit_close(s);
	if (s->xs_watch)
		xs_close(s->xs_watch);
	if (s->xs)
		xs_close(s->xs);
	sv_store_close(s->store);
	if (s->selabel)
		selabel_close(s->selabel);
	sv_mcs_free(s->mcs);
	if (s->sigfd >= 0)
		close(s->sigfd);
	sv_config_free(&s->cfg);
	sv_log_limit_free(&s->bind_log);
}

/* svirtd -t: what it would start with (the checks above passed; those of
 * a SIGHUP's reload are the same), and exit 0. */
static int test_config_ok(struct sv_config *c, const char *path)
{
	printf("svirtd: %s: configuration ok: categories c%u..c%u, state in %s, "
	       "%zu relabel root(s)\n", path, c->cat_lo, c->cat_hi, c->state_dir,
	       c->nroots);
	sv_config_free(c);
	return fflush(stdout) != 0;
}

static int test_config_failed(const struct args *a)
{
	if (a->test_config)
		fprintf(stderr, "svirtd: %s: configuration test failed\n", a->config);
	return 1;
}

int main(int argc, char **argv)
{
	struct svirtd s = { .sigfd = -1, .link_fd = -1, .audit_fd = -1,
			    .srv = { .fd = -1 }, .ready_fd = -1 };
	struct sv_error err;
	struct args a;
	int r = parse_args(argc, argv, &a);

	if (r != 0)
		return r > 0 ? 0 : 2;
	s.config_path = a.config;
	s.pidfile = a.pidfile;
	if (sv_config_load(a.config, NULL, &s.cfg, &err) < 0) {
		fprintf(stderr, "svirtd: %s\n", err.msg);
		return test_config_failed(&a);
	}
	if (sv_config_check_roots(&s.cfg, &err) < 0) {
		fprintf(stderr, "svirtd: %s: %s\n", a.config, err.msg);
		sv_config_free(&s.cfg);
		return test_config_failed(&a);
	}
	if (a.test_config)
		return test_config_ok(&s.cfg, a.config);
	/* Before any thread (libxenstore starts one) or open descriptor that
	 * must survive; the caller waits until svd_ready or a failed start,
	 * and exits with its outcome. */
	if (!a.foreground && (r = svd_detach(&s)) < 0) {
		fprintf(stderr, "svirtd: cannot detach: %s\n", strerror(-r));
		sv_config_free(&s.cfg);
		return 1;
	}
	if (a.foreground)
		sv_log_open(&s.log, "svirtd", true, s.cfg.log_level);
	else
		sv_log_open_daemon(&s.log, "svirtd", s.cfg.log_level, true);
	sv_log_limit_init(&s.bind_log, SVIRTD_LOG_REPEAT_MS);
	r = run(&s, &a);
	sv_log(&s.log, r < 0 ? LOG_ERR : LOG_NOTICE, "exiting%s",
	       r < 0 ? " on error" : "");
	cleanup(&s);
	sv_log_close(&s.log);
	return r < 0 ? 1 : 0;
}
