/*
 * Exact money arithmetic for prices: amounts are whole atto-dollars
 * (1e-18 USD) in a 128-bit integer, so the decimal prices of the price
 * table (0.15, 2.5, 1.25 per million tokens) and their products with
 * token counts are held without the drift of binary floating point.
 */
#ifndef GPT_MONEY_H
#define GPT_MONEY_H

#include <stddef.h>

__extension__ typedef __int128 money;
__extension__ typedef unsigned __int128 umoney;

/* One dollar in the unit of money. */
#define MONEY_DOLLAR ((money)1000000000000000000LL)

/*
 * Parse a plain decimal number of dollars ("12", "0.000150", "1e-7")
 * into *out, rounding beyond 18 decimals half to even.  No sign other
 * than a leading "-", no hex, inf or nan, nothing after the number.
 * Returns 0, or -1 when s is not such a number or is out of range.
 */
int money_parse(const char *s, money *out);

/*
 * Convert d, a price read from JSON, into *out through its shortest
 * decimal form (the text a JSON writer such as JavaScript's printed for
 * it), so that 0.15 is exactly 0.15 and not the nearest binary fraction.
 * Returns 0, or -1 when d is not finite or is out of range.
 */
int money_from_double(double d, money *out);

/* The largest amount money_muldiv gives: a trillion dollars. */
#define MONEY_MAX (MONEY_DECIMAL_TRILLION)
#define MONEY_DECIMAL_TRILLION (MONEY_DOLLAR * 1000000000000LL)

/*
 * price * count / per, rounded half to even.  Returns 0, or -1 when the
 * result is beyond MONEY_MAX in size (or the product overflows).
 */
int money_muldiv(money price, long long count, long long per, money *out);

/* m / 2, rounded half to even (the Batch API's discount). */
money money_half(money m);

/*
 * Write m as a decimal number of dollars into buf (size n, at least 48):
 * all its digits, with at least mindec decimals ("0.000150" for
 * mindec 6), trailing zeros beyond mindec dropped.  Returns buf.
 */
char *money_format(money m, int mindec, char *buf, size_t n);

#endif
