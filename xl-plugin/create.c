/* create.c: svirt-xl create: RESERVE a pair, derive the config, `xl create -p`,
 * wait for svirtd's `labelled`, unpause; on any failure destroy and give the pair back. */
#include "svirt-xl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "../interpose/interpose.h"
#include "control.h"
#include "xl_derive.h"
#include "xl_guest.h"

/* xl create's options that change nothing svirt-xl relies on; -c, -V, -F
 * and -n would block or skip the unpause, -f and -p are svirt-xl's. */
static const char *const passed_options[] = {
	"-q", "--quiet", "-d", "-e", "--ignore-global-affinity-masks",
};

struct create {
	struct sv_xl *x;
	const struct sv_xl_args *a;
	const char *cfg_path;
	bool has_pair;
	struct sv_pair pair;	/* --pair's, then the one svirtd reserved */
	struct sv_xlcfg cfg;
	struct sv_xl_guest guest;	/* its svirt_* keys */
	char uuid[SV_UUID_BUF];
	char derived[PATH_MAX];
	bool reserved;
	bool wrote;		/* derived is ours to remove */
	bool ran_xl;		/* a domain with the uuid is ours to destroy */
	int domid;		/* -1 until xl has made it */
};

static int fail(const char *fmt, ...) _printf_(1, 2);
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("svirt-xl create: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int sv_xl_parse_create(int argc, char **argv, struct sv_xl_args *a)
{
	struct sv_error err;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		bool ok = false;

		if (strcmp(argv[i], "--pair") == 0 && i + 1 < argc) {
			if (sv_pair_parse(argv[++i], &a->pair, &err) < 0)
				return fail("--pair: %s", err.msg);
			a->has_pair = true;
			continue;
		}
		for (size_t k = 0; k < ARRAY_SIZE(passed_options); k++)
			ok = ok || strcmp(argv[i], passed_options[k]) == 0;
		if (!ok)
			return fail("xl option \"%s\" is not supported (svirt-xl passes on only "
				    "-q, -d, -e and --ignore-global-affinity-masks; it runs -p itself)",
				    argv[i]);
		if (a->nopts == SV_XL_MAX_OPTIONS)
			return fail("too many options");
		a->xl_opts[a->nopts++] = argv[i];
	}
	if (i >= argc)
		return fail("no config file given");
	a->file = argv[i++];
	a->vars = argv + i;
	a->nvars = argc - i;
	return 0;
}

static int read_cfg(struct create *c)
{
	_cleanup_free_ char *buf = malloc(SV_XLCFG_MAX_SIZE + 1);
	_cleanup_close_ int fd = -1;
	struct sv_error err = { .msg = "" };
	size_t len = 0;
	ssize_t n;

	if (!buf)
		return fail("out of memory");
	fd = open(c->cfg_path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fail("%s: %s", c->cfg_path, strerror(errno));
	while ((n = read(fd, buf + len, SV_XLCFG_MAX_SIZE + 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		return fail("%s: %s", c->cfg_path, strerror(errno));
	if (len > SV_XLCFG_MAX_SIZE)
		return fail("%s: larger than %d bytes", c->cfg_path, SV_XLCFG_MAX_SIZE);
	if (sv_xlcfg_parse(buf, len, c->cfg_path, c->a->vars, (size_t)c->a->nvars,
			   &c->cfg, &err) < 0)
		return fail("%s", err.msg);
	/* issue 17 item 4: the guest's own svirt_* keys. */
	if (sv_xl_guest_parse(&c->cfg, &c->guest, &err) < 0)
		return fail("%s", err.msg);
	if (c->guest.has_pair && c->has_pair &&
	    (c->guest.pair.a != c->pair.a || c->guest.pair.b != c->pair.b))
		return fail("--pair c%u,c%u and the config's svirt_seclabel "
			    "c%u,c%u disagree", c->pair.a, c->pair.b,
			    c->guest.pair.a, c->guest.pair.b);
	if (c->guest.has_pair) {
		c->has_pair = true;
		c->pair = c->guest.pair;
	}
	return 0;
}

/* A random (version 4) uuid for a config that names none. */
static int new_uuid(char out[SV_UUID_BUF])
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		return -EIO;
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, SV_UUID_BUF,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

static int check_vif_script(struct create *c)
{
	char path[PATH_MAX];

	if (c->cfg.nvifs == 0)
		return 0;
	if (!c->x->conf.vif_script[0])
		return fail("%s: the guest has %zu vif(s), and vif_script is \"\" in "
			    "svirt-xl's settings: guests with vifs are refused",
			    c->cfg_path, c->cfg.nvifs);
	if (sv_xl_vif_script_path(&c->x->conf, path, sizeof(path)) < 0)
		return fail("the vif script's path is too long");
	if (access(path, X_OK) != 0)
		return fail("%s: the guest has %zu vif(s), and their hotplug script %s "
			    "is not installed (%s); refusing rather than leave its "
			    "traffic unlabelled", c->cfg_path, c->cfg.nvifs, path,
			    strerror(errno));
	return 0;
}

/*
 * A PV (or PVH) guest with a device its qemu serves (a qdisk disk, a vfb,
 * a channel...) gets its qemu without dm_restrict (xl_derive.c says why),
 * which svirt-interpose refuses unless the host has said
 * require_dm_restrict = 0 in its interpose.conf.  Asked here, before
 * anything is reserved or built, so the refusal says what to do.
 */
static int check_unrestricted(const struct create *c)
{
	const struct sv_xlcfg_stmt *s = c->cfg.qdev_stmt;
	const struct sv_xlcfg_qdev *q = c->cfg.qdev;
	struct sv_interpose_conf ic;
	struct sv_error err = { .msg = "" };

	if (c->cfg.dm_restrict)
		return 0;
	if (sv_interpose_conf_load(SV_INTERPOSE_CONF, &ic, &err) < 0)
		return fail("%s", err.msg);
	if (ic.require_restrict)
		return fail("%s:%u: %s: %s %ld is %s, which a PV guest's qemu "
			    "serves only without dm_restrict (Xen 4.17, QEMU 7.2), and "
			    "svirt-interpose requires dm_restrict (%s): %s, "
			    "or set require_dm_restrict = 0 there",
			    s->src, s->line, q->key, q->key, c->cfg.qdev_index, q->what,
			    SV_INTERPOSE_CONF, q->instead);
	fprintf(stderr, "svirt-xl create: notice: %s:%u: %s %ld is %s: "
		"this PV guest's qemu runs without dm_restrict, at the guest's pair\n",
		s->src, s->line, q->key, c->cfg.qdev_index, q->what);
	return 0;
}

static int write_derived(struct create *c, const struct sv_xlcfg_derive *d)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	struct sv_error err = { .msg = "" };
	size_t len = 0, off = 0;
	int n;

	if (sv_xlcfg_derive(&c->cfg, d, &text, &len, &err) < 0)
		return fail("%s", err.msg);
	if (sv_xl_run_dir(c->x->conf.run_dir, &err) < 0)
		return fail("%s", err.msg);
	n = snprintf(c->derived, sizeof(c->derived), "%s/%s.cfg",
		     c->x->conf.run_dir, c->uuid);
	if (n < 0 || (size_t)n >= sizeof(c->derived))
		return fail("run_dir is too long");
	fd = open(c->derived, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;

		return fail("%s/%s.cfg: %s", c->x->conf.run_dir, c->uuid, strerror(e));
	}
	c->wrote = true;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0)
			return fail("%s: %s", c->derived, strerror(errno));
		off += (size_t)w;
	}
	return 0;
}

static int run_xl(struct create *c)
{
	const char *argv[SV_XL_MAX_OPTIONS + 5];
	int n = 0;

	argv[n++] = c->x->conf.xl;
	argv[n++] = "create";
	argv[n++] = "-p";
	for (int i = 0; i < c->a->nopts; i++)
		argv[n++] = c->a->xl_opts[i];
	argv[n++] = c->derived;
	argv[n] = NULL;
	return sv_xl_run("create", argv);
}

static int reserve(struct create *c)
{
	struct sv_control_request req = {
		.op = SV_CONTROL_RESERVE, .has_pair = c->has_pair, .pair = c->pair,
	};
	struct sv_control_reply rep = { .n = 0 };
	struct sv_error err = { .msg = "" };

	memcpy(req.uuid, c->uuid, sizeof(req.uuid));
	if (sv_control_call(c->x->conf.socket, &req, 10000, &rep, &err) < 0)
		return fail("no label reserved for uuid %s: %s", c->uuid, err.msg);
	c->pair = rep.entries[0].pair;
	c->reserved = true;
	/* A full svirt_seclabel is the device model's label exactly: svirtd's
	 * base (type, user, role, level) at the pair, or the guest is not
	 * made (undo gives the reservation back). */
	if (c->guest.label[0] &&
	    strcmp(rep.entries[0].process_label, c->guest.label) != 0) {
		fail("%s: svirt_seclabel \"%s\" is not svirtd's label for "
		     "its pair, %s", c->cfg_path, c->guest.label,
		     rep.entries[0].process_label);
		sv_control_reply_clear(&rep);
		return -1;
	}
	sv_control_reply_clear(&rep);
	return 0;
}

/* Undo: the domain (if xl made one) and the reservation (a bound one is
 * freed by svirtd when the domain has died). */
static void undo(struct create *c)
{
	struct sv_control_request req = { .op = SV_CONTROL_UNRESERVE };
	struct sv_control_reply rep = { .n = 0 };
	struct sv_error err = { .msg = "" };
	int domid = c->ran_xl ? sv_xl_domid_of_uuid(c->x, c->uuid, NULL) : -1, r;

	if (domid > 0) {
		if (libxl_domain_destroy(c->x->ctx, (uint32_t)domid, NULL) == 0)
			fprintf(stderr, "svirt-xl create: destroyed domain %d\n", domid);
		else
			fprintf(stderr, "svirt-xl create: cannot destroy domain %d; "
				"destroy it by hand\n", domid);
	}
	if (!c->reserved)
		return;
	memcpy(req.uuid, c->uuid, sizeof(req.uuid));
	r = sv_control_call(c->x->conf.socket, &req, 10000, &rep, &err);
	if (r == 0 || r == -ENOENT || r == -EBUSY)
		fprintf(stderr, "svirt-xl create: reservation for %s released%s\n",
			c->uuid, r == 0 ? "" : " (svirtd frees it with the domain)");
	else
		fprintf(stderr, "svirt-xl create: cannot release the reservation "
			"for %s: %s\n", c->uuid, err.msg);
	sv_control_reply_clear(&rep);
}

static int flask_labels(struct create *c, char *guest, char *dm, size_t size)
{
	struct sv_error err = { .msg = "" };
	int f = c->x->conf.flask == SV_XL_FLASK_OFF ? 0 : sv_xl_flask_enabled(c->x);

	if (f < 0)
		return fail("cannot tell whether Xen runs Flask: %s", strerror(-f));
	if (f == 0 && c->x->conf.flask == SV_XL_FLASK_ON)
		return fail("flask = \"on\", and this hypervisor has no Flask XSM");
	if (f == 0)
		return 0;
	if (sv_xl_flask_label(&c->x->conf.flask_guest, c->pair, guest, size, &err) < 0 ||
	    sv_xl_flask_label(&c->x->conf.flask_dm, c->pair, dm, size, &err) < 0)
		return fail("%s", err.msg);
	return 1;
}

static int create(struct create *c)
{
	char guest[SV_CONTEXT_MAX], dm[SV_CONTEXT_MAX];
	_cleanup_free_ char *got = NULL;
	struct sv_xlcfg_derive d = {
		.interposer = c->x->conf.interposer,
		.vif_script = c->x->conf.vif_script[0] ? c->x->conf.vif_script : NULL,
	};
	char pair[SV_PAIR_STRMAX];
	int flask, r, stub;

	if (check_unrestricted(c) < 0)
		return -1;
	if (c->cfg.has_uuid)
		memcpy(c->uuid, c->cfg.uuid, sizeof(c->uuid));
	else if (new_uuid(c->uuid) < 0)
		return fail("no random uuid: %s", strerror(errno));
	d.uuid = c->uuid;
	if (sv_xl_domid_of_uuid(c->x, c->uuid, NULL) >= 0)
		return fail("a domain with uuid %s exists already", c->uuid);
	if (check_vif_script(c) < 0 || reserve(c) < 0 ||
	    (flask = flask_labels(c, guest, dm, sizeof(guest))) < 0)
		return -1;
	if (flask) {
		d.seclabel = guest;
		d.dm_seclabel = dm;
	}
	if (write_derived(c, &d) < 0)
		return -1;
	c->ran_xl = true;
	r = run_xl(c);
	unlink(c->derived);
	c->wrote = false;
	if (r < 0)
		return -1;
	if ((c->domid = sv_xl_domid_of_uuid(c->x, c->uuid, &got)) < 0)
		return fail("xl made no domain with uuid %s", c->uuid);
	if (flask && (!got || strcmp(got, guest) != 0))
		return fail("domain %d: Xen labels it %s, not %s", c->domid,
			    got ? got : "(none)", guest);
	if (sv_xl_wait_labelled(c->x, "create", c->domid, &c->pair, NULL) < 0 ||
	    sv_xl_wait_disks(c->x, "create", c->domid, c->uuid) < 0)
		return -1;
	/* libxl runs a stub domain before xl returns: it must be bound to
	 * the guest (same pair, held with its objects) before the guest runs. */
	if ((stub = sv_xl_wait_stub(c->x, "create", c->domid, c->cfg.stubdom, c->pair,
				    flask ? dm : NULL)) < 0)
		return -1;
	if (stub > 0)
		printf("svirt-xl: domain %d: stub device model domain %d bound to it%s%s\n",
		       c->domid, stub, flask ? ", Flask label " : "", flask ? dm : "");
	if (libxl_domain_unpause(c->x->ctx, (uint32_t)c->domid, NULL) != 0)
		return fail("domain %d: cannot unpause", c->domid);
	sv_pair_format(c->pair, pair, sizeof(pair));
	printf("svirt-xl: domain %d (uuid %s) created with pair %s%s%s, labelled, unpaused\n",
	       c->domid, c->uuid, pair, flask ? ", Flask label " : "", flask ? guest : "");
	return 0;
}

int sv_xl_cmd_create(struct sv_xl *x, const struct sv_xl_args *a)
{
	struct create c = {
		.x = x, .a = a, .cfg_path = a->file, .has_pair = a->has_pair,
		.pair = a->pair, .domid = -1,
	};
	int r;

	if (read_cfg(&c) < 0)
		return 1;
	sv_xl_signals(SIG_IGN);
	r = create(&c);
	if (c.wrote)
		unlink(c.derived);
	if (r < 0)
		undo(&c);
	sv_xlcfg_free(&c.cfg);
	return r < 0 ? 1 : 0;
}
