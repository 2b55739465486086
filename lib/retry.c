/*
 * The retry rules of RELIABILITY.md: which answers are worth another
 * attempt and how long to wait before it.  The official SDKs decide the
 * same way, except that a billing error on 429 is final here.
 */
#define _XOPEN_SOURCE 700	/* strptime */
#include <math.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "num.h"
#include "retry.h"

/* Error codes and types that another attempt cannot cure. */
static const char *const billing[] = {
	"insufficient_quota",
	"billing_hard_limit_reached",
	"billing_not_active",
	"access_terminated",
	NULL
};

int
retry_is_billing(const char *s)
{
	int i;

	if (s == NULL)
		return 0;
	for (i = 0; billing[i] != NULL; i++)
		if (strcmp(s, billing[i]) == 0)
			return 1;
	return 0;
}

int
retry_status_retryable(long status, const char *should_retry)
{
	if (should_retry != NULL) {
		if (strcasecmp(should_retry, "true") == 0)
			return 1;
		if (strcasecmp(should_retry, "false") == 0)
			return 0;
	}
	return status == 408 || status == 409 || status == 429 || status >= 500;
}

/* A number of seconds or milliseconds; NAN when s is not a plain number. */
static double
parse_number(const char *s)
{
	double v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (num_parse_double(s, -1e15, 1e15, &v) != NULL)
		return NAN;
	return v;
}

/* An HTTP date (IMF-fixdate, RFC 850 or asctime form); -1 when not one. */
static time_t
parse_http_date(const char *s)
{
	static const char *const forms[] = {
		"%a, %d %b %Y %H:%M:%S GMT",
		"%A, %d-%b-%y %H:%M:%S GMT",
		"%a %b %e %H:%M:%S %Y",
		NULL
	};
	struct tm tm;
	const char *end;
	int i;

	while (*s == ' ' || *s == '\t')
		s++;
	for (i = 0; forms[i] != NULL; i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, forms[i], &tm);
		if (end != NULL && *end == '\0')
			return timegm(&tm);
	}
	return (time_t)-1;
}

double
retry_server_delay(const char *after_ms, const char *after, time_t now)
{
	double v;
	time_t t;

	if (after_ms != NULL && !isnan(v = parse_number(after_ms)))
		return v / 1000.0;
	if (after == NULL)
		return NAN;
	if (!isnan(v = parse_number(after)))
		return v;
	if ((t = parse_http_date(after)) == (time_t)-1)
		return NAN;
	return difftime(t, now);
}

double
retry_backoff(int n, double random)
{
	double d = n <= 0 ? 0.5 : n >= 5 ? 8.0 : 0.5 * (double)(1 << n);

	if (d > 8.0)
		d = 8.0;
	if (random < 0 || random >= 1 || isnan(random))
		random = 0;
	return d * (1.0 - 0.25 * random);
}

enum retry_verdict
retry_decide(const struct retry_in *in, double *delay)
{
	double d;

	*delay = 0;
	if (in->output_began || in->retries_done >= in->max_retries)
		return RETRY_NO;
	if (in->status == 0) {
		if (!in->transient)
			return RETRY_NO;
		*delay = retry_backoff(in->retries_done, in->random);
		return RETRY_YES;
	}
	if (in->status == 429 &&
	    (retry_is_billing(in->error_code) || retry_is_billing(in->error_type)))
		return RETRY_NO;
	if (!retry_status_retryable(in->status, in->should_retry))
		return RETRY_NO;
	d = retry_server_delay(in->retry_after_ms, in->retry_after, in->now);
	if (isfinite(d) && d > RETRY_MAX_SERVER_DELAY) {
		*delay = d;
		return RETRY_TOO_LONG;
	}
	if (isfinite(d) && d > 0)
		*delay = d;
	else
		*delay = retry_backoff(in->retries_done, in->random);
	return RETRY_YES;
}
