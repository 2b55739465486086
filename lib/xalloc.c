/* Allocation that cannot fail: out-of-memory ends the program cleanly. */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>

#include "exitcode.h"
#include "xalloc.h"

/*
 * _exit, not exit: stdio must not flush half an item to stdout on the
 * way out.  Whole items were flushed when they were written.
 */
static void
oom(void)
{
	warnx("out of memory");
	_exit(GPT_EXIT_IO);
}

static void
jq_oom(void *unused)
{
	(void)unused;
	oom();
}

void
xalloc_init(void)
{
	jv_nomem_handler(jq_oom, NULL);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom();
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
