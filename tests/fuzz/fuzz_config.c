/* fuzz_config.c: fuzz target for sv_config_parse (svirt.conf is outside input).
 * Checks what an accepted config promises; the policy files point nowhere. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Nonexistent, so every run sees the same (built-in) fallback. */
static const struct sv_config_sources no_policy = {
	.domain_context_path = "/nonexistent/svirt-fuzz/virtual_domain_context",
	.image_context_path = "/nonexistent/svirt-fuzz/virtual_image_context",
};

/* issue 17 item 4: every static pair valid, in range and one guest's;
 * every per-guest shared disk under a root; a whole guest left
 * unrelabelled has a static pair. */
static void check_guests(const struct sv_config *c)
{
	if (c->nguests > SV_CONFIG_MAX_GUESTS)
		abort();
	for (size_t i = 0; i < c->nguests; i++) {
		const struct sv_guest_entry *e = &c->guests[i];
		struct sv_guest_opts o;

		if (!e->guest || !e->guest[0] || strchr(e->guest, ' '))
			abort();
		switch (e->kind) {
		case SV_GOPT_SECLABEL:
			if (!sv_pair_valid(e->pair) || e->pair.a < c->cat_lo ||
			    e->pair.b > c->cat_hi)
				abort();
			for (size_t j = 0; j < i; j++)
				if (c->guests[j].kind == SV_GOPT_SECLABEL &&
				    c->guests[j].pair.a == e->pair.a &&
				    c->guests[j].pair.b == e->pair.b)
					abort();
			break;
		case SV_GOPT_SHARED:
			if (!e->path || !sv_config_path_under_root(c, e->path))
				abort();
			break;
		case SV_GOPT_RELABEL_NO:
			if (e->path)
				break;
			if (sv_config_guest_opts(c, e->by_uuid ? e->guest : NULL,
						 e->by_uuid ? NULL : e->guest, &o,
						 NULL) < 0 || !o.has_pair)
				abort();
			break;
		case SV_GOPT_NETWORK_OFF:
			if (e->path)
				abort();
			break;
		}
	}
}

static void check_accepted(const struct sv_config *c)
{
	if (c->cat_lo == 0 || c->cat_lo >= c->cat_hi || c->cat_hi >= SV_CATS ||
	    c->nroots == 0 || c->nroots > SV_CONFIG_MAX_ROOTS ||
	    c->nshared > SV_CONFIG_MAX_SHARED || !c->state_dir ||
	    c->state_dir[0] != '/')
		abort();
	for (size_t i = 0; i < c->nroots; i++)
		if (strcmp(c->relabel_roots[i], "/") == 0 ||
		    c->relabel_roots[i][0] != '/')
			abort();
	for (size_t i = 0; i < c->nshared; i++)
		if (!sv_config_path_under_root(c, c->shared_images[i]))
			abort();
	for (int k = 0; k < SV_BASE_COUNT; k++)
		if (c->origin[k] == SV_ORIGIN_POLICY ||
		    !sv_config_base(c, (enum sv_base_kind)k))
			abort();
	check_guests(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_config c;
	struct sv_error err = { .msg = "" };

	if (sv_config_parse((const char *)data, size, "fuzz.conf", &no_policy,
			    &c, &err) == 0) {
		check_accepted(&c);
		sv_config_free(&c);
	} else if (err.msg[0] == '\0') {
		abort();	/* every refusal says why */
	}
	return 0;
}
