/* Writing JSON items one per line, and checking the output at the end. */
#include <errno.h>
#include <string.h>

#include "exitcode.h"
#include "jsonout.h"

int
jsonout_write(FILE *f, jv v)
{
	jv_dumpf(v, f, 0);
	if (putc('\n', f) == EOF || fflush(f) == EOF || ferror(f))
		return -1;
	return 0;
}

int
jsonout_write_raw(FILE *f, const char *p, size_t n)
{
	if ((n > 0 && fwrite(p, 1, n, f) != n) || putc('\n', f) == EOF ||
	    fflush(f) == EOF || ferror(f))
		return -1;
	return 0;
}

int
out_close(FILE *f, const char *what, struct gpt_err *err)
{
	int bad = fflush(f) == EOF || ferror(f);
	int e = errno;

	if (fclose(f) == EOF && !bad) {
		bad = 1;
		e = errno;
	}
	if (!bad)
		return 0;
	if (e == EPIPE)
		return 1;
	gpt_err_set(err, GPT_EXIT_IO, "%s: write error: %s", what,
	    e ? strerror(e) : "unknown error");
	return -1;
}
