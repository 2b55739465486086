/*
 * Reading a stream of JSON values (JSONL, or values separated by any
 * whitespace) from a file descriptor, one item at a time, in memory
 * bounded by the largest item.  Each item's text is checked before it is
 * parsed: invalid UTF-8 and lone surrogate escapes ("\ud800") are errors
 * naming the byte offset, never silently replaced (libjq would replace
 * them with U+FFFD).  A bad item is reported and skipped; the stream goes
 * on with the next item where that is possible.
 */
#ifndef GPT_JSONIN_H
#define GPT_JSONIN_H

#include <stddef.h>

#include <jv.h>

#include "errmsg.h"

/* Default cap on the size of one item: 1 GiB (libjq takes an int length). */
#define JSONIN_MAX_ITEM ((size_t)1 << 30)

struct jsonin;

/* Where the last item returned (or rejected) came from. */
struct jsonin_item {
	unsigned long number;        /* 1-based count of items seen, bad ones included */
	unsigned long line;          /* 1-based line on which it starts */
	unsigned long long offset;   /* byte offset in the stream where it starts */
	const char *raw;             /* its bytes, valid until the next call */
	size_t len;
};

/*
 * Read from fd (borrowed: not closed by jsonin_free); name is used in
 * messages ("<stdin>" or a path) and is copied.  max_item caps one item.
 */
struct jsonin *jsonin_new(int fd, const char *name, size_t max_item);

/* Read from the n bytes at p (copied), for tests and fuzzing. */
struct jsonin *jsonin_new_mem(const void *p, size_t n, const char *name);

void jsonin_free(struct jsonin *in);

/*
 * Read the next item.  Returns 1 and sets *v (the caller owns it); 0 at
 * the end of the stream; -1 for a bad item, with err set (GPT_EXIT_DATA),
 * after which the stream may be read on; -2 for an error that ends the
 * stream (a read error, GPT_EXIT_IO, or an item over the cap or cut off
 * by the end, GPT_EXIT_DATA).  Error messages start with "NAME:LINE: ".
 */
int jsonin_next(struct jsonin *in, jv *v, struct gpt_err *err);

/*
 * The item last returned or rejected by jsonin_next.  A bad item found by
 * the scanner spans the rest of its line (the line that was skipped).
 */
const struct jsonin_item *jsonin_last(const struct jsonin *in);

/*
 * Whether the next item's line is already buffered in full (a newline
 * follows the unread bytes), so jsonin_next will not wait for input: a
 * writer may then leave flushing to after that item.
 */
int jsonin_ready(const struct jsonin *in);

/* The name given to jsonin_new. */
const char *jsonin_name(const struct jsonin *in);

/*
 * Parse exactly one JSON value from s[0..n), with the same checks as
 * the stream (UTF-8, lone surrogates, nothing after the value).
 * Returns 0 and sets *v, or -1 with err set (GPT_EXIT_DATA); what names
 * the text in the message ("--param", a path).
 */
int json_parse_one(const char *s, size_t n, const char *what, jv *v, struct gpt_err *err);

/*
 * Whether every number in v (borrowed) is finite: libjq reads 1e999 as
 * the largest double, which is not the value that was written.
 */
int json_is_finite(jv v);

#endif
