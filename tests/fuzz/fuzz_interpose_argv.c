/* fuzz_interpose_argv.c: fuzz target for svirt-interpose's qemu argv reader.
 * Input: argv elements separated by NUL bytes (a trailing NUL ends the last). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Compiled in, so the target builds without interpose/'s objects. */
#include "../../interpose/argv.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits a copy of data at NULs into a NULL-terminated argv. */
static char **split(const uint8_t *data, size_t size, int *argc, char **copy)
{
	char **argv;
	int n = 0;

	*copy = malloc(size + 1);
	argv = calloc(size + 2, sizeof(*argv));
	if (!*copy || !argv) {
		free(*copy);
		free(argv);
		return NULL;
	}
	memcpy(*copy, data, size);
	(*copy)[size] = '\0';
	for (size_t i = 0; i < size; i += strlen(*copy + i) + 1)
		argv[n++] = *copy + i;
	*argc = n;
	return argv;
}

/* A parse that succeeds must describe argv: the domid is in range and some
 * -xen-domid is followed by exactly its decimal; restricted needs the flag. */
static void check(int argc, char **argv, const struct sv_dm_args *a)
{
	char want[16];
	bool seen_domid = false, seen_restrict = false;

	if (a->domid < 0 || a->domid > SV_CONTROL_DOMID_MAX)
		abort();
	snprintf(want, sizeof(want), "%d", a->domid);
	for (int i = 1; i < argc; i++) {
		const char *name = option_name(argv[i]);

		if (name && strcmp(name, "xen-domid") == 0 && i + 1 < argc &&
		    strcmp(argv[i + 1], want) == 0)
			seen_domid = true;
		if (name && strcmp(name, "xen-domid-restrict") == 0)
			seen_restrict = true;
	}
	if (!seen_domid || (a->restricted && !seen_restrict))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_dm_args a;
	struct sv_error err;
	char *copy = NULL;
	char **argv;
	int argc = 0;

	argv = split(data, size, &argc, &copy);
	if (!argv)
		return 0;
	if (sv_dm_args_parse(argc, argv, &a, &err) == 0)
		check(argc, argv, &a);
	free(argv);
	free(copy);
	return 0;
}
