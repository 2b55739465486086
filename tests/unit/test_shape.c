/* lib/shape.c: telling the pipe formats apart. */
#include <string.h>

#include "shape.h"
#include "t.h"

static enum shape
shape_str(const char *s)
{
	jv v = jv_parse(s);
	enum shape r = shape_of(v);

	jv_free(v);
	return r;
}

int
main(void)
{
	jv v, p;

	T_EQ_INT(SHAPE_REQUEST, shape_str("{\"model\":\"m\",\"messages\":[]}"), "a request");
	T_EQ_INT(SHAPE_RESPONSE, shape_str("{\"object\":\"chat.completion\",\"choices\":[]}"), "a response");
	T_EQ_INT(SHAPE_RESPONSE, shape_str("{\"choices\":[{\"message\":{}}]}"), "a response without object");
	T_EQ_INT(SHAPE_CHUNK, shape_str("{\"object\":\"chat.completion.chunk\",\"choices\":[]}"), "a usage chunk");
	T_EQ_INT(SHAPE_CHUNK, shape_str("{\"choices\":[{\"delta\":{}}]}"), "a chunk without object");
	T_EQ_INT(SHAPE_ERROR, shape_str("{\"error\":{\"message\":\"x\"}}"), "an error body");
	T_EQ_INT(SHAPE_BATCH_IN, shape_str("{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{}}"), "a batch input line");
	T_EQ_INT(SHAPE_BATCH_OUT, shape_str("{\"id\":\"b\",\"custom_id\":\"a\",\"response\":{\"status_code\":200,\"body\":{}},\"error\":null}"), "a batch output line");
	T_EQ_INT(SHAPE_BATCH_OUT, shape_str("{\"id\":\"b\",\"custom_id\":\"a\",\"response\":null,\"error\":{\"code\":\"x\",\"message\":\"y\"}}"), "a failed batch output line");
	T_EQ_INT(SHAPE_UNKNOWN, shape_str("[1]"), "an array is unknown");
	T_EQ_INT(SHAPE_UNKNOWN, shape_str("{\"a\":1}"), "an unrelated object is unknown");

	v = jv_parse("{\"custom_id\":\"a\",\"response\":{\"status_code\":200,\"body\":{\"x\":1}},\"error\":null}");
	p = shape_payload(v);
	T_OK(jv_equal(p, jv_parse("{\"x\":1}")), "the payload of a batch output line is its body");
	p = shape_custom_id(v);
	T_EQ_STR("a", jv_get_kind(p) == JV_KIND_STRING ? jv_string_value(p) : NULL, "its custom_id");
	jv_free(p);
	jv_free(v);
	v = jv_parse("{\"custom_id\":\"a\",\"response\":null,\"error\":{\"code\":\"c\",\"message\":\"m\"}}");
	p = shape_payload(v);
	T_OK(jv_equal(p, jv_parse("{\"error\":{\"code\":\"c\",\"message\":\"m\"}}")),
	    "the payload of a failed batch line is its error as an error body");
	jv_free(v);
	return t_done();
}
