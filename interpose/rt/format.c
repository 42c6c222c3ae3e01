/* format.c: printf's formatting for the freestanding interposer, the
 * conversions its messages use; output cut at the buffer's size, the full
 * length returned, as snprintf does. */
#undef _FORTIFY_SOURCE	/* this is the C library the checks call (rt.h) */
#include <stdbool.h>
#include <stdint.h>

#include "rt.h"

struct out {
	char *buf;
	size_t size, len;	/* len: what the whole output would take */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct out *o, char c, long n)
{
	for (; n > 0; n--)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	long width;
	long prec;		/* -1: none given */
};

/* A number's digits (without sign) in base, lowest first, into d. */
static int digits(uintmax_t v, unsigned base, bool upper, char *d)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		d[n++] = set[v % base];
		v /= base;
	} while (v);
	return n;
}

static void put_number(struct out *o, const struct spec *sp, uintmax_t v,
		       bool neg, unsigned base, bool upper, const char *prefix)
{
	char d[64];
	int nd = (v == 0 && sp->prec == 0) ? 0 : digits(v, base, upper, d);
	long zeros = sp->prec > nd ? sp->prec - nd : 0, len, pad;
	char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	size_t plen = 0;

	while (prefix[plen])
		plen++;
	/* "%#o" needs a leading 0, unless the digits already start with one. */
	if (base == 8 && sp->alt && zeros == 0 && (nd == 0 || d[nd - 1] != '0'))
		zeros = 1;
	len = nd + zeros + (sign != 0) + (long)plen;
	pad = sp->width > len ? sp->width - len : 0;
	if (!sp->left && !(sp->zero && sp->prec < 0))
		put_n(o, ' ', pad);
	if (sign)
		put(o, sign);
	for (size_t i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (!sp->left && sp->zero && sp->prec < 0)
		put_n(o, '0', pad);
	put_n(o, '0', zeros);
	while (nd > 0)
		put(o, d[--nd]);
	if (sp->left)
		put_n(o, ' ', pad);
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	long n = 0, pad;

	if (!s)
		s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
	while ((sp->prec < 0 || n < sp->prec) && s[n])
		n++;
	pad = sp->width > n ? sp->width - n : 0;
	if (!sp->left)
		put_n(o, ' ', pad);
	for (long i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		put_n(o, ' ', pad);
}

enum length { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_MAX, L_PTRDIFF };

static intmax_t arg_signed(enum length l, va_list *ap)
{
	switch (l) {
	case L_CHAR: return (signed char)va_arg(*ap, int);
	case L_SHORT: return (short)va_arg(*ap, int);
	case L_LONG: return va_arg(*ap, long);
	case L_LLONG: return va_arg(*ap, long long);
	case L_SIZE: return va_arg(*ap, intptr_t);	/* ssize_t */
	case L_MAX: return va_arg(*ap, intmax_t);
	case L_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case L_INT: break;
	}
	return va_arg(*ap, int);
}

static uintmax_t arg_unsigned(enum length l, va_list *ap)
{
	switch (l) {
	case L_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case L_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case L_LONG: return va_arg(*ap, unsigned long);
	case L_LLONG: return va_arg(*ap, unsigned long long);
	case L_SIZE: return va_arg(*ap, size_t);
	case L_MAX: return va_arg(*ap, uintmax_t);
	case L_PTRDIFF: return (uintmax_t)va_arg(*ap, ptrdiff_t);
	case L_INT: break;
	}
	return va_arg(*ap, unsigned);
}

static enum length parse_length(const char **f)
{
	switch (**f) {
	case 'h':
		if ((*f)[1] == 'h') {
			*f += 2;
			return L_CHAR;
		}
		(*f)++;
		return L_SHORT;
	case 'l':
		if ((*f)[1] == 'l') {
			*f += 2;
			return L_LLONG;
		}
		(*f)++;
		return L_LONG;
	case 'z': (*f)++; return L_SIZE;
	case 'j': (*f)++; return L_MAX;
	case 't': (*f)++; return L_PTRDIFF;
	}
	return L_INT;
}

static long parse_count(const char **f, va_list *ap, bool *star_negative)
{
	long v = 0;

	*star_negative = false;
	if (**f == '*') {
		int a = va_arg(*ap, int);

		(*f)++;
		*star_negative = a < 0;
		return a < 0 ? -(long)a : a;
	}
	while (**f >= '0' && **f <= '9' && v < 100000)
		v = v * 10 + (*(*f)++ - '0');
	return v;
}

/* One conversion at *f (past its '%'); false for one not known. */
static bool convert(struct out *o, const char **f, va_list *ap)
{
	struct spec sp = { .prec = -1 };
	bool neg;
	enum length l;

	for (;; (*f)++) {
		if (**f == '-')
			sp.left = true;
		else if (**f == '0')
			sp.zero = true;
		else if (**f == '+')
			sp.plus = true;
		else if (**f == ' ')
			sp.space = true;
		else if (**f == '#')
			sp.alt = true;
		else
			break;
	}
	sp.width = parse_count(f, ap, &neg);
	sp.left = sp.left || neg;	/* a negative * width: left-justified */
	if (**f == '.') {
		(*f)++;
		sp.prec = parse_count(f, ap, &neg);
		if (neg)
			sp.prec = -1;	/* a negative * precision: none */
	}
	l = parse_length(f);
	switch (*(*f)++) {
	case 'd':
	case 'i': {
		intmax_t v = arg_signed(l, ap);
		uintmax_t u = v < 0 ? -(uintmax_t)v : (uintmax_t)v;

		put_number(o, &sp, u, v < 0, 10, false, "");
		return true;
	}
	case 'u':
		put_number(o, &sp, arg_unsigned(l, ap), false, 10, false, "");
		return true;
	case 'o':
		put_number(o, &sp, arg_unsigned(l, ap), false, 8, false, "");
		return true;
	case 'x':
	case 'X': {
		bool upper = (*f)[-1] == 'X';
		uintmax_t v = arg_unsigned(l, ap);

		put_number(o, &sp, v, false, 16, upper,
			   sp.alt && v ? (upper ? "0X" : "0x") : "");
		return true;
	}
	case 'p': {
		void *p = va_arg(*ap, void *);

		if (!p) {
			sp.prec = -1;
			put_str(o, &sp, "(nil)");
			return true;
		}
		put_number(o, &sp, (uintptr_t)p, false, 16, false, "0x");
		return true;
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);

		sp.prec = -1;
		if (!sp.left)
			put_n(o, ' ', sp.width - 1);
		put(o, c);
		if (sp.left)
			put_n(o, ' ', sp.width - 1);
		return true;
	}
	case 's':
		put_str(o, &sp, va_arg(*ap, const char *));
		return true;
	case '%':
		put(o, '%');
		return true;
	}
	return false;
}

int svrt_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size };
	va_list aq;
	int ok = 1;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		if (!convert(&o, &fmt, &aq)) {
			ok = 0;
			break;
		}
	}
	va_end(aq);
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	if (!ok || o.len > 0x7fffffff)
		return -1;
	return (int)o.len;
}
