/*
 * libFuzzer target for lib/jsonin: the stream reader (jsonin_new_mem and
 * a jsonin_next loop) and json_parse_one, on the same bytes.  Beyond
 * "no crash, no leak", it checks what callers rely on: every item handed
 * out is valid UTF-8 and lies inside the input, every error is one line
 * with a data or I/O code, the stream ends, and json_parse_one accepts
 * exactly the inputs that the stream reads as one good item.
 *
 * sources: jsonin buf utf8 errmsg xalloc
 * dict: json
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "jsonin.h"
#include "utf8.h"

static void
check_err(const struct gpt_err *err, int code)
{
	if (err->code != code || err->msg[0] == '\0' ||
	    strchr(err->msg, '\n') != NULL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonin *in;
	const struct jsonin_item *it;
	struct gpt_err err;
	size_t good = 0, bad = 0, calls = 0;
	jv v, first = jv_invalid(), one;
	int r;

	in = jsonin_new_mem(data, size, "fuzz");
	gpt_err_clear(&err);
	while ((r = jsonin_next(in, &v, &err)) != 0) {
		/* Each call consumes at least one byte, so this bounds it. */
		if (++calls > size + 1)
			abort();
		it = jsonin_last(in);
		if (it->offset > size || it->len > size - it->offset)
			abort();
		if (r == 1) {
			if (!jv_is_valid(v) ||
			    utf8_invalid(it->raw, it->len) != it->len)
				abort();
			if (good++ == 0)
				first = v;
			else
				jv_free(v);
			continue;
		}
		if (r == -1)
			check_err(&err, GPT_EXIT_DATA);
		else if (r == -2)
			check_err(&err, GPT_EXIT_DATA);
		else
			abort();
		bad++;
		if (r == -2)
			break;
	}
	jsonin_free(in);

	gpt_err_clear(&err);
	if (json_parse_one((const char *)data, size, "arg", &one, &err) == 0) {
		jv a, b;

		if (good != 1 || bad != 0)
			abort();
		/* NaN is not equal to itself: compare the texts instead. */
		a = jv_dump_string(jv_copy(first), 0);
		b = jv_dump_string(one, 0);
		if (strcmp(jv_string_value(a), jv_string_value(b)) != 0)
			abort();
		jv_free(a);
		jv_free(b);
	} else {
		check_err(&err, GPT_EXIT_DATA);
		if (jv_is_valid(one) || (good == 1 && bad == 0))
			abort();
	}
	jv_free(first);
	return 0;
}
