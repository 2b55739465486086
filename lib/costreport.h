/*
 * The lines of gpt-cost's report: an item, a model's or the whole
 * run's sums, as tab-separated columns, aligned columns for a terminal,
 * or one JSON object.  Amounts are written exactly, in dollars with at
 * least six decimals.  Each function empties b and writes one whole line
 * (newline included) into it; they borrow their arguments.
 */
#ifndef GPT_COSTREPORT_H
#define GPT_COSTREPORT_H

#include <stddef.h>

#include "buf.h"
#include "money.h"
#include "price.h"

enum report_format { REPORT_HUMAN, REPORT_TSV, REPORT_JSON };

/* The sums of a group of items: all of them, or one model's. */
struct cost_sum {
	char *model;
	unsigned long items;
	unsigned long unknown;  /* items of unknown cost, not in cost */
	long long prompt;
	long long completion;
	money cost;
};

/* One priced (or unpriceable) item. */
struct cost_item {
	unsigned long number;   /* its number in its input */
	unsigned long line;
	const char *custom_id;  /* NULL when none */
	const char *model;      /* the response's model, NULL when none */
	const char *provider;   /* the provider's id, NULL when none */
	const char *priced_as;  /* the database's model id; NULL: unknown cost */
	const char *why;        /* why the cost is unknown */
	char whybuf[320];       /* room for why */
	int zero;               /* an unknown cost counted as $0 (gpt-cost --unknown=zero) */
	long long when_ms;      /* the time the prices were taken at */
	int batch;              /* the Batch API's half price applied */
	int has_tokens;         /* the token counts below are known */
	long long prompt, completion, cached, reasoning;
	struct price_cost cost;
};

/* The header line of the terminal format, per item or per model. */
const char *report_header(int by_model);

/* One item's line. */
void report_item(struct buf *b, const struct cost_item *it, enum report_format fmt);

/* A model's line (total 0) or the total's (total 1) in the per-model report. */
void report_sum(struct buf *b, const struct cost_sum *s, enum report_format fmt, int total);

/* The total's line under the item lines, in their columns. */
void report_total(struct buf *b, const struct cost_sum *s, enum report_format fmt);

/* m in dollars with at least six decimals, into buf (at least 48 bytes); returns buf. */
const char *report_usd(money m, char *buf, size_t n);

/* Append s as a JSON string ("null" for NULL) to b. */
void report_json_str(struct buf *b, const char *s);

/* Append "key": to b, after a comma unless b holds only "{". */
void report_json_key(struct buf *b, const char *key);

/* Append s to b with tabs and line breaks made spaces, so the columns hold. */
void report_tsv_field(struct buf *b, const char *s);

#endif
