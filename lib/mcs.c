/* mcs.c: the allocator that hands category pairs out, one per guest.
 * A free-list with O(1) alloc, reserve and release whatever the occupancy. */
#include "mcs.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <sys/random.h>

#define RND_BATCH 32

/*
 * Pairs are numbered 0..total-1.  pool[0..nfree) holds the free pairs,
 * pool[nfree..total) the taken ones, and where[] is pool's inverse, so
 * drawing a random free pair, taking a given pair and giving one back are
 * each one swap.  Both arrays are stored XORed with their index: calloc's
 * zero pages then mean "identity", so the 4 MB for the full c1..c1023 space
 * are only touched as pairs are used.
 */
struct sv_mcs {
	unsigned lo, hi;
	uint32_t total;
	uint32_t nfree;
	uint32_t *pool_x;
	uint32_t *where_x;
	uint64_t rnd[RND_BATCH];
	unsigned nrnd;
};

int sv_mcs_new(unsigned lo, unsigned hi, struct sv_mcs **out,
	       struct sv_error *err)
{
	struct sv_mcs *m;
	uint64_t k;

	if (lo == 0)
		return sv_fail(err, EINVAL,
			       "category range c%u.c%u: c0 is never handed out",
			       lo, hi);
	if (hi >= SV_CATS || lo >= hi)
		return sv_fail(err, EINVAL,
			       "category range c%u.c%u: need c1 <= low < high <= c%d",
			       lo, hi, SV_CATS - 1);
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	k = hi - lo + 1;
	m->lo = lo;
	m->hi = hi;
	m->total = (uint32_t)(k * (k - 1) / 2);
	m->nfree = m->total;
	m->pool_x = calloc(m->total, sizeof(uint32_t));
	m->where_x = calloc(m->total, sizeof(uint32_t));
	if (!m->pool_x || !m->where_x) {
		sv_mcs_free(m);
		return -ENOMEM;
	}
	*out = m;
	return 0;
}

void sv_mcs_free(struct sv_mcs *m)
{
	if (!m)
		return;
	free(m->pool_x);
	free(m->where_x);
	free(m);
}

/* Pair (lo+x, lo+y), x < y, is number y(y-1)/2 + x. */
static bool pair_index(const struct sv_mcs *m, struct sv_pair p, uint32_t *idx)
{
	uint32_t x, y;

	if (!sv_pair_valid(p) || p.a < m->lo || p.b > m->hi)
		return false;
	x = p.a - m->lo;
	y = p.b - m->lo;
	*idx = y * (y - 1) / 2 + x;
	return true;
}

static struct sv_pair index_pair(const struct sv_mcs *m, uint32_t idx)
{
	uint32_t y = (uint32_t)((1.0 + sqrt(1.0 + 8.0 * idx)) / 2.0);

	/* Correct the floating-point estimate; at most a step either way. */
	while (y * (y - 1) / 2 > idx)
		y--;
	while ((y + 1) * y / 2 <= idx)
		y++;
	return (struct sv_pair){ m->lo + idx - y * (y - 1) / 2, m->lo + y };
}

static uint32_t pool_get(const struct sv_mcs *m, uint32_t pos)
{
	return m->pool_x[pos] ^ pos;
}

static uint32_t where_get(const struct sv_mcs *m, uint32_t v)
{
	return m->where_x[v] ^ v;
}

static void swap_pos(struct sv_mcs *m, uint32_t i, uint32_t j)
{
	uint32_t vi = pool_get(m, i), vj = pool_get(m, j);

	m->pool_x[i] = vj ^ i;
	m->pool_x[j] = vi ^ j;
	m->where_x[vi] = j ^ vi;
	m->where_x[vj] = i ^ vj;
}

static int random_u64(struct sv_mcs *m, uint64_t *out)
{
	if (m->nrnd == 0) {
		size_t got = 0;

		while (got < sizeof(m->rnd)) {
			ssize_t n = getrandom((char *)m->rnd + got,
					      sizeof(m->rnd) - got, 0);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -errno;
			got += (size_t)n;
		}
		m->nrnd = RND_BATCH;
	}
	*out = m->rnd[--m->nrnd];
	m->rnd[m->nrnd] = 0;
	return 0;
}

/* Uniform in [0, n): reject the top partial block so no value is favoured. */
static int random_below(struct sv_mcs *m, uint32_t n, uint32_t *out)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, x = 0;
	int r;

	do {
		r = random_u64(m, &x);
		if (r < 0)
			return r;
	} while (x >= limit);
	*out = (uint32_t)(x % n);
	return 0;
}

int sv_mcs_alloc(struct sv_mcs *m, struct sv_pair *out)
{
	uint32_t pos;
	int r;

	if (m->nfree == 0)
		return -ENOSPC;
	r = random_below(m, m->nfree, &pos);
	if (r < 0)
		return r;
	*out = index_pair(m, pool_get(m, pos));
	swap_pos(m, pos, m->nfree - 1);
	m->nfree--;
	return 0;
}

int sv_mcs_reserve(struct sv_mcs *m, struct sv_pair p)
{
	uint32_t idx, pos;

	if (!pair_index(m, p, &idx))
		return -ERANGE;
	pos = where_get(m, idx);
	if (pos >= m->nfree)
		return -EEXIST;
	swap_pos(m, pos, m->nfree - 1);
	m->nfree--;
	return 0;
}

int sv_mcs_release(struct sv_mcs *m, struct sv_pair p)
{
	uint32_t idx, pos;

	if (!pair_index(m, p, &idx))
		return -ERANGE;
	pos = where_get(m, idx);
	if (pos < m->nfree)
		return -ENOENT;
	swap_pos(m, pos, m->nfree);
	m->nfree++;
	return 0;
}

bool sv_mcs_taken(const struct sv_mcs *m, struct sv_pair p)
{
	uint32_t idx;

	return pair_index(m, p, &idx) && where_get(m, idx) >= m->nfree;
}

size_t sv_mcs_total(const struct sv_mcs *m)
{
	return m->total;
}

size_t sv_mcs_used(const struct sv_mcs *m)
{
	return m->total - m->nfree;
}
