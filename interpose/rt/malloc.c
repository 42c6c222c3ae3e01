/* malloc.c: the interposer's heap: a few allocations (svirtd's reply, its
 * parsed entry, qemu's new argv) in a fixed arena that the process gives
 * back by exec'ing or exiting.  free() reclaims only the last block, and
 * realloc() grows the last block where it lies, which is how the reply
 * buffer grows (nothing is allocated between its reallocs). */
#undef _FORTIFY_SOURCE	/* this is the C library the checks call (rt.h) */
#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* svirtd's longest reply (1 MiB) grown in place, and room besides.  Pages
 * never touched cost nothing: bss is mapped on first use. */
#define ARENA_SIZE (4u << 20)
#define ALIGN alignof(max_align_t)

static alignas(max_align_t) unsigned char arena[ARENA_SIZE];
static size_t used;		/* bytes of arena handed out */
static size_t last;		/* offset of the last block's header */
static size_t high;		/* bytes of arena ever handed out: above, all zero */

/* Each block is preceded by its size, in one aligned header. */
static size_t *header(void *p)
{
	return (size_t *)((unsigned char *)p - ALIGN);
}

static size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

void *malloc(size_t n)
{
	size_t need;
	unsigned char *p;

	if (n > ARENA_SIZE || (need = ALIGN + round_up(n)) > ARENA_SIZE - used) {
		errno = ENOMEM;
		return NULL;
	}
	p = arena + used;
	*(size_t *)p = n;
	last = used;
	used += need;
	if (used > high)
		high = used;
	return p + ALIGN;
}

void *calloc(size_t n, size_t size)
{
	size_t before = high;
	void *p;

	if (size && n > ARENA_SIZE / size) {
		errno = ENOMEM;
		return NULL;
	}
	/* Never handed out before, it is still the kernel's zero pages:
	 * writing zeros would only fault them in (svirtd's reply entry is
	 * several pages, most of them never used). */
	if ((p = malloc(n * size)) && last < before)
		memset(p, 0, n * size);
	return p;
}

static int is_last(void *p)
{
	return (unsigned char *)header(p) == arena + last && used > 0;
}

void free(void *p)
{
	if (p && is_last(p))
		used = last;
}

void *realloc(void *p, size_t n)
{
	size_t old;
	void *np;

	if (!p)
		return malloc(n);
	old = *header(p);
	if (is_last(p)) {
		if (n > ARENA_SIZE - last - ALIGN) {
			errno = ENOMEM;
			return NULL;
		}
		*header(p) = n;
		used = last + ALIGN + round_up(n);
		if (used > high)
			high = used;
		return p;
	}
	if (!(np = malloc(n)))
		return NULL;
	memcpy(np, p, old < n ? old : n);
	return np;
}
