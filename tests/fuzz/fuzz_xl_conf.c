/* fuzz_xl_conf.c: fuzz target for sv_xl_conf_parse (/etc/svirt/xl.conf is outside
 * input): an accepted config keeps its promises, a refused one says why and changes nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "xl_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sv_xl_conf c, before;
	struct sv_error err = { .msg = "" };

	if (sv_xl_conf_defaults(&c, "/usr/libexec/svirt-xen/svirt-interpose") < 0)
		abort();
	before = c;
	if (sv_xl_conf_parse((const char *)data, size, "fuzz.conf", &c, &err) == 0) {
		if (c.wait_seconds < 1 || c.wait_seconds > SV_CONTROL_WAIT_MAX ||
		    c.socket[0] != '/' || c.xl[0] != '/' || c.interposer[0] != '/' ||
		    c.run_dir[0] != '/' || strpbrk(c.vif_script, ",= \t\"'\\"))
			abort();
	} else if (err.msg[0] == '\0' || memcmp(&c, &before, sizeof(c)) != 0) {
		abort();
	}
	return 0;
}
