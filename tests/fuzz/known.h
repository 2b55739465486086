/*
 * Known faults of libjq 1.6 that the fuzz targets step around, so that
 * fuzzing goes on finding new faults while a known one awaits its fix.
 * Built with -DFUZZ_STRICT (the valgrind replay of the corpus in
 * tests/fuzz.bats), nothing is stepped around and the faults show.
 *
 * jq 1.6's parser leaks a string that directly follows another value
 * inside an array or object ('[1 "x"]', '{"a" "b"}'): value() in
 * src/jv_parse.c returns "Expected separator between values" without
 * freeing the new value.  lib/jsonin.c hands such an item to libjq, so
 * the leak is reachable from any program's input (reported; the
 * corpus file libjq-leak-string-after-value pins it).
 */
#ifndef FUZZ_KNOWN_H
#define FUZZ_KNOWN_H

#include <stddef.h>
#include <string.h>

#include "jsonin.h"

#ifndef FUZZ_STRICT
#include <sanitizer/lsan_interface.h>

/* Whether the item s[0..n) has a string right after a value in a container. */
static int
known_string_after_value(const char *s, size_t n)
{
	size_t i;
	long depth = 0;
	int instr = 0, esc = 0;
	char prev = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (instr) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"') {
				instr = 0;
				prev = '"';
			}
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '"') {
			if (depth > 0 && (prev == '\0' ||
			    strchr("[{,:", prev) == NULL))
				return 1;
			instr = 1;
			continue;
		}
		if (c == '[' || c == '{')
			depth++;
		else if ((c == ']' || c == '}') && depth > 0)
			depth--;
		prev = c;
	}
	return 0;
}
#endif

/*
 * Whether reading data as a stream hands libjq an item it is known to
 * mishandle.  The reading is done with leak checking off, so the known
 * leak does not count; the caller then skips the input.
 */
static int
known_libjq_fault(const void *data, size_t size)
{
#ifdef FUZZ_STRICT
	(void)data;
	(void)size;
	return 0;
#else
	struct jsonin *in;
	struct gpt_err err;
	jv v;
	int r, known = 0;

	__lsan_disable();
	in = jsonin_new_mem(data, size, "known");
	while (!known && (r = jsonin_next(in, &v, &err)) != 0) {
		const struct jsonin_item *it = jsonin_last(in);

		if (r == 1)
			jv_free(v);
		else if (strstr(err.msg, "invalid JSON") != NULL)
			known = known_string_after_value(it->raw, it->len);
		if (r == -2)
			break;
	}
	jsonin_free(in);
	__lsan_enable();
	return known;
#endif
}

#endif
