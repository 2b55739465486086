/*
 * The progress line of a long run on stderr: what it counts and how it
 * reads.  Pure: the caller decides when and where to print it.
 */
#ifndef GPT_PROGRESS_H
#define GPT_PROGRESS_H

#include <stddef.h>

struct progress {
	unsigned long done;          /* items settled, answered or not */
	unsigned long total;         /* items in the input, when known */
	int total_known;
	unsigned long errors;        /* items that ended without a good answer */
	unsigned long retries;       /* attempts after the first */
	unsigned long long tokens;   /* usage.total_tokens of the answers */
};

/*
 * "120/1000 done, 3 errors, 14 retries, 45210 tokens, 12.3 s" into buf
 * (without a total: "120 done, ..."), elapsed being the seconds since the
 * start.  Returns buf.
 */
char *progress_format(const struct progress *p, double elapsed, char *buf, size_t n);

#endif
