/*
 * libFuzzer target for lib/extract, gpt-extract's plain jv access and
 * its assembly of chunk streams, on any stream of JSON items.  Items that
 * look like chunks are assembled as gpt-extract does; every response
 * (assembled or whole) has all its parts taken out.  Nothing may crash
 * or leak, and the assembled content of choice 0 must be what printing
 * each chunk's piece as it came gave.
 *
 * A chunk with two deltas for one choice (two with one index, or one
 * without an index) is an open fault (the seed open-duplicate-index):
 * the comparison steps around it unless FUZZ_OPEN is set, so that
 * fuzzing goes on finding others.
 *
 * sources: extract jsonin buf utf8 errmsg xalloc
 * dict: json
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "extract.h"
#include "jsonin.h"

/*
 * Whether chunk has several choices that could be the same one: two with
 * the same index, or one without a number for its index.
 */
static int
duplicate_index(jv chunk)
{
	jv choices = jv_object_get(jv_copy(chunk), jv_string("choices")), seen, c, i;
	int k, n, dup = 0;

	if (jv_get_kind(choices) != JV_KIND_ARRAY ||
	    (n = jv_array_length(jv_copy(choices))) < 2) {
		jv_free(choices);
		return 0;
	}
	seen = jv_array();
	for (k = 0; k < n && !dup; k++) {
		c = jv_array_get(jv_copy(choices), k);
		i = jv_get_kind(c) == JV_KIND_OBJECT ?
		    jv_object_get(c, jv_string("index")) : (jv_free(c), jv_null());
		if (jv_get_kind(i) != JV_KIND_NUMBER)
			dup = 1;
		else {
			jv has = jv_array_indexes(jv_copy(seen), jv_array_append(jv_array(), jv_copy(i)));

			dup = jv_get_kind(has) == JV_KIND_ARRAY && jv_array_length(jv_copy(has)) > 0;
			jv_free(has);
		}
		seen = jv_array_append(seen, i);
	}
	jv_free(seen);
	jv_free(choices);
	return dup;
}

static void
take_apart(jv resp)
{
	struct gpt_err err;
	char msg[256];
	jv choices, c, x;
	int i, n;

	extract_api_error(resp, msg, sizeof(msg));
	jv_free(extract_usage(resp));
	if (extract_choices(resp, -1, &choices, &err) < 0)
		return;
	n = jv_array_length(jv_copy(choices));
	for (i = 0; i < n; i++) {
		c = jv_array_get(jv_copy(choices), i);
		x = extract_content(c);
		if (jv_get_kind(x) == JV_KIND_STRING) {
			jv parsed;

			if (extract_parse_json(x, &parsed, &err) == 0)
				jv_free(parsed);
		}
		jv_free(x);
		jv_free(extract_refusal(c));
		x = extract_finish_reason(c);
		extract_cut_off(x);
		jv_free(x);
		jv_free(extract_tool_calls(c));
		jv_free(extract_message(c));
		jv_free(c);
	}
	jv_free(choices);
}

/* Finish the stream: take it apart, and compare choice 0 with live. */
static void
finish(struct extract_stream *s, struct buf *live, int *pieces, int *dup)
{
	static int strict = -1;
	struct gpt_err err;
	jv resp = extract_stream_finish(s), one, c, x;

	if (strict < 0)
		strict = getenv("FUZZ_OPEN") != NULL;
	if (*pieces > 0 && (strict || !*dup) &&
	    extract_choices(resp, 0, &one, &err) == 0) {
		c = jv_array_get(one, 0);
		x = extract_content(c);
		if (jv_get_kind(x) == JV_KIND_STRING &&
		    ((size_t)jv_string_length_bytes(jv_copy(x)) != live->len ||
		    memcmp(jv_string_value(x), live->data ? live->data : "", live->len) != 0))
			abort();
		jv_free(x);
		jv_free(c);
	}
	take_apart(resp);
	jv_free(resp);
	buf_reset(live);
	*pieces = 0;
	*dup = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonin *in = jsonin_new_mem(data, size, "fuzz");
	struct extract_stream *s = extract_stream_new(0);
	struct gpt_err err;
	struct buf live;
	int r, pieces = 0, dup = 0;
	jv v, obj, piece;

	buf_init(&live, SIZE_MAX);
	while ((r = jsonin_next(in, &v, &err)) != 0) {
		if (r == -2)
			break;
		if (r < 0)
			continue;
		obj = jv_get_kind(v) == JV_KIND_OBJECT ?
		    jv_object_get(jv_copy(v), jv_string("object")) : jv_invalid();
		if (jv_get_kind(obj) == JV_KIND_STRING &&
		    strcmp(jv_string_value(obj), "chat.completion.chunk") == 0) {
			if (extract_stream_active(s) && !extract_stream_continues(s, v))
				finish(s, &live, &pieces, &dup);
			dup |= duplicate_index(v);
			piece = extract_chunk_content(v, 0);
			extract_chunk_finished(v, 0);
			if (extract_stream_add(s, v, &err) == 0 &&
			    jv_get_kind(piece) == JV_KIND_STRING) {
				buf_add(&live, jv_string_value(piece),
				    (size_t)jv_string_length_bytes(jv_copy(piece)));
				pieces++;
			}
			jv_free(piece);
		} else {
			if (extract_stream_active(s))
				finish(s, &live, &pieces, &dup);
			take_apart(v);
		}
		jv_free(obj);
		jv_free(v);
	}
	if (extract_stream_active(s))
		finish(s, &live, &pieces, &dup);
	buf_release(&live);
	extract_stream_free(s);
	jsonin_free(in);
	return 0;
}
