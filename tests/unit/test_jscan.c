/* lib/jscan.c: JSON items checked and split without being parsed. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jscan.h"
#include "t.h"

static char msg[1024];

/* The items of text as "len:raw|" or "E(message)|", then "end" or "FATAL(message)". */
static const char *
items(const char *text, size_t n)
{
	static char out[4096];
	char path[] = "/tmp/test_jscan.XXXXXX";
	int fd = mkstemp(path);
	struct jscan *js;
	struct jsonin_item it;
	struct gpt_err err = {0};
	int r;

	out[0] = '\0';
	if (fd < 0 || write(fd, text, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0)
		return "(temporary file)";
	unlink(path);
	js = jscan_new(fd, "in", 1000);
	while ((r = jscan_next(js, &it, &err)) != 0) {
		size_t o = strlen(out);
		if (r == -2) {
			snprintf(out + o, sizeof out - o, "FATAL(%s)", err.msg);
			break;
		}
		if (r < 0)
			snprintf(out + o, sizeof out - o, "E(%s)%.*s|", err.msg, (int)it.len, it.raw);
		else
			snprintf(out + o, sizeof out - o, "%lu:%.*s|", it.line, (int)it.len, it.raw);
	}
	if (r == 0)
		strcat(out, "end");
	jscan_free(js);
	close(fd);
	return out;
}

#define ITEMS(s) items((s), sizeof(s) - 1)

static const char *
as_jv(const char *s)
{
	jv v = jscan_jv(s, strlen(s));

	if (!jv_is_valid(v)) {
		jv_free(v);
		return "(invalid)";
	}
	jv d = jv_dump_string(v, 0);
	snprintf(msg, sizeof msg, "%s", jv_string_value(d));
	jv_free(d);
	return msg;
}

int
main(void)
{
	struct jscan_member m[JSCAN_MEMBERS];
	const struct jscan_member *g;
	const char *obj = " {\"a\": 1, \"b\" : {\"c\":[1,{\"d\":\"}\"}]}, \"e\":\"x\\\"y\", \"a\":true} ";
	int n;

	T_EQ_STR("1:{\"a\":1}|1:[1,2]|2:\"s\"|2:-1.5e3|3:true|end", ITEMS("{\"a\":1} [1,2]\n\"s\" -1.5e3\ntrue"),
	    "items separated by any whitespace, with their lines");
	T_EQ_STR("1:{}|end", ITEMS("\xEF\xBB\xBF{}"), "a BOM at the start is skipped");
	T_EQ_STR("1:{\n\"a\": [\n1]}|3:{}|end", ITEMS("{\n\"a\": [\n1]} {}"), "a pretty-printed item counts its lines");
	T_EQ_STR("E(in:1: invalid JSON: not JSON at byte 0)garbage here|2:{}|end", ITEMS("garbage here\n{}"),
	    "a bad item is reported and the rest of its line skipped");
	T_EQ_STR("E(in:1: invalid JSON: expected ':' after an object key at byte 5){\"a\" 1} {}|end", ITEMS("{\"a\" 1} {}"),
	    "a grammar error names the byte");
	T_EQ_STR("E(in:1: invalid JSON: lone surrogate escape at byte 7)\"\\ud800\"|end", ITEMS("\"\\ud800\""),
	    "a lone high surrogate is refused");
	T_EQ_STR("E(in:1: invalid JSON: lone surrogate escape at byte 1)\"\\udc00x\"|end", ITEMS("\"\\udc00x\""),
	    "a lone low surrogate is refused");
	T_EQ_STR("1:\"\\ud83d\\ude00\"|end", ITEMS("\"\\ud83d\\ude00\""), "a surrogate pair is fine");
	T_EQ_STR("E(in:1: invalid JSON: control character in a string at byte 2)\"a\tb\"|end", ITEMS("\"a\tb\""),
	    "a raw tab in a string is refused");
	T_EQ_STR("E(in:1: invalid UTF-8 at byte 2)\"a\xff\"|1:{}|end", ITEMS("\"a\xff\" {}"), "invalid UTF-8 is refused");
	T_EQ_STR("E(in:1: invalid JSON: expected ',' or the end of a container at byte 6){\"a\":01}|end", ITEMS("{\"a\":01}"),
	    "a leading zero is refused");
	T_EQ_STR("E(in:1: invalid JSON: invalid literal at byte 0)nan|end", ITEMS("nan"), "nan is not JSON");
	T_EQ_STR("FATAL(in:1: truncated JSON at end of input)", ITEMS("{\"a\":"), "an item cut off by the end ends the stream");
	T_EQ_STR("1:12|end", ITEMS("12"), "a number ended by the end of input");
	{
		char deep[600];
		memset(deep, '[', 300);
		memset(deep + 300, ']', 300);
		T_OK(strstr(items(deep, 600), "nested too deep") != NULL, "nesting over 256 is refused");
	}
	{
		static char big[70000];
		memset(big, ' ', sizeof big);
		big[0] = '"';
		big[sizeof big - 1] = '"';
		T_OK(strncmp(items(big, sizeof big), "FATAL(in:1: item larger than 1000 bytes", 39) == 0,
		    "an item over the cap ends the stream");
	}

	n = jscan_members(obj, strlen(obj), m, JSCAN_MEMBERS);
	T_EQ_INT(4, n, "an object's members, nested ones skipped");
	g = jscan_get(m, n, "a");
	T_OK(g && g->kind == 't' && g->vallen == 4, "a repeated key gives the last");
	g = jscan_get(m, n, "b");
	T_OK(g && g->kind == '{' && g->vallen == 19, "an object value, braces in strings skipped");
	g = jscan_get(m, n, "e");
	T_OK(g && g->kind == '"' && g->escaped && !g->key_escaped, "a string value with an escape says so");
	T_OK(jscan_get(m, n, "c") == NULL, "a nested key is not a member");
	T_EQ_INT(-1, jscan_members("[1]", 3, m, JSCAN_MEMBERS), "an array has no members");
	T_EQ_INT(-1, jscan_members("{\"a\":1,\"b\":2}", 13, m, 1), "more members than room");

	T_EQ_STR("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\"},\"e\":-2.5}",
	    as_jv(" {\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\"},\"e\":-2.5e0} "), "a value built from its text");
	T_EQ_STR("9007199254740992", as_jv("9007199254740993"), "a long number is read as libjq reads it, to the nearest double");
	T_EQ_STR("(invalid)", as_jv("\"a\\nb\""), "a string with an escape is left to libjq");
	return t_done();
}
