/* Building Chat Completions requests and continuing conversations. */
#include <string.h>

#include "exitcode.h"
#include "msg.h"
#include "shape.h"

/* The parameters gpt-msg has options for, in the order they are written. */
static const char *const fixed_keys[] = {
	"temperature", "top_p", "max_tokens", "n", "seed", "stop",
	"response_format", NULL
};

/* v[key] (v borrowed), or jv_invalid() when v is not an object. */
static jv
get(jv v, const char *key)
{
	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(v), jv_string(key));
}

static int
str_is(jv v, const char *want)
{
	return jv_get_kind(v) == JV_KIND_STRING &&
	    strcmp(jv_string_value(v), want) == 0;
}

void
msg_req_init(struct msg_req *r)
{
	r->model = jv_invalid();
	r->messages = jv_array();
	r->params = jv_array();
	r->stream = jv_invalid();
}

void
msg_req_release(struct msg_req *r)
{
	jv_free(r->model);
	jv_free(r->messages);
	jv_free(r->params);
	jv_free(r->stream);
	r->model = jv_invalid();
	r->messages = jv_null();
	r->params = jv_null();
	r->stream = jv_invalid();
}

void
msg_req_copy(struct msg_req *dst, const struct msg_req *src)
{
	dst->model = jv_copy(src->model);
	dst->messages = jv_copy(src->messages);
	dst->params = jv_copy(src->params);
	dst->stream = jv_copy(src->stream);
}

static jv
message(const char *role, jv content)
{
	jv m = jv_object_set(jv_object(), jv_string("role"), jv_string(role));

	return jv_object_set(m, jv_string("content"), content);
}

void
msg_req_add(struct msg_req *r, const char *role, const char *text, size_t n)
{
	r->messages = jv_array_append(r->messages,
	    message(role, jv_string_sized(text, (int)n)));
}

size_t
msg_req_count(const struct msg_req *r)
{
	return (size_t)jv_array_length(jv_copy(r->messages));
}

void
msg_req_append_user(struct msg_req *r, size_t from, const char *text, size_t n)
{
	size_t i = msg_req_count(r);
	jv m, role, content;

	while (i > from) {
		i--;
		m = jv_array_get(jv_copy(r->messages), (int)i);
		role = get(m, "role");
		content = get(m, "content");
		if (str_is(role, "user") && jv_get_kind(content) == JV_KIND_STRING) {
			content = jv_string_append_buf(content, "\n\n", 2);
			content = jv_string_append_buf(content, text, (int)n);
			m = jv_object_set(m, jv_string("content"), content);
			r->messages = jv_array_set(r->messages, (int)i, m);
			jv_free(role);
			return;
		}
		jv_free(role);
		jv_free(content);
		jv_free(m);
	}
	msg_req_add(r, "user", text, n);
}

/* Index of key in the parameter pairs, or -1. */
static int
param_find(jv params, const char *key)
{
	int i, n = jv_array_length(jv_copy(params));
	jv k;

	for (i = 0; i < n; i++) {
		k = jv_array_get(jv_array_get(jv_copy(params), i), 0);
		if (str_is(k, key)) {
			jv_free(k);
			return i;
		}
		jv_free(k);
	}
	return -1;
}

void
msg_req_set(struct msg_req *r, const char *key, jv val)
{
	jv pair;
	int i;

	if (strcmp(key, "model") == 0) {
		jv_free(r->model);
		r->model = val;
		return;
	}
	pair = JV_ARRAY(jv_string(key), val);
	i = param_find(r->params, key);
	if (i < 0)
		r->params = jv_array_append(r->params, pair);
	else
		r->params = jv_array_set(r->params, i, pair);
}

void
msg_req_overlay(struct msg_req *dst, const struct msg_req *src)
{
	jv key;

	if (jv_is_valid(src->model))
		msg_req_set(dst, "model", jv_copy(src->model));
	jv_array_foreach(src->params, i, pair) {
		key = jv_array_get(jv_copy(pair), 0);
		msg_req_set(dst, jv_string_value(key), jv_array_get(pair, 1));
		jv_free(key);
		(void)i;
	}
}

/* Replace the conversation with the request req (borrowed). */
static int
take_request(struct msg_req *r, jv req, struct gpt_err *err)
{
	jv model = get(req, "model");

	if (jv_is_valid(model) && jv_get_kind(model) != JV_KIND_STRING) {
		jv_free(model);
		return gpt_err_set(err, GPT_EXIT_DATA,
		    "the earlier request's model is not a string");
	}
	msg_req_release(r);
	r->model = model;
	r->messages = get(req, "messages");
	r->params = jv_array();
	jv_object_foreach(req, key, val) {
		if (!str_is(key, "model") && !str_is(key, "messages"))
			msg_req_set(r, jv_string_value(key), jv_copy(val));
		jv_free(key);
		jv_free(val);
	}
	return 0;
}

/* The first choice (index 0) of an answer (borrowed), or jv_invalid(). */
static jv
first_choice(jv answer)
{
	jv choices = get(answer, "choices"), idx;

	if (jv_get_kind(choices) != JV_KIND_ARRAY) {
		jv_free(choices);
		return jv_invalid();
	}
	jv_array_foreach(choices, i, ch) {
		idx = get(ch, "index");
		if (jv_get_kind(idx) != JV_KIND_NUMBER || jv_number_value(idx) == 0) {
			jv_free(idx);
			jv_free(choices);
			return ch;
		}
		jv_free(idx);
		jv_free(ch);
		(void)i;
	}
	jv_free(choices);
	return jv_invalid();
}

/* Keep field key of src on dst when it has the kind wanted. */
static jv
keep(jv dst, jv src, const char *key, jv_kind kind)
{
	jv v = get(src, key);

	if (jv_get_kind(v) == kind)
		return jv_object_set(dst, jv_string(key), v);
	jv_free(v);
	return dst;
}

/*
 * The request's form of the assistant message of a response (borrowed):
 * the fields a request takes (content, refusal, tool_calls, the audio's
 * id), not those only an answer has (annotations).
 */
static int
take_response(struct msg_req *r, jv resp, struct gpt_err *err)
{
	jv choice = first_choice(resp), m, content, out, audio, id;

	m = get(choice, "message");
	jv_free(choice);
	if (jv_get_kind(m) != JV_KIND_OBJECT) {
		jv_free(m);
		return gpt_err_set(err, GPT_EXIT_DATA,
		    "the response has no message in its first choice");
	}
	content = get(m, "content");
	if (jv_get_kind(content) != JV_KIND_STRING) {
		jv_free(content);
		content = jv_null();
	}
	out = message("assistant", content);
	out = keep(out, m, "refusal", JV_KIND_STRING);
	out = keep(out, m, "tool_calls", JV_KIND_ARRAY);
	audio = get(m, "audio");
	id = get(audio, "id");
	if (jv_get_kind(id) == JV_KIND_STRING)
		out = jv_object_set(out, jv_string("audio"),
		    jv_object_set(jv_object(), jv_string("id"), id));
	else
		jv_free(id);
	jv_free(audio);
	jv_free(m);
	r->messages = jv_array_append(r->messages, out);
	return 0;
}

static jv
append_field(jv acc, jv delta, const char *key)
{
	jv s = get(delta, key), old;

	if (jv_get_kind(s) != JV_KIND_STRING) {
		jv_free(s);
		return acc;
	}
	old = get(acc, key);
	if (jv_get_kind(old) != JV_KIND_STRING) {
		jv_free(old);
		old = jv_string("");
	}
	return jv_object_set(acc, jv_string(key), jv_string_concat(old, s));
}

static int
take_chunk(struct msg_req *r, jv chunk, struct gpt_err *err)
{
	jv choice = first_choice(chunk), delta, calls;
	int bad;

	if (!jv_is_valid(r->stream)) {
		jv_free(r->stream);
		r->stream = jv_object();
	}
	delta = get(choice, "delta");
	jv_free(choice);
	if (jv_get_kind(delta) != JV_KIND_OBJECT) {
		/* The usage chunk has no choices: nothing to gather. */
		jv_free(delta);
		return 0;
	}
	calls = get(delta, "tool_calls");
	bad = jv_get_kind(calls) == JV_KIND_ARRAY;
	jv_free(calls);
	if (bad) {
		jv_free(delta);
		return gpt_err_set(err, GPT_EXIT_DATA,
		    "streamed tool calls cannot be continued: use a non-streamed answer");
	}
	r->stream = append_field(r->stream, delta, "content");
	r->stream = append_field(r->stream, delta, "refusal");
	jv_free(delta);
	return 0;
}

int
msg_req_take_end(struct msg_req *r, struct gpt_err *err)
{
	jv s = r->stream, content, out;

	(void)err;
	if (!jv_is_valid(s)) {
		jv_free(s);
		r->stream = jv_invalid();
		return 0;
	}
	r->stream = jv_invalid();
	content = get(s, "content");
	if (jv_get_kind(content) != JV_KIND_STRING) {
		jv_free(content);
		content = jv_get_kind(s) == JV_KIND_OBJECT &&
		    jv_object_has(jv_copy(s), jv_string("refusal")) ?
		    jv_null() : jv_string("");
	}
	out = keep(message("assistant", content), s, "refusal", JV_KIND_STRING);
	jv_free(s);
	r->messages = jv_array_append(r->messages, out);
	return 0;
}

/* The message of an error answer (borrowed), for the diagnostic. */
static int
error_answer(jv e, struct gpt_err *err)
{
	jv inner = get(e, "error"), m = get(inner, "message");
	int r = gpt_err_set(err, GPT_EXIT_DATA,
	    "the earlier answer is an error, not a message to continue: %s",
	    jv_get_kind(m) == JV_KIND_STRING ? jv_string_value(m) : "no message");

	jv_free(m);
	jv_free(inner);
	return r;
}

int
msg_req_take(struct msg_req *r, jv item, struct gpt_err *err)
{
	enum shape s = shape_of(item);
	jv p;
	int rc;

	if (s != SHAPE_CHUNK && msg_req_take_end(r, err) < 0)
		return -1;
	switch (s) {
	case SHAPE_REQUEST:
		return take_request(r, item, err);
	case SHAPE_RESPONSE:
		return take_response(r, item, err);
	case SHAPE_CHUNK:
		return take_chunk(r, item, err);
	case SHAPE_ERROR:
		return error_answer(item, err);
	case SHAPE_BATCH_IN:
	case SHAPE_BATCH_OUT:
		p = shape_payload(item);
		switch (shape_of(p)) {
		case SHAPE_REQUEST:
			rc = take_request(r, p, err);
			break;
		case SHAPE_RESPONSE:
			rc = take_response(r, p, err);
			break;
		case SHAPE_ERROR:
			rc = error_answer(p, err);
			break;
		default:
			rc = gpt_err_set(err, GPT_EXIT_DATA, "the %s holds no %s",
			    shape_name(s), s == SHAPE_BATCH_IN ? "request" : "response");
			break;
		}
		jv_free(p);
		return rc;
	case SHAPE_UNKNOWN:
		break;
	}
	return gpt_err_set(err, GPT_EXIT_DATA,
	    "not a request, response, batch line or stream chunk");
}

jv
msg_req_build(const struct msg_req *r, const char *default_model)
{
	jv o = jv_object(), key;
	int i, k;

	o = jv_object_set(o, jv_string("model"), jv_is_valid(r->model) ?
	    jv_copy(r->model) : jv_string(default_model));
	o = jv_object_set(o, jv_string("messages"), jv_copy(r->messages));
	for (k = 0; fixed_keys[k] != NULL; k++) {
		i = param_find(r->params, fixed_keys[k]);
		if (i >= 0)
			o = jv_object_set(o, jv_string(fixed_keys[k]),
			    jv_array_get(jv_array_get(jv_copy(r->params), i), 1));
	}
	jv_array_foreach(r->params, j, pair) {
		key = jv_array_get(jv_copy(pair), 0);
		for (k = 0; fixed_keys[k] != NULL; k++)
			if (str_is(key, fixed_keys[k]))
				break;
		if (fixed_keys[k] == NULL)
			o = jv_object_set(o, key, jv_array_get(pair, 1));
		else {
			jv_free(key);
			jv_free(pair);
		}
		(void)j;
	}
	return o;
}

/* Whether s[0..n) holds "json" in any ASCII letter case. */
static int
has_json(const char *s, size_t n)
{
	static const char w[] = "json";
	size_t i, k;

	for (i = 0; i + 4 <= n; i++) {
		for (k = 0; k < 4; k++) {
			char c = s[i + k];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != w[k])
				break;
		}
		if (k == 4)
			return 1;
	}
	return 0;
}

static int
str_has_json(jv s)
{
	return jv_get_kind(s) == JV_KIND_STRING &&
	    has_json(jv_string_value(s), (size_t)jv_string_length_bytes(jv_copy(s)));
}

int
msg_has_json_word(jv messages)
{
	jv content, text;
	int found = 0;

	if (jv_get_kind(messages) != JV_KIND_ARRAY)
		return 0;
	jv_array_foreach(messages, i, m) {
		content = get(m, "content");
		if (str_has_json(content))
			found = 1;
		else if (jv_get_kind(content) == JV_KIND_ARRAY) {
			jv_array_foreach(content, j, part) {
				text = get(part, "text");
				found |= str_has_json(text);
				jv_free(text);
				jv_free(part);
				(void)j;
			}
		}
		jv_free(content);
		jv_free(m);
		(void)i;
		if (found)
			break;
	}
	return found;
}

int
msg_check(jv request, struct gpt_err *err)
{
	jv rf = get(request, "response_format"), type = get(rf, "type");
	jv messages;
	int json_mode = str_is(type, "json_object"), ok = 1;

	jv_free(type);
	jv_free(rf);
	if (json_mode) {
		messages = get(request, "messages");
		ok = msg_has_json_word(messages);
		jv_free(messages);
	}
	if (!ok)
		return gpt_err_set(err, GPT_EXIT_DATA, "JSON mode needs the word "
		    "\"json\" in a message: add it to the system message, "
		    "e.g. -s \"Reply in JSON.\"");
	return 0;
}

void
msg_schema_name(jv schema, const char *path, char out[65])
{
	jv title = get(schema, "title");
	const char *src = "", *end;
	size_t n, i;

	if (jv_get_kind(title) == JV_KIND_STRING && jv_string_value(title)[0] != '\0') {
		src = jv_string_value(title);
		n = strlen(src);
	} else if (path != NULL && strcmp(path, "-") != 0) {
		if (strrchr(path, '/') != NULL)
			path = strrchr(path, '/') + 1;
		end = strrchr(path, '.');
		n = end != NULL && end != path ? (size_t)(end - path) : strlen(path);
		src = path;
	} else
		n = 0;
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		char c = src[i];

		out[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ? c : '_';
	}
	out[n] = '\0';
	if (n == 0)
		strcpy(out, "schema");
	jv_free(title);
}

jv
msg_schema_format(jv schema, const char *path)
{
	char name[65];
	jv js;

	msg_schema_name(schema, path, name);
	js = jv_object_set(jv_object(), jv_string("name"), jv_string(name));
	js = jv_object_set(js, jv_string("schema"), schema);
	js = jv_object_set(js, jv_string("strict"), jv_true());
	return jv_object_set(jv_object_set(jv_object(), jv_string("type"),
	    jv_string("json_schema")), jv_string("json_schema"), js);
}

jv
msg_batch_line(const char *id, jv body)
{
	jv o = jv_object_set(jv_object(), jv_string("custom_id"), jv_string(id));

	o = jv_object_set(o, jv_string("method"), jv_string("POST"));
	o = jv_object_set(o, jv_string("url"), jv_string("/v1/chat/completions"));
	return jv_object_set(o, jv_string("body"), body);
}
