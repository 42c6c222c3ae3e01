/* uuid.c: validating and normalising textual UUIDs.
 * Input comes from xenstore and config files, so every byte is checked and bounded. */
#include "uuid.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static bool uuid_is_hyphen_pos(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

static int hex_lower(char c)
{
	if (c >= '0' && c <= '9')
		return c;
	if (c >= 'a' && c <= 'f')
		return c;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 'a';
	return -1;
}

/* Shown in messages: printable ASCII as is, anything else as hex, so a
 * message never carries control bytes from hostile input. */
static void describe_byte(char c, char *buf, size_t size)
{
	unsigned char u = (unsigned char)c;

	if (u > 0x20 && u < 0x7f && u != '\'')
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", u);
}

int sv_uuid_normalise(const char *s, char out[SV_UUID_BUF],
		      struct sv_error *err)
{
	char tmp[SV_UUID_BUF];
	char what[16];
	size_t len;

	if (!s)
		return sv_fail(err, EINVAL, "uuid: missing");
	/* strnlen: never scan past what a UUID could be. */
	len = strnlen(s, SV_UUID_LEN + 1);
	if (len != SV_UUID_LEN)
		return sv_fail(err, EINVAL,
			       "uuid: %s characters, expected %d (8-4-4-4-12 hex)",
			       len > SV_UUID_LEN ? "more than 36" :
			       len == 0 ? "0" : "fewer than 36", SV_UUID_LEN);
	for (size_t i = 0; i < SV_UUID_LEN; i++) {
		int c;

		if (uuid_is_hyphen_pos(i)) {
			if (s[i] == '-') {
				tmp[i] = '-';
				continue;
			}
			describe_byte(s[i], what, sizeof(what));
			return sv_fail(err, EINVAL,
				       "uuid: %s at offset %zu, expected '-'",
				       what, i);
		}
		c = hex_lower(s[i]);
		if (c < 0) {
			describe_byte(s[i], what, sizeof(what));
			return sv_fail(err, EINVAL,
				       "uuid: %s at offset %zu is not a hex digit",
				       what, i);
		}
		tmp[i] = (char)c;
	}
	tmp[SV_UUID_LEN] = '\0';
	memcpy(out, tmp, sizeof(tmp));
	return 0;
}

bool sv_uuid_is_canonical(const char *s)
{
	char norm[SV_UUID_BUF];

	return s && sv_uuid_normalise(s, norm, NULL) == 0 &&
	       memcmp(norm, s, SV_UUID_BUF) == 0;
}

bool sv_uuid_is_nil(const char *s)
{
	return s && strcmp(s, "00000000-0000-0000-0000-000000000000") == 0;
}
