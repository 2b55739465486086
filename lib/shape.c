/* Recognising the pipe formats by their fields. */
#include <string.h>

#include "shape.h"

/* v[key] (v borrowed), or jv_invalid() when v is not an object. */
static jv
get(jv v, const char *key)
{
	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(v), jv_string(key));
}

static int
has_kind(jv v, const char *key, jv_kind kind)
{
	jv x = get(v, key);
	int r = jv_get_kind(x) == kind;

	jv_free(x);
	return r;
}

static int
str_is(jv v, const char *key, const char *want)
{
	jv x = get(v, key);
	int r = jv_get_kind(x) == JV_KIND_STRING &&
	    strcmp(jv_string_value(x), want) == 0;

	jv_free(x);
	return r;
}

/* Whether v has key, whatever its value, null included. */
static int
get_has(jv v, const char *key)
{
	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return 0;
	return jv_object_has(jv_copy(v), jv_string(key));
}

static int
first_choice_has(jv v, const char *key)
{
	jv choices = get(v, "choices"), c;
	int r = 0;

	if (jv_get_kind(choices) == JV_KIND_ARRAY &&
	    jv_array_length(jv_copy(choices)) > 0) {
		c = jv_array_get(jv_copy(choices), 0);
		r = has_kind(c, key, JV_KIND_OBJECT);
		jv_free(c);
	}
	jv_free(choices);
	return r;
}

enum shape
shape_of(jv v)
{
	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return SHAPE_UNKNOWN;
	if (has_kind(v, "custom_id", JV_KIND_STRING)) {
		if (has_kind(v, "body", JV_KIND_OBJECT))
			return SHAPE_BATCH_IN;
		if (get_has(v, "response") || get_has(v, "error"))
			return SHAPE_BATCH_OUT;
		return SHAPE_UNKNOWN;
	}
	if (str_is(v, "object", "chat.completion"))
		return SHAPE_RESPONSE;
	if (str_is(v, "object", "chat.completion.chunk"))
		return SHAPE_CHUNK;
	if (has_kind(v, "error", JV_KIND_OBJECT) && !get_has(v, "choices"))
		return SHAPE_ERROR;
	if (has_kind(v, "messages", JV_KIND_ARRAY))
		return SHAPE_REQUEST;
	if (has_kind(v, "choices", JV_KIND_ARRAY)) {
		if (first_choice_has(v, "delta"))
			return SHAPE_CHUNK;
		return SHAPE_RESPONSE;
	}
	return SHAPE_UNKNOWN;
}

const char *
shape_name(enum shape s)
{
	switch (s) {
	case SHAPE_REQUEST:
		return "request";
	case SHAPE_RESPONSE:
		return "response";
	case SHAPE_CHUNK:
		return "stream chunk";
	case SHAPE_ERROR:
		return "error body";
	case SHAPE_BATCH_IN:
		return "batch input line";
	case SHAPE_BATCH_OUT:
		return "batch output line";
	case SHAPE_UNKNOWN:
		break;
	}
	return "unknown JSON";
}

jv
shape_custom_id(jv v)
{
	jv id = get(v, "custom_id");

	if (jv_get_kind(id) != JV_KIND_STRING) {
		jv_free(id);
		return jv_invalid();
	}
	return id;
}

jv
shape_payload(jv v)
{
	jv resp, body, e;

	switch (shape_of(v)) {
	case SHAPE_BATCH_IN:
		return get(v, "body");
	case SHAPE_BATCH_OUT:
		resp = get(v, "response");
		body = get(resp, "body");
		jv_free(resp);
		if (jv_get_kind(body) == JV_KIND_OBJECT)
			return body;
		jv_free(body);
		e = get(v, "error");
		if (jv_get_kind(e) == JV_KIND_OBJECT)
			return jv_object_set(jv_object(), jv_string("error"), e);
		jv_free(e);
		return jv_null();
	default:
		return jv_copy(v);
	}
}
