/* A jq program compiled once and run on each value in turn. */
#include <stdlib.h>
#include <string.h>

#include <jq.h>

#include "buf.h"
#include "exitcode.h"
#include "jqrun.h"
#include "xalloc.h"

struct jqrun {
	jq_state *jq;
	struct buf msgs;     /* the compiler's messages, "; "-separated */
};

/*
 * The error callback: keep the first line of each message, without
 * jq's "jq: error: " prefix, which would repeat the program's name.
 */
static void
collect(void *data, jv msg)
{
	struct jqrun *jr = data;
	const char *s, *nl;

	if (jv_get_kind(msg) == JV_KIND_STRING) {
		s = jv_string_value(msg);
		if (strncmp(s, "jq: error: ", 11) == 0)
			s += 11;
		else if (strncmp(s, "jq: ", 4) == 0)
			s += 4;
		nl = strchr(s, '\n');
		if (strstr(s, " compile error") != NULL && nl == NULL &&
		    s[0] >= '0' && s[0] <= '9') {
			jv_free(msg);
			return;		/* "1 compile error": a count, not news */
		}
		if (jr->msgs.len > 0)
			buf_adds(&jr->msgs, "; ");
		buf_add(&jr->msgs, s, nl ? (size_t)(nl - s) : strlen(s));
		while (jr->msgs.len > 0 && jr->msgs.data[jr->msgs.len - 1] == ':')
			jr->msgs.data[--jr->msgs.len] = '\0';
	}
	jv_free(msg);
}

struct jqrun *
jqrun_new(const char *program, jv named, struct gpt_err *err)
{
	struct jqrun *jr = xcalloc(1, sizeof(*jr));
	jv args;

	buf_init(&jr->msgs, 400);
	jr->jq = jq_init();
	if (jr->jq == NULL) {
		jv_free(named);
		jqrun_free(jr);
		gpt_err_set(err, GPT_EXIT_IO, "filter: cannot start libjq");
		return NULL;
	}
	jq_set_error_cb(jr->jq, collect, jr);
	/* No library path: no ~/.jq or modules change what a filter means. */
	jq_set_attr(jr->jq, jv_string("JQ_LIBRARY_PATH"), jv_array());
	args = jv_object_set(jv_copy(named), jv_string("ARGS"),
	    jv_object_set(jv_object_set(jv_object(), jv_string("positional"),
	    jv_array()), jv_string("named"), jv_copy(named)));
	jv_free(named);
	if (!jq_compile_args(jr->jq, program, args)) {
		gpt_err_set(err, GPT_EXIT_USAGE, "filter: %s",
		    jr->msgs.len > 0 ? jr->msgs.data : "does not compile");
		jqrun_free(jr);
		return NULL;
	}
	return jr;
}

void
jqrun_free(struct jqrun *jr)
{
	if (jr == NULL)
		return;
	if (jr->jq != NULL)
		jq_teardown(&jr->jq);
	buf_release(&jr->msgs);
	free(jr);
}

void
jqrun_start(struct jqrun *jr, jv input)
{
	jq_start(jr->jq, input, 0);
}

int
jqrun_next(struct jqrun *jr, jv *out, struct gpt_err *err)
{
	jv r = jq_next(jr->jq), msg, text;

	if (jv_is_valid(r)) {
		*out = r;
		return 1;
	}
	*out = jv_invalid();
	if (!jv_invalid_has_msg(jv_copy(r))) {
		jv_free(r);
		return 0;
	}
	msg = jv_invalid_get_msg(r);
	if (jv_get_kind(msg) == JV_KIND_STRING)
		text = msg;
	else
		text = jv_dump_string(msg, 0);
	gpt_err_set(err, GPT_EXIT_DATA, "filter error: %s", jv_string_value(text));
	jv_free(text);
	return -1;
}
