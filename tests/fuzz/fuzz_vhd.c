/* fuzz_vhd.c: fuzz target for the VHD parsers (footer, dynamic header, locators), the input
 * a whole image read as the chain walker reads it: what they hand on holds, a refusal says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vhd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_locators(const uint8_t *img, size_t size,
			   const struct sv_vhd_header *h)
{
	char name[SV_VHD_LOCATOR_MAX + 1];

	if (h->nloc > SV_VHD_LOCATORS)
		abort();
	for (size_t i = 0; i < h->nloc; i++) {
		const struct sv_vhd_locator *l = &h->loc[i];
		struct sv_error err = { .msg = "" };
		uint8_t *copy;
		int r;

		if (l->len == 0 || l->len > SV_VHD_LOCATOR_MAX ||
		    l->offset > size || l->len > size - l->offset)
			abort();
		/* An exact copy, so a read past the locator is seen. */
		if (!(copy = malloc(l->len)))
			abort();
		memcpy(copy, img + l->offset, l->len);
		r = sv_vhd_locator_decode(l->code, copy, l->len, name, &err);
		if ((r < 0 && !err.msg[0]) || r > 0 ||
		    (r == 0 && (name[0] == '\0' ||
				strlen(name) > SV_VHD_LOCATOR_MAX)))
			abort();
		for (size_t k = 0; r == 0 && name[k]; k++)
			if ((unsigned char)name[k] < 0x20 ||
			    (unsigned char)name[k] >= 0x7f)
				abort();
		free(copy);
	}
}

static void check_image(const uint8_t *img, size_t size, const uint8_t *foot)
{
	struct sv_error err = { .msg = "" };
	struct sv_vhd_footer f = { .type = 0 };
	struct sv_vhd_header h;
	uint8_t *hdr;
	int r = sv_vhd_footer_parse(foot, SV_VHD_FOOTER_LEN, &f, &err);

	if ((r < 0 && !err.msg[0]) || r > 1 || (r != 1 && f.type != 0) ||
	    (r == 1 && f.type != SV_VHD_FIXED && f.type != SV_VHD_DYNAMIC &&
	     f.type != SV_VHD_DIFFERENCING))
		abort();
	if (r != 1 || f.type != SV_VHD_DIFFERENCING ||
	    f.data_offset > size || size - f.data_offset < SV_VHD_HEADER_LEN)
		return;
	if (!(hdr = malloc(SV_VHD_HEADER_LEN)))
		abort();
	memcpy(hdr, img + f.data_offset, SV_VHD_HEADER_LEN);
	memset(&h, 0xa5, sizeof(h));
	r = sv_vhd_header_parse(hdr, SV_VHD_HEADER_LEN, f.data_offset, size, &h,
				&err);
	if ((r < 0 && !err.msg[0]) || r > 0 ||
	    (r == 0 && strlen(h.parent_name) >= SV_VHD_NAME_BUF))
		abort();
	if (r == 0)
		check_locators(img, size, &h);
	free(hdr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *img = malloc(size ? size : 1);

	if (!img)
		abort();
	memcpy(img, data, size);
	/* The last sector, then the copy in the first, as the walker reads. */
	if (size >= SV_VHD_FOOTER_LEN) {
		check_image(img, size, img + size - SV_VHD_FOOTER_LEN);
		check_image(img, size, img);
	}
	free(img);
	return 0;
}
