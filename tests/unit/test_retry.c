/* lib/retry.c: which answers are retried, and how long we wait. */
#include <math.h>
#include <string.h>

#include "retry.h"
#include "t.h"

/* A retryable 500 on the first attempt, with nothing else said. */
static struct retry_in
base(long status)
{
	struct retry_in in;

	memset(&in, 0, sizeof(in));
	in.status = status;
	in.max_retries = RETRY_DEFAULT;
	in.now = 784111777;  /* Sun, 06 Nov 1994 08:49:37 GMT */
	return in;
}

static enum retry_verdict
decide(struct retry_in in, double *d)
{
	return retry_decide(&in, d);
}

static void
statuses(void)
{
	double d;

	T_EQ_INT(RETRY_YES, decide(base(408), &d), "408 is retried");
	T_EQ_INT(RETRY_YES, decide(base(409), &d), "409 is retried");
	T_EQ_INT(RETRY_YES, decide(base(429), &d), "429 is retried");
	T_EQ_INT(RETRY_YES, decide(base(500), &d), "500 is retried");
	T_EQ_INT(RETRY_YES, decide(base(503), &d), "503 is retried");
	T_EQ_INT(RETRY_YES, decide(base(599), &d), "599 is retried");
	T_EQ_INT(RETRY_NO, decide(base(400), &d), "400 is final");
	T_EQ_INT(RETRY_NO, decide(base(401), &d), "401 is final");
	T_EQ_INT(RETRY_NO, decide(base(403), &d), "403 is final");
	T_EQ_INT(RETRY_NO, decide(base(404), &d), "404 is final");
	T_EQ_INT(RETRY_NO, decide(base(422), &d), "422 is final");
	T_EQ_INT(RETRY_NO, decide(base(307), &d), "307 is final");
	T_EQ_INT(RETRY_NO, decide(base(200), &d), "200 is final");
}

static void
should_retry_header(void)
{
	struct retry_in in;
	double d;

	in = base(400);
	in.should_retry = "true";
	T_EQ_INT(RETRY_YES, decide(in, &d), "x-should-retry true retries a 400");
	in = base(500);
	in.should_retry = "false";
	T_EQ_INT(RETRY_NO, decide(in, &d), "x-should-retry false stops a 500");
	in = base(429);
	in.should_retry = "FALSE";
	T_EQ_INT(RETRY_NO, decide(in, &d), "x-should-retry is case-insensitive");
	in = base(500);
	in.should_retry = "maybe";
	T_EQ_INT(RETRY_YES, decide(in, &d), "x-should-retry with another value falls back to the status");
	in = base(400);
	in.should_retry = "maybe";
	T_EQ_INT(RETRY_NO, decide(in, &d), "x-should-retry with another value leaves a 400 final");
}

static void
billing(void)
{
	struct retry_in in;
	double d;

	in = base(429);
	in.error_code = "insufficient_quota";
	T_EQ_INT(RETRY_NO, decide(in, &d), "429 insufficient_quota code is final");
	in = base(429);
	in.error_type = "insufficient_quota";
	T_EQ_INT(RETRY_NO, decide(in, &d), "429 insufficient_quota type is final");
	in = base(429);
	in.error_code = "billing_hard_limit_reached";
	T_EQ_INT(RETRY_NO, decide(in, &d), "429 billing_hard_limit_reached is final");
	in = base(429);
	in.error_code = "insufficient_quota";
	in.should_retry = "true";
	T_EQ_INT(RETRY_NO, decide(in, &d), "a billing 429 is final even when the server says retry");
	in = base(429);
	in.error_code = "rate_limit_exceeded";
	in.error_type = "requests";
	T_EQ_INT(RETRY_YES, decide(in, &d), "429 rate_limit_exceeded is retried");
}

static void
counts_and_output(void)
{
	struct retry_in in;
	double d;

	in = base(500);
	in.retries_done = 2;
	T_EQ_INT(RETRY_NO, decide(in, &d), "no third retry by default");
	in.max_retries = 3;
	T_EQ_INT(RETRY_YES, decide(in, &d), "--retries 3 allows a third retry");
	in = base(500);
	in.max_retries = 0;
	T_EQ_INT(RETRY_NO, decide(in, &d), "--retries 0 never retries");
	in = base(0);
	in.transient = 1;
	T_EQ_INT(RETRY_YES, decide(in, &d), "a connect or timeout error is retried");
	in.transient = 0;
	T_EQ_INT(RETRY_NO, decide(in, &d), "a DNS or TLS error is final");
	in = base(0);
	in.transient = 1;
	in.output_began = 1;
	T_EQ_INT(RETRY_NO, decide(in, &d), "nothing is retried once output began");
}

static void
server_delays(void)
{
	struct retry_in in;
	double d;

	T_OK(fabs(retry_server_delay("300", NULL, 0) - 0.3) < 1e-9, "retry-after-ms 300 is 0.3 s");
	T_OK(fabs(retry_server_delay("1.5", NULL, 0) - 0.0015) < 1e-12, "retry-after-ms may be fractional");
	T_OK(fabs(retry_server_delay("250", "7", 0) - 0.25) < 1e-9, "retry-after-ms wins over retry-after");
	T_OK(fabs(retry_server_delay(NULL, "7", 0) - 7) < 1e-9, "retry-after in seconds");
	T_OK(fabs(retry_server_delay("soon", "2", 0) - 2) < 1e-9, "garbage retry-after-ms falls to retry-after");
	T_OK(fabs(retry_server_delay(NULL, "Sun, 06 Nov 1994 08:49:47 GMT", 784111777) - 10) < 1e-9,
	    "retry-after as an HTTP date");
	T_OK(fabs(retry_server_delay(NULL, "Sunday, 06-Nov-94 08:49:47 GMT", 784111777) - 10) < 1e-9,
	    "retry-after as an RFC 850 date");
	T_OK(fabs(retry_server_delay(NULL, "Sun Nov  6 08:49:47 1994", 784111777) - 10) < 1e-9,
	    "retry-after as an asctime date");
	T_OK(isnan(retry_server_delay(NULL, "tomorrow", 0)), "garbage retry-after is no delay");
	T_OK(isnan(retry_server_delay(NULL, "nan", 0)), "NaN is no delay");
	T_OK(isnan(retry_server_delay(NULL, "inf", 0)), "inf is no delay");
	T_OK(isnan(retry_server_delay(NULL, NULL, 0)), "no headers is no delay");

	in = base(429);
	in.retry_after_ms = "300";
	T_EQ_INT(RETRY_YES, decide(in, &d), "retry-after-ms 300 is honoured");
	T_OK(fabs(d - 0.3) < 1e-9, "retry-after-ms 300 waits 0.3 s");
	in = base(429);
	in.retry_after = "120";
	T_EQ_INT(RETRY_YES, decide(in, &d), "retry-after 120 is honoured");
	T_OK(fabs(d - 120) < 1e-9, "retry-after 120 waits 120 s");
	in = base(429);
	in.retry_after = "121";
	T_EQ_INT(RETRY_TOO_LONG, decide(in, &d), "retry-after 121 is not retried");
	T_OK(fabs(d - 121) < 1e-9, "the too-long delay is reported");
	in = base(429);
	in.retry_after_ms = "120001";
	T_EQ_INT(RETRY_TOO_LONG, decide(in, &d), "retry-after-ms over 120 s is not retried");
	in = base(429);
	in.retry_after = "Sun, 06 Nov 1994 08:59:37 GMT";
	T_EQ_INT(RETRY_TOO_LONG, decide(in, &d), "an HTTP date 600 s ahead is not retried");

	in = base(429);
	in.retry_after = "0";
	T_EQ_INT(RETRY_YES, decide(in, &d), "retry-after 0 still retries");
	T_OK(fabs(d - 0.5) < 1e-9, "retry-after 0 falls back to backoff");
	in.retry_after = "-5";
	decide(in, &d);
	T_OK(fabs(d - 0.5) < 1e-9, "negative retry-after falls back to backoff");
	in.retry_after = "NaN";
	decide(in, &d);
	T_OK(fabs(d - 0.5) < 1e-9, "NaN retry-after falls back to backoff");
	in.retry_after = "Infinity";
	decide(in, &d);
	T_OK(fabs(d - 0.5) < 1e-9, "infinite retry-after falls back to backoff");
	in.retry_after = "Sun, 06 Nov 1994 08:49:30 GMT";
	decide(in, &d);
	T_OK(fabs(d - 0.5) < 1e-9, "a date in the past falls back to backoff");
	in.retry_after = "1e400";
	decide(in, &d);
	T_OK(fabs(d - 0.5) < 1e-9, "an overflowing retry-after falls back to backoff");
}

static void
backoff(void)
{
	double d;
	struct retry_in in;

	T_OK(fabs(retry_backoff(0, 0) - 0.5) < 1e-9, "first backoff is 0.5 s");
	T_OK(fabs(retry_backoff(1, 0) - 1.0) < 1e-9, "second backoff is 1 s");
	T_OK(fabs(retry_backoff(2, 0) - 2.0) < 1e-9, "third backoff is 2 s");
	T_OK(fabs(retry_backoff(4, 0) - 8.0) < 1e-9, "fifth backoff is 8 s");
	T_OK(fabs(retry_backoff(10, 0) - 8.0) < 1e-9, "backoff is capped at 8 s");
	T_OK(fabs(retry_backoff(100, 0) - 8.0) < 1e-9, "backoff stays capped for huge n");
	T_OK(fabs(retry_backoff(0, 0.999999) - 0.375) < 1e-6, "jitter takes off at most a quarter");
	T_OK(fabs(retry_backoff(3, 0.5) - 3.5) < 1e-9, "jitter scales the delay");
	in = base(503);
	in.retries_done = 1;
	in.random = 0.5;
	decide(in, &d);
	T_OK(fabs(d - 0.875) < 1e-9, "a 503 on the second attempt waits the second backoff");
}

int
main(void)
{
	statuses();
	should_retry_header();
	billing();
	counts_and_output();
	server_delays();
	backoff();
	return t_done();
}
