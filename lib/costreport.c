/*
 * Formatting gpt-cost's report lines; see costreport.h.
 */
#include <stdio.h>
#include <string.h>

#include "costreport.h"

const char *
report_header(int by_model)
{
	return by_model ?
	    "MODEL                        ITEMS     PROMPT  COMPLETION  COST\n" :
	    "  ITEM  CUSTOM_ID         MODEL                          PROMPT  COMPLETION          COST\n";
}

const char *
report_usd(money m, char *buf, size_t n)
{
	return money_format(m, 6, buf, n);
}

void
report_json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	if (!s) {
		buf_adds(b, "null");
		return;
	}
	buf_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f') {
			buf_addc(b, '\\');
			buf_addc(b, c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : c == '\b' ? 'b' : 'f');
		} else if (c < 0x20) {
			char esc[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
			buf_adds(b, esc);
		} else {
			buf_addc(b, (char)c);
		}
	}
	buf_addc(b, '"');
}

void
report_json_key(struct buf *b, const char *key)
{
	buf_adds(b, b->len > 1 ? ",\"" : "\"");
	buf_adds(b, key);
	buf_adds(b, "\":");
}

static void
json_num(struct buf *b, const char *key, long long v)
{
	char n[32];

	report_json_key(b, key);
	snprintf(n, sizeof n, "%lld", v);
	buf_adds(b, n);
}

static void
json_money(struct buf *b, const char *key, const money *m)
{
	char n[64];

	report_json_key(b, key);
	buf_adds(b, m ? report_usd(*m, n, sizeof n) : "null");
}

void
report_tsv_field(struct buf *b, const char *s)
{
	/* A tab or newline in a name would break the columns. */
	for (; s && *s; s++)
		buf_addc(b, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

/* One item as a line of the report's format, into b (emptied first). */
void
report_item(struct buf *b, const struct cost_item *it, enum report_format fmt)
{
	char n[64], date[16];
	int known = it->priced_as || it->zero;
	const money *cost = known ? &it->cost.total : NULL;

	buf_reset(b);
	if (fmt == REPORT_JSON) {
		buf_addc(b, '{');
		report_json_key(b, "type");
		report_json_str(b, "item");
		json_num(b, "item", (long long)it->number);
		json_num(b, "line", (long long)it->line);
		report_json_key(b, "custom_id");
		report_json_str(b, it->custom_id);
		report_json_key(b, "model");
		report_json_str(b, it->model);
		report_json_key(b, "provider");
		report_json_str(b, it->provider);
		report_json_key(b, "priced_as");
		report_json_str(b, it->priced_as);
		price_format_date(it->when_ms, date, sizeof date);
		report_json_key(b, "date");
		report_json_str(b, date);
		report_json_key(b, "batch");
		buf_adds(b, it->batch ? "true" : "false");
		if (it->has_tokens) {
			json_num(b, "prompt_tokens", it->prompt);
			json_num(b, "cached_tokens", it->cached);
			json_num(b, "completion_tokens", it->completion);
			json_num(b, "reasoning_tokens", it->reasoning);
		}
		json_money(b, "input_usd", known ? &it->cost.input : NULL);
		json_money(b, "output_usd", known ? &it->cost.output : NULL);
		json_money(b, "cost_usd", cost);
		if (it->why) {
			report_json_key(b, "unknown");
			report_json_str(b, it->why);
		}
		buf_adds(b, "}\n");
		return;
	}
	if (fmt == REPORT_TSV) {
		snprintf(n, sizeof n, "%lu\t", it->number);
		buf_adds(b, n);
		report_tsv_field(b, it->custom_id);
		buf_addc(b, '\t');
		report_tsv_field(b, it->model);
		buf_addc(b, '\t');
		if (it->has_tokens) {
			snprintf(n, sizeof n, "%lld\t%lld\t", it->prompt, it->completion);
			buf_adds(b, n);
		} else {
			buf_adds(b, "\t\t");
		}
		buf_adds(b, cost ? report_usd(*cost, n, sizeof n) : "unknown");
		buf_addc(b, '\n');
		return;
	}
	{
		char line[512], p[24] = "", c[24] = "", money_s[64] = "unknown";
		if (it->has_tokens) {
			snprintf(p, sizeof p, "%lld", it->prompt);
			snprintf(c, sizeof c, "%lld", it->completion);
		}
		if (cost) {
			money_s[0] = '$';
			report_usd(*cost, money_s + 1, sizeof money_s - 1);
		}
		snprintf(line, sizeof line, "%6lu  %-16s  %-26s  %9s  %10s  %12s\n", it->number,
		    it->custom_id ? it->custom_id : "-", it->model ? it->model : "-", p, c, money_s);
		buf_adds(b, line);
	}
}

/* A summary line (a model's, or the total when model is NULL) into b. */
void
report_sum(struct buf *b, const struct cost_sum *s, enum report_format fmt, int total)
{
	char n[64], line[512], cost[64];

	buf_reset(b);
	report_usd(s->cost, cost, sizeof cost);
	/* A model whose every item had no price has no cost to show. */
	if (!total && s->unknown == s->items)
		snprintf(cost, sizeof cost, "%s", fmt == REPORT_JSON ? "null" : "unknown");
	if (fmt == REPORT_JSON) {
		buf_addc(b, '{');
		report_json_key(b, "type");
		report_json_str(b, total ? "total" : "model");
		if (!total) {
			report_json_key(b, "model");
			report_json_str(b, s->model);
		}
		json_num(b, "items", (long long)s->items);
		json_num(b, "unknown", (long long)s->unknown);
		json_num(b, "prompt_tokens", s->prompt);
		json_num(b, "completion_tokens", s->completion);
		report_json_key(b, "cost_usd");
		buf_adds(b, cost);
		buf_adds(b, "}\n");
	} else if (fmt == REPORT_TSV) {
		if (total)
			buf_adds(b, "total");
		else
			report_tsv_field(b, s->model);
		snprintf(n, sizeof n, "\t%lu\t%lld\t%lld\t", s->items, s->prompt, s->completion);
		buf_adds(b, n);
		buf_adds(b, cost);
		buf_addc(b, '\n');
	} else {
		snprintf(line, sizeof line, "%-26s  %6lu  %9lld  %10lld  %s%s\n",
		    total ? "total" : s->model, s->items, s->prompt, s->completion,
		    strcmp(cost, "unknown") == 0 ? "" : "$", cost);
		buf_adds(b, line);
	}
}

/* Per-item TSV rows end with the total in the item columns. */
void
report_total(struct buf *b, const struct cost_sum *s, enum report_format fmt)
{
	char n[96], cost[64];

	if (fmt != REPORT_TSV && fmt != REPORT_HUMAN) {
		report_sum(b, s, fmt, 1);
		return;
	}
	buf_reset(b);
	report_usd(s->cost, cost, sizeof cost);
	if (fmt == REPORT_TSV) {
		snprintf(n, sizeof n, "total\t\t\t%lld\t%lld\t", s->prompt, s->completion);
		buf_adds(b, n);
		buf_adds(b, cost);
		buf_addc(b, '\n');
	} else {
		char line[256];
		snprintf(line, sizeof line, "%6s  %-16s  %-26s  %9lld  %10lld  %12s\n", "total", "",
		    "", s->prompt, s->completion, "");
		/* The cost is right-aligned with a dollar sign. */
		snprintf(n, sizeof n, "$%s", cost);
		snprintf(line + strlen(line) - 13, sizeof line - strlen(line) + 13, "%12s\n", n);
		buf_adds(b, line);
	}
}

