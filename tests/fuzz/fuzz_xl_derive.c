/* fuzz_xl_derive.c: fuzz target for sv_xlcfg_parse and sv_xlcfg_derive (a guest's
 * xl config is outside input): whatever is accepted derives a config libxlutil reads back. */
#include <libxlutil.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl_derive.h"
#include "xl_guest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct sv_xlcfg_derive params = {
	.uuid = "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
	.seclabel = "system_u:system_r:svirt_domU_t:s0:c3,c700",
	.dm_seclabel = "system_u:system_r:svirt_dm_t:s0:c3,c700",
	.interposer = "/usr/libexec/svirt-xen/svirt-interpose",
	.vif_script = "vif-svirt",
};

/* The derived text must parse, and hold each statement's first value. */
static void check_derived(const struct sv_xlcfg *c, const char *text, size_t len)
{
	FILE *null = fopen("/dev/null", "w");
	XLU_Config *xlu = xlu_cfg_init(null, "derived");
	XLU_ConfigList *list;
	const char *v;
	int n;

	if (!xlu || xlu_cfg_readdata(xlu, text, (int)len) != 0)
		abort();
	for (size_t i = 0; i < c->n; i++) {
		const struct sv_xlcfg_stmt *s = &c->stmts[i];

		if (strcmp(s->key, "vif") == 0 || strcmp(s->key, "dm_restrict") == 0)
			continue;
		if (!s->is_list) {
			if (xlu_cfg_get_string(xlu, s->key, &v, 1) != 0 ||
			    strcmp(v, s->values[0]) != 0)
				abort();
		} else if (xlu_cfg_get_list(xlu, s->key, &list, &n, 1) != 0 ||
			   (size_t)n != s->n ||
			   (n > 0 && strcmp(xlu_cfg_get_listitem(list, 0), s->values[0]) != 0)) {
			abort();
		}
	}
	/* Only the device model of a PV guest with a device its qemu serves
	 * (a qdisk disk, a vfb...) runs without dm_restrict. */
	if (xlu_cfg_get_string(xlu, "dm_restrict", &v, 1) != 0 ||
	    strcmp(v, c->dm_restrict ? "1" : "0") != 0 ||
	    (!c->dm_restrict && (c->hvm || !c->qdev || !c->qdev_stmt ||
				 strcmp(c->qdev_stmt->key, c->qdev->key) != 0 ||
				 c->qdev_index < 0 || (size_t)c->qdev_index >= c->qdev_stmt->n)))
		abort();
	xlu_cfg_destroy(xlu);
	fclose(null);
}

/* issue 17 item 4: the svirt_* keys; what is accepted is a valid pair, and
 * no network with no vif. */
static void check_guest(const struct sv_xlcfg *c)
{
	struct sv_xl_guest g;
	struct sv_error err = { .msg = "" };

	if (sv_xl_guest_parse(c, &g, &err) < 0) {
		if (err.msg[0] == '\0')
			abort();
		return;
	}
	if ((g.has_pair && !sv_pair_valid(g.pair)) ||
	    (!g.has_pair && g.label[0]) || (g.network_off && c->nvifs))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_xlcfg c;
	struct sv_error err = { .msg = "" };
	char *text = NULL;
	size_t len = 0;

	if (sv_xlcfg_parse((const char *)data, size, "fuzz.cfg", NULL, 0, &c,
			   &err) < 0) {
		if (err.msg[0] == '\0')
			abort();	/* every refusal says why */
		return 0;
	}
	check_guest(&c);
	if (sv_xlcfg_derive(&c, &params, &text, &len, &err) == 0) {
		check_derived(&c, text, len);
		free(text);
	} else if (err.msg[0] == '\0') {
		abort();
	}
	sv_xlcfg_free(&c);
	return 0;
}
