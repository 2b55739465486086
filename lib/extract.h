/*
 * What gpt-extract takes out of a response, with plain jv access (no jq
 * program, so no compile cost at startup), and the assembly of a stream
 * of chat.completion.chunk objects into the response they stand for.
 * Functions borrow their jv arguments unless they say they consume them;
 * every returned jv is a new reference the caller frees.
 */
#ifndef GPT_EXTRACT_H
#define GPT_EXTRACT_H

#include <jv.h>

#include "errmsg.h"

/* The most choices (n) and tool calls per message a stream may hold. */
#define EXTRACT_MAX_INDEX 1024

/*
 * The choices of response resp (borrowed) to work on, as an array of
 * choice objects: all of them when index < 0, else the one whose
 * "index" is index (or, when no choice carries an index, the one at that
 * position).  Returns 0 and sets *out, or -1 with err set (GPT_EXIT_DATA)
 * when resp has no "choices" array or no such choice.
 */
int extract_choices(jv resp, long index, jv *out, struct gpt_err *err);

/* choice.message.content, or jv_null() when absent. */
jv extract_content(jv choice);

/* choice.message.refusal when it is a string, else jv_invalid(). */
jv extract_refusal(jv choice);

/* choice.finish_reason, or jv_null() when absent. */
jv extract_finish_reason(jv choice);

/* choice.message.tool_calls, or an empty array when it has none. */
jv extract_tool_calls(jv choice);

/* resp.usage, or jv_null() when absent. */
jv extract_usage(jv resp);

/*
 * The assistant message of choice as a request takes it back: role,
 * content, and refusal, tool_calls, name, function_call and audio (as its
 * id) when they hold something; fields only responses carry
 * ("annotations") are left out.  jv_null() when there is no message.
 */
jv extract_message(jv choice);

/*
 * Whether finish_reason (borrowed) says the answer was cut short:
 * "length" or "content_filter", or missing altogether (null).
 */
int extract_cut_off(jv finish_reason);

/*
 * Parse the text content (borrowed string) as one JSON value: the answer
 * of JSON mode.  Returns 0 and sets *out, or -1 with err set
 * (GPT_EXIT_DATA) naming the position of the fault.
 */
int extract_parse_json(jv content, jv *out, struct gpt_err *err);

/*
 * The text of an API error body {"error": {...}} (borrowed) as
 * "API error TYPE/CODE: MESSAGE" (either part of TYPE/CODE when only one
 * is given) into buf of size n.
 */
void extract_api_error(jv body, char *buf, size_t n);

/*
 * For live printing of a stream: the content piece of chunk (borrowed)
 * for the choice with index index (a string), or jv_invalid() when the
 * chunk has none for it.
 */
jv extract_chunk_content(jv chunk, long index);

/* Whether chunk (borrowed) gives choice index a finish_reason. */
int extract_chunk_finished(jv chunk, long index);

/* A stream of chunks being assembled into one response. */
struct extract_stream;

/* Keep only whether content came, not its text (for live printing). */
#define EXTRACT_STREAM_NO_TEXT 1

struct extract_stream *extract_stream_new(int flags);
void extract_stream_free(struct extract_stream *s);

/* Whether chunks are held (a stream has begun and not been finished). */
int extract_stream_active(const struct extract_stream *s);

/*
 * Whether chunk (borrowed) belongs to the stream being assembled: true
 * when none is, or when the ids agree (or either has none), unless the
 * chunk brings more to a choice that has its finish_reason already (the
 * same stream once more).  A usage chunk (no choices) continues.
 */
int extract_stream_continues(const struct extract_stream *s, jv chunk);

/*
 * Add chunk (borrowed): content and refusal pieces concatenated, tool
 * calls merged by index with their arguments concatenated, the
 * finish_reason, the usage.  Returns 0, or -1 with err set
 * (GPT_EXIT_DATA) for a chunk it cannot place (an index over
 * EXTRACT_MAX_INDEX); the stream is unchanged then.
 */
int extract_stream_add(struct extract_stream *s, jv chunk, struct gpt_err *err);

/*
 * The response the chunks stand for, as a chat.completion object with
 * its choices in index order; the stream is emptied for the next one.
 */
jv extract_stream_finish(struct extract_stream *s);

#endif
