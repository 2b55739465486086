/*
 * libFuzzer target for lib/sse: the events of a stream must not depend on
 * how the stream is cut into chunks, nor on the callback stopping the
 * decoder and resuming it.  The first three bytes choose the cap on an
 * event, the chunk size and after how many events the callback stops;
 * the rest is the stream, decoded whole, then again in chunks with stops,
 * then again by the same decoder after sse_finish().  All three must give
 * the same events, the same failure (one line, code 4) and the same
 * sse_finish() answer, and no event may exceed the cap.
 *
 * sources: sse buf errmsg xalloc
 * dict: sse
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exitcode.h"
#include "sse.h"

struct run {
	struct buf log;         /* every event: type, NUL, length, data */
	size_t cap;
	unsigned long stop_every, seen;
};

static int
on_event(void *arg, const char *event, const char *data, size_t len)
{
	struct run *r = arg;
	char n[32];
	enum sse_kind k;

	if (event == NULL || data == NULL || data[len] != '\0' ||
	    len == 0 || len > r->cap ||
	    (strlen(event) > r->cap && strcmp(event, "message") != 0))
		abort();
	k = sse_classify(event, data, len);
	if ((k == SSE_DONE) != (len == 6 && memcmp(data, "[DONE]", 6) == 0))
		abort();
	if (k == SSE_ERROR && strcmp(event, "error") != 0)
		abort();
	snprintf(n, sizeof(n), "%zu:", len);
	if (buf_adds(&r->log, event) < 0 || buf_addc(&r->log, '\0') < 0 ||
	    buf_adds(&r->log, n) < 0 || buf_add(&r->log, data, len) < 0)
		abort();
	r->seen++;
	return r->stop_every && r->seen % r->stop_every == 0 ? 7 : 0;
}

/* Decode p[0..n) in pieces of step bytes; returns -1 on failure, else 0. */
static int
decode(struct sse *s, const char *p, size_t n, size_t step, struct run *r)
{
	struct gpt_err err;
	size_t i, k;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i += k) {
		k = n - i < step ? n - i : step;
		rc = sse_feed(s, p + i, k, on_event, r, &err);
		while (rc == 7)
			rc = sse_feed(s, NULL, 0, on_event, r, &err);
	}
	if (rc == -1 && (err.code != GPT_EXIT_NOANSWER ||
	    err.msg[0] == '\0' || strchr(err.msg, '\n') != NULL))
		abort();
	if (rc != 0 && rc != -1)
		abort();
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, cut, again;
	struct sse *s, *t;
	const char *p = (const char *)data + 3;
	size_t n, cap, step;
	int rw, rc, ra, fw, fc, fa;

	if (size < 3)
		return 0;
	n = size - 3;
	cap = data[0] ? (size_t)data[0] * 3 : (size_t)1 << 20;
	step = (size_t)(data[1] % 17) + 1;

	memset(&whole, 0, sizeof(whole));
	buf_init(&whole.log, SIZE_MAX);
	whole.cap = cap;
	cut = again = whole;
	cut.stop_every = data[2] % 4;

	s = sse_new(cap);
	t = sse_new(cap);
	rw = decode(s, p, n, n ? n : 1, &whole);
	fw = sse_finish(s);
	rc = decode(t, p, n, step, &cut);
	fc = sse_finish(t);
	ra = decode(s, p, n, n ? n : 1, &again);
	fa = sse_finish(s);
	if (rw != rc || rw != ra || fw != fc || fw != fa)
		abort();
	if (whole.log.len != cut.log.len || whole.log.len != again.log.len ||
	    (whole.log.len > 0 && (memcmp(whole.log.data, cut.log.data, whole.log.len) != 0 ||
	    memcmp(whole.log.data, again.log.data, whole.log.len) != 0)))
		abort();
	sse_free(s);
	sse_free(t);
	buf_release(&whole.log);
	buf_release(&cut.log);
	buf_release(&again.log);
	return 0;
}
