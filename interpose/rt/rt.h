/* rt.h: the freestanding interposer's own small C library (interpose/rt):
 * what its pieces share.  Nothing here is used by the glibc build. */
#ifndef SVRT_RT_H
#define SVRT_RT_H

#include <stdarg.h>
#include <stddef.h>

/* Every file of rt starts with #undef _FORTIFY_SOURCE, however the caller's
 * flags set it (-D, -Wp,-D): glibc's headers would otherwise put inline
 * wrappers in front of the very functions rt defines.  The checks those
 * wrappers make in the interposer's own objects call rt's __*_chk. */

/* vsnprintf's work: the conversions the interposer and the libsvirt
 * members it links use (%d %i %u %x %X %o %c %s %p %%, flags - 0 + space #,
 * a width and precision given or *, lengths hh h l ll z j t).  Returns the
 * length the whole output would have, as C's vsnprintf, or -1 for a
 * conversion it does not know (nothing after that point is written). */
int svrt_vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* strerror's text for e, as glibc 2.36 words it; NULL for a number it has
 * no text for (the caller says "Unknown error N", as glibc does). */
const char *svrt_errno_text(int e);

/* Writes all of s to fd (retrying short writes and EINTR); 0 or -errno. */
int svrt_write_all(int fd, const char *s, size_t len);

/* The end of the process: exit_group(status), no buffers to flush. */
_Noreturn void svrt_exit(int status);

/* A runtime failure the program cannot go on from (a bad relocation, a
 * failed RELRO, an overflow caught by a _chk function): one line on
 * stderr, then the process dies of SIGABRT, as glibc's checks do. */
_Noreturn void svrt_die(const char *what);

#endif
