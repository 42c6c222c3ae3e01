/* guest.c: what svirt-xl create, restore and migrate share: run xl on a paused guest, find
 * the domain, and wait until svirtd has labelled it and every one of its disks. */
#include "svirt-xl.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "control.h"

void sv_xl_signals(void (*handler)(int))
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = handler };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

int sv_xl_run(const char *cmd, const char *const argv[])
{
	int status;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "svirt-xl %s: fork: %s\n", cmd, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		sv_xl_signals(SIG_DFL);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "svirt-xl %s: %s: %s\n", cmd, argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "svirt-xl %s: waitpid: %s\n", cmd, strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "svirt-xl %s: `%s %s %s` failed (%s %d)\n", cmd, argv[0],
			argv[1], argv[2], WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	return 0;
}

int sv_xl_domid_of_uuid(struct sv_xl *x, const char *uuid, char **flask)
{
	char id[SV_UUID_BUF];
	libxl_dominfo *info;
	int n = 0, found = -1;

	if (!(info = libxl_list_domain(x->ctx, &n)))
		return -1;
	for (int i = 0; i < n && found < 0; i++) {
		snprintf(id, sizeof(id), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(info[i].uuid));
		if (strcmp(id, uuid) != 0 || info[i].domid == 0)
			continue;
		found = (int)info[i].domid;
		if (flask)
			*flask = info[i].ssid_label ? strdup(info[i].ssid_label) : NULL;
	}
	libxl_dominfo_list_free(info, n);
	return found;
}

int sv_xl_wait_labelled(struct sv_xl *x, const char *cmd, int domid,
			const struct sv_pair *want, struct sv_pair *got)
{
	struct sv_control_request req = {
		.op = SV_CONTROL_GET, .domid = domid,
		.wait_seconds = x->conf.wait_seconds,
	};
	struct sv_control_reply rep = { .n = 0 };
	struct sv_error err = { .msg = "" };
	char why[SV_QUOTE_BUF + 128];
	int r;

	r = sv_control_call(x->conf.socket, &req,
			    (int)(x->conf.wait_seconds + 5) * 1000, &rep, &err);
	if (r < 0) {
		fprintf(stderr, "svirt-xl %s: domain %d: not labelled: %s\n", cmd, domid,
			err.msg);
		return -1;
	}
	r = sv_xl_labelled_verdict(&rep.entries[0], want, why, sizeof(why));
	if (r < 0)
		fprintf(stderr, "svirt-xl %s: domain %d: %s\n", cmd, domid, why);
	else if (got)
		*got = rep.entries[0].pair;
	sv_control_reply_clear(&rep);
	return r;
}

/* The guest's disks that are files or devices, resolved as svirtd records them. */
static int disk_paths(struct sv_xl *x, const char *cmd, int domid, char ***out,
		      size_t *n)
{
	libxl_device_disk *disks;
	char **v;
	int num = 0;

	*out = NULL;
	*n = 0;
	disks = libxl_device_disk_list(x->ctx, (uint32_t)domid, &num);
	if (!disks && num != 0) {
		fprintf(stderr, "svirt-xl %s: domain %d: libxl cannot list its disks\n",
			cmd, domid);
		return -1;
	}
	v = calloc(num > 0 ? (size_t)num : 1, sizeof(*v));
	if (!v) {
		libxl_device_disk_list_free(disks, num);
		fprintf(stderr, "svirt-xl %s: out of memory\n", cmd);
		return -1;
	}
	for (int i = 0; i < num; i++) {
		const char *p = disks[i].pdev_path;

		if (!p || p[0] != '/')
			continue;	/* an empty cdrom, a network disk */
		if (!(v[*n] = realpath(p, NULL))) {
			fprintf(stderr, "svirt-xl %s: domain %d: disk %s: %s\n", cmd,
				domid, p, strerror(errno));
			libxl_device_disk_list_free(disks, num);
			*out = v;
			return -1;
		}
		(*n)++;
	}
	libxl_device_disk_list_free(disks, num);
	*out = v;
	return 0;
}

int sv_xl_wait_disks(struct sv_xl *x, const char *cmd, int domid, const char *uuid)
{
	_cleanup_store_ struct sv_store *store = NULL;
	struct sv_error err = { .msg = "" };
	struct timespec now, end, nap = { .tv_nsec = 50 * 1000 * 1000 };
	const char *missing = NULL;
	char **paths = NULL;
	size_t n = 0;
	int r;

	if ((r = disk_paths(x, cmd, domid, &paths, &n)) == 0 &&
	    (r = sv_xl_open_store(&store, &err)) < 0)
		fprintf(stderr, "svirt-xl %s: cannot read svirtd's records: %s\n", cmd,
			err.msg);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += x->conf.wait_seconds;
	while (r == 0) {
		struct sv_record rec = { .name = NULL };

		if (sv_store_read(store, uuid, &rec, &err) < 0) {
			fprintf(stderr, "svirt-xl %s: domain %d: %s\n", cmd, domid, err.msg);
			r = -1;
			break;
		}
		missing = sv_xl_disks_unlabelled(&rec, paths, n, sv_xl_read_label, NULL);
		sv_record_clear(&rec);
		if (!missing)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) {
			fprintf(stderr, "svirt-xl %s: domain %d: disk %s is not labelled "
				"after %u s\n", cmd, domid, missing, x->conf.wait_seconds);
			r = -1;
			break;
		}
		nanosleep(&nap, NULL);
	}
	for (size_t i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
	return r;
}

/* --- issue 16 item 8: a stub domain's binding --- */
int sv_xl_wait_stub(struct sv_xl *x, const char *cmd, int domid, bool want,
		    struct sv_pair pair, const char *dm_label)
{
	struct sv_control_request req = {
		.op = SV_CONTROL_GET, .wait_seconds = x->conf.wait_seconds,
	};
	struct sv_control_reply rep = { .n = 0 };
	struct sv_error err = { .msg = "" };
	_cleanup_free_ char *flask = NULL;
	char uuid[SV_UUID_BUF], why[SV_CONTEXT_MAX * 2 + 128];
	libxl_dominfo info;
	int stub = libxl_get_stubdom_id(x->ctx, domid), r;

	if (stub <= 0 && !want)
		return 0;
	if (stub <= 0) {
		fprintf(stderr, "svirt-xl %s: domain %d: the config asks for a stub device "
			"model (device_model_stubdomain_override), and libxl names none\n",
			cmd, domid);
		return -1;
	}
	if (!want) {
		fprintf(stderr, "svirt-xl %s: domain %d: libxl names domain %d as its stub "
			"device model, which its config does not ask for\n", cmd, domid, stub);
		return -1;
	}
	libxl_dominfo_init(&info);
	if (libxl_domain_info(x->ctx, &info, (uint32_t)stub) != 0) {
		libxl_dominfo_dispose(&info);
		fprintf(stderr, "svirt-xl %s: domain %d: its stub domain %d is gone\n",
			cmd, domid, stub);
		return -1;
	}
	snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(info.uuid));
	if (info.ssid_label && !(flask = strdup(info.ssid_label))) {
		libxl_dominfo_dispose(&info);
		fprintf(stderr, "svirt-xl %s: out of memory\n", cmd);
		return -1;
	}
	libxl_dominfo_dispose(&info);
	req.domid = stub;
	r = sv_control_call(x->conf.socket, &req,
			    (int)(x->conf.wait_seconds + 5) * 1000, &rep, &err);
	if (r < 0) {
		fprintf(stderr, "svirt-xl %s: domain %d: its stub domain %d (uuid %s) is "
			"not labelled: %s\n", cmd, domid, stub, uuid, err.msg);
		return -1;
	}
	r = sv_xl_stub_check(&rep.entries[0], stub, domid, pair, flask, dm_label,
			     why, sizeof(why));
	sv_control_reply_clear(&rep);
	if (r < 0) {
		fprintf(stderr, "svirt-xl %s: domain %d: its stub domain %d (uuid %s): %s\n",
			cmd, domid, stub, uuid, why);
		return -1;
	}
	return stub;
}
