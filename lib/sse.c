/*
 * A server-sent-events decoder (see sse.h for the rules it keeps).
 *
 * The bytes of a line are appended to one buffer as they arrive and
 * looked at once more when the line ends, so a stream fed one byte at a
 * time costs what it costs fed whole.  The only state that crosses chunk
 * boundaries is the pending line, the event being built, a pending CR
 * (whose LF may start the next chunk) and how much of a BOM was seen.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exitcode.h"
#include "sse.h"
#include "xalloc.h"

static const char bom[] = "\xEF\xBB\xBF";

struct sse {
	size_t max;
	struct buf line;        /* the current line, without its ending */
	struct buf data;        /* each data value followed by "\n" */
	struct buf event;       /* the event type; empty means "message" */
	struct buf held;        /* bytes after a stop, decoded next time */
	int bom;                /* BOM bytes matched; -1 past the start */
	int cr;                 /* the last byte was CR: an LF pairs with it */
	int inline_;            /* some byte of the current line was seen */
	int comment;            /* the current line is a comment, not kept */
	int open;               /* a field line since the last blank line */
	int failed;
	struct gpt_err ferr;    /* why, once failed */
};

struct sse *
sse_new(size_t max_event)
{
	struct sse *s = xcalloc(1, sizeof(*s));

	s->max = max_event;
	buf_init(&s->line, max_event);
	/* Room for the "\n" that follows the last data value. */
	buf_init(&s->data, max_event < SIZE_MAX ? max_event + 1 : SIZE_MAX);
	buf_init(&s->event, max_event);
	buf_init(&s->held, SIZE_MAX);
	sse_reset(s);
	return s;
}

void
sse_free(struct sse *s)
{
	if (s == NULL)
		return;
	buf_release(&s->line);
	buf_release(&s->data);
	buf_release(&s->event);
	buf_release(&s->held);
	free(s);
}

void
sse_reset(struct sse *s)
{
	buf_reset(&s->line);
	buf_reset(&s->data);
	buf_reset(&s->event);
	buf_reset(&s->held);
	s->bom = 0;
	s->cr = 0;
	s->inline_ = 0;
	s->comment = 0;
	s->open = 0;
	s->failed = 0;
	gpt_err_clear(&s->ferr);
}

int
sse_finish(struct sse *s)
{
	int partial = s->inline_ || s->open || s->held.len > 0 ||
	    s->failed || s->bom > 0;

	sse_reset(s);
	return partial;
}

/* Mark the decoder failed: the stream cannot be trusted after a lost event. */
static int
fail(struct sse *s, struct gpt_err *err)
{
	s->failed = 1;
	gpt_err_set(&s->ferr, GPT_EXIT_NOANSWER,
	    "server-sent event: over %zu bytes", s->max);
	if (err != NULL)
		*err = s->ferr;
	return -1;
}

/* A blank line: hand the event over, unless its data is empty. */
static int
dispatch(struct sse *s, sse_cb *cb, void *arg)
{
	int r = 0;

	s->open = 0;
	/* data.len 1 is a single empty value: empty data, skipped. */
	if (s->data.len > 1) {
		size_t len = s->data.len - 1;

		s->data.data[len] = '\0';      /* the last "\n" */
		r = cb(arg, s->event.len > 0 ? s->event.data : "message",
		    s->data.data, len);
	}
	buf_reset(&s->data);
	buf_reset(&s->event);
	return r;
}

static int
field_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(name, want, len) == 0;
}

/* A whole line has arrived (its ending already skipped). */
static int
line_end(struct sse *s, sse_cb *cb, void *arg, struct gpt_err *err)
{
	const char *name = s->line.data, *colon, *val;
	size_t nlen, vlen;
	int was_comment = s->comment;

	s->inline_ = 0;
	s->comment = 0;
	if (was_comment)
		return 0;
	if (s->line.len == 0)
		return dispatch(s, cb, arg);

	s->open = 1;
	colon = memchr(name, ':', s->line.len);
	if (colon == NULL) {
		nlen = s->line.len;
		val = "";
		vlen = 0;
	} else {
		nlen = (size_t)(colon - name);
		val = colon + 1;
		vlen = s->line.len - nlen - 1;
		if (vlen > 0 && *val == ' ') {
			val++;
			vlen--;
		}
	}
	if (field_is(name, nlen, "data")) {
		/* data.len counts the "\n" joining the earlier values. */
		if (s->data.len > s->max || vlen > s->max - s->data.len ||
		    buf_add(&s->data, val, vlen) < 0 ||
		    buf_addc(&s->data, '\n') < 0)
			return fail(s, err);
	} else if (field_is(name, nlen, "event")) {
		buf_reset(&s->event);
		if (buf_add(&s->event, val, vlen) < 0)
			return fail(s, err);
	}
	buf_reset(&s->line);
	return 0;
}

/* Start the current line, if this is its first byte. */
static void
line_begin(struct sse *s, char c)
{
	if (!s->inline_) {
		s->inline_ = 1;
		s->comment = c == ':';
	}
}

/*
 * Decode p; *used tells how far it got when a callback stopped it.
 * A BOM is looked for only at the very start of the stream, one byte at a
 * time, since it may itself be split across chunks.
 */
static int
decode(struct sse *s, const char *p, size_t n, sse_cb *cb, void *arg,
    struct gpt_err *err, size_t *used)
{
	size_t i = 0, j;
	int r;

	while (i < n) {
		if (s->bom >= 0) {
			if (p[i] == bom[s->bom]) {
				i++;
				if (++s->bom == 3)
					s->bom = -1;
				continue;
			}
			/* Not a BOM after all: its first bytes were line text. */
			if (s->bom > 0) {
				line_begin(s, bom[0]);
				if (buf_add(&s->line, bom, (size_t)s->bom) < 0)
					return fail(s, err);
			}
			s->bom = -1;
		}
		if (s->cr) {
			s->cr = 0;
			if (p[i] == '\n') {
				i++;
				continue;
			}
		}
		for (j = i; j < n && p[j] != '\r' && p[j] != '\n'; j++)
			;
		if (j > i) {
			line_begin(s, p[i]);
			if (!s->comment && buf_add(&s->line, p + i, j - i) < 0)
				return fail(s, err);
		}
		if (j == n)
			break;
		s->cr = p[j] == '\r';
		i = j + 1;
		if ((r = line_end(s, cb, arg, err)) != 0) {
			*used = i;
			return r;
		}
	}
	*used = n;
	return 0;
}

/* Keep bytes that a stopped call did not decode, for the next call. */
static void
hold(struct sse *s, const char *p, size_t n)
{
	/* The cap of held is SIZE_MAX: this cannot fail short of memory. */
	(void)buf_add(&s->held, p, n);
}

int
sse_feed(struct sse *s, const char *p, size_t n, sse_cb *cb, void *arg,
    struct gpt_err *err)
{
	size_t used;
	int r;

	if (s->failed) {
		if (err != NULL)
			*err = s->ferr;
		return -1;
	}
	if (s->held.len > 0) {
		size_t hn;
		char *h = buf_detach(&s->held, &hn);

		r = decode(s, h, hn, cb, arg, err, &used);
		if (r != 0 && !s->failed) {
			hold(s, h + used, hn - used);
			hold(s, p, n);
		}
		free(h);
		if (r != 0)
			return r;
	}
	if (n == 0)
		return 0;
	r = decode(s, p, n, cb, arg, err, &used);
	if (r != 0 && !s->failed)
		hold(s, p + used, n - used);
	return r;
}

enum sse_kind
sse_classify(const char *event, const char *data, size_t len)
{
	if (len == 6 && memcmp(data, "[DONE]", 6) == 0)
		return SSE_DONE;
	if (strcmp(event, "error") == 0)
		return SSE_ERROR;
	return SSE_DATA;
}
