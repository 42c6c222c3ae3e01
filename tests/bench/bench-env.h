/* bench-env.h: what the benchmarks that drive the real svirtd share: a test
 * xenstore, a directory on a private tmpfs, and svirtd's config at info level. */
#ifndef BENCH_ENV_H
#define BENCH_ENV_H

#include "../xenstored/svirtd-fixture.h"

/* Prints "NAME: what" on stderr and exits 1. */
_Noreturn void bench_die(const char *name, const char *what);
double bench_now(void);
/* NULL when the benchmark can run here, else why not (for a SKIP line,
 * then exit 77 so make bench counts a skip);
 * on NULL, call bench_done() at the end. */
const char *bench_begin(const char *name);
void bench_done(void);
/* A fresh test xenstore, directory and config; svirtd not started. */
struct env *bench_env_new(const char *name);
/* Stops svirtd if it runs, then the test xenstore. */
void bench_env_free(const char *name, struct env *e);

#endif
