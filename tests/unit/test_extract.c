/* lib/extract.c and lib/jqrun.c: the built-in paths, stream assembly, filters. */
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "extract.h"
#include "jqrun.h"
#include "t.h"

static jv
parse(const char *s)
{
	jv v = jv_parse(s);

	if (!jv_is_valid(v)) {
		printf("# bad test JSON: %s\n", s);
		abort();
	}
	return v;
}

/* v (consumed) as compact JSON, in a static buffer. */
static const char *
dump(jv v)
{
	static char out[4096];
	jv s = jv_dump_string(v, 0);

	snprintf(out, sizeof(out), "%s", jv_string_value(s));
	jv_free(s);
	return out;
}

#define RESP(msg, finish) \
	"{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":" \
	msg ",\"finish_reason\":" finish "}],\"usage\":{\"total_tokens\":5}}"

static void
test_paths(void)
{
	jv r = parse(RESP("{\"role\":\"assistant\",\"content\":\"Hi\",\"refusal\":null,"
	    "\"annotations\":[]}", "\"stop\""));
	jv choices, c;
	struct gpt_err e;

	T_EQ_INT(0, extract_choices(r, 0, &choices, &e), "choice 0 of a response is found");
	c = jv_array_get(choices, 0);
	T_EQ_STR("\"Hi\"", dump(extract_content(c)), "the content of the message");
	T_EQ_STR("\"stop\"", dump(extract_finish_reason(c)), "the finish_reason");
	T_EQ_STR("[]", dump(extract_tool_calls(c)), "no tool calls is an empty array");
	T_EQ_STR("{\"role\":\"assistant\",\"content\":\"Hi\"}", dump(extract_message(c)),
	    "the message without null refusal and response-only annotations");
	T_OK(!jv_is_valid(extract_refusal(c)), "a null refusal is no refusal");
	jv_free(c);
	T_EQ_STR("{\"total_tokens\":5}", dump(extract_usage(r)), "the usage");
	T_EQ_INT(-1, extract_choices(r, 1, &choices, &e), "choice 1 of one choice is missing");
	T_EQ_INT(GPT_EXIT_DATA, e.code, "a missing choice is bad data");
	T_EQ_STR("no choice 1 (the response has 1)", e.msg, "the message counts the choices");
	jv_free(r);

	r = parse("{\"object\":\"chat.completion\"}");
	T_EQ_INT(-1, extract_choices(r, -1, &choices, &e), "no choices array is an error");
	T_EQ_STR("response has no choices", e.msg, "and says so");
	T_EQ_STR("null", dump(extract_usage(r)), "no usage is null");
	jv_free(r);

	r = parse("{\"choices\":[{\"index\":1,\"message\":{\"content\":\"B\"}},"
	    "{\"index\":0,\"message\":{\"content\":\"A\"}}]}");
	extract_choices(r, 0, &choices, &e);
	T_EQ_STR("[{\"index\":0,\"message\":{\"content\":\"A\"}}]", dump(choices),
	    "a choice is found by its index, not its position");
	extract_choices(r, -1, &choices, &e);
	T_EQ_INT(2, jv_array_length(choices), "-1 means all choices");
	jv_free(r);
}

static void
test_refusal_and_tools(void)
{
	jv c = parse("{\"message\":{\"role\":\"assistant\",\"content\":null,"
	    "\"refusal\":\"No.\",\"audio\":{\"id\":\"a1\",\"data\":\"xx\"},"
	    "\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\"}]},\"finish_reason\":\"stop\"}");

	T_EQ_STR("\"No.\"", dump(extract_refusal(c)), "a refusal string is returned");
	T_EQ_STR("null", dump(extract_content(c)), "content null stays null");
	T_EQ_STR("{\"role\":\"assistant\",\"content\":null,\"refusal\":\"No.\","
	    "\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\"}],\"audio\":{\"id\":\"a1\"}}",
	    dump(extract_message(c)), "the message keeps refusal, tool_calls and the audio id");
	jv_free(c);
	c = parse("{\"finish_reason\":\"stop\"}");
	T_EQ_STR("null", dump(extract_message(c)), "no message is null");
	jv_free(c);
}

static void
test_cut_off(void)
{
	static const struct { const char *reason; int cut; } cases[] = {
		{ "stop", 0 }, { "tool_calls", 0 }, { "length", 1 },
		{ "content_filter", 1 },
	};
	size_t i;

	T_OK(extract_cut_off(jv_null()), "a missing finish_reason is cut off");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		jv f = jv_string(cases[i].reason);

		T_EQ_INT(cases[i].cut, extract_cut_off(f), cases[i].reason);
		jv_free(f);
	}
}

static void
test_parse_json(void)
{
	jv s = jv_string("{\"a\": [1, 2]}"), v;
	struct gpt_err e;

	T_EQ_INT(0, extract_parse_json(s, &v, &e), "JSON text parses");
	T_EQ_STR("{\"a\":[1,2]}", dump(v), "to its value");
	jv_free(s);
	s = jv_string("{\"a\": [1, 2");
	T_EQ_INT(-1, extract_parse_json(s, &v, &e), "truncated JSON text fails");
	T_EQ_STR("content is not JSON: truncated at byte 11, its end", e.msg,
	    "naming where it ends");
	jv_free(s);
	s = jv_string("[1] [2]");
	T_EQ_INT(-1, extract_parse_json(s, &v, &e), "two values are not one answer");
	jv_free(s);
	s = jv_string("[\"\\udc00\"]");
	T_EQ_INT(-1, extract_parse_json(s, &v, &e), "a lone surrogate escape fails");
	T_EQ_INT(GPT_EXIT_DATA, e.code, "as bad data");
	jv_free(s);
}

static void
test_api_error(void)
{
	char buf[256];
	jv b = parse("{\"error\":{\"message\":\"Slow down.\",\"type\":\"requests\","
	    "\"code\":\"rate_limit_exceeded\"}}");

	extract_api_error(b, buf, sizeof(buf));
	T_EQ_STR("API error requests/rate_limit_exceeded: Slow down.", buf, "type, code and message");
	jv_free(b);
	b = parse("{\"error\":{\"message\":\"Gone.\",\"code\":\"batch_expired\"}}");
	extract_api_error(b, buf, sizeof(buf));
	T_EQ_STR("API error batch_expired: Gone.", buf, "the code alone");
	jv_free(b);
	b = parse("{\"error\":{\"message\":\"Oops.\",\"type\":\"server_error\",\"code\":null}}");
	extract_api_error(b, buf, sizeof(buf));
	T_EQ_STR("API error server_error: Oops.", buf, "the type alone");
	jv_free(b);
	b = parse("{\"error\":{}}");
	extract_api_error(b, buf, sizeof(buf));
	T_EQ_STR("API error: no message", buf, "nothing given");
	jv_free(b);
}

#define CHUNK(id, choices) \
	"{\"id\":\"" id "\",\"object\":\"chat.completion.chunk\",\"model\":\"m\"," \
	"\"created\":7,\"choices\":" choices "}"

/* Feed the chunks (a JSON array text) to s; the assembled response. */
static jv
assemble(struct extract_stream *s, const char *chunks)
{
	jv a = parse(chunks);
	struct gpt_err e;

	jv_array_foreach(a, i, c) {
		(void)i;
		if (extract_stream_add(s, c, &e) < 0)
			printf("# add: %s\n", e.msg);
		jv_free(c);
	}
	jv_free(a);
	return extract_stream_finish(s);
}

static void
test_stream(void)
{
	struct extract_stream *s = extract_stream_new(0);
	jv r, c;

	T_OK(!extract_stream_active(s), "a new stream holds nothing");
	r = assemble(s, "[" CHUNK("x", "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]")
	    "," CHUNK("x", "[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]")
	    "," CHUNK("x", "[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]")
	    ",{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
	    "\"usage\":{\"total_tokens\":3}}]");
	T_EQ_STR("{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":7,\"model\":\"m\","
	    "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\","
	    "\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
	    "\"usage\":{\"total_tokens\":3}}", dump(r), "chunks assemble into a chat.completion");
	T_OK(!extract_stream_active(s), "finishing empties the stream");

	r = assemble(s, "[" CHUNK("t", "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
	    "\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}]")
	    "," CHUNK("t", "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"x\\\"\"}}]}}]")
	    "," CHUNK("t", "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]")
	    "," CHUNK("t", "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\":1}\"}}]}}]")
	    "," CHUNK("t", "[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]") "]");
	c = jv_array_get(jv_object_get(r, jv_string("choices")), 0);
	T_EQ_STR("[{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"}},"
	    "{\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]",
	    dump(extract_tool_calls(c)), "tool calls merge by index, arguments concatenated, even interleaved");
	T_EQ_STR("null", dump(extract_content(c)), "content stays null for tool calls");
	jv_free(c);

	r = assemble(s, "[" CHUNK("n", "[{\"index\":1,\"delta\":{\"content\":\"B\"}}]")
	    "," CHUNK("n", "[{\"index\":0,\"delta\":{\"content\":\"A\"}}]")
	    "," CHUNK("n", "[{\"index\":1,\"delta\":{\"content\":\"b\"}}]") "]");
	{
		jv ch = jv_object_get(r, jv_string("choices"));
		jv c0 = jv_array_get(jv_copy(ch), 0), c1 = jv_array_get(ch, 1);

		T_EQ_STR("\"A\"", dump(extract_content(c0)), "choice 0 of interleaved choices");
		T_EQ_STR("\"Bb\"", dump(extract_content(c1)), "choice 1 of interleaved choices");
		T_EQ_STR("null", dump(extract_finish_reason(c1)), "no finish_reason yet is null");
		jv_free(c0);
		jv_free(c1);
	}
	extract_stream_free(s);
}

static void
test_stream_edges(void)
{
	struct extract_stream *s = extract_stream_new(EXTRACT_STREAM_NO_TEXT);
	jv a = parse(CHUNK("a", "[{\"index\":0,\"delta\":{\"content\":\"long text\"}}]"));
	jv b = parse(CHUNK("b", "[]"));
	jv far = parse(CHUNK("a", "[{\"index\":5000,\"delta\":{\"content\":\"x\"}}]"));
	struct gpt_err e;
	jv r, c;

	T_OK(extract_stream_continues(s, a), "any chunk continues an empty stream");
	extract_stream_add(s, a, &e);
	T_OK(extract_stream_active(s), "a chunk begins a stream");
	T_OK(!extract_stream_continues(s, b), "a chunk with another id begins another stream");
	T_OK(extract_stream_continues(s, a), "a chunk with the same id continues it");
	T_EQ_INT(-1, extract_stream_add(s, far, &e), "a choice index over the cap is refused");
	T_EQ_STR("choice index out of range", e.msg, "and says so");
	r = extract_stream_finish(s);
	c = jv_array_get(jv_object_get(r, jv_string("choices")), 0);
	T_EQ_STR("\"\"", dump(extract_content(c)), "without text kept, content is only marked present");
	jv_free(c);
	T_EQ_STR("\"long text\"", dump(extract_chunk_content(a, 0)), "the piece of a chunk for live printing");
	T_OK(!jv_is_valid(extract_chunk_content(a, 1)), "no piece for another choice");
	T_OK(!extract_chunk_finished(a, 0), "a chunk without finish_reason has not finished");
	jv_free(a);
	jv_free(b);
	jv_free(far);
	extract_stream_free(s);

	s = extract_stream_new(0);
	a = parse(CHUNK("a", "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]"));
	b = parse(CHUNK("a", "[{\"index\":0,\"delta\":{\"content\":\"x\"}}]"));
	far = parse("{\"id\":\"a\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
	    "\"usage\":{\"total_tokens\":1}}");
	extract_stream_add(s, a, &e);
	T_OK(extract_chunk_finished(a, 0), "a chunk with a finish_reason has finished");
	T_OK(!extract_stream_continues(s, b), "more text for a finished choice begins a new stream");
	T_OK(extract_stream_continues(s, far), "the usage chunk after the finish continues it");
	jv_free(a);
	jv_free(b);
	jv_free(far);
	extract_stream_free(s);
}

static void
test_jqrun(void)
{
	struct gpt_err e;
	struct jqrun *jr;
	jv out, named = jv_object_set(jv_object(), jv_string("who"), jv_string("you"));

	jr = jqrun_new(".[] | . + $who + $ARGS.named.who", named, &e);
	T_OK(jr != NULL, "a filter with a named argument compiles");
	jqrun_start(jr, parse("[\"a\",\"b\"]"));
	T_EQ_INT(1, jqrun_next(jr, &out, &e), "first output");
	T_EQ_STR("\"ayouyou\"", dump(out), "$NAME and $ARGS.named are set");
	T_EQ_INT(1, jqrun_next(jr, &out, &e), "second output");
	jv_free(out);
	T_EQ_INT(0, jqrun_next(jr, &out, &e), "then the end");
	jqrun_start(jr, parse("[1]"));
	T_EQ_INT(-1, jqrun_next(jr, &out, &e), "a runtime error");
	T_EQ_INT(GPT_EXIT_DATA, e.code, "is bad data");
	T_EQ_STR("filter error: number (1) and string (\"you\") cannot be added", e.msg,
	    "with jq's message");
	jqrun_start(jr, parse("[\"c\"]"));
	T_EQ_INT(1, jqrun_next(jr, &out, &e), "the next run works after an error");
	jv_free(out);
	jqrun_free(jr);

	T_OK(jqrun_new(".a |", jv_object(), &e) == NULL, "a syntax error does not compile");
	T_EQ_INT(GPT_EXIT_USAGE, e.code, "and is a usage error");
	T_OK(strncmp(e.msg, "filter: syntax error", 20) == 0, "naming the syntax error");
	T_OK(strstr(e.msg, "compile error") == NULL, "without jq's error count");
	jr = jqrun_new("error({\"a\":1})", jv_object(), &e);
	jqrun_start(jr, jv_null());
	T_EQ_INT(-1, jqrun_next(jr, &out, &e), "error() with an object");
	T_EQ_STR("filter error: {\"a\":1}", e.msg, "is shown as JSON");
	jqrun_free(jr);
}

int
main(void)
{
	test_paths();
	test_refusal_and_tools();
	test_cut_off();
	test_parse_json();
	test_api_error();
	test_stream();
	test_stream_edges();
	test_jqrun();
	{
		jv ch = jv_parse("{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"}},{\"index\":0,\"delta\":{\"content\":\"a\"}}]}");
		jv piece = extract_chunk_content(ch, 0);

		T_EQ_STR("ba", jv_get_kind(piece) == JV_KIND_STRING ? jv_string_value(piece) : NULL,
		    "a chunk's pieces for one choice are joined, as the assembly joins them");
		jv_free(piece);
		jv_free(ch);
	}
	return t_done();
}
