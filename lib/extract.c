/*
 * The built-in paths of gpt-extract, and stream assembly.  Plain jv
 * access throughout: libjq's compiler is never started here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "extract.h"
#include "jsonin.h"
#include "xalloc.h"

/*
 * The keys looked up in every item, each made once: a jv string keeps
 * its hash, so a lookup then costs no allocation, copy or rehash.
 */
enum key {
	K_AUDIO, K_CHOICES, K_CONTENT, K_DELTA, K_ERROR, K_FINISH_REASON, K_ID,
	K_INDEX, K_LOGPROBS, K_MESSAGE, K_REFUSAL, K_ROLE, K_TOOL_CALLS, K_USAGE,
	K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"audio", "choices", "content", "delta", "error", "finish_reason", "id",
	"index", "logprobs", "message", "refusal", "role", "tool_calls", "usage"
};

static jv keys[K_COUNT];	/* zeroed: jv_invalid() until first used */

static jv
key(enum key k)
{
	if (jv_get_kind(keys[k]) != JV_KIND_STRING)
		keys[k] = jv_string(key_names[k]);
	return jv_copy(keys[k]);
}

/* v[key] (v borrowed), or jv_invalid() when v is not an object. */
static jv
get(jv v, enum key k)
{
	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(v), key(k));
}

/* As get, for a key named at run time. */
static jv
get_s(jv v, const char *name)
{
	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return jv_invalid();
	return jv_object_get(jv_copy(v), jv_string(name));
}

/* v[key] (v borrowed), or jv_null() when absent or v is not an object. */
static jv
get_or_null(jv v, enum key k)
{
	jv x = get(v, k);

	if (!jv_is_valid(x)) {
		jv_free(x);
		return jv_null();
	}
	return x;
}

static int
is_kind(jv v, jv_kind kind)
{
	return jv_get_kind(v) == kind;
}

/* v (borrowed) as a whole number in [0, max], else -1. */
static long
as_index(jv v, long max)
{
	double d;

	if (!is_kind(v, JV_KIND_NUMBER))
		return -1;
	d = jv_number_value(v);
	if (!(d >= 0 && d <= (double)max) || d != (double)(long)d)
		return -1;
	return (long)d;
}

int
extract_choices(jv resp, long index, jv *out, struct gpt_err *err)
{
	jv choices = get(resp, K_CHOICES), c, ci, found = jv_invalid();
	int len, i, any_index = 0;

	*out = jv_invalid();
	if (!is_kind(choices, JV_KIND_ARRAY)) {
		jv_free(choices);
		return gpt_err_set(err, GPT_EXIT_DATA, "response has no choices");
	}
	if (index < 0) {
		*out = choices;
		return 0;
	}
	len = jv_array_length(jv_copy(choices));
	for (i = 0; i < len && !jv_is_valid(found); i++) {
		c = jv_array_get(jv_copy(choices), i);
		ci = get(c, K_INDEX);

		if (is_kind(ci, JV_KIND_NUMBER)) {
			any_index = 1;
			if (jv_number_value(ci) == (double)index)
				found = jv_copy(c);
		}
		jv_free(ci);
		jv_free(c);
	}
	if (!jv_is_valid(found) && !any_index && index < len)
		found = jv_array_get(jv_copy(choices), (int)index);
	jv_free(choices);
	if (!jv_is_valid(found)) {
		jv_free(found);
		return gpt_err_set(err, GPT_EXIT_DATA,
		    "no choice %ld (the response has %d)", index, len);
	}
	*out = jv_array_append(jv_array(), found);
	return 0;
}

jv
extract_content(jv choice)
{
	jv msg = get(choice, K_MESSAGE), c = get_or_null(msg, K_CONTENT);

	jv_free(msg);
	return c;
}

jv
extract_refusal(jv choice)
{
	jv msg = get(choice, K_MESSAGE), r = get(msg, K_REFUSAL);

	jv_free(msg);
	if (!is_kind(r, JV_KIND_STRING)) {
		jv_free(r);
		return jv_invalid();
	}
	return r;
}

jv
extract_finish_reason(jv choice)
{
	return get_or_null(choice, K_FINISH_REASON);
}

jv
extract_tool_calls(jv choice)
{
	jv msg = get(choice, K_MESSAGE), t = get(msg, K_TOOL_CALLS);

	jv_free(msg);
	if (!is_kind(t, JV_KIND_ARRAY)) {
		jv_free(t);
		return jv_array();
	}
	return t;
}

jv
extract_usage(jv resp)
{
	return get_or_null(resp, K_USAGE);
}

/* Copy msg[key] into out when it holds something (not null, not empty). */
static jv
keep(jv out, jv msg, const char *key)
{
	jv x = get_s(msg, key);

	if (!jv_is_valid(x) || is_kind(x, JV_KIND_NULL) ||
	    (is_kind(x, JV_KIND_ARRAY) && jv_array_length(jv_copy(x)) == 0)) {
		jv_free(x);
		return out;
	}
	return jv_object_set(out, jv_string(key), x);
}

jv
extract_message(jv choice)
{
	jv msg = get(choice, K_MESSAGE), out, role, audio, id;

	if (!is_kind(msg, JV_KIND_OBJECT)) {
		jv_free(msg);
		return jv_null();
	}
	role = get(msg, K_ROLE);
	if (!is_kind(role, JV_KIND_STRING)) {
		jv_free(role);
		role = jv_string("assistant");
	}
	out = jv_object_set(jv_object(), jv_string("role"), role);
	out = jv_object_set(out, jv_string("content"), get_or_null(msg, K_CONTENT));
	out = keep(out, msg, "refusal");
	out = keep(out, msg, "name");
	out = keep(out, msg, "tool_calls");
	out = keep(out, msg, "function_call");
	audio = get(msg, K_AUDIO);
	id = get(audio, K_ID);
	if (is_kind(id, JV_KIND_STRING))
		out = jv_object_set(out, jv_string("audio"),
		    jv_object_set(jv_object(), jv_string("id"), id));
	else
		jv_free(id);
	jv_free(audio);
	jv_free(msg);
	return out;
}

int
extract_cut_off(jv finish_reason)
{
	const char *s;

	if (is_kind(finish_reason, JV_KIND_NULL))
		return 1;
	if (!is_kind(finish_reason, JV_KIND_STRING))
		return 0;
	s = jv_string_value(finish_reason);
	return strcmp(s, "length") == 0 || strcmp(s, "content_filter") == 0;
}

int
extract_parse_json(jv content, jv *out, struct gpt_err *err)
{
	struct gpt_err e;
	const char *why, *p;
	size_t n;

	if (!is_kind(content, JV_KIND_STRING)) {
		*out = jv_invalid();
		return gpt_err_set(err, GPT_EXIT_DATA, "content is not text");
	}
	n = (size_t)jv_string_length_bytes(jv_copy(content));
	if (json_parse_one(jv_string_value(content), n, "content", out, &e) == 0)
		return 0;
	/* Drop the reader's "content:LINE: " prefix: the position follows. */
	why = e.msg;
	if (strncmp(why, "content:", 8) == 0 && (p = strstr(why, ": ")) != NULL)
		why = p + 2;
	if (strncmp(why, "invalid JSON: ", 14) == 0)
		why += 14;
	if (strncmp(why, "truncated JSON", 14) == 0)
		return gpt_err_set(err, GPT_EXIT_DATA,
		    "content is not JSON: truncated at byte %zu, its end", n);
	return gpt_err_set(err, GPT_EXIT_DATA, "content is not JSON: %s", why);
}

/* A string or number field of e, as text, or NULL. */
static const char *
field_text(jv e, const char *key, char *buf, size_t n)
{
	jv x = get_s(e, key);
	const char *s = NULL;

	if (is_kind(x, JV_KIND_STRING)) {
		snprintf(buf, n, "%s", jv_string_value(x));
		s = buf;
	} else if (is_kind(x, JV_KIND_NUMBER)) {
		snprintf(buf, n, "%.17g", jv_number_value(x));
		s = buf;
	}
	jv_free(x);
	return s != NULL && *s != '\0' ? s : NULL;
}

void
extract_api_error(jv body, char *buf, size_t n)
{
	jv e = get(body, K_ERROR);
	char tb[128], cb[128], mb[1024];
	const char *type = field_text(e, "type", tb, sizeof(tb));
	const char *code = field_text(e, "code", cb, sizeof(cb));
	const char *msg = field_text(e, "message", mb, sizeof(mb));

	if (type != NULL && code != NULL && strcmp(type, code) != 0)
		snprintf(buf, n, "API error %s/%s: %s", type, code,
		    msg ? msg : "no message");
	else if (type != NULL || code != NULL)
		snprintf(buf, n, "API error %s: %s", type ? type : code,
		    msg ? msg : "no message");
	else
		snprintf(buf, n, "API error: %s", msg ? msg : "no message");
	jv_free(e);
}

/* The choice of chunk (borrowed) with index index, or jv_invalid(). */
static jv
chunk_choice(jv chunk, long index)
{
	jv choices = get(chunk, K_CHOICES), c, ci;
	int len, i;

	if (!is_kind(choices, JV_KIND_ARRAY)) {
		jv_free(choices);
		return jv_invalid();
	}
	len = jv_array_length(jv_copy(choices));
	for (i = 0; i < len; i++) {
		c = jv_array_get(jv_copy(choices), i);
		ci = get(c, K_INDEX);
		if ((is_kind(ci, JV_KIND_NUMBER) && jv_number_value(ci) == (double)index) ||
		    (!jv_is_valid(ci) && i == index)) {
			jv_free(ci);
			jv_free(choices);
			return c;
		}
		jv_free(ci);
		jv_free(c);
	}
	jv_free(choices);
	return jv_invalid();
}

/*
 * A chunk may carry several deltas for one choice; their pieces are
 * joined, as extract_stream_add joins them, so live text and assembled
 * text agree.
 */
jv
extract_chunk_content(jv chunk, long index)
{
	jv choices = get(chunk, K_CHOICES), out = jv_invalid(), c, ci, d, s;
	int len, i;

	if (!is_kind(choices, JV_KIND_ARRAY)) {
		jv_free(choices);
		return out;
	}
	len = jv_array_length(jv_copy(choices));
	for (i = 0; i < len; i++) {
		c = jv_array_get(jv_copy(choices), i);
		ci = get(c, K_INDEX);
		if ((is_kind(ci, JV_KIND_NUMBER) && jv_number_value(ci) == (double)index) ||
		    (!jv_is_valid(ci) && i == index)) {
			d = get(c, K_DELTA);
			s = get(d, K_CONTENT);
			if (is_kind(s, JV_KIND_STRING))
				out = jv_is_valid(out) ? jv_string_concat(out, s) : s;
			else
				jv_free(s);
			jv_free(d);
		}
		jv_free(ci);
		jv_free(c);
	}
	jv_free(choices);
	return out;
}

int
extract_chunk_finished(jv chunk, long index)
{
	jv c = chunk_choice(chunk, index), f = get(c, K_FINISH_REASON);
	int r = is_kind(f, JV_KIND_STRING);

	jv_free(f);
	jv_free(c);
	return r;
}

/* One choice being assembled. */
struct schoice {
	int seen;
	jv role, content, refusal, tool_calls, finish_reason, logprobs;
};

struct extract_stream {
	int flags;
	int active;
	jv head;          /* id, created, model, ... of the first chunk */
	jv usage;
	struct schoice *c;
	long nc;
};

struct extract_stream *
extract_stream_new(int flags)
{
	struct extract_stream *s = xcalloc(1, sizeof(*s));

	s->flags = flags;
	s->head = jv_null();
	s->usage = jv_null();
	return s;
}

static void
stream_clear(struct extract_stream *s)
{
	long i;

	for (i = 0; i < s->nc; i++) {
		struct schoice *c = &s->c[i];

		if (!c->seen)
			continue;
		jv_free(c->role);
		jv_free(c->content);
		jv_free(c->refusal);
		jv_free(c->tool_calls);
		jv_free(c->finish_reason);
		jv_free(c->logprobs);
	}
	free(s->c);
	s->c = NULL;
	s->nc = 0;
	jv_free(s->head);
	jv_free(s->usage);
	s->head = jv_null();
	s->usage = jv_null();
	s->active = 0;
}

void
extract_stream_free(struct extract_stream *s)
{
	if (s == NULL)
		return;
	stream_clear(s);
	free(s);
}

int
extract_stream_active(const struct extract_stream *s)
{
	return s->active;
}

/* Whether chunk (borrowed) brings a delta to a choice that has finished. */
static int
after_finish(const struct extract_stream *s, jv chunk)
{
	jv choices = get(chunk, K_CHOICES);
	int i, n, r = 0;

	n = is_kind(choices, JV_KIND_ARRAY) ? jv_array_length(jv_copy(choices)) : 0;
	for (i = 0; i < n && !r; i++) {
		jv ch = jv_array_get(jv_copy(choices), i), ci = get(ch, K_INDEX);
		long idx = jv_is_valid(ci) ? as_index(ci, EXTRACT_MAX_INDEX - 1) : i;

		r = idx >= 0 && idx < s->nc && s->c[idx].seen &&
		    is_kind(s->c[idx].finish_reason, JV_KIND_STRING);
		jv_free(ci);
		jv_free(ch);
	}
	jv_free(choices);
	return r;
}

int
extract_stream_continues(const struct extract_stream *s, jv chunk)
{
	jv a, b;
	int r;

	if (!s->active)
		return 1;
	if (after_finish(s, chunk))
		return 0;
	a = get(s->head, K_ID);
	b = get(chunk, K_ID);
	if (!is_kind(a, JV_KIND_STRING) || !is_kind(b, JV_KIND_STRING)) {
		jv_free(a);
		jv_free(b);
		return 1;
	}
	r = strcmp(jv_string_value(a), jv_string_value(b)) == 0;
	jv_free(a);
	jv_free(b);
	return r;
}

/* Append piece (consumed) to *acc, a string or null. */
static void
append_text(jv *acc, jv piece, int keep_text)
{
	if (!is_kind(piece, JV_KIND_STRING)) {
		jv_free(piece);
		return;
	}
	if (!is_kind(*acc, JV_KIND_STRING)) {
		jv_free(*acc);
		*acc = keep_text ? piece : (jv_free(piece), jv_string(""));
		return;
	}
	if (!keep_text) {
		jv_free(piece);
		return;
	}
	*acc = jv_string_append_buf(*acc, jv_string_value(piece),
	    jv_string_length_bytes(jv_copy(piece)));
	jv_free(piece);
}

/* Merge the fields of part (consumed) into whole (consumed): strings of
 * "arguments" are concatenated, other fields are set when missing. */
static jv
merge_fields(jv whole, jv part)
{
	jv_object_foreach(part, key, val) {
		const char *k = jv_string_value(key);
		jv have = get_s(whole, k);

		if (strcmp(k, "index") == 0) {
			jv_free(have);
			jv_free(val);
			jv_free(key);
			continue;
		}
		if (strcmp(k, "arguments") == 0 && is_kind(have, JV_KIND_STRING) &&
		    is_kind(val, JV_KIND_STRING)) {
			have = jv_string_append_buf(have, jv_string_value(val),
			    jv_string_length_bytes(jv_copy(val)));
			whole = jv_object_set(whole, key, have);
			jv_free(val);
		} else if (strcmp(k, "function") == 0 && is_kind(have, JV_KIND_OBJECT) &&
		    is_kind(val, JV_KIND_OBJECT)) {
			whole = jv_object_set(whole, key, merge_fields(have, val));
		} else if (!jv_is_valid(have) || is_kind(have, JV_KIND_NULL) ||
		    (is_kind(have, JV_KIND_STRING) &&
		    jv_string_length_bytes(jv_copy(have)) == 0)) {
			jv_free(have);
			whole = jv_object_set(whole, key, val);
		} else {
			jv_free(have);
			jv_free(val);
			jv_free(key);
		}
	}
	jv_free(part);
	return whole;
}

/* Merge the tool call pieces of a delta (borrowed array) into *calls. */
static int
merge_tool_calls(jv *calls, jv pieces, struct gpt_err *err)
{
	int i, n = jv_array_length(jv_copy(pieces));

	for (i = 0; i < n; i++) {
		jv p = jv_array_get(jv_copy(pieces), i), pi, have;
		int len = jv_array_length(jv_copy(*calls));
		long at;

		if (!is_kind(p, JV_KIND_OBJECT)) {
			jv_free(p);
			continue;
		}
		pi = get(p, K_INDEX);
		if (jv_is_valid(pi))
			at = as_index(pi, EXTRACT_MAX_INDEX - 1);
		else {
			jv id = get(p, K_ID);

			at = is_kind(id, JV_KIND_STRING) || len == 0 ? len : len - 1;
			jv_free(id);
		}
		jv_free(pi);
		if (at < 0) {
			jv_free(p);
			return gpt_err_set(err, GPT_EXIT_DATA,
			    "tool call index out of range");
		}
		have = at < len ? jv_array_get(jv_copy(*calls), (int)at) : jv_null();
		if (!is_kind(have, JV_KIND_OBJECT)) {
			jv_free(have);
			have = jv_object();
		}
		*calls = jv_array_set(*calls, (int)at, merge_fields(have, p));
	}
	return 0;
}

static struct schoice *
stream_choice(struct extract_stream *s, long index)
{
	struct schoice *c;

	if (index >= s->nc) {
		s->c = xrealloc(s->c, (size_t)(index + 1) * sizeof(*s->c));
		memset(s->c + s->nc, 0, (size_t)(index + 1 - s->nc) * sizeof(*s->c));
		s->nc = index + 1;
	}
	c = &s->c[index];
	if (!c->seen) {
		c->seen = 1;
		c->role = jv_null();
		c->content = jv_null();
		c->refusal = jv_null();
		c->tool_calls = jv_array();
		c->finish_reason = jv_null();
		c->logprobs = jv_null();
	}
	return c;
}

/* Concatenate the "content" and "refusal" token lists of logprobs. */
static void
merge_logprobs(jv *acc, jv lp)
{
	static const char *const lists[] = { "content", "refusal" };
	size_t k;

	if (!is_kind(lp, JV_KIND_OBJECT)) {
		jv_free(lp);
		return;
	}
	if (!is_kind(*acc, JV_KIND_OBJECT)) {
		jv_free(*acc);
		*acc = lp;
		return;
	}
	for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		jv have = get_s(*acc, lists[k]), more = get_s(lp, lists[k]);

		if (is_kind(more, JV_KIND_ARRAY)) {
			if (is_kind(have, JV_KIND_ARRAY))
				have = jv_array_concat(have, more);
			else {
				jv_free(have);
				have = more;
			}
			*acc = jv_object_set(*acc, jv_string(lists[k]), have);
		} else {
			jv_free(have);
			jv_free(more);
		}
	}
	jv_free(lp);
}

/* Check the indexes of chunk's choices before changing anything. */
static int
check_indexes(jv choices, struct gpt_err *err)
{
	int i, n = jv_array_length(jv_copy(choices));

	for (i = 0; i < n; i++) {
		jv c = jv_array_get(jv_copy(choices), i), ci = get(c, K_INDEX);
		int ok = !jv_is_valid(ci) ? i < EXTRACT_MAX_INDEX :
		    as_index(ci, EXTRACT_MAX_INDEX - 1) >= 0;

		jv_free(ci);
		jv_free(c);
		if (!ok)
			return gpt_err_set(err, GPT_EXIT_DATA,
			    "choice index out of range");
	}
	return 0;
}

int
extract_stream_add(struct extract_stream *s, jv chunk, struct gpt_err *err)
{
	jv choices = get(chunk, K_CHOICES), usage = get(chunk, K_USAGE);
	int i, n;

	if (is_kind(choices, JV_KIND_ARRAY) && check_indexes(choices, err) < 0) {
		jv_free(choices);
		jv_free(usage);
		return -1;
	}
	if (!s->active) {
		jv_free(s->head);
		s->head = jv_copy(chunk);
		s->active = 1;
	}
	if (is_kind(usage, JV_KIND_OBJECT)) {
		jv_free(s->usage);
		s->usage = usage;
	} else
		jv_free(usage);
	n = is_kind(choices, JV_KIND_ARRAY) ? jv_array_length(jv_copy(choices)) : 0;
	for (i = 0; i < n; i++) {
		jv ch = jv_array_get(jv_copy(choices), i), ci, d, f, tc, role;
		struct schoice *c;
		long idx;

		if (!is_kind(ch, JV_KIND_OBJECT)) {
			jv_free(ch);
			continue;
		}
		ci = get(ch, K_INDEX);
		idx = jv_is_valid(ci) ? as_index(ci, EXTRACT_MAX_INDEX - 1) : i;
		jv_free(ci);
		c = stream_choice(s, idx);
		d = get(ch, K_DELTA);
		role = get(d, K_ROLE);
		if (is_kind(role, JV_KIND_STRING)) {
			jv_free(c->role);
			c->role = role;
		} else
			jv_free(role);
		append_text(&c->content, get(d, K_CONTENT),
		    !(s->flags & EXTRACT_STREAM_NO_TEXT));
		append_text(&c->refusal, get(d, K_REFUSAL), 1);
		tc = get(d, K_TOOL_CALLS);
		if (is_kind(tc, JV_KIND_ARRAY) &&
		    merge_tool_calls(&c->tool_calls, tc, err) < 0) {
			jv_free(tc);
			jv_free(d);
			jv_free(ch);
			jv_free(choices);
			return -1;
		}
		jv_free(tc);
		f = get(ch, K_FINISH_REASON);
		if (is_kind(f, JV_KIND_STRING)) {
			jv_free(c->finish_reason);
			c->finish_reason = f;
		} else
			jv_free(f);
		merge_logprobs(&c->logprobs, get(ch, K_LOGPROBS));
		jv_free(d);
		jv_free(ch);
	}
	jv_free(choices);
	return 0;
}

/* The tool calls without the holes a sparse index would leave. */
static jv
packed(jv calls)
{
	jv out = jv_array();

	jv_array_foreach(calls, i, call) {
		(void)i;
		if (is_kind(call, JV_KIND_OBJECT))
			out = jv_array_append(out, call);
		else
			jv_free(call);
	}
	jv_free(calls);
	return out;
}

jv
extract_stream_finish(struct extract_stream *s)
{
	/* The fields of a response that every chunk repeats, in its order. */
	static const char *const head_keys[] = {
		"created", "model", "service_tier", "system_fingerprint"
	};
	jv resp, choices = jv_array(), x;
	size_t k;
	long i;

	resp = jv_object_set(jv_object(), jv_string("id"),
	    get_or_null(s->head, K_ID));
	resp = jv_object_set(resp, jv_string("object"), jv_string("chat.completion"));
	for (k = 0; k < sizeof(head_keys) / sizeof(head_keys[0]); k++) {
		x = get_s(s->head, head_keys[k]);
		if (jv_is_valid(x))
			resp = jv_object_set(resp, jv_string(head_keys[k]), x);
		else
			jv_free(x);
	}
	for (i = 0; i < s->nc; i++) {
		struct schoice *c = &s->c[i];
		jv msg, choice;

		if (!c->seen)
			continue;
		msg = jv_object_set(jv_object(), jv_string("role"),
		    is_kind(c->role, JV_KIND_STRING) ? jv_copy(c->role) :
		    jv_string("assistant"));
		msg = jv_object_set(msg, jv_string("content"), jv_copy(c->content));
		msg = jv_object_set(msg, jv_string("refusal"), jv_copy(c->refusal));
		if (jv_array_length(jv_copy(c->tool_calls)) > 0)
			msg = jv_object_set(msg, jv_string("tool_calls"),
			    packed(jv_copy(c->tool_calls)));
		choice = jv_object_set(jv_object(), jv_string("index"),
		    jv_number((double)i));
		choice = jv_object_set(choice, jv_string("message"), msg);
		choice = jv_object_set(choice, jv_string("logprobs"),
		    jv_copy(c->logprobs));
		choice = jv_object_set(choice, jv_string("finish_reason"),
		    jv_copy(c->finish_reason));
		choices = jv_array_append(choices, choice);
	}
	resp = jv_object_set(resp, jv_string("choices"), choices);
	if (!is_kind(s->usage, JV_KIND_NULL))
		resp = jv_object_set(resp, jv_string("usage"), jv_copy(s->usage));
	stream_clear(s);
	return resp;
}
