/*
 * Turning an input item into the request gpt-send posts: a bare Chat
 * Completions request, or the body of a Batch API input line, with the
 * model and stream settings of the command line applied.  Pure: nothing
 * is sent, printed or remembered between items.
 */
#ifndef GPT_REQUEST_H
#define GPT_REQUEST_H

#include <jv.h>

#include "errmsg.h"

/* The endpoint a batch line must name. */
#define REQUEST_BATCH_URL "/v1/chat/completions"

struct request {
	jv custom_id;           /* a batch line's custom_id (string), else jv_invalid() */
	int stream;             /* the request asks for a stream */
	char *body;             /* the JSON text to send, one line */
	const char *fail_code;  /* when refused: the Batch API error code to report */
};

/*
 * Make the request for item v (consumed).  model (borrowed, may be NULL)
 * replaces or fills in the model; stream asks for a stream with usage
 * (bare requests only: the Batch API does not stream).  Returns 0, or -1
 * with err set (GPT_EXIT_DATA) and fail_code set, custom_id being set even
 * then when the item is a batch line.  Release r in both cases.
 */
int request_prepare(jv v, const char *model, int stream, struct request *r,
    struct gpt_err *err);

/* Free what r holds. */
void request_release(struct request *r);

#endif
