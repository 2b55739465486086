/*
 * POSTing requests with libcurl and handing each answer to the caller as
 * it arrives.  A struct http is one multi handle, whose connection cache
 * keeps connections alive between requests; a struct http_xfer is one
 * easy handle, reused for request after request.  Every transfer is
 * driven through the multi interface, one at a time (http_post) or many
 * at once (http_start, http_wait).  Nothing here prints: traces go to a
 * callback.
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
	char *rl_remaining_requests;  /* x-ratelimit-remaining-requests */
	char *rl_remaining_tokens;    /* x-ratelimit-remaining-tokens */
	char *rl_reset_requests;      /* x-ratelimit-reset-requests */
	char *rl_reset_tokens;        /* x-ratelimit-reset-tokens */
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

/*
 * A client: the multi handle, which owns the connection cache shared by
 * all its transfers, and the options (copied; the pointers in them are
 * borrowed).
 */
struct http *http_new(const struct http_opts *opts, struct gpt_err *err);

/* Free the client; free its transfers first. */
void http_free(struct http *h);

/*
 * A transfer slot of h: one easy handle, set up once and reused for
 * request after request.  One slot serves one request at a time; several
 * slots run at once through the same multi handle.
 */
struct http_xfer *http_xfer_new(struct http *h, struct gpt_err *err);
void http_xfer_free(struct http_xfer *x);

/* Change the timeouts of x for the requests that follow (a streamed one waits differently). */
void http_xfer_set_timeouts(struct http_xfer *x, long timeout_ms, long idle_timeout_ms);

/*
 * Start POSTing body[0..len) to url with headers on x, which must be idle.
 * All pointers are borrowed and must stay valid until the transfer is
 * done.  resp is released first and filled in as the answer arrives.
 * Returns 0, or -1 with err set when the transfer could not start.
 */
int http_start(struct http_xfer *x, const char *url, const struct curl_slist *headers,
    const char *body, size_t len, http_body_fn on_body, void *arg,
    struct http_resp *resp, struct gpt_err *err);

/*
 * Run the transfers of h for up to timeout_ms (-1: until one is done).
 * Returns a transfer that is done (idle again, its resp complete, see
 * resp->fail), NULL when none finished in time or none is running, or
 * NULL with err set (err->code non-zero) when libcurl failed.
 */
struct http_xfer *http_wait(struct http *h, long timeout_ms, struct gpt_err *err);

/*
 * Start a transfer on x and run until it is done: http_start and
 * http_wait for one request, when no other transfer of the client is
 * running (their ends would not be seen).  Returns 0 when the transfer ran (see
 * resp->fail for how it ended), or -1 with err set.
 */
int http_post(struct http_xfer *x, const char *url, const struct curl_slist *headers,
    const char *body, size_t len, http_body_fn on_body, void *arg,
    struct http_resp *resp, struct gpt_err *err);

/* Initialise resp empty. */
void http_resp_init(struct http_resp *resp);

/* Free the header values held by resp; it is empty again. */
void http_resp_release(struct http_resp *resp);

#endif
