/*
 * gpt-send: POST each Chat Completions request read from the input to the
 * API and write each answer as one JSON line.  Batch API input lines get
 * Batch API output lines.  Retries, timeouts, streaming and the rules on
 * keys and URLs are those of RELIABILITY.md.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jv.h>

#include "apikey.h"
#include "batchout.h"
#include "buf.h"
#include "exitcode.h"
#include "http.h"
#include "idscan.h"
#include "jsonin.h"
#include "jsonout.h"
#include "num.h"
#include "outfile.h"
#include "progress.h"
#include "ratelimit.h"
#include "redact.h"
#include "request.h"
#include "retry.h"
#include "shape.h"
#include "sse.h"
#include "url.h"
#include "version.h"
#include "xalloc.h"

#define DEFAULT_BASE_URL "https://api.openai.com/v1"
#define CHAT_PATH "/chat/completions"
#define DEFAULT_MAX_BYTES ((size_t)64 << 20)
#define DEFAULT_CONNECT_TIMEOUT 5.0
#define DEFAULT_TIMEOUT 600.0
#define DEFAULT_IDLE_TIMEOUT 300.0

struct opts {
	const char *model;
	const char *base_url;
	const char *key_file;
	const char *output;
	double connect_timeout;   /* seconds */
	double timeout;           /* seconds; < 0: the defaults */
	long long retries;
	long long parallel;       /* -P: requests in flight at once */
	const char *resume;       /* --resume: an earlier output file */
	size_t max_bytes;
	double rpm, tpm;          /* --rpm, --tpm: 0 for no cap */
	int dry_run, progress, quiet, stream, unordered, verbose;
};

/* What holds for the whole run. */
struct run {
	struct opts o;
	char *key;                /* NULL only for --dry-run */
	char *url;
	struct http *http;
	struct http_xfer *xfer;   /* one transfer slot, reused for every request */
	FILE *out;
	struct outfile outfile;
	jv seen_ids;              /* custom_ids met so far, as object keys */
	jv done_ids;              /* custom_ids answered in the --resume file */
	struct buf *capture;      /* with -P: where an item's output waits its turn */
	uint64_t rng;
	struct ratelimit rl;      /* when the next request may start */
	struct progress prog;
	double start;             /* monotonic time the run began */
	double last_progress;     /* when the progress line was last written */
	int progress_tty;         /* rewrite a progress line on the terminal */
	int progress_shown;       /* that line is on the screen, unfinished */
	unsigned long nitems;     /* the input position of the item read last */
	int status;               /* the worst exit code so far */
	int out_gone;             /* the output failed or its reader has gone */
	int out_errno;            /* why, when a write failed */
};

/* One input item. */
struct item {
	char where[128];          /* "<stdin>:3" or "<stdin>:3 (custom_id)" */
	struct request req;       /* what is sent */
	double cost;              /* its token estimate, for the pacing */
};

/* One attempt at sending an item: what the response callbacks gather. */
struct attempt {
	struct run *r;
	struct item *it;
	struct buf body;          /* a body that is not a stream */
	struct sse *sse;          /* set once a 2xx event stream begins */
	int began;                /* a chunk reached the output */
	int done;                 /* "data: [DONE]" arrived */
	int api_error;            /* an error event, written to the output */
	int bad_data;             /* an event whose data is not JSON */
	int write_failed;
	char errmsg[512];
};

/* Set by a first SIGINT: send nothing more.  aborted: stop the transfers too. */
static volatile sig_atomic_t interrupted, aborted;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: gpt-send [-qSv] [-m model] [-o file] [-P n] [--api-key-file file]\n"
	    "                [--base-url url] [--connect-timeout secs] [--dry-run]\n"
	    "                [--max-bytes n] [--progress] [--resume file] [--retries n]\n"
	    "                [--rpm n] [--timeout secs] [--tpm n] [--unordered]\n"
	    "                [file ...]\n"
	    "\n"
	    "POST each Chat Completions request (or Batch API input line) read from\n"
	    "the files or stdin, and write each response as one JSON line.\n"
	    "\n"
	    "      --api-key-file file    read the API key from file\n"
	    "      --base-url url         the API's base URL (default $OPENAI_BASE_URL,\n"
	    "                             else " DEFAULT_BASE_URL ")\n"
	    "      --connect-timeout secs give up connecting after secs (default 5)\n"
	    "      --dry-run              print what would be sent, send nothing\n"
	    "      --help                 print this help and exit\n"
	    "  -m, --model model          set the model of every request\n"
	    "      --max-bytes n          refuse a response over n bytes (default 64 MiB)\n"
	    "  -o, --output file          write to file instead of stdout\n"
	    "  -P, --parallel n           keep n requests in flight, output in order\n"
	    "      --progress             print a progress line on stderr every second\n"
	    "  -q, --quiet                print no error line on stderr\n"
	    "      --resume file          skip batch lines answered in file\n"
	    "      --retries n            retry a failed request n times (default 2)\n"
	    "      --rpm n                send at most n requests a minute\n"
	    "  -S, --stream               stream the answer, one chunk per line\n"
	    "      --timeout secs         limit a request to secs (default 600), or\n"
	    "                             a stream to secs without data (default 300)\n"
	    "      --tpm n                send at most about n tokens a minute\n"
	    "      --unordered            with -P, write each answer as it arrives\n"
	    "  -v, --verbose              trace the HTTP exchange on stderr\n"
	    "      --version              print the version and exit\n");
}

static void
bad_usage(const char *fmt, const char *arg, const char *why)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg, why);
	warnx("%s", msg);
	fprintf(stderr, "Try 'gpt-send --help' for more information.\n");
	exit(GPT_EXIT_USAGE);
}

/* An unknown option, or one without its argument (c is ':'). */
static void
bad_option(int c, char **argv)
{
	char opt[3] = { '-', (char)optopt, '\0' };
	const char *arg = argv[optind - 1];

	bad_usage("%s: %s", strncmp(arg, "--", 2) == 0 ? arg : opt,
	    c == ':' ? "missing argument" : "unknown option");
}

/* ---- small helpers ---- */

static void
worse(struct run *r, int code)
{
	if (code > r->status)
		r->status = code;
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Make room on stderr for a message: clear an unfinished progress line. */
static void
progress_clear(struct run *r)
{
	if (r->progress_shown)
		fputs("\r\033[K", stderr);
	r->progress_shown = 0;
}

/*
 * The progress line: on a terminal rewritten in place (from the second
 * second of the run on, so that a single quick request shows nothing),
 * with --progress a plain line every second; both at the end (last).
 */
static void
progress_tick(struct run *r, int last)
{
	char line[160];
	double now;

	if (!r->o.progress && !r->progress_tty)
		return;
	now = mono();
	if (!last && (now - r->last_progress < (r->o.progress ? 1.0 : 0.1) ||
	    (!r->o.progress && now - r->start < 1.0)))
		return;
	if (last && !r->o.progress && !r->progress_shown)
		return;
	r->last_progress = now;
	progress_format(&r->prog, now - r->start, line, sizeof(line));
	if (r->o.progress)
		fprintf(stderr, "gpt-send: %s\n", line);
	else {
		fprintf(stderr, "\r%s\033[K%s", line, last ? "\n" : "");
		r->progress_shown = !last;
	}
	fflush(stderr);
}

/* A diagnostic about an item, unless -q. */
static void
item_warn(struct run *r, const struct item *it, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
item_warn(struct run *r, const struct item *it, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (r->o.quiet)
		return;
	progress_clear(r);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warnx("%s: %s", it->where, msg);
}

/* xorshift64*: jitter and batch ids need no more than this. */
static uint64_t
rng_next(struct run *r)
{
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return r->rng * UINT64_C(2685821657736338717);
}

static double
rng_unit(struct run *r)
{
	return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

static void
rng_seed(struct run *r)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, &r->rng, sizeof(r->rng)) != sizeof(r->rng))
		r->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (fd >= 0)
		close(fd);
	if (r->rng == 0)
		r->rng = 1;
}

/* " (request ID)" when the answer named one, else "". */
static const char *
request_note(const struct http_resp *resp, char *buf, size_t n)
{
	if (resp->request_id == NULL)
		return "";
	snprintf(buf, n, " (request %s)", resp->request_id);
	return buf;
}

/* ---- the output ---- */

static void
write_line(struct run *r, jv v)
{
	jv text;

	if (r->out_gone) {
		jv_free(v);
		return;
	}
	if (r->capture != NULL) {
		text = jv_dump_string(v, 0);
		buf_adds(r->capture, jv_string_value(text));
		buf_addc(r->capture, '\n');
		jv_free(text);
		return;
	}
	if (jsonout_write(r->out, v) < 0) {
		/* Reported once, by finish(); nothing more can be written. */
		r->out_gone = 1;
		r->out_errno = errno;
	}
}

/* A Batch API output line with an HTTP answer (body consumed). */
static jv
batch_answer(struct run *r, const struct item *it, long status,
    const struct http_resp *resp, jv body)
{
	char id[48];

	batchout_id(id, sizeof(id), rng_next(r), rng_next(r));
	return batchout_answer(id, jv_copy(it->req.custom_id), status,
	    resp->request_id, body);
}

/* An item ends without a usable answer: report it, and for a batch line say so on the output. */
static void
fail_item(struct run *r, const struct item *it, int code, const char *batch_code,
    const char *msg)
{
	char id[48];

	item_warn(r, it, "%s", msg);
	r->prog.errors++;
	if (jv_is_valid(it->req.custom_id)) {
		batchout_id(id, sizeof(id), rng_next(r), rng_next(r));
		write_line(r, batchout_failure(id, jv_copy(it->req.custom_id), batch_code, msg));
	}
	worse(r, code);
}

/* ---- the request ---- */

/*
 * Check item v (consumed) and make the body to send into it->req.
 * Returns 0, or -1 when the item was refused (reported, nothing sent).
 */
static int
prepare(struct run *r, struct item *it, jv v)
{
	struct gpt_err err;
	size_t n = strlen(it->where);
	int rc = request_prepare(v, r->o.model, r->o.stream, &it->req, &err);
	int batch;

	/* With -P, a bare request is numbered and answered as a batch line. */
	if (!jv_is_valid(it->req.custom_id) && r->o.parallel > 1 && !r->o.stream)
		it->req.custom_id = jv_string_fmt("request-%lu", r->nitems);
	if ((batch = jv_is_valid(it->req.custom_id)))
		snprintf(it->where + n, sizeof(it->where) - n, " (%s)",
		    jv_string_value(it->req.custom_id));
	if (rc < 0) {
		fail_item(r, it, err.code, it->req.fail_code, err.msg);
		return -1;
	}
	it->cost = r->o.tpm > 0 ? ratelimit_estimate(it->req.body, strlen(it->req.body)) :
	    (double)strlen(it->req.body) / 4;
	if (!batch)
		return 0;
	if (jv_object_has(jv_copy(r->done_ids), jv_copy(it->req.custom_id))) {
		if (r->o.verbose)
			item_warn(r, it, "answered in %s: not sent again", r->o.resume);
		r->seen_ids = jv_object_set(r->seen_ids, jv_copy(it->req.custom_id), jv_true());
		return -1;
	}
	if (jv_object_has(jv_copy(r->seen_ids), jv_copy(it->req.custom_id))) {
		fail_item(r, it, GPT_EXIT_DATA, "duplicate_custom_id",
		    "duplicate custom_id: not sent");
		return -1;
	}
	r->seen_ids = jv_object_set(r->seen_ids, jv_copy(it->req.custom_id), jv_true());
	return 0;
}

/* The request headers of one attempt (caller frees the list). */
static struct curl_slist *
make_headers(const struct run *r, const struct item *it, int retry_count, int redacted)
{
	struct curl_slist *h = NULL;
	const char *org = getenv("OPENAI_ORG_ID"), *proj = getenv("OPENAI_PROJECT_ID");
	char line[1024 + 64];
	size_t n;
	char *auth;

	if (redacted)
		h = curl_slist_append(h, r->key != NULL ?
		    "Authorization: Bearer " REDACTED : "Authorization: (absent: no API key)");
	else {
		n = strlen(r->key) + sizeof("Authorization: Bearer ");
		auth = xmalloc(n);
		snprintf(auth, n, "Authorization: Bearer %s", r->key);
		h = curl_slist_append(h, auth);
		/* The list holds a copy; wipe ours. */
		memset(auth, 0, n);
		free(auth);
	}
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, it->req.stream ? "Accept: text/event-stream" :
	    "Accept: application/json");
	h = curl_slist_append(h, "User-Agent: gpt-tools/" GPT_VERSION);
	if (org != NULL && *org != '\0' && strpbrk(org, "\r\n") == NULL) {
		snprintf(line, sizeof(line), "OpenAI-Organization: %.1000s", org);
		h = curl_slist_append(h, line);
	}
	if (proj != NULL && *proj != '\0' && strpbrk(proj, "\r\n") == NULL) {
		snprintf(line, sizeof(line), "OpenAI-Project: %.1000s", proj);
		h = curl_slist_append(h, line);
	}
	snprintf(line, sizeof(line), "X-Stainless-Retry-Count: %d", retry_count);
	h = curl_slist_append(h, line);
	if (!redacted)
		h = curl_slist_append(h, "Expect:");  /* no 100-continue round trip */
	return h;
}

static void
dry_run(struct run *r, const struct item *it)
{
	struct curl_slist *h = make_headers(r, it, 0, 1), *p;

	if (!r->out_gone) {
		fprintf(r->out, "POST %s\n", r->url);
		for (p = h; p != NULL; p = p->next)
			fprintf(r->out, "%s\n", p->data);
		fprintf(r->out, "\n");
		if (jsonout_write_raw(r->out, it->req.body, strlen(it->req.body)) < 0) {
			r->out_gone = 1;
			r->out_errno = errno;
		}
	}
	curl_slist_free_all(h);
}

/* ---- the answer ---- */

/* Add the usage.total_tokens of answer v (borrowed) to the progress. */
static void
count_tokens(struct run *r, jv v)
{
	jv u, t;

	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return;
	u = jv_object_get(jv_copy(v), jv_string("usage"));
	if (jv_get_kind(u) == JV_KIND_OBJECT) {
		t = jv_object_get(u, jv_string("total_tokens"));
		if (jv_get_kind(t) == JV_KIND_NUMBER && jv_number_value(t) > 0 &&
		    jv_number_value(t) < 1e15)
			r->prog.tokens += (unsigned long long)jv_number_value(t);
		jv_free(t);
	} else
		jv_free(u);
}

static int
on_event(void *arg, const char *event, const char *data, size_t len)
{
	struct attempt *a = arg;
	struct gpt_err err;
	jv v, e;

	if (a->done)
		return 0;
	switch (sse_classify(event, data, len)) {
	case SSE_DONE:
		a->done = 1;
		return 0;
	case SSE_ERROR:
		a->api_error = 1;
		break;
	case SSE_DATA:
		break;
	}
	if (json_parse_one(data, len, "event", &v, &err) < 0) {
		if (a->api_error)
			snprintf(a->errmsg, sizeof(a->errmsg), "(its data is not JSON)");
		else
			a->bad_data = 1;
		return 1;
	}
	e = apierr_object(v);
	if (jv_is_valid(e) || a->api_error) {
		a->api_error = 1;
		apierr_describe(v, a->errmsg, sizeof(a->errmsg));
		jv_free(e);
		write_line(a->r, v);
		return 1;
	}
	count_tokens(a->r, v);
	write_line(a->r, v);
	a->began = 1;
	if (a->r->out_gone) {
		a->write_failed = 1;
		return 1;
	}
	return 0;
}

static int
on_body(void *arg, const char *p, size_t n, struct http_resp *resp)
{
	struct attempt *a = arg;
	struct gpt_err err;
	int rc;

	if (a->sse == NULL && a->body.len == 0 && a->it->req.stream &&
	    resp->status >= 200 && resp->status < 300 && resp->content_type != NULL &&
	    strncasecmp(resp->content_type, "text/event-stream", 17) == 0)
		a->sse = sse_new(a->r->o.max_bytes);
	if (a->sse == NULL)
		return buf_add(&a->body, p, n);
	rc = sse_feed(a->sse, p, n, on_event, a, &err);
	if (rc == -1) {
		a->bad_data = 1;
		snprintf(a->errmsg, sizeof(a->errmsg), "%s", err.msg);
	}
	return rc;
}

static void
attempt_release(struct attempt *a)
{
	buf_release(&a->body);
	sse_free(a->sse);
	a->sse = NULL;
}

/* Conclude a streamed answer: [DONE], an error event, bad data, or an early end. */
static void
settle_stream(struct run *r, struct item *it, struct attempt *a, struct http_resp *resp)
{
	char note[300];

	if (a->write_failed)
		return;
	if (a->api_error) {
		r->prog.errors++;
		item_warn(r, it, "stream error %s%s", a->errmsg,
		    request_note(resp, note, sizeof(note)));
		worse(r, GPT_EXIT_API);
	} else if (a->bad_data)
		fail_item(r, it, GPT_EXIT_NOANSWER, "invalid_response",
		    a->errmsg[0] != '\0' ? a->errmsg : "stream event data is not JSON");
	else if (!a->done)
		fail_item(r, it, GPT_EXIT_NOANSWER, "incomplete_stream",
		    resp->fail == HTTP_DONE ? "stream ended without [DONE]" : resp->errmsg);
}

/*
 * Conclude an attempt that got a complete answer that is not a stream.
 * Returns 1 when the item is settled; 0 when the answer is an error that
 * may be retried, with *errbody set to its JSON body (or invalid when the
 * body is not JSON).
 */
static int
settle_answer(struct run *r, struct item *it, struct attempt *a,
    struct http_resp *resp, jv *errbody)
{
	struct gpt_err err;
	char msg[1024], note[300];
	jv v, e;

	*errbody = jv_invalid();
	if (resp->status >= 300 && resp->status < 400) {
		snprintf(msg, sizeof(msg), "HTTP %ld: redirect%s%s not followed",
		    resp->status, resp->location ? " to " : "",
		    resp->location ? resp->location : "");
		fail_item(r, it, GPT_EXIT_NOANSWER, "redirect", msg);
		return 1;
	}
	if (json_parse_one(a->body.data ? a->body.data : "", a->body.len, "body", &v, &err) < 0) {
		if (resp->status >= 300)
			return 0;
		snprintf(msg, sizeof(msg), "HTTP %ld: response body is not JSON%s",
		    resp->status, request_note(resp, note, sizeof(note)));
		fail_item(r, it, GPT_EXIT_NOANSWER, "invalid_response", msg);
		return 1;
	}
	e = apierr_object(v);
	if (resp->status < 300 && !jv_is_valid(e)) {
		jv_free(e);
		count_tokens(r, v);
		if (jv_is_valid(it->req.custom_id))
			v = batch_answer(r, it, resp->status, resp, v);
		write_line(r, v);
		return 1;
	}
	jv_free(e);
	*errbody = v;
	return 0;
}

/* Report a final API error (body consumed). */
static void
api_error(struct run *r, struct item *it, struct http_resp *resp, jv body, const char *extra)
{
	char msg[1024], note[300];

	apierr_describe(body, msg, sizeof(msg));
	r->prog.errors++;
	item_warn(r, it, "HTTP %ld %s%s%s", resp->status, msg,
	    request_note(resp, note, sizeof(note)), extra);
	if (jv_is_valid(it->req.custom_id))
		body = batch_answer(r, it, resp->status, resp, body);
	write_line(r, body);
	worse(r, GPT_EXIT_API);
}

/* The final outcome of an attempt that will not be retried. */
static void
give_up(struct run *r, struct item *it, struct http_resp *resp, jv errbody,
    enum retry_verdict verdict, double delay)
{
	char extra[128], msg[512];

	extra[0] = '\0';
	if (verdict == RETRY_TOO_LONG)
		snprintf(extra, sizeof(extra),
		    " (the server asks to wait %.0f s: not retried)", delay);
	if (resp->fail != HTTP_DONE)
		fail_item(r, it, GPT_EXIT_NOANSWER,
		    resp->timed_out ? "timeout" : "connection_error", resp->errmsg);
	else if (jv_is_valid(errbody))
		api_error(r, it, resp, errbody, extra);
	else {
		snprintf(msg, sizeof(msg), "HTTP %ld: response body is not JSON%s",
		    resp->status, extra);
		fail_item(r, it, GPT_EXIT_NOANSWER, "invalid_response", msg);
	}
}

static void
sleep_for(double secs)
{
	struct timespec ts;

	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !interrupted)
		;
}

/* Make ready for an attempt on x: callbacks' state, headers, timeouts. */
static void
attempt_begin(struct run *r, struct item *it, struct http_xfer *x, int retries_done,
    struct attempt *a, struct curl_slist **hdrs)
{
	double t = r->o.timeout;

	memset(a, 0, sizeof(*a));
	a->r = r;
	a->it = it;
	buf_init(&a->body, r->o.max_bytes);
	*hdrs = make_headers(r, it, retries_done, 0);
	if (it->req.stream)
		http_xfer_set_timeouts(x, 0, (long)((t > 0 ? t : DEFAULT_IDLE_TIMEOUT) * 1000));
	else
		http_xfer_set_timeouts(x, (long)((t > 0 ? t : DEFAULT_TIMEOUT) * 1000), 0);
}

/*
 * Conclude an attempt whose transfer is over.  Returns 1 when the item is
 * settled, else 0 with *rin describing the attempt for the retry rules
 * and *errbody holding the error body (or invalid); hold[0..1] keep the
 * strings of rin alive until freed.
 */
static int
attempt_end(struct run *r, struct item *it, struct attempt *a, int retries_done,
    struct http_resp *resp, struct retry_in *rin, jv *errbody, jv *hold)
{
	int settled = 0;

	*errbody = hold[0] = hold[1] = jv_invalid();
	if (a->sse != NULL && (a->done || a->api_error || a->bad_data ||
	    a->write_failed || a->began || resp->fail == HTTP_DONE)) {
		/* Once a chunk went out, the item is never sent again. */
		settle_stream(r, it, a, resp);
		settled = 1;
	} else if (resp->fail == HTTP_CANCELLED) {
		fail_item(r, it, GPT_EXIT_NOANSWER, "interrupted", "interrupted");
		settled = 1;
	} else if (resp->fail == HTTP_TOO_BIG || resp->fail == HTTP_STOPPED) {
		fail_item(r, it, GPT_EXIT_NOANSWER, "response_too_large", resp->errmsg);
		settled = 1;
	} else if (resp->fail == HTTP_DONE)
		settled = settle_answer(r, it, a, resp, errbody);
	attempt_release(a);
	if (settled)
		return 1;

	memset(rin, 0, sizeof(*rin));
	if (resp->fail == HTTP_DONE) {
		rin->status = resp->status;
		rin->should_retry = resp->should_retry;
		rin->retry_after_ms = resp->retry_after_ms;
		rin->retry_after = resp->retry_after;
		apierr_code_type(*errbody, &rin->error_code, &rin->error_type,
		    &hold[0], &hold[1]);
	} else
		rin->transient = resp->fail == HTTP_TRANSIENT;
	rin->retries_done = retries_done;
	rin->max_retries = (int)r->o.retries;
	rin->now = time(NULL);
	rin->random = rng_unit(r);
	return 0;
}

/*
 * After attempt n did not settle the item: the delay before the next
 * attempt, or -1 when the item was given up (and reported).  Consumes
 * errbody and hold.
 */
static double
next_attempt(struct run *r, struct item *it, int n, struct http_resp *resp,
    struct retry_in *rin, jv errbody, jv *hold)
{
	enum retry_verdict verdict;
	double delay;

	verdict = retry_decide(rin, &delay);
	jv_free(hold[0]);
	jv_free(hold[1]);
	if (verdict == RETRY_YES && !interrupted) {
		if (r->o.verbose) {
			if (resp->fail == HTTP_DONE)
				snprintf(resp->errmsg, sizeof(resp->errmsg), "HTTP %ld", resp->status);
			item_warn(r, it, "%s: retry %d of %lld in %.3f s", resp->errmsg,
			    n + 1, r->o.retries, delay);
		}
		jv_free(errbody);
		r->prog.retries++;
		return delay;
	}
	if (verdict == RETRY_YES) {
		jv_free(errbody);
		fail_item(r, it, GPT_EXIT_NOANSWER, "interrupted", "interrupted");
	} else
		give_up(r, it, resp, errbody, verdict, delay);
	return -1;
}

/*
 * What an answer says about the server's limits, for the pacing of the
 * run; delay is the wait before a 429's retry when the whole run should
 * share it.
 */
static void
learn(struct run *r, const struct item *it, const struct http_resp *resp, double delay)
{
	struct ratelimit_answer ra;

	memset(&ra, 0, sizeof(ra));
	ra.status = resp->fail == HTTP_DONE ? resp->status : 0;
	ra.retry_delay = delay;
	ra.remaining_requests = resp->rl_remaining_requests;
	ra.remaining_tokens = resp->rl_remaining_tokens;
	ra.reset_requests = resp->rl_reset_requests;
	ra.reset_tokens = resp->rl_reset_tokens;
	ra.cost = it->cost;
	ratelimit_answer(&r->rl, &ra, mono());
}

/* Wait until the rate limits let item it go, and count it as sent. */
static void
pace(struct run *r, const struct item *it)
{
	double now = mono(), t = ratelimit_ready(&r->rl, 0, it->cost, now);

	if (t > now)
		sleep_for(t - now);
	ratelimit_take(&r->rl, it->cost, mono());
}

/* Send one prepared item, retrying as the rules allow, and write its outcome. */
static void
send_item(struct run *r, struct item *it)
{
	struct http_resp resp;
	struct retry_in rin;
	struct attempt a;
	struct curl_slist *hdrs;
	struct gpt_err err;
	jv errbody, hold[2];
	double delay;
	int n, rc;

	http_resp_init(&resp);
	for (n = 0; ; n++) {
		pace(r, it);
		if (interrupted) {
			fail_item(r, it, GPT_EXIT_NOANSWER, "interrupted", "interrupted");
			break;
		}
		attempt_begin(r, it, r->xfer, n, &a, &hdrs);
		rc = http_post(r->xfer, r->url, hdrs, it->req.body, strlen(it->req.body),
		    on_body, &a, &resp, &err);
		curl_slist_free_all(hdrs);
		if (rc < 0) {
			attempt_release(&a);
			fail_item(r, it, err.code, "internal_error", err.msg);
			break;
		}
		/* This item sleeps out its own 429's delay: no shared pause. */
		learn(r, it, &resp, 0);
		if (attempt_end(r, it, &a, n, &resp, &rin, &errbody, hold))
			break;
		if ((delay = next_attempt(r, it, n, &resp, &rin, errbody, hold)) < 0)
			break;
		sleep_for(delay);
		if (interrupted) {
			fail_item(r, it, GPT_EXIT_NOANSWER, "interrupted", "interrupted");
			break;
		}
	}
	http_resp_release(&resp);
}

/* ---- the run ---- */

static void
trace(void *arg, enum http_trace_kind kind, const char *text, size_t n)
{
	const struct run *r = arg;
	const char *prefix = kind == HTTP_TRACE_HEADER_OUT ? "> " :
	    kind == HTTP_TRACE_HEADER_IN ? "< " : "* ";
	size_t len, i, start;
	char *s = redact(text, n, r->key, &len);

	for (start = i = 0; i < len; i++)
		if (s[i] == '\n' || i + 1 == len) {
			size_t end = s[i] == '\n' ? i : i + 1;

			if (end > start && s[end - 1] == '\r')
				end--;
			if (end > start)
				fprintf(stderr, "%s%.*s\n", prefix, (int)(end - start), s + start);
			start = i + 1;
		}
	free(s);
}

/*
 * A first SIGINT stops the sending and lets what is in flight finish; a
 * second one, or SIGTERM, stops the transfers too.
 */
static void
on_signal(int sig)
{
	if (sig != SIGINT || interrupted)
		aborted = 1;
	interrupted = 1;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	enum { OPT_API_KEY_FILE = 256, OPT_BASE_URL, OPT_CONNECT_TIMEOUT, OPT_DRY_RUN,
	    OPT_HELP, OPT_MAX_BYTES, OPT_PROGRESS, OPT_RESUME, OPT_RETRIES, OPT_RPM,
	    OPT_TIMEOUT, OPT_TPM, OPT_UNORDERED, OPT_VERSION };
	static const struct option longopts[] = {
		{ "api-key-file", required_argument, NULL, OPT_API_KEY_FILE },
		{ "base-url", required_argument, NULL, OPT_BASE_URL },
		{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
		{ "model", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "resume", required_argument, NULL, OPT_RESUME },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "rpm", required_argument, NULL, OPT_RPM },
		{ "stream", no_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "tpm", required_argument, NULL, OPT_TPM },
		{ "unordered", no_argument, NULL, OPT_UNORDERED },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *why;
	long long n;
	int c;

	memset(o, 0, sizeof(*o));
	o->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
	o->timeout = -1;
	o->retries = RETRY_DEFAULT;
	o->parallel = 1;
	o->max_bytes = DEFAULT_MAX_BYTES;
	/* Our own messages: getopt's would name the program by its path. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:o:P:qSv", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_API_KEY_FILE:
			o->key_file = optarg;
			break;
		case OPT_BASE_URL:
			o->base_url = optarg;
			break;
		case OPT_CONNECT_TIMEOUT:
			if ((why = num_parse_double(optarg, 0.001, 1e6, &o->connect_timeout)) != NULL)
				bad_usage("--connect-timeout %s: %s", optarg, why);
			break;
		case OPT_DRY_RUN:
			o->dry_run = 1;
			break;
		case OPT_HELP:
			usage(stdout);
			exit(fflush(stdout) == EOF ? GPT_EXIT_IO : GPT_EXIT_OK);
		case OPT_MAX_BYTES:
			if ((why = num_parse_ll(optarg, 1, (long long)1 << 40, &n)) != NULL)
				bad_usage("--max-bytes %s: %s", optarg, why);
			o->max_bytes = (size_t)n;
			break;
		case 'm':
			if (*optarg == '\0')
				bad_usage("--model: %s%s", "", "empty model name");
			o->model = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'P':
			if ((why = num_parse_ll(optarg, 1, 1000, &o->parallel)) != NULL)
				bad_usage("--parallel %s: %s", optarg, why);
			break;
		case OPT_PROGRESS:
			o->progress = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case OPT_RESUME:
			o->resume = optarg;
			break;
		case OPT_RETRIES:
			if ((why = num_parse_ll(optarg, 0, 100, &o->retries)) != NULL)
				bad_usage("--retries %s: %s", optarg, why);
			break;
		case OPT_RPM:
			if ((why = num_parse_double(optarg, 0.001, 1e9, &o->rpm)) != NULL)
				bad_usage("--rpm %s: %s", optarg, why);
			break;
		case 'S':
			o->stream = 1;
			break;
		case OPT_TIMEOUT:
			if ((why = num_parse_double(optarg, 0.001, 1e6, &o->timeout)) != NULL)
				bad_usage("--timeout %s: %s", optarg, why);
			break;
		case OPT_TPM:
			if ((why = num_parse_double(optarg, 1, 1e12, &o->tpm)) != NULL)
				bad_usage("--tpm %s: %s", optarg, why);
			break;
		case OPT_UNORDERED:
			o->unordered = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case OPT_VERSION:
			printf("gpt-send (gpt-tools) %s\n", GPT_VERSION);
			exit(fflush(stdout) == EOF ? GPT_EXIT_IO : GPT_EXIT_OK);
		default:
			bad_option(c, argv);
		}
	}
}

/* Whether batch output line v (borrowed) holds a successful answer. */
static int
answered(jv v)
{
	jv res = jv_object_get(jv_copy(v), jv_string("response")), st, e;
	int ok = 0;

	if (jv_get_kind(res) == JV_KIND_OBJECT) {
		st = jv_object_get(jv_copy(res), jv_string("status_code"));
		e = jv_object_get(jv_copy(v), jv_string("error"));
		ok = jv_get_kind(st) == JV_KIND_NUMBER && jv_number_value(st) >= 200 &&
		    jv_number_value(st) < 300 && jv_get_kind(e) == JV_KIND_NULL;
		jv_free(st);
		jv_free(e);
	}
	jv_free(res);
	return ok;
}

static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	    sa.st_ino == sb.st_ino;
}

/*
 * Read the --resume file: the custom_ids it answered are not sent again.
 * Written to the same file with -o, its answered lines are kept, so the
 * new file has each id once.  A missing file is a first run.
 */
static void
load_resume(struct run *r)
{
	struct jsonin *in;
	struct gpt_err e;
	int fd, rc, keep;
	jv v;

	r->done_ids = jv_object();
	if (r->o.resume == NULL)
		return;
	if ((fd = open(r->o.resume, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return;
		err(GPT_EXIT_USAGE, "%s", r->o.resume);
	}
	keep = r->o.output != NULL && same_file(r->o.resume, r->o.output);
	in = jsonin_new(fd, r->o.resume, JSONIN_MAX_ITEM);
	while ((rc = jsonin_next(in, &v, &e)) != 0) {
		if (rc < 0) {
			/* A run cut short may have left a broken last line. */
			if (r->o.verbose)
				warnx("%s", e.msg);
			if (rc == -2)
				break;
			continue;
		}
		if (shape_of(v) == SHAPE_BATCH_OUT && answered(v)) {
			r->done_ids = jv_object_set(r->done_ids, shape_custom_id(v), jv_true());
			if (keep)
				write_line(r, jv_copy(v));
		}
		jv_free(v);
	}
	jsonin_free(in);
	close(fd);
}

/* The inputs, read one item after another across the files. */
struct source {
	char **names;             /* "-" is stdin */
	int n, i;
	int fd;
	const char *name;
	struct jsonin *in;        /* the input being read, or NULL */
	int stdin_fd;             /* what "-" reads: stdin, or its spool */
	struct jsonin *stdin_in;  /* stdin already opened by the scan, or NULL */
	jv pending;               /* its first item, read by the scan, or invalid */
	const struct jsonin *pending_in;  /* what pending was read from */
	char pending_where[128];
	unsigned long pending_number;
	unsigned long base;       /* items in the inputs read before this one */
};

/* Read the whole of in to check its ids, copying it to s's spool if any. */
static void
scan_items(struct run *r, struct idscan *s, struct jsonin *in, int report)
{
	struct gpt_err err;
	int rc;
	jv v;

	while ((rc = jsonin_next(in, &v, &err)) != 0) {
		if (rc < 0) {
			/* A pipe's bad items are reported now: the spool will not hold them. */
			if (report) {
				if (!r->o.quiet)
					warnx("%s", err.msg);
				worse(r, err.code);
			}
			if (rc == -2)
				break;
			continue;
		}
		if (idscan_add(s, in, v, &err) < 0)
			errx(err.code, "%s", err.msg);
		jv_free(v);
	}
}

/*
 * A pipe: its first item decides.  Batch lines are copied to an unlinked
 * temporary file as they are scanned, and the run reads that; bare
 * requests are read as they come, the first one kept for the run.
 * Returns whether the whole input was scanned.
 */
static int
scan_pipe(struct run *r, struct source *src, struct idscan *s, int fd)
{
	struct jsonin *in = jsonin_new(fd, "<stdin>", JSONIN_MAX_ITEM);
	struct gpt_err e;
	int rc;
	jv v;

	while ((rc = jsonin_next(in, &v, &e)) < 0) {
		if (!r->o.quiet)
			warnx("%s", e.msg);
		worse(r, e.code);
		if (rc == -2)
			break;
	}
	if (rc == 1 && shape_of(v) == SHAPE_BATCH_IN) {
		if ((s->spool = idscan_tmpfile(&e)) < 0)
			errx(e.code, "%s", e.msg);
		if (idscan_add(s, in, v, &e) < 0)
			errx(e.code, "%s", e.msg);
		jv_free(v);
		scan_items(r, s, in, 1);
		jsonin_free(in);
		if (lseek(s->spool, 0, SEEK_SET) < 0)
			err(GPT_EXIT_IO, "temporary file");
		src->stdin_fd = s->spool;
		s->spool = -1;
		return 1;
	}
	src->stdin_in = in;
	if (rc == 1) {
		src->pending = v;
		snprintf(src->pending_where, sizeof(src->pending_where), "<stdin>:%lu",
		    jsonin_last(in)->line);
		src->pending_number = jsonin_last(in)->number;
		src->pending_in = in;
	}
	return rc != 1;
}

/*
 * Before anything is sent, check that no custom_id comes twice in the
 * input (RELIABILITY.md), and count the items for the progress line.
 * Regular files are read through and read again; see scan_pipe for pipes.
 */
static void
scan_input(struct run *r, struct source *src)
{
	struct idscan s;
	struct stat st;
	const char *name;
	int i, fd, known = 1, seen_stdin = 0;
	off_t at;

	idscan_init(&s, -1);
	for (i = 0; i < src->n; i++) {
		name = src->names[i];
		if (strcmp(name, "-") == 0) {
			if (seen_stdin++)
				continue;
			fd = STDIN_FILENO;
			name = "<stdin>";
		} else if ((fd = open(name, O_RDONLY | O_CLOEXEC)) < 0)
			continue;       /* reported when its turn comes */
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (at = lseek(fd, 0, SEEK_CUR)) >= 0) {
			struct jsonin *in = jsonin_new(fd, name, JSONIN_MAX_ITEM);

			scan_items(r, &s, in, 0);
			jsonin_free(in);
			if (lseek(fd, at, SEEK_SET) < 0)
				err(GPT_EXIT_IO, "%s", name);
		} else if (fd == STDIN_FILENO) {
			if (!scan_pipe(r, src, &s, fd))
				known = 0;
		} else
			known = 0;      /* a named pipe is read once, as it comes */
		if (fd != STDIN_FILENO)
			close(fd);
	}
	r->prog.total = s.items;
	r->prog.total_known = known;
	idscan_release(&s);
}

/* Key, URL, input, output and libcurl: everything checked before the first item is sent. */
static void
setup(struct run *r, struct source *src)
{

	struct http_opts ho;
	struct gpt_err err;
	const char *base = r->o.base_url;
	struct sigaction sa, old;

	if (base == NULL && (base = getenv("OPENAI_BASE_URL")) == NULL)
		base = DEFAULT_BASE_URL;
	if (http_global_init(&err) < 0)
		errx(err.code, "%s", err.msg);
	if (url_check(base, &err) < 0)
		errx(err.code, "%s", err.msg);
	r->url = url_join(base, CHAT_PATH);
	r->key = apikey_load(r->o.key_file, getenv("OPENAI_API_KEY"), &err);
	if (r->key == NULL && (!r->o.dry_run || r->o.key_file != NULL ||
	    getenv("OPENAI_API_KEY") != NULL))
		errx(err.code, "%s", err.msg);
	scan_input(r, src);
	r->out = stdout;
	if (r->o.output != NULL) {
		if (outfile_open(&r->outfile, r->o.output, &err) < 0)
			errx(err.code, "%s", err.msg);
		r->out = r->outfile.f;
	}
	memset(&ho, 0, sizeof(ho));
	ho.connect_timeout_ms = (long)(r->o.connect_timeout * 1000);
	ho.max_bytes = r->o.max_bytes;
	ho.cainfo = getenv("CURL_CA_BUNDLE");
	if (ho.cainfo == NULL || *ho.cainfo == '\0')
		ho.cainfo = getenv("SSL_CERT_FILE");
	if (ho.cainfo != NULL && *ho.cainfo == '\0')
		ho.cainfo = NULL;
	ho.cancel = &aborted;
	/*
	 * Plain http is only ever to this machine: through a proxy it would
	 * reach another machine's loopback, with the key in clear text.
	 */
	ho.no_proxy = strncasecmp(base, "http:", 5) == 0;
	if (r->o.verbose) {
		ho.trace = trace;
		ho.trace_arg = r;
	}
	if (!r->o.dry_run && ((r->http = http_new(&ho, &err)) == NULL ||
	    (r->xfer = http_xfer_new(r->http, &err)) == NULL))
		errx(err.code, "%s", err.msg);
	r->seen_ids = jv_object();
	r->start = r->last_progress = mono();
	ratelimit_init(&r->rl, (int)r->o.parallel, r->o.rpm, r->o.tpm, r->start);
	r->progress_tty = !r->o.progress && !r->o.quiet && !r->o.stream && !r->o.dry_run &&
	    isatty(STDERR_FILENO);
	rng_seed(r);
	load_resume(r);
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* A signal ignored by the shell (a background job's SIGINT) stays ignored. */
	if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* ---- the input ---- */


/* Open the next input; 0 when none is left. */
static int
source_open(struct run *r, struct source *src)
{
	const char *p;

	while (src->i < src->n) {
		p = src->names[src->i++];
		if (strcmp(p, "-") == 0) {
			src->fd = src->stdin_fd;
			src->stdin_fd = STDIN_FILENO;
			src->name = "<stdin>";
			if (src->stdin_in != NULL) {
				src->in = src->stdin_in;
				src->stdin_in = NULL;
				return 1;
			}
		} else if ((src->fd = open(p, O_RDONLY | O_CLOEXEC)) < 0) {
			if (!r->o.quiet)
				warn("%s", p);
			worse(r, GPT_EXIT_USAGE);
			continue;
		} else
			src->name = p;
		src->in = jsonin_new(src->fd, src->name, JSONIN_MAX_ITEM);
		return 1;
	}
	return 0;
}

static void
source_close(struct source *src)
{
	if (src->in == NULL)
		return;
	src->base += jsonin_last(src->in)->number;
	jsonin_free(src->in);
	if (src->fd != STDIN_FILENO)
		close(src->fd);
	src->in = NULL;
	src->fd = STDIN_FILENO;
}

/*
 * The next JSON item of the input into *v, and where it is into where.
 * Returns 1, or 0 at the end of all input (or when the run must stop).
 * Items that are not JSON are reported and skipped.
 */
static int
source_next(struct run *r, struct source *src, jv *v, char *where, size_t n)
{
	struct gpt_err err;
	int rc;

	for (;;) {
		if (interrupted || r->out_gone)
			return 0;
		if (src->in == NULL && !source_open(r, src))
			return 0;
		if (jv_is_valid(src->pending) && src->in == src->pending_in) {
			*v = src->pending;
			src->pending = jv_invalid();
			snprintf(where, n, "%s", src->pending_where);
			r->nitems = src->base + src->pending_number;
			return 1;
		}
		rc = jsonin_next(src->in, v, &err);
		if (rc == 1) {
			snprintf(where, n, "%s:%lu", src->name, jsonin_last(src->in)->line);
			r->nitems = src->base + jsonin_last(src->in)->number;
			return 1;
		}
		if (rc == 0) {
			source_close(src);
			continue;
		}
		if (interrupted)
			return 0;
		if (!r->o.quiet)
			warnx("%s", err.msg);
		worse(r, err.code);
		if (rc == -2)
			source_close(src);
	}
}

/* One item after the other: each sent, answered and written before the next. */
static void
send_serial(struct run *r, struct source *src)
{
	struct item it;
	jv v;

	memset(&it, 0, sizeof(it));
	while (source_next(r, src, &v, it.where, sizeof(it.where))) {
		it.req.custom_id = jv_invalid();
		if (prepare(r, &it, v) == 0) {
			if (r->o.dry_run)
				dry_run(r, &it);
			else
				send_item(r, &it);
		}
		request_release(&it.req);
		memset(&it, 0, sizeof(it));
		r->prog.done++;
		progress_tick(r, 0);
	}
}

/* ---- many requests in flight (-P) ---- */

/* An item of a parallel run, from reading to writing. */
struct job {
	struct item it;
	struct attempt a;
	struct http_resp resp;
	struct curl_slist *hdrs;
	struct buf out;           /* its output lines, kept until its turn */
	int tries;                /* attempts made */
	double not_before;        /* monotonic time before which it is not sent */
	int running, done;
	struct job *next;         /* in input order */
};

/* Read one more item into a new job at *tail; NULL at the end of input. */
static struct job *
job_read(struct run *r, struct source *src)
{
	struct job *j = xcalloc(1, sizeof(*j));
	jv v;

	if (!source_next(r, src, &v, j->it.where, sizeof(j->it.where))) {
		free(j);
		return NULL;
	}
	j->it.req.custom_id = jv_invalid();
	http_resp_init(&j->resp);
	buf_init(&j->out, (size_t)-1);
	r->capture = &j->out;
	if (prepare(r, &j->it, v) < 0)
		j->done = 1;
	r->capture = NULL;
	return j;
}

/* Start job j on slot x; a failure to start settles it. */
static void
job_start(struct run *r, struct job *j, struct http_xfer *x)
{
	struct gpt_err err;

	attempt_begin(r, &j->it, x, j->tries, &j->a, &j->hdrs);
	if (http_start(x, r->url, j->hdrs, j->it.req.body, strlen(j->it.req.body),
	    on_body, &j->a, &j->resp, &err) == 0) {
		j->running = 1;
		return;
	}
	curl_slist_free_all(j->hdrs);
	attempt_release(&j->a);
	r->capture = &j->out;
	fail_item(r, &j->it, err.code, "internal_error", err.msg);
	r->capture = NULL;
	j->done = 1;
}

/* The transfer of j is over: settle it, or schedule its next attempt. */
static void
job_end(struct run *r, struct job *j)
{
	struct retry_in rin;
	jv errbody, hold[2];
	double delay = 0;

	j->running = 0;
	curl_slist_free_all(j->hdrs);
	r->capture = &j->out;
	if (attempt_end(r, &j->it, &j->a, j->tries, &j->resp, &rin, &errbody, hold) ||
	    (delay = next_attempt(r, &j->it, j->tries, &j->resp, &rin, errbody, hold)) < 0) {
		j->done = 1;
		delay = 0;
	} else {
		j->tries++;
		j->not_before = mono() + delay;
	}
	/* A rate limit holds back the whole run, not just this item. */
	learn(r, &j->it, &j->resp, delay);
	r->capture = NULL;
}

static void
job_free(struct job *j)
{
	request_release(&j->it.req);
	http_resp_release(&j->resp);
	buf_release(&j->out);
	free(j);
}

/*
 * Write an item's lines with one write(2) where the system allows, so
 * that a run killed outright (SIGKILL) leaves whole lines in a file, for
 * --resume to read.
 */
static int
write_whole(FILE *f, const char *p, size_t n)
{
	ssize_t w;

	if (fflush(f) == EOF)
		return -1;
	while (n > 0) {
		if ((w = write(fileno(f), p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Write out the finished jobs: those at the head of the queue, in input
 * order, or with --unordered every finished one.  *tail is kept at the
 * end of the queue.
 */
static void
jobs_flush(struct run *r, struct job **head, struct job ***tail, int *queued)
{
	struct job **pp = head, *j;

	while ((j = *pp) != NULL) {
		if (!j->done) {
			if (!r->o.unordered)
				break;
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		if (j->out.len > 0 && !r->out_gone && write_whole(r->out, j->out.data, j->out.len) < 0) {
			r->out_gone = 1;
			r->out_errno = errno;
		}
		job_free(j);
		(*queued)--;
		r->prog.done++;
	}
	for (pp = head; *pp != NULL; pp = &(*pp)->next)
		;
	*tail = pp;
}

/*
 * Up to -P requests in flight at once over as many transfer slots, the
 * outputs written in input order, retries scheduled rather than slept.
 */
static void
send_parallel(struct run *r, struct source *src)
{
	int nslots = (int)r->o.parallel, window = 8 * nslots + 64;
	struct http_xfer **slot = xcalloc((size_t)nslots, sizeof(*slot));
	struct job **on = xcalloc((size_t)nslots, sizeof(*on));
	struct job *head = NULL, **tail = &head, *j;
	struct http_xfer *x;
	struct gpt_err err;
	double now, wake, ready;
	int eof = 0, queued = 0, inflight = 0, told = 0, k;

	slot[0] = r->xfer;
	for (k = 1; k < nslots; k++)
		if ((slot[k] = http_xfer_new(r->http, &err)) == NULL)
			errx(err.code, "%s", err.msg);
	for (;;) {
		while (!eof && queued < window) {
			if ((j = job_read(r, src)) == NULL) {
				eof = 1;
				break;
			}
			*tail = j;
			tail = &j->next;
			queued++;
		}
		now = mono();
		wake = now + 1;
		for (j = head; j != NULL && inflight < nslots; j = j->next) {
			if (j->done || j->running)
				continue;
			if (interrupted) {
				r->capture = &j->out;
				fail_item(r, &j->it, GPT_EXIT_NOANSWER, "interrupted", "interrupted");
				r->capture = NULL;
				j->done = 1;
				continue;
			}
			/* Negative: as many in flight as the server's answers allow now. */
			if ((ready = ratelimit_ready(&r->rl, inflight, j->it.cost, now)) < 0)
				break;
			if (j->not_before > ready)
				ready = j->not_before;
			if (ready > now) {
				if (ready < wake)
					wake = ready;
				continue;
			}
			for (k = 0; on[k] != NULL; k++)
				;
			ratelimit_take(&r->rl, j->it.cost, now);
			job_start(r, j, slot[k]);
			if (j->running) {
				on[k] = j;
				inflight++;
			}
		}
		jobs_flush(r, &head, &tail, &queued);
		progress_tick(r, 0);
		if ((head == NULL && eof) || r->out_gone)
			break;
		if (interrupted && !told && inflight > 0 && !r->o.quiet) {
			progress_clear(r);
			warnx("interrupted: waiting for %d request%s in flight "
			    "(interrupt again to stop them)", inflight, inflight == 1 ? "" : "s");
			told = 1;
		}
		if (inflight == 0) {
			if (wake > now)
				sleep_for(wake - now);
			continue;
		}
		/* Wake for a transfer's end, or when a waiting item becomes ready. */
		if ((x = http_wait(r->http, wake > now ? (long)((wake - now) * 1000) + 1 : 0,
		    &err)) == NULL) {
			if (err.code != 0)
				errx(err.code, "%s", err.msg);
			continue;
		}
		for (k = 0; slot[k] != x; k++)
			;
		job_end(r, on[k]);
		on[k] = NULL;
		inflight--;
	}
	/* Only when the output is gone: what is left will never be written. */
	while ((j = head) != NULL) {
		head = j->next;
		if (j->running) {
			curl_slist_free_all(j->hdrs);
			attempt_release(&j->a);
		}
		job_free(j);
	}
	for (k = 1; k < nslots; k++)
		http_xfer_free(slot[k]);
	free(slot);
	free(on);
}

/* The inputs named on the command line (none: stdin). */
static void
source_init(struct source *src, int argc, char **argv)
{
	static char *stdin_only[] = { "-", NULL };

	memset(src, 0, sizeof(*src));
	src->names = argc > 0 ? argv : stdin_only;
	src->n = argc > 0 ? argc : 1;
	src->stdin_fd = STDIN_FILENO;
	src->pending = jv_invalid();
}

static void
send_all(struct run *r, struct source *src)
{
	if (r->o.parallel > 1 && !r->o.dry_run)
		send_parallel(r, src);
	else
		send_serial(r, src);
	source_close(src);
	/* What an interrupted run did not read. */
	jv_free(src->pending);
	if (src->stdin_in != NULL)
		jsonin_free(src->stdin_in);
	if (src->stdin_fd != STDIN_FILENO)
		close(src->stdin_fd);
	progress_tick(r, 1);
}

/* Flush and close the output; free everything.  Returns the exit code. */
static int
finish(struct run *r)
{
	struct gpt_err err;
	const char *name = r->o.output != NULL ? r->o.output : "stdout";
	int rc;

	if (r->o.output != NULL)
		rc = outfile_commit(&r->outfile, &err);
	else
		rc = out_close(stdout, "stdout", &err);
	if (r->out_errno != 0 && r->out_errno != EPIPE) {
		warnx("%s: write error: %s", name, strerror(r->out_errno));
		worse(r, GPT_EXIT_IO);
	} else if (rc < 0) {
		warnx("%s", err.msg);
		worse(r, GPT_EXIT_IO);
	}
	if (interrupted)
		worse(r, GPT_EXIT_NOANSWER);
	http_xfer_free(r->xfer);
	http_free(r->http);
	http_global_cleanup();
	jv_free(r->seen_ids);
	jv_free(r->done_ids);
	free(r->url);
	if (r->key != NULL) {
		memset(r->key, 0, strlen(r->key));
		free(r->key);
	}
	return r->status;
}

int
main(int argc, char **argv)
{
	struct run r;
	struct source src;

	memset(&r, 0, sizeof(r));
	parse_opts(argc, argv, &r.o);
	source_init(&src, argc - optind, argv + optind);
	setup(&r, &src);
	send_all(&r, &src);
	return finish(&r);
}
