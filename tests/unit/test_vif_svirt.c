/* test_vif_svirt.c: the vif hotplug wrapper (xl-plugin/vif-svirt) around a stand-in for
 * vif-bridge and svirt-vif, with xenstore-write/-read/-rm writing a directory tree: the
 * wrapped script's hotplug-status "connected" is held back (written as svirt-plugged) until
 * svirt-vif answered, then written; a refusal undoes the plug and reports the error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmpfs.h"

/* As libxl gives it in XENBUS_PATH, relative to dom0's home. */
#define BE "backend/vif/7/1"

struct fixture {
	char dir[32];
};

static void write_file(const char *dir, const char *name, const char *text,
		       mode_t mode)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* The xenstore tools: a node is a file under $STORE, its path without the
 * /local/domain/0/ prefix of dom0's own tree; each call is logged. */
static const char xs_write[] =
	"#!/bin/bash\n"
	"while [ $# -ge 2 ]; do\n"
	"\tp=${1#/local/domain/0/}; mkdir -p \"$STORE/${p%/*}\"\n"
	"\tprintf %s \"$2\" >\"$STORE/$p\"; echo \"write $p $2\" >>\"$LOG\"; shift 2\n"
	"done\n";
static const char xs_read[] =
	"#!/bin/bash\np=${1#/local/domain/0/}; cat \"$STORE/$p\" 2>/dev/null\n";
static const char xs_rm[] =
	"#!/bin/bash\np=${1#/local/domain/0/}; echo \"rm $p\" >>\"$LOG\"; "
	"rm -f \"$STORE/$p\"\n";
/* vif-bridge as far as the wrapper sees it: resets PATH as the Xen scripts
 * do (the tools' directory first), writes a node of its own, and on online
 * reports success unless told not to. */
static const char inner[] =
	"#!/bin/bash\n"
	"export PATH=\"$FAKEBIN:/usr/bin:/bin\"\n"
	"echo \"inner $*\" >>\"$LOG\"\n"
	"xenstore-write \"$XENBUS_PATH/inner-was-here\" yes\n"
	"[ \"$1\" = online ] && [ -z \"$INNER_SILENT\" ] &&\n"
	"\txenstore-write \"$XENBUS_PATH/hotplug-status\" connected\n"
	"exit ${INNER_RC:-0}\n";
/* svirt-vif: logs what the backend said when it was asked. */
static const char svirt_vif[] =
	"#!/bin/bash\n"
	"b=$STORE/backend/vif/$1/$2\n"
	"echo \"svirt-vif $1 $2 plugged=$(cat $b/svirt-plugged 2>/dev/null) "
	"status=$(cat $b/hotplug-status 2>/dev/null)\" >>\"$LOG\"\n"
	"[ -z \"$SVIRTD_DOWN\" ] || { echo \"svirt-vif: domain $1 vif $2: cannot "
	"connect to svirtd\" >&2; exit 1; }\n";

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char cmd[512];

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/svvifsvirt.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	/* As make install writes it, svirt-vif's directory put in. */
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/bin %s/store %s/scripts && "
		 "sed 's|@LIBEXECDIR@|%s/bin|g' xl-plugin/vif-svirt >%s/scripts/vif-svirt",
		 fx->dir, fx->dir, fx->dir, fx->dir, fx->dir);
	assert_int_equal(system(cmd), 0);
	write_file(fx->dir, "bin/xenstore-write", xs_write, 0755);
	write_file(fx->dir, "bin/xenstore-read", xs_read, 0755);
	write_file(fx->dir, "bin/xenstore-rm", xs_rm, 0755);
	write_file(fx->dir, "bin/svirt-vif", svirt_vif, 0755);
	write_file(fx->dir, "scripts/vif-bridge", inner, 0755);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* Runs vif-svirt ARGS with ENV (assignments, may be "") as libxl would, the
 * stand-ins on PATH; its exit status. */
static int run(const struct fixture *fx, const char *env, const char *args)
{
	char cmd[768];
	int st;

	snprintf(cmd, sizeof(cmd), "cd %s && env -i PATH=%s/bin:/usr/bin:/bin "
		 "FAKEBIN=%s/bin STORE=%s/store LOG=%s/log XENBUS_PATH=backend/vif/7/1 "
		 "vif=vif7.1 %s bash scripts/vif-svirt %s 2>%s/stderr",
		 fx->dir, fx->dir, fx->dir, fx->dir, fx->dir, env, args, fx->dir);
	st = system(cmd);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static char *slurp(const struct fixture *fx, const char *name)
{
	static char buf[4096];
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	return tmpfs_slurp(path, buf, sizeof(buf)) ? buf : strcpy(buf, "");
}

static void assert_log(const struct fixture *fx, const char *want)
{
	const char *got = slurp(fx, "log");

	if (strcmp(got, want) != 0)
		fail_msg("vif-svirt's calls:\n%s\nwanted:\n%s", got, want);
}

static void connected_only_after_svirtd_answered(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(run(fx, "", "online type_if=vif"), 0);
	assert_log(fx, "rm " BE "/svirt-plugged\n"
		       "inner online type_if=vif\n"
		       "write " BE "/inner-was-here yes\n"
		       "write " BE "/svirt-plugged 1\n"
		       "svirt-vif 7 1 plugged=1 status=\n"
		       "write " BE "/hotplug-status connected\n");
	assert_string_equal(slurp(fx, "store/" BE "/hotplug-status"), "connected");
}

static void refusal_unplugs_and_reports_error(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(run(fx, "SVIRTD_DOWN=1", "online type_if=vif"), 1);
	assert_log(fx, "rm " BE "/svirt-plugged\n"
		       "inner online type_if=vif\n"
		       "write " BE "/inner-was-here yes\n"
		       "write " BE "/svirt-plugged 1\n"
		       "svirt-vif 7 1 plugged=1 status=\n"
		       "inner offline type_if=vif\n"
		       "write " BE "/inner-was-here yes\n"
		       "rm " BE "/svirt-plugged\n"
		       "write " BE "/hotplug-error vif-svirt: svirt-vif: domain 7 vif 1: "
		       "cannot connect to svirtd\n"
		       "write " BE "/hotplug-status error\n");
	assert_string_equal(slurp(fx, "store/" BE "/hotplug-status"), "error");
	assert_string_equal(slurp(fx, "store/" BE "/hotplug-error"),
			    "vif-svirt: svirt-vif: domain 7 vif 1: cannot connect to svirtd");
	assert_non_null(strstr(slurp(fx, "stderr"), "cannot connect to svirtd"));
}

/* An HVM guest's tap: its script reports nothing; labelled, or undone. */
static void tap_is_labelled_or_removed(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(run(fx, "INTERFACE=vif7.1-emu", "add type_if=tap"), 0);
	assert_log(fx, "inner add type_if=tap\n"
		       "write " BE "/inner-was-here yes\n"
		       "svirt-vif 7 1 plugged= status=\n");
	assert_int_equal(unlink(strcat(strcpy((char[128]){ 0 }, fx->dir), "/log")), 0);
	assert_int_equal(run(fx, "INTERFACE=vif7.1-emu SVIRTD_DOWN=1",
			     "add type_if=tap"), 1);
	assert_log(fx, "inner add type_if=tap\n"
		       "write " BE "/inner-was-here yes\n"
		       "svirt-vif 7 1 plugged= status=\n"
		       "inner remove type_if=tap\n"
		       "write " BE "/inner-was-here yes\n"
		       "rm " BE "/svirt-plugged\n"
		       "write " BE "/hotplug-error vif-svirt: svirt-vif: domain 7 vif 1: "
		       "cannot connect to svirtd\n"
		       "write " BE "/hotplug-status error\n");
}

/* The wrapped script's failure is its own (it wrote the error); svirtd is
 * not asked.  A script that ends well without reporting the vif plugged
 * fails closed. */
static void inner_failure_and_silence(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(run(fx, "INNER_RC=3", "online type_if=vif"), 3);
	assert_null(strstr(slurp(fx, "log"), "svirt-vif"));
	assert_int_equal(unlink(strcat(strcpy((char[128]){ 0 }, fx->dir), "/log")), 0);
	/* The failed run left svirt-plugged "1": a stale one vouches for nothing. */
	assert_string_equal(slurp(fx, "store/" BE "/svirt-plugged"), "1");
	assert_int_equal(run(fx, "INNER_SILENT=1", "online type_if=vif"), 1);
	assert_null(strstr(slurp(fx, "log"), "svirt-vif"));
	assert_null(strstr(slurp(fx, "log"), "hotplug-status connected"));
	assert_string_equal(slurp(fx, "store/" BE "/hotplug-status"), "error");
	assert_non_null(strstr(slurp(fx, "store/" BE "/hotplug-error"),
			       "did not report domain 7 vif 1 plugged"));
}

static void unplug_runs_only_the_wrapped_script(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(run(fx, "", "offline type_if=vif"), 0);
	assert_log(fx, "inner offline type_if=vif\n"
		       "write " BE "/inner-was-here yes\n");
}

static void bad_backend_path_is_refused(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(run(fx, "XENBUS_PATH=backend/vbd/7/51712",
			     "online type_if=vif"), 1);
	assert_string_equal(slurp(fx, "log"), "");	/* nothing plugged */
	assert_non_null(strstr(slurp(fx, "stderr"), "is not a vif backend"));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(connected_only_after_svirtd_answered),
		T(refusal_unplugs_and_reports_error),
		T(tap_is_labelled_or_removed),
		T(inner_failure_and_silence),
		T(unplug_runs_only_the_wrapped_script),
		T(bad_backend_path_is_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
