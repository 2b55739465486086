/* lib/price.c: the genai-prices table, its match rules and calcPrice's pricing. */
#include <string.h>

#include "jsonin.h"
#include "price.h"
#include "t.h"

static const char table[] =
    "[{\"id\":\"acme\",\"name\":\"Acme\",\"api_pattern\":\"x\","
    "\"provider_match\":{\"contains\":\"acme\"},\"model_match\":{\"starts_with\":\"acme-\"},"
    "\"extractors\":[{\"api_flavor\":\"chat\",\"root\":\"usage\",\"model_path\":\"model\",\"mappings\":["
    "{\"path\":\"prompt_tokens\",\"dest\":\"input_tokens\",\"required\":true},"
    "{\"path\":[\"prompt_tokens_details\",\"cached_tokens\"],\"dest\":\"cache_read_tokens\",\"required\":false},"
    "{\"path\":[\"prompt_tokens_details\",\"audio_tokens\"],\"dest\":\"input_audio_tokens\",\"required\":false},"
    "{\"path\":\"completion_tokens\",\"dest\":\"output_tokens\",\"required\":true}]}],"
    "\"fallback_model_providers\":[\"other\"],"
    "\"models\":["
    "{\"id\":\"flat\",\"name\":\"Flat\",\"match\":{\"or\":[{\"equals\":\"acme-flat\"},{\"starts_with\":\"acme-flat-2\"}]},"
    " \"prices\":{\"input_mtok\":0.15,\"cache_read_mtok\":0.075,\"output_mtok\":0.6}},"
    "{\"id\":\"tier\",\"match\":{\"equals\":\"acme-tier\"},"
    " \"prices\":{\"input_mtok\":{\"base\":1,\"tiers\":[{\"start\":1000,\"price\":2}]},\"output_mtok\":3}},"
    "{\"id\":\"dated\",\"match\":{\"equals\":\"acme-dated\"},\"prices\":[{\"prices\":{\"input_mtok\":10}},"
    " {\"constraint\":{\"start_date\":\"2025-06-10\",\"type\":\"start_date\"},\"prices\":{\"input_mtok\":2}}]},"
    "{\"id\":\"night\",\"match\":{\"equals\":\"acme-night\"},\"prices\":[{\"prices\":{\"input_mtok\":4}},"
    " {\"constraint\":{\"start_time\":\"22:00:00Z\",\"end_time\":\"06:00:00Z\",\"type\":\"time_of_date\"},"
    "  \"prices\":{\"input_mtok\":1}}]},"
    "{\"id\":\"broken\",\"match\":{\"equals\":\"acme-broken\"},\"prices\":{\"cache_read_mtok\":1}},"
    "{\"id\":\"audio\",\"match\":{\"and\":[{\"starts_with\":\"acme-\"},{\"ends_with\":\"-audio\"}]},"
    " \"prices\":{\"input_mtok\":1,\"cache_read_mtok\":0.5,\"input_audio_mtok\":10,\"cache_audio_read_mtok\":5}},"
    "{\"id\":\"rx\",\"match\":{\"regex\":\"^acme-r\\\\d+$\"},\"prices\":{\"input_mtok\":7}},"
    "{\"id\":\"dash\",\"match\":{\"equals\":\"acme-snap-2024-08-06\"},\"prices\":{\"input_mtok\":8}},"
    "{\"id\":\"req\",\"match\":{\"contains\":\"per-request\"},\"prices\":{\"requests_kcount\":5,\"input_mtok\":1}}"
    "]},"
    "{\"id\":\"other\",\"name\":\"Other\",\"api_pattern\":\"y\",\"models\":["
    "{\"id\":\"borrowed\",\"match\":{\"equals\":\"borrowed\"},\"prices\":{\"input_mtok\":3}}]}]";

static struct price_table *t;
static const struct price_provider *acme;
static char errmsg[1024];

static const char *
found(const char *model)
{
	const struct price_model *m = price_find(t, acme, model);

	return m ? price_model_id(m) : "(none)";
}

/* The total cost of a response with this usage JSON at when_ms, or the error. */
static const char *
cost_at(const char *model, const char *usage, long long when_ms)
{
	static char out[128];
	char doc[1024];
	struct price_usage u;
	struct price_cost c;
	struct gpt_err err = {0};
	const struct price_model *m = price_find(t, acme, model);
	jv v;

	if (!m)
		return "(no model)";
	snprintf(doc, sizeof doc, "{\"model\":\"%s\",\"usage\":%s}", model, usage);
	if (json_parse_one(doc, strlen(doc), "test", &v, &err) < 0)
		return "(bad test)";
	if (price_extract(t, acme, v, &u, &err) < 0 || price_cost(t, m, &u, when_ms, &c, &err) < 0) {
		jv_free(v);
		snprintf(errmsg, sizeof errmsg, "%s", err.msg);
		return errmsg;
	}
	jv_free(v);
	if (c.total < c.input + c.output)
		return "(total below its parts)";
	return money_format(c.total, 6, out, sizeof out);
}

static long long
at(const char *date)
{
	long long ms = -1;

	price_parse_date(date, &ms);
	return ms;
}

static const char *
load_error(const char *json)
{
	struct gpt_err err = {0};
	struct price_table *bad = price_load_mem(json, strlen(json), "t.json", &err);

	if (bad) {
		price_free(bad);
		return "(loaded)";
	}
	snprintf(errmsg, sizeof errmsg, "%d %s", err.code, err.msg);
	return errmsg;
}

static const char *
errmsg_of_for(const char *json, const char *provider)
{
	struct gpt_err err = {0};
	struct price_table *bad = price_load_mem_for(json, strlen(json), "t.json", provider, &err);

	if (bad) {
		price_free(bad);
		return "(loaded)";
	}
	snprintf(errmsg, sizeof errmsg, "%d %s", err.code, err.msg);
	return errmsg;
}

int
main(void)
{
	struct gpt_err err = {0};
	long long now = at("2026-01-01");
	char date[16];
	money base, price;
	size_t tiers;
	long long start;

	t = price_load_mem(table, sizeof table - 1, "table", &err);
	T_OK(t != NULL, "a table loads");
	if (!t) {
		printf("# %s\n", err.msg);
		return t_done();
	}
	acme = price_provider(t, " ACME ");
	T_OK(acme && strcmp(price_provider_id(acme), "acme") == 0, "a provider is found by its id, case-blind and trimmed");
	T_OK(price_provider(t, "my-acme-proxy") == acme, "a provider is found by its provider_match");
	T_OK(price_provider(t, "nobody") == NULL, "an unknown provider is NULL");
	T_OK(price_provider_for_model(t, "acme-flat") == acme, "a provider is found by its model_match");
	T_OK(price_provider_for_model(t, "borrowed") == NULL, "a provider without model_match is not guessed");

	T_EQ_STR("flat", found("acme-flat"), "equals");
	T_EQ_STR("flat", found(" ACME-Flat-2024 "), "starts_with inside or, on the lowercased trimmed name");
	T_OK(price_find(t, acme, " ACME-Flat-2024 ") == price_find(t, acme, " ACME-Flat-2024 "), "the cache gives the same answer");
	T_EQ_STR("rx", found("acme-r12"), "a regex");
	T_EQ_STR("(none)", found("acme-r12x"), "a regex anchored at the end");
	T_EQ_STR("audio", found("acme-x-audio"), "and of starts_with and ends_with");
	T_EQ_STR("req", found("x-per-request-y"), "contains");
	T_EQ_STR("borrowed", found("borrowed"), "a fallback provider's model");
	T_EQ_STR("dash", found("acme-snap-20240806"), "a dated suffix -YYYYMMDD is read as -YYYY-MM-DD");
	T_EQ_STR("(none)", found("acme-snap-20240231"), "a suffix that is no real date is not rewritten");
	T_EQ_STR("(none)", found("nothing"), "an unknown model is NULL");

	T_EQ_STR("0.000435", cost_at("acme-flat",
	    "{\"prompt_tokens\":1000,\"completion_tokens\":500,\"prompt_tokens_details\":{\"cached_tokens\":200}}", now),
	    "cached tokens at the cache price, the rest at the input price");
	T_EQ_STR("0.001000", cost_at("acme-tier", "{\"prompt_tokens\":1000,\"completion_tokens\":0}", now),
	    "a tier starts above its start");
	T_EQ_STR("0.002002", cost_at("acme-tier", "{\"prompt_tokens\":1001,\"completion_tokens\":0}", now),
	    "above the start, every token at the tier's price");
	T_EQ_STR("10.000000", cost_at("acme-dated", "{\"prompt_tokens\":1000000,\"completion_tokens\":0}", at("2025-06-09T23:59:59Z")),
	    "before its start date the old price");
	T_EQ_STR("2.000000", cost_at("acme-dated", "{\"prompt_tokens\":1000000,\"completion_tokens\":0}", at("2025-06-10")),
	    "from its start date the new price");
	T_EQ_STR("1.000000", cost_at("acme-night", "{\"prompt_tokens\":1000000,\"completion_tokens\":0}", at("2026-01-01T23:00:00Z")),
	    "a time-of-day price across midnight, before it");
	T_EQ_STR("1.000000", cost_at("acme-night", "{\"prompt_tokens\":1000000,\"completion_tokens\":0}", at("2026-01-01T05:59:59Z")),
	    "a time-of-day price across midnight, after it");
	T_EQ_STR("4.000000", cost_at("acme-night", "{\"prompt_tokens\":1000000,\"completion_tokens\":0}", at("2026-01-01T06:00:00Z")),
	    "the end of a time-of-day price is not in it");
	T_EQ_STR("0.004600", cost_at("acme-x-audio",
	    "{\"prompt_tokens\":1000,\"completion_tokens\":0,\"prompt_tokens_details\":{\"audio_tokens\":400}}", now),
	    "audio tokens at the audio price");
	T_EQ_STR("missing usage value for cache_audio_read_tokens with positive reported overlap cache_read_tokens and input_audio_tokens",
	    cost_at("acme-x-audio", "{\"prompt_tokens\":1000,\"completion_tokens\":0,"
	    "\"prompt_tokens_details\":{\"audio_tokens\":400,\"cached_tokens\":100}}", now),
	    "cached and audio tokens without their overlap are refused, as calcPrice refuses them");
	T_EQ_STR("0.005000", cost_at("x-per-request-y", "{\"prompt_tokens\":0,\"completion_tokens\":0}", now),
	    "a price per 1000 requests counts one request");
	T_EQ_STR("model broken: missing ancestor price key input_mtok for cache_read_mtok",
	    cost_at("acme-broken", "{\"prompt_tokens\":1,\"completion_tokens\":0}", now),
	    "a cache price without an input price is refused when used");
	T_EQ_STR("invalid usage data: cache_read_tokens (20) cannot exceed input_tokens (10)",
	    cost_at("acme-flat", "{\"prompt_tokens\":10,\"completion_tokens\":0,\"prompt_tokens_details\":{\"cached_tokens\":20}}", now),
	    "more cached tokens than prompt tokens are refused");
	T_EQ_STR("usage.prompt_tokens is missing", cost_at("acme-flat", "{\"completion_tokens\":0}", now),
	    "a required field that is missing");
	T_EQ_STR("usage.prompt_tokens is not a number", cost_at("acme-flat", "{\"prompt_tokens\":\"1\",\"completion_tokens\":0}", now),
	    "a required field that is not a number");
	T_EQ_STR("usage.prompt_tokens is not a whole number of tokens >= 0",
	    cost_at("acme-flat", "{\"prompt_tokens\":-1,\"completion_tokens\":0}", now), "a negative count");
	T_EQ_STR("usage.prompt_tokens is not a whole number of tokens >= 0",
	    cost_at("acme-flat", "{\"prompt_tokens\":1.5,\"completion_tokens\":0}", now), "a fractional count");
	T_EQ_STR("0.000000", cost_at("acme-flat",
	    "{\"prompt_tokens\":0,\"completion_tokens\":0,\"prompt_tokens_details\":{\"cached_tokens\":\"x\"}}", now),
	    "an optional field that is not a number is ignored");

	T_OK(price_of(price_find(t, acme, "acme-tier"), now, "input_mtok", &base, &tiers) == 1 &&
	    base == MONEY_DOLLAR && tiers == 1, "price_of gives the base price and the number of tiers");
	price_tier(price_find(t, acme, "acme-tier"), now, "input_mtok", 0, &start, &price);
	T_OK(start == 1000 && price == 2 * MONEY_DOLLAR, "price_tier gives a tier's start and price");
	T_OK(price_of(price_find(t, acme, "acme-tier"), now, "cache_read_mtok", &base, &tiers) == 0,
	    "price_of says when a model has no such price");
	T_OK(price_model_matches(price_model_at(acme, 0), "ACME-FLAT"), "price_model_matches uses the model's rule");
	T_EQ_INT(9, price_model_count(acme), "every model is loaded");

	T_OK(price_parse_date("2024-02-29", &start) == 0, "a leap day is a date");
	T_OK(price_parse_date("2023-02-29", &start) < 0, "a day that does not exist is refused");
	T_OK(price_parse_date("2024-1-01", &start) < 0, "a date must have its zeros");
	T_OK(price_parse_date("2024-01-01T24:00:00Z", &start) < 0, "an hour beyond 23 is refused");
	price_format_date(at("2024-08-07T23:59:59Z"), date, sizeof date);
	T_EQ_STR("2024-08-07", date, "a time's UTC date");
	price_format_date(at("1969-12-31T12:00:00Z"), date, sizeof date);
	T_EQ_STR("1969-12-31", date, "a date before the epoch");

	T_EQ_STR("2 t.json: not a list of providers", load_error("{}"), "a table that is not an array");
	T_EQ_STR("2 t.json: provider p model m: regex \"(a\": end pattern with unmatched parenthesis",
	    load_error("[{\"id\":\"p\",\"models\":[{\"id\":\"m\",\"match\":{\"regex\":\"(a\"},\"prices\":{}}]}]"),
	    "a regex that cannot be compiled names the model");
	T_EQ_STR("2 t.json: provider p: a model has no id",
	    load_error("[{\"id\":\"p\",\"models\":[{\"match\":{\"equals\":\"a\"},\"prices\":{}}]}]"), "a model without an id");
	T_OK(strchr(load_error("[{\"id\":\"p\\n\",\"models\":[{\"match\":{}}]}]"), '\n') == NULL,
	    "a newline in a name does not reach the message");
	price_free(t);

	/* Loading one provider (and its fallbacks) of the table. */
	t = price_load_mem_for(table, sizeof table - 1, "table", "acme", &err);
	acme = t ? price_provider(t, "acme") : NULL;
	T_OK(acme != NULL, "a provider loads alone");
	T_EQ_STR("borrowed", acme ? found("borrowed") : "(no table)", "its fallback providers load with it");
	T_OK(t && price_provider(t, "nobody") == NULL, "other providers are not there");
	price_free(t);
	t = price_load_mem_for(table, sizeof table - 1, "table", "other", &err);
	T_OK(t && price_provider(t, "acme") == NULL && price_provider(t, "other") != NULL,
	    "only the provider asked for is read");
	price_free(t);
	t = price_load_mem_for(table, sizeof table - 1, "table", "my-acme-proxy", &err);
	T_OK(t && price_provider(t, "other") != NULL && price_provider(t, "my-acme-proxy") != NULL,
	    "a provider not found by its id: the whole table loads, for provider_match");
	price_free(t);
	{
		static const char esc[] = " [ {\"id\":\"a\\u0062\",\"models\":[]} , {\"name\":\"x]}\",\"id\":\"c\",\"models\":[]} ] ";
		t = price_load_mem_for(esc, sizeof esc - 1, "esc", "c", &err);
		T_OK(t && price_provider(t, "c") != NULL && price_provider(t, "ab") == NULL,
		    "brackets in strings and escaped ids do not confuse the split");
		price_free(t);
		t = price_load_mem_for(esc, sizeof esc - 1, "esc", "ab", &err);
		T_OK(t && price_provider(t, "ab") != NULL, "an escaped id is found by loading it all");
		price_free(t);
	}
	T_EQ_STR("2 t.json: provider p: models is not an array", errmsg_of_for("[{\"id\":\"p\"}]", "p"),
	    "an error in the provider asked for is reported");
	T_EQ_STR("2 t.json:1: truncated JSON at end of input", errmsg_of_for("[{\"id\"", "p"),
	    "text that does not split is parsed whole, with its error");
	return t_done();
}
