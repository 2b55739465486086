/*
 * The libcurl transfers.  Settings that never change (no redirects, TLS
 * verification, protocols, compression, HTTP/2) are made once on each
 * easy handle; each request sets only its URL, headers and body.  The
 * multi handle owns the connection cache, so a connection outlives the
 * removal of an easy handle and is reused by the next request.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "exitcode.h"
#include "http.h"
#include "xalloc.h"

struct http {
	CURLM *multi;
	struct http_opts opts;
	int running;              /* transfers started and not yet returned by http_wait */
};

struct http_xfer {
	struct http *h;
	CURL *easy;
	long timeout_ms, idle_timeout_ms;
	char errbuf[CURL_ERROR_SIZE];

	/* The request in progress. */
	int busy;
	struct http_resp *resp;
	http_body_fn on_body;
	void *arg;
	double last_byte;         /* monotonic seconds of the last byte received */
	int stopped, too_big, idle, cancelled;
};

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
http_resp_init(struct http_resp *resp)
{
	memset(resp, 0, sizeof(*resp));
}

void
http_resp_release(struct http_resp *resp)
{
	free(resp->request_id);
	free(resp->retry_after_ms);
	free(resp->retry_after);
	free(resp->should_retry);
	free(resp->content_type);
	free(resp->location);
	free(resp->rl_remaining_requests);
	free(resp->rl_remaining_tokens);
	free(resp->rl_reset_requests);
	free(resp->rl_reset_tokens);
	http_resp_init(resp);
}

/* Forget the headers of an interim (1xx) response when the next status line comes. */
static void
resp_new_status(struct http_resp *resp, long status)
{
	http_resp_release(resp);
	resp->status = status;
}

/* The header fields the caller looks at, by name. */
static char **
header_slot(struct http_resp *resp, const char *name, size_t n)
{
	static const struct {
		const char *name;
		size_t off;
	} slots[] = {
		{ "x-request-id", offsetof(struct http_resp, request_id) },
		{ "retry-after-ms", offsetof(struct http_resp, retry_after_ms) },
		{ "retry-after", offsetof(struct http_resp, retry_after) },
		{ "x-should-retry", offsetof(struct http_resp, should_retry) },
		{ "content-type", offsetof(struct http_resp, content_type) },
		{ "location", offsetof(struct http_resp, location) },
		{ "x-ratelimit-remaining-requests",
		    offsetof(struct http_resp, rl_remaining_requests) },
		{ "x-ratelimit-remaining-tokens", offsetof(struct http_resp, rl_remaining_tokens) },
		{ "x-ratelimit-reset-requests", offsetof(struct http_resp, rl_reset_requests) },
		{ "x-ratelimit-reset-tokens", offsetof(struct http_resp, rl_reset_tokens) },
	};
	size_t i;

	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if (strlen(slots[i].name) == n && strncasecmp(slots[i].name, name, n) == 0)
			return (char **)((char *)resp + slots[i].off);
	return NULL;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *userp)
{
	struct http_xfer *h = userp;
	size_t n = size * nmemb, name_len, vlen;
	const char *colon, *v;
	char **slot;

	h->last_byte = now_mono();
	if (n > 5 && memcmp(p, "HTTP/", 5) == 0) {
		const char *sp = memchr(p, ' ', n);
		long status = 0;

		if (sp != NULL)
			status = strtol(sp + 1, NULL, 10);
		resp_new_status(h->resp, status);
		return n;
	}
	if ((colon = memchr(p, ':', n)) == NULL)
		return n;
	name_len = (size_t)(colon - p);
	if ((slot = header_slot(h->resp, p, name_len)) == NULL)
		return n;
	v = colon + 1;
	vlen = n - name_len - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
		vlen--;
	free(*slot);
	*slot = xstrndup(v, vlen);
	return n;
}

static size_t
on_write(char *p, size_t size, size_t nmemb, void *userp)
{
	struct http_xfer *h = userp;
	size_t n = size * nmemb;
	size_t max = h->h->opts.max_bytes;

	h->last_byte = now_mono();
	if (max > 0 && n > max - h->resp->body_bytes) {
		h->too_big = 1;
		return 0;
	}
	h->resp->body_bytes += n;
	if (h->on_body != NULL && h->on_body(h->arg, p, n, h->resp) != 0) {
		h->stopped = 1;
		return 0;
	}
	return n;
}

static int
on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	struct http_xfer *h = userp;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	if (h->h->opts.cancel != NULL && *h->h->opts.cancel) {
		h->cancelled = 1;
		return 1;
	}
	if (h->idle_timeout_ms > 0 &&
	    (now_mono() - h->last_byte) * 1000.0 > (double)h->idle_timeout_ms) {
		h->idle = 1;
		return 1;
	}
	return 0;
}

static int
on_debug(CURL *easy, curl_infotype type, char *p, size_t n, void *userp)
{
	struct http_xfer *x = userp;
	struct http *h = x->h;

	(void)easy;
	switch (type) {
	case CURLINFO_TEXT:
		h->opts.trace(h->opts.trace_arg, HTTP_TRACE_TEXT, p, n);
		break;
	case CURLINFO_HEADER_OUT:
		h->opts.trace(h->opts.trace_arg, HTTP_TRACE_HEADER_OUT, p, n);
		break;
	case CURLINFO_HEADER_IN:
		h->opts.trace(h->opts.trace_arg, HTTP_TRACE_HEADER_IN, p, n);
		break;
	default:
		break;
	}
	return 0;
}

int
http_global_init(struct gpt_err *err)
{
	CURLcode c = curl_global_init(CURL_GLOBAL_DEFAULT);

	if (c != CURLE_OK)
		return gpt_err_set(err, GPT_EXIT_IO, "libcurl: %s", curl_easy_strerror(c));
	return 0;
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

/* The settings that hold for every request of the run. */
static int
setup_easy(struct http_xfer *x)
{
	struct http *h = x->h;
	CURL *e = x->easy;
	int bad = 0;

	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, x) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, x) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_XFERINFODATA, x) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, x) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L) != CURLE_OK;
	if (h->opts.connect_timeout_ms > 0)
		bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
		    h->opts.connect_timeout_ms) != CURLE_OK;
	/* "" disables the proxy variables for this handle. */
	if (h->opts.no_proxy)
		bad |= curl_easy_setopt(e, CURLOPT_PROXY, "") != CURLE_OK;
	if (h->opts.cainfo != NULL)
		bad |= curl_easy_setopt(e, CURLOPT_CAINFO, h->opts.cainfo) != CURLE_OK;
	if (h->opts.trace != NULL) {
		bad |= curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_DEBUGDATA, x) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_VERBOSE, 1L) != CURLE_OK;
	}
	return bad ? -1 : 0;
}

struct http *
http_new(const struct http_opts *opts, struct gpt_err *err)
{
	struct http *h = xcalloc(1, sizeof(*h));

	h->opts = *opts;
	if ((h->multi = curl_multi_init()) == NULL) {
		free(h);
		gpt_err_set(err, GPT_EXIT_IO, "libcurl: cannot set up a transfer");
		return NULL;
	}
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	curl_multi_cleanup(h->multi);
	free(h);
}

struct http_xfer *
http_xfer_new(struct http *h, struct gpt_err *err)
{
	struct http_xfer *x = xcalloc(1, sizeof(*x));

	x->h = h;
	x->timeout_ms = h->opts.timeout_ms;
	x->idle_timeout_ms = h->opts.idle_timeout_ms;
	if ((x->easy = curl_easy_init()) == NULL || setup_easy(x) < 0) {
		http_xfer_free(x);
		gpt_err_set(err, GPT_EXIT_IO, "libcurl: cannot set up a transfer");
		return NULL;
	}
	return x;
}

void
http_xfer_free(struct http_xfer *x)
{
	if (x == NULL)
		return;
	if (x->busy) {
		curl_multi_remove_handle(x->h->multi, x->easy);
		x->h->running--;
	}
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	free(x);
}

void
http_xfer_set_timeouts(struct http_xfer *x, long timeout_ms, long idle_timeout_ms)
{
	x->timeout_ms = timeout_ms;
	x->idle_timeout_ms = idle_timeout_ms;
}

/* Whether c means the network failed in a way another attempt may cure. */
static int
is_transient(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* Set resp->fail and resp->errmsg from how the transfer ended. */
static void
classify(struct http_xfer *h, CURLcode c)
{
	struct http_resp *r = h->resp;
	const char *why = h->errbuf[0] != '\0' ? h->errbuf : curl_easy_strerror(c);

	if (c == CURLE_OK) {
		r->fail = HTTP_DONE;
		return;
	}
	if (h->too_big) {
		r->fail = HTTP_TOO_BIG;
		snprintf(r->errmsg, sizeof(r->errmsg),
		    "response larger than --max-bytes %zu", h->h->opts.max_bytes);
	} else if (h->stopped) {
		r->fail = HTTP_STOPPED;
		snprintf(r->errmsg, sizeof(r->errmsg), "transfer stopped");
	} else if (h->cancelled) {
		r->fail = HTTP_CANCELLED;
		snprintf(r->errmsg, sizeof(r->errmsg), "interrupted");
	} else if (h->idle) {
		r->fail = HTTP_TRANSIENT;
		r->timed_out = 1;
		snprintf(r->errmsg, sizeof(r->errmsg),
		    "timeout: no data for %.3g s", (double)h->idle_timeout_ms / 1000.0);
	} else {
		r->fail = is_transient(c) ? HTTP_TRANSIENT : HTTP_FINAL;
		r->timed_out = c == CURLE_OPERATION_TIMEDOUT;
		snprintf(r->errmsg, sizeof(r->errmsg), "%s", why);
	}
}

int
http_start(struct http_xfer *x, const char *url, const struct curl_slist *headers,
    const char *body, size_t len, http_body_fn on_body, void *arg,
    struct http_resp *resp, struct gpt_err *err)
{
	CURL *e = x->easy;
	int bad = 0;

	if (x->busy)
		return gpt_err_set(err, GPT_EXIT_IO, "libcurl: transfer slot busy");
	http_resp_release(resp);
	x->resp = resp;
	x->on_body = on_body;
	x->arg = arg;
	x->stopped = x->too_big = x->idle = x->cancelled = 0;
	x->errbuf[0] = '\0';
	x->last_byte = now_mono();

	bad |= curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, (struct curl_slist *)headers) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDS, body) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, x->timeout_ms) != CURLE_OK;
	if (bad)
		return gpt_err_set(err, GPT_EXIT_USAGE, "%s: libcurl refused the request", url);
	if (curl_multi_add_handle(x->h->multi, e) != CURLM_OK)
		return gpt_err_set(err, GPT_EXIT_IO, "libcurl: cannot start a transfer");
	x->busy = 1;
	x->h->running++;
	return 0;
}

/* The next finished transfer libcurl reports, made idle; NULL when none. */
static struct http_xfer *
take_done(struct http *h)
{
	struct http_xfer *x;
	CURLMsg *msg;
	char *priv;
	int left;

	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv) != CURLE_OK)
			continue;
		x = (struct http_xfer *)(void *)priv;
		classify(x, msg->data.result);
		curl_multi_remove_handle(h->multi, x->easy);
		x->busy = 0;
		x->resp = NULL;
		h->running--;
		return x;
	}
	return NULL;
}

struct http_xfer *
http_wait(struct http *h, long timeout_ms, struct gpt_err *err)
{
	struct http_xfer *x;
	CURLMcode mc;
	double end = now_mono() + (double)timeout_ms / 1000.0;
	int still, wait;

	if (err != NULL)
		gpt_err_clear(err);
	for (;;) {
		if ((x = take_done(h)) != NULL)
			return x;
		if (h->running == 0)
			return NULL;
		mc = curl_multi_perform(h->multi, &still);
		if (mc == CURLM_OK && (x = take_done(h)) != NULL)
			return x;
		if (mc == CURLM_OK && timeout_ms >= 0 && now_mono() >= end)
			return NULL;
		/* A short poll, so that the idle and cancel checks run often enough. */
		wait = 1000;
		if (timeout_ms >= 0 && (end - now_mono()) * 1000.0 < wait)
			wait = (int)((end - now_mono()) * 1000.0) + 1;
		if (mc == CURLM_OK)
			mc = curl_multi_poll(h->multi, NULL, 0, wait, NULL);
		if (mc != CURLM_OK) {
			gpt_err_set(err, GPT_EXIT_IO, "libcurl: %s", curl_multi_strerror(mc));
			return NULL;
		}
	}
}

int
http_post(struct http_xfer *x, const char *url, const struct curl_slist *headers,
    const char *body, size_t len, http_body_fn on_body, void *arg,
    struct http_resp *resp, struct gpt_err *err)
{
	struct http_xfer *done;

	if (http_start(x, url, headers, body, len, on_body, arg, resp, err) < 0)
		return -1;
	while (x->busy) {
		done = http_wait(x->h, -1, err);
		if (done == NULL && err != NULL && err->code != 0) {
			curl_multi_remove_handle(x->h->multi, x->easy);
			x->busy = 0;
			x->resp = NULL;
			x->h->running--;
			return -1;
		}
	}
	return 0;
}
