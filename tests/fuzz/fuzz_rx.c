/*
 * libFuzzer target for lib/rx, the matcher of the price table's regular
 * expressions (a --prices file is input like any other).  The input is a
 * pattern, a newline, and a subject.  Nothing may crash, leak or run
 * away; a pattern that does not compile must say why.  Where pattern and
 * subject keep to the syntax that JavaScript and POSIX extended regular
 * expressions share, rx_search must agree with regexec(3).
 *
 * sources: rx xalloc
 * dict: rx
 */
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rx.h"

/*
 * Whether p is in the common subset: letters, digits, ". * + ? | ( ) ^ $"
 * and simple classes, short enough that the step limit is never reached.
 */
static int
common_pattern(const char *p)
{
	size_t i, n = strlen(p);
	int inclass = 0;

	if (n == 0 || n > 10)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (inclass) {
			if (c == ']')
				inclass = 0;
			else if (!((c >= 'a' && c <= 'e') || c == '-'))
				return 0;
			continue;
		}
		if (c == '[') {
			/* "[]", "[^]" and "[^...]" differ between the two. */
			if (p[i + 1] == ']' || p[i + 1] == '^' || p[i + 1] == '-')
				return 0;
			inclass = 1;
		} else if (!((c >= 'a' && c <= 'e') || strchr(".*+?|()^$", c)))
			return 0;
		/* Empty branches, "()" and quantifiers on nothing differ too. */
		if (strchr("|(", c) && strchr("|)*+?", p[i + 1]))
			return 0;
		if (strchr("*+?", c) && strchr("*+?", p[i + 1]))
			return 0;
		if (strchr("^$", c) && strchr("*+?", p[i + 1]))
			return 0;
	}
	return !inclass && strchr("|*+?", p[0]) == NULL && p[n - 1] != '|';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	const char *why = NULL, *subject;
	char *pattern;
	size_t plen, slen, i;
	struct rx *r;
	int got;

	if (nl == NULL)
		return 0;
	plen = (size_t)(nl - (const char *)data);
	subject = nl + 1;
	slen = size - plen - 1;
	pattern = malloc(plen + 1);
	memcpy(pattern, data, plen);
	pattern[plen] = '\0';
	r = rx_compile(pattern, &why);
	if (r == NULL) {
		if (why == NULL || why[0] == '\0')
			abort();
		free(pattern);
		return 0;
	}
	got = rx_search(r, subject, slen);
	if (got != 0 && got != 1)
		abort();
	if (common_pattern(pattern) && slen < 40) {
		regex_t re;
		char *s = malloc(slen + 1);
		int ok = 1;

		for (i = 0; i < slen; i++)
			if (subject[i] < 'a' || subject[i] > 'e')
				ok = 0;
		memcpy(s, subject, slen);
		s[slen] = '\0';
		if (ok && regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) == 0) {
			if ((regexec(&re, s, 0, NULL, 0) == 0) != got)
				abort();
			regfree(&re);
		}
		free(s);
	}
	rx_free(r);
	free(pattern);
	return 0;
}
