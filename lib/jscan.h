/*
 * Reading a stream of JSON items without building them: each item is
 * checked as strictly as lib/jsonin checks it (the JSON grammar, UTF-8,
 * no lone surrogate escapes, nesting at most 256 deep) and handed over
 * as its bytes, so that a program that needs a few fields of each item
 * (gpt-cost: a response's model and usage) can take them from the text
 * and parse only those, instead of paying for a jv tree of every item.
 * The stream's rules are jsonin's: items separated by any whitespace, a
 * BOM at the start skipped, line numbers in messages, a bad item
 * reported and the rest of its line skipped, memory bounded by the
 * largest item.
 *
 * It is meant to go, gpt-cost reading through lib/jsonin alone: a full
 * parse now costs less per response than jq does.  What keeps it is
 * gpt-cost --tee, which passes a bad item on as the whole line that was
 * skipped; jsonin gives only the bytes before the bad one, and those
 * are overwritten when the line runs past what it has read.
 */
#ifndef GPT_JSCAN_H
#define GPT_JSCAN_H

#include <stddef.h>

#include <jv.h>

#include "errmsg.h"
#include "jsonin.h"

struct jscan;

/* Read from fd (borrowed); name is used in messages; max_item caps one item. */
struct jscan *jscan_new(int fd, const char *name, size_t max_item);

void jscan_free(struct jscan *js);

/*
 * The next item.  Returns 1 with *item set (its bytes valid until the
 * next call), 0 at the end, -1 for a bad item (err set, GPT_EXIT_DATA:
 * "NAME:LINE: why"; *item says where, and the stream goes on), -2 for an
 * error that ends the stream (a read error, an item over the cap or cut
 * off by the end).
 */
int jscan_next(struct jscan *js, struct jsonin_item *item, struct gpt_err *err);

/* One member of an object: its key and value as they are in the text. */
struct jscan_member {
	const char *key;        /* inside the quotes */
	size_t keylen;
	const char *val;        /* the whole value, quotes included for a string */
	size_t vallen;
	char kind;              /* '"' string, '{' object, '[' array, '0' number, 't' 'f' 'n' */
	int key_escaped;        /* the key holds a backslash escape */
	int escaped;            /* a string value holds a backslash escape */
};

#define JSCAN_MEMBERS 32

/*
 * The members of the object at s[0..n), which must be one valid JSON
 * object (an item jscan_next gave, or an object value inside one).
 * Returns how many (at most max, into m), or -1 when s is not an object
 * or has more than max members.
 */
int jscan_members(const char *s, size_t n, struct jscan_member *m, int max);

/* The member with this key (no escapes in it) among m[0..n), the last one if repeated; NULL if none. */
const struct jscan_member *jscan_get(const struct jscan_member *m, int n, const char *key);

/*
 * The valid JSON value at s[0..n) as a jv (a new reference), built
 * straight from the text; jv_invalid() when it holds a string escape or
 * an object of more than JSCAN_MEMBERS members, which are left to libjq.
 * Numbers are read as libjq reads them, to the nearest double.
 */
jv jscan_jv(const char *s, size_t n);

#endif
