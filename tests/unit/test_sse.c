/* lib/sse.c: how a byte stream becomes server-sent events, however it is cut. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exitcode.h"
#include "sse.h"
#include "t.h"

/* What the decoder handed over: "type=data|" per event. */
struct seen {
	struct buf out;
	int stop_at;    /* stop (return 7) at this event number, 1-based */
	int count;
};

static int
collect(void *arg, const char *event, const char *data, size_t len)
{
	struct seen *sn = arg;

	buf_adds(&sn->out, event);
	buf_addc(&sn->out, '=');
	buf_add(&sn->out, data, len);
	buf_addc(&sn->out, '|');
	if (data[len] != '\0')
		buf_adds(&sn->out, "<no NUL>");
	return ++sn->count == sn->stop_at ? 7 : 0;
}

static void
seen_init(struct seen *sn)
{
	buf_init(&sn->out, 1 << 24);
	sn->stop_at = 0;
	sn->count = 0;
}

/* Feed s cut at the offsets in cuts (ncuts of them, ascending). */
static int
feed_cut(struct sse *d, const char *s, size_t n, const size_t *cuts,
    size_t ncuts, struct seen *sn)
{
	struct gpt_err err;
	size_t at = 0, k;
	int r;

	for (k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : n;

		if ((r = sse_feed(d, s + at, end - at, collect, sn, &err)) != 0)
			return r;
		at = end;
	}
	return 0;
}

/* Events from s fed whole; *partial gets sse_finish(). */
static void
decode_all(const char *s, size_t n, size_t max, struct seen *sn, int *partial)
{
	struct sse *d = sse_new(max);

	seen_init(sn);
	feed_cut(d, s, n, NULL, 0, sn);
	*partial = sse_finish(d);
	sse_free(d);
}

#define EXPECT(stream, want, name) do { \
	struct seen sn_; int p_; \
	decode_all((stream), sizeof(stream) - 1, 4096, &sn_, &p_); \
	T_EQ_MEM((want), sizeof(want) - 1, sn_.out.data ? sn_.out.data : "", \
	    sn_.out.len, (name)); \
	buf_release(&sn_.out); \
} while (0)

static void
test_lines_and_fields(void)
{
	EXPECT("data: hello\n\n", "message=hello|", "one data line and a blank line make an event");
	EXPECT("data:x\n\n", "message=x|", "data:x has the value x");
	EXPECT("data: x\n\n", "message=x|", "data: x drops the one leading space");
	EXPECT("data:  x\n\n", "message= x|", "data:  x drops only one of two spaces");
	EXPECT("data:\tx\n\n", "message=\tx|", "a leading tab is kept");
	EXPECT("data: a: b\n\n", "message=a: b|", "a line splits at its first colon only");
	EXPECT("data::x\n\n", "message=:x|", "a colon right after the field is value");
	EXPECT("data: x \n\n", "message=x |", "trailing spaces are kept");
	EXPECT("data: a\ndata: b\ndata: c\n\n", "message=a\nb\nc|", "several data lines join with LF");
	EXPECT("data: a\ndata:\ndata: c\n\n", "message=a\n\nc|", "an empty data line joins as an empty line");
	EXPECT("data: a\n\ndata: b\n\n", "message=a|message=b|", "each blank line dispatches its own event");
	EXPECT("data: a\n\n\n\n\ndata: b\n\n", "message=a|message=b|", "extra blank lines dispatch nothing");
	EXPECT("data: a\0b\n\n", "message=a\0b|", "a NUL byte is data, counted by len");
}

static void
test_line_endings(void)
{
	EXPECT("data: a\r\n\r\n", "message=a|", "CRLF ends lines");
	EXPECT("data: a\r\r", "message=a|", "CR alone ends lines");
	EXPECT("data: a\rdata: b\ndata: c\r\n\n", "message=a\nb\nc|", "CR, LF and CRLF mix in one stream");
	EXPECT("data: a\n\r\n", "message=a|", "LF then CRLF is a line and a blank line");
	EXPECT("data: a\r\n\ndata: b\n\n", "message=a|message=b|", "CRLF then LF is a line and a blank line");
	EXPECT("data: a\xE2\x80\xA8" "b\n\n", "message=a\xE2\x80\xA8" "b|", "U+2028 is data, not a line break");
	EXPECT("data: a\xC2\x85" "b\n\n", "message=a\xC2\x85" "b|", "U+0085 is data, not a line break");
	EXPECT("data: a\x0B\x0C" "b\n\n", "message=a\x0B\x0C" "b|", "VT and FF are data");
}

static void
test_cr_lf_across_chunks(void)
{
	struct sse *d = sse_new(4096);
	struct seen sn;
	struct gpt_err err;

	seen_init(&sn);
	sse_feed(d, "data: a\r", 8, collect, &sn, &err);
	sse_feed(d, "\ndata: b\r", 9, collect, &sn, &err);
	sse_feed(d, "\n\r", 2, collect, &sn, &err);
	sse_feed(d, "\n", 1, collect, &sn, &err);
	T_EQ_STR("message=a\nb|", sn.out.data, "a CR ending one chunk and an LF starting the next are one line ending");
	T_EQ_INT(0, sse_finish(d), "after CRLF split across chunks nothing is pending");
	buf_reset(&sn.out);
	sse_feed(d, "data: a\r", 8, collect, &sn, &err);
	sse_feed(d, "\r", 1, collect, &sn, &err);
	T_EQ_STR("message=a|", sn.out.data, "CR ending a chunk then CR starting the next is a blank line");
	sse_free(d);
	buf_release(&sn.out);
}

static void
test_bom(void)
{
	struct sse *d = sse_new(4096);
	struct seen sn;
	struct gpt_err err;

	EXPECT("\xEF\xBB\xBF" "data: a\n\n", "message=a|", "a leading BOM is dropped");
	EXPECT("\xEF\xBB\xBF" ": hi\ndata: a\n\n", "message=a|", "a comment right after the BOM is still a comment");
	EXPECT("\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\n", "", "only one BOM is dropped: a second makes an unknown field");
	EXPECT("data: \xEF\xBB\xBF" "a\n\n", "message=\xEF\xBB\xBF" "a|", "a BOM inside the stream is data");
	EXPECT("\xEF\xBB" "data: a\n\ndata: b\n\n", "message=b|", "half a BOM is line text, not dropped");
	EXPECT("\xEF\n" "data: a\n\n", "message=a|", "a stray BOM byte alone on a line is an unknown field");

	seen_init(&sn);
	sse_feed(d, "\xEF", 1, collect, &sn, &err);
	sse_feed(d, "\xBB", 1, collect, &sn, &err);
	sse_feed(d, "\xBF" "da", 3, collect, &sn, &err);
	sse_feed(d, "ta: a\n\n", 7, collect, &sn, &err);
	T_EQ_STR("message=a|", sn.out.data, "a BOM split across chunks is dropped");
	T_EQ_INT(0, sse_finish(d), "a dropped BOM is not pending input");
	buf_reset(&sn.out);
	sse_feed(d, "\xEF\xBB\xBF" "data: b\n\n", 12, collect, &sn, &err);
	T_EQ_STR("message=b|", sn.out.data, "after sse_finish the next stream's BOM is dropped too");
	sse_free(d);
	buf_release(&sn.out);
}

static void
test_comments_and_unknown_fields(void)
{
	EXPECT(": keep-alive\n\ndata: x\n\n", "message=x|", "a comment line is ignored");
	EXPECT("data: a\n: note\ndata: b\n\n", "message=a\nb|", "a comment between data lines keeps the event whole");
	EXPECT(":\n\n", "", "a bare colon is a comment");
	EXPECT("id: 1\nretry: 10\nfoo: bar\ndata: x\n\n", "message=x|", "id, retry and unknown fields are ignored");
	EXPECT("Data: x\n\n", "", "field names are case-sensitive");
	EXPECT(" data: x\n\n", "", "a leading space makes another field name");
	EXPECT("data\n\n", "", "data without a colon is an empty value: skipped");
	EXPECT("data\ndata\n\n", "message=\n|", "two empty data values join to one LF");
	EXPECT("data\ndata: x\n\n", "message=\nx|", "a field without colon joins like data:");
	EXPECT("event\ndata: x\n\n", "message=x|", "event without a value means message");
}

static void
test_event_type(void)
{
	EXPECT("event: error\ndata: {}\n\n", "error={}|", "event: sets the event type");
	EXPECT("event: error\ndata: a\n\ndata: b\n\n", "error=a|message=b|", "the event type ends with its event");
	EXPECT("event: a\nevent: b\ndata: x\n\n", "b=x|", "the last event: line wins");
	EXPECT("event: error\n\ndata: x\n\n", "message=x|", "the type of a skipped event does not leak to the next");
	EXPECT("data: x\nevent: ping\n\n", "ping=x|", "event: may come after data:");
}

static void
test_empty_data_skipped(void)
{
	EXPECT("data:\n\n", "", "data: with nothing is skipped");
	EXPECT("data: \n\n", "", "data: and one space is skipped");
	EXPECT("event: ping\n\n", "", "an event without data is skipped");
	EXPECT("\n\n\n", "", "blank lines alone give nothing");
	EXPECT("data:\n\ndata: y\n\n", "message=y|", "an empty event does not hold back the next");
}

static void
test_partial_at_end(void)
{
	struct seen sn;
	int partial;

	decode_all("data: a\n\ndata: b\n", 18, 4096, &sn, &partial);
	T_EQ_STR("message=a|", sn.out.data, "an event without its blank line at the end is discarded");
	T_EQ_INT(1, partial, "sse_finish reports the discarded event");
	buf_release(&sn.out);

	decode_all("data: a\n\ndata: b", 16, 4096, &sn, &partial);
	T_EQ_STR("message=a|", sn.out.data, "an unfinished line at the end is discarded");
	T_EQ_INT(1, partial, "sse_finish reports the unfinished line");
	buf_release(&sn.out);

	decode_all("data: a\n\n", 9, 4096, &sn, &partial);
	T_EQ_INT(0, partial, "sse_finish reports nothing after a complete stream");
	buf_release(&sn.out);

	decode_all("data: a\n\n: bye\n", 15, 4096, &sn, &partial);
	T_EQ_INT(0, partial, "a finished comment at the end is not a partial event");
	buf_release(&sn.out);

	decode_all("data: a\r", 8, 4096, &sn, &partial);
	T_EQ_STR("", sn.out.data ? sn.out.data : "", "a line ended by CR but no blank line is not dispatched");
	T_EQ_INT(1, partial, "sse_finish reports it");
	buf_release(&sn.out);
}

/*
 * A stream with everything at once: BOM, CRLF, CR, comments, UTF-8
 * characters of 2, 3 and 4 bytes (so some cut lands inside each),
 * U+2028, multi-line data, an error event and [DONE].
 */
static const char rich[] =
    "\xEF\xBB\xBF" ": keep-alive\r\n\r\n"
    "data: {\"c\":\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\"}\r\n\r\n"
    "event: ping\rdata: a\xE2\x80\xA8" "b\r\r"
    "data: line1\ndata:line2\ndata:  line3\n: c\nid: 9\n\n"
    "event: error\ndata: {\"error\":{}}\r\n\r\n"
    "data:\n\n"
    "data: [DONE]\n\n";

static const char rich_want[] =
    "message={\"c\":\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\"}|"
    "ping=a\xE2\x80\xA8" "b|"
    "message=line1\nline2\n line3|"
    "error={\"error\":{}}|"
    "message=[DONE]|";

static void
test_every_split(void)
{
	size_t n = sizeof(rich) - 1, want = sizeof(rich_want) - 1;
	size_t a, b, cuts[2], *bytes;
	int bad1 = 0, bad2 = 0, badb = 0, badfin = 0;
	struct seen sn;
	struct sse *d = sse_new(4096);

	seen_init(&sn);
	feed_cut(d, rich, n, NULL, 0, &sn);
	T_EQ_MEM(rich_want, want, sn.out.data, sn.out.len, "the whole stream gives the expected events");
	T_EQ_INT(0, sse_finish(d), "the whole stream leaves nothing pending");

	for (a = 0; a <= n; a++) {
		buf_reset(&sn.out);
		cuts[0] = a;
		feed_cut(d, rich, n, cuts, 1, &sn);
		bad1 += sn.out.len != want || memcmp(sn.out.data, rich_want, want) != 0;
		badfin += sse_finish(d) != 0;
	}
	T_EQ_INT(0, bad1, "cut once at every byte offset, the same events come out");
	T_EQ_INT(0, badfin, "cut once at every offset, nothing is left pending");

	for (a = 0; a <= n; a++)
		for (b = a; b <= n; b++) {
			buf_reset(&sn.out);
			cuts[0] = a;
			cuts[1] = b;
			feed_cut(d, rich, n, cuts, 2, &sn);
			bad2 += sn.out.len != want || memcmp(sn.out.data, rich_want, want) != 0;
			sse_finish(d);
		}
	T_EQ_INT(0, bad2, "cut twice at every pair of offsets, the same events come out");

	bytes = malloc(n * sizeof(*bytes));
	for (a = 0; a < n; a++)
		bytes[a] = a + 1;
	buf_reset(&sn.out);
	feed_cut(d, rich, n, bytes, n, &sn);
	badb = sn.out.len != want || memcmp(sn.out.data, rich_want, want) != 0;
	T_EQ_INT(0, badb, "fed byte by byte, the same events come out");
	T_EQ_INT(0, sse_finish(d), "fed byte by byte, nothing is left pending");
	free(bytes);
	sse_free(d);
	buf_release(&sn.out);
}

static void
test_cap(void)
{
	struct sse *d = sse_new(16);
	struct seen sn;
	struct gpt_err err;
	const char *big;
	size_t i;
	int r;

	seen_init(&sn);
	r = sse_feed(d, "data:0123456789a\n\n", 18, collect, &sn, &err);
	T_EQ_INT(0, r, "a line of exactly the cap is accepted");
	T_EQ_STR("message=0123456789a|", sn.out.data, "and its event comes out");

	r = sse_feed(d, "data:01234567\ndata:0123456\n\n", 28, collect, &sn, &err);
	T_EQ_INT(0, r, "joined data of exactly the cap is accepted");

	gpt_err_clear(&err);
	r = sse_feed(d, "data:0123456789ab\n", 18, collect, &sn, &err);
	T_EQ_INT(-1, r, "a line one byte over the cap fails");
	T_EQ_INT(GPT_EXIT_NOANSWER, err.code, "with the no-usable-answer code");
	T_EQ_STR("server-sent event: over 16 bytes", err.msg, "and a message naming the cap");

	gpt_err_clear(&err);
	r = sse_feed(d, "\ndata: x\n\n", 10, collect, &sn, &err);
	T_EQ_INT(-1, r, "once failed, the decoder keeps failing");
	T_EQ_INT(GPT_EXIT_NOANSWER, err.code, "with the same error");
	T_EQ_INT(1, sse_finish(d), "sse_finish reports the failed event as discarded");

	buf_reset(&sn.out);
	r = sse_feed(d, "data:01234567\ndata:01234567\n\n", 30, collect, &sn, &err);
	T_EQ_INT(-1, r, "joined data one byte over the cap fails, though each line fits");
	sse_reset(d);

	r = sse_feed(d, "data: ok\n\n", 10, collect, &sn, &err);
	T_EQ_INT(0, r, "after sse_reset the decoder works again");
	T_EQ_STR("message=ok|", sn.out.data, "and decodes the next stream");

	buf_reset(&sn.out);
	r = sse_feed(d, ": ", 2, collect, &sn, &err);
	for (i = 0; i < 1000 && r == 0; i++)
		r = sse_feed(d, "xxxxxxxxxx", 10, collect, &sn, &err);
	r = r ? r : sse_feed(d, "\ndata: after\n\n", 14, collect, &sn, &err);
	T_EQ_INT(0, r, "a comment far longer than the cap is not kept, so not refused");
	T_EQ_STR("message=after|", sn.out.data, "and the event after it comes out");
	sse_free(d);

	/* A large event fed a byte at a time comes out whole. */
	d = sse_new(1 << 20);
	buf_reset(&sn.out);
	sse_feed(d, "data: ", 6, collect, &sn, &err);
	big = "0123456789abcdef";
	for (i = 0, r = 0; i < (256u << 10) && r == 0; i++)
		r = sse_feed(d, big + i % 16, 1, collect, &sn, &err);
	sse_feed(d, "\n\n", 2, collect, &sn, &err);
	T_EQ_INT(0, r, "a 256 KiB event fed byte by byte is accepted");
	T_EQ_INT(sizeof("message=|") - 1 + (256u << 10), sn.out.len, "and comes out whole");
	sse_free(d);
	buf_release(&sn.out);
}

static void
test_stop(void)
{
	const char s[] = "data: a\n\ndata: b\n\ndata: c\r";
	struct sse *d = sse_new(4096);
	struct seen sn;
	struct gpt_err err;
	int r;

	seen_init(&sn);
	sn.stop_at = 2;
	r = sse_feed(d, s, sizeof(s) - 1, collect, &sn, &err);
	T_EQ_INT(7, r, "a callback's non-zero value stops sse_feed and is returned");
	T_EQ_STR("message=a|message=b|", sn.out.data, "no event after the stop is handed over");
	r = sse_feed(d, "\n\n", 2, collect, &sn, &err);
	T_EQ_INT(0, r, "the next sse_feed goes on");
	T_EQ_STR("message=a|message=b|message=c|", sn.out.data,
	    "the bytes after the stop are decoded first, CRLF across the calls intact");
	T_EQ_INT(0, sse_finish(d), "nothing is left once they are decoded");

	buf_reset(&sn.out);
	sn.count = 0;
	sn.stop_at = 1;
	r = sse_feed(d, s, sizeof(s) - 1, collect, &sn, &err);
	T_EQ_INT(7, r, "stopped at the first event");
	r = sse_feed(d, NULL, 0, collect, &sn, &err);
	T_EQ_STR("message=a|message=b|", sn.out.data, "sse_feed with no bytes resumes the kept ones");
	T_EQ_INT(1, sse_finish(d), "sse_finish reports an unfinished event among kept bytes");

	buf_reset(&sn.out);
	sn.count = 0;
	sn.stop_at = 1;
	sse_feed(d, s, sizeof(s) - 1, collect, &sn, &err);
	T_EQ_INT(1, sse_finish(d), "bytes kept after a stop and never fed are reported as discarded");
	sse_free(d);
	buf_release(&sn.out);
}

static void
test_classify(void)
{
	T_EQ_INT(SSE_DONE, sse_classify("message", "[DONE]", 6), "[DONE] ends the stream");
	T_EQ_INT(SSE_DATA, sse_classify("message", " [DONE]", 7), "[DONE] with a leading space is data");
	T_EQ_INT(SSE_DATA, sse_classify("message", "[DONE]\n", 7), "[DONE] with a trailing LF is data");
	T_EQ_INT(SSE_DATA, sse_classify("message", "[done]", 6), "[done] in lower case is data");
	T_EQ_INT(SSE_DATA, sse_classify("message", "[DONE]x", 6 + 1), "[DONE]x is data");
	T_EQ_INT(SSE_ERROR, sse_classify("error", "{\"error\":{}}", 12), "event type error is an error");
	T_EQ_INT(SSE_DATA, sse_classify("Error", "{}", 2), "event types are case-sensitive");
	T_EQ_INT(SSE_DONE, sse_classify("error", "[DONE]", 6), "[DONE] is looked at first, as the SDKs do");
	T_EQ_INT(SSE_DATA, sse_classify("message", "{\"error\":{}}", 12), "an error object in data is for the caller to find");
}

int
main(void)
{
	test_lines_and_fields();
	test_line_endings();
	test_cr_lf_across_chunks();
	test_bom();
	test_comments_and_unknown_fields();
	test_event_type();
	test_empty_data_skipped();
	test_partial_at_end();
	test_every_split();
	test_cap();
	test_stop();
	test_classify();
	sse_free(NULL);
	return t_done();
}
