/* The progress line of a long run. */
#include <stdio.h>

#include "progress.h"

char *
progress_format(const struct progress *p, double elapsed, char *buf, size_t n)
{
	char total[32] = "";

	if (p->total_known)
		snprintf(total, sizeof(total), "/%lu", p->total);
	snprintf(buf, n, "%lu%s done, %lu error%s, %lu retr%s, %llu tokens, %.1f s",
	    p->done, total, p->errors, p->errors == 1 ? "" : "s",
	    p->retries, p->retries == 1 ? "y" : "ies", p->tokens, elapsed);
	return buf;
}
