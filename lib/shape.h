/*
 * What kind of item a JSON value is, among the pipe formats of DESIGN.md:
 * a request, a response, a stream chunk, an API error body, and the Batch
 * API's input and output lines.  Servers that are merely compatible may
 * leave out "object", so the fields decide where "object" is missing.
 * All functions here borrow their jv arguments (they do not free them).
 */
#ifndef GPT_SHAPE_H
#define GPT_SHAPE_H

#include <jv.h>

enum shape {
	SHAPE_UNKNOWN,
	SHAPE_REQUEST,     /* {"model", "messages", ...} */
	SHAPE_RESPONSE,    /* {"object": "chat.completion", "choices", ...} */
	SHAPE_CHUNK,       /* {"object": "chat.completion.chunk", ...} */
	SHAPE_ERROR,       /* {"error": {"message", "type", "param", "code"}} */
	SHAPE_BATCH_IN,    /* {"custom_id", "method", "url", "body": REQUEST} */
	SHAPE_BATCH_OUT    /* {"id", "custom_id", "response": {...}, "error"} */
};

/* The shape of v (borrowed). */
enum shape shape_of(jv v);

/* A short lowercase name for s, for messages ("response", "batch output line"). */
const char *shape_name(enum shape s);

/*
 * The custom_id of a batch line as a string (a new reference), or
 * jv_invalid() when v has none.
 */
jv shape_custom_id(jv v);

/*
 * The payload of a batch line (borrowed v): the request body of an input
 * line; for an output line, response.body when there is one, else the
 * top-level "error" object wrapped as {"error": ...}.  For any other shape,
 * a copy of v itself.  Returns a new reference (jv_null() if nothing).
 */
jv shape_payload(jv v);

#endif
