/* lib/request.c: which items are sent, and the body that goes out. */
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "jsonin.h"
#include "request.h"
#include "t.h"

static struct request r;
static struct gpt_err err;

/* Prepare the JSON text s; returns request_prepare's result. */
static int
prep(const char *s, const char *model, int stream)
{
	jv v;

	request_release(&r);
	gpt_err_clear(&err);
	if (json_parse_one(s, strlen(s), "t", &v, &err) < 0)
		abort();
	return request_prepare(v, model, stream, &r, &err);
}

#define REQ "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
#define BATCH(body) "{\"custom_id\":\"c1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" body "}"

int
main(void)
{
	r.custom_id = jv_invalid();

	T_EQ_INT(0, prep(REQ, NULL, 0), "a request is accepted");
	T_EQ_STR(REQ, r.body, "its body is sent as given, compact");
	T_OK(!jv_is_valid(r.custom_id), "a bare request has no custom_id");
	T_EQ_INT(0, r.stream, "it is not streamed");

	prep("{\n  \"model\": \"m\",\n  \"messages\": []\n}", NULL, 0);
	T_EQ_STR("{\"model\":\"m\",\"messages\":[]}", r.body, "a pretty request is sent on one line");

	prep(REQ, "gpt-4o", 0);
	T_EQ_STR("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", r.body,
	    "the model option replaces the model in place");
	T_EQ_INT(0, prep("{\"messages\":[]}", "gpt-4o", 0), "the model option fills in a missing model");
	T_EQ_STR("{\"messages\":[],\"model\":\"gpt-4o\"}", r.body, "the filled-in model is added");
	T_EQ_INT(-1, prep("{\"messages\":[]}", NULL, 0), "a request without a model is refused");
	T_EQ_INT(GPT_EXIT_DATA, err.code, "as bad data");
	T_EQ_INT(-1, prep("{\"model\":\"\",\"messages\":[]}", NULL, 0), "an empty model is refused");
	T_EQ_INT(-1, prep("{\"model\":3,\"messages\":[]}", NULL, 0), "a model that is not a string is refused");

	T_EQ_INT(0, prep(REQ, NULL, 1), "stream asks for a stream");
	T_EQ_STR("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
	    "\"stream_options\":{\"include_usage\":true}}", r.body, "with usage in stream_options");
	T_EQ_INT(1, r.stream, "and is streamed");
	prep("{\"model\":\"m\",\"messages\":[],\"stream_options\":{\"x\":1}}", NULL, 1);
	T_EQ_STR("{\"model\":\"m\",\"messages\":[],\"stream_options\":{\"x\":1,\"include_usage\":true},"
	    "\"stream\":true}", r.body, "other stream_options are kept");
	prep("{\"model\":\"m\",\"messages\":[],\"stream\":true}", NULL, 0);
	T_EQ_INT(1, r.stream, "a request that says stream true is streamed");
	T_EQ_STR("{\"model\":\"m\",\"messages\":[],\"stream\":true}", r.body, "and is left as it is");

	T_EQ_INT(0, prep(BATCH(REQ), NULL, 0), "a batch line is accepted");
	T_EQ_STR(REQ, r.body, "its body is what is sent");
	T_EQ_STR("c1", jv_string_value(r.custom_id), "its custom_id is kept");
	T_EQ_INT(0, prep(BATCH(REQ), NULL, 1), "stream does not apply to batch lines");
	T_EQ_INT(0, r.stream, "batch lines are not streamed");
	prep(BATCH(REQ), "o3", 0);
	T_OK(strstr(r.body, "\"model\":\"o3\"") != NULL, "the model option applies to a batch body");
	T_EQ_INT(-1, prep(BATCH("{\"model\":\"m\",\"messages\":[],\"stream\":true}"), NULL, 0),
	    "a batch line asking for a stream is refused");
	T_OK(jv_is_valid(r.custom_id), "a refused batch line still has its custom_id");
	T_EQ_STR("invalid_request", r.fail_code, "refused as an invalid request");
	T_EQ_INT(-1, prep("{\"custom_id\":\"c\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":"
	    REQ "}", NULL, 0), "a batch line that is not a POST is refused");
	T_EQ_INT(-1, prep("{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":"
	    REQ "}", NULL, 0), "a batch line for another endpoint is refused");
	T_EQ_INT(-1, prep(BATCH("{\"input\":\"x\"}"), NULL, 0), "a batch body that is not a chat request is refused");

	T_EQ_INT(-1, prep("{\"object\":\"chat.completion\",\"choices\":[]}", NULL, 0), "a response is refused");
	T_EQ_STR("a response, not a request: not sent", err.msg, "naming its shape");
	T_EQ_INT(-1, prep("[1,2]", NULL, 0), "an array is refused");
	T_EQ_STR("not a chat completion request: not sent", err.msg, "as not a request");
	T_EQ_INT(-1, prep("\"text\"", NULL, 0), "a string is refused");
	request_release(&r);
	return t_done();
}
