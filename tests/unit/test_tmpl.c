/* lib/tmpl.c: "{}" substitution for --each-line templates. */
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"
#include "t.h"

/* Expand t with v; the result as a malloc'd string (NULL when over cap). */
static char *
expand(const char *t, const char *v, size_t cap)
{
	struct buf b;
	size_t n;

	buf_init(&b, cap);
	if (tmpl_expand(t, strlen(t), v, strlen(v), &b) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, &n);
}

#define EXPANDS(t, v, want, name) do { \
	char *got_ = expand((t), (v), 1 << 20); \
	T_EQ_STR((want), got_, (name)); \
	free(got_); \
} while (0)

int
main(void)
{
	char *s;

	EXPANDS("Review: {}", "good", "Review: good", "one slot takes the value");
	EXPANDS("{} and {}", "x", "x and x", "every slot takes the value");
	EXPANDS("{}", "", "", "an empty value leaves nothing");
	EXPANDS("no slot", "x", "no slot", "text without a slot is unchanged");
	EXPANDS("{{}} is literal, {} is not", "v", "{} is literal, v is not",
	    "{{}} stands for a literal {}");
	EXPANDS("{\"a\": {\"b\": 1}}", "x", "{\"a\": {\"b\": 1}}",
	    "JSON braces are not slots");
	EXPANDS("{ }", "x", "{ }", "a brace pair with a space is not a slot");
	EXPANDS("{{}", "x", "{x", "{{} is a brace then a slot");
	EXPANDS("{}}", "x", "x}", "{}} is a slot then a brace");
	EXPANDS("a{}b", "{}", "a{}b", "the value is not expanded again");
	EXPANDS("\xe2\x80\xa8{}\xf0\x9f\x98\x80", "\t\"", "\xe2\x80\xa8\t\"\xf0\x9f\x98\x80",
	    "bytes around the slot pass through exactly");

	T_OK(tmpl_has_slot("x {} y", 6), "a slot is found");
	T_OK(!tmpl_has_slot("x {{}} y", 8), "an escaped slot is not a slot");
	T_OK(!tmpl_has_slot("x { } y", 7), "spaced braces are not a slot");
	T_OK(tmpl_has_slot("{{}}{}", 6), "a slot after an escaped one is found");
	T_OK(!tmpl_has_slot("{", 1), "a lone brace at the end is not a slot");
	T_OK(!tmpl_has_slot("", 0), "the empty template has no slot");

	s = expand("0123456789{}", "abc", 12);
	T_OK(s == NULL, "an expansion over the cap fails instead of cutting");
	free(s);
	s = expand("0123456789{}", "ab", 12);
	T_EQ_STR("0123456789ab", s, "an expansion of exactly the cap fits");
	free(s);
	return t_done();
}
