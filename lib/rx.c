/*
 * The price table's regular expressions, compiled and matched by
 * Oniguruma.  Before compiling, one pass over the pattern checks its
 * length, encoding and group nesting and turns each "$" outside a class
 * into "\z":
 * Oniguruma's "$" also matches before a newline that ends the text,
 * JavaScript's does not.
 */
#include <stdlib.h>
#include <string.h>

#include <oniguruma.h>

#include "rx.h"
#include "utf8.h"
#include "xalloc.h"

#define RX_MAXLEN 4096          /* far above the table's patterns */
#define RX_MAXDEPTH 64          /* groups inside groups */
#define RX_RETRIES 100000UL     /* backtracking steps in one match attempt */
#define RX_RETRIES_ALL 1000000UL /* in one search, over every start position */

struct rx {
	regex_t *re;
	OnigMatchParam *mp;
};

static char why_buf[ONIG_MAX_ERROR_MESSAGE_LEN];

static void
rx_end(void)
{
	onig_end();
}

/* Oniguruma once per program, and its tables freed at exit. */
static void
rx_init(void)
{
	static int done;
	OnigEncoding enc[] = { ONIG_ENCODING_UTF8 };

	if (done)
		return;
	done = 1;
	onig_initialize(enc, 1);
	atexit(rx_end);
}

/*
 * The pattern as Oniguruma is to read it, in a new string; NULL with *why
 * set when it is too long or nested too deep.
 */
static char *
translate(const char *pattern, size_t n, const char **why)
{
	char *out, *o;
	int depth = 0, inclass = 0;

	if (n > RX_MAXLEN) {
		*why = "pattern longer than 4096 bytes";
		return NULL;
	}
	if (utf8_invalid(pattern, n) != n) {
		*why = "pattern not valid UTF-8";
		return NULL;
	}
	o = out = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = pattern[i];

		if (c == '\\' && i + 1 < n) {
			*o++ = c;
			*o++ = pattern[++i];
			continue;
		}
		if (inclass) {
			if (c == ']')
				inclass = 0;
		} else if (c == '[') {
			inclass = 1;
			*o++ = c;
			/* Oniguruma reads a "]" first in a class as one of its characters. */
			if (i + 1 < n && pattern[i + 1] == '^')
				*o++ = pattern[++i];
			if (i + 1 < n && pattern[i + 1] == ']')
				*o++ = pattern[++i];
			continue;
		} else if (c == '(' && ++depth > RX_MAXDEPTH) {
			free(out);
			*why = "groups nested more than 64 deep";
			return NULL;
		} else if (c == ')' && depth > 0) {
			depth--;
		} else if (c == '$') {
			*o++ = '\\';
			c = 'z';
		}
		*o++ = c;
	}
	*o = '\0';
	return out;
}

struct rx *
rx_compile(const char *pattern, const char **why)
{
	size_t n = strlen(pattern);
	char *p;
	struct rx *r;
	OnigErrorInfo einfo;
	int rc;

	rx_init();
	if (!(p = translate(pattern, n, why)))
		return NULL;
	r = xcalloc(1, sizeof *r);
	rc = onig_new(&r->re, (const OnigUChar *)p, (const OnigUChar *)p + strlen(p),
	    ONIG_OPTION_NONE | ONIG_OPTION_WORD_IS_ASCII | ONIG_OPTION_DIGIT_IS_ASCII |
	    ONIG_OPTION_POSIX_IS_ASCII, ONIG_ENCODING_UTF8, ONIG_SYNTAX_PERL_NG, &einfo);
	if (rc != ONIG_NORMAL) {
		/* The message may quote the pattern: p is still needed. */
		onig_error_code_to_str((OnigUChar *)why_buf, rc, &einfo);
		*why = why_buf;
		free(p);
		free(r);
		return NULL;
	}
	free(p);
	if (!(r->mp = onig_new_match_param())) {
		onig_free(r->re);
		free(r);
		*why = "out of memory";
		return NULL;
	}
	onig_initialize_match_param(r->mp);
	onig_set_retry_limit_in_match_of_match_param(r->mp, RX_RETRIES);
	onig_set_retry_limit_in_search_of_match_param(r->mp, RX_RETRIES_ALL);
	return r;
}

int
rx_search(const struct rx *r, const char *s, size_t n)
{
	const OnigUChar *start = (const OnigUChar *)s, *end = start + n;

	/* Oniguruma trusts the text to be in its encoding: check it strictly. */
	if (utf8_invalid(s, n) != n)
		return 0;
	return onig_search_with_param(r->re, start, end, start, end, NULL, ONIG_OPTION_NONE, r->mp) >= 0;
}

void
rx_free(struct rx *r)
{
	if (!r)
		return;
	onig_free(r->re);
	onig_free_match_param(r->mp);
	free(r);
}
