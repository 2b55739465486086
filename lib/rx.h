/*
 * The regular expressions of the price table, which are written for
 * JavaScript's RegExp (\d, (?:...), the negative lookahead (?!...)),
 * matched with Oniguruma, the library libjq matches with, in its Perl
 * syntax.  As in JavaScript, "^" and "$" are the start and the very end
 * of the text (no flags: a newline before the end is not the end), and
 * \d, \w, \b and the POSIX brackets mean ASCII only; the text is UTF-8.
 * A pattern longer than 4096 bytes or with groups nested more than 64
 * deep does not compile.
 */
#ifndef GPT_RX_H
#define GPT_RX_H

#include <stddef.h>

struct rx;

/*
 * Compile pattern.  Returns the regex, or NULL with *why set to what is
 * wrong with it (a static string, valid until the next rx_compile).
 */
struct rx *rx_compile(const char *pattern, const char **why);

/*
 * Whether the pattern matches anywhere in s[0..n) (RegExp.prototype.test).
 * Returns 1 or 0; a match that would take too many steps counts as none,
 * and so does text that is not valid UTF-8.
 */
int rx_search(const struct rx *r, const char *s, size_t n);

void rx_free(struct rx *r);

#endif
