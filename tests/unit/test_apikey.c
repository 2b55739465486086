/* lib/apikey.c: where the key comes from, and which keys are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "apikey.h"
#include "exitcode.h"
#include "t.h"

static char path[] = "/tmp/test_apikey.XXXXXX";

/* The key loaded from a file holding s[0..n), or NULL; *code the error code. */
static char *
from_file(const char *s, size_t n, int *code)
{
	struct gpt_err err;
	FILE *f = fopen(path, "wb");
	char *k;

	fwrite(s, 1, n, f);
	fclose(f);
	gpt_err_clear(&err);
	k = apikey_load(path, "sk-env", &err);
	*code = err.code;
	return k;
}

#define FROM(s) from_file((s), sizeof(s) - 1, &code)

int
main(void)
{
	struct gpt_err err;
	char *k;
	int code, fd;

	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);

	k = apikey_load(NULL, "sk-env", &err);
	T_EQ_STR("sk-env", k, "the key comes from the environment");
	free(k);
	gpt_err_clear(&err);
	k = apikey_load(NULL, NULL, &err);
	T_OK(k == NULL && err.code == GPT_EXIT_USAGE, "a missing key is a usage error");
	k = apikey_load(NULL, "", &err);
	T_OK(k == NULL && err.code == GPT_EXIT_USAGE, "an empty key is a usage error");
	k = apikey_load(NULL, "sk-a\r\nX-Evil: 1", &err);
	T_OK(k == NULL && err.code == GPT_EXIT_USAGE, "a key with CR LF from the environment is refused");

	k = FROM("sk-file\n");
	T_EQ_STR("sk-file", k, "the file wins over the environment, its newline stripped");
	free(k);
	k = FROM("sk-file");
	T_EQ_STR("sk-file", k, "a file without a newline is read as is");
	free(k);
	k = FROM("sk-file\n\n");
	T_OK(k == NULL && code == GPT_EXIT_USAGE, "only one trailing newline is stripped");
	k = FROM("sk-fi\rle\n");
	T_OK(k == NULL && code == GPT_EXIT_USAGE, "a key with CR is refused");
	k = FROM("sk-file\r\n");
	T_OK(k == NULL && code == GPT_EXIT_USAGE, "a CRLF ending leaves a CR: refused");
	k = FROM("sk-a\nsk-b\n");
	T_OK(k == NULL && code == GPT_EXIT_USAGE, "a key with LF inside is refused");
	k = FROM("sk-a\tb\n");
	T_OK(k == NULL && code == GPT_EXIT_USAGE, "a key with a control byte is refused");
	k = FROM("\n");
	T_OK(k == NULL && code == GPT_EXIT_USAGE, "an empty key file is refused");
	unlink(path);
	gpt_err_clear(&err);
	k = apikey_load(path, "sk-env", &err);
	T_OK(k == NULL && err.code == GPT_EXIT_USAGE, "a missing key file is a usage error");
	return t_done();
}
