/*
 * Building a Chat Completions request: the messages in order, the model,
 * and the parameters, written in one canonical key order so that the same
 * input always gives the same bytes.  Also continuing a conversation from
 * an earlier request and its answer (a response, a batch output line or
 * streamed chunks), and the Batch API input line around a request.
 *
 * struct msg_req owns its jv members.  Functions borrow their jv
 * arguments unless they say they consume them.
 */
#ifndef GPT_MSG_H
#define GPT_MSG_H

#include <stddef.h>

#include <jv.h>

#include "errmsg.h"

/* The model when neither -m, an earlier request nor $GPT_MODEL names one. */
#define MSG_DEFAULT_MODEL "gpt-4o-mini"

struct msg_req {
	jv model;     /* a string, or jv_invalid() while none is set */
	jv messages;  /* an array of message objects */
	jv params;    /* an array of [key, value] pairs, in order of first setting */
	jv stream;    /* streamed answer being gathered: {"role","content"} or invalid */
};

void msg_req_init(struct msg_req *r);

/* Free what r holds; msg_req_init it again before using it again. */
void msg_req_release(struct msg_req *r);

/* Make dst (not initialised) an independent copy of src. */
void msg_req_copy(struct msg_req *dst, const struct msg_req *src);

/* Append the message {"role": role, "content": text[0..n)}. */
void msg_req_add(struct msg_req *r, const char *role, const char *text, size_t n);

/*
 * Append text[0..n) to the last user message at index >= from, after a
 * blank line ("\n\n"), byte for byte; when there is no such message, add
 * text as a new user message.  Earlier messages (before from) are never
 * changed.
 */
void msg_req_append_user(struct msg_req *r, size_t from, const char *text, size_t n);

/* Number of messages so far. */
size_t msg_req_count(const struct msg_req *r);

/*
 * Set parameter key to val (consumed).  A key set again keeps its place
 * and takes the new value.  "model" sets the model.
 */
void msg_req_set(struct msg_req *r, const char *key, jv val);

/* Set every parameter and the model of src on dst, in src's order. */
void msg_req_overlay(struct msg_req *dst, const struct msg_req *src);

/*
 * Take one item of an earlier conversation (borrowed): a request or a
 * batch input line replaces the conversation and its parameters; a
 * response or a batch output line appends the assistant message of its
 * first choice; consecutive stream chunks are gathered into one assistant
 * message.  Returns 0, or -1 with err set (GPT_EXIT_DATA) for any other
 * shape, an error answer, or an answer with no message.
 */
int msg_req_take(struct msg_req *r, jv item, struct gpt_err *err);

/* End of the earlier conversation: close a gathered stream.  As above. */
int msg_req_take_end(struct msg_req *r, struct gpt_err *err);

/*
 * The request as a new jv object, keys in canonical order: model,
 * messages, then temperature, top_p, max_tokens, n, seed, stop,
 * response_format, then every other parameter in the order first set.
 * default_model is used when r names none.
 */
jv msg_req_build(const struct msg_req *r, const char *default_model);

/*
 * Whether some message's text (a string content, or the text of its
 * content parts) holds "json" in any letter case.  messages is borrowed.
 */
int msg_has_json_word(jv messages);

/*
 * Check a built request (borrowed) against what the API is known to
 * refuse: response_format json_object without the word "json" in any
 * message.  Returns 0, or -1 with err set (GPT_EXIT_DATA).
 */
int msg_check(jv request, struct gpt_err *err);

/*
 * The name of a JSON schema for response_format: the schema's "title"
 * when it is a non-empty string, else the base name of path without its
 * extension; bytes outside [A-Za-z0-9_-] become "_", at most 64 bytes,
 * "schema" when nothing is left.  Writes a NUL-terminated string to out.
 */
void msg_schema_name(jv schema, const char *path, char out[65]);

/*
 * The response_format for a JSON schema (schema consumed):
 * {"type": "json_schema", "json_schema": {"name", "schema", "strict": true}}.
 */
jv msg_schema_format(jv schema, const char *path);

/* The Batch API input line for body (consumed) under custom_id id. */
jv msg_batch_line(const char *id, jv body);

#endif
