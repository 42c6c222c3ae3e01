/* json_out.h: the JSON that svirt-xl prints, written by hand: strings with
 * every byte outside printable ASCII escaped, so that untrusted names and
 * paths can neither break the document nor carry terminal controls. */
#ifndef SVIRT_JSON_OUT_H
#define SVIRT_JSON_OUT_H

#include <stdbool.h>
#include <stdio.h>

/* s as a JSON string, or null when s is NULL. */
void sv_json_str(FILE *f, const char *s);
/* "key": value, and ", " after it when more. */
void sv_json_key(FILE *f, const char *key, const char *value, bool more);

#endif
