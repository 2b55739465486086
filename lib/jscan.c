/*
 * Checking and splitting a stream of JSON items without parsing them
 * into values; see jscan.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "exitcode.h"
#include "jscan.h"
#include "utf8.h"
#include "xalloc.h"

#define READ_CHUNK 65536
#define MAX_DEPTH 256

struct jscan {
	int fd;
	char *name;
	struct buf buf;
	size_t pos;              /* start of the next item in buf */
	unsigned long long base; /* stream offset of buf.data[0] */
	unsigned long line;
	unsigned long nitems;
	int eof;
};

/* The state of checking one item. */
struct sc {
	const char *s;
	size_t n;
	size_t i;
	unsigned long lines;
	int more;               /* the text ended inside the item */
	int eof;                /* no more text will come */
	const char *why;
};

struct jscan *
jscan_new(int fd, const char *name, size_t max_item)
{
	struct jscan *js = xcalloc(1, sizeof *js);

	js->fd = fd;
	js->name = xstrdup(name);
	js->line = 1;
	buf_init(&js->buf, max_item + READ_CHUNK);
	return js;
}

void
jscan_free(struct jscan *js)
{
	if (!js)
		return;
	buf_release(&js->buf);
	free(js->name);
	free(js);
}

static int
bad(struct sc *c, const char *why)
{
	c->why = why;
	return -1;
}

static int
more(struct sc *c)
{
	c->more = 1;
	return bad(c, "truncated JSON");
}

static void
ws(struct sc *c)
{
	while (c->i < c->n) {
		char ch = c->s[c->i];
		if (ch == '\n')
			c->lines++;
		else if (ch != ' ' && ch != '\t' && ch != '\r')
			return;
		c->i++;
	}
}

static int
hex4(struct sc *c, size_t at, unsigned *u)
{
	*u = 0;
	if (at + 4 > c->n)
		return more(c);
	for (int k = 0; k < 4; k++) {
		char h = c->s[at + k];
		*u <<= 4;
		if (h >= '0' && h <= '9')
			*u |= (unsigned)(h - '0');
		else if (h >= 'a' && h <= 'f')
			*u |= (unsigned)(h - 'a' + 10);
		else if (h >= 'A' && h <= 'F')
			*u |= (unsigned)(h - 'A' + 10);
		else
			return bad(c, "invalid \\u escape");
	}
	return 0;
}

static int
string(struct sc *c)
{
	c->i++;
	for (;;) {
		unsigned char ch;

		if (c->i >= c->n)
			return more(c);
		ch = (unsigned char)c->s[c->i];
		if (ch == '"') {
			c->i++;
			return 0;
		}
		if (ch < 0x20)
			return bad(c, "control character in a string");
		if (ch != '\\') {
			c->i++;
			continue;
		}
		if (c->i + 1 >= c->n)
			return more(c);
		switch (c->s[c->i + 1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			c->i += 2;
			break;
		case 'u': {
			unsigned u, lo;
			if (hex4(c, c->i + 2, &u) < 0)
				return -1;
			if (u >= 0xDC00 && u <= 0xDFFF)
				return bad(c, "lone surrogate escape");
			c->i += 6;
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (c->i >= c->n)
					return more(c);
				if (c->s[c->i] != '\\')
					return bad(c, "lone surrogate escape");
				if (c->i + 1 >= c->n)
					return more(c);
				if (c->s[c->i + 1] != 'u')
					return bad(c, "lone surrogate escape");
				if (hex4(c, c->i + 2, &lo) < 0)
					return -1;
				if (lo < 0xDC00 || lo > 0xDFFF)
					return bad(c, "lone surrogate escape");
				c->i += 6;
			}
			break;
		}
		default:
			return bad(c, "invalid escape");
		}
	}
}

static int
digits(struct sc *c)
{
	size_t start = c->i;

	while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
		c->i++;
	return c->i > start;
}

/* A number ends where its digits do; at the end of the text only if no more will come. */
static int
number(struct sc *c)
{
	if (c->s[c->i] == '-')
		c->i++;
	if (c->i >= c->n)
		return more(c);
	if (c->s[c->i] == '0')
		c->i++;
	else if (!digits(c))
		return bad(c, "invalid number");
	if (c->i < c->n && c->s[c->i] == '.') {
		c->i++;
		if (!digits(c))
			return c->i >= c->n ? more(c) : bad(c, "invalid number");
	}
	if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
		c->i++;
		if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
			c->i++;
		if (!digits(c))
			return c->i >= c->n ? more(c) : bad(c, "invalid number");
	}
	if (c->i >= c->n && !c->eof)
		return more(c);
	return 0;
}

static int
literal(struct sc *c, const char *word)
{
	size_t len = strlen(word), have = c->n - c->i < len ? c->n - c->i : len;

	if (memcmp(c->s + c->i, word, have) != 0)
		return bad(c, "invalid literal");
	if (have < len)
		return more(c);
	c->i += len;
	return 0;
}

static int value(struct sc *c, int depth);

static int
container(struct sc *c, int depth, char close)
{
	if (depth >= MAX_DEPTH)
		return bad(c, "nested too deep");
	c->i++;
	ws(c);
	if (c->i >= c->n)
		return more(c);
	if (c->s[c->i] == close) {
		c->i++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			if (c->s[c->i] != '"')
				return bad(c, "object key is not a string");
			if (string(c) < 0)
				return -1;
			ws(c);
			if (c->i >= c->n)
				return more(c);
			if (c->s[c->i] != ':')
				return bad(c, "expected ':' after an object key");
			c->i++;
			ws(c);
			if (c->i >= c->n)
				return more(c);
		}
		if (value(c, depth + 1) < 0)
			return -1;
		ws(c);
		if (c->i >= c->n)
			return more(c);
		if (c->s[c->i] == close) {
			c->i++;
			return 0;
		}
		if (c->s[c->i] != ',')
			return bad(c, "expected ',' or the end of a container");
		c->i++;
		ws(c);
		if (c->i >= c->n)
			return more(c);
	}
}

static int
value(struct sc *c, int depth)
{
	switch (c->s[c->i]) {
	case '{':
		return container(c, depth, '}');
	case '[':
		return container(c, depth, ']');
	case '"':
		return string(c);
	case 't':
		return literal(c, "true");
	case 'f':
		return literal(c, "false");
	case 'n':
		return literal(c, "null");
	default:
		if (c->s[c->i] == '-' || (c->s[c->i] >= '0' && c->s[c->i] <= '9'))
			return number(c);
		return bad(c, "not JSON");
	}
}

/* Move what is left to the front and read more: 1 bytes came, 0 EOF, -1 error. */
static int
fill(struct jscan *js, size_t want, struct gpt_err *err)
{
	char *chunk;
	ssize_t n;

	if (js->eof)
		return 0;
	if (js->pos > 0) {
		js->base += js->pos;
		buf_consume(&js->buf, js->pos);
		js->pos = 0;
	}
	/* Reading as much again as the item holds keeps rescanning it linear. */
	if (want < READ_CHUNK)
		want = READ_CHUNK;
	if (js->buf.len + want > js->buf.max)
		want = js->buf.max - js->buf.len;
	if (want == 0)
		return gpt_err_set(err, GPT_EXIT_DATA, "%s:%lu: item larger than %zu bytes",
		    js->name, js->line, js->buf.max - READ_CHUNK);
	chunk = xmalloc(want);
	do
		n = read(js->fd, chunk, want);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		buf_add(&js->buf, chunk, (size_t)n);
	free(chunk);
	if (n < 0)
		return gpt_err_set(err, GPT_EXIT_IO, "%s: read error: %s", js->name, strerror(errno));
	if (n == 0)
		js->eof = 1;
	return n > 0;
}

static void
skip_space(struct jscan *js)
{
	const char *p = js->buf.data;

	if (js->base == 0 && js->pos == 0 && js->buf.len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		js->pos = 3;
	while (js->pos < js->buf.len) {
		char ch = p[js->pos];
		if (ch == '\n')
			js->line++;
		else if (ch != ' ' && ch != '\t' && ch != '\r')
			break;
		js->pos++;
	}
}

/* The rest of a bad item's line is dropped; returns the end of the line (or -1 on error). */
static int
skip_line(struct jscan *js, size_t from, size_t *eol, struct gpt_err *err)
{
	for (;;) {
		char *nl = memchr(js->buf.data + from, '\n', js->buf.len - from);

		if (nl) {
			*eol = (size_t)(nl - js->buf.data);
			return 0;
		}
		from = js->buf.len - js->pos;
		if (fill(js, 0, err) <= 0) {
			*eol = js->buf.len;
			return js->eof ? 0 : -1;
		}
		from += js->pos;
	}
}

int
jscan_next(struct jscan *js, struct jsonin_item *item, struct gpt_err *err)
{
	struct sc c;
	size_t badat;
	int r;

	for (;;) {
		skip_space(js);
		if (js->pos < js->buf.len)
			break;
		r = fill(js, 0, err);
		if (r <= 0)
			return r < 0 ? -2 : 0;
	}
	js->nitems++;
	for (;;) {
		memset(&c, 0, sizeof c);
		c.s = js->buf.data + js->pos;
		c.n = js->buf.len - js->pos;
		c.eof = js->eof;
		if (value(&c, 0) == 0 || !c.more)
			break;
		r = fill(js, js->buf.len - js->pos, err);
		if (r < 0 || (r == 0 && !js->eof))
			return -2;
		if (r == 0) {
			/* The text ended inside the item: check it once more as the end. */
			memset(&c, 0, sizeof c);
			c.s = js->buf.data + js->pos;
			c.n = js->buf.len - js->pos;
			c.eof = 1;
			if (value(&c, 0) == 0 || !c.more)
				break;
			item->number = js->nitems;
			item->line = js->line;
			item->offset = js->base + js->pos;
			item->raw = c.s;
			item->len = c.n;
			js->pos = js->buf.len;
			gpt_err_set(err, GPT_EXIT_DATA, "%s:%lu: truncated JSON at end of input",
			    js->name, js->line);
			return -2;
		}
	}
	item->number = js->nitems;
	item->line = js->line;
	item->offset = js->base + js->pos;
	if (c.why) {
		size_t eol, at = js->pos + c.i;
		unsigned long line = js->line;
		const char *why = c.why;

		/* The bad item is the rest of its line, passed on whole by --tee. */
		for (size_t k = js->pos; k < at; k++)
			line += js->buf.data[k] == '\n';
		if (skip_line(js, at, &eol, err) < 0)
			return -2;
		item->raw = js->buf.data + js->pos;
		item->len = eol - js->pos;
		gpt_err_set(err, GPT_EXIT_DATA, "%s:%lu: invalid JSON: %s at byte %llu", js->name, line,
		    why, js->base + at);
		js->line = line;
		js->pos = eol;
		return -1;
	}
	item->raw = c.s;
	item->len = c.i;
	js->pos += c.i;
	js->line += c.lines;
	badat = utf8_invalid(item->raw, item->len);
	if (badat < item->len)
		return gpt_err_set(err, GPT_EXIT_DATA, "%s:%lu: invalid UTF-8 at byte %llu", js->name,
		    item->line, item->offset + badat);
	return 1;
}

/* Members of a valid object. */

static size_t
skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* The end of the string starting at s[i] ('"'); *esc is set if it holds an escape. */
static size_t
skip_string(const char *s, size_t n, size_t i, int *esc)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\') {
			*esc = 1;
			i++;
		}
	return i + 1;
}

static size_t
skip_value(const char *s, size_t n, size_t i, int *esc)
{
	int depth = 0;

	if (s[i] == '"')
		return skip_string(s, n, i, esc);
	if (s[i] != '{' && s[i] != '[') {
		while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' &&
		    s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			i++;
		return i;
	}
	while (i < n) {
		int dummy = 0;
		if (s[i] == '"') {
			i = skip_string(s, n, i, &dummy);
			continue;
		}
		if (s[i] == '{' || s[i] == '[')
			depth++;
		else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
			return i + 1;
		i++;
	}
	return i;
}

int
jscan_members(const char *s, size_t n, struct jscan_member *m, int max)
{
	size_t i = skip_ws(s, n, 0);
	int count = 0;

	if (i >= n || s[i] != '{')
		return -1;
	i = skip_ws(s, n, i + 1);
	while (i < n && s[i] != '}') {
		struct jscan_member *e;
		size_t k;
		int esc = 0;

		if (count == max || s[i] != '"')
			return -1;
		e = &m[count++];
		k = skip_string(s, n, i, &esc);
		e->key = s + i + 1;
		e->keylen = k - i - 2;
		e->key_escaped = esc;
		esc = 0;
		i = skip_ws(s, n, k);
		if (i >= n || s[i] != ':')
			return -1;
		i = skip_ws(s, n, i + 1);
		if (i >= n)
			return -1;
		e->val = s + i;
		e->kind = s[i] == '"' || s[i] == '{' || s[i] == '[' || s[i] == 't' || s[i] == 'f' ||
		    s[i] == 'n' ? s[i] : '0';
		k = skip_value(s, n, i, &esc);
		e->vallen = k - i;
		e->escaped = esc;
		i = skip_ws(s, n, k);
		if (i < n && s[i] == ',')
			i = skip_ws(s, n, i + 1);
	}
	return i < n ? count : -1;
}

const struct jscan_member *
jscan_get(const struct jscan_member *m, int n, const char *key)
{
	size_t len = strlen(key);

	for (int i = n; i-- > 0;)
		if (m[i].keylen == len && memcmp(m[i].key, key, len) == 0)
			return &m[i];
	return NULL;
}

static jv value_jv(const char *s, size_t n, int depth);

static jv
array_jv(const char *s, size_t n, int depth)
{
	jv a = jv_array();
	size_t i = skip_ws(s, n, 1);

	while (i < n && s[i] != ']') {
		int esc = 0;
		size_t k = skip_value(s, n, i, &esc);
		jv v = value_jv(s + i, k - i, depth + 1);
		if (!jv_is_valid(v)) {
			jv_free(a);
			return v;
		}
		a = jv_array_append(a, v);
		i = skip_ws(s, n, k);
		if (i < n && s[i] == ',')
			i = skip_ws(s, n, i + 1);
	}
	return a;
}

static jv
value_jv(const char *s, size_t n, int depth)
{
	struct jscan_member m[JSCAN_MEMBERS];
	char num[64];
	int count;
	jv o;

	if (n == 0 || depth > MAX_DEPTH)
		return jv_invalid();
	switch (s[0]) {
	case '{':
		count = jscan_members(s, n, m, JSCAN_MEMBERS);
		if (count < 0)
			return jv_invalid();
		o = jv_object();
		for (int i = 0; i < count; i++) {
			jv v;
			if (m[i].key_escaped || (m[i].kind == '"' && m[i].escaped)) {
				jv_free(o);
				return jv_invalid();
			}
			v = value_jv(m[i].val, m[i].vallen, depth + 1);
			if (!jv_is_valid(v)) {
				jv_free(o);
				return v;
			}
			o = jv_object_set(o, jv_string_sized(m[i].key, (int)m[i].keylen), v);
		}
		return o;
	case '[':
		return array_jv(s, n, depth);
	case '"':
		if (memchr(s, '\\', n))
			return jv_invalid();
		return jv_string_sized(s + 1, (int)n - 2);
	case 't':
		return jv_true();
	case 'f':
		return jv_false();
	case 'n':
		return jv_null();
	default:
		/* Token counts are whole numbers: those need no strtod. */
		if (n <= 15 && s[0] != '-') {
			double d = 0;
			size_t k;
			for (k = 0; k < n && s[k] >= '0' && s[k] <= '9'; k++)
				d = d * 10 + (s[k] - '0');
			if (k == n)
				return jv_number(d);
		}
		if (n >= sizeof num)
			return jv_invalid();
		memcpy(num, s, n);
		num[n] = '\0';
		return jv_number(strtod(num, NULL));
	}
}

jv
jscan_jv(const char *s, size_t n)
{
	size_t i = skip_ws(s, n, 0), e = n;

	while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r'))
		e--;
	return value_jv(s + i, e - i, 0);
}
