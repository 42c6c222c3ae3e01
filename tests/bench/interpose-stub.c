/* interpose-stub.c: svirt-interpose for bench_interpose and the unit tests:
 * the same code, runtime and libraries, its config file as argv[1], SELinux
 * taken as enforcing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../interpose/interpose.h"

extern char **environ;

/* This host may have SELinux disabled: the interposer is told it is
 * enforcing, so it asks svirtd for the label as it would on a Xen host. */
static int enforcing(void *arg)
{
	(void)arg;
	return 1;
}

/* setexeccon() is one write to /proc/thread-self/attr/exec; a host without
 * SELinux has no such file, so that write is all this leaves out.  With
 * --context-file (tests/unit/test_interpose.c), the label goes there. */
static int keep_context(const char *ctx, void *arg)
{
	const char *file = arg;
	int fd;
	ssize_t n;

	if (!file)
		return 0;
	if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return -errno;
	n = write(fd, ctx, strlen(ctx));
	close(fd);
	return n == (ssize_t)strlen(ctx) ? 0 : -EIO;
}

/* argv: CONF [--context-file FILE], then libxl's command line for qemu; or
 * --load-only, which measures loading the binary alone.  Returns only if the
 * interposer refused, with its message. */
int main(int argc, char **argv)
{
	struct sv_interpose_ops ops = { enforcing, keep_context, NULL };
	struct sv_interpose_conf conf;
	struct sv_error err = { "" };
	int skip = 1;

	if (argc == 2 && strcmp(argv[1], "--load-only") == 0)
		return 0;
	if (argc > 3 && strcmp(argv[2], "--context-file") == 0) {
		ops.arg = argv[3];
		skip = 3;
	}
	if (argc < skip + 2) {
		fprintf(stderr, "usage: interpose-stub CONF [--context-file FILE] "
			"QEMU-ARGS...\n");
		return 2;
	}
	if (sv_interpose_conf_load(argv[1], &conf, &err) == 0) {
		argv[skip] = argv[0];
		sv_interpose_run(&conf, &ops, argc - skip, argv + skip, environ,
				 &err);
	}
	fprintf(stderr, "svirt-interpose: refusing to start qemu: %s\n", err.msg);
	return 1;
}
