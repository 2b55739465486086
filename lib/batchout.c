/* Batch API output lines and API error bodies. */
#include <stdio.h>

#include "batchout.h"

jv
batchout_answer(const char *id, jv custom_id, long status, const char *request_id, jv body)
{
	jv res = jv_object();

	res = jv_object_set(res, jv_string("status_code"), jv_number((double)status));
	res = jv_object_set(res, jv_string("request_id"),
	    request_id != NULL ? jv_string(request_id) : jv_null());
	res = jv_object_set(res, jv_string("body"), body);
	return jv_object_set(jv_object_set(jv_object_set(jv_object_set(jv_object(),
	    jv_string("id"), jv_string(id)), jv_string("custom_id"), custom_id),
	    jv_string("response"), res), jv_string("error"), jv_null());
}

jv
batchout_failure(const char *id, jv custom_id, const char *code, const char *message)
{
	jv e = jv_object();

	e = jv_object_set(e, jv_string("code"), jv_string(code));
	e = jv_object_set(e, jv_string("message"), jv_string(message));
	return jv_object_set(jv_object_set(jv_object_set(jv_object_set(jv_object(),
	    jv_string("id"), jv_string(id)), jv_string("custom_id"), custom_id),
	    jv_string("response"), jv_null()), jv_string("error"), e);
}

void
batchout_id(char *buf, size_t n, unsigned long long r1, unsigned long long r2)
{
	snprintf(buf, n, "local_req_%016llx%08llx", r1, r2 & 0xffffffffULL);
}

jv
apierr_object(jv v)
{
	jv e;

	if (jv_get_kind(v) != JV_KIND_OBJECT)
		return jv_invalid();
	e = jv_object_get(jv_copy(v), jv_string("error"));
	if (jv_get_kind(e) == JV_KIND_OBJECT)
		return e;
	jv_free(e);
	return jv_invalid();
}

/* e[key] as a C string or NULL, held in *hold. */
static const char *
field(jv e, const char *key, jv *hold)
{
	*hold = jv_get_kind(e) == JV_KIND_OBJECT ?
	    jv_object_get(jv_copy(e), jv_string(key)) : jv_invalid();
	return jv_get_kind(*hold) == JV_KIND_STRING ? jv_string_value(*hold) : NULL;
}

void
apierr_code_type(jv body, const char **code, const char **type, jv *hold_code,
    jv *hold_type)
{
	jv e = apierr_object(body);

	*code = field(e, "code", hold_code);
	*type = field(e, "type", hold_type);
	jv_free(e);
}

void
apierr_describe(jv body, char *out, size_t n)
{
	jv e = apierr_object(body), hc, ht, hm;
	const char *code = field(e, "code", &hc), *type = field(e, "type", &ht);
	const char *msg = field(e, "message", &hm);

	if (code == NULL)
		code = type;
	if (msg == NULL)
		msg = "(no message)";
	if (jv_get_kind(e) != JV_KIND_OBJECT)
		snprintf(out, n, "error body without an error object");
	else if (code != NULL)
		snprintf(out, n, "%s: %s", code, msg);
	else
		snprintf(out, n, "%s", msg);
	jv_free(hc);
	jv_free(ht);
	jv_free(hm);
	jv_free(e);
}
