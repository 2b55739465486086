/* lib/ratelimit.c: reset durations, token buckets, pacing from answers. */
#include <math.h>
#include <string.h>

#include "ratelimit.h"
#include "t.h"

#define NEAR(want, got, name) T_OK(fabs((double)(want) - (double)(got)) < 1e-9, (name))

static void
test_durations(void)
{
	NEAR(1, ratelimit_parse_duration("1s"), "1s is one second");
	NEAR(360, ratelimit_parse_duration("6m0s"), "6m0s is six minutes");
	NEAR(0.02, ratelimit_parse_duration("20ms"), "20ms is 0.02 s");
	NEAR(3723.5, ratelimit_parse_duration("1h2m3.5s"), "hours, minutes and fractional seconds add up");
	NEAR(0.5, ratelimit_parse_duration("0.5s"), "a fractional second");
	NEAR(2e-6, ratelimit_parse_duration("2us"), "microseconds");
	NEAR(60.001, ratelimit_parse_duration("1m1ms"), "ms is not minutes then seconds");
	NEAR(-1, ratelimit_parse_duration(NULL), "no header is -1");
	NEAR(-1, ratelimit_parse_duration(""), "an empty value is -1");
	NEAR(-1, ratelimit_parse_duration("5"), "a number without a unit is -1");
	NEAR(-1, ratelimit_parse_duration("-1s"), "a negative duration is -1");
	NEAR(-1, ratelimit_parse_duration("1x"), "an unknown unit is -1");
	NEAR(-1, ratelimit_parse_duration("1s "), "trailing bytes are -1");
	NEAR(-1, ratelimit_parse_duration("infs"), "inf is not a duration");
}

static void
test_bucket(void)
{
	struct tokbucket b;

	tokbucket_init(&b, 120, 100);
	NEAR(0, tokbucket_wait(&b, 1, 100), "a new bucket lets the first request go");
	tokbucket_take(&b, 1, 100);
	NEAR(0, tokbucket_wait(&b, 1, 100), "120 a minute holds a burst of two");
	tokbucket_take(&b, 1, 100);
	NEAR(0.5, tokbucket_wait(&b, 1, 100), "then the third waits half a second");
	NEAR(0.25, tokbucket_wait(&b, 1, 100.25), "less as time passes");
	NEAR(0, tokbucket_wait(&b, 1, 100.5), "and goes when the token is back");
	NEAR(0, tokbucket_wait(&b, 1, 1000), "the level never exceeds the cap...");
	tokbucket_take(&b, 1, 1000);
	tokbucket_take(&b, 1, 1000);
	NEAR(0.5, tokbucket_wait(&b, 1, 1000), "...so a long idle gives no larger burst");

	tokbucket_init(&b, 600, 0);   /* 10 a second, cap 10 */
	NEAR(0, tokbucket_wait(&b, 50, 0), "a request larger than the bucket goes when it is full");
	tokbucket_take(&b, 50, 0);
	NEAR(5, tokbucket_wait(&b, 10, 0), "and its debt is paid before the next");

	tokbucket_init(&b, 0, 0);
	tokbucket_take(&b, 1e9, 0);
	NEAR(0, tokbucket_wait(&b, 1e9, 0), "rate 0 is no limit");

	tokbucket_init(&b, 6, 0);   /* one every 10 s, cap 1 */
	tokbucket_take(&b, 1, 0);
	NEAR(10, tokbucket_wait(&b, 1, 0), "a slow bucket still holds one request");
}

static void
test_answers(void)
{
	struct ratelimit rl;
	struct ratelimit_answer a;

	ratelimit_init(&rl, 8, 0, 0, 0);
	NEAR(0, ratelimit_ready(&rl, 7, 10, 0), "under -P a request starts at once");
	T_OK(ratelimit_ready(&rl, 8, 10, 0) < 0, "at -P it waits for one to end");

	memset(&a, 0, sizeof(a));
	a.status = 429;
	a.retry_delay = 2;
	ratelimit_answer(&rl, &a, 10);
	T_EQ_INT(4, rl.inflight_cap, "a 429 halves the requests in flight");
	NEAR(12, ratelimit_ready(&rl, 0, 10, 10), "and pauses the whole run for its delay");
	ratelimit_answer(&rl, &a, 10.5);
	T_EQ_INT(4, rl.inflight_cap, "429s within a second of the cut are one signal");
	ratelimit_answer(&rl, &a, 11);
	ratelimit_answer(&rl, &a, 12);
	ratelimit_answer(&rl, &a, 13);
	T_EQ_INT(1, rl.inflight_cap, "never below one in flight");

	memset(&a, 0, sizeof(a));
	a.status = 200;
	ratelimit_answer(&rl, &a, 20);
	T_EQ_INT(2, rl.inflight_cap, "a success raises the cap by one");
	ratelimit_answer(&rl, &a, 20);
	T_EQ_INT(2, rl.inflight_cap, "then a round of successes for each more");
	ratelimit_answer(&rl, &a, 20);
	T_EQ_INT(3, rl.inflight_cap, "a round of two raises it to three");

	ratelimit_init(&rl, 4, 0, 0, 0);
	memset(&a, 0, sizeof(a));
	a.status = 200;
	a.remaining_requests = "0";
	a.reset_requests = "1.5s";
	ratelimit_answer(&rl, &a, 100);
	NEAR(101.5, ratelimit_ready(&rl, 0, 1, 100), "no requests remaining pauses until the reset");
	a.remaining_requests = "3";
	a.reset_requests = "10s";
	ratelimit_answer(&rl, &a, 100);
	NEAR(101.5, ratelimit_ready(&rl, 0, 1, 100), "requests remaining do not pause");

	ratelimit_init(&rl, 4, 0, 0, 0);
	a.remaining_requests = NULL;
	a.reset_requests = NULL;
	a.remaining_tokens = "100";
	a.reset_tokens = "6m0s";
	a.cost = 500;
	ratelimit_answer(&rl, &a, 0);
	NEAR(360, ratelimit_ready(&rl, 0, 1, 0), "fewer tokens left than a request costs pauses until their reset");
	ratelimit_init(&rl, 4, 0, 0, 0);
	a.remaining_tokens = "1000";
	ratelimit_answer(&rl, &a, 0);
	NEAR(0, ratelimit_ready(&rl, 0, 1, 0), "enough tokens left do not pause");
	a.remaining_tokens = "junk";
	ratelimit_answer(&rl, &a, 0);
	NEAR(0, ratelimit_ready(&rl, 0, 1, 0), "a count that is not a number is ignored");
	a.remaining_tokens = "0";
	a.reset_tokens = "99999h";
	ratelimit_answer(&rl, &a, 0);
	NEAR(RATELIMIT_MAX_PAUSE, ratelimit_ready(&rl, 0, 1, 0), "a huge reset is capped");

	ratelimit_init(&rl, 4, 120, 0, 0);
	ratelimit_take(&rl, 1, 0);
	ratelimit_take(&rl, 1, 0);
	NEAR(0.5, ratelimit_ready(&rl, 0, 1, 0), "--rpm 120 spaces requests half a second apart");
	ratelimit_init(&rl, 4, 0, 600, 0);
	ratelimit_take(&rl, 30, 0);
	NEAR(3, ratelimit_ready(&rl, 0, 10, 0), "--tpm waits for the tokens a request needs");
}

static void
test_estimate(void)
{
	const char *b = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":100}";

	/* [{"role":"user","content":"hi"}] is 31 bytes: 8 tokens. */
	NEAR(108, ratelimit_estimate(b, strlen(b)), "bytes/4 of the messages plus max_tokens");
	b = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":100,\"max_completion_tokens\":7}";
	NEAR(15, ratelimit_estimate(b, strlen(b)), "max_completion_tokens comes before max_tokens");
	b = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
	NEAR(8, ratelimit_estimate(b, strlen(b)), "without a maximum, only the messages");
}

int
main(void)
{
	test_durations();
	test_bucket();
	test_answers();
	test_estimate();
	return t_done();
}
