/* svirt-settarget.c: makes domain DM the device model of domain GUEST (XEN_DOMCTL_set_target through libxenctrl),
 * as libxl does for a stub domain right after creating it. For dom0 of the emulated Flask host (scenarios/xsm). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

/* Exit statuses as svirt-gnttest's: 0 done, 2 the hypervisor refused, 1 anything else. */
enum { EX_DONE = 0, EX_ERROR = 1, EX_REFUSED = 2 };

static int parse_domid(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v >= DOMID_FIRST_RESERVED) {
		fprintf(stderr, "svirt-settarget: bad domid '%s'\n", s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t dm, guest;
	xc_interface *xch;
	int rc, e;

	if (argc != 3 || parse_domid(argv[1], &dm) < 0 || parse_domid(argv[2], &guest) < 0) {
		fprintf(stderr, "usage: svirt-settarget DM GUEST\n"
				"  exit 0 DM is GUEST's device model, 2 the hypervisor refused, 1 anything else\n");
		return EX_ERROR;
	}
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		fprintf(stderr, "svirt-settarget: opening libxenctrl: %s\n", strerror(errno));
		return EX_ERROR;
	}
	rc = xc_domain_set_target(xch, dm, guest);
	e = errno;
	xc_interface_close(xch);
	if (rc == 0) {
		printf("set: domain %" PRIu32 " is the device model of domain %" PRIu32 "\n", dm, guest);
		return EX_DONE;
	}
	/* Flask's refusal comes back as EACCES. */
	if (e == EACCES || e == EPERM) {
		printf("refused: making domain %" PRIu32 " the device model of domain %" PRIu32 ": %s\n", dm, guest,
		       strerror(e));
		return EX_REFUSED;
	}
	fprintf(stderr, "svirt-settarget: making domain %" PRIu32 " the device model of domain %" PRIu32 ": %s\n", dm,
		guest, strerror(e));
	return EX_ERROR;
}
