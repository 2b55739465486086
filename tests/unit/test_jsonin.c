/* lib/jsonin.c: splitting a stream into JSON items, and what it refuses. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "jsonin.h"
#include "t.h"

/* Read all of s; write "kind:line" per item into out, space-separated. */
static void
items(const char *s, size_t n, char *out, size_t outlen)
{
	struct jsonin *in = jsonin_new_mem(s, n, "t");
	struct gpt_err err;
	char one[128];
	jv v;
	int r;

	out[0] = '\0';
	while ((r = jsonin_next(in, &v, &err)) != 0) {
		const struct jsonin_item *it = jsonin_last(in);

		if (r == 1) {
			snprintf(one, sizeof(one), "%s:%lu ",
			    jv_kind_name(jv_get_kind(v)), it->line);
			jv_free(v);
		} else
			snprintf(one, sizeof(one), "E%d:%lu ", err.code, it->line);
		strncat(out, one, outlen - strlen(out) - 1);
		if (r == -2)
			break;
	}
	jsonin_free(in);
}

#define ITEMS(s) items((s), sizeof(s) - 1, got, sizeof(got))

/* A reader on a pipe fed by a child with the n bytes at s. */
static struct jsonin *
piped(const char *s, size_t n, size_t max, int *fd)
{
	int fds[2];

	if (pipe(fds) < 0)
		abort();
	if (fork() == 0) {
		close(fds[0]);
		if (write(fds[1], s, n) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	*fd = fds[0];
	return jsonin_new(fds[0], "<pipe>", max);
}

static char *
long_string_item(size_t n)
{
	char *s = malloc(n + 16);
	size_t i;

	s[0] = '"';
	for (i = 1; i < n; i++)
		s[i] = 'a' + (char)(i % 26);
	memcpy(s + n, "\"\n{}\n", 6);
	return s;
}

static void
test_pipe_large_item(void)
{
	size_t n = 300000;
	char *s = long_string_item(n);
	struct jsonin *in;
	struct gpt_err err;
	int fd, r;
	jv v;

	in = piped(s, n + 5, JSONIN_MAX_ITEM, &fd);
	r = jsonin_next(in, &v, &err);
	T_OK(r == 1 && jv_get_kind(v) == JV_KIND_STRING &&
	    jv_string_length_bytes(jv_copy(v)) == (int)n - 1,
	    "an item spanning many reads arrives whole");
	if (r == 1)
		jv_free(v);
	r = jsonin_next(in, &v, &err);
	T_OK(r == 1 && jsonin_last(in)->line == 2, "the item after it is on line 2");
	if (r == 1)
		jv_free(v);
	T_EQ_INT(0, jsonin_next(in, &v, &err), "then the stream ends");
	jsonin_free(in);
	close(fd);

	in = piped(s, n + 5, 1000, &fd);
	r = jsonin_next(in, &v, &err);
	T_OK(r == -2 && err.code == GPT_EXIT_DATA && strstr(err.msg, "larger than") != NULL,
	    "an item over the cap ends the stream with an error, not unbounded memory");
	jsonin_free(in);
	close(fd);
	free(s);
}

/* A bad item's bytes are its whole line, even when the line is long. */
static void
test_bad_item_bytes(void)
{
	size_t n = 200000, i;
	char *s = malloc(n + 32);
	struct jsonin *in;
	struct gpt_err err;
	int fd, r;
	jv v;

	memcpy(s, "{\"a\":1 x", 9);
	for (i = 9; i < n; i++)
		s[i] = 'y';
	memcpy(s + n, "\n[1]\n", 5);
	in = piped(s, n + 5, JSONIN_MAX_ITEM, &fd);
	r = jsonin_next(in, &v, &err);
	T_OK(r == -1 && jsonin_last(in)->len == n &&
	    memcmp(jsonin_last(in)->raw, s, n) == 0,
	    "a bad item is its whole line, byte for byte, however long");
	r = jsonin_next(in, &v, &err);
	T_OK(r == 1 && jsonin_last(in)->line == 2, "and the next line is the next item");
	if (r == 1)
		jv_free(v);
	jsonin_free(in);
	close(fd);
	free(s);
}

int
main(void)
{
	char got[512];
	struct gpt_err err;
	jv v;

	ITEMS("{\"a\":1}\n{\"b\":2}\n");
	T_EQ_STR("object:1 object:2 ", got, "JSONL gives one item per line");
	ITEMS("{\"a\":\n  [1,\n 2]}\n\n[3] \"s\" 4 true null");
	T_EQ_STR("object:1 array:5 string:5 number:5 boolean:5 null:5 ", got,
	    "pretty-printed and concatenated values are items too");
	ITEMS("{\"a\":\"}{]\\\"\"}\n");
	T_EQ_STR("object:1 ", got, "brackets and quotes inside strings do not split items");
	ITEMS("");
	T_EQ_STR("", got, "an empty stream has no items");
	ITEMS(" \n\t\r\n");
	T_EQ_STR("", got, "whitespace alone has no items");
	ITEMS("\xEF\xBB\xBF{}");
	T_EQ_STR("object:1 ", got, "a leading byte order mark is skipped");
	ITEMS("{\"a\":\"\xC3\"}\n{}\n");
	T_EQ_STR("E3:1 object:2 ", got, "invalid UTF-8 is a bad item and the stream goes on");
	ITEMS("{\"a\":\"\\ud800\"}\n{}\n");
	T_EQ_STR("E3:1 object:2 ", got, "a lone high surrogate escape is a bad item");
	ITEMS("{\"a\":\"\\udc00x\"}\n{}\n");
	T_EQ_STR("E3:1 object:2 ", got, "a lone low surrogate escape is a bad item");
	ITEMS("{\"a\":\"\\ud83d\\ude00\"}\n");
	T_EQ_STR("object:1 ", got, "a surrogate pair is fine");
	ITEMS("{\"a\":1,}\n{}\n");
	T_EQ_STR("E3:1 object:2 ", got, "a syntax error is a bad item and the stream goes on");
	ITEMS("{}\n{\"a\":\n");
	T_EQ_STR("object:1 E3:2 ", got, "a value cut by the end of input ends the stream with an error");
	ITEMS("]\n{}\n");
	T_EQ_STR("E3:1 object:2 ", got, "a stray closing bracket is a bad item");

	ITEMS("{\"a\":1}\n{\"a\": [}\n{\"b\":2}\n[3]\n");
	T_EQ_STR("object:1 E3:2 object:3 array:4 ", got,
	    "a mismatched bracket is a bad item and the items after it survive");
	ITEMS("[1 \"x\"]\n{\"a\":\"x\" \"y\"}\n[1]\n");
	T_EQ_STR("E3:1 E3:2 array:3 ", got,
	    "a value right after a value, without a separator, is a bad item");
	ITEMS("{\"n\":\0}\n{}\n");
	T_EQ_STR("E3:1 object:2 ", got, "a NUL byte outside strings is a bad item, not the number 0");
	ITEMS("[\x01]\n{}\n");
	T_EQ_STR("E3:1 object:2 ", got, "a control character outside strings is a bad item");
	ITEMS("\"\x1e\"\n{\"a\":\"x\x01y\"}\n{\"a\":\"x\ny\"}\n[1]\n");
	T_EQ_STR("E3:1 E3:2 E3:3 E3:4 array:5 ", got, "a raw control character in a string is a bad item");
	ITEMS("[,1]\n{\"a\"::1}\n{}\n");
	T_EQ_STR("E3:1 E3:2 object:3 ", got, "a separator without a value before it is a bad item");
	{
		char deep[600];

		memset(deep, '[', 257);
		memset(deep + 257, ']', 257);
		memcpy(deep + 514, "\n[[1]]\n", 7);
		items(deep, 521, got, sizeof(got));
		T_EQ_STR("E3:1 array:2 ", got, "nesting deeper than 256 levels is a bad item");
		memset(deep, '[', 256);
		memset(deep + 256, ']', 256);
		items(deep, 512, got, sizeof(got));
		T_EQ_STR("array:1 ", got, "nesting of 256 levels is fine");
	}
	ITEMS("1 -2.5e3 true\nfalse null \"s\" 7");
	T_EQ_STR("number:1 number:1 boolean:1 boolean:2 null:2 string:2 number:2 ", got,
	    "scalars follow each other through one reused parser");
	ITEMS("[nan]\n[infinity]\n[01]\n[+1]\n[.5]\n[1.]\n[1e]\n[-]\n[0.5e-3,-0,1E+2]\nnan");
	T_EQ_STR("E3:1 E3:2 E3:3 E3:4 E3:5 E3:6 E3:7 E3:8 array:9 E3:10 ", got,
	    "numbers and words that JSON does not have are bad items, though libjq takes them");
	ITEMS("{}\n{ bad\n[1]\n");
	T_EQ_STR("object:1 E3:2 array:3 ", got, "a bad word before a newline is reported on its own line");
	ITEMS("{\"a\":1}\n{\"a\":tru}\n{\"b\":2}\n");
	T_EQ_STR("object:1 E3:2 object:3 ", got,
	    "the parser serves the next item after a bad one");

	v = jv_invalid();
	T_OK(json_parse_one("{\"x\":[1]}", 9, "arg", &v, &err) == 0 &&
	    jv_get_kind(v) == JV_KIND_OBJECT, "json_parse_one parses one value");
	jv_free(v);
	T_OK(json_parse_one("1 2", 3, "arg", &v, &err) < 0 && err.code == GPT_EXIT_DATA,
	    "json_parse_one refuses two values");
	T_OK(json_parse_one("", 0, "arg", &v, &err) < 0, "json_parse_one refuses nothing");
	T_OK(json_parse_one("\"\xFF\"", 3, "arg", &v, &err) < 0 &&
	    strstr(err.msg, "invalid UTF-8 at byte 1") != NULL,
	    "json_parse_one names the offset of invalid UTF-8");

	v = jv_parse("{\"a\":[1,2.5,{\"b\":-3e300}],\"c\":\"1e999\"}");
	T_OK(json_is_finite(v), "finite numbers and strings are finite");
	jv_free(v);
	v = jv_parse("{\"a\":[1,{\"b\":1e999}]}");
	T_OK(!json_is_finite(v), "1e999 deep inside is not finite");
	jv_free(v);
	v = jv_parse("-1e999");
	T_OK(!json_is_finite(v), "-1e999 is not finite");
	jv_free(v);

	{
		static const char text[] = "{}\n{\"a\":1}\n{\"b\"";
		struct jsonin *in = jsonin_new_mem(text, sizeof(text) - 1, "t");

		T_OK(jsonin_next(in, &v, &err) == 1, "ready: first item");
		jv_free(v);
		T_OK(jsonin_ready(in), "the next item's whole line is buffered: ready");
		T_OK(jsonin_next(in, &v, &err) == 1, "ready: second item");
		jv_free(v);
		T_OK(!jsonin_ready(in), "only part of a line is buffered: not ready");
		jsonin_free(in);
	}
	test_bad_item_bytes();
	test_pipe_large_item();
	return t_done();
}
