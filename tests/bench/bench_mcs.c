/* bench_mcs.c: allocations per second of the category pair allocator at 0%,
 * 50% and 99% occupancy of the c1..c1023 pair space (522,753 pairs). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mcs.h"

#define ROUNDS 2000000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Alloc + release at constant occupancy; returns allocations per second. */
static double measure(struct sv_mcs *m)
{
	struct sv_pair p;
	double t0 = now();

	for (int i = 0; i < ROUNDS; i++) {
		if (sv_mcs_alloc(m, &p) != 0 || sv_mcs_release(m, p) != 0) {
			fprintf(stderr, "bench_mcs: allocator failed\n");
			exit(1);
		}
	}
	return ROUNDS / (now() - t0);
}

int main(void)
{
	static const int percent[] = { 0, 50, 99 };
	struct sv_mcs *m;
	struct sv_pair p;
	size_t total;

	if (sv_mcs_new(1, 1023, &m, NULL) != 0)
		return 1;
	total = sv_mcs_total(m);
	printf("bench_mcs: %d alloc+release rounds per occupancy, %zu pairs\n",
	       ROUNDS, total);
	for (size_t i = 0; i < sizeof(percent) / sizeof(percent[0]); i++) {
		while (sv_mcs_used(m) < total * (size_t)percent[i] / 100)
			if (sv_mcs_alloc(m, &p) != 0)
				return 1;
		printf("bench_mcs: occupancy %2d%%: %.0f allocations/s\n",
		       percent[i], measure(m));
	}
	sv_mcs_free(m);
	return 0;
}
