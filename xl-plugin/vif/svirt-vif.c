/* svirt-vif.c: asks svirtd to label one vif now (VIF <domid> <devid>), for vif-svirt,
 * the hotplug wrapper; exits 0 only when svirtd says the vif carries its labels. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "version.h"

#define TIMEOUT_MS 30000

/* Decimal lo..hi, no sign, no leading zero. */
static int number(const char *s, unsigned long lo, unsigned long hi,
		  unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || (s[0] == '0' && s[1]) || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 6)
		return -EINVAL;
	v = strtoul(s, &end, 10);
	if (v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct sv_control_request q = { .op = SV_CONTROL_VIF };
	struct sv_control_reply rep = { 0 };
	const char *sock = getenv("SVIRT_SOCKET");
	struct sv_error err;
	unsigned long domid, devid;
	int r;

	if (argc == 2 && strcmp(argv[1], "--version") == 0)
		return sv_version_print(stdout, "svirt-vif") < 0;
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: svirt-vif DOMID DEVID\n"
		       "Asks svirtd (%s, or $SVIRT_SOCKET) to label the vif now; run by\n"
		       "the vif-svirt hotplug script.\n", SV_CONTROL_SOCKET);
		return 0;
	}
	if (argc != 3 || number(argv[1], 1, SV_CONTROL_DOMID_MAX, &domid) < 0 ||
	    number(argv[2], 0, SV_CONTROL_DEVID_MAX, &devid) < 0) {
		fprintf(stderr, "usage: svirt-vif DOMID DEVID\n");
		return 2;
	}
	q.domid = (int)domid;
	q.devid = (unsigned)devid;
	r = sv_control_call(sock && *sock ? sock : NULL, &q, TIMEOUT_MS, &rep, &err);
	if (r < 0) {
		fprintf(stderr, "svirt-vif: domain %lu vif %lu: %s\n", domid, devid,
			err.msg);
		return 1;
	}
	sv_control_reply_clear(&rep);
	return 0;
}
