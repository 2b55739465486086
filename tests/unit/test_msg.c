/* lib/msg.c: the request gpt-msg writes, and continuing conversations. */
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "msg.h"
#include "t.h"

/* The compact JSON text of v (consumed), in a static buffer. */
static const char *
dump(jv v)
{
	static char out[4096];
	jv s = jv_dump_string(v, 0);

	snprintf(out, sizeof(out), "%s", jv_string_value(s));
	jv_free(s);
	return out;
}

static jv
parse(const char *s)
{
	return jv_parse(s);
}

/* Feed the JSON items of s (one per line) to r; the last return code. */
static int
take_all(struct msg_req *r, const char *items[], struct gpt_err *e)
{
	int i, rc = 0;
	jv v;

	for (i = 0; items[i] != NULL && rc == 0; i++) {
		v = parse(items[i]);
		rc = msg_req_take(r, v, e);
		jv_free(v);
	}
	if (rc == 0)
		rc = msg_req_take_end(r, e);
	return rc;
}

static void
test_build_order(void)
{
	struct msg_req r;

	msg_req_init(&r);
	msg_req_set(&r, "zeta", jv_number(1));
	msg_req_set(&r, "response_format", parse("{\"type\":\"json_object\"}"));
	msg_req_set(&r, "temperature", jv_number(0.7));
	msg_req_set(&r, "alpha", jv_true());
	msg_req_set(&r, "max_tokens", jv_number(3000));
	msg_req_add(&r, "system", "S", 1);
	msg_req_add(&r, "user", "U", 1);
	T_EQ_STR("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
	    "{\"role\":\"user\",\"content\":\"U\"}],\"temperature\":0.7,\"max_tokens\":3000,"
	    "\"response_format\":{\"type\":\"json_object\"},\"zeta\":1,\"alpha\":true}",
	    dump(msg_req_build(&r, MSG_DEFAULT_MODEL)),
	    "keys: model, messages, known parameters in fixed order, others as set");

	msg_req_set(&r, "zeta", jv_number(2));
	msg_req_set(&r, "model", jv_string("gpt-4o"));
	T_EQ_STR("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
	    "{\"role\":\"user\",\"content\":\"U\"}],\"temperature\":0.7,\"max_tokens\":3000,"
	    "\"response_format\":{\"type\":\"json_object\"},\"zeta\":2,\"alpha\":true}",
	    dump(msg_req_build(&r, MSG_DEFAULT_MODEL)),
	    "a parameter set again keeps its place and takes the later value");
	msg_req_release(&r);
}

static void
test_append_user(void)
{
	struct msg_req r;

	msg_req_init(&r);
	msg_req_add(&r, "user", "old", 3);
	msg_req_add(&r, "system", "S", 1);
	msg_req_append_user(&r, 1, "in\n", 3);
	T_EQ_STR("[{\"role\":\"user\",\"content\":\"old\"},{\"role\":\"system\",\"content\":\"S\"},"
	    "{\"role\":\"user\",\"content\":\"in\\n\"}]", dump(jv_copy(r.messages)),
	    "text with no new user message becomes one; earlier messages stay");
	msg_req_add(&r, "user", "Q", 1);
	msg_req_add(&r, "assistant", "A", 1);
	msg_req_append_user(&r, 1, " x\t", 3);
	T_EQ_STR("[{\"role\":\"user\",\"content\":\"old\"},{\"role\":\"system\",\"content\":\"S\"},"
	    "{\"role\":\"user\",\"content\":\"in\\n\"},{\"role\":\"user\",\"content\":\"Q\\n\\n x\\t\"},"
	    "{\"role\":\"assistant\",\"content\":\"A\"}]", dump(jv_copy(r.messages)),
	    "text goes to the last new user message after a blank line, exactly");
	msg_req_release(&r);
}

static void
test_json_mode(void)
{
	struct gpt_err e;
	jv req;

	req = parse("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"You are an assistant.\"}],"
	    "\"response_format\":{\"type\":\"json_object\"}}");
	T_EQ_INT(-1, msg_check(req, &e), "JSON mode without the word json is refused");
	T_EQ_INT(GPT_EXIT_DATA, e.code, "that refusal is bad input data (exit 3)");
	T_OK(strstr(e.msg, "-s \"Reply in JSON.\"") != NULL, "the message says how to fix it");
	jv_free(req);

	req = parse("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"reply with JsOn.\"}],"
	    "\"response_format\":{\"type\":\"json_object\"}}");
	T_EQ_INT(0, msg_check(req, &e), "the word json in any letter case is enough");
	jv_free(req);

	req = parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
	    "\"text\":\"As JSON\"}]}],\"response_format\":{\"type\":\"json_object\"}}");
	T_EQ_INT(0, msg_check(req, &e), "the word json in a content part counts");
	jv_free(req);

	req = parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
	    "\"response_format\":{\"type\":\"json_schema\"}}");
	T_EQ_INT(0, msg_check(req, &e), "a JSON schema needs no word json");
	jv_free(req);

	req = parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"jso n\"}]}");
	T_EQ_INT(0, msg_check(req, &e), "no JSON mode, no check");
	jv_free(req);
}

static void
test_schema(void)
{
	char name[65];
	jv s;

	s = parse("{\"title\":\"Movie review!\",\"type\":\"object\"}");
	msg_schema_name(s, "x.json", name);
	T_EQ_STR("Movie_review_", name, "the title names the schema, sanitised");
	jv_free(s);
	s = parse("{\"type\":\"object\"}");
	msg_schema_name(s, "dir.d/movie-review.schema.json", name);
	T_EQ_STR("movie-review_schema", name, "else the file name without its extension");
	msg_schema_name(s, "-", name);
	T_EQ_STR("schema", name, "stdin gives the name schema");
	jv_free(s);
	s = parse("{\"title\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}");
	msg_schema_name(s, "x", name);
	T_EQ_INT(64, strlen(name), "the name is at most 64 bytes");
	T_EQ_STR("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"type\":\"object\"},"
	    "\"strict\":true}}", dump(msg_schema_format(parse("{\"type\":\"object\"}"), "s.json")),
	    "response_format for a schema file");
	jv_free(s);
	T_EQ_STR("{\"custom_id\":\"line-1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
	    "\"body\":{\"model\":\"m\"}}", dump(msg_batch_line("line-1", parse("{\"model\":\"m\"}"))),
	    "the Batch API input line, keys in the API's order");
}

static void
test_continue(void)
{
	static const char *req_resp[] = {
		"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Q1\"}],\"temperature\":0.2,\"x\":1}",
		"{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-2024\",\"choices\":[{\"index\":0,"
		"\"message\":{\"role\":\"assistant\",\"content\":\"A1\",\"refusal\":null,\"annotations\":[]},"
		"\"finish_reason\":\"stop\"}]}",
		NULL
	};
	static const char *batch[] = {
		"{\"custom_id\":\"line-1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
		"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Q\"}]}}",
		"{\"id\":\"b\",\"custom_id\":\"line-1\",\"response\":{\"status_code\":200,\"body\":{\"object\":"
		"\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A\"}}]}},"
		"\"error\":null}",
		NULL
	};
	static const char *chunks[] = {
		"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Q\"}],\"stream\":true}",
		"{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
		"{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}",
		"{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}",
		"{\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"total_tokens\":3}}",
		NULL
	};
	static const char *error[] = {
		"{\"error\":{\"message\":\"Rate limit\",\"type\":\"requests\",\"param\":null,\"code\":null}}",
		NULL
	};
	static const char *other[] = { "[1,2]", NULL };
	struct gpt_err e;
	struct msg_req r, now;

	msg_req_init(&r);
	T_EQ_INT(0, take_all(&r, req_resp, &e), "a request then its response continue");
	msg_req_init(&now);
	msg_req_set(&now, "temperature", jv_number(1));
	msg_req_overlay(&r, &now);
	msg_req_release(&now);
	msg_req_add(&r, "user", "Q2", 2);
	T_EQ_STR("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Q1\"},"
	    "{\"role\":\"assistant\",\"content\":\"A1\"},{\"role\":\"user\",\"content\":\"Q2\"}],"
	    "\"temperature\":1,\"x\":1}", dump(msg_req_build(&r, "d")),
	    "the answer is appended as the request takes it, parameters given now win");
	msg_req_release(&r);

	msg_req_init(&r);
	T_EQ_INT(0, take_all(&r, batch, &e), "a batch input line then its output line continue");
	T_EQ_STR("[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\"}]",
	    dump(jv_copy(r.messages)), "the batch answer's message is appended");
	msg_req_release(&r);

	msg_req_init(&r);
	T_EQ_INT(0, take_all(&r, chunks, &e), "a request then its stream chunks continue");
	T_EQ_STR("[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]",
	    dump(jv_copy(r.messages)), "the chunks are gathered into one assistant message");
	msg_req_release(&r);

	msg_req_init(&r);
	T_EQ_INT(-1, take_all(&r, error, &e), "an error answer cannot be continued");
	T_OK(strstr(e.msg, "Rate limit") != NULL, "the refusal quotes the error's message");
	msg_req_release(&r);

	msg_req_init(&r);
	T_EQ_INT(-1, take_all(&r, other, &e), "JSON of no known shape is refused");
	T_EQ_INT(GPT_EXIT_DATA, e.code, "as bad input data");
	msg_req_release(&r);
}

int
main(void)
{
	test_build_order();
	test_append_user();
	test_json_mode();
	test_schema();
	test_continue();
	return t_done();
}
