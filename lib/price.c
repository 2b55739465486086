/*
 * The genai-prices table: loading, matching and pricing; see price.h.
 * The pricing follows calcPrice() of @pydantic/genai-prices 0.1.8 step
 * by step (its units registry, leaf values, tiers and date constraints),
 * so that both give the same figures and refuse the same usage.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exitcode.h"
#include "jsonin.h"
#include "price.h"
#include "rx.h"
#include "textin.h"
#include "xalloc.h"

#define PRICE_FILE_MAX ((size_t)64 << 20)
#define CACHE_MAX 100000

enum { D_DIRECTION, D_FAMILY, D_MODALITY, D_TOKEN_TYPE, D_CACHE_TTL, D_TOOL_TYPE, D_PAGE_TYPE, NDIMS };

struct unit {
	const char *usage_key;
	const char *price_key;
	long long per;
	const char *dim[NDIMS];
};

/*
 * The units registry of genai-prices 0.1.8 (its units data), in its
 * order: usage key, price key, how many units a price is for, and the
 * dimensions (direction, family, modality, token_type, cache_ttl,
 * tool_type, page_type).  The unit "requests" is not reported usage:
 * each priced request counts once.
 */
static const struct unit units[PRICE_NUNITS] = {
	{"audio_seconds", "audio_hours", 3600, {NULL, "durations", "audio", NULL, NULL, NULL, NULL}},
	{"cache_audio_read_tokens", "cache_audio_read_mtok", 1000000, {"input", "tokens", "audio", "cache_read", NULL, NULL, NULL}},
	{"cache_audio_write_1h_tokens", "cache_audio_write_1h_mtok", 1000000, {"input", "tokens", "audio", "cache_write", "1h", NULL, NULL}},
	{"cache_audio_write_5m_tokens", "cache_audio_write_5m_mtok", 1000000, {"input", "tokens", "audio", "cache_write", "5m", NULL, NULL}},
	{"cache_audio_write_tokens", "cache_audio_write_mtok", 1000000, {"input", "tokens", "audio", "cache_write", NULL, NULL, NULL}},
	{"cache_image_read_tokens", "cache_image_read_mtok", 1000000, {"input", "tokens", "image", "cache_read", NULL, NULL, NULL}},
	{"cache_image_write_1h_tokens", "cache_image_write_1h_mtok", 1000000, {"input", "tokens", "image", "cache_write", "1h", NULL, NULL}},
	{"cache_image_write_5m_tokens", "cache_image_write_5m_mtok", 1000000, {"input", "tokens", "image", "cache_write", "5m", NULL, NULL}},
	{"cache_image_write_tokens", "cache_image_write_mtok", 1000000, {"input", "tokens", "image", "cache_write", NULL, NULL, NULL}},
	{"cache_read_tokens", "cache_read_mtok", 1000000, {"input", "tokens", NULL, "cache_read", NULL, NULL, NULL}},
	{"cache_text_read_tokens", "cache_text_read_mtok", 1000000, {"input", "tokens", "text", "cache_read", NULL, NULL, NULL}},
	{"cache_text_write_1h_tokens", "cache_text_write_1h_mtok", 1000000, {"input", "tokens", "text", "cache_write", "1h", NULL, NULL}},
	{"cache_text_write_5m_tokens", "cache_text_write_5m_mtok", 1000000, {"input", "tokens", "text", "cache_write", "5m", NULL, NULL}},
	{"cache_text_write_tokens", "cache_text_write_mtok", 1000000, {"input", "tokens", "text", "cache_write", NULL, NULL, NULL}},
	{"cache_video_read_tokens", "cache_video_read_mtok", 1000000, {"input", "tokens", "video", "cache_read", NULL, NULL, NULL}},
	{"cache_video_write_1h_tokens", "cache_video_write_1h_mtok", 1000000, {"input", "tokens", "video", "cache_write", "1h", NULL, NULL}},
	{"cache_video_write_5m_tokens", "cache_video_write_5m_mtok", 1000000, {"input", "tokens", "video", "cache_write", "5m", NULL, NULL}},
	{"cache_video_write_tokens", "cache_video_write_mtok", 1000000, {"input", "tokens", "video", "cache_write", NULL, NULL, NULL}},
	{"cache_write_1h_tokens", "cache_write_1h_mtok", 1000000, {"input", "tokens", NULL, "cache_write", "1h", NULL, NULL}},
	{"cache_write_5m_tokens", "cache_write_5m_mtok", 1000000, {"input", "tokens", NULL, "cache_write", "5m", NULL, NULL}},
	{"cache_write_tokens", "cache_write_mtok", 1000000, {"input", "tokens", NULL, "cache_write", NULL, NULL, NULL}},
	{"code_executions", "code_executions_kcount", 1000, {NULL, "tool_calls", NULL, NULL, NULL, "code_execution", NULL}},
	{"input_annotated_document_pages", "input_annotated_document_kpages", 1000, {"input", "document_pages", NULL, NULL, NULL, NULL, "annotated"}},
	{"input_audio_seconds", "input_audio_hours", 3600, {"input", "durations", "audio", NULL, NULL, NULL, NULL}},
	{"input_audio_tokens", "input_audio_mtok", 1000000, {"input", "tokens", "audio", NULL, NULL, NULL, NULL}},
	{"input_audio_tool_tokens", "input_audio_tool_mtok", 1000000, {"input", "tokens", "audio", "tool", NULL, NULL, NULL}},
	{"input_characters", "input_mchars", 1000000, {"input", "characters", NULL, NULL, NULL, NULL, NULL}},
	{"input_document_pages", "input_document_kpages", 1000, {"input", "document_pages", NULL, NULL, NULL, NULL, NULL}},
	{"input_image_tokens", "input_image_mtok", 1000000, {"input", "tokens", "image", NULL, NULL, NULL, NULL}},
	{"input_image_tool_tokens", "input_image_tool_mtok", 1000000, {"input", "tokens", "image", "tool", NULL, NULL, NULL}},
	{"input_pixels", "input_gpixels", 1000000000, {"input", "pixels", NULL, NULL, NULL, NULL, NULL}},
	{"input_text_messages", "input_text_messages_kcount", 1000, {"input", "messages", "text", NULL, NULL, NULL, NULL}},
	{"input_text_tokens", "input_text_mtok", 1000000, {"input", "tokens", "text", NULL, NULL, NULL, NULL}},
	{"input_text_tool_tokens", "input_text_tool_mtok", 1000000, {"input", "tokens", "text", "tool", NULL, NULL, NULL}},
	{"input_tokens", "input_mtok", 1000000, {"input", "tokens", NULL, NULL, NULL, NULL, NULL}},
	{"input_tool_tokens", "input_tool_mtok", 1000000, {"input", "tokens", NULL, "tool", NULL, NULL, NULL}},
	{"input_video_tokens", "input_video_mtok", 1000000, {"input", "tokens", "video", NULL, NULL, NULL, NULL}},
	{"input_video_tool_tokens", "input_video_tool_mtok", 1000000, {"input", "tokens", "video", "tool", NULL, NULL, NULL}},
	{"output_audio_citation_tokens", "output_audio_citation_mtok", 1000000, {"output", "tokens", "audio", "citation", NULL, NULL, NULL}},
	{"output_audio_reasoning_tokens", "output_audio_reasoning_mtok", 1000000, {"output", "tokens", "audio", "reasoning", NULL, NULL, NULL}},
	{"output_audio_seconds", "output_audio_hours", 3600, {"output", "durations", "audio", NULL, NULL, NULL, NULL}},
	{"output_audio_tokens", "output_audio_mtok", 1000000, {"output", "tokens", "audio", NULL, NULL, NULL, NULL}},
	{"output_citation_tokens", "output_citation_mtok", 1000000, {"output", "tokens", NULL, "citation", NULL, NULL, NULL}},
	{"output_image_citation_tokens", "output_image_citation_mtok", 1000000, {"output", "tokens", "image", "citation", NULL, NULL, NULL}},
	{"output_image_reasoning_tokens", "output_image_reasoning_mtok", 1000000, {"output", "tokens", "image", "reasoning", NULL, NULL, NULL}},
	{"output_image_tokens", "output_image_mtok", 1000000, {"output", "tokens", "image", NULL, NULL, NULL, NULL}},
	{"output_reasoning_tokens", "output_reasoning_mtok", 1000000, {"output", "tokens", NULL, "reasoning", NULL, NULL, NULL}},
	{"output_text_citation_tokens", "output_text_citation_mtok", 1000000, {"output", "tokens", "text", "citation", NULL, NULL, NULL}},
	{"output_text_reasoning_tokens", "output_text_reasoning_mtok", 1000000, {"output", "tokens", "text", "reasoning", NULL, NULL, NULL}},
	{"output_text_tokens", "output_text_mtok", 1000000, {"output", "tokens", "text", NULL, NULL, NULL, NULL}},
	{"output_tokens", "output_mtok", 1000000, {"output", "tokens", NULL, NULL, NULL, NULL, NULL}},
	{"output_video_citation_tokens", "output_video_citation_mtok", 1000000, {"output", "tokens", "video", "citation", NULL, NULL, NULL}},
	{"output_video_reasoning_tokens", "output_video_reasoning_mtok", 1000000, {"output", "tokens", "video", "reasoning", NULL, NULL, NULL}},
	{"output_video_tokens", "output_video_mtok", 1000000, {"output", "tokens", "video", NULL, NULL, NULL, NULL}},
	{"requests", "requests_kcount", 1000, {NULL, "requests", NULL, NULL, NULL, NULL, NULL}},
	{"rerank_searches", "rerank_searches_kcount", 1000, {NULL, "rerank", NULL, NULL, NULL, NULL, NULL}},
	{"social_searches", "social_searches_kcount", 1000, {NULL, "tool_calls", NULL, NULL, NULL, "social_search", NULL}},
	{"storage_searches", "storage_searches_kcount", 1000, {NULL, "tool_calls", NULL, NULL, NULL, "storage_search", NULL}},
	{"web_searches", "web_searches_kcount", 1000, {NULL, "tool_calls", NULL, NULL, NULL, "web_search", NULL}},
};

enum match_kind { M_NONE, M_OR, M_AND, M_EQUALS, M_STARTS, M_ENDS, M_CONTAINS, M_REGEX };

struct match {
	enum match_kind kind;
	char *s;                /* lowercased, for the string kinds */
	size_t len;
	struct rx *rx;
	struct match *kids;     /* M_OR, M_AND */
	size_t n;
};

struct tier {
	long long start;
	money price;
};

struct price_entry {
	int unit;
	money base;
	struct tier *tiers;     /* sorted by start */
	size_t ntiers;
	int tiered;
};

struct price_set {
	struct price_entry *e;
	size_t n;
	char *invalid;          /* why calcPrice refuses to use this set, or NULL */
};

enum cond_type { C_NONE, C_START_DATE, C_TIME_OF_DAY };

struct price_cond {
	enum cond_type type;
	long long start_ms;             /* C_START_DATE */
	long long tod_start, tod_end;   /* C_TIME_OF_DAY: ms after midnight UTC */
	struct price_set set;
};

struct price_model {
	char *id;
	char *name;
	struct match match;
	struct price_cond *conds;
	size_t nconds;
	int listed;             /* prices was a list of conditional sets */
};

struct mapping {
	char **path;
	jv *keys;               /* path as jv strings, made once: lookups need no allocation */
	size_t npath;
	int unit;
	int required;
};

struct extractor {
	char **root;
	jv *rootkeys;
	size_t nroot;
	struct mapping *maps;
	size_t nmaps;
};

struct price_provider {
	char *id;
	char *name;
	struct match model_match;
	struct match provider_match;
	struct extractor *chat;
	char **fallback;
	size_t nfallback;
	struct price_model *models;
	size_t nmodels;
};

struct cache_entry {
	struct cache_entry *next;
	const struct price_provider *p;
	const struct price_model *m;
	char name[];
};

struct price_table {
	struct price_provider *prov;
	size_t nprov;
	struct cache_entry **bucket;
	size_t nbucket, ncached;
	/* The relations between units, from their dimensions. */
	unsigned char desc[PRICE_NUNITS][PRICE_NUNITS];  /* [a][d]: d is more specific than a */
	signed char join[PRICE_NUNITS][PRICE_NUNITS];    /* unit with both's dimensions; -1 none, -2 incompatible */
	int ndims[PRICE_NUNITS];
	struct extractor *default_chat;
	int input_unit;         /* input_tokens, whose total picks a tier */
};

/* OpenAI's chat extractor of genai-prices 0.1.8, for tables that have none. */
static const char default_chat[] =
    "[{\"api_flavor\":\"chat\",\"root\":\"usage\",\"mappings\":["
    "{\"path\":\"prompt_tokens\",\"dest\":\"input_tokens\",\"required\":true},"
    "{\"path\":[\"prompt_tokens_details\",\"cached_tokens\"],\"dest\":\"cache_read_tokens\",\"required\":false},"
    "{\"path\":[\"prompt_tokens_details\",\"cache_write_tokens\"],\"dest\":\"cache_write_tokens\",\"required\":false},"
    "{\"path\":[\"prompt_tokens_details\",\"audio_tokens\"],\"dest\":\"input_audio_tokens\",\"required\":false},"
    "{\"path\":[\"completion_tokens_details\",\"audio_tokens\"],\"dest\":\"output_audio_tokens\",\"required\":false},"
    "{\"path\":[\"completion_tokens_details\",\"reasoning_tokens\"],\"dest\":\"output_reasoning_tokens\",\"required\":false},"
    "{\"path\":\"completion_tokens\",\"dest\":\"output_tokens\",\"required\":true}]}]";

/* Names from the table or the input may hold control bytes: keep messages one line. */
static int
err_clean(struct gpt_err *err)
{
	if (err)
		for (char *s = err->msg; *s; s++)
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				*s = '?';
	return -1;
}

/* Helpers for reading the JSON: all borrow their jv, return new references. */

static jv
get(jv obj, const char *key)
{
	if (jv_get_kind(obj) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(obj), jv_string(key));
}

static char *
get_str(jv obj, const char *key)
{
	jv v = get(obj, key);
	char *s = NULL;

	if (jv_get_kind(v) == JV_KIND_STRING)
		s = xstrdup(jv_string_value(v));
	jv_free(v);
	return s;
}

static char *
lower_dup(const char *s)
{
	char *d = xstrdup(s);

	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

static int
unit_by_usage_key(const char *k)
{
	for (int i = 0; i < PRICE_NUNITS; i++)
		if (strcmp(units[i].usage_key, k) == 0)
			return i;
	return -1;
}

static int
unit_by_price_key(const char *k)
{
	for (int i = 0; i < PRICE_NUNITS; i++)
		if (strcmp(units[i].price_key, k) == 0)
			return i;
	return -1;
}

static int
reported(int u)
{
	return strcmp(units[u].usage_key, "requests") != 0;
}

static int
dims_within(int a, int b)
{
	for (int d = 0; d < NDIMS; d++)
		if (units[a].dim[d] && (!units[b].dim[d] || strcmp(units[a].dim[d], units[b].dim[d]) != 0))
			return 0;
	return 1;
}

static int
dims_compatible(int a, int b)
{
	for (int d = 0; d < NDIMS; d++)
		if (units[a].dim[d] && units[b].dim[d] && strcmp(units[a].dim[d], units[b].dim[d]) != 0)
			return 0;
	return 1;
}

static void
units_relate(struct price_table *t)
{
	for (int a = 0; a < PRICE_NUNITS; a++) {
		t->ndims[a] = 0;
		for (int d = 0; d < NDIMS; d++)
			t->ndims[a] += units[a].dim[d] != NULL;
	}
	for (int a = 0; a < PRICE_NUNITS; a++)
		for (int b = 0; b < PRICE_NUNITS; b++) {
			t->desc[a][b] = a != b && dims_within(a, b);
			t->join[a][b] = -2;
			if (!dims_compatible(a, b))
				continue;
			t->join[a][b] = -1;
			for (int j = 0; j < PRICE_NUNITS; j++) {
				int same = 1;
				for (int d = 0; d < NDIMS && same; d++) {
					const char *want = units[a].dim[d] ? units[a].dim[d] : units[b].dim[d];
					const char *have = units[j].dim[d];
					same = (!want && !have) || (want && have && strcmp(want, have) == 0);
				}
				if (same) {
					t->join[a][b] = (signed char)j;
					break;
				}
			}
		}
}

/* Match rules. */

static void
match_release(struct match *m)
{
	free(m->s);
	rx_free(m->rx);
	for (size_t i = 0; i < m->n; i++)
		match_release(&m->kids[i]);
	free(m->kids);
	memset(m, 0, sizeof *m);
}

/* Read rule j (borrowed) into m; the keys are tried in calcPrice's order. */
static int
match_load(jv j, struct match *m, const char *where, struct gpt_err *err)
{
	static const struct { const char *key; enum match_kind kind; } kinds[] = {
		{ "or", M_OR }, { "and", M_AND }, { "equals", M_EQUALS },
		{ "starts_with", M_STARTS }, { "ends_with", M_ENDS },
		{ "contains", M_CONTAINS }, { "regex", M_REGEX },
	};
	int rc = 0;

	memset(m, 0, sizeof *m);
	if (jv_get_kind(j) != JV_KIND_OBJECT)
		return gpt_err_set(err, GPT_EXIT_USAGE, "%s: match rule is not an object", where);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		jv v = get(j, kinds[k].key);
		jv_kind kind = jv_get_kind(v);

		if (kind == JV_KIND_INVALID) {
			jv_free(v);
			continue;
		}
		m->kind = kinds[k].kind;
		if (m->kind == M_OR || m->kind == M_AND) {
			if (kind != JV_KIND_ARRAY) {
				rc = gpt_err_set(err, GPT_EXIT_USAGE, "%s: \"%s\" is not an array", where, kinds[k].key);
			} else {
				m->n = (size_t)jv_array_length(jv_copy(v));
				m->kids = xcalloc(m->n ? m->n : 1, sizeof *m->kids);
				for (size_t i = 0; i < m->n && rc == 0; i++) {
					jv kid = jv_array_get(jv_copy(v), (int)i);
					rc = match_load(kid, &m->kids[i], where, err);
					jv_free(kid);
				}
			}
		} else if (kind != JV_KIND_STRING) {
			rc = gpt_err_set(err, GPT_EXIT_USAGE, "%s: \"%s\" is not a string", where, kinds[k].key);
		} else if (m->kind == M_REGEX) {
			const char *why;
			m->rx = rx_compile(jv_string_value(v), &why);
			if (!m->rx)
				rc = gpt_err_set(err, GPT_EXIT_USAGE, "%s: regex \"%.60s%s\": %s", where,
				    jv_string_value(v), strlen(jv_string_value(v)) > 60 ? "..." : "", why);
		} else {
			m->s = lower_dup(jv_string_value(v));
			m->len = strlen(m->s);
		}
		jv_free(v);
		return rc;
	}
	/* calcPrice treats a rule with none of the keys as never matching. */
	m->kind = M_NONE;
	return 0;
}

/* s is lowercased already, as calcPrice lowercases model names. */
static int
match_test(const struct match *m, const char *s, size_t len)
{
	size_t i;

	switch (m->kind) {
	case M_NONE:
		return 0;
	case M_OR:
		for (i = 0; i < m->n; i++)
			if (match_test(&m->kids[i], s, len))
				return 1;
		return 0;
	case M_AND:
		for (i = 0; i < m->n; i++)
			if (!match_test(&m->kids[i], s, len))
				return 0;
		return 1;
	case M_EQUALS:
		return len == m->len && memcmp(s, m->s, len) == 0;
	case M_STARTS:
		return len >= m->len && memcmp(s, m->s, m->len) == 0;
	case M_ENDS:
		return len >= m->len && memcmp(s + len - m->len, m->s, m->len) == 0;
	case M_CONTAINS:
		if (m->len == 0)
			return 1;
		for (i = 0; i + m->len <= len; i++)
			if (memcmp(s + i, m->s, m->len) == 0)
				return 1;
		return 0;
	case M_REGEX:
		return rx_search(m->rx, s, len);
	}
	return 0;
}

/* Dates and times. */

static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil. */
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int
valid_date(int y, int m, int d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* "YYYY-MM-DD" as ms since the epoch at its midnight UTC; -1 if not one. */
static int
parse_date(const char *s, long long *ms)
{
	int y, m, d, n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    s[4] != '-' || s[7] != '-' || !valid_date(y, m, d))
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	*ms = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400000LL;
	return 0;
}

int
price_parse_date(const char *s, long long *ms)
{
	char day[11];
	int h, mi, se, n = 0;

	if (strlen(s) == 10)
		return parse_date(s, ms);
	if (strlen(s) != 20 || s[10] != 'T' || s[19] != 'Z')
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (parse_date(day, ms) < 0)
		return -1;
	for (int i = 11; i < 19; i++)
		if ((i == 13 || i == 16) ? s[i] != ':' : !isdigit((unsigned char)s[i]))
			return -1;
	if (sscanf(s + 11, "%2d:%2d:%2d%n", &h, &mi, &se, &n) != 3 || n != 8 ||
	    h > 23 || mi > 59 || se > 59)
		return -1;
	*ms += (h * 3600LL + mi * 60LL + se) * 1000;
	return 0;
}

void
price_format_date(long long ms, char *buf, size_t n)
{
	/* Howard Hinnant's civil_from_days. */
	long long z = (ms >= 0 ? ms : ms - 86399999) / 86400000 + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long y = (long long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	snprintf(buf, n, "%04lld-%02u-%02u", y + (m <= 2), m, d);
}

/* "HH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" as ms after midnight UTC. */
static int
parse_time_of_day(const char *s, long long *ms)
{
	int h, mi, se, n = 0;
	long long frac = 0, scale = 1000, off = 0;
	const char *p;

	if (sscanf(s, "%2d:%2d:%2d%n", &h, &mi, &se, &n) != 3 || n != 8 ||
	    !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[6]) ||
	    h > 23 || mi > 59 || se > 59)
		return -1;
	p = s + 8;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if (*p == 'Z' && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
	    isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
	    isdigit((unsigned char)p[4]) && isdigit((unsigned char)p[5])) {
		int oh = (p[1] - '0') * 10 + (p[2] - '0'), om = (p[4] - '0') * 10 + (p[5] - '0');
		if (oh > 23 || om > 59)
			return -1;
		off = (oh * 60LL + om) * 60000LL * (*p == '+' ? 1 : -1);
	} else {
		return -1;
	}
	*ms = (((h * 3600LL + mi * 60LL + se) * 1000 + frac - off) % 86400000LL + 86400000LL) % 86400000LL;
	return 0;
}

/* Prices. */

static int
price_number(jv v, money *out)
{
	if (jv_get_kind(v) != JV_KIND_NUMBER || jv_number_value(v) < 0)
		return -1;
	return money_from_double(jv_number_value(v), out);
}

static int
tier_cmp(const void *a, const void *b)
{
	const struct tier *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static void
set_invalid(struct price_set *s, const char *fmt, const char *a, const char *b)
{
	char msg[256];

	if (s->invalid)
		return;
	snprintf(msg, sizeof msg, fmt, a, b);
	s->invalid = xstrdup(msg);
}

/*
 * Read one set of prices (borrowed).  What calcPrice would refuse (a
 * price that is not a number, a cached price without the input price it
 * refines) makes the set invalid, reported when it is used.
 */
static void
set_load(const struct price_table *t, jv prices, struct price_set *s)
{
	memset(s, 0, sizeof *s);
	if (jv_get_kind(prices) != JV_KIND_OBJECT) {
		s->invalid = xstrdup("prices is not an object");
		return;
	}
	s->e = xcalloc((size_t)jv_object_length(jv_copy(prices)) + 1, sizeof *s->e);
	jv_object_foreach(prices, key, val) {
		const char *k = jv_string_value(key);
		int u = unit_by_price_key(k);
		struct price_entry *e = &s->e[s->n];

		/* Keys of no known unit are ignored, as calcPrice does. */
		if (u >= 0 && jv_get_kind(val) != JV_KIND_NULL) {
			e->unit = u;
			s->n++;
			if (jv_get_kind(val) == JV_KIND_OBJECT) {
				jv base = get(val, "base"), tiers = get(val, "tiers");
				e->tiered = 1;
				if (price_number(base, &e->base) < 0 || jv_get_kind(tiers) != JV_KIND_ARRAY) {
					set_invalid(s, "invalid price value for %s%s", k, "");
				} else {
					int nt = jv_array_length(jv_copy(tiers));
					e->tiers = xcalloc((size_t)nt + 1, sizeof *e->tiers);
					for (int i = 0; i < nt; i++) {
						jv tr = jv_array_get(jv_copy(tiers), i);
						jv st = get(tr, "start"), pr = get(tr, "price");
						double sd = jv_get_kind(st) == JV_KIND_NUMBER ? jv_number_value(st) : -1;
						if (sd < 0 || sd > 9007199254740991.0 || sd != (double)(long long)sd ||
						    price_number(pr, &e->tiers[i].price) < 0)
							set_invalid(s, "invalid price value for %s%s", k, "");
						e->tiers[i].start = (long long)sd;
						jv_free(st);
						jv_free(pr);
						jv_free(tr);
					}
					e->ntiers = (size_t)nt;
					qsort(e->tiers, e->ntiers, sizeof *e->tiers, tier_cmp);
				}
				jv_free(base);
				jv_free(tiers);
			} else if (price_number(val, &e->base) < 0) {
				set_invalid(s, "invalid price value for %s%s", k, "");
			}
		}
		jv_free(key);
		jv_free(val);
	}
	/* Every unit that refines another needs the other's price; overlapping units need their join's. */
	for (size_t i = 0; i < s->n; i++)
		for (int a = 0; a < PRICE_NUNITS; a++) {
			size_t j;
			if (!t->desc[a][s->e[i].unit])
				continue;
			for (j = 0; j < s->n && s->e[j].unit != a; j++)
				;
			if (j == s->n)
				set_invalid(s, "missing ancestor price key %s for %s",
				    units[a].price_key, units[s->e[i].unit].price_key);
		}
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = i + 1; j < s->n; j++) {
			int a = s->e[i].unit, b = s->e[j].unit, m = t->join[a][b];
			size_t k;
			if (m == -2)
				continue;
			if (m == -1) {
				set_invalid(s, "missing registered join unit for %s and %s",
				    units[a].price_key, units[b].price_key);
				continue;
			}
			for (k = 0; k < s->n && s->e[k].unit != m; k++)
				;
			if (k == s->n)
				set_invalid(s, "missing join price key for %s and %s",
				    units[a].price_key, units[b].price_key);
		}
}

static void
set_release(struct price_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].tiers);
	free(s->e);
	free(s->invalid);
}

static int
model_load(const struct price_table *t, jv j, struct price_model *m, const char *prov,
    struct gpt_err *err)
{
	char where[256];
	jv match, prices;
	int rc;

	memset(m, 0, sizeof *m);
	m->id = get_str(j, "id");
	m->name = get_str(j, "name");
	if (!m->id)
		return gpt_err_set(err, GPT_EXIT_USAGE, "provider %s: a model has no id", prov);
	snprintf(where, sizeof where, "provider %s model %s", prov, m->id);
	match = get(j, "match");
	rc = match_load(match, &m->match, where, err);
	jv_free(match);
	if (rc < 0)
		return -1;
	prices = get(j, "prices");
	if (jv_get_kind(prices) == JV_KIND_ARRAY) {
		int n = jv_array_length(jv_copy(prices));
		m->listed = 1;
		if (n == 0) {
			jv_free(prices);
			return gpt_err_set(err, GPT_EXIT_USAGE, "%s: empty list of prices", where);
		}
		m->conds = xcalloc((size_t)n, sizeof *m->conds);
		for (int i = 0; i < n && rc == 0; i++) {
			jv c = jv_array_get(jv_copy(prices), i);
			jv con = get(c, "constraint"), p = get(c, "prices");
			struct price_cond *pc = &m->conds[m->nconds++];

			set_load(t, p, &pc->set);
			if (jv_get_kind(con) == JV_KIND_OBJECT) {
				char *type = get_str(con, "type"), *sd = get_str(con, "start_date");
				char *st = get_str(con, "start_time"), *et = get_str(con, "end_time");
				if (sd && (!type || strcmp(type, "start_date") == 0) && !st && !et &&
				    parse_date(sd, &pc->start_ms) == 0) {
					pc->type = C_START_DATE;
				} else if (st && et && !sd && (!type || strcmp(type, "time_of_date") == 0) &&
				    parse_time_of_day(st, &pc->tod_start) == 0 &&
				    parse_time_of_day(et, &pc->tod_end) == 0) {
					pc->type = C_TIME_OF_DAY;
				} else {
					rc = gpt_err_set(err, GPT_EXIT_USAGE, "%s: unknown price constraint", where);
				}
				free(type);
				free(sd);
				free(st);
				free(et);
			} else if (jv_get_kind(con) != JV_KIND_INVALID && jv_get_kind(con) != JV_KIND_NULL) {
				rc = gpt_err_set(err, GPT_EXIT_USAGE, "%s: constraint is not an object", where);
			}
			jv_free(con);
			jv_free(p);
			jv_free(c);
		}
	} else {
		m->conds = xcalloc(1, sizeof *m->conds);
		m->nconds = 1;
		set_load(t, prices, &m->conds[0].set);
	}
	jv_free(prices);
	return rc;
}

static void
model_release(struct price_model *m)
{
	free(m->id);
	free(m->name);
	match_release(&m->match);
	for (size_t i = 0; i < m->nconds; i++)
		set_release(&m->conds[i].set);
	free(m->conds);
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A path: a string or an array of strings; else -1 (array-match steps are not for chat). */
static int
path_load(jv p, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (jv_get_kind(p) == JV_KIND_STRING) {
		*out = xcalloc(1, sizeof **out);
		(*out)[0] = xstrdup(jv_string_value(p));
		*n = 1;
		return 0;
	}
	if (jv_get_kind(p) != JV_KIND_ARRAY)
		return -1;
	int len = jv_array_length(jv_copy(p));
	if (len == 0)
		return -1;
	*out = xcalloc((size_t)len, sizeof **out);
	for (int i = 0; i < len; i++) {
		jv s = jv_array_get(jv_copy(p), i);
		if (jv_get_kind(s) != JV_KIND_STRING) {
			jv_free(s);
			strv_free(*out, *n);
			*out = NULL;
			*n = 0;
			return -1;
		}
		(*out)[(*n)++] = xstrdup(jv_string_value(s));
		jv_free(s);
	}
	return 0;
}

static jv *
keys_make(char **path, size_t n)
{
	jv *k = xcalloc(n ? n : 1, sizeof *k);

	for (size_t i = 0; i < n; i++)
		k[i] = jv_string(path[i]);
	return k;
}

static void
keys_free(jv *k, size_t n)
{
	for (size_t i = 0; k && i < n; i++)
		jv_free(k[i]);
	free(k);
}

static void
extractor_free(struct extractor *x)
{
	if (!x)
		return;
	strv_free(x->root, x->nroot);
	keys_free(x->rootkeys, x->nroot);
	for (size_t i = 0; i < x->nmaps; i++) {
		strv_free(x->maps[i].path, x->maps[i].npath);
		keys_free(x->maps[i].keys, x->maps[i].npath);
	}
	free(x->maps);
	free(x);
}

/* The provider's "chat" extractor (borrowed list), or NULL when it has none usable. */
static struct extractor *
extractor_load(jv list)
{
	struct extractor *x = NULL;

	if (jv_get_kind(list) != JV_KIND_ARRAY)
		return NULL;
	jv_array_foreach(list, i, e) {
		char *flavor = get_str(e, "api_flavor");
		if (!x && flavor && strcmp(flavor, "chat") == 0) {
			jv root = get(e, "root"), maps = get(e, "mappings");
			x = xcalloc(1, sizeof *x);
			if (path_load(root, &x->root, &x->nroot) < 0 || jv_get_kind(maps) != JV_KIND_ARRAY) {
				extractor_free(x);
				x = NULL;
			} else {
				x->rootkeys = keys_make(x->root, x->nroot);
				int n = jv_array_length(jv_copy(maps));
				x->maps = xcalloc((size_t)n + 1, sizeof *x->maps);
				for (int k = 0; k < n && x; k++) {
					jv mp = jv_array_get(jv_copy(maps), k), path = get(mp, "path");
					jv req = get(mp, "required");
					char *dest = get_str(mp, "dest");
					struct mapping *m = &x->maps[x->nmaps];
					m->unit = dest ? unit_by_usage_key(dest) : -1;
					m->required = jv_get_kind(req) == JV_KIND_TRUE;
					/* Destinations that are not reported units are skipped, as calcPrice does. */
					if (m->unit >= 0 && reported(m->unit)) {
						if (path_load(path, &m->path, &m->npath) < 0) {
							extractor_free(x);
							x = NULL;
						} else {
							m->keys = keys_make(m->path, m->npath);
							x->nmaps++;
						}
					}
					free(dest);
					jv_free(req);
					jv_free(path);
					jv_free(mp);
				}
			}
			jv_free(root);
			jv_free(maps);
		}
		free(flavor);
		jv_free(e);
	}
	return x;
}

static int
provider_load(const struct price_table *t, jv j, struct price_provider *p, struct gpt_err *err)
{
	jv v;
	int rc = 0;

	memset(p, 0, sizeof *p);
	p->id = get_str(j, "id");
	p->name = get_str(j, "name");
	if (!p->id)
		return gpt_err_set(err, GPT_EXIT_USAGE, "a provider has no id");
	v = get(j, "model_match");
	if (jv_get_kind(v) != JV_KIND_INVALID)
		rc = match_load(v, &p->model_match, p->id, err);
	jv_free(v);
	if (rc < 0)
		return -1;
	v = get(j, "provider_match");
	if (jv_get_kind(v) != JV_KIND_INVALID)
		rc = match_load(v, &p->provider_match, p->id, err);
	jv_free(v);
	if (rc < 0)
		return -1;
	v = get(j, "extractors");
	p->chat = extractor_load(v);
	jv_free(v);
	v = get(j, "fallback_model_providers");
	if (jv_get_kind(v) == JV_KIND_ARRAY) {
		int n = jv_array_length(jv_copy(v));
		p->fallback = xcalloc((size_t)n + 1, sizeof *p->fallback);
		for (int i = 0; i < n; i++) {
			jv s = jv_array_get(jv_copy(v), i);
			if (jv_get_kind(s) == JV_KIND_STRING)
				p->fallback[p->nfallback++] = xstrdup(jv_string_value(s));
			jv_free(s);
		}
	}
	jv_free(v);
	v = get(j, "models");
	if (jv_get_kind(v) != JV_KIND_ARRAY) {
		jv_free(v);
		return gpt_err_set(err, GPT_EXIT_USAGE, "provider %s: models is not an array", p->id);
	}
	int n = jv_array_length(jv_copy(v));
	p->models = xcalloc((size_t)n + 1, sizeof *p->models);
	for (int i = 0; i < n && rc == 0; i++) {
		jv m = jv_array_get(jv_copy(v), i);
		rc = model_load(t, m, &p->models[p->nmodels++], p->id, err);
		jv_free(m);
	}
	jv_free(v);
	return rc;
}

static void
provider_release(struct price_provider *p)
{
	free(p->id);
	free(p->name);
	match_release(&p->model_match);
	match_release(&p->provider_match);
	extractor_free(p->chat);
	strv_free(p->fallback, p->nfallback);
	for (size_t i = 0; i < p->nmodels; i++)
		model_release(&p->models[i]);
	free(p->models);
}

static char *name_norm(const char *s);

static struct price_table *
table_new(void)
{
	struct price_table *t = xcalloc(1, sizeof *t);
	jv doc;

	units_relate(t);
	t->input_unit = unit_by_usage_key("input_tokens");
	t->nbucket = 256;
	t->bucket = xcalloc(t->nbucket, sizeof *t->bucket);
	doc = jv_parse(default_chat);
	t->default_chat = extractor_load(doc);
	jv_free(doc);
	return t;
}

/* Add provider p (borrowed) to t, whose prov array has room. */
static int
table_add(struct price_table *t, jv p, const char *name, struct gpt_err *err)
{
	char msg[sizeof err->msg];

	if (provider_load(t, p, &t->prov[t->nprov++], err) == 0)
		return 0;
	snprintf(msg, sizeof msg, "%s", err->msg);
	gpt_err_set(err, GPT_EXIT_USAGE, "%s: %s", name, msg);
	return err_clean(err);
}

struct price_table *
price_load_mem(const char *s, size_t n, const char *name, struct gpt_err *err)
{
	struct price_table *t;
	jv doc;
	int rc = 0;

	if (json_parse_one(s, n, name, &doc, err) < 0) {
		err->code = GPT_EXIT_USAGE;
		err_clean(err);
		return NULL;
	}
	if (jv_get_kind(doc) != JV_KIND_ARRAY) {
		jv_free(doc);
		gpt_err_set(err, GPT_EXIT_USAGE, "%s: not a list of providers", name);
		return NULL;
	}
	t = table_new();
	int np = jv_array_length(jv_copy(doc));
	t->prov = xcalloc((size_t)np + 1, sizeof *t->prov);
	for (int i = 0; i < np && rc == 0; i++) {
		jv p = jv_array_get(jv_copy(doc), i);
		rc = table_add(t, p, name, err);
		jv_free(p);
	}
	jv_free(doc);
	if (rc < 0) {
		price_free(t);
		return NULL;
	}
	return t;
}

/* One provider's text in the table, and its id when that is a plain string. */
struct span {
	size_t start, end;
	char *id;
};

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Split the table's text into its providers without parsing them: the
 * top-level array's elements, each an object, with the "id" member read
 * when it is a string without escapes.  Returns the number of providers,
 * or -1 when the text is anything less plain (the caller then parses it
 * all, which also reports any error properly).
 */
static long
providers_split(const char *s, size_t n, struct span **out)
{
	struct span *sp = NULL;
	size_t i = 0, cnt = 0;

	*out = NULL;
	while (i < n && is_ws(s[i]))
		i++;
	if (i == n || s[i++] != '[')
		return -1;
	for (;;) {
		size_t start;
		int depth = 0, want_key = 0, key_is_id = 0, want_id = 0;
		char *id = NULL;

		while (i < n && is_ws(s[i]))
			i++;
		if (cnt == 0 && i < n && s[i] == ']') {
			i++;
			break;
		}
		if (i == n || s[i] != '{')
			goto bad;
		start = i;
		do {
			char ch = s[i];
			if (ch == '"') {
				size_t j = i + 1;
				int esc = 0;
				while (j < n && s[j] != '"') {
					if (s[j] == '\\') {
						esc = 1;
						j++;
					}
					j++;
				}
				if (j >= n) {
					free(id);
					goto bad;
				}
				if (depth == 1 && want_key) {
					key_is_id = !esc && j - i - 1 == 2 && memcmp(s + i + 1, "id", 2) == 0;
					want_key = 0;
				} else if (depth == 1 && want_id) {
					if (!esc && !id)
						id = xstrndup(s + i + 1, j - i - 1);
					want_id = 0;
				}
				i = j + 1;
				continue;
			}
			if (ch == '{' || ch == '[') {
				if (++depth == 1)
					want_key = 1;
			} else if (ch == '}' || ch == ']') {
				depth--;
			} else if (depth == 1 && ch == ',') {
				want_key = 1;
				want_id = 0;
			} else if (depth == 1 && ch == ':') {
				want_id = key_is_id;
				key_is_id = 0;
			}
			i++;
		} while (depth > 0 && i < n);
		if (depth != 0) {
			free(id);
			goto bad;
		}
		sp = xrealloc(sp, (cnt + 1) * sizeof *sp);
		sp[cnt].start = start;
		sp[cnt].end = i;
		sp[cnt++].id = id;
		while (i < n && is_ws(s[i]))
			i++;
		if (i < n && s[i] == ',') {
			i++;
			continue;
		}
		if (i < n && s[i] == ']') {
			i++;
			break;
		}
		goto bad;
	}
	while (i < n && is_ws(s[i]))
		i++;
	if (i != n)
		goto bad;
	*out = sp;
	return (long)cnt;
bad:
	for (size_t k = 0; k < cnt; k++)
		free(sp[k].id);
	free(sp);
	return -1;
}

static long
span_find(const struct span *sp, long cnt, const char *id)
{
	for (long k = 0; k < cnt; k++)
		if (sp[k].id && strcmp(sp[k].id, id) == 0)
			return k;
	return -1;
}

struct price_table *
price_load_mem_for(const char *s, size_t n, const char *name, const char *provider,
    struct gpt_err *err)
{
	struct span *sp;
	long cnt = providers_split(s, n, &sp), k;
	char *want = name_norm(provider);
	struct price_table *t = NULL;

	k = cnt > 0 ? span_find(sp, cnt, want) : -1;
	free(want);
	if (k >= 0) {
		long todo[64];
		size_t ntodo = 0;
		int rc = 0;

		t = table_new();
		t->prov = xcalloc(64, sizeof *t->prov);
		todo[ntodo++] = k;
		/* The provider, then the fallback providers it names (one level, as calcPrice looks). */
		for (size_t i = 0; i < ntodo && rc == 0; i++) {
			jv p;
			if (json_parse_one(s + sp[todo[i]].start, sp[todo[i]].end - sp[todo[i]].start,
			    name, &p, err) < 0) {
				err->code = GPT_EXIT_USAGE;
				err_clean(err);
				rc = -1;
				break;
			}
			rc = table_add(t, p, name, err);
			jv_free(p);
			for (size_t f = 0; i == 0 && rc == 0 && f < t->prov[0].nfallback; f++) {
				long fk = span_find(sp, cnt, t->prov[0].fallback[f]);
				int seen = 0;
				for (size_t x = 0; x < ntodo; x++)
					seen |= todo[x] == fk;
				if (fk >= 0 && !seen && ntodo < 64)
					todo[ntodo++] = fk;
			}
		}
		if (rc < 0) {
			price_free(t);
			t = NULL;
		}
	}
	for (long i = 0; i < cnt; i++)
		free(sp[i].id);
	if (cnt > 0)
		free(sp);
	if (k < 0)
		return price_load_mem(s, n, name, err);
	return t;
}

static struct price_table *
load_file(const char *path, const char *provider, struct gpt_err *err)
{
	struct buf b;
	struct price_table *t;

	buf_init(&b, PRICE_FILE_MAX);
	if (text_read_file(path, &b, err) < 0) {
		buf_release(&b);
		err->code = GPT_EXIT_USAGE;
		return NULL;
	}
	if (provider)
		t = price_load_mem_for(b.data ? b.data : "", b.len, path, provider, err);
	else
		t = price_load_mem(b.data ? b.data : "", b.len, path, err);
	buf_release(&b);
	return t;
}

struct price_table *
price_load_file(const char *path, struct gpt_err *err)
{
	return load_file(path, NULL, err);
}

struct price_table *
price_load_file_for(const char *path, const char *provider, struct gpt_err *err)
{
	return load_file(path, provider, err);
}

void
price_free(struct price_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nprov; i++)
		provider_release(&t->prov[i]);
	free(t->prov);
	for (size_t i = 0; i < t->nbucket; i++) {
		struct cache_entry *e = t->bucket[i], *next;
		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(t->bucket);
	extractor_free(t->default_chat);
	free(t);
}

/* Lookup. */

/* JavaScript's toLowerCase().trim() for ASCII names. */
static char *
name_norm(const char *s)
{
	size_t len;

	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || (s[len - 1] >= '\t' && s[len - 1] <= '\r')))
		len--;
	char *d = xstrndup(s, len);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

const struct price_provider *
price_provider(const struct price_table *t, const char *id)
{
	char *n = name_norm(id);
	const struct price_provider *found = NULL;

	for (size_t i = 0; i < t->nprov && !found; i++)
		if (strcmp(t->prov[i].id, n) == 0)
			found = &t->prov[i];
	for (size_t i = 0; i < t->nprov && !found; i++)
		if (match_test(&t->prov[i].provider_match, n, strlen(n)))
			found = &t->prov[i];
	free(n);
	return found;
}

const struct price_provider *
price_provider_for_model(const struct price_table *t, const char *model)
{
	char *n = name_norm(model);
	const struct price_provider *found = NULL;

	for (size_t i = 0; i < t->nprov && !found; i++)
		if (match_test(&t->prov[i].model_match, n, strlen(n)))
			found = &t->prov[i];
	free(n);
	return found;
}

const char *
price_provider_id(const struct price_provider *p)
{
	return p->id;
}

size_t
price_provider_count(const struct price_table *t)
{
	return t->nprov;
}

const struct price_provider *
price_provider_at(const struct price_table *t, size_t i)
{
	return &t->prov[i];
}

static const struct price_model *
find_in(const struct price_table *t, const struct price_provider *p, const char *n, int fallbacks)
{
	size_t len = strlen(n);

	for (size_t i = 0; i < p->nmodels; i++)
		if (match_test(&p->models[i].match, n, len))
			return &p->models[i];
	for (size_t f = 0; fallbacks && f < p->nfallback; f++)
		for (size_t i = 0; i < t->nprov; i++)
			if (strcmp(t->prov[i].id, p->fallback[f]) == 0) {
				const struct price_model *m = find_in(t, &t->prov[i], n, 0);
				if (m)
					return m;
				break;
			}
	return NULL;
}

/* Rewrite each "-YYYYMMDD" that is a real date, before "-", ":" or the end, as "-YYYY-MM-DD". */
static char *
dates_dashed(const char *s)
{
	size_t len = strlen(s), o = 0, i = 0;
	char *d = xmalloc(len + len / 9 * 2 + 1);

	while (i < len) {
		const char *p = s + i;
		int ok = p[0] == '-' && i + 9 <= len && p[1] == '2' && p[2] == '0';
		for (int k = 3; ok && k <= 8; k++)
			ok = isdigit((unsigned char)p[k]);
		if (ok)
			ok = p[9] == '\0' || p[9] == '-' || p[9] == ':';
		if (ok) {
			int y = (p[1] - '0') * 1000 + (p[2] - '0') * 100 + (p[3] - '0') * 10 + (p[4] - '0');
			int m = (p[5] - '0') * 10 + (p[6] - '0'), dd = (p[7] - '0') * 10 + (p[8] - '0');
			ok = valid_date(y, m, dd);
		}
		if (ok) {
			d[o++] = '-';
			memcpy(d + o, p + 1, 4);
			o += 4;
			d[o++] = '-';
			memcpy(d + o, p + 5, 2);
			o += 2;
			d[o++] = '-';
			memcpy(d + o, p + 7, 2);
			o += 2;
			i += 9;
		} else {
			d[o++] = s[i++];
		}
	}
	d[o] = '\0';
	return d;
}

static size_t
hash_name(const struct price_provider *p, const char *s)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)p;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

const struct price_model *
price_find(struct price_table *t, const struct price_provider *p, const char *model)
{
	size_t h = hash_name(p, model);
	struct cache_entry *e;
	const struct price_model *m;
	char *n, *dashed;

	for (e = t->bucket[h % t->nbucket]; e; e = e->next)
		if (e->p == p && strcmp(e->name, model) == 0)
			return e->m;
	n = name_norm(model);
	m = find_in(t, p, n, 1);
	if (!m) {
		dashed = dates_dashed(n);
		if (strcmp(dashed, n) != 0)
			m = find_in(t, p, dashed, 1);
		free(dashed);
	}
	free(n);
	if (t->ncached < CACHE_MAX) {
		size_t len = strlen(model);
		if (t->ncached >= 2 * t->nbucket) {
			size_t nb = 4 * t->nbucket;
			struct cache_entry **b = xcalloc(nb, sizeof *b);
			for (size_t i = 0; i < t->nbucket; i++)
				while ((e = t->bucket[i])) {
					t->bucket[i] = e->next;
					size_t k = hash_name(e->p, e->name) % nb;
					e->next = b[k];
					b[k] = e;
				}
			free(t->bucket);
			t->bucket = b;
			t->nbucket = nb;
		}
		e = xmalloc(sizeof *e + len + 1);
		e->p = p;
		e->m = m;
		memcpy(e->name, model, len + 1);
		e->next = t->bucket[h % t->nbucket];
		t->bucket[h % t->nbucket] = e;
		t->ncached++;
	}
	return m;
}

const char *
price_model_id(const struct price_model *m)
{
	return m->id;
}

const char *
price_model_name(const struct price_model *m)
{
	return m->name;
}

size_t
price_model_count(const struct price_provider *p)
{
	return p->nmodels;
}

const struct price_model *
price_model_at(const struct price_provider *p, size_t i)
{
	return i < p->nmodels ? &p->models[i] : NULL;
}

int
price_model_matches(const struct price_model *m, const char *model)
{
	char *n = name_norm(model);
	int r = match_test(&m->match, n, strlen(n));

	free(n);
	return r;
}

/* Extraction. */

static struct extractor *
chat_extractor(const struct price_table *t, const struct price_provider *p)
{
	if (p->chat)
		return p->chat;
	for (size_t i = 0; i < t->nprov; i++)
		if (strcmp(t->prov[i].id, "openai") == 0 && t->prov[i].chat)
			return t->prov[i].chat;
	return t->default_chat;
}

static void
path_name(char **path, size_t n, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "." : "", path[i]);
}

static int extract(const struct price_table *t, const struct price_provider *p, jv response,
    struct price_usage *u, struct gpt_err *err);

int
price_extract(const struct price_table *t, const struct price_provider *p, jv response,
    struct price_usage *u, struct gpt_err *err)
{
	return extract(t, p, response, u, err) < 0 ? err_clean(err) : 0;
}

static int
extract(const struct price_table *t, const struct price_provider *p, jv response,
    struct price_usage *u, struct gpt_err *err)
{
	const struct extractor *x = chat_extractor(t, p);
	char where[256];
	jv root;
	int any = 0;

	memset(u, 0, sizeof *u);
	if (!x)
		return gpt_err_set(err, GPT_EXIT_DATA, "provider %s has no way to read chat usage", p->id);
	root = jv_copy(response);
	for (size_t i = 0; i < x->nroot; i++) {
		if (jv_get_kind(root) != JV_KIND_OBJECT) {
			jv_free(root);
			path_name(x->root, i, where, sizeof where);
			return gpt_err_set(err, GPT_EXIT_DATA, "%s is not an object", where);
		}
		root = jv_object_get(root, jv_copy(x->rootkeys[i]));
	}
	if (jv_get_kind(root) != JV_KIND_OBJECT) {
		jv_free(root);
		path_name(x->root, x->nroot, where, sizeof where);
		return gpt_err_set(err, GPT_EXIT_DATA, "%s is not an object", where);
	}
	for (size_t k = 0; k < x->nmaps; k++) {
		const struct mapping *m = &x->maps[k];
		jv v = jv_copy(root);
		char field[512];
		double d;

		for (size_t i = 0; i < m->npath && jv_is_valid(v); i++) {
			if (jv_get_kind(v) != JV_KIND_OBJECT) {
				jv_free(v);
				v = jv_invalid();
				break;
			}
			v = jv_object_get(v, jv_copy(m->keys[i]));
		}
		if (jv_get_kind(v) != JV_KIND_NUMBER) {
			int missing = jv_get_kind(v) == JV_KIND_INVALID;
			jv_free(v);
			if (!m->required)
				continue;
			path_name(m->path, m->npath, field, sizeof field);
			path_name(x->root, x->nroot, where, sizeof where);
			jv_free(root);
			return gpt_err_set(err, GPT_EXIT_DATA, "%s.%s is %s", where, field,
			    missing ? "missing" : "not a number");
		}
		d = jv_number_value(v);
		jv_free(v);
		if (!(d >= 0 && d <= 9007199254740991.0) || d != (double)(long long)d) {
			path_name(m->path, m->npath, field, sizeof field);
			path_name(x->root, x->nroot, where, sizeof where);
			jv_free(root);
			return gpt_err_set(err, GPT_EXIT_DATA, "%s.%s is not a whole number of tokens >= 0",
			    where, field);
		}
		u->v[m->unit] += (long long)d;
		u->has[m->unit] = 1;
		any = 1;
	}
	jv_free(root);
	if (x->nmaps && !any) {
		path_name(x->root, x->nroot, where, sizeof where);
		return gpt_err_set(err, GPT_EXIT_DATA, "no usage information found at %s", where);
	}
	return 0;
}

/* Pricing. */

static const struct price_set *
set_at(const struct price_model *m, long long when_ms)
{
	if (!m->listed)
		return &m->conds[0].set;
	long long tod = ((when_ms % 86400000LL) + 86400000LL) % 86400000LL;
	for (size_t i = m->nconds; i-- > 0;) {
		const struct price_cond *c = &m->conds[i];
		switch (c->type) {
		case C_NONE:
			return &c->set;
		case C_START_DATE:
			if (when_ms >= c->start_ms)
				return &c->set;
			break;
		case C_TIME_OF_DAY:
			if (c->tod_end < c->tod_start) {
				if (tod >= c->tod_start || tod < c->tod_end)
					return &c->set;
			} else if (tod >= c->tod_start && tod < c->tod_end) {
				return &c->set;
			}
			break;
		}
	}
	return &m->conds[0].set;
}

/* calcPrice's usage value of unit k: reported, or 0 when nothing reported implies it. */
static int
usage_value(const struct price_table *t, const struct price_usage *u, int k, long long *out,
    struct gpt_err *err)
{
	if (u->has[k]) {
		*out = u->v[k];
		return 0;
	}
	int pos[PRICE_NUNITS], npos = 0;

	for (int s = 0; s < PRICE_NUNITS; s++)
		if (u->has[s] && u->v[s] > 0 && reported(s))
			pos[npos++] = s;
	for (int i = 0; i < npos; i++)
		if (t->desc[k][pos[i]])
			return gpt_err_set(err, GPT_EXIT_DATA,
			    "missing usage value for %s with positive reported descendant %s",
			    units[k].usage_key, units[pos[i]].usage_key);
	for (int i = 0; i < npos; i++)
		for (int j = i + 1; j < npos; j++) {
			int a = pos[i], b = pos[j];
			if (t->join[a][b] < 0 || t->desc[a][b] || t->desc[b][a])
				continue;
			if (t->join[a][b] == k)
				return gpt_err_set(err, GPT_EXIT_DATA,
				    "missing usage value for %s with positive reported overlap %s and %s",
				    units[k].usage_key, units[a].usage_key, units[b].usage_key);
		}
	*out = 0;
	return 0;
}

/* calcPrice's order: more dimensions first, then by usage key. */
static int
unit_before(const struct price_table *t, int a, int b)
{
	if (t->ndims[a] != t->ndims[b])
		return t->ndims[a] > t->ndims[b];
	return strcmp(units[a].usage_key, units[b].usage_key) < 0;
}

static int cost(const struct price_table *t, const struct price_model *m,
    const struct price_usage *u, long long when_ms, struct price_cost *c, struct gpt_err *err);

int
price_cost(const struct price_table *t, const struct price_model *m,
    const struct price_usage *u, long long when_ms, struct price_cost *c, struct gpt_err *err)
{
	return cost(t, m, u, when_ms, c, err) < 0 ? err_clean(err) : 0;
}

static int
cost(const struct price_table *t, const struct price_model *m,
    const struct price_usage *u, long long when_ms, struct price_cost *c, struct gpt_err *err)
{
	const struct price_set *s = set_at(m, when_ms);
	long long input_total = 0, leaf[PRICE_NUNITS] = {0};
	int order[PRICE_NUNITS], n = 0, tiered = 0;
	unsigned char priced[PRICE_NUNITS] = {0};

	memset(c, 0, sizeof *c);
	if (s->invalid)
		return gpt_err_set(err, GPT_EXIT_DATA, "model %s: %s", m->id, s->invalid);
	for (size_t i = 0; i < s->n; i++) {
		tiered |= s->e[i].tiered;
		if (reported(s->e[i].unit) && !priced[s->e[i].unit]) {
			priced[s->e[i].unit] = 1;
			order[n++] = s->e[i].unit;
		}
	}
	if (tiered && usage_value(t, u, t->input_unit, &input_total, err) < 0)
		return -1;
	/* The most specific units first: each keeps what no more specific priced unit took. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && unit_before(t, order[j], order[j - 1]); j--) {
			int tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (int i = 0; i < n; i++) {
		int k = order[i];
		long long have, taken = 0;
		if (usage_value(t, u, k, &have, err) < 0)
			return -1;
		for (int j = 0; j < n; j++)
			if (t->desc[k][order[j]])
				taken += leaf[order[j]];
		if (have < taken) {
			for (int j = 0; j < n; j++) {
				long long v;
				int d = order[j];
				if (!t->desc[k][d] || usage_value(t, u, d, &v, err) < 0)
					continue;
				if (v > have)
					return gpt_err_set(err, GPT_EXIT_DATA,
					    "invalid usage data: %s (%lld) cannot exceed %s (%lld)",
					    units[d].usage_key, v, units[k].usage_key, have);
			}
			return gpt_err_set(err, GPT_EXIT_DATA,
			    "invalid usage data: more-specific usage totals %lld, which exceeds %s (%lld)",
			    taken, units[k].usage_key, have);
		}
		leaf[k] = have - taken;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct price_entry *e = &s->e[i];
		long long count = reported(e->unit) ? leaf[e->unit] : 1;
		money price = e->base, amount;

		if (e->tiered) {
			if (count <= 0)
				continue;
			for (size_t k = 0; k < e->ntiers; k++)
				if (input_total > e->tiers[k].start)
					price = e->tiers[k].price;
		}
		if (money_muldiv(price, count, units[e->unit].per, &amount) < 0)
			return gpt_err_set(err, GPT_EXIT_DATA, "model %s: cost too large", m->id);
		if (units[e->unit].dim[D_DIRECTION] && strcmp(units[e->unit].dim[D_DIRECTION], "input") == 0)
			c->input += amount;
		else if (units[e->unit].dim[D_DIRECTION] && strcmp(units[e->unit].dim[D_DIRECTION], "output") == 0)
			c->output += amount;
		c->total += amount;
	}
	return 0;
}

static const struct price_entry *
entry_of(const struct price_model *m, long long when_ms, const char *price_key)
{
	const struct price_set *s = set_at(m, when_ms);
	int u = unit_by_price_key(price_key);

	for (size_t i = 0; u >= 0 && i < s->n; i++)
		if (s->e[i].unit == u)
			return &s->e[i];
	return NULL;
}

int
price_of(const struct price_model *m, long long when_ms, const char *price_key,
    money *base, size_t *tiers)
{
	const struct price_entry *e = entry_of(m, when_ms, price_key);

	if (!e)
		return 0;
	*base = e->base;
	*tiers = e->tiered ? e->ntiers : 0;
	return 1;
}

void
price_tier(const struct price_model *m, long long when_ms, const char *price_key,
    size_t i, long long *start, money *price)
{
	const struct price_entry *e = entry_of(m, when_ms, price_key);

	if (e && i < e->ntiers) {
		*start = e->tiers[i].start;
		*price = e->tiers[i].price;
	}
}
