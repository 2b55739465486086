/*
 * The "{}" template of gpt-msg --each-line: every "{}" in a template is
 * replaced by a value (one input line), and "{{}}" stands for a literal
 * "{}".  Nothing else is special, so braces in ordinary text and JSON
 * examples ("{\"a\": {\"b\": 1}}") pass through unchanged.  Pure
 * functions: no I/O, no global state, only the output buffer changes.
 */
#ifndef GPT_TMPL_H
#define GPT_TMPL_H

#include <stddef.h>

#include "buf.h"

/* Whether t[0..n) holds a "{}" placeholder ("{{}}" does not count). */
int tmpl_has_slot(const char *t, size_t n);

/*
 * Append t[0..tn) to out with every "{}" replaced by v[0..vn) and every
 * "{{}}" by "{}".  Returns 0, or -1 when out's cap was reached (out then
 * holds a prefix of the result: the caller discards it).
 */
int tmpl_expand(const char *t, size_t tn, const char *v, size_t vn, struct buf *out);

#endif
