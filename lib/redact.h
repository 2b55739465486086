/*
 * Hiding the API key in traces.  Two rules, so that neither alone has to
 * be perfect: every occurrence of the key itself is replaced, and so is
 * whatever follows "Bearer " (any case), which also covers a key we were
 * not told about and libcurl's HTTP/2 header lines ("[authorization:
 * Bearer ...]").
 */
#ifndef GPT_REDACT_H
#define GPT_REDACT_H

#include <stddef.h>

/* What a hidden secret reads as. */
#define REDACTED "[REDACTED]"

/*
 * A copy of s[0..n) with the key (borrowed; NULL or "" for none) and
 * every bearer token replaced by REDACTED.  Returns a NUL-terminated
 * string the caller frees, its length in *outlen.
 */
char *redact(const char *s, size_t n, const char *key, size_t *outlen);

#endif
