/* argv.c: reads the guest's domid, -xen-domid-restrict and the sockets qemu
 * would listen on from qemu's argv.  Position-independent, and aware of which
 * qemu options take an argument. */
#include "interpose.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

/* qemu 7.2's options that take an argument (qemu-options.hx, HAS_ARG), plus
 * the few it still accepts without listing them in -help.  Sorted for
 * bsearch.  An element after one of these is its argument, never an option. */
static const char *const opts_with_arg[] = {
	"D", "L", "M", "accel", "acpitable", "action", "add-fd", "append",
	"audio", "audiodev", "bios", "blockdev", "boot", "cdrom", "chardev",
	"chroot", "compat", "cpu", "d", "debugcon", "device", "dfilter",
	"display", "drive", "dtb", "dump-vmstate", "echr", "fda", "fdb",
	"fsdev", "fw_cfg", "g", "gdb", "global", "hda", "hdb", "hdc", "hdd",
	"icount", "incoming", "initrd", "iscsi", "k", "kernel", "loadvm", "m",
	"machine", "mem-path", "mon", "monitor", "msg", "mtdblock", "name",
	"net", "netdev", "nic", "numa", "object", "option-rom", "overcommit",
	"parallel", "pflash", "pidfile", "plugin", "prom-env", "qmp",
	"qmp-pretty", "qtest", "qtest-log", "readconfig", "rotate", "rtc",
	"runas", "sandbox", "sd", "seed", "semihosting-config", "serial",
	"set", "smbios", "smp", "soundhw", "spice", "tpmdev", "trace",
	"usbdevice", "uuid", "vga", "virtfs", "vnc", "watchdog",
	"watchdog-action", "xen-domid",
};

/* qemu 7.2's options without an argument.  Sorted for bsearch. */
static const char *const opts_without_arg[] = {
	"S", "alt-grab", "async-teardown", "audio-help", "ctrl-grab",
	"curses", "daemonize", "enable-kvm", "enable-sync-profile",
	"full-screen", "h", "help", "mem-prealloc", "no-acpi",
	"no-fd-bootchk", "no-hpet", "no-quit", "no-reboot", "no-shutdown",
	"no-user-config", "nodefaults", "nographic", "only-migratable",
	"portrait", "preconfig", "s", "sdl", "semihosting", "singlestep",
	"snapshot", "usb", "version", "win2k-hack", "xen-attach",
	"xen-domid-restrict",
};

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static bool in_table(const char *name, const char *const *table, size_t n)
{
	return bsearch(name, table, n, sizeof(*table), cmp_name) != NULL;
}

/* Decimal 0..SV_CONTROL_DOMID_MAX with no sign, blank or leading zero: the
 * one spelling libxl writes, so no other spelling can name another guest
 * (and only "0" itself names dom0). */
static int parse_domid(const char *s, int *out)
{
	long v = 0;
	size_t len = strlen(s);

	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (len == 0 || len > 5 || s[0] == '0')
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (v > SV_CONTROL_DOMID_MAX)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* The option's name without its dashes ("--name" and "-name" are one to
 * qemu), or NULL for an element that is not an option (a disk image). */
static const char *option_name(const char *s)
{
	if (s[0] != '-' || s[1] == '\0')
		return NULL;
	return s[1] == '-' ? s + 2 : s + 1;
}

/* ---- -chardev: the sockets qemu would make a name for ---- */

/* One "name=value" element of a -chardev argument, as found in it. */
struct chardev_opt {
	const char *name;
	size_t nlen;
	const char *val;	/* raw: ",," still doubled; NULL for a bare flag */
	size_t vlen;
	bool flag_on;		/* a bare flag: "key" (on) or "nokey" (off) */
};

/* The end of a value starting at s: the first ',' not doubled. */
static size_t value_len(const char *s)
{
	size_t n = 0;

	while (s[n] && !(s[n] == ',' && s[n + 1] != ','))
		n += s[n] == ',' ? 2 : 1;
	return n;
}

/* The value with ",," as ','; -ENAMETOOLONG if it does not fit in size. */
static int unescape(const char *v, size_t vlen, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < vlen; i++) {
		if (o + 1 >= size)
			return -ENAMETOOLONG;
		out[o++] = v[i];
		if (v[i] == ',')
			i++;
	}
	out[o] = '\0';
	return 0;
}

static bool opt_is(const struct chardev_opt *o, const char *name)
{
	return o->nlen == strlen(name) && memcmp(o->name, name, o->nlen) == 0;
}

static bool val_is(const struct chardev_opt *o, const char *v)
{
	return o->val && o->vlen == strlen(v) && memcmp(o->val, v, o->vlen) == 0;
}

/* qemu's booleans: 1, 0, or -1 for a value it refuses. */
static int opt_bool(const struct chardev_opt *o)
{
	static const char *const on[] = { "on", "yes", "true", "y" };
	static const char *const off[] = { "off", "no", "false", "n" };

	if (!o->val)
		return o->flag_on;
	for (size_t i = 0; i < ARRAY_SIZE(on); i++)
		if (val_is(o, on[i]))
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(off); i++)
		if (val_is(o, off[i]))
			return 0;
	return -1;
}

/* The options of a -chardev that decide whether qemu makes a name. */
enum { CD_BACKEND, CD_PATH, CD_SERVER, CD_FD, CD_ABSTRACT, CD_N };
static const char *const cd_keys[CD_N] = { "backend", "path", "server", "fd",
					    "abstract" };

int sv_dm_chardev_parse(const char *s, struct sv_dm_listen *out,
			struct sv_error *err)
{
	struct chardev_opt seen[CD_N] = { 0 };
	bool have[CD_N] = { false };
	size_t path_start = 0, path_end = 0, p = 0;
	char q[SV_QUOTE_BUF];
	int server, abstract;

	for (bool first = true;; first = false) {
		struct chardev_opt o = { .name = s + p };
		size_t start = p, nlen = strcspn(s + p, "=,");
		int k;

		if (s[p + nlen] == '=') {
			o.nlen = nlen;
			o.val = s + p + nlen + 1;
			o.vlen = value_len(o.val);
			p += nlen + 1 + o.vlen;
		} else if (first && nlen > 0) {
			/* The first element without "=" is the backend. */
			o.name = "backend";
			o.nlen = strlen(o.name);
			o.val = s + p;
			o.vlen = value_len(o.val);
			p += o.vlen;
		} else {
			o.nlen = nlen;
			o.flag_on = !(nlen > 2 && s[p] == 'n' && s[p + 1] == 'o');
			if (!o.flag_on) {
				o.name += 2;
				o.nlen -= 2;
			}
			p += nlen;
		}
		if (o.nlen == 0)
			return sv_fail(err, EINVAL,
				       "-chardev \"%s\": an option without a name",
				       sv_quote(q, sizeof(q), s, strlen(s)));
		for (k = 0; k < CD_N && !opt_is(&o, cd_keys[k]); k++)
			;
		if (k < CD_N) {
			if (have[k])
				return sv_fail(err, EINVAL,
					       "-chardev \"%s\": %s given twice",
					       sv_quote(q, sizeof(q), s, strlen(s)),
					       cd_keys[k]);
			have[k] = true;
			seen[k] = o;
			if (k == CD_PATH) {
				path_start = start;
				path_end = p;
			}
		}
		if (s[p] == '\0' || s[p + 1] == '\0')
			break;
		p++;
	}
	if (!have[CD_BACKEND] || !val_is(&seen[CD_BACKEND], "socket") ||
	    !have[CD_PATH])
		return 0;
	server = have[CD_SERVER] ? opt_bool(&seen[CD_SERVER]) : 0;
	abstract = have[CD_ABSTRACT] ? opt_bool(&seen[CD_ABSTRACT]) : 0;
	if (server < 0 || abstract < 0)
		return sv_fail(err, EINVAL,
			       "-chardev \"%s\": %s is not on or off",
			       sv_quote(q, sizeof(q), s, strlen(s)),
			       server < 0 ? "server" : "abstract");
	if (have[CD_FD])
		return sv_fail(err, EINVAL, "-chardev \"%s\": both path and fd",
			       sv_quote(q, sizeof(q), s, strlen(s)));
	if (!server || abstract)
		return 0;
	if (!seen[CD_PATH].val || seen[CD_PATH].vlen == 0 ||
	    unescape(seen[CD_PATH].val, seen[CD_PATH].vlen, out->path,
		     sizeof(out->path)) < 0)
		return sv_fail(err, EINVAL,
			       "-chardev \"%s\": the path is empty or too long "
			       "for a socket (%zu bytes at most)",
			       sv_quote(q, sizeof(q), s, strlen(s)),
			       sizeof(out->path) - 1);
	out->start = path_start;
	out->end = path_end;
	return 1;
}

/* ---- the whole command line ---- */

struct scan {
	int ndomid;
	int nrestrict;
	struct sv_dm_args args;
};

/* A -chardev argument at argv[i]: one more socket to make, or none. */
static int scan_chardev(char *const argv[], int i, struct scan *sc,
			struct sv_error *err)
{
	struct sv_dm_listen l;
	char q[SV_QUOTE_BUF];
	int r = sv_dm_chardev_parse(argv[i], &l, err);

	if (r <= 0)
		return r < 0 ? sv_fail_prefix(err, -r, "argv[%d]", i) : 0;
	if (sc->args.nlisten == SV_DM_LISTEN_MAX)
		return sv_fail(err, E2BIG,
			       "more than %d -chardev sockets to listen on",
			       SV_DM_LISTEN_MAX);
	for (int k = 0; k < sc->args.nlisten; k++)
		if (strcmp(sc->args.listen[k].path, l.path) == 0)
			return sv_fail(err, EINVAL,
				       "argv[%d]: a second -chardev socket at \"%s\" "
				       "(argv[%d])", i,
				       sv_quote(q, sizeof(q), l.path,
						strlen(l.path)),
				       sc->args.listen[k].argi);
	l.argi = i;
	sc->args.listen[sc->args.nlisten++] = l;
	return 0;
}

/* One option at argv[*i]; advances *i past its argument, if it has one. */
static int scan_option(const char *name, int argc, char *const argv[], int *i,
		       struct scan *sc, struct sv_error *err)
{
	char q[SV_QUOTE_BUF];

	if (in_table(name, opts_without_arg, ARRAY_SIZE(opts_without_arg))) {
		if (strcmp(name, "xen-domid-restrict") == 0 &&
		    ++sc->nrestrict > 1)
			return sv_fail(err, EINVAL,
				       "-xen-domid-restrict given twice");
		sc->args.restricted |= strcmp(name, "xen-domid-restrict") == 0;
		return 0;
	}
	if (!in_table(name, opts_with_arg, ARRAY_SIZE(opts_with_arg)))
		return sv_fail(err, EINVAL,
			       "unknown qemu option \"%s\" at argv[%d]: cannot "
			       "tell whether it takes an argument",
			       sv_quote(q, sizeof(q), argv[*i], strlen(argv[*i])),
			       *i);
	if (*i + 1 >= argc)
		return sv_fail(err, EINVAL, "qemu option -%s has no argument",
			       name);
	(*i)++;
	if (strcmp(name, "chardev") == 0)
		return scan_chardev(argv, *i, sc, err);
	if (strcmp(name, "xen-domid") != 0)
		return 0;
	if (++sc->ndomid > 1)
		return sv_fail(err, EINVAL, "-xen-domid given twice");
	if (parse_domid(argv[*i], &sc->args.domid) < 0)
		return sv_fail(err, EINVAL,
			       "-xen-domid \"%s\" is not a domid (0..%d, decimal, "
			       "no sign or leading zero)",
			       sv_quote(q, sizeof(q), argv[*i], strlen(argv[*i])),
			       SV_CONTROL_DOMID_MAX);
	return 0;
}

int sv_dm_args_parse(int argc, char *const argv[], struct sv_dm_args *out,
		     struct sv_error *err)
{
	struct scan sc = { .args = { .domid = -1 } };

	if (argc < 1 || !argv)
		return sv_fail(err, EINVAL, "empty command line");
	for (int i = 1; i < argc; i++) {
		const char *name;
		int r;

		if (!argv[i])
			return sv_fail(err, EINVAL, "argv[%d] is NULL", i);
		name = option_name(argv[i]);
		if (name && (r = scan_option(name, argc, argv, &i, &sc, err)) < 0)
			return r;
	}
	if (sc.ndomid == 0)
		return sv_fail(err, EINVAL,
			       "no -xen-domid on qemu's command line");
	*out = sc.args;
	return 0;
}
