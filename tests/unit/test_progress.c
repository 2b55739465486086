/* lib/progress.c: the progress line. */
#include <string.h>

#include "progress.h"
#include "t.h"

int
main(void)
{
	struct progress p;
	char buf[128];

	memset(&p, 0, sizeof(p));
	p.done = 120;
	p.total = 1000;
	p.total_known = 1;
	p.errors = 3;
	p.retries = 14;
	p.tokens = 45210;
	T_EQ_STR("120/1000 done, 3 errors, 14 retries, 45210 tokens, 12.3 s",
	    progress_format(&p, 12.34, buf, sizeof(buf)), "done of the total, errors, retries, tokens, time");
	p.total_known = 0;
	p.errors = 1;
	p.retries = 1;
	T_EQ_STR("120 done, 1 error, 1 retry, 45210 tokens, 0.0 s",
	    progress_format(&p, 0, buf, sizeof(buf)), "without a total, and in the singular");
	T_EQ_STR("120 done", progress_format(&p, 0, buf, 9), "cut to the buffer");
	return t_done();
}
