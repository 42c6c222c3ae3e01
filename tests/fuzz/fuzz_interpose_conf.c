/* fuzz_interpose_conf.c: fuzz target for svirt-interpose's interpose.conf parser,
 * against the libxlutil reader it replaced: never a different reading. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Compiled in, so the target builds without interpose/'s objects. */
#include "../../interpose/conf.c"
#include "interpose_conf_xlu.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Field by field: the bytes past each string's NUL hold no value. */
static bool same(const struct sv_interpose_conf *a,
		 const struct sv_interpose_conf *b)
{
	return strcmp(a->qemu, b->qemu) == 0 &&
	       strcmp(a->socket, b->socket) == 0 &&
	       a->wait_seconds == b->wait_seconds &&
	       a->require_restrict == b->require_restrict &&
	       a->allow_disabled == b->allow_disabled;
}

/*
 * What the parser accepts, the old reader accepted, with the same values.
 * What the old reader accepted and the parser refuses is a number written
 * other than in plain decimal (which strtol took as octal, hex, signed or
 * blank-led): that is the one deliberate refusal, and its message says so.
 * Every refusal names the file and line.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sv_interpose_conf defaults = {
		.qemu = "", .socket = SV_CONTROL_SOCKET,
		.wait_seconds = SV_INTERPOSE_WAIT_DEFAULT,
		.require_restrict = true,
	};
	struct sv_interpose_conf a = defaults, b = defaults;
	struct sv_error ea = { .msg = "" }, eb = { .msg = "" };
	const char *text = (const char *)data;
	int ra, rb;

	if (size > CONF_MAX_SIZE)
		return 0;	/* the loader refuses it before parsing */
	ra = conf_parse("f.conf", text, size, &a, &ea);
	rb = xlu_ref_parse("f.conf", text, size, &b, &eb);
	if (ra == 0 && (rb != 0 || !same(&a, &b)))
		abort();
	if (ra < 0 && (ra != -EINVAL || strncmp(ea.msg, "f.conf:", 7) != 0 ||
		       !is_digit(ea.msg[7])))
		abort();
	if (ra < 0 && rb == 0 && !strstr(ea.msg, "must be a decimal number"))
		abort();
	return 0;
}
