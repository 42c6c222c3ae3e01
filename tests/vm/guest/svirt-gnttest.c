/* svirt-gnttest.c: grants a page to a domain or maps another domain's grant (gntalloc, gntdev); opens or binds
 * an event channel (evtchn); as a stub device model, binds the port of an ioreq server it creates (privcmd).
 * A static tool for the emulated Xen hosts: the Flask scenarios check what Xen refuses. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
/* The kernel's evtchn.h and gntdev.h use Xen's two types without defining them. */
typedef uint32_t grant_ref_t;
typedef uint16_t domid_t;
#include <xen/evtchn.h>
#include <xen/gntalloc.h>
#include <xen/gntdev.h>
/* Xen's public headers (libxen-dev) for the dm_op structures; Linux's privcmd.h
 * (whose <xen/interface/xen.h> the build points at Xen's xen.h) for the ioctl. */
#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>
#include <xen/privcmd.h>

#define PAGE 4096
#define MARK "svirt-gnttest page of domain granting to "

/* Exit statuses the scenarios tell apart (EX_MAPPED: mapped or bound). */
enum { EX_MAPPED = 0, EX_ERROR = 1, EX_REFUSED = 2 };

static int parse_u32(const char *s, const char *what, unsigned long max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max) {
		fprintf(stderr, "svirt-gnttest: bad %s '%s'\n", what, s);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* offer DOMID: one writable page granted to DOMID, its grant reference on
 * stdout; the grant lives as long as this process. */
static int offer(uint32_t domid)
{
	struct ioctl_gntalloc_alloc_gref req = { .domid = (uint16_t)domid,
						  .flags = GNTALLOC_FLAG_WRITABLE, .count = 1 };
	char *page;
	int fd;

	fd = open("/dev/xen/gntalloc", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "svirt-gnttest: /dev/xen/gntalloc: %s\n", strerror(errno));
		return EX_ERROR;
	}
	if (ioctl(fd, IOCTL_GNTALLOC_ALLOC_GREF, &req) < 0) {
		fprintf(stderr, "svirt-gnttest: granting a page to domain %" PRIu32 ": %s\n", domid,
			strerror(errno));
		return EX_ERROR;
	}
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)req.index);
	if (page == MAP_FAILED) {
		fprintf(stderr, "svirt-gnttest: mapping the granted page: %s\n", strerror(errno));
		return EX_ERROR;
	}
	snprintf(page, PAGE, MARK "%" PRIu32, domid);
	printf("gref %" PRIu32 "\n", req.gref_ids[0]);
	fflush(stdout);
	for (;;)
		pause();
}

/* map DOMID GREF: maps DOMID's grant GREF and checks the page is the one
 * offer wrote. A refusal by the hypervisor shows as a failing mmap. */
static int map(uint32_t domid, uint32_t gref)
{
	struct ioctl_gntdev_map_grant_ref req = { .count = 1 };
	const char *page;
	int fd;

	fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "svirt-gnttest: /dev/xen/gntdev: %s\n", strerror(errno));
		return EX_ERROR;
	}
	req.refs[0].domid = domid;
	req.refs[0].ref = gref;
	if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &req) < 0) {
		fprintf(stderr, "svirt-gnttest: gntdev setup for grant %" PRIu32 " of domain %" PRIu32 ": %s\n",
			gref, domid, strerror(errno));
		return EX_ERROR;
	}
	page = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, (off_t)req.index);
	if (page == MAP_FAILED) {
		printf("refused: mapping grant %" PRIu32 " of domain %" PRIu32 ": %s\n", gref, domid,
		       strerror(errno));
		return EX_REFUSED;
	}
	if (strncmp(page, MARK, strlen(MARK)) != 0) {
		fprintf(stderr, "svirt-gnttest: grant %" PRIu32 " of domain %" PRIu32
			" mapped, but it is not a page svirt-gnttest offered\n", gref, domid);
		return EX_ERROR;
	}
	printf("mapped: grant %" PRIu32 " of domain %" PRIu32 ": %.80s\n", gref, domid, page);
	return EX_MAPPED;
}

/* Flask's refusals come back from the hypercall as EACCES (or EPERM). */
static int evtchn_failed(const char *what, uint32_t domid)
{
	int e = errno;

	if (e == EACCES || e == EPERM) {
		printf("refused: %s with domain %" PRIu32 ": %s\n", what, domid, strerror(e));
		return EX_REFUSED;
	}
	fprintf(stderr, "svirt-gnttest: %s with domain %" PRIu32 ": %s\n", what, domid, strerror(e));
	return EX_ERROR;
}

/* evt-offer DOMID: an unbound port DOMID may bind, on stdout; it stays open
 * as long as this process. */
static int evt_offer(uint32_t domid)
{
	struct ioctl_evtchn_bind_unbound_port req = { .remote_domain = domid };
	int fd, port;

	fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "svirt-gnttest: /dev/xen/evtchn: %s\n", strerror(errno));
		return EX_ERROR;
	}
	port = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &req);
	if (port < 0)
		return evtchn_failed("opening a channel", domid);
	printf("port %d\n", port);
	fflush(stdout);
	for (;;)
		pause();
}

/* evt-bind DOMID PORT: binds a local port to DOMID's unbound PORT. */
static int evt_bind(uint32_t domid, uint32_t port)
{
	struct ioctl_evtchn_bind_interdomain req = { .remote_domain = domid, .remote_port = port };
	int fd, local;

	fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "svirt-gnttest: /dev/xen/evtchn: %s\n", strerror(errno));
		return EX_ERROR;
	}
	local = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &req);
	if (local < 0)
		return evtchn_failed("binding a channel", domid);
	printf("bound: port %" PRIu32 " of domain %" PRIu32 " to local port %d\n", port, domid, local);
	return EX_MAPPED;
}

/* One dm_op on domain DOM through privcmd, as libxendevicemodel issues it. */
static int dm_op(int fd, uint16_t dom, struct xen_dm_op *op)
{
	struct privcmd_dm_op_buf buf = { .uptr = op, .size = sizeof(*op) };
	struct privcmd_dm_op req = { .dom = dom, .num = 1, .ubufs = &buf };

	return ioctl(fd, IOCTL_PRIVCMD_DM_OP, &req);
}

/* ioreq DOMID: what a stub device model's qemu does first for its HVM guest:
 * creates an ioreq server (Xen opens the server's ports in DOMID's table, for
 * this domain to bind), reads the buffered-ioreq port, and binds it. */
static int ioreq(uint32_t domid)
{
	struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };
	struct ioctl_evtchn_bind_interdomain bind = { .remote_domain = domid };
	int priv, evt, local, rc;
	ioservid_t id;

	priv = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (priv < 0) {
		fprintf(stderr, "svirt-gnttest: /dev/xen/privcmd: %s\n", strerror(errno));
		return EX_ERROR;
	}
	op.u.create_ioreq_server.handle_bufioreq = HVM_IOREQSRV_BUFIOREQ_LEGACY;
	if (dm_op(priv, (uint16_t)domid, &op) < 0)
		return evtchn_failed("creating an ioreq server (dm_op)", domid);
	id = op.u.create_ioreq_server.id;

	memset(&op, 0, sizeof(op));
	op.op = XEN_DMOP_get_ioreq_server_info;
	op.u.get_ioreq_server_info.id = id;
	op.u.get_ioreq_server_info.flags = XEN_DMOP_no_gfns;
	if (dm_op(priv, (uint16_t)domid, &op) < 0) {
		fprintf(stderr, "svirt-gnttest: reading ioreq server %u of domain %" PRIu32 ": %s\n", id, domid,
			strerror(errno));
		return EX_ERROR;
	}
	bind.remote_port = op.u.get_ioreq_server_info.bufioreq_port;

	evt = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	if (evt < 0) {
		fprintf(stderr, "svirt-gnttest: /dev/xen/evtchn: %s\n", strerror(errno));
		return EX_ERROR;
	}
	local = ioctl(evt, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
	if (local < 0) {
		char what[96];

		snprintf(what, sizeof(what), "binding port %" PRIu32 " of ioreq server %u", bind.remote_port, id);
		rc = evtchn_failed(what, domid);
	} else {
		printf("bound: port %" PRIu32 " of domain %" PRIu32 " (buffered ioreqs of ioreq server %u) to local port %d\n",
		       bind.remote_port, domid, id, local);
		rc = EX_MAPPED;
	}
	close(evt);

	/* The server goes, and with it the ports Xen opened for it. */
	memset(&op, 0, sizeof(op));
	op.op = XEN_DMOP_destroy_ioreq_server;
	op.u.destroy_ioreq_server.id = id;
	if (dm_op(priv, (uint16_t)domid, &op) < 0)
		fprintf(stderr, "svirt-gnttest: destroying ioreq server %u of domain %" PRIu32 ": %s\n", id, domid,
			strerror(errno));
	close(priv);
	return rc;
}

int main(int argc, char **argv)
{
	uint32_t domid, gref;

	if (argc == 3 && strcmp(argv[1], "offer") == 0) {
		if (parse_u32(argv[2], "domid", 0x7fef, &domid) < 0)
			return EX_ERROR;
		return offer(domid);
	}
	if (argc == 4 && strcmp(argv[1], "map") == 0) {
		if (parse_u32(argv[2], "domid", 0x7fef, &domid) < 0 ||
		    parse_u32(argv[3], "grant reference", UINT32_MAX, &gref) < 0)
			return EX_ERROR;
		return map(domid, gref);
	}
	if (argc == 3 && strcmp(argv[1], "evt-offer") == 0) {
		if (parse_u32(argv[2], "domid", 0x7fef, &domid) < 0)
			return EX_ERROR;
		return evt_offer(domid);
	}
	if (argc == 4 && strcmp(argv[1], "evt-bind") == 0) {
		if (parse_u32(argv[2], "domid", 0x7fef, &domid) < 0 ||
		    parse_u32(argv[3], "port", INT32_MAX, &gref) < 0)
			return EX_ERROR;
		return evt_bind(domid, gref);
	}
	if (argc == 3 && strcmp(argv[1], "ioreq") == 0) {
		if (parse_u32(argv[2], "domid", 0x7fef, &domid) < 0)
			return EX_ERROR;
		return ioreq(domid);
	}
	fprintf(stderr, "usage: svirt-gnttest offer DOMID | map DOMID GREF | evt-offer DOMID | evt-bind DOMID PORT"
			" | ioreq DOMID\n"
			"  exit 0 mapped or bound, 2 the hypervisor refused, 1 anything else\n");
	return EX_ERROR;
}
