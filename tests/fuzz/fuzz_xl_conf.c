/* fuzz_xl_conf.c: fuzz target for sv_xl_conf_parse (/etc/svirt/xl.conf is outside
 * input): an accepted config keeps its promises, a refused one says why and changes nothing. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "xl_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Field by field: the bytes past each string's NUL and the padding hold no
 * value, so a raw memcmp would branch on undefined bytes. */
static bool same(const struct sv_xl_conf *a, const struct sv_xl_conf *b)
{
	return strcmp(a->socket, b->socket) == 0 && strcmp(a->xl, b->xl) == 0 &&
	       strcmp(a->interposer, b->interposer) == 0 &&
	       strcmp(a->vif_script, b->vif_script) == 0 &&
	       strcmp(a->run_dir, b->run_dir) == 0 &&
	       a->wait_seconds == b->wait_seconds && a->flask == b->flask &&
	       sv_context_equal(&a->flask_guest, &b->flask_guest) &&
	       sv_context_equal(&a->flask_dm, &b->flask_dm);
}

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
	} else if (err.msg[0] == '\0' || !same(&c, &before)) {
		abort();
	}
	return 0;
}
