/* lib/money.c: exact decimal dollars. */
#include <locale.h>

#include "money.h"
#include "t.h"

static const char *
fmt(money m, int mindec)
{
	static char buf[64];

	return money_format(m, mindec, buf, sizeof buf);
}

static const char *
parsed(const char *s)
{
	money m = 0;

	if (money_parse(s, &m) < 0)
		return "error";
	return fmt(m, 0);
}

static const char *
from_double(double d)
{
	money m = 0;

	if (money_from_double(d, &m) < 0)
		return "error";
	return fmt(m, 0);
}

static const char *
muldiv(const char *price, long long count, long long per)
{
	money p, out;

	if (money_parse(price, &p) < 0 || money_muldiv(p, count, per, &out) < 0)
		return "error";
	return fmt(out, 6);
}

int
main(void)
{
	money m;

	T_EQ_STR("0.15", parsed("0.15"), "0.15 is exactly 0.15");
	T_EQ_STR("2.5", parsed("2.50"), "trailing zeros do not matter");
	T_EQ_STR("12", parsed("12"), "a whole number parses");
	T_EQ_STR("0.0000001", parsed("1e-7"), "an exponent parses");
	T_EQ_STR("150", parsed("1.5E2"), "a capital E and a positive exponent");
	T_EQ_STR("-3.25", parsed("-3.25"), "a negative amount keeps its sign");
	T_EQ_STR("0.000000000000000001", parsed("1e-18"), "one atto-dollar is the smallest unit");
	T_EQ_STR("0", parsed("4e-19"), "below half an atto-dollar rounds to zero");
	T_EQ_STR("error", parsed(""), "the empty string is refused");
	T_EQ_STR("error", parsed("1x"), "trailing garbage is refused");
	T_EQ_STR("error", parsed("."), "a bare point is refused");
	T_EQ_STR("error", parsed("1e"), "an exponent without digits is refused");
	T_EQ_STR("error", parsed("nan"), "nan is refused");
	T_EQ_STR("error", parsed("1e99"), "an amount beyond the range is refused");

	T_EQ_STR("0.15", from_double(0.15), "the double 0.15 reads as its decimal text");
	T_EQ_STR("0.08333333333333334", from_double(0.08333333333333334), "17 digits survive");
	T_EQ_STR("0.0000003", from_double(3e-7), "a small double keeps its digits");
	T_EQ_STR("1000000", from_double(1e6), "a large double is whole");
	T_OK(money_from_double(1.0 / 0.0, &m) < 0, "infinity is refused");

	T_EQ_STR("0.000150", muldiv("0.15", 1000, 1000000), "1000 tokens at $0.15 per 1M");
	T_EQ_STR("0.00000015", muldiv("0.15", 1, 1000000), "one token at $0.15 per 1M is not $0");
	T_EQ_STR("0.007250", muldiv("7.25", 1000, 1000000), "a cost with fewer than six decimals is padded");
	T_EQ_STR("0.000075", muldiv("0.27", 1, 3600), "a per-hour price for one second rounds to the atto-dollar");
	T_EQ_STR("error", muldiv("1000", 9007199254740991LL, 1), "a cost beyond a trillion dollars is refused");
	T_OK(money_half(5) == 2 && money_half(7) == 4 && money_half(6) == 3, "halving rounds half to even");

	T_EQ_STR("0.00", fmt(0, 2), "zero with two decimals");
	T_EQ_STR("2.50", fmt(MONEY_DOLLAR * 5 / 2, 2), "at least the minimum of decimals");
	T_EQ_STR("-0.000001", fmt(-MONEY_DOLLAR / 1000000, 6), "a negative amount prints its sign");
	T_OK(setlocale(LC_ALL, "de_DE.UTF-8") != NULL, "the de_DE.UTF-8 locale is installed for this test");
	T_EQ_STR("0.15", from_double(0.15), "a German locale still reads the double 0.15");
	T_EQ_STR("0.15", parsed("0.15"), "a German locale still parses 0.15");
	return t_done();
}
