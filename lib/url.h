/*
 * The safety check on the API's base URL (RELIABILITY.md, "Security"):
 * https to anywhere, plain http only to a loopback address, nothing else.
 * The URL is parsed with libcurl's own URL parser, so the host we judge
 * is the host libcurl would connect to.
 */
#ifndef GPT_URL_H
#define GPT_URL_H

#include "errmsg.h"

/*
 * Check url (borrowed).  Returns 0 when it may be used, or -1 with err
 * set (GPT_EXIT_USAGE) saying why not.  Nothing is resolved or connected.
 */
int url_check(const char *url, struct gpt_err *err);

/* Whether host (as libcurl's URL API gives it) is a loopback address or "localhost". */
int url_host_is_loopback(const char *host);

/* base followed by path with exactly one "/" between them (caller frees). */
char *url_join(const char *base, const char *path);

#endif
