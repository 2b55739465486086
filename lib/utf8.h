/*
 * UTF-8 validation.  The API takes only valid UTF-8, and we never change
 * text silently, so invalid input is reported with the offset of the
 * first bad byte instead of being repaired.
 */
#ifndef GPT_UTF8_H
#define GPT_UTF8_H

#include <stddef.h>

/*
 * Return the offset of the first byte of s[0..n) that does not start or
 * continue a well-formed UTF-8 sequence (overlong forms, surrogates and
 * code points above U+10FFFF are ill-formed), or n when all is valid.
 * A sequence cut short by the end of s is invalid at its first byte.
 */
size_t utf8_invalid(const char *s, size_t n);

/*
 * Length of the valid UTF-8 prefix of s[0..n) that ends on a character
 * boundary, allowing an incomplete but so far valid sequence at the end
 * (for text arriving in chunks).  Returns n when s ends on a boundary.
 */
size_t utf8_complete(const char *s, size_t n);

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence at s[0..n) (n > 0);
 * 0 when it is ill-formed; -k when its first k bytes are a valid start
 * cut off by the end of s.
 */
long utf8_seqlen(const char *s, size_t n);

#endif
