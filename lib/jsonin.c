/*
 * A stream of JSON values, split into items by a small scanner that
 * tracks nesting and strings, checks UTF-8 and \u escapes, and hands each
 * complete item to libjq's parser.  The scanner keeps its state between
 * reads so a large item is scanned once, not once per read.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "exitcode.h"
#include "jsonin.h"
#include "utf8.h"
#include "xalloc.h"

#define READ_CHUNK 65536

/* libjq 1.6 refuses deeper nesting; the scanner keeps the kinds this deep. */
#define MAX_DEPTH 256

/* Where the scanner is in an item; kept between reads. */
struct scanstate {
	size_t scan;             /* offset from pos scanned so far */
	unsigned long scanlines; /* newlines inside the item so far */
	long depth;
	int instr, esc, uhex, wantlow, started;
	int inscalar;            /* inside a number or literal */
	size_t tokstart;         /* where it started, from pos */
	int after;               /* a value just ended inside a container */
	unsigned ucode;
};

struct jsonin {
	int fd;
	int eof;
	char *name;
	struct buf buf;          /* unread input; pos indexes into it */
	size_t pos;              /* start of the item being scanned */
	unsigned long long base; /* stream offset of buf.data[0] */
	unsigned long line;      /* line at pos */
	unsigned long nitems;
	struct jsonin_item last;

	struct scanstate st;     /* the scanner, for the item starting at pos */
	char stack[MAX_DEPTH];   /* the closing bracket each level wants */
	jv_parser *parser;       /* reused across items */
};

static struct jsonin *
jsonin_alloc(const char *name, size_t max_item)
{
	struct jsonin *in = xcalloc(1, sizeof(*in));

	in->name = xstrdup(name);
	buf_init(&in->buf, max_item + READ_CHUNK);
	in->line = 1;
	in->fd = -1;
	return in;
}

struct jsonin *
jsonin_new(int fd, const char *name, size_t max_item)
{
	struct jsonin *in = jsonin_alloc(name, max_item);

	in->fd = fd;
	return in;
}

struct jsonin *
jsonin_new_mem(const void *p, size_t n, const char *name)
{
	struct jsonin *in = jsonin_alloc(name, n + 1);

	in->buf.max = n + 1;
	buf_add(&in->buf, p, n);
	in->eof = 1;
	return in;
}

void
jsonin_free(struct jsonin *in)
{
	if (in == NULL)
		return;
	buf_release(&in->buf);
	if (in->parser != NULL)
		jv_parser_free(in->parser);
	free(in->name);
	free(in);
}

const struct jsonin_item *
jsonin_last(const struct jsonin *in)
{
	return &in->last;
}

int
jsonin_ready(const struct jsonin *in)
{
	const char *p = in->buf.data + in->pos, *end = in->buf.data + in->buf.len;

	if (in->buf.data == NULL)
		return 0;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p < end && memchr(p, '\n', (size_t)(end - p)) != NULL;
}

const char *
jsonin_name(const struct jsonin *in)
{
	return in->name;
}

static void
scan_reset(struct jsonin *in)
{
	memset(&in->st, 0, sizeof(in->st));
}

/* Make room and read more; returns 1 if bytes came, 0 at EOF, -1 on error. */
static int
fill(struct jsonin *in, struct gpt_err *err)
{
	char chunk[READ_CHUNK];
	ssize_t n;

	if (in->eof)
		return 0;
	if (in->pos > 0) {
		in->base += in->pos;
		buf_consume(&in->buf, in->pos);
		in->pos = 0;
	}
	do
		n = read(in->fd, chunk, sizeof(chunk));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return gpt_err_set(err, GPT_EXIT_IO, "%s: read error: %s",
		    in->name, strerror(errno));
	if (n == 0) {
		in->eof = 1;
		return 0;
	}
	if (buf_add(&in->buf, chunk, (size_t)n) < 0)
		return gpt_err_set(err, GPT_EXIT_DATA,
		    "%s:%lu: item larger than %zu bytes", in->name, in->line,
		    in->buf.max - READ_CHUNK);
	return 1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum scan_result { SCAN_MORE, SCAN_DONE, SCAN_BAD };

/*
 * Whether p[0..n) is a JSON number or literal.  libjq 1.6 also takes nan,
 * infinity, 01, +1, .5 and 1., which no JSON writer sends: they are
 * refused here rather than read as something else.
 */
static int
is_json_scalar(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if ((n == 4 && memcmp(p, "true", 4) == 0) ||
	    (n == 5 && memcmp(p, "false", 5) == 0) ||
	    (n == 4 && memcmp(p, "null", 4) == 0))
		return 1;
	if (i < n && p[i] == '-')
		i++;
	if (i < n && p[i] == '0')
		i++;
	else if (i < n && p[i] >= '1' && p[i] <= '9')
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && p[i] == '.') {
		if (++i >= n || p[i] < '0' || p[i] > '9')
			return 0;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i >= n || p[i] < '0' || p[i] > '9')
			return 0;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	}
	return i == n;
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/*
 * Whether any of the 8 bytes at p is '"', '\\', a control character or
 * not ASCII (the bytes a string's scan must look at one by one).
 */
static int
has_special(const unsigned char *p)
{
	uint64_t w, q, b;

	memcpy(&w, p, sizeof(w));
	q = w ^ (ONES * '"');
	b = w ^ (ONES * '\\');
	return ((((q - ONES) & ~q) | ((b - ONES) & ~b) | ((w - ONES * 0x20) & ~w) |
	    w) & HIGHS) != 0;
}

/* The bytes of numbers and of true, false and null. */
static int
is_scalar_byte(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '+';
}

/*
 * Scan on from where the last call stopped.  SCAN_DONE sets *end to the item's length;
 * SCAN_BAD sets *end to the offset of the offending byte and *why.
 */
static inline enum scan_result
scan_run(struct jsonin *in, struct scanstate *s, size_t *end, const char **why)
{
	const unsigned char *p = (const unsigned char *)in->buf.data + in->pos;
	size_t n = in->buf.len - in->pos, i;

	for (i = s->scan; i < n; i++) {
		int c;

		/*
		 * Most bytes are plain ASCII inside strings: pass them eight
		 * at a time, and check the UTF-8 of the others here, so the
		 * text is read once.
		 */
		if (s->instr && !s->esc && !s->uhex && !s->wantlow) {
			while (i + 8 <= n && !has_special(p + i))
				i += 8;
			while (i < n && p[i] < 0x80 && p[i] >= 0x20 &&
			    p[i] != '"' && p[i] != '\\')
				i++;
			if (i == n)
				break;
			if (p[i] >= 0x80) {
				long l = utf8_seqlen((const char *)p + i, n - i);

				if (l < 0 && !in->eof) {
					n = i;	/* the rest of it is yet to come */
					break;
				}
				if (l <= 0) {
					*why = "invalid UTF-8";
					goto bad;
				}
				i += (size_t)l - 1;
				continue;
			}
		}
		c = p[i];
		if (c == '\n')
			s->scanlines++;
		if (s->instr) {
			if (s->uhex > 0) {
				int h = hexval(c);

				if (h < 0) {
					*why = "invalid \\u escape";
					goto bad;
				}
				s->ucode = s->ucode * 16 + (unsigned)h;
				if (--s->uhex > 0)
					continue;
				if (s->wantlow) {
					if (s->ucode < 0xDC00 || s->ucode > 0xDFFF)
						goto lone;
					s->wantlow = 0;
				} else if (s->ucode >= 0xD800 && s->ucode <= 0xDBFF)
					s->wantlow = 1;
				else if (s->ucode >= 0xDC00 && s->ucode <= 0xDFFF)
					goto lone;
				continue;
			}
			if (s->esc) {
				s->esc = 0;
				if (c == 'u') {
					s->uhex = 4;
					s->ucode = 0;
				} else if (s->wantlow)
					goto lone;
				continue;
			}
			if (c == '\\') {
				s->esc = 1;
				continue;
			}
			if (c < 0x20) {
				*why = "control character in a string";
				goto bad;
			}
			if (s->wantlow)
				goto lone;
			if (c == '"') {
				s->instr = 0;
				if (s->depth == 0) {
					*end = i + 1;
					return SCAN_DONE;
				}
				s->after = 1;
			}
			continue;
		}
		if (s->inscalar) {
			if (is_scalar_byte(c))
				continue;
			s->inscalar = 0;
			if (!is_json_scalar(p + s->tokstart, i - s->tokstart)) {
				*why = "not a JSON number or literal";
				if (c == '\n')
					s->scanlines--;	/* counted, but after the token */
				i = s->tokstart;
				goto bad;
			}
			if (s->depth == 0) {
				if (c == '\n')
					s->scanlines--;
				*end = i;
				return SCAN_DONE;
			}
			s->after = 1;
		}
		switch (c) {
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			break;
		case ',':
		case ':':
			if (s->depth == 0) {
				*why = "unexpected separator";
				goto bad;
			}
			if (!s->after) {
				*why = "separator without a value before it";
				goto bad;
			}
			s->after = 0;
			break;
		case '"':
		case '{':
		case '[':
			if (s->depth == 0 && s->started) {
				*end = i;
				return SCAN_DONE;
			}
			if (s->after)
				goto nosep;
			s->started = 1;
			if (c == '"') {
				s->instr = 1;
				break;
			}
			if (s->depth == MAX_DEPTH) {
				*why = "nesting deeper than 256 levels";
				goto bad;
			}
			in->stack[s->depth++] = c == '{' ? '}' : ']';
			break;
		case '}':
		case ']':
			if (s->depth == 0) {
				if (s->started) {
					*end = i;
					return SCAN_DONE;
				}
				*why = "unbalanced closing bracket";
				goto bad;
			}
			if (in->stack[s->depth - 1] != c) {
				*why = "mismatched closing bracket";
				goto bad;
			}
			if (--s->depth == 0) {
				*end = i + 1;
				return SCAN_DONE;
			}
			s->after = 1;
			break;
		default:
			if (!is_scalar_byte(c)) {
				*why = c < 0x20 || c == 0x7F ? "control character" :
				    "unexpected byte";
				goto bad;
			}
			if (s->depth == 0 && s->started) {
				*end = i;
				return SCAN_DONE;
			}
			if (s->after)
				goto nosep;
			s->started = 1;
			s->inscalar = 1;
			s->tokstart = i;
			break;
		}
	}
	s->scan = n;
	return SCAN_MORE;
nosep:
	*why = "missing separator between values";
	goto bad;
lone:
	*why = "lone surrogate in \\u escape";
bad:
	*end = i;
	return SCAN_BAD;
}

/* scan_run on a copy of the state, which the compiler can keep in registers. */
static enum scan_result
scan(struct jsonin *in, size_t *end, const char **why)
{
	struct scanstate st = in->st;
	enum scan_result r = scan_run(in, &st, end, why);

	in->st = st;
	return r;
}

/* Skip whitespace (and a BOM at the very start) before the next item. */
static void
skip_space(struct jsonin *in)
{
	const char *p = in->buf.data;

	if (in->base == 0 && in->pos == 0 && in->buf.len >= 3 &&
	    memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		in->pos = 3;
	while (in->pos < in->buf.len) {
		char c = p[in->pos];

		if (c == '\n')
			in->line++;
		else if (c != ' ' && c != '\t' && c != '\r')
			break;
		in->pos++;
	}
}

/*
 * Drop the rest of a bad item's line, from the offset from (relative to
 * pos, the item's start), so the stream can go on after it.  pos stays at
 * the item's start while more is read, so its bytes stay whole: the item
 * last returned is the whole line (what --tee passes on), up to the cap.
 */
static int
skip_line(struct jsonin *in, size_t from, struct gpt_err *err)
{
	char *nl;
	size_t end;
	int r;

	for (;;) {
		nl = memchr(in->buf.data + in->pos + from, '\n',
		    in->buf.len - in->pos - from);
		if (nl != NULL)
			break;
		from = in->buf.len - in->pos;
		r = fill(in, err);
		if (r < 0)
			return -1;
		if (r == 0) {
			in->last.raw = in->buf.data + in->pos;
			in->last.len = in->buf.len - in->pos;
			in->pos = in->buf.len;
			return 0;
		}
	}
	end = (size_t)(nl - (in->buf.data + in->pos));
	in->last.raw = in->buf.data + in->pos;
	in->last.len = end;
	in->pos += end + 1;
	in->line++;
	return 0;
}

/* The message of libjq's parser, without anything it quotes of the input. */
static void
parse_error(struct jsonin *in, jv res, struct gpt_err *err)
{
	jv msg = jv_invalid_get_msg(res);
	const char *s = jv_get_kind(msg) == JV_KIND_STRING ?
	    jv_string_value(msg) : "not a JSON value";

	gpt_err_set(err, GPT_EXIT_DATA, "%s:%lu: invalid JSON: %s", in->name,
	    in->last.line, s);
	jv_free(msg);
}

/* Parse s[0..n) alone, with a parser of its own: messages count from its start. */
static int
parse_alone(const char *s, size_t n, jv *v)
{
	jv_parser *parser = jv_parser_new(0);
	jv res, extra;

	jv_parser_set_buf(parser, s, (int)n, 0);
	res = jv_parser_next(parser);
	if (jv_is_valid(res)) {
		extra = jv_parser_next(parser);
		if (jv_is_valid(extra)) {
			jv_free(extra);
			jv_free(res);
			res = jv_invalid_with_msg(jv_string("unexpected extra JSON value"));
		} else if (jv_invalid_has_msg(jv_copy(extra))) {
			jv_free(res);
			res = extra;
		} else
			jv_free(extra);
	} else if (!jv_invalid_has_msg(jv_copy(res))) {
		jv_free(res);
		res = jv_invalid_with_msg(jv_string("expected a JSON value"));
	}
	jv_parser_free(parser);
	*v = res;
	return jv_is_valid(res) ? 0 : -1;
}

/*
 * Parse one item, which the scanner found to hold exactly one value.  One
 * parser serves the whole stream (making one per item costs more than a
 * small item's parse); it is given each item as a partial buffer, and a
 * space after it when a number or literal waits for its end.  An error is
 * parsed again alone, so its message counts lines within the item.
 */
static int
parse_item(struct jsonin *in, const char *s, size_t n, jv *v)
{
	jv res;

	if (in->parser == NULL)
		in->parser = jv_parser_new(0);
	jv_parser_set_buf(in->parser, s, (int)n, 1);
	res = jv_parser_next(in->parser);
	if (!jv_is_valid(res) && !jv_invalid_has_msg(jv_copy(res)) &&
	    jv_parser_remaining(in->parser) == 0) {
		jv_free(res);
		jv_parser_set_buf(in->parser, " ", 1, 1);
		res = jv_parser_next(in->parser);
	}
	if (jv_is_valid(res)) {
		*v = res;
		return 0;
	}
	jv_free(res);
	jv_parser_free(in->parser);
	in->parser = NULL;
	return parse_alone(s, n, v);
}

int
jsonin_next(struct jsonin *in, jv *v, struct gpt_err *err)
{
	size_t end;
	const char *why = NULL;
	enum scan_result r;

	for (;;) {
		skip_space(in);
		if (in->pos < in->buf.len)
			break;
		switch (fill(in, err)) {
		case 0:
			return 0;
		case -1:
			return -2;
		}
	}
	scan_reset(in);
	in->nitems++;
	for (;;) {
		r = scan(in, &end, &why);
		if (r != SCAN_MORE)
			break;
		switch (fill(in, err)) {
		case 1:
			continue;
		case -1:
			return -2;
		}
		if (in->st.started && in->st.depth == 0 && !in->st.instr) {
			end = in->buf.len - in->pos;	/* a scalar ended by EOF */
			r = SCAN_DONE;
			if (in->st.inscalar && !is_json_scalar((const unsigned char *)
			    in->buf.data + in->pos + in->st.tokstart, end - in->st.tokstart)) {
				why = "not a JSON number or literal";
				end = in->st.tokstart;
				r = SCAN_BAD;
			}
			break;
		}
		in->last.number = in->nitems;
		in->last.line = in->line;
		in->last.offset = in->base + in->pos;
		in->last.raw = in->buf.data + in->pos;
		in->last.len = in->buf.len - in->pos;
		gpt_err_set(err, GPT_EXIT_DATA,
		    "%s:%lu: truncated JSON at end of input", in->name, in->line);
		in->pos = in->buf.len;
		return -2;
	}
	in->last.number = in->nitems;
	in->last.line = in->line;
	in->last.offset = in->base + in->pos;
	in->last.raw = in->buf.data + in->pos;
	if (r == SCAN_BAD) {
		/* skip_line counts the newline that may be the bad byte. */
		if (in->buf.data[in->pos + end] == '\n')
			in->st.scanlines--;
		in->last.len = end;
		gpt_err_set(err, GPT_EXIT_DATA, "%s:%lu: %s at byte %llu",
		    in->name, in->line + in->st.scanlines, why,
		    in->base + in->pos + end);
		in->line += in->st.scanlines;
		return skip_line(in, end, err) < 0 ? -2 : -1;
	}
	in->last.len = end;
	in->pos += end;
	in->line += in->st.scanlines;
	if (parse_item(in, in->last.raw, end, v) < 0) {
		parse_error(in, *v, err);
		*v = jv_invalid();
		return -1;
	}
	return 1;
}

int
json_parse_one(const char *s, size_t n, const char *what, jv *v, struct gpt_err *err)
{
	struct jsonin *in = jsonin_new_mem(s, n, what);
	struct gpt_err e;
	jv extra;
	int r;

	gpt_err_clear(&e);
	r = jsonin_next(in, v, &e);
	if (r == 1) {
		r = jsonin_next(in, &extra, &e);
		if (r == 1) {
			jv_free(extra);
			jv_free(*v);
			gpt_err_set(&e, GPT_EXIT_DATA, "%s: more than one JSON value", what);
			r = -1;
		} else if (r == 0)
			r = 1;
		else
			jv_free(*v);
	} else if (r == 0)
		gpt_err_set(&e, GPT_EXIT_DATA, "%s: no JSON value", what);
	jsonin_free(in);
	if (r == 1)
		return 0;
	*v = jv_invalid();
	if (err != NULL)
		*err = e;
	return -1;
}

int
json_is_finite(jv v)
{
	double d;
	int ok = 1;

	switch (jv_get_kind(v)) {
	case JV_KIND_NUMBER:
		d = jv_number_value(v);
		/* jv_dump writes an infinity as DBL_MAX: that is what 1e999 became. */
		return isfinite(d) && d != DBL_MAX && d != -DBL_MAX;
	case JV_KIND_ARRAY:
		jv_array_foreach(v, i, x) {
			if (ok)
				ok = json_is_finite(x);
			jv_free(x);
		}
		return ok;
	case JV_KIND_OBJECT:
		jv_object_foreach(v, k, x) {
			if (ok)
				ok = json_is_finite(x);
			jv_free(k);
			jv_free(x);
		}
		return ok;
	default:
		return 1;
	}
}
