/*
 * Whether and when to retry a request (RELIABILITY.md, "Retries"): pure
 * decisions from what one attempt gave, so that every rule can be tested
 * without a network.  Nothing here sleeps, prints or reads the clock:
 * the caller passes the time and the random number in.
 */
#ifndef GPT_RETRY_H
#define GPT_RETRY_H

#include <time.h>

/* The longest server-given delay we wait for, in seconds. */
#define RETRY_MAX_SERVER_DELAY 120.0

/* The default number of retries after the first attempt. */
#define RETRY_DEFAULT 2

/* What one attempt gave, as far as the retry rules care.  All borrowed. */
struct retry_in {
	long status;                /* HTTP status, 0 when there was no answer */
	int transient;              /* no answer: a connect, reset or timeout error */
	int output_began;           /* a byte of a successful body reached the output */
	const char *should_retry;   /* x-should-retry header value, or NULL */
	const char *retry_after_ms; /* retry-after-ms header value, or NULL */
	const char *retry_after;    /* retry-after header value, or NULL */
	const char *error_code;     /* error.code of the error body, or NULL */
	const char *error_type;     /* error.type of the error body, or NULL */
	int retries_done;           /* retries already made for this item */
	int max_retries;            /* --retries */
	time_t now;                 /* the current time, for HTTP dates */
	double random;              /* uniform in [0, 1), for the jitter */
};

enum retry_verdict {
	RETRY_NO,        /* final: report the outcome */
	RETRY_YES,       /* wait *delay seconds, then send again */
	RETRY_TOO_LONG   /* the server asks for a wait over the maximum: report */
};

/*
 * Decide for the attempt described by in.  On RETRY_YES, *delay is the
 * wait in seconds; on RETRY_TOO_LONG, the wait the server asked for.
 */
enum retry_verdict retry_decide(const struct retry_in *in, double *delay);

/*
 * Whether the HTTP status and headers alone ask for a retry: the
 * x-should-retry header (borrowed, may be NULL) first, then 408, 409,
 * 429 and every status >= 500.  Billing errors are not considered here.
 */
int retry_status_retryable(long status, const char *should_retry);

/* Whether an error code or type names a billing problem (a final 429). */
int retry_is_billing(const char *code_or_type);

/*
 * The delay the server asked for, in seconds: retry-after-ms (fractional
 * milliseconds) when it is a number, else retry-after as seconds, else as
 * an HTTP date relative to now.  Both values are borrowed and may be
 * NULL.  Returns the delay (which may be zero, negative or huge: the
 * caller judges it), or NAN when there is no usable value.
 */
double retry_server_delay(const char *after_ms, const char *after, time_t now);

/* Backoff before retry n+1 (n retries made): min(0.5 * 2^n, 8) * (1 - 0.25 * random). */
double retry_backoff(int n, double random);

#endif
