/*
 * A small backtracking matcher for the regular expressions of the price
 * table, which are written for JavaScript's RegExp: it takes the
 * JavaScript syntax they use, which POSIX regcomp does not (\d, (?:...),
 * the negative lookahead (?!...)).  Supported: literals and escapes,
 * ".", "^", "$", classes "[a-z]" "[^/]", \d \D \w \W \s \S, groups
 * "(...)" and "(?:...)", lookahead "(?=...)" and "(?!...)", "|", and the
 * quantifiers * + ? {n} {n,} {n,m}, greedy or lazy.  No backreferences,
 * flags or lookbehind: a pattern using them fails to compile, as does
 * one longer than 4096 bytes or with groups nested more than 64 deep.  Bytes are
 * matched one by one, which is JavaScript's behaviour for ASCII text.
 */
#ifndef GPT_RX_H
#define GPT_RX_H

#include <stddef.h>

struct rx;

/*
 * Compile pattern.  Returns the program, or NULL with *why set to a
 * static string saying what is not supported.
 */
struct rx *rx_compile(const char *pattern, const char **why);

/*
 * Whether the pattern matches anywhere in s[0..n) (RegExp.prototype.test).
 * Returns 1 or 0; a match that would take too many steps counts as none.
 */
int rx_search(const struct rx *r, const char *s, size_t n);

void rx_free(struct rx *r);

#endif
