/* argv.c: reads the guest's domid and -xen-domid-restrict from qemu's argv.
 * Position-independent, and aware of which qemu options take an argument. */
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

struct scan {
	int ndomid;
	int nrestrict;
	struct sv_dm_args args;
};

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
