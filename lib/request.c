/* Checking an input item and making the request body from it. */
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "request.h"
#include "shape.h"
#include "xalloc.h"

static int
refuse(struct request *r, const char *code, struct gpt_err *err, const char *msg)
{
	r->fail_code = code;
	return gpt_err_set(err, GPT_EXIT_DATA, "%s", msg);
}

/* Whether v (borrowed) has key set to the string want. */
static int
str_is(jv v, const char *key, const char *want)
{
	jv x = jv_object_get(jv_copy(v), jv_string(key));
	int r = jv_get_kind(x) == JV_KIND_STRING && strcmp(jv_string_value(x), want) == 0;

	jv_free(x);
	return r;
}

/* The body of batch line v (consumed), or jv_invalid() when refused. */
static jv
batch_body(jv v, struct request *r, struct gpt_err *err)
{
	jv body;

	r->custom_id = shape_custom_id(v);
	if (!str_is(v, "method", "POST")) {
		refuse(r, "invalid_request", err, "batch line method is not POST: not sent");
		jv_free(v);
		return jv_invalid();
	}
	if (!str_is(v, "url", REQUEST_BATCH_URL)) {
		refuse(r, "invalid_request", err,
		    "batch line url is not " REQUEST_BATCH_URL ": not sent");
		jv_free(v);
		return jv_invalid();
	}
	body = shape_payload(v);
	jv_free(v);
	if (shape_of(body) != SHAPE_REQUEST) {
		jv_free(body);
		refuse(r, "invalid_request", err,
		    "batch line body is not a chat completion request: not sent");
		return jv_invalid();
	}
	return body;
}

/* Ask for a stream with a usage chunk, keeping other stream_options. */
static jv
with_stream(jv body)
{
	jv so = jv_object_get(jv_copy(body), jv_string("stream_options"));

	if (jv_get_kind(so) != JV_KIND_OBJECT) {
		jv_free(so);
		so = jv_object();
	}
	so = jv_object_set(so, jv_string("include_usage"), jv_true());
	body = jv_object_set(body, jv_string("stream"), jv_true());
	return jv_object_set(body, jv_string("stream_options"), so);
}

int
request_prepare(jv v, const char *model, int stream, struct request *r,
    struct gpt_err *err)
{
	enum shape s = shape_of(v);
	jv body, x;
	char msg[128];

	memset(r, 0, sizeof(*r));
	r->custom_id = jv_invalid();
	if (s == SHAPE_BATCH_IN) {
		body = batch_body(v, r, err);
		if (!jv_is_valid(body))
			return -1;
	} else if (s == SHAPE_REQUEST)
		body = v;
	else {
		jv_free(v);
		if (s == SHAPE_UNKNOWN)
			snprintf(msg, sizeof(msg), "not a chat completion request: not sent");
		else
			snprintf(msg, sizeof(msg), "a %s, not a request: not sent", shape_name(s));
		return refuse(r, "invalid_request", err, msg);
	}

	if (model != NULL)
		body = jv_object_set(body, jv_string("model"), jv_string(model));
	x = jv_object_get(jv_copy(body), jv_string("model"));
	if (jv_get_kind(x) != JV_KIND_STRING || jv_string_value(x)[0] == '\0') {
		jv_free(x);
		jv_free(body);
		return refuse(r, "invalid_request", err, "request has no model (use -m): not sent");
	}
	jv_free(x);
	if (stream && !jv_is_valid(r->custom_id))
		body = with_stream(body);
	x = jv_object_get(jv_copy(body), jv_string("stream"));
	r->stream = jv_get_kind(x) == JV_KIND_TRUE;
	jv_free(x);
	if (r->stream && jv_is_valid(r->custom_id)) {
		jv_free(body);
		return refuse(r, "invalid_request", err,
		    "batch line asks for a stream, which the Batch API does not do: not sent");
	}
	x = jv_dump_string(body, 0);
	r->body = xstrdup(jv_string_value(x));
	jv_free(x);
	return 0;
}

void
request_release(struct request *r)
{
	jv_free(r->custom_id);
	r->custom_id = jv_invalid();
	free(r->body);
	r->body = NULL;
}
