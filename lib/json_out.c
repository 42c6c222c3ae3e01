/* json_out.c: JSON strings and members for svirt-xl's output. */
#include "json_out.h"

void sv_json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void sv_json_key(FILE *f, const char *key, const char *value, bool more)
{
	fprintf(f, "\"%s\": ", key);
	sv_json_str(f, value);
	fputs(more ? ", " : "", f);
}
