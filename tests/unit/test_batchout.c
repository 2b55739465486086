/* lib/batchout.c: Batch API output lines and API error bodies. */
#include <string.h>

#include "batchout.h"
#include "jsonin.h"
#include "t.h"

static char got[1024];

static jv
parse(const char *s)
{
	struct gpt_err err;
	jv v;

	if (json_parse_one(s, strlen(s), "t", &v, &err) < 0)
		return jv_invalid();
	return v;
}

/* The compact text of v (consumed), in got. */
static const char *
text(jv v)
{
	jv s = jv_dump_string(v, 0);

	snprintf(got, sizeof(got), "%s", jv_string_value(s));
	jv_free(s);
	return got;
}

static const char *
describe(const char *body)
{
	jv v = parse(body);

	apierr_describe(v, got, sizeof(got));
	jv_free(v);
	return got;
}

int
main(void)
{
	char id[48];
	const char *code, *type;
	jv hc, ht, v;

	T_EQ_STR("{\"id\":\"batch_req_1\",\"custom_id\":\"a\",\"response\":{\"status_code\":200,"
	    "\"request_id\":\"req_9\",\"body\":{\"x\":1}},\"error\":null}",
	    text(batchout_answer("batch_req_1", jv_string("a"), 200, "req_9", parse("{\"x\":1}"))),
	    "an answered item has status, request id and body, and a null error");
	T_EQ_STR("{\"id\":\"i\",\"custom_id\":\"a\",\"response\":{\"status_code\":429,"
	    "\"request_id\":null,\"body\":{\"error\":{}}},\"error\":null}",
	    text(batchout_answer("i", jv_string("a"), 429, NULL, parse("{\"error\":{}}"))),
	    "an error answer is an answer too; a missing request id is null");
	T_EQ_STR("{\"id\":\"i\",\"custom_id\":\"a\",\"response\":null,\"error\":{\"code\":\"timeout\","
	    "\"message\":\"no data\"}}",
	    text(batchout_failure("i", jv_string("a"), "timeout", "no data")),
	    "an item without an answer has a null response and an error");
	batchout_id(id, sizeof(id), 0x0123456789abcdefULL, 0xffffffff12345678ULL);
	T_EQ_STR("local_req_0123456789abcdef12345678", id,
	    "a local id is local_req_ and 24 hex digits, never the Batch API's batch_req_");

	T_EQ_STR("rate_limit_exceeded: Slow down.",
	    describe("{\"error\":{\"message\":\"Slow down.\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"),
	    "an error is named by its code");
	T_EQ_STR("invalid_request_error: Bad.",
	    describe("{\"error\":{\"message\":\"Bad.\",\"type\":\"invalid_request_error\",\"code\":null}}"),
	    "or by its type when the code is null");
	T_EQ_STR("Bad.", describe("{\"error\":{\"message\":\"Bad.\"}}"), "or by its message alone");
	T_EQ_STR("x: (no message)", describe("{\"error\":{\"code\":\"x\"}}"), "a missing message is said");
	T_EQ_STR("error body without an error object", describe("{\"detail\":\"x\"}"),
	    "a body without an error object is said");
	T_EQ_STR("error body without an error object", describe("[1]"), "so is an array");

	v = parse("{\"error\":{\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}");
	apierr_code_type(v, &code, &type, &hc, &ht);
	T_EQ_STR("insufficient_quota", code, "the code is read");
	T_EQ_STR("insufficient_quota", type, "the type is read");
	jv_free(hc);
	jv_free(ht);
	jv_free(v);
	v = parse("{\"error\":{\"type\":\"server_error\",\"code\":null}}");
	apierr_code_type(v, &code, &type, &hc, &ht);
	T_OK(code == NULL, "a null code is NULL");
	jv_free(hc);
	jv_free(ht);
	jv_free(v);
	T_OK(!jv_is_valid(apierr_object(jv_null())), "null has no error object");
	v = parse("{\"error\":\"text\"}");
	T_OK(!jv_is_valid(apierr_object(v)), "a string error is not an error object");
	jv_free(v);
	return t_done();
}
