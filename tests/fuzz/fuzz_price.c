/*
 * libFuzzer target for lib/price's loader: any bytes as a price table.
 * A table that loads is then used as gpt-cost uses it: providers found
 * by id and by model, every model listed with its prices and tiers,
 * model names matched (twice: the cache must give the same answer) and a
 * response's usage priced at several dates.  Nothing may crash or leak,
 * errors are one line, and a price is never negative.
 *
 * sources: price rx money jsonin textin buf utf8 errmsg xalloc
 * libs: -lonig
 * dict: price
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "jsonin.h"
#include "price.h"

static const char *const names[] = {
	"gpt-4o", "gpt-4o-2024-08-06", "GPT-4O-MINI ", "gpt-4o-mini-20240718",
	"o1", "gpt-3.5-turbo-1106", "claude-3-5-sonnet", "gemini-1.5-pro",
	"ft:gpt-4o:org::id", "", "x",
};
static const char *const keys[] = {
	"input_mtok", "output_mtok", "cache_read_mtok", "input_audio_mtok",
	"requests_kcount", "nope",
};
static const long long times[] = {
	0, 1700000000000LL, 1735689600000LL + 3600000LL * 13, 4102444800000LL,
};
static const char response[] =
    "{\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":1000,"
    "\"completion_tokens\":500,\"total_tokens\":1500,"
    "\"prompt_tokens_details\":{\"cached_tokens\":200,\"audio_tokens\":10},"
    "\"completion_tokens_details\":{\"reasoning_tokens\":100,\"audio_tokens\":5}}}";

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
check_err(const struct gpt_err *err)
{
	if (err->code == 0 || err->msg[0] == '\0' || strchr(err->msg, '\n') != NULL)
		abort();
}

static void
use_model(struct price_table *t, const struct price_model *m, jv resp,
    const struct price_usage *u)
{
	struct price_cost c;
	struct gpt_err err;
	money base, price;
	long long start;
	size_t i, j, k, tiers;

	(void)t;
	if (price_model_id(m) == NULL)
		abort();
	price_model_name(m);
	for (i = 0; i < N(names); i++)
		price_model_matches(m, names[i]);
	for (i = 0; i < N(times); i++) {
		for (j = 0; j < N(keys); j++)
			if (price_of(m, times[i], keys[j], &base, &tiers) == 1) {
				if (base < 0)
					abort();
				for (k = 0; k < tiers && k < 8; k++) {
					price_tier(m, times[i], keys[j], k, &start, &price);
					if (price < 0)
						abort();
				}
			}
		if (price_cost(t, m, u, times[i], &c, &err) == 0) {
			if (c.input < 0 || c.output < 0 || c.total < c.input + c.output)
				abort();
		} else
			check_err(&err);
	}
	(void)resp;
}

static void
use_provider(struct price_table *t, const struct price_provider *p, jv resp)
{
	struct price_usage u;
	struct gpt_err err;
	const struct price_model *m, *again;
	size_t i, n;
	int have_usage;

	if (price_provider_id(p) == NULL)
		abort();
	memset(&u, 0, sizeof(u));
	have_usage = price_extract(t, p, resp, &u, &err) == 0;
	if (!have_usage)
		check_err(&err);
	n = price_model_count(p);
	for (i = 0; i < n && i < 64; i++) {
		m = price_model_at(p, i);
		if (m == NULL)
			abort();
		if (have_usage)
			use_model(t, m, resp, &u);
	}
	for (i = 0; i < N(names); i++) {
		m = price_find(t, p, names[i]);
		again = price_find(t, p, names[i]);
		if (m != again)
			abort();
		if (m != NULL && have_usage)
			use_model(t, m, resp, &u);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ids[] = { "openai", "OpenAI", "anthropic", "google", "x" };
	struct price_table *t;
	const struct price_provider *p;
	struct gpt_err err;
	jv resp;
	size_t i;

	gpt_err_clear(&err);
	t = price_load_mem((const char *)data, size, "fuzz", &err);
	if (t == NULL) {
		check_err(&err);
		if (err.code != GPT_EXIT_USAGE)
			abort();
		return 0;
	}
	resp = jv_parse(response);
	for (i = 0; i < N(ids); i++)
		if ((p = price_provider(t, ids[i])) != NULL)
			use_provider(t, p, resp);
	for (i = 0; i < N(names); i++)
		if ((p = price_provider_for_model(t, names[i])) != NULL)
			use_provider(t, p, resp);
	jv_free(resp);
	price_free(t);
	return 0;
}
