/* UTF-8 validation, after the table in Unicode 15, section 3.9, D92. */
#include "utf8.h"

/*
 * Length of the well-formed sequence at s[0..n), 0 when it is ill-formed,
 * or -(bytes seen) when it is a valid prefix cut off by the end.
 */
static long
seqlen(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		len = 2;
	else if (c < 0xF0) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c < 0xF5) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	for (i = 1; i < len; i++) {
		if (i >= n)
			return -(long)i;
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
	}
	return (long)len;
}

size_t
utf8_invalid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		long l;

		/* Runs of ASCII are the common case; skip them quickly. */
		while (i < n && p[i] < 0x80)
			i++;
		if (i == n)
			break;
		l = seqlen(p + i, n - i);
		if (l <= 0)
			return i;
		i += (size_t)l;
	}
	return n;
}

size_t
utf8_complete(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		long l = seqlen(p + i, n - i);

		if (l < 0)
			return i;
		if (l == 0)
			return n;	/* invalid: leave it to utf8_invalid */
		i += (size_t)l;
	}
	return n;
}

long
utf8_seqlen(const char *s, size_t n)
{
	return seqlen((const unsigned char *)s, n);
}
