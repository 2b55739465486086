/*
 * The answers gpt-send writes: Batch API output lines, and the API's error
 * bodies read for messages and retry decisions.  Pure jv work.
 */
#ifndef GPT_BATCHOUT_H
#define GPT_BATCHOUT_H

#include <stddef.h>

#include <jv.h>

/*
 * A Batch API output line for an item the API answered:
 * {"id", "custom_id", "response": {"status_code", "request_id", "body"},
 * "error": null}.  id and request_id are borrowed (request_id may be NULL:
 * null); custom_id and body are consumed.
 */
jv batchout_answer(const char *id, jv custom_id, long status, const char *request_id,
    jv body);

/*
 * A Batch API output line for an item that got no usable answer:
 * {"id", "custom_id", "response": null, "error": {"code", "message"}}.
 * custom_id is consumed, the strings borrowed.
 */
jv batchout_failure(const char *id, jv custom_id, const char *code, const char *message);

/*
 * Write a new request id ("local_req_" and 24 hex digits) from r1, r2 into
 * buf.  Not "batch_req_": that prefix is the Batch API's own, and
 * gpt-cost gives its discount to the lines that carry it.
 */
void batchout_id(char *buf, size_t n, unsigned long long r1, unsigned long long r2);

/* The "error" object of v (borrowed), or jv_invalid() when there is none. */
jv apierr_object(jv v);

/*
 * "code: message" for an API error body (borrowed) into out: the code, or
 * the type when the code is null, then the message.
 */
void apierr_describe(jv body, char *out, size_t n);

/*
 * error.code and error.type of body (borrowed) as C strings (NULL when
 * absent), valid while *hold_code and *hold_type are held: free both.
 */
void apierr_code_type(jv body, const char **code, const char **type, jv *hold_code,
    jv *hold_type);

#endif
