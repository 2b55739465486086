/*
 * A server-sent-events decoder: bytes in, events out, nothing else.  It
 * keeps the WHATWG rules that the API's streams rely on, and no network
 * or JSON knowledge: what an event means is the caller's business.
 *
 * - Lines end at CR, LF or CRLF, at the byte level, also when the CR ends
 *   one chunk and the LF starts the next.  Nothing else ends a line
 *   (U+2028 is data), so a UTF-8 character split across chunks is whole
 *   again in the event.  A BOM at the very start of the stream is dropped.
 * - A line is split at its first ":" and one leading space of the value is
 *   dropped; a line without ":" is a field with an empty value.  Lines
 *   that start with ":" are comments.  "data" lines join with "\n",
 *   "event" sets the event type, every other field is ignored.
 * - A blank line dispatches the event; an event whose data is empty is
 *   skipped.  An event left open when the input ends is discarded.
 * - Each byte is looked at once, so the work is linear in the input, and
 *   memory is bounded by the cap given to sse_new().
 */
#ifndef GPT_SSE_H
#define GPT_SSE_H

#include <stddef.h>

#include "errmsg.h"

struct sse;     /* opaque */

/*
 * Called once per complete event.  event is the event type ("message"
 * when the stream gave none) and data the joined data lines, len bytes,
 * NUL-terminated (data may hold NUL bytes, so trust len).  Both are
 * borrowed: they are valid only during the call.  Return 0 to go on,
 * anything else to stop; sse_feed() returns that value.
 */
typedef int sse_cb(void *arg, const char *event, const char *data,
    size_t len);

/*
 * A new decoder.  max_event caps what one event may hold: no single line
 * (without its line ending) and no event's joined data may be longer than
 * max_event bytes.  Comment lines are not kept, so they may be of any
 * length.  Never NULL (allocation failure ends the program, as xmalloc).
 */
struct sse *sse_new(size_t max_event);

/* Free the decoder; NULL is allowed. */
void sse_free(struct sse *s);

/*
 * Decode n more bytes of the stream (p is borrowed), calling cb(arg, ...)
 * for each event they complete, in order.  Returns 0 when all of p was
 * decoded; the non-zero value of cb when it asked to stop; or -1 with err
 * set (code GPT_EXIT_NOANSWER) when a line or an event is over the cap.
 *
 * When cb stops the decoder, the bytes of p after that event are kept,
 * and the next sse_feed() decodes them before its own (sse_feed(s, NULL,
 * 0, ...) just resumes), so no byte is lost or seen twice.  After -1 the
 * decoder stays failed: every later sse_feed() returns -1 with the same
 * error until sse_reset() or sse_finish().
 */
int sse_feed(struct sse *s, const char *p, size_t n, sse_cb *cb, void *arg,
    struct gpt_err *err);

/*
 * End of input.  Returns 1 when something was discarded: an unfinished
 * line, an event without its blank line, bytes kept after a stop, or a
 * failed event; else 0.  The decoder is then ready for a new stream, as
 * after sse_reset().
 */
int sse_finish(struct sse *s);

/* Forget everything, as a decoder fresh from sse_new() (the cap stays). */
void sse_reset(struct sse *s);

/* What an event means to a Chat Completions client. */
enum sse_kind {
	SSE_DATA,       /* anything else: the caller parses it (JSON) */
	SSE_DONE,       /* data is exactly "[DONE]": the stream is over */
	SSE_ERROR       /* event type "error": the API reports an error */
};

/*
 * Classify one event as the official SDKs do: "[DONE]" first (it must
 * match exactly: " [DONE]" or "[DONE]\n" are data), then the event type
 * "error".  Whether data holds an "error" object is left to the caller's
 * JSON parsing.  All arguments are borrowed.
 */
enum sse_kind sse_classify(const char *event, const char *data, size_t len);

#endif
