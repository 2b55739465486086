/*
 * Pacing a run of many requests (RELIABILITY.md, "Batches"): a cap set
 * ahead of time (--rpm, --tpm, as token buckets), and what the server
 * says about its limits (429 answers and the x-ratelimit-* headers)
 * turned into a pause shared by the whole run and fewer requests in
 * flight.  Pure decisions: the caller passes the time in (monotonic
 * seconds) and asks when the next request may start.
 */
#ifndef GPT_RATELIMIT_H
#define GPT_RATELIMIT_H

#include <stddef.h>

/* The longest pause a reset header can impose, in seconds. */
#define RATELIMIT_MAX_PAUSE 3600.0

/*
 * A token bucket: rate units a second, holding at most cap; it starts
 * full.  A request may take more than the bucket holds when the bucket is
 * full (one large request is never refused for ever): the level then
 * goes below zero and the next request waits for it to refill.
 */
struct tokbucket {
	double rate;       /* units per second; 0: no limit */
	double cap;
	double level;
	double last;       /* when level was last brought up to date */
};

/* A bucket for per_minute units a minute (0: unlimited), full at now. */
void tokbucket_init(struct tokbucket *b, double per_minute, double now);

/* Seconds from now until cost units may be taken (0: at once). */
double tokbucket_wait(const struct tokbucket *b, double cost, double now);

/* Take cost units at now (call when tokbucket_wait said 0). */
void tokbucket_take(struct tokbucket *b, double cost, double now);

struct ratelimit {
	struct tokbucket requests;   /* --rpm */
	struct tokbucket tokens;     /* --tpm */
	int max_inflight;            /* -P */
	int inflight_cap;            /* lowered by 429s, raised back by successes */
	int successes;               /* since the cap was last changed */
	double last_cut;             /* when a 429 last lowered the cap */
	double pause_until;          /* no request starts before this time */
};

/* What one answer said, as far as pacing goes.  Strings borrowed, NULL when absent. */
struct ratelimit_answer {
	long status;                     /* 0: no HTTP answer */
	double retry_delay;              /* for a 429: the wait chosen before its retry */
	const char *remaining_requests;  /* x-ratelimit-remaining-requests */
	const char *remaining_tokens;    /* x-ratelimit-remaining-tokens */
	const char *reset_requests;      /* x-ratelimit-reset-requests */
	const char *reset_tokens;        /* x-ratelimit-reset-tokens */
	double cost;                     /* the token estimate of the request answered */
};

void ratelimit_init(struct ratelimit *rl, int max_inflight, double rpm, double tpm,
    double now);

/*
 * When a request estimated at cost tokens may start, given inflight
 * requests running: now or later, or a negative value when it must wait
 * for a running request to end (too many in flight).
 */
double ratelimit_ready(const struct ratelimit *rl, int inflight, double cost, double now);

/* A request of cost tokens starts at now. */
void ratelimit_take(struct ratelimit *rl, double cost, double now);

/*
 * Learn from an answer: a 429 halves the requests in flight (once a
 * second at most: the 429s of requests sent together are one signal) and
 * pauses the run for its retry delay; remaining-requests 0, or remaining tokens
 * under the cost of the request, pauses the run until the matching reset;
 * a success raises the cap in flight again, one at a time.
 */
void ratelimit_answer(struct ratelimit *rl, const struct ratelimit_answer *a, double now);

/*
 * A reset duration as the API writes it ("1s", "6m0s", "20ms", "1h2m3.5s",
 * "0.5s", "2us"): seconds, or -1 when s is NULL or not such a duration.
 */
double ratelimit_parse_duration(const char *s);

/*
 * The token estimate of a request body (JSON text, borrowed): a token for
 * every 4 bytes of its "messages" value, plus its max_completion_tokens
 * (else max_tokens) when it has one.  len is the length of body.
 */
double ratelimit_estimate(const char *body, size_t len);

#endif
