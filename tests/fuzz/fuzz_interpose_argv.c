/* fuzz_interpose_argv.c: fuzz target for svirt-interpose's qemu argv reader
 * (the -chardev sockets it makes for qemu included).
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
	/* Each socket to make is a -chardev's argument whose [start, end) is
	 * its path=... element; its path is non-empty and fits a socket. */
	if (a->nlisten < 0 || a->nlisten > SV_DM_LISTEN_MAX)
		abort();
	for (int k = 0; k < a->nlisten; k++) {
		const struct sv_dm_listen *l = &a->listen[k];
		const char *name;

		if (l->argi < 2 || l->argi >= argc)
			abort();
		name = option_name(argv[l->argi - 1]);
		if (!name || strcmp(name, "chardev") != 0 ||
		    l->end > strlen(argv[l->argi]) || l->start + 5 >= l->end ||
		    strncmp(argv[l->argi] + l->start, "path=", 5) != 0 ||
		    (l->start > 0 && argv[l->argi][l->start - 1] != ',') ||
		    (argv[l->argi][l->end] != '\0' && argv[l->argi][l->end] != ',') ||
		    strnlen(l->path, sizeof(l->path)) >= sizeof(l->path) ||
		    l->path[0] == '\0')
			abort();
	}
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
