/* fuzz_link.c: fuzz target for the link event parser (sv_link_parse) and the answer parser
 * (sv_link_parse_ack): every event names a valid interface, every answer is 0 or an errno. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "netlabel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check(void *arg, const struct sv_link_event *ev)
{
	(void)arg;
	if (!sv_ifname_valid(ev->name))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_error err = { .msg = "" };
	/* Netlink buffers are 4-byte aligned, as the kernel hands them over. */
	uint32_t *buf = malloc(size + 4);
	int kerr = 1, r;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	if (sv_link_parse(buf, size, check, NULL, &err) < 0 && !err.msg[0])
		abort();
	err.msg[0] = '\0';
	r = sv_link_parse_ack(buf, size, 1, &kerr, &err);
	if ((r < 0 && !err.msg[0]) || (r == 1 && (kerr > 0 || kerr < -4095)) ||
	    (r == 0 && kerr != 1))
		abort();
	free(buf);
	return 0;
}
