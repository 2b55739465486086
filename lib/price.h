/*
 * The price table: pydantic's genai-prices database (its JSON as the
 * npm package's findProvider() gives it, one array of providers), loaded
 * once, matched against model names, and used to price token usage the
 * way the package's own calcPrice() does, in exact decimal arithmetic.
 *
 * The database's model: each provider has models with a "match" rule
 * (equals, starts_with, ends_with, contains, regex, or, and: case-blind
 * but for regex) and "prices", either one set or a list of sets that
 * start on a date or hold at a time of day.  A set prices usage units
 * (input_mtok is per million input tokens, cache_read_mtok per million
 * cached ones, ...), each a number or tiers chosen by the total input
 * tokens.  Units nest (cached tokens are input tokens), and each token
 * is priced once, at the most specific unit that has a price.
 * Extractors say which fields of an API response hold which units.
 */
#ifndef GPT_PRICE_H
#define GPT_PRICE_H

#include <stddef.h>

#include <jv.h>

#include "errmsg.h"
#include "money.h"

/* The number of usage units genai-prices knows (input_tokens, ...). */
#define PRICE_NUNITS 59

struct price_table;
struct price_provider;
struct price_model;

/* Usage as the units of the database: counts and which were reported. */
struct price_usage {
	long long v[PRICE_NUNITS];
	unsigned char has[PRICE_NUNITS];
};

/* What one item costs; total may hold units that are neither input nor output. */
struct price_cost {
	money input;
	money output;
	money total;
};

/*
 * Load the table from the JSON file at path, or from s[0..n) (name is
 * used in messages).  Returns the table, or NULL with err set
 * (GPT_EXIT_USAGE: the table is configuration).
 */
struct price_table *price_load_file(const char *path, struct gpt_err *err);
struct price_table *price_load_mem(const char *s, size_t n, const char *name, struct gpt_err *err);

/*
 * As price_load_file and price_load_mem, reading in full only the
 * provider whose id is provider and the fallback providers it names: the
 * text of the others is only split off, never parsed, which makes a
 * table of many providers quick to load.  When no provider has that id
 * exactly, the whole table is loaded.
 */
struct price_table *price_load_file_for(const char *path, const char *provider,
    struct gpt_err *err);
struct price_table *price_load_mem_for(const char *s, size_t n, const char *name,
    const char *provider, struct gpt_err *err);

void price_free(struct price_table *t);

/*
 * The provider whose id is id (case-blind), else the first whose
 * provider_match rule matches id; NULL if none.
 */
const struct price_provider *price_provider(const struct price_table *t, const char *id);

/* The first provider whose model_match rule matches model; NULL if none. */
const struct price_provider *price_provider_for_model(const struct price_table *t, const char *model);

const char *price_provider_id(const struct price_provider *p);

/* The table's providers, in its order: i from 0 to price_provider_count - 1. */
size_t price_provider_count(const struct price_table *t);
const struct price_provider *price_provider_at(const struct price_table *t, size_t i);

/*
 * The model that prices the model name as an API response gives it
 * ("gpt-4o-2024-08-06"): lowercased and trimmed, the first model whose
 * rule matches, then the provider's fallback providers, then all again
 * with dated suffixes "-20240806" read as "-2024-08-06".  NULL when none
 * does.  Answers are cached per name, so each name is matched once.
 */
const struct price_model *price_find(struct price_table *t, const struct price_provider *p,
    const char *model);

/* The model's id in the database ("gpt-4o") and its display name (may be NULL). */
const char *price_model_id(const struct price_model *m);
const char *price_model_name(const struct price_model *m);

/*
 * Read the usage of a Chat Completions response (borrowed) through the
 * provider's "chat" extractor (OpenAI's when the provider has none):
 * usage.prompt_tokens as input_tokens, usage.prompt_tokens_details.
 * cached_tokens as cache_read_tokens, and so on.  Counts must be whole
 * numbers >= 0.  Returns 0, or -1 with err set (GPT_EXIT_DATA) naming
 * the field that is missing or wrong.
 */
int price_extract(const struct price_table *t, const struct price_provider *p, jv response,
    struct price_usage *u, struct gpt_err *err);

/*
 * Price u with model m at the time when_ms (milliseconds since the
 * epoch, UTC), which picks among prices that start on a date or hold at
 * a time of day.  Returns 0, or -1 with err set (GPT_EXIT_DATA) when the
 * usage is inconsistent (cached tokens over prompt tokens) or the
 * database cannot price it, with calcPrice's reason.
 */
int price_cost(const struct price_table *t, const struct price_model *m,
    const struct price_usage *u, long long when_ms, struct price_cost *c, struct gpt_err *err);

/*
 * Parse a date "YYYY-MM-DD" (midnight UTC) or a time "YYYY-MM-DDTHH:MM:SSZ"
 * into milliseconds since the epoch.  Returns 0, or -1 if s is neither.
 */
int price_parse_date(const char *s, long long *ms);

/* Write the UTC date of ms as "YYYY-MM-DD" into buf (at least 11 bytes). */
void price_format_date(long long ms, char *buf, size_t n);

/* The models of a provider, in the database's order, for listing. */
size_t price_model_count(const struct price_provider *p);
const struct price_model *price_model_at(const struct price_provider *p, size_t i);

/* Whether m's match rule matches the model name (lowercased, trimmed). */
int price_model_matches(const struct price_model *m, const char *model);

/*
 * The price of m under price_key ("input_mtok") at when_ms: 1 with *base
 * set and *tiers set to the number of tiers above the base, 0 when m has
 * no such price.  With tiers, price_tier() gives tier i's start and price.
 */
int price_of(const struct price_model *m, long long when_ms, const char *price_key,
    money *base, size_t *tiers);
void price_tier(const struct price_model *m, long long when_ms, const char *price_key,
    size_t i, long long *start, money *price);

#endif
