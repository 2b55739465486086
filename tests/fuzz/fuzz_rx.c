/*
 * libFuzzer target for lib/rx, the matcher of the price table's regular
 * expressions (a --prices file is input like any other).  The input is a
 * pattern, a newline, and a subject.  Nothing may crash, leak or run
 * away; a pattern that does not compile must say why; and a pattern of
 * letters, digits and '-' must match valid UTF-8 text exactly where
 * those bytes occur.
 *
 * sources: rx utf8 xalloc
 * libs: -lonig
 * dict: rx
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rx.h"
#include "utf8.h"

/* Whether p is a plain literal: letters, digits and '-' only. */
static int
literal(const char *p)
{
	for (; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	const char *why = NULL, *subject;
	char *pattern;
	size_t plen, slen;
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
	/* A literal matches exactly where its bytes occur (in valid UTF-8). */
	if (pattern[0] != '\0' && literal(pattern) &&
	    utf8_invalid(subject, slen) == slen &&
	    got != (memmem(subject, slen, pattern, strlen(pattern)) != NULL))
		abort();
	rx_free(r);
	free(pattern);
	return 0;
}
