/*
 * Strict number parsing for options (OpenBSD strtonum's spirit): the
 * whole string must be the number, no sign games, no "1x", no empty
 * string, within [lo, hi].  Independent of the locale: "0.7" is 0.7
 * under any LC_NUMERIC.
 */
#ifndef GPT_NUM_H
#define GPT_NUM_H

/*
 * Parse a decimal integer in [lo, hi] into *out.  Returns NULL on
 * success, else a static string saying why ("invalid", "too small",
 * "too large").
 */
const char *num_parse_ll(const char *s, long long lo, long long hi, long long *out);

/* Parse a finite decimal number (no hex, inf or nan) in [lo, hi]; as above. */
const char *num_parse_double(const char *s, double lo, double hi, double *out);

#endif
