/* stdio.c: the few stdio functions the interposer uses, unbuffered: each
 * call is one write(2) of its whole output, so there is nothing to flush
 * before exec or exit.  Also the _FORTIFY_SOURCE checking variants. */
#undef _FORTIFY_SOURCE	/* this is the C library the checks call (rt.h) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* Only the descriptor is used; the type is glibc's, from its headers. */
static FILE out_file = { ._fileno = 1 };
static FILE err_file = { ._fileno = 2 };
FILE *stdout = &out_file;
FILE *stderr = &err_file;

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap)
{
	return svrt_vformat(buf, size, fmt, ap);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = svrt_vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	char buf[1024], *big = NULL, *p = buf;
	int n = svrt_vformat(buf, sizeof(buf), fmt, ap), r;

	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(buf)) {
		if (!(big = malloc((size_t)n + 1)))
			return -1;
		svrt_vformat(big, (size_t)n + 1, fmt, ap);
		p = big;
	}
	r = svrt_write_all(f->_fileno, p, (size_t)n);
	free(big);
	return r < 0 ? -1 : n;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	if (size == 0 || n == 0)
		return 0;
	return svrt_write_all(f->_fileno, p, size * n) < 0 ? 0 : n;
}

int fputs(const char *restrict s, FILE *restrict f)
{
	return svrt_write_all(f->_fileno, s, strlen(s)) < 0 ? EOF : 0;
}

int puts(const char *s)
{
	return fputs(s, stdout) == EOF || fputs("\n", stdout) == EOF ? EOF : 0;
}

int fputc(int c, FILE *f)
{
	char b = (char)c;

	return svrt_write_all(f->_fileno, &b, 1) < 0 ? EOF : (unsigned char)c;
}

int putc(int c, FILE *f)
{
	return fputc(c, f);
}

int fflush(FILE *f)
{
	(void)f;
	return 0;	/* nothing is buffered */
}

/* ---- _FORTIFY_SOURCE: the object's size known to the compiler is checked
 * before the plain function runs ---- */

int __vsnprintf_chk(char *restrict buf, size_t size, int flag, size_t objsize,
		    const char *restrict fmt, va_list ap);
int __vsnprintf_chk(char *restrict buf, size_t size, int flag, size_t objsize,
		    const char *restrict fmt, va_list ap)
{
	(void)flag;
	if (size > objsize)
		svrt_die("buffer overflow detected");
	return svrt_vformat(buf, size, fmt, ap);
}

int __snprintf_chk(char *restrict buf, size_t size, int flag, size_t objsize,
		   const char *restrict fmt, ...);
int __snprintf_chk(char *restrict buf, size_t size, int flag, size_t objsize,
		   const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vsnprintf_chk(buf, size, flag, objsize, fmt, ap);
	va_end(ap);
	return n;
}

int __fprintf_chk(FILE *restrict f, int flag, const char *restrict fmt, ...);
int __fprintf_chk(FILE *restrict f, int flag, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	(void)flag;
	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int __printf_chk(int flag, const char *restrict fmt, ...);
int __printf_chk(int flag, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	(void)flag;
	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

void *__memcpy_chk(void *restrict dst, const void *restrict src, size_t n,
		   size_t objsize);
void *__memcpy_chk(void *restrict dst, const void *restrict src, size_t n,
		   size_t objsize)
{
	if (n > objsize)
		svrt_die("buffer overflow detected");
	return memcpy(dst, src, n);
}

void *__memmove_chk(void *dst, const void *src, size_t n, size_t objsize);
void *__memmove_chk(void *dst, const void *src, size_t n, size_t objsize)
{
	if (n > objsize)
		svrt_die("buffer overflow detected");
	return memmove(dst, src, n);
}

void *__memset_chk(void *dst, int c, size_t n, size_t objsize);
void *__memset_chk(void *dst, int c, size_t n, size_t objsize)
{
	if (n > objsize)
		svrt_die("buffer overflow detected");
	return memset(dst, c, n);
}
