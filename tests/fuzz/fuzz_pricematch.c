/*
 * libFuzzer target for lib/price's matcher and pricing with the shipped
 * table (data/genai-prices.json, or $GPT_PRICES), loaded once.  The
 * input is a model name, a newline, and a usage object: the name is
 * matched for OpenAI and by provider (twice: the cached answer must be
 * the same), and the usage, put in a response, is extracted and priced
 * at several dates.  Nothing may crash or leak, errors are one line, and
 * no price is negative.
 *
 * sources: price rx money jsonin textin buf utf8 errmsg xalloc
 * libs: -lonig
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"
#include "price.h"

static struct price_table *table;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("GPT_PRICES");
	struct gpt_err err;

	(void)argc;
	(void)argv;
	if (path == NULL)
		path = "data/genai-prices.json";
	if ((table = price_load_file(path, &err)) == NULL) {
		fprintf(stderr, "fuzz_pricematch: %s\n", err.msg);
		exit(2);
	}
	return 0;
}

static void
check_err(const struct gpt_err *err)
{
	if (err->code == 0 || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL)
		abort();
}

static void
price_with(const struct price_provider *p, const char *name, jv usage)
{
	static const long long times[] = { 0, 1700000000000LL, 1767225600000LL };
	const struct price_model *m, *again;
	struct price_usage u;
	struct price_cost c;
	struct gpt_err err;
	jv resp;
	size_t i;

	m = price_find(table, p, name);
	again = price_find(table, p, name);
	if (m != again)
		abort();
	if (m == NULL)
		return;
	if (!price_model_matches(m, name) && price_provider_for_model(table, name) == p)
		(void)0;	/* found through a fallback or a dated suffix */
	resp = jv_object_set(jv_object(), jv_string("model"), jv_string(name));
	resp = jv_object_set(resp, jv_string("usage"), jv_copy(usage));
	memset(&u, 0, sizeof(u));
	if (price_extract(table, p, resp, &u, &err) < 0) {
		check_err(&err);
		jv_free(resp);
		return;
	}
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		if (price_cost(table, m, &u, times[i], &c, &err) == 0) {
			if (c.input < 0 || c.output < 0 || c.total < c.input + c.output)
				abort();
		} else
			check_err(&err);
	}
	jv_free(resp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	const struct price_provider *p;
	struct gpt_err err;
	char *name;
	size_t n;
	jv usage;

	if (nl == NULL || memchr(data, '\0', (size_t)(nl - (const char *)data)) != NULL)
		return 0;
	n = (size_t)(nl - (const char *)data);
	if (json_parse_one(nl + 1, size - n - 1, "usage", &usage, &err) < 0)
		return 0;
	name = malloc(n + 1);
	memcpy(name, data, n);
	name[n] = '\0';
	if ((p = price_provider(table, "openai")) != NULL)
		price_with(p, name, usage);
	if ((p = price_provider_for_model(table, name)) != NULL)
		price_with(p, name, usage);
	jv_free(usage);
	free(name);
	return 0;
}
