/*
 * Allocation wrappers: the only functions in lib/ allowed to end the
 * program.  On out-of-memory they print "PROG: out of memory" and exit
 * with GPT_EXIT_IO, the code for a local failure.
 */
#ifndef GPT_XALLOC_H
#define GPT_XALLOC_H

#include <stddef.h>

/*
 * Make libjq's out-of-memory end the program the same way, instead of
 * abort(): call first thing in main().
 */
void xalloc_init(void);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
