/* corpus.c: reads every file of a test-input folder and hands it to a callback.
 * Used by the tests that run the malformed-input corpus through the parsers. */
#include "corpus.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 4096 + 1);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int corpus_each(const char *dir, corpus_fn fn, void *arg)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), count = 0;

	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char path[4096];
		size_t len;
		char *data;

		if (ents[i]->d_name[0] != '.' &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     ents[i]->d_name) < sizeof(path) &&
		    (data = slurp(path, &len)) != NULL) {
			fn(path, data, len, arg);
			free(data);
			count++;
		}
		free(ents[i]);
	}
	free(ents);
	return count;
}

size_t corpus_chomp(const char *data, size_t len)
{
	return len > 0 && data[len - 1] == '\n' ? len - 1 : len;
}
