/*
 * POSTing one request with libcurl and handing the answer to the caller
 * as it arrives.  One struct http holds one multi handle and one easy
 * handle, reused for every request of a run, so connections are kept
 * alive between requests.  Even a single transfer is driven through the
 * multi interface, so that running many at once is an extension of this
 * loop, not a rewrite.  Nothing here prints: traces go to a callback.
 */
#ifndef GPT_HTTP_H
#define GPT_HTTP_H

#include <signal.h>
#include <stddef.h>

#include <curl/curl.h>

#include "errmsg.h"

/* How the trace callback's text was produced (libcurl's curl_infotype). */
enum http_trace_kind {
	HTTP_TRACE_TEXT,        /* libcurl's own remarks */
	HTTP_TRACE_HEADER_OUT,  /* request headers sent */
	HTTP_TRACE_HEADER_IN    /* response headers received */
};

struct http_opts {
	long connect_timeout_ms;   /* 0: libcurl's default */
	long timeout_ms;           /* whole transfer; 0: none */
	long idle_timeout_ms;      /* abort after this long without a byte; 0: none */
	size_t max_bytes;          /* cap on a response body; 0: none */
	const char *cainfo;        /* CA bundle path (borrowed) or NULL */
	int no_proxy;              /* connect directly, whatever the proxy variables say */
	/* When not NULL, a transfer stops as soon as *cancel is non-zero (a signal). */
	volatile sig_atomic_t *cancel;
	/* When not NULL, called with trace text (not NUL-terminated). */
	void (*trace)(void *arg, enum http_trace_kind kind, const char *text, size_t n);
	void *trace_arg;
};

/* Why a transfer ended without a complete answer. */
enum http_fail {
	HTTP_DONE,          /* a complete answer (any status) */
	HTTP_TRANSIENT,     /* connect, reset, cut or timeout: worth another try */
	HTTP_FINAL,         /* DNS, TLS, protocol or other error: not worth one */
	HTTP_TOO_BIG,       /* the body went over max_bytes */
	HTTP_STOPPED,       /* the body callback asked to stop */
	HTTP_CANCELLED      /* *opts.cancel was set */
};

/* The answer to one request.  Header values are NULL when absent. */
struct http_resp {
	long status;              /* 0 until a status line arrived */
	char *request_id;         /* x-request-id */
	char *retry_after_ms;     /* retry-after-ms */
	char *retry_after;        /* retry-after */
	char *should_retry;       /* x-should-retry */
	char *content_type;       /* content-type */
	char *location;           /* location */
	size_t body_bytes;        /* body bytes received */
	enum http_fail fail;
	int timed_out;            /* the failure was a timeout (HTTP_TRANSIENT) */
	char errmsg[CURL_ERROR_SIZE + 64];  /* why, when fail != HTTP_DONE */
};

/*
 * Called with each piece of the body of the final response (status and
 * headers are in resp by then).  Return 0 to go on, non-zero to stop the
 * transfer (which then ends with HTTP_STOPPED).
 */
typedef int (*http_body_fn)(void *arg, const char *p, size_t n, struct http_resp *resp);

/* Call once per process, before any http_new. */
int http_global_init(struct gpt_err *err);
void http_global_cleanup(void);

/* A new client with opts (copied; the pointers in it are borrowed). */
struct http *http_new(const struct http_opts *opts, struct gpt_err *err);
void http_free(struct http *h);

/* Change the timeouts for the requests that follow (a streamed one waits differently). */
void http_set_timeouts(struct http *h, long timeout_ms, long idle_timeout_ms);

/*
 * POST body[0..len) to url with headers (borrowed, "Name: value" each).
 * Fills resp (released first with http_resp_release, so a struct reused
 * across attempts needs no cleanup between them).  Returns 0 when the
 * transfer ran (see resp->fail for how it ended), or -1 with err set when
 * it could not start at all.
 */
int http_post(struct http *h, const char *url, const struct curl_slist *headers,
    const char *body, size_t len, http_body_fn on_body, void *arg,
    struct http_resp *resp, struct gpt_err *err);

/* Initialise resp empty. */
void http_resp_init(struct http_resp *resp);

/* Free the header values held by resp; it is empty again. */
void http_resp_release(struct http_resp *resp);

#endif
