/*
 * gpt-cost: what Chat Completions responses cost, priced with the
 * genai-prices database in exact decimal arithmetic.  Reads responses,
 * streams of chunks and Batch API output lines; prints a line per item
 * and a total, or passes its input on unchanged (--tee) and reports on
 * stderr or in a ledger.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jv.h>

#include "buf.h"
#include "costreport.h"
#include "errmsg.h"
#include "exitcode.h"
#include "jsonin.h"
#include "jsonout.h"
#include "ledger.h"
#include "money.h"
#include "price.h"
#include "shape.h"
#include "version.h"
#include "xalloc.h"

#ifndef GPT_DATADIR
#define GPT_DATADIR "/usr/local/share/gpt-tools"
#endif
#define PRICES_FILE "genai-prices.json"

enum unknown { UNKNOWN_ERROR, UNKNOWN_SKIP, UNKNOWN_ZERO };

struct opts {
	const char *prices;
	const char *provider;
	const char *ledger_path;
	long long date_ms;      /* -1: each item's own date */
	money budget;
	enum unknown unknown;
	int has_budget;
	int batch;
	int by_model;
	int json;
	int list;
	int list_providers;
	int tee;
	int total_only;
};

/* An open stream of chunks: its id and whether its usage chunk was seen. */
struct stream {
	char *id;
	char *model;
	char *custom_id;
	unsigned long number, line;
	long long created_ms;
	int billed;
};

struct run {
	struct opts *o;
	struct price_table *table;
	const struct price_provider *provider;
	FILE *rep;              /* where the report goes: stdout, stderr with --tee, NULL: the ledger only */
	enum report_format fmt;
	struct ledger *ledger;
	struct cost_sum total;
	struct cost_sum *models;
	size_t nmodels;
	struct stream stream;
	long long now_ms;
	const char *in_name;
	int status;
	int over_budget;
	int out_gone;           /* stdout's reader has gone: end quietly */
	int header_done;
};

enum {
	OPT_LIST_PROVIDERS = 256,
	OPT_PROVIDER,
	OPT_VERSION
};

static const struct option longopts[] = {
	{ "batch",    no_argument,       NULL, 'B' },
	{ "budget",   required_argument, NULL, 'b' },
	{ "by-model", no_argument,       NULL, 'M' },
	{ "date",     required_argument, NULL, 'd' },
	{ "help",     no_argument,       NULL, 'h' },
	{ "json",     no_argument,       NULL, 'j' },
	{ "ledger",   required_argument, NULL, 'l' },
	{ "list",     no_argument,       NULL, 'L' },
	{ "list-providers", no_argument, NULL, OPT_LIST_PROVIDERS },
	{ "prices",   required_argument, NULL, 'p' },
	{ "provider", required_argument, NULL, OPT_PROVIDER },
	{ "tee",      no_argument,       NULL, 't' },
	{ "total",    no_argument,       NULL, 'T' },
	{ "unknown",  required_argument, NULL, 'u' },
	{ "version",  no_argument,       NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f)
{
	fputs("usage: gpt-cost [-BhjMtT] [-b usd] [-d date] [-l file] [-p file]\n"
	    "                [-u error|skip|zero] [--provider id] [--version] [file ...]\n"
	    "       gpt-cost -L [-j] [-d date] [-p file] [--provider id] [pattern]\n"
	    "       gpt-cost --list-providers [-p file]\n", f);
}

static void
help(void)
{
	usage(stdout);
	fputs("\nPrice Chat Completions responses, chunk streams and Batch API output\n"
	    "lines with the genai-prices database: a line per item and a total.\n\n"
	    "  -B, --batch             apply the Batch API's 50% discount to every item\n"
	    "                          (automatic for Batch API output lines)\n"
	    "  -b, --budget USD        exit 6 once the running total passes USD\n"
	    "  -M, --by-model          a line per model instead of per item\n"
	    "  -d, --date DATE         price at DATE (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)\n"
	    "                          instead of each response's created time\n"
	    "  -h, --help              print this help and exit\n"
	    "  -j, --json              one JSON object per line, then a total object\n"
	    "  -l, --ledger FILE       also append a line per item to FILE\n"
	    "  -L, --list              list the models matching PATTERN with their\n"
	    "                          prices in USD per 1M tokens\n"
	    "      --list-providers    list the price table's provider ids\n"
	    "  -p, --prices FILE       the price table (default: $GPT_PRICES, else the\n"
	    "                          installed genai-prices.json)\n"
	    "      --provider ID       price as provider ID (default openai; auto: by\n"
	    "                          model name)\n"
	    "  -t, --tee               copy the input to stdout, report on stderr\n"
	    "  -T, --total             print only the total\n"
	    "  -u, --unknown MODE      a model not in the table or a stream without\n"
	    "                          usage: error (exit 3, default), skip or zero\n"
	    "      --version           print the version and exit\n", stdout);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	fputs("Try 'gpt-cost --help' for more information.\n", stderr);
	exit(GPT_EXIT_USAGE);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof *o);
	o->date_ms = -1;
	while ((c = getopt_long(argc, argv, "Bb:d:hjl:LMp:tTu:", longopts, NULL)) != -1) {
		switch (c) {
		case 'B':
			o->batch = 1;
			break;
		case 'b':
			if (money_parse(optarg, &o->budget) < 0 || o->budget < 0)
				usage_error("--budget: invalid amount of dollars: %s", optarg);
			o->has_budget = 1;
			break;
		case 'd':
			if (price_parse_date(optarg, &o->date_ms) < 0)
				usage_error("--date: not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ: %s", optarg);
			break;
		case 'h':
			help();
			exit(GPT_EXIT_OK);
		case 'j':
			o->json = 1;
			break;
		case 'l':
			o->ledger_path = optarg;
			break;
		case 'L':
			o->list = 1;
			break;
		case 'M':
			o->by_model = 1;
			break;
		case 'p':
			o->prices = optarg;
			break;
		case 't':
			o->tee = 1;
			break;
		case 'T':
			o->total_only = 1;
			break;
		case 'u':
			if (strcmp(optarg, "error") == 0)
				o->unknown = UNKNOWN_ERROR;
			else if (strcmp(optarg, "skip") == 0)
				o->unknown = UNKNOWN_SKIP;
			else if (strcmp(optarg, "zero") == 0)
				o->unknown = UNKNOWN_ZERO;
			else
				usage_error("--unknown: not error, skip or zero: %s", optarg);
			break;
		case OPT_LIST_PROVIDERS:
			o->list_providers = 1;
			break;
		case OPT_PROVIDER:
			o->provider = optarg;
			break;
		case OPT_VERSION:
			printf("gpt-cost (gpt-tools) %s\n", GPT_VERSION);
			exit(GPT_EXIT_OK);
		default:
			fputs("Try 'gpt-cost --help' for more information.\n", stderr);
			exit(GPT_EXIT_USAGE);
		}
	}
	if (o->list && argc - optind > 1)
		usage_error("--list takes at most one pattern");
	if (o->list && (o->tee || o->ledger_path || o->has_budget || o->by_model || o->total_only))
		usage_error("--list does not go with --tee, --ledger, --budget, --by-model or --total");
	if (o->by_model && o->total_only)
		usage_error("--by-model and --total do not go together");
	if (o->list_providers && (argc > optind || o->list || o->provider || o->tee || o->ledger_path ||
	    o->has_budget || o->by_model || o->total_only || o->json || o->batch))
		usage_error("--list-providers goes with --prices only");
	/* Every provider's table is read. */
	if (o->list_providers)
		o->provider = "auto";
}

/* Finding the price table. */

static int
readable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * --prices, else $GPT_PRICES, else data/ of the source tree the program
 * was built in (so that an uninstalled ./gpt-cost uses its own tree's
 * table, not an older installed one), else the installed table.
 */
static char *
prices_path(const struct opts *o)
{
	const char *env = getenv("GPT_PRICES");
	char exe[PATH_MAX], *slash, *path;
	ssize_t n;

	if (o->prices)
		return xstrdup(o->prices);
	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/'))) {
			*slash = '\0';
			path = xmalloc(strlen(exe) + sizeof "/data/" PRICES_FILE);
			sprintf(path, "%s/data/%s", exe, PRICES_FILE);
			if (readable(path))
				return path;
			free(path);
		}
	}
	return xstrdup(GPT_DATADIR "/" PRICES_FILE);
}

static struct price_table *
load_table(const struct opts *o)
{
	struct gpt_err e = {0};
	char *path = prices_path(o);
	struct price_table *t = o->provider && strcmp(o->provider, "auto") == 0 ?
	    price_load_file(path, &e) : price_load_file_for(path, o->provider ? o->provider : "openai", &e);

	free(path);
	if (!t) {
		warnx("%s", e.msg);
		exit(GPT_EXIT_USAGE);
	}
	return t;
}

/* When items end differently, the highest status is the program's. */
static void
set_status(struct run *r, int status)
{
	if (status > r->status)
		r->status = status;
}

static void
report(struct run *r, const char *p, size_t n)
{
	if (!r->rep)
		return;
	if (fwrite(p, 1, n, r->rep) != n || fflush(r->rep) == EOF) {
		if (r->rep == stdout && errno == EPIPE) {
			r->out_gone = 1;
			return;
		}
		err(GPT_EXIT_IO, "%s", r->rep == stdout ? "stdout" : "stderr");
	}
}

/* Counting and reporting items. */

static struct cost_sum *
model_sum(struct run *r, const char *model)
{
	const char *m = model ? model : "-";

	for (size_t i = 0; i < r->nmodels; i++)
		if (strcmp(r->models[i].model, m) == 0)
			return &r->models[i];
	r->models = xrealloc(r->models, (r->nmodels + 1) * sizeof *r->models);
	memset(&r->models[r->nmodels], 0, sizeof *r->models);
	r->models[r->nmodels].model = xstrdup(m);
	return &r->models[r->nmodels++];
}

static void
sum_add(struct cost_sum *s, const struct cost_item *it)
{
	s->items++;
	if (!it->priced_as && !it->zero)
		s->unknown++;
	s->prompt += it->prompt;
	s->completion += it->completion;
	s->cost += it->cost.total;
}

static void
header(struct run *r)
{
	const char *h = report_header(r->o->by_model);

	if (r->fmt == REPORT_HUMAN && !r->header_done && !r->o->total_only)
		report(r, h, strlen(h));
	r->header_done = 1;
}

static void
record(struct run *r, struct cost_item *it)
{
	struct buf b;
	struct gpt_err e = {0};

	if (!it->priced_as) {
		if (r->o->unknown == UNKNOWN_SKIP)
			return;
		if (r->o->unknown == UNKNOWN_ZERO) {
			it->zero = 1;
		} else {
			warnx("%s:%lu: %s%s%s%s", r->in_name, it->line,
			    it->custom_id ? "custom_id " : "", it->custom_id ? it->custom_id : "",
			    it->custom_id ? ": " : "", it->why);
			set_status(r, GPT_EXIT_DATA);
		}
	}
	if (it->batch) {
		it->cost.input = money_half(it->cost.input);
		it->cost.output = money_half(it->cost.output);
		it->cost.total = money_half(it->cost.total);
	}
	sum_add(&r->total, it);
	if (r->o->by_model)
		sum_add(model_sum(r, it->model), it);
	buf_init(&b, (size_t)1 << 20);
	if (r->ledger) {
		report_item(&b, it, r->o->json ? REPORT_JSON : REPORT_TSV);
		if (ledger_append(r->ledger, b.data, b.len, &e) < 0) {
			warnx("%s", e.msg);
			exit(GPT_EXIT_IO);
		}
	}
	if (!r->o->total_only && !r->o->by_model) {
		header(r);
		report_item(&b, it, r->fmt);
		report(r, b.data, b.len);
	}
	buf_release(&b);
	if (r->o->has_budget && r->total.cost > r->o->budget)
		r->over_budget = 1;
}

/* The input's items. */

/* The keys looked up in every item, made once so that lookups allocate nothing. */
enum key {
	K_CACHED_TOKENS, K_COMPLETION_TOKENS, K_COMPLETION_DETAILS, K_CREATED, K_CUSTOM_ID, K_ID, K_MODEL,
	K_OBJECT, K_PROMPT_TOKENS, K_PROMPT_DETAILS, K_REASONING_TOKENS, K_USAGE, NKEYS
};
static const char *const key_names[NKEYS] = {
	"cached_tokens", "completion_tokens", "completion_tokens_details", "created", "custom_id", "id",
	"model", "object", "prompt_tokens", "prompt_tokens_details", "reasoning_tokens", "usage"
};
static jv keys[NKEYS];

static void
keys_init(void)
{
	for (int i = 0; i < NKEYS; i++)
		keys[i] = jv_string(key_names[i]);
}

static void
keys_release(void)
{
	for (int i = 0; i < NKEYS; i++)
		jv_free(keys[i]);
}

/* obj[key] (obj borrowed), a new reference; invalid when obj is no object. */
static jv
get(jv obj, enum key k)
{
	if (jv_get_kind(obj) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(obj), jv_copy(keys[k]));
}

/* A whole count for display; 0 when absent or odd (pricing checks it strictly). */
static long long
count_at(jv obj, enum key a, int b)
{
	jv v = get(obj, a);
	long long n = 0;

	if (b >= 0) {
		jv in = get(v, b);
		jv_free(v);
		v = in;
	}
	if (jv_get_kind(v) == JV_KIND_NUMBER && jv_number_value(v) >= 0 &&
	    jv_number_value(v) < 9007199254740992.0)
		n = (long long)jv_number_value(v);
	jv_free(v);
	return n;
}

static long long
item_time(const struct run *r, jv payload)
{
	jv created = get(payload, K_CREATED);
	long long ms = r->now_ms;

	if (r->o->date_ms >= 0)
		ms = r->o->date_ms;
	else if (jv_get_kind(created) == JV_KIND_NUMBER && jv_number_value(created) >= 0 &&
	    jv_number_value(created) < 1e13)
		ms = (long long)jv_number_value(created) * 1000;
	jv_free(created);
	return ms;
}

static const char *
place(const struct run *r, unsigned long line, const char *custom_id, char *buf, size_t n)
{
	snprintf(buf, n, "%s:%lu: %s%s%s", r->in_name, line, custom_id ? "custom_id " : "",
	    custom_id ? custom_id : "", custom_id ? ": " : "");
	return buf;
}

/*
 * Price one item and record it: its model (NULL when none) and usage
 * (borrowed; not an object when it has none), and the response
 * (borrowed) as the price table's extractor reads it.
 */
static void
bill_usage(struct run *r, const char *model, long long when_ms, jv response, jv usage,
    unsigned long number, unsigned long line, const char *custom_id, int batch)
{
	struct cost_item it;
	struct price_usage u;
	struct gpt_err e = {0};
	const struct price_model *m = NULL;
	const struct price_provider *prov = r->provider;
	char where[512];

	memset(&it, 0, sizeof it);
	it.number = number;
	it.line = line;
	it.custom_id = custom_id;
	it.batch = batch || r->o->batch;
	it.model = model;
	it.when_ms = when_ms;
	if (jv_get_kind(usage) != JV_KIND_OBJECT) {
		it.why = "no usage in the response: its cost is unknown";
	} else {
		it.has_tokens = 1;
		it.prompt = count_at(usage, K_PROMPT_TOKENS, -1);
		it.completion = count_at(usage, K_COMPLETION_TOKENS, -1);
		/* Only the JSON report shows these. */
		if (r->o->json || r->fmt == REPORT_JSON) {
			it.cached = count_at(usage, K_PROMPT_DETAILS, K_CACHED_TOKENS);
			it.reasoning = count_at(usage, K_COMPLETION_DETAILS, K_REASONING_TOKENS);
		}
		if (!it.model) {
			it.why = "no model in the response: its cost is unknown";
		} else {
			if (!prov)
				prov = price_provider_for_model(r->table, it.model);
			if (prov)
				m = price_find(r->table, prov, it.model);
			if (!m) {
				snprintf(it.whybuf, sizeof it.whybuf,
				    "model \"%s\" is not in the price table%s%s", it.model,
				    prov ? " of " : "", prov ? price_provider_id(prov) : "");
				it.why = it.whybuf;
			} else if (price_extract(r->table, prov, response, &u, &e) < 0 ||
			    price_cost(r->table, m, &u, it.when_ms, &it.cost, &e) < 0) {
				warnx("%s%s", place(r, line, custom_id, where, sizeof where), e.msg);
				set_status(r, GPT_EXIT_DATA);
				return;
			} else {
				it.priced_as = price_model_id(m);
			}
		}
	}
	it.provider = prov ? price_provider_id(prov) : NULL;
	record(r, &it);
}

/* Price one response or usage chunk (borrowed) and record it. */
static void
bill(struct run *r, jv payload, unsigned long number, unsigned long line, const char *custom_id,
    int batch)
{
	jv model = get(payload, K_MODEL), usage = get(payload, K_USAGE);

	bill_usage(r, jv_get_kind(model) == JV_KIND_STRING ? jv_string_value(model) : NULL,
	    item_time(r, payload), payload, usage, number, line, custom_id, batch);
	jv_free(model);
	jv_free(usage);
}

/* The end of a stream of chunks: without a usage chunk its cost is unknown. */
static void
stream_end(struct run *r)
{
	struct stream *s = &r->stream;

	if (s->id && !s->billed) {
		struct cost_item it;
		memset(&it, 0, sizeof it);
		it.number = s->number;
		it.line = s->line;
		it.custom_id = s->custom_id;
		it.model = s->model;
		it.provider = r->provider ? price_provider_id(r->provider) : NULL;
		it.when_ms = r->o->date_ms >= 0 ? r->o->date_ms : s->created_ms;
		it.why = "stream without usage (stream_options.include_usage): its cost is unknown";
		record(r, &it);
	}
	free(s->id);
	free(s->model);
	free(s->custom_id);
	memset(s, 0, sizeof *s);
}

static void
chunk(struct run *r, jv c, const struct jsonin_item *in)
{
	jv id = get(c, K_ID), usage = get(c, K_USAGE);
	const char *ids = jv_get_kind(id) == JV_KIND_STRING ? jv_string_value(id) : "";

	if (!r->stream.id || strcmp(r->stream.id, ids) != 0) {
		jv model = get(c, K_MODEL);
		stream_end(r);
		r->stream.id = xstrdup(ids);
		if (jv_get_kind(model) == JV_KIND_STRING)
			r->stream.model = xstrdup(jv_string_value(model));
		r->stream.number = in->number;
		r->stream.line = in->line;
		r->stream.created_ms = item_time(r, c);
		jv_free(model);
	}
	if (jv_get_kind(usage) == JV_KIND_OBJECT && !r->stream.billed) {
		r->stream.billed = 1;
		bill(r, c, in->number, in->line, NULL, 0);
	}
	jv_free(id);
	jv_free(usage);
}

static void
batch_line(struct run *r, jv v, const struct jsonin_item *in)
{
	jv payload = shape_payload(v), cid = shape_custom_id(v), id = get(v, K_ID);
	const char *custom_id = jv_is_valid(cid) ? jv_string_value(cid) : NULL;
	int discounted = jv_get_kind(id) == JV_KIND_STRING &&
	    strncmp(jv_string_value(id), "batch_req_", 10) == 0;
	char where[512];

	switch (shape_of(payload)) {
	case SHAPE_RESPONSE:
		bill(r, payload, in->number, in->line, custom_id, discounted);
		break;
	case SHAPE_ERROR:
		/* A failed request is not billed. */
		break;
	default:
		if (jv_get_kind(payload) != JV_KIND_NULL) {
			warnx("%sthe batch output line holds no chat completion",
			    place(r, in->line, custom_id, where, sizeof where));
			set_status(r, GPT_EXIT_DATA);
		}
		break;
	}
	jv_free(payload);
	jv_free(cid);
	jv_free(id);
}

/*
 * The item's shape: a response that says it is one is taken at its word,
 * which spares the per-item cost of the full check for the common case.
 */
static enum shape
item_shape(jv v)
{
	jv o = get(v, K_OBJECT), cid = get(v, K_CUSTOM_ID);
	enum shape s = SHAPE_UNKNOWN;

	/* shape_of looks at custom_id first: an item with one is left to it. */
	if (jv_get_kind(o) == JV_KIND_STRING && strcmp(jv_string_value(o), "chat.completion") == 0 &&
	    jv_get_kind(cid) != JV_KIND_STRING)
		s = SHAPE_RESPONSE;
	jv_free(o);
	jv_free(cid);
	return s == SHAPE_UNKNOWN ? shape_of(v) : s;
}

static void
item(struct run *r, jv v, const struct jsonin_item *in)
{
	enum shape s = item_shape(v);
	char where[512];

	if (s != SHAPE_CHUNK)
		stream_end(r);
	switch (s) {
	case SHAPE_RESPONSE:
		bill(r, v, in->number, in->line, NULL, 0);
		break;
	case SHAPE_CHUNK:
		chunk(r, v, in);
		break;
	case SHAPE_BATCH_OUT:
		batch_line(r, v, in);
		break;
	case SHAPE_REQUEST:
	case SHAPE_BATCH_IN:
	case SHAPE_ERROR:
		/* Requests cost nothing until sent; API errors are not billed. */
		break;
	default:
		warnx("%snot a chat completion, chunk or Batch API output line",
		    place(r, in->line, NULL, where, sizeof where));
		set_status(r, GPT_EXIT_DATA);
		break;
	}
}

/* Copy an item to stdout for --tee. */
static void
pass(struct run *r, const char *p, size_t n)
{
	if (r->out_gone)
		return;
	if (jsonout_write_raw(stdout, p, n) < 0) {
		if (errno == EPIPE) {
			r->out_gone = 1;
			return;
		}
		err(GPT_EXIT_IO, "stdout");
	}
}

static void
read_input(struct run *r, int fd, const char *name)
{
	struct jsonin *in = jsonin_new(fd, name, JSONIN_MAX_ITEM);
	const struct jsonin_item *it;
	struct gpt_err e = {0};
	jv v;
	int rc;

	r->in_name = name;
	while (!r->over_budget && !r->out_gone && (rc = jsonin_next(in, &v, &e)) != 0) {
		it = jsonin_last(in);
		if (rc == -2) {
			warnx("%s", e.msg);
			set_status(r, e.code);
			break;
		}
		if (r->o->tee)
			pass(r, it->raw, it->len);
		if (rc < 0) {
			warnx("%s", e.msg);
			set_status(r, GPT_EXIT_DATA);
			continue;
		}
		item(r, v, it);
		jv_free(v);
	}
	/* Past the budget nothing more is reported, not even a stream cut short. */
	if (r->over_budget)
		r->stream.billed = 1;
	stream_end(r);
	jsonin_free(in);
}

static void
read_inputs(struct run *r, int argc, char **argv)
{
	if (argc == 0) {
		read_input(r, STDIN_FILENO, "<stdin>");
		return;
	}
	for (int i = 0; i < argc && !r->over_budget && !r->out_gone; i++) {
		int fd;
		if (strcmp(argv[i], "-") == 0) {
			read_input(r, STDIN_FILENO, "<stdin>");
			continue;
		}
		if ((fd = open(argv[i], O_RDONLY | O_CLOEXEC)) < 0) {
			warn("%s", argv[i]);
			set_status(r, GPT_EXIT_USAGE);
			continue;
		}
		read_input(r, fd, argv[i]);
		close(fd);
	}
}

/* The end of the report: summaries, the total, the budget. */
static void
finish(struct run *r)
{
	struct buf b;
	char cost[64], budget[64];

	buf_init(&b, (size_t)1 << 20);
	if (r->o->by_model) {
		header(r);
		for (size_t i = 0; i < r->nmodels; i++) {
			report_sum(&b, &r->models[i], r->fmt, 0);
			report(r, b.data, b.len);
		}
		report_sum(&b, &r->total, r->fmt, 1);
	} else if (r->o->total_only && r->fmt != REPORT_JSON) {
		buf_reset(&b);
		buf_adds(&b, report_usd(r->total.cost, cost, sizeof cost));
		buf_addc(&b, '\n');
	} else {
		report_total(&b, &r->total, r->fmt);
	}
	report(r, b.data, b.len);
	buf_release(&b);
	if (r->total.unknown && r->o->unknown == UNKNOWN_ERROR)
		warnx("%lu item%s of unknown cost %s not in the total", r->total.unknown,
		    r->total.unknown == 1 ? "" : "s", r->total.unknown == 1 ? "is" : "are");
	if (r->over_budget) {
		warnx("over budget: $%s spent, the budget is $%s",
		    report_usd(r->total.cost, cost, sizeof cost), report_usd(r->o->budget, budget, sizeof budget));
		set_status(r, GPT_EXIT_BUDGET);
	}
}

/* --list: the provider's models and their prices per 1M tokens. */

static const char *const list_keys[] = {
	"input_mtok", "cache_read_mtok", "output_mtok", "input_audio_mtok", "output_audio_mtok"
};

static void
list_price(const struct price_model *m, long long when, const char *key, enum report_format fmt,
    struct buf *b)
{
	money base, p;
	size_t ntiers;
	long long start;
	char n[64], s[32];

	if (!price_of(m, when, key, &base, &ntiers)) {
		buf_adds(b, fmt == REPORT_JSON ? "null" : "-");
		return;
	}
	if (fmt == REPORT_JSON && ntiers) {
		buf_adds(b, "{\"base\":");
		buf_adds(b, money_format(base, 0, n, sizeof n));
		buf_adds(b, ",\"tiers\":[");
	} else {
		buf_adds(b, money_format(base, fmt == REPORT_JSON ? 0 : 2, n, sizeof n));
	}
	for (size_t i = 0; i < ntiers; i++) {
		price_tier(m, when, key, i, &start, &p);
		if (fmt == REPORT_JSON) {
			snprintf(s, sizeof s, "%s{\"start\":%lld,\"price\":", i ? "," : "", start);
			buf_adds(b, s);
			buf_adds(b, money_format(p, 0, n, sizeof n));
			buf_addc(b, '}');
		} else {
			snprintf(s, sizeof s, ";>%lld:", start);
			buf_adds(b, s);
			buf_adds(b, money_format(p, 2, n, sizeof n));
		}
	}
	if (fmt == REPORT_JSON && ntiers)
		buf_adds(b, "]}");
}

static int
list_wanted(const struct price_model *m, const char *pattern)
{
	const char *id = price_model_id(m);
	size_t n;

	if (!pattern)
		return 1;
	n = strlen(pattern);
	for (const char *p = id; *p; p++)
		if (strncasecmp(p, pattern, n) == 0)
			return 1;
	return price_model_matches(m, pattern);
}

static void
list(struct run *r, const char *pattern)
{
	const struct price_provider *p = r->provider;
	long long when = r->o->date_ms >= 0 ? r->o->date_ms : r->now_ms;
	struct buf b;

	if (!p && pattern)
		p = price_provider_for_model(r->table, pattern);
	if (!p)
		p = price_provider(r->table, "openai");
	if (!p)
		errx(GPT_EXIT_USAGE, "--list: no provider openai in the price table; use --provider");
	buf_init(&b, (size_t)1 << 20);
	if (r->fmt == REPORT_HUMAN)
		report(r, "MODEL (USD per 1M tokens)   INPUT  CACHED_INPUT  OUTPUT  AUDIO_INPUT  AUDIO_OUTPUT\n", 86);
	for (size_t i = 0; i < price_model_count(p) && !r->out_gone; i++) {
		const struct price_model *m = price_model_at(p, i);
		if (!list_wanted(m, pattern))
			continue;
		buf_reset(&b);
		if (r->fmt == REPORT_JSON) {
			buf_adds(&b, "{\"provider\":");
			report_json_str(&b, price_provider_id(p));
			buf_adds(&b, ",\"model\":");
			report_json_str(&b, price_model_id(m));
			buf_adds(&b, ",\"name\":");
			report_json_str(&b, price_model_name(m));
			for (size_t k = 0; k < sizeof list_keys / sizeof list_keys[0]; k++) {
				report_json_key(&b, list_keys[k]);
				list_price(m, when, list_keys[k], REPORT_JSON, &b);
			}
			buf_adds(&b, "}\n");
		} else {
			report_tsv_field(&b, price_model_id(m));
			for (size_t k = 0; k < sizeof list_keys / sizeof list_keys[0]; k++) {
				buf_addc(&b, '\t');
				list_price(m, when, list_keys[k], REPORT_TSV, &b);
			}
			buf_addc(&b, '\n');
		}
		report(r, b.data, b.len);
	}
	buf_release(&b);
}

/* --list-providers: the ids --provider takes, one a line. */
static void
list_providers(struct run *r)
{
	const struct price_table *t = r->table;

	for (size_t i = 0; i < price_provider_count(t) && !r->out_gone; i++) {
		const char *id = price_provider_id(price_provider_at(t, i));
		report(r, id, strlen(id));
		report(r, "\n", 1);
	}
}

/* Setting up. */

static void
setup(struct run *r, struct opts *o)
{
	struct gpt_err e = {0};
	struct timespec ts;

	r->o = o;
	r->table = load_table(o);
	if (!o->provider || strcmp(o->provider, "auto") != 0) {
		r->provider = price_provider(r->table, o->provider ? o->provider : "openai");
		if (!r->provider)
			usage_error("--provider: no provider %s in the price table",
			    o->provider ? o->provider : "openai");
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	r->now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	/* With --tee the report goes to stderr, or to the ledger alone when there is one. */
	r->rep = !o->tee ? stdout : o->ledger_path ? NULL : stderr;
	r->fmt = o->json ? REPORT_JSON : r->rep && isatty(fileno(r->rep)) ? REPORT_HUMAN : REPORT_TSV;
	if (o->list && o->json)
		r->fmt = REPORT_JSON;
	if (o->ledger_path && !(r->ledger = ledger_open(o->ledger_path, &e))) {
		warnx("%s", e.msg);
		exit(GPT_EXIT_IO);
	}
}

static void
teardown(struct run *r)
{
	struct gpt_err e = {0};

	if (ledger_close(r->ledger, &e) < 0) {
		warnx("%s", e.msg);
		set_status(r, GPT_EXIT_IO);
	}
	for (size_t i = 0; i < r->nmodels; i++)
		free(r->models[i].model);
	free(r->models);
	price_free(r->table);
	switch (out_close(stdout, "stdout", &e)) {
	case -1:
		warnx("%s", e.msg);
		set_status(r, GPT_EXIT_IO);
		break;
	default:
		break;
	}
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct run r;

	xalloc_init();
	signal(SIGPIPE, SIG_IGN);
	parse_opts(argc, argv, &o);
	keys_init();
	memset(&r, 0, sizeof r);
	setup(&r, &o);
	if (o.list_providers) {
		list_providers(&r);
	} else if (o.list) {
		list(&r, optind < argc ? argv[optind] : NULL);
	} else {
		read_inputs(&r, argc - optind, argv + optind);
		if (!r.out_gone)
			finish(&r);
	}
	teardown(&r);
	keys_release();
	return r.status;
}
