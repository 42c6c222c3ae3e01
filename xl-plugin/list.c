/* list.c: svirt-xl list and verify: domains from libxl, svirtd's LIST, each
 * guest's record from the state store (read-only), merged and printed or checked. */
#include "svirt-xl.h"

#include <errno.h>
#include <selinux/selinux.h>
#include <string.h>

#include <xenstore.h>

#include "config.h"
#include "store.h"

int sv_xl_flask_enabled(struct sv_xl *x)
{
	int r;

	errno = 0;
	r = libxl_flask_getenforce(x->ctx);
	if (r >= 0)
		return 1;
	return errno == ENOSYS || errno == EOPNOTSUPP ? 0 : -(errno ? errno : EIO);
}

static const char *run_state(const libxl_dominfo *i)
{
	return i->dying ? "dying" : i->shutdown ? "shutdown" :
	       i->paused ? "paused" : i->running ? "running" :
	       i->blocked ? "blocked" : "idle";
}

static int add_libxl_domains(struct sv_xl *x, struct sv_xl_report *r)
{
	libxl_dominfo *info;
	int n = 0;

	if (!(info = libxl_list_domain(x->ctx, &n))) {
		fputs("svirt-xl: libxl cannot list domains\n", stderr);
		return -EIO;
	}
	for (int i = 0; i < n; i++) {
		struct sv_xl_domain *d = sv_xl_report_add(r);

		if (!d) {
			libxl_dominfo_list_free(info, n);
			return -ENOMEM;
		}
		d->domid = (int)info[i].domid;
		d->name = libxl_domid_to_name(x->ctx, info[i].domid);
		snprintf(d->uuid, sizeof(d->uuid), LIBXL_UUID_FMT,
			 LIBXL_UUID_BYTES(info[i].uuid));
		d->run_state = run_state(&info[i]);
		if (r->flask && info[i].ssid_label)
			d->flask_label = strdup(info[i].ssid_label);
	}
	libxl_dominfo_list_free(info, n);
	return 0;
}

int sv_xl_open_store(struct sv_store **out, struct sv_error *err)
{
	struct sv_config cfg;
	int ret;

	if ((ret = sv_config_load(SV_CONFIG_PATH, NULL, &cfg, err)) < 0)
		return ret;
	ret = sv_store_open_readonly(cfg.state_dir, out, err);
	sv_config_free(&cfg);
	return ret;
}

/* The objects of each guest svirtd knows, from its record. */
static int add_records(struct sv_xl_report *r)
{
	_cleanup_store_ struct sv_store *store = NULL;
	struct sv_error err = { .msg = "" };
	int ret;

	if ((ret = sv_xl_open_store(&store, &err)) < 0) {
		fprintf(stderr, "svirt-xl: cannot read svirtd's records: %s\n", err.msg);
		for (size_t i = 0; i < r->n; i++)
			if (r->doms[i].has_entry && r->doms[i].domid >= 0)
				r->doms[i].record_error = strdup(err.msg);
		return -EIO;
	}
	for (size_t i = 0; i < r->n; i++) {
		struct sv_xl_domain *d = &r->doms[i];

		/* A stub domain has no record: its guest's lists its objects. */
		if (!d->has_entry || d->domid < 0 || d->entry.target)
			continue;
		if (sv_store_read(store, d->entry.uuid, &d->record, &err) < 0) {
			d->record_error = strdup(err.msg);
			ret = -EIO;
		}
	}
	return ret;
}

int sv_xl_gather(struct sv_xl *x, struct sv_xl_report *r)
{
	struct sv_control_request req = { .op = SV_CONTROL_LIST };
	struct sv_control_reply list = { .n = 0 };
	struct sv_error err = { .msg = "" };
	int flask = sv_xl_flask_enabled(x), ret = 0, outside;
	struct xs_handle *xs;

	if (flask < 0)
		fprintf(stderr, "svirt-xl: cannot tell whether Xen runs Flask: %s\n",
			strerror(-flask));
	r->flask = flask > 0;
	if ((ret = add_libxl_domains(x, r)) < 0)
		return ret;
	if (sv_control_call(x->conf.socket, &req, 10000, &list, &err) < 0) {
		fprintf(stderr, "svirt-xl: no LIST from svirtd: %s\n", err.msg);
		sv_xl_report_sort(r);
		return -EIO;
	}
	ret = sv_xl_report_merge(r, &list);
	sv_control_reply_clear(&list);
	if (ret < 0)
		return ret;
	sv_xl_report_sort(r);
	ret = add_records(r);
	xs = xs_open(XS_OPEN_READONLY);
	outside = sv_xl_report_add_outside(r, xs);
	if (xs)
		xs_close(xs);
	return ret < 0 ? ret : outside;
}

int sv_xl_parse_list(int argc, char **argv, struct sv_xl_args *a)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") != 0) {
			fprintf(stderr, "svirt-xl list: unknown argument \"%s\"\n", argv[i]);
			return -1;
		}
		a->json = true;
	}
	return 0;
}

int sv_xl_cmd_list(struct sv_xl *x, const struct sv_xl_args *a)
{
	_cleanup_(sv_xl_report_clear) struct sv_xl_report r = { .n = 0 };
	int ret;

	ret = sv_xl_gather(x, &r);
	if (ret == -ENOMEM) {
		fputs("svirt-xl: out of memory\n", stderr);
		return 1;
	}
	if (a->json)
		sv_xl_report_json(stdout, &r);
	else
		sv_xl_report_text(stdout, &r);
	return ret < 0 || fflush(stdout) != 0 ? 1 : 0;
}

int sv_xl_read_label(void *arg, const char *path, char *buf, size_t size)
{
	char *con = NULL;
	size_t n;

	(void)arg;
	if (lgetfilecon_raw(path, &con) < 0)
		return -(errno ? errno : EIO);
	n = strlen(con);
	if (n >= size) {
		freecon(con);
		return -ERANGE;
	}
	memcpy(buf, con, n + 1);
	freecon(con);
	return 0;
}

int sv_xl_parse_verify(int argc, char **argv, struct sv_xl_args *a)
{
	(void)argv;
	(void)a;
	if (argc != 1) {
		fputs("svirt-xl verify: takes no arguments\n", stderr);
		return -1;
	}
	return 0;
}

int sv_xl_cmd_verify(struct sv_xl *x, const struct sv_xl_args *a)
{
	_cleanup_(sv_xl_report_clear) struct sv_xl_report r = { .n = 0 };
	size_t bad, checked = 0;
	int ret;

	(void)a;
	ret = sv_xl_gather(x, &r);
	if (ret == -ENOMEM) {
		fputs("svirt-xl: out of memory\n", stderr);
		return 1;
	}
	bad = sv_xl_verify(&r, sv_xl_read_label, NULL, stdout, &checked);
	printf("svirt-xl verify: %zu object(s) checked, %zu problem(s)%s\n",
	       checked, bad, ret < 0 ? ", and svirtd or its records unreachable" : "");
	return bad || ret < 0 ? 1 : 0;
}
