/*
 * Exact decimal money in atto-dollars; see money.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

#define MONEY_DECIMALS 18

/* Divide n by d (d > 0), rounding half to even. */
static money
div_round(money n, money d)
{
	money q = n / d, r = n % d;
	int neg = n < 0;

	if (neg) {
		q = -q;
		r = -r;
	}
	if (2 * r > d || (2 * r == d && (q & 1)))
		q++;
	return neg ? -q : q;
}

int
money_parse(const char *s, money *out)
{
	money mant = 0, limit = (money)1 << 100;
	int neg = 0, digits = 0, frac = 0, seen_point = 0;
	long exp10 = 0;
	const char *p = s;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p; p++) {
		if (*p == '.' && !seen_point) {
			seen_point = 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		digits++;
		/* Digits beyond what the 128 bits hold are far below an atto-dollar. */
		if (mant < limit) {
			mant = mant * 10 + (*p - '0');
			if (seen_point)
				frac++;
		} else if (!seen_point) {
			return -1;
		}
	}
	if (digits == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		char *end;
		p++;
		if (!(*p == '-' || *p == '+' || (*p >= '0' && *p <= '9')))
			return -1;
		exp10 = strtol(p, &end, 10);
		if (end == p || *end != '\0' || exp10 > 60 || exp10 < -60)
			return -1;
		p = end;
	}
	if (*p != '\0')
		return -1;
	/* value = mant * 10^(exp10 - frac); scale to 10^-18. */
	long shift = MONEY_DECIMALS + exp10 - frac;
	if (shift >= 0) {
		for (; shift > 0; shift--) {
			if (mant > limit)
				return -1;
			mant *= 10;
		}
	} else {
		money d = 1;
		for (; shift < 0 && d < limit; shift++)
			d *= 10;
		mant = shift < 0 ? 0 : div_round(mant, d);
	}
	*out = neg ? -mant : mant;
	return 0;
}

int
money_from_double(double d, money *out)
{
	char buf[64];
	int prec;

	if (!isfinite(d))
		return -1;
	/* The shortest decimal that reads back as d is the text it came from. */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	/* Whatever the locale's radix character, write it as a point. */
	char *p = buf + (buf[0] == '-') + 1, *q = p;
	if (*p != 'e') {
		while (*q && *q != 'e' && (*q < '0' || *q > '9'))
			q++;
		*p++ = '.';
		memmove(p, q, strlen(q) + 1);
	}
	return money_parse(buf, out);
}

int
money_muldiv(money price, long long count, long long per, money *out)
{
	money prod;

	if (per <= 0 || __builtin_mul_overflow(price, (money)count, &prod))
		return -1;
	*out = div_round(prod, per);
	/* Beyond a trillion dollars an item is surely wrong; the bound keeps sums from overflowing. */
	if (*out > MONEY_MAX || *out < -MONEY_MAX)
		return -1;
	return 0;
}

money
money_half(money m)
{
	return div_round(m, 2);
}

char *
money_format(money m, int mindec, char *buf, size_t n)
{
	char digits[64];
	size_t len = 0, i, o = 0, intlen;
	int neg = m < 0, dec;
	umoney u = neg ? -(umoney)m : (umoney)m;

	do {
		digits[len++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	while (len <= MONEY_DECIMALS)
		digits[len++] = '0';
	/* digits is reversed: digits[0] is the last decimal. */
	dec = MONEY_DECIMALS;
	for (i = 0; dec > mindec && digits[i] == '0'; i++)
		dec--;
	intlen = len - MONEY_DECIMALS;
	if (neg && o + 1 < n)
		buf[o++] = '-';
	for (i = 0; i < intlen && o + 1 < n; i++)
		buf[o++] = digits[len - 1 - i];
	if (dec > 0 && o + 1 < n)
		buf[o++] = '.';
	for (i = 0; i < (size_t)dec && o + 1 < n; i++)
		buf[o++] = digits[MONEY_DECIMALS - 1 - i];
	buf[o] = '\0';
	return buf;
}
