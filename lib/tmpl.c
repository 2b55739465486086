/* Substituting one value into "{}" templates. */
#include <string.h>

#include "tmpl.h"

/* Length of the token at t[i..n): 4 for "{{}}", 2 for "{}", else 0. */
static size_t
token_at(const char *t, size_t n, size_t i)
{
	if (n - i >= 4 && memcmp(t + i, "{{}}", 4) == 0)
		return 4;
	if (n - i >= 2 && memcmp(t + i, "{}", 2) == 0)
		return 2;
	return 0;
}

int
tmpl_has_slot(const char *t, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		k = token_at(t, n, i);
		if (k == 2)
			return 1;
		i += k ? k : 1;
	}
	return 0;
}

int
tmpl_expand(const char *t, size_t tn, const char *v, size_t vn, struct buf *out)
{
	size_t i = 0, start = 0, k;

	while (i < tn) {
		k = token_at(t, tn, i);
		if (k == 0) {
			i++;
			continue;
		}
		if (buf_add(out, t + start, i - start) < 0)
			return -1;
		if (k == 4 ? buf_add(out, "{}", 2) < 0 : buf_add(out, v, vn) < 0)
			return -1;
		i += k;
		start = i;
	}
	return buf_add(out, t + start, tn - start);
}
