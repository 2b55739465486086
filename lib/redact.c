/* Redacting the API key from trace text. */
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "redact.h"

/* Bytes that end a bearer token in a header line or in libcurl's text. */
static int
token_end(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == ']' || c == '"' || c == '\'' || c == ',' || c == ';';
}

char *
redact(const char *s, size_t n, const char *key, size_t *outlen)
{
	static const char bearer[] = "bearer ";
	size_t bl = sizeof(bearer) - 1;
	size_t kl = key != NULL ? strlen(key) : 0;
	struct buf b;
	size_t i = 0;

	buf_init(&b, (size_t)-1);
	while (i < n) {
		if (kl > 0 && n - i >= kl && memcmp(s + i, key, kl) == 0) {
			buf_adds(&b, REDACTED);
			i += kl;
		} else if (n - i >= bl && strncasecmp(s + i, bearer, bl) == 0) {
			buf_add(&b, s + i, bl);
			i += bl;
			while (i < n && (s[i] == ' ' || s[i] == '\t'))
				buf_addc(&b, s[i++]);
			if (i < n && !token_end(s[i])) {
				buf_adds(&b, REDACTED);
				while (i < n && !token_end(s[i]))
					i++;
			}
		} else
			buf_addc(&b, s[i++]);
	}
	return buf_detach(&b, outlen);
}
