/* lib/redact.c: the key never shows in a trace. */
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "t.h"

static char got[512];

static const char *
r(const char *s, const char *key)
{
	size_t n;
	char *p = redact(s, strlen(s), key, &n);

	snprintf(got, sizeof(got), "%s", p);
	free(p);
	return got;
}

int
main(void)
{
	const char *k = "sk-secret-123";

	T_EQ_STR("Authorization: Bearer [REDACTED]\r\n",
	    r("Authorization: Bearer sk-secret-123\r\n", k), "the header value is hidden");
	T_EQ_STR("authorization: bearer [REDACTED]\r\n",
	    r("authorization: bearer sk-other\r\n", k), "any bearer token is hidden, any case");
	T_EQ_STR("[HTTP/2] [1] [authorization: Bearer [REDACTED]]\n",
	    r("[HTTP/2] [1] [authorization: Bearer sk-secret-123]\n", k),
	    "libcurl's HTTP/2 header text line is redacted");
	T_EQ_STR("* h2h3 [authorization: Bearer [REDACTED]]\n",
	    r("* h2h3 [authorization: Bearer sk-secret-123]\n", k),
	    "libcurl 7.88's h2h3 header text line is redacted");
	T_EQ_STR("key [REDACTED] and [REDACTED]",
	    r("key sk-secret-123 and sk-secret-123", k), "every bare occurrence of the key is hidden");
	T_EQ_STR("Content-Type: application/json\r\n",
	    r("Content-Type: application/json\r\n", k), "other text is unchanged");
	T_EQ_STR("Bearer ", r("Bearer ", k), "a bearer with no token is left alone");
	T_EQ_STR("x sk-secret-123", r("x sk-secret-123", NULL), "without a key only bearer tokens are hidden");
	T_EQ_STR("Bearer [REDACTED]", r("Bearer sk-secret-123", ""), "an empty key hides bearer tokens");
	return t_done();
}
