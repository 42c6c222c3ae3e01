/* interpose-stub.c: svirt-interpose for bench_interpose: the same code and
 * libraries, its config file as argv[1], SELinux taken as enforcing. */
#include <stdio.h>
#include <string.h>

#include "../../interpose/interpose.h"

extern char **environ;

/* This host may have SELinux disabled: the interposer is told it is
 * enforcing, so it asks svirtd for the label as it would on a Xen host. */
static int enforcing(void *arg)
{
	(void)arg;
	return 1;
}

/* setexeccon() is one write to /proc/self/attr/exec; a host without
 * SELinux has no such file, so that write is all this leaves out. */
static int keep_context(const char *ctx, void *arg)
{
	(void)ctx;
	(void)arg;
	return 0;
}

/* argv: CONF, then libxl's command line for qemu; or --load-only, which
 * measures loading the binary alone. Returns only if the interposer refused. */
int main(int argc, char **argv)
{
	const struct sv_interpose_ops ops = { enforcing, keep_context, NULL };
	struct sv_interpose_conf conf;
	struct sv_error err = { "" };

	if (argc == 2 && strcmp(argv[1], "--load-only") == 0)
		return 0;
	if (argc < 3) {
		fprintf(stderr, "usage: interpose-stub CONF QEMU-ARGS...\n");
		return 2;
	}
	if (sv_interpose_conf_load(argv[1], &conf, &err) == 0) {
		argv[1] = argv[0];
		sv_interpose_run(&conf, &ops, argc - 1, argv + 1, environ, &err);
	}
	fprintf(stderr, "interpose-stub: refused: %s\n", err.msg);
	return 1;
}
