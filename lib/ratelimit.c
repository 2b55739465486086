/* Pacing many requests: token buckets, the server's rate-limit headers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "ratelimit.h"

void
tokbucket_init(struct tokbucket *b, double per_minute, double now)
{
	b->rate = per_minute > 0 ? per_minute / 60.0 : 0;
	/* A second's worth, so a bucket of a few a minute still lets one through. */
	b->cap = b->rate > 1 ? b->rate : 1;
	b->level = b->cap;
	b->last = now;
}

static double
level_at(const struct tokbucket *b, double now)
{
	double l = b->level + (now > b->last ? now - b->last : 0) * b->rate;

	return l < b->cap ? l : b->cap;
}

double
tokbucket_wait(const struct tokbucket *b, double cost, double now)
{
	double need, l;

	if (b->rate <= 0)
		return 0;
	need = cost < b->cap ? cost : b->cap;
	l = level_at(b, now);
	return l >= need ? 0 : (need - l) / b->rate;
}

void
tokbucket_take(struct tokbucket *b, double cost, double now)
{
	if (b->rate <= 0)
		return;
	b->level = level_at(b, now) - cost;
	b->last = now;
}

void
ratelimit_init(struct ratelimit *rl, int max_inflight, double rpm, double tpm, double now)
{
	memset(rl, 0, sizeof(*rl));
	tokbucket_init(&rl->requests, rpm, now);
	tokbucket_init(&rl->tokens, tpm, now);
	rl->max_inflight = rl->inflight_cap = max_inflight > 0 ? max_inflight : 1;
}

double
ratelimit_ready(const struct ratelimit *rl, int inflight, double cost, double now)
{
	double t = now, w;

	if (inflight >= rl->inflight_cap)
		return -1;
	if (rl->pause_until > t)
		t = rl->pause_until;
	if ((w = tokbucket_wait(&rl->requests, 1, t)) > 0)
		t += w;
	if ((w = tokbucket_wait(&rl->tokens, cost, t)) > 0)
		t += w;
	return t;
}

void
ratelimit_take(struct ratelimit *rl, double cost, double now)
{
	tokbucket_take(&rl->requests, 1, now);
	tokbucket_take(&rl->tokens, cost, now);
}

static void
pause_for(struct ratelimit *rl, double secs, double now)
{
	if (!(secs > 0))
		return;
	if (secs > RATELIMIT_MAX_PAUSE)
		secs = RATELIMIT_MAX_PAUSE;
	if (now + secs > rl->pause_until)
		rl->pause_until = now + secs;
}

/* A count header's value, or -1 when absent or not a number. */
static double
count_of(const char *s)
{
	char *end;
	double d;

	if (s == NULL || *s == '\0')
		return -1;
	d = strtod(s, &end);
	return *end == '\0' && d >= 0 && isfinite(d) ? d : -1;
}

void
ratelimit_answer(struct ratelimit *rl, const struct ratelimit_answer *a, double now)
{
	double n;

	if (a->status == 429) {
		if (rl->last_cut == 0 || now - rl->last_cut >= 1.0) {
			rl->inflight_cap = rl->inflight_cap > 1 ? rl->inflight_cap / 2 : 1;
			rl->last_cut = now;
		}
		rl->successes = 0;
		pause_for(rl, a->retry_delay, now);
	} else if (a->status >= 200 && a->status < 300 &&
	    rl->inflight_cap < rl->max_inflight && ++rl->successes >= rl->inflight_cap) {
		/* One more in flight for every round of successes. */
		rl->inflight_cap++;
		rl->successes = 0;
	}
	if ((n = count_of(a->remaining_requests)) >= 0 && n < 1)
		pause_for(rl, ratelimit_parse_duration(a->reset_requests), now);
	if ((n = count_of(a->remaining_tokens)) >= 0 && n < (a->cost > 1 ? a->cost : 1))
		pause_for(rl, ratelimit_parse_duration(a->reset_tokens), now);
}

double
ratelimit_parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		double secs;
	} units[] = {
		/* Longer names first: "ms" before "m". */
		{ "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 },
		{ "h", 3600 }, { "m", 60 }, { "s", 1 },
	};
	double total = 0, d;
	const char *p = s;
	size_t i, n;
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	while (*p != '\0') {
		if (!(*p >= '0' && *p <= '9') && *p != '.')
			return -1;
		d = strtod(p, &end);
		if (end == p || !isfinite(d))
			return -1;
		p = end;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			n = strlen(units[i].unit);
			if (strncmp(p, units[i].unit, n) == 0)
				break;
		}
		if (i == sizeof(units) / sizeof(units[0]))
			return -1;
		total += d * units[i].secs;
		p += n;
	}
	return total;
}

double
ratelimit_estimate(const char *body, size_t len)
{
	jv v = jv_parse_sized(body, (int)len), m, t;
	double tokens = 0;

	if (jv_get_kind(v) != JV_KIND_OBJECT) {
		jv_free(v);
		return (double)len / 4;
	}
	m = jv_object_get(jv_copy(v), jv_string("messages"));
	if (jv_is_valid(m)) {
		t = jv_dump_string(m, 0);
		tokens = ceil((double)strlen(jv_string_value(t)) / 4);
		jv_free(t);
	} else
		jv_free(m);
	t = jv_object_get(jv_copy(v), jv_string("max_completion_tokens"));
	if (jv_get_kind(t) != JV_KIND_NUMBER) {
		jv_free(t);
		t = jv_object_get(jv_copy(v), jv_string("max_tokens"));
	}
	if (jv_get_kind(t) == JV_KIND_NUMBER && jv_number_value(t) > 0)
		tokens += jv_number_value(t);
	jv_free(t);
	jv_free(v);
	return tokens;
}
