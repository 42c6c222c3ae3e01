/* audit.c: svirtd's end of the audit seam (lib/audit.h): records go to the kernel
 * through libaudit; and the vifs a domain gained or lost in a pass, as records. */
#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "svirtd.h"

static int send_libaudit(void *arg, int type, const char *msg, bool success)
{
	struct svirtd *s = arg;
	int r;

	if (s->audit_fd < 0)
		return s->audit_err;
	errno = 0;
	r = audit_log_user_message(s->audit_fd, type, msg, NULL, NULL, NULL,
				   success ? 1 : 0);
	/* libaudit answers 0 when the kernel refused the connection (no
	 * audit in this network namespace, ECONNREFUSED). */
	if (r <= 0)
		return errno ? -errno : -ECONNREFUSED;
	return 0;
}

void svd_audit_open(struct svirtd *s)
{
	if (s->cfg.audit_off) {
		sv_log(&s->log, LOG_NOTICE, "audit records are off (audit = \"off\")");
		return;
	}
	/* A kernel without audit, or a namespace without it, only costs the
	 * records: said once, at the first one (lib/audit.c). */
	s->audit_fd = audit_open();
	s->audit_err = s->audit_fd < 0 ? (errno ? -errno : -EPROTONOSUPPORT) : 0;
	s->audit = (struct sv_audit){ .send = send_libaudit, .arg = s,
				      .log = &s->log };
	s->doms.audit = &s->audit;
}

void svd_audit_close(struct svirtd *s)
{
	if (s->audit_fd >= 0)
		audit_close(s->audit_fd);
	s->audit_fd = -1;
}

void svd_audit_ports_of(const struct svirtd *s, int domid,
			struct svd_audit_ports *out)
{
	out->n = 0;
	out->peer[0] = '\0';
	if (!s->net_on)
		return;
	for (size_t i = 0; i < s->net.nports && out->n < SVD_AUDIT_PORTS_MAX; i++) {
		const struct sv_net_port *p = &s->net.ports[i];

		if (p->domid != domid)
			continue;
		memcpy(out->name[out->n++], p->name, sizeof(p->name));
		snprintf(out->peer, sizeof(out->peer), "%s",
			 s->net.guests[p->guest].peer);
	}
}

static bool listed(const struct svd_audit_ports *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return true;
	return false;
}

void svd_audit_ports(struct svirtd *s, const struct sv_domain *d,
		     const struct svd_audit_ports *before)
{
	struct svd_audit_ports now;
	const struct sv_audit_vm vm = { d->name, d->uuid, d->domid };

	svd_audit_ports_of(s, d->domid, &now);
	for (size_t i = 0; i < now.n; i++)
		if (!listed(before, now.name[i]))
			sv_audit_resource(&s->audit, &vm, "net", "label",
					  now.name[i], NULL, now.peer);
	for (size_t i = 0; i < before->n; i++)
		if (!listed(&now, before->name[i]))
			sv_audit_resource(&s->audit, &vm, "net", "restore",
					  before->name[i], before->peer, NULL);
}
