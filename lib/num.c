/* Strict, locale-independent number parsing for options. */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

const char *
num_parse_ll(const char *s, long long lo, long long hi, long long *out)
{
	const char *p = s;
	char *end;
	long long v;

	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return "invalid";
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0')
		return "invalid";
	if ((errno == ERANGE && v == LLONG_MIN) || v < lo)
		return "too small";
	if ((errno == ERANGE && v == LLONG_MAX) || v > hi)
		return "too large";
	*out = v;
	return NULL;
}

/*
 * The JSON number grammar, which is what users mean by a number here:
 * -?digits(.digits)?([eE][+-]?digits)?, with a leading "+" allowed too.
 */
static int
is_decimal(const char *s)
{
	const char *p = s;

	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

const char *
num_parse_double(const char *s, double lo, double hi, double *out)
{
	locale_t c;
	locale_t old;
	char *end;
	double v;

	if (!is_decimal(s))
		return "invalid";
	/* strtod follows LC_NUMERIC; parse in the C locale whatever is set. */
	c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (c == (locale_t)0)
		return "invalid";
	old = uselocale(c);
	v = strtod(s, &end);
	uselocale(old);
	freelocale(c);
	if (*end != '\0' || !isfinite(v))
		return "invalid";
	if (v < lo)
		return "too small";
	if (v > hi)
		return "too large";
	*out = v;
	return NULL;
}
