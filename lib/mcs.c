/* mcs.c: the allocator that hands category pairs out, one per guest.
 * A free-list with O(1) alloc, reserve and release, in memory for the pairs used. */
#include "mcs.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define RND_BATCH 32

/* A map of 0..total-1 to itself in which a key that is not there maps to
 * itself: open addressing with linear probing, at most half full; past
 * limit entries, an array of every key instead (stored XORed with the key,
 * so that calloc's zero pages mean "itself"). */
struct xmap {
	uint32_t *key, *val;
	uint32_t cap, n;	/* cap: a power of two, or 0 */
	unsigned shift;		/* 32 - log2(cap) */
	uint32_t total, limit;
	uint32_t *dense;
};

#define XMAP_EMPTY UINT32_MAX

/*
 * Pairs are numbered 0..total-1.  pool[0..nfree) holds the free pairs,
 * pool[nfree..total) the taken ones, and where[] is pool's inverse, so
 * drawing a random free pair, taking a given pair and giving one back are
 * each one swap.  Both are kept as maps of the entries that differ from
 * the identity: a swap moves at most four, so a fresh svirtd holds a few
 * entries per pair in use, where arrays for the full c1..c1023 space
 * (522753 pairs) take 4 MB, touched at random pages by the draws.  Years
 * of churn displace more and more entries: past an eighth of the space, a
 * map becomes such an array.
 */
struct sv_mcs {
	unsigned lo, hi;
	uint32_t total;
	uint32_t nfree;
	struct xmap pool;
	struct xmap where;
	uint64_t rnd[RND_BATCH];
	unsigned nrnd;
};

static uint32_t xmap_home(const struct xmap *m, uint32_t k)
{
	/* Fibonacci hashing: the top bits of the product. */
	return (uint32_t)(k * 2654435761u) >> m->shift;
}

/* The slot holding k, or the empty one that ends its probe. */
static uint32_t xmap_slot(const struct xmap *m, uint32_t k)
{
	uint32_t i = xmap_home(m, k);

	while (m->key[i] != XMAP_EMPTY && m->key[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static uint32_t xmap_get(const struct xmap *m, uint32_t k)
{
	uint32_t i;

	if (m->dense)
		return m->dense[k] ^ k;
	if (!m->cap)
		return k;
	i = xmap_slot(m, k);
	return m->key[i] == k ? m->val[i] : k;
}

static int xmap_densify(struct xmap *m)
{
	uint32_t *d = calloc(m->total, sizeof(uint32_t));

	if (!d)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->cap; i++)
		if (m->key[i] != XMAP_EMPTY)
			d[m->key[i]] = m->val[i] ^ m->key[i];
	free(m->key);
	free(m->val);
	m->key = m->val = NULL;
	m->cap = m->n = 0;
	m->dense = d;
	return 0;
}

/* Room for extra more entries, so that the sets after it cannot fail. */
static int xmap_reserve(struct xmap *m, uint32_t extra)
{
	struct xmap big = *m;

	if (m->dense || 2 * (m->n + extra) <= m->cap)
		return 0;
	if (m->n + extra > m->limit)
		return xmap_densify(m);
	big.cap = m->cap ? m->cap : 16;
	big.shift = m->cap ? m->shift : 28;
	while (2 * (m->n + extra) > big.cap) {
		big.cap *= 2;
		big.shift--;
	}
	big.n = m->n;
	big.key = malloc(big.cap * sizeof(uint32_t));
	big.val = malloc(big.cap * sizeof(uint32_t));
	if (!big.key || !big.val) {
		free(big.key);
		free(big.val);
		return -ENOMEM;
	}
	memset(big.key, 0xff, big.cap * sizeof(uint32_t));
	for (uint32_t i = 0; i < m->cap; i++) {
		if (m->key[i] != XMAP_EMPTY) {
			uint32_t j = xmap_slot(&big, m->key[i]);

			big.key[j] = m->key[i];
			big.val[j] = m->val[i];
		}
	}
	free(m->key);
	free(m->val);
	*m = big;
	return 0;
}

/* Takes slot i out, moving later entries of its run back where their
 * probe would otherwise miss them. */
static void xmap_remove_slot(struct xmap *m, uint32_t i)
{
	uint32_t mask = m->cap - 1;

	for (uint32_t j = (i + 1) & mask; m->key[j] != XMAP_EMPTY;
	     j = (j + 1) & mask) {
		uint32_t home = xmap_home(m, m->key[j]);

		/* j's entry may fill the hole at i unless its home lies in
		 * the cyclic range (i, j]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && home <= i && home > j)) {
			m->key[i] = m->key[j];
			m->val[i] = m->val[j];
			i = j;
		}
	}
	m->key[i] = XMAP_EMPTY;
	m->n--;
}

/* After xmap_reserve: cannot fail. */
static void xmap_set(struct xmap *m, uint32_t k, uint32_t v)
{
	uint32_t i;

	if (m->dense) {
		m->dense[k] = v ^ k;
		return;
	}
	i = xmap_slot(m, k);
	if (v == k) {
		if (m->key[i] == k)
			xmap_remove_slot(m, i);
		return;
	}
	if (m->key[i] != k) {
		m->key[i] = k;
		m->n++;
	}
	m->val[i] = v;
}

static void xmap_init(struct xmap *m, uint32_t total)
{
	/* Small spaces stay maps: their arrays would be no smaller. */
	*m = (struct xmap){ .total = total,
			    .limit = total / 8 > 64 ? total / 8 : 64 };
}

static void xmap_free(struct xmap *m)
{
	free(m->key);
	free(m->val);
	free(m->dense);
	*m = (struct xmap){ 0 };
}

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
	xmap_init(&m->pool, m->total);
	xmap_init(&m->where, m->total);
	*out = m;
	return 0;
}

void sv_mcs_free(struct sv_mcs *m)
{
	if (!m)
		return;
	xmap_free(&m->pool);
	xmap_free(&m->where);
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
	return xmap_get(&m->pool, pos);
}

static uint32_t where_get(const struct sv_mcs *m, uint32_t v)
{
	return xmap_get(&m->where, v);
}

/* -ENOMEM with nothing changed, or the swap done. */
static int swap_pos(struct sv_mcs *m, uint32_t i, uint32_t j)
{
	uint32_t vi = pool_get(m, i), vj = pool_get(m, j);

	if (xmap_reserve(&m->pool, 2) < 0 || xmap_reserve(&m->where, 2) < 0)
		return -ENOMEM;
	xmap_set(&m->pool, i, vj);
	xmap_set(&m->pool, j, vi);
	xmap_set(&m->where, vi, j);
	xmap_set(&m->where, vj, i);
	return 0;
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
	if ((r = swap_pos(m, pos, m->nfree - 1)) < 0)
		return r;
	/* Now at the end of the free part, just before it shrinks. */
	*out = index_pair(m, pool_get(m, m->nfree - 1));
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
	if (swap_pos(m, pos, m->nfree - 1) < 0)
		return -ENOMEM;
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
	if (swap_pos(m, pos, m->nfree) < 0)
		return -ENOMEM;
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
