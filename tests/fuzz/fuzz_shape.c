/*
 * libFuzzer target for lib/shape: any JSON value goes through shape_of,
 * shape_name, shape_custom_id and shape_payload, which must neither crash
 * nor leak, and must keep their promises: a name for every shape, a
 * string or nothing as custom_id, always a valid payload, and borrowed
 * arguments left intact.
 *
 * sources: shape jsonin buf utf8 errmsg xalloc
 * dict: json
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"
#include "shape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gpt_err err;
	jv v, id, p, before, after;
	enum shape s;
	const char *name;

	if (json_parse_one((const char *)data, size, "fuzz", &v, &err) < 0)
		return 0;
	before = jv_dump_string(jv_copy(v), 0);
	s = shape_of(v);
	name = shape_name(s);
	if (name == NULL || name[0] == '\0')
		abort();
	id = shape_custom_id(v);
	if (jv_is_valid(id) && jv_get_kind(id) != JV_KIND_STRING)
		abort();
	if ((s == SHAPE_BATCH_IN || s == SHAPE_BATCH_OUT) && !jv_is_valid(id))
		abort();
	jv_free(id);
	p = shape_payload(v);
	if (!jv_is_valid(p))
		abort();
	if (s == SHAPE_BATCH_IN && jv_get_kind(p) != JV_KIND_OBJECT)
		abort();
	jv_free(p);
	if (shape_of(v) != s)
		abort();
	after = jv_dump_string(v, 0);
	if (strcmp(jv_string_value(before), jv_string_value(after)) != 0)
		abort();
	jv_free(before);
	jv_free(after);
	return 0;
}
