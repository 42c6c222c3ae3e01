/* fuzz_netlabel.c: fuzz target for the NetLabel reply parser (sv_nlbl_parse_dump).
 * What it accepts holds a valid interface or none (a default entry), a sane mask, a context. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netlabel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_nlbl_list l = { .v = NULL };
	struct sv_error err;
	/* Netlink buffers are 4-byte aligned, as the kernel hands them over. */
	uint32_t *buf = malloc(size + 4);

	if (!buf)
		abort();
	memcpy(buf, data, size);
	if (sv_nlbl_parse_dump(buf, size, &l, &err) >= 0) {
		for (size_t i = 0; i < l.n; i++) {
			struct sv_context c;

			/* "" is a default entry, which names no interface. */
			if ((l.v[i].iface[0] && !sv_ifname_valid(l.v[i].iface)) ||
			    (l.v[i].family != AF_INET && l.v[i].family != AF_INET6) ||
			    sv_context_parse(l.v[i].ctx, &c, NULL) != 0)
				abort();
		}
	} else if (l.n > 0 && !err.msg[0]) {
		abort();
	}
	sv_nlbl_list_clear(&l);
	free(buf);
	return 0;
}
