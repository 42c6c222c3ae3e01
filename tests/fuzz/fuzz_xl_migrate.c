/* fuzz_xl_migrate.c: fuzz target for svirt-xl migrate's arguments (argv is outside input):
 * an accepted command line keeps its promises, a refused one says why and changes nothing.
 * Input: argv elements after "migrate", separated by NUL bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xl_migrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A host goes into "exec SSH HOST ...": no shell character, no option. */
static void check_host(const char *h)
{
	if (!h[0] || h[0] == '-' || strpbrk(h, " \t\n;&|$`'\"\\<>(){}[]*?!#~="))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_xl_migrate m = { .domain = "untouched" };
	struct sv_error err = { .msg = "" };
	const char *argv[SV_XL_MIGRATE_ARGV_MAX];
	char *copy = malloc(size + 1), **args = calloc(size + 3, sizeof(char *));
	char buf[512];
	int n = 0;

	if (!copy || !args)
		goto out;
	memcpy(copy, data, size);
	copy[size] = '\0';
	args[n++] = "migrate";
	for (size_t i = 0; i < size; i += strlen(copy + i) + 1)
		args[n++] = copy + i;
	if (sv_xl_migrate_parse(n, args, &m, &err) < 0) {
		if (!err.msg[0] || strcmp(m.domain, "untouched") != 0)
			abort();
		goto out;
	}
	check_host(m.host);
	if (!m.ssh[0] && strcmp(m.host, "localhost") != 0)
		abort();
	if (sv_xl_migrate_receiver(&m, "/usr/sbin/xl", buf, sizeof(buf), &err) < 0)
		abort();
	sv_xl_migrate_argv(&m, "/usr/sbin/xl", buf, argv);
	if (strcmp(argv[2], "-p") != 0)
		abort();
	if (sv_xl_migrate_finish(&m, "0e6b7d4a-0000-4000-8000-00000000000a", buf,
				 sizeof(buf)) == 0 && !strstr(buf, " svirt-xl unpause "))
		abort();
out:
	free(args);
	free(copy);
	return 0;
}
