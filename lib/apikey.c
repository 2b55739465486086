/* Loading and checking the API key. */
#include <string.h>

#include "apikey.h"
#include "buf.h"
#include "exitcode.h"
#include "textin.h"
#include "xalloc.h"

int
apikey_check(const char *key, size_t n, const char *what, struct gpt_err *err)
{
	size_t i;

	if (n == 0)
		return gpt_err_set(err, GPT_EXIT_USAGE, "%s: the API key is empty", what);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];

		if (c == '\r' || c == '\n')
			return gpt_err_set(err, GPT_EXIT_USAGE,
			    "%s: the API key holds a %s: refused", what,
			    c == '\r' ? "carriage return" : "line feed");
		if (c < 0x20 || c == 0x7f)
			return gpt_err_set(err, GPT_EXIT_USAGE,
			    "%s: the API key holds a control character: refused", what);
	}
	return 0;
}

char *
apikey_load(const char *path, const char *env, struct gpt_err *err)
{
	struct buf b;
	size_t n;

	if (path == NULL) {
		if (env == NULL) {
			gpt_err_set(err, GPT_EXIT_USAGE,
			    "no API key: set OPENAI_API_KEY or use --api-key-file");
			return NULL;
		}
		if (apikey_check(env, strlen(env), "OPENAI_API_KEY", err) < 0)
			return NULL;
		return xstrdup(env);
	}
	buf_init(&b, APIKEY_MAX_FILE);
	if (text_read_file(path, &b, err) < 0) {
		buf_release(&b);
		if (err != NULL)
			err->code = GPT_EXIT_USAGE;
		return NULL;
	}
	n = b.len;
	if (n > 0 && b.data[n - 1] == '\n')
		n--;
	if (apikey_check(b.data, n, path, err) < 0) {
		buf_release(&b);
		return NULL;
	}
	b.data[n] = '\0';
	return buf_detach(&b, &n);
}
