/* util.h: small helpers shared by every part of svirt-xen.
 * Cleanup attributes so early returns free what they own, and ownership hand-off. */
#ifndef SVIRT_UTIL_H
#define SVIRT_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(sv_freep)
#define _cleanup_close_ _cleanup_(sv_closep)
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _nodiscard_ __attribute__((warn_unused_result))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Big-endian fields of on-disk headers (qcow2, VHD), read byte by byte. */
static inline uint32_t sv_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t sv_be64(const uint8_t *p)
{
	return (uint64_t)sv_be32(p) << 32 | sv_be32(p + 4);
}

static inline void sv_freep(void *p)
{
	free(*(void **)p);
}

static inline void sv_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

/* Hand ownership of a pointer on: returns it and clears the variable. */
#define TAKE_PTR(p)                                                            \
	({                                                                     \
		__typeof__(p) _p = (p);                                        \
		(p) = NULL;                                                    \
		_p;                                                            \
	})

#define TAKE_FD(fd)                                                            \
	({                                                                     \
		int _fd = (fd);                                                \
		(fd) = -1;                                                     \
		_fd;                                                           \
	})

#endif
