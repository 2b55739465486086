/*
 * libFuzzer target for lib/money, the exact arithmetic of gpt-cost (and
 * the parser of --budget): any text through money_parse, and what it
 * accepts must come back unchanged through money_format and money_parse;
 * doubles through money_from_double; products and halves without
 * overflow going unnoticed.
 *
 * sources: money
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[128], buf[64];
	money m, back, r;
	double d;
	long long count;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (money_parse(s, &m) == 0) {
		money_format(m, 0, buf, sizeof(buf));
		if (money_parse(buf, &back) != 0 || back != m)
			abort();
		money_format(m, 6, buf, sizeof(buf));
		if (money_parse(buf, &back) != 0 || back != m)
			abort();
		(void)money_half(m);
		if (size >= 8) {
			memcpy(&count, data, sizeof(count));
			if (money_muldiv(m, count, 1000000, &r) == 0 && m >= 0 && count >= 0 && r < 0)
				abort();
		}
	}
	if (size >= sizeof(d)) {
		memcpy(&d, data, sizeof(d));
		if (money_from_double(d, &m) == 0)
			money_format(m, 2, buf, sizeof(buf));
	}
	return 0;
}
