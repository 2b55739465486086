/* lib/num.c: strict, locale-independent option numbers. */
#include <locale.h>

#include "num.h"
#include "t.h"

int
main(void)
{
	long long l = 0;
	double d = 0;

	T_OK(num_parse_ll("42", 0, 100, &l) == NULL && l == 42, "a plain integer parses");
	T_EQ_STR("invalid", num_parse_ll("4x", 0, 100, &l), "trailing garbage is invalid");
	T_EQ_STR("invalid", num_parse_ll("", 0, 100, &l), "the empty string is invalid");
	T_EQ_STR("invalid", num_parse_ll(" 4", 0, 100, &l), "leading space is invalid");
	T_EQ_STR("too small", num_parse_ll("-1", 0, 100, &l), "below the range is too small");
	T_EQ_STR("too large", num_parse_ll("101", 0, 100, &l), "above the range is too large");
	T_EQ_STR("too large", num_parse_ll("99999999999999999999", 0, 100, &l), "overflow is too large");
	T_OK(num_parse_double("0.7", 0, 2, &d) == NULL && d == 0.7, "a decimal parses");
	T_EQ_STR("invalid", num_parse_double("abc", 0, 2, &d), "words are invalid");
	T_EQ_STR("invalid", num_parse_double("nan", 0, 2, &d), "nan is invalid");
	T_EQ_STR("invalid", num_parse_double("0x1", 0, 2, &d), "hex is invalid");
	T_EQ_STR("invalid", num_parse_double("1.", 0, 2, &d), "a bare point is invalid");
	T_EQ_STR("too large", num_parse_double("2.5", 0, 2, &d), "2.5 is above 2");
	T_EQ_STR("invalid", num_parse_double("1e999", 0, 2, &d), "an infinite value is invalid");
	T_OK(setlocale(LC_ALL, "de_DE.UTF-8") != NULL, "the de_DE.UTF-8 locale is installed for this test");
	T_OK(num_parse_double("0.7", 0, 2, &d) == NULL && d == 0.7, "a German locale still reads 0.7");
	T_EQ_STR("invalid", num_parse_double("0,7", 0, 2, &d), "a German locale does not read 0,7");
	return t_done();
}
