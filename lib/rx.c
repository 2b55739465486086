/*
 * The price table's regular expressions: parsed into a tree, compiled
 * into a tiny backtracking program (Thompson's instructions, run the way
 * Pike's and Spencer's matchers do), and run from each start position.
 */
#include <stdlib.h>
#include <string.h>

#include "rx.h"
#include "xalloc.h"

#define RX_STEPS 20000L  /* also bounds the recursion depth */
#define RX_MAXREP 1000
#define RX_MAXLEN 4096          /* far above the table's patterns; bounds the parser's recursion */
#define RX_MAXDEPTH 64          /* groups inside groups */

enum node_type { N_EMPTY, N_CHAR, N_SET, N_BOL, N_EOL, N_CAT, N_ALT, N_REP, N_LOOK };

struct node {
	enum node_type type;
	unsigned char set[32];  /* N_CHAR and N_SET: the bytes that match */
	struct node *a, *b;
	int min, max, greedy;   /* N_REP; max -1 for no limit */
	int neg;                /* N_LOOK: (?!...) */
};

enum op { I_SET, I_BOL, I_EOL, I_SPLIT, I_JMP, I_MATCH, I_LOOK };

struct inst {
	enum op op;
	int x, y;               /* I_SPLIT: try x, then y; I_JMP: x; I_LOOK: resume at x */
	int neg;
	unsigned char set[32];
};

struct rx {
	struct inst *code;
	int n, alloc;
	int anchored;
};

struct parser {
	const char *p;
	const char *why;
	int depth;
	struct node **nodes;
	size_t nnodes, anodes;
};

static struct node *
node_new(struct parser *ps, enum node_type type)
{
	struct node *n = xcalloc(1, sizeof *n);

	if (ps->nnodes == ps->anodes) {
		ps->anodes = ps->anodes ? 2 * ps->anodes : 32;
		ps->nodes = xrealloc(ps->nodes, ps->anodes * sizeof *ps->nodes);
	}
	ps->nodes[ps->nnodes++] = n;
	n->type = type;
	return n;
}

static void
set_add(unsigned char *set, int c)
{
	set[(unsigned char)c >> 3] |= (unsigned char)(1u << (c & 7));
}

static void
set_range(unsigned char *set, int lo, int hi)
{
	for (int c = lo; c <= hi; c++)
		set_add(set, c);
}

static void
set_invert(unsigned char *set)
{
	for (int i = 0; i < 32; i++)
		set[i] = (unsigned char)~set[i];
}

/* The class of an escape such as \d into set; returns 0, or -1 if unknown. */
static int
escape_set(int c, unsigned char *set)
{
	unsigned char tmp[32] = {0};
	int inv = 0;

	switch (c) {
	case 'D': inv = 1; /* FALLTHROUGH */
	case 'd': set_range(tmp, '0', '9'); break;
	case 'W': inv = 1; /* FALLTHROUGH */
	case 'w':
		set_range(tmp, '0', '9');
		set_range(tmp, 'a', 'z');
		set_range(tmp, 'A', 'Z');
		set_add(tmp, '_');
		break;
	case 'S': inv = 1; /* FALLTHROUGH */
	case 's':
		set_range(tmp, '\t', '\r');
		set_add(tmp, ' ');
		break;
	case 'n': set_add(tmp, '\n'); break;
	case 'r': set_add(tmp, '\r'); break;
	case 't': set_add(tmp, '\t'); break;
	default:
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '\0')
			return -1;
		set_add(tmp, c);
	}
	if (inv)
		set_invert(tmp);
	for (int i = 0; i < 32; i++)
		set[i] |= tmp[i];
	return 0;
}

static struct node *parse_alt(struct parser *ps);

static struct node *
parse_class(struct parser *ps)
{
	struct node *n = node_new(ps, N_SET);
	int neg = 0;

	if (*ps->p == '^') {
		neg = 1;
		ps->p++;
	}
	for (int first = 1; *ps->p != ']' || first; first = 0) {
		int lo = (unsigned char)*ps->p, hi;

		if (lo == '\0') {
			ps->why = "unterminated [";
			return NULL;
		}
		ps->p++;
		if (lo == '\\') {
			int e = (unsigned char)*ps->p++;
			if (strchr("dDwWsS", e) && e) {
				if (escape_set(e, n->set) < 0)
					goto bad;
				continue;
			}
			unsigned char one[32] = {0};
			if (escape_set(e, one) < 0)
				goto bad;
			for (lo = 0; lo < 256 && !(one[lo >> 3] & (1u << (lo & 7))); lo++)
				;
		}
		if (ps->p[0] == '-' && ps->p[1] != ']' && ps->p[1] != '\0') {
			hi = (unsigned char)ps->p[1];
			ps->p += 2;
			if (hi == '\\' || hi < lo)
				goto bad;
			set_range(n->set, lo, hi);
		} else {
			set_add(n->set, lo);
		}
	}
	ps->p++;
	if (neg)
		set_invert(n->set);
	return n;
bad:
	ps->why = "unsupported class";
	return NULL;
}

static int
parse_int(struct parser *ps, int *out)
{
	int v = 0, any = 0;

	while (*ps->p >= '0' && *ps->p <= '9') {
		v = v * 10 + (*ps->p++ - '0');
		if (v > RX_MAXREP)
			return -1;
		any = 1;
	}
	*out = v;
	return any ? 0 : -1;
}

static struct node *
parse_atom(struct parser *ps)
{
	struct node *n;
	int c = (unsigned char)*ps->p;

	switch (c) {
	case '(':
		ps->p++;
		if (++ps->depth > RX_MAXDEPTH) {
			ps->why = "groups nested too deep";
			return NULL;
		}
		if (ps->p[0] == '?') {
			if (ps->p[1] == ':') {
				ps->p += 2;
				n = parse_alt(ps);
			} else if (ps->p[1] == '!' || ps->p[1] == '=') {
				int neg = ps->p[1] == '!';
				ps->p += 2;
				n = node_new(ps, N_LOOK);
				n->neg = neg;
				n->a = parse_alt(ps);
				if (!n->a)
					return NULL;
			} else {
				ps->why = "unsupported group";
				return NULL;
			}
		} else {
			n = parse_alt(ps);
		}
		if (!n)
			return NULL;
		if (*ps->p != ')') {
			ps->why = "unbalanced (";
			return NULL;
		}
		ps->p++;
		ps->depth--;
		return n;
	case '[':
		ps->p++;
		return parse_class(ps);
	case '.':
		ps->p++;
		n = node_new(ps, N_SET);
		set_invert(n->set);
		n->set['\n' >> 3] &= (unsigned char)~(1u << ('\n' & 7));
		n->set['\r' >> 3] &= (unsigned char)~(1u << ('\r' & 7));
		return n;
	case '^':
		ps->p++;
		return node_new(ps, N_BOL);
	case '$':
		ps->p++;
		return node_new(ps, N_EOL);
	case '\\':
		ps->p++;
		n = node_new(ps, N_SET);
		if (escape_set((unsigned char)*ps->p, n->set) < 0) {
			ps->why = "unsupported escape";
			return NULL;
		}
		ps->p++;
		return n;
	case '*': case '+': case '?': case '{': case ')': case '|': case '\0':
		ps->why = "nothing to repeat or unbalanced )";
		return NULL;
	default:
		ps->p++;
		n = node_new(ps, N_CHAR);
		set_add(n->set, c);
		return n;
	}
}

static struct node *
parse_repeat(struct parser *ps)
{
	struct node *a = parse_atom(ps), *n;

	if (!a)
		return NULL;
	for (;;) {
		int min, max;
		const char *save = ps->p;

		switch (*ps->p) {
		case '*': min = 0; max = -1; ps->p++; break;
		case '+': min = 1; max = -1; ps->p++; break;
		case '?': min = 0; max = 1; ps->p++; break;
		case '{':
			ps->p++;
			if (parse_int(ps, &min) < 0)
				goto literal_brace;
			max = min;
			if (*ps->p == ',') {
				ps->p++;
				if (*ps->p == '}')
					max = -1;
				else if (parse_int(ps, &max) < 0 || max < min)
					goto literal_brace;
			}
			if (*ps->p != '}')
				goto literal_brace;
			ps->p++;
			break;
		default:
			return a;
		}
		if (a->type == N_BOL || a->type == N_EOL || a->type == N_LOOK) {
			ps->why = "nothing to repeat";
			return NULL;
		}
		n = node_new(ps, N_REP);
		n->a = a;
		n->min = min;
		n->max = max;
		n->greedy = 1;
		if (*ps->p == '?') {
			n->greedy = 0;
			ps->p++;
		}
		a = n;
		continue;
literal_brace:
		/* JavaScript reads a "{" that starts no quantifier as itself. */
		ps->p = save;
		ps->why = "unsupported {";
		return NULL;
	}
}

static struct node *
parse_seq(struct parser *ps)
{
	struct node *seq = node_new(ps, N_EMPTY);

	while (*ps->p && *ps->p != '|' && *ps->p != ')') {
		struct node *r = parse_repeat(ps), *cat;
		if (!r)
			return NULL;
		cat = node_new(ps, N_CAT);
		cat->a = seq;
		cat->b = r;
		seq = cat;
	}
	return seq;
}

static struct node *
parse_alt(struct parser *ps)
{
	struct node *a = parse_seq(ps);

	while (a && *ps->p == '|') {
		struct node *alt = node_new(ps, N_ALT);
		ps->p++;
		alt->a = a;
		alt->b = parse_seq(ps);
		if (!alt->b)
			return NULL;
		a = alt;
	}
	return a;
}

static int
emit(struct rx *r, enum op op)
{
	if (r->n == r->alloc) {
		r->alloc = r->alloc ? 2 * r->alloc : 32;
		r->code = xrealloc(r->code, (size_t)r->alloc * sizeof *r->code);
	}
	memset(&r->code[r->n], 0, sizeof r->code[r->n]);
	r->code[r->n].op = op;
	return r->n++;
}

static int
gen(struct rx *r, const struct node *n)
{
	int i, l, s, j;

	if (r->n > 100000)
		return -1;
	switch (n->type) {
	case N_EMPTY:
		return 0;
	case N_CHAR:
	case N_SET:
		i = emit(r, I_SET);
		memcpy(r->code[i].set, n->set, 32);
		return 0;
	case N_BOL:
		emit(r, I_BOL);
		return 0;
	case N_EOL:
		emit(r, I_EOL);
		return 0;
	case N_CAT:
		return gen(r, n->a) < 0 ? -1 : gen(r, n->b);
	case N_ALT:
		s = emit(r, I_SPLIT);
		r->code[s].x = r->n;
		if (gen(r, n->a) < 0)
			return -1;
		j = emit(r, I_JMP);
		r->code[s].y = r->n;
		if (gen(r, n->b) < 0)
			return -1;
		r->code[j].x = r->n;
		return 0;
	case N_LOOK:
		l = emit(r, I_LOOK);
		r->code[l].neg = n->neg;
		if (gen(r, n->a) < 0)
			return -1;
		emit(r, I_MATCH);
		r->code[l].x = r->n;
		return 0;
	case N_REP:
		for (i = 0; i < n->min; i++)
			if (gen(r, n->a) < 0)
				return -1;
		if (n->max < 0) {
			l = emit(r, I_SPLIT);
			if (gen(r, n->a) < 0)
				return -1;
			j = emit(r, I_JMP);
			r->code[j].x = l;
			r->code[l].x = n->greedy ? l + 1 : r->n;
			r->code[l].y = n->greedy ? r->n : l + 1;
			return 0;
		}
		{
			int nsplit = n->max - n->min, k;
			int *splits = xcalloc((size_t)nsplit + 1, sizeof *splits);
			for (k = 0; k < nsplit; k++) {
				splits[k] = emit(r, I_SPLIT);
				if (gen(r, n->a) < 0) {
					free(splits);
					return -1;
				}
			}
			for (k = 0; k < nsplit; k++) {
				int sp = splits[k];
				r->code[sp].x = n->greedy ? sp + 1 : r->n;
				r->code[sp].y = n->greedy ? r->n : sp + 1;
			}
			free(splits);
		}
		return 0;
	}
	return -1;
}

struct rx *
rx_compile(const char *pattern, const char **why)
{
	struct parser ps = { pattern, NULL, 0, NULL, 0, 0 };
	struct node *tree;
	struct rx *r = NULL;

	if (strlen(pattern) > RX_MAXLEN) {
		if (why)
			*why = "pattern too long";
		return NULL;
	}
	tree = parse_alt(&ps);

	if (tree && *ps.p != '\0') {
		ps.why = "unbalanced )";
		tree = NULL;
	}
	if (tree) {
		r = xcalloc(1, sizeof *r);
		if (gen(r, tree) < 0) {
			rx_free(r);
			r = NULL;
			ps.why = "pattern too large";
		} else {
			emit(r, I_MATCH);
			r->anchored = r->code[0].op == I_BOL;
		}
	}
	for (size_t i = 0; i < ps.nnodes; i++)
		free(ps.nodes[i]);
	free(ps.nodes);
	if (!r && why)
		*why = ps.why ? ps.why : "invalid pattern";
	return r;
}

static int
run(const struct rx *r, int pc, const char *s, size_t n, size_t sp, long *steps)
{
	for (;;) {
		const struct inst *in = &r->code[pc];

		if (--*steps < 0)
			return 0;
		switch (in->op) {
		case I_SET:
			if (sp >= n || !(in->set[(unsigned char)s[sp] >> 3] & (1u << ((unsigned char)s[sp] & 7))))
				return 0;
			sp++;
			pc++;
			break;
		case I_BOL:
			if (sp != 0)
				return 0;
			pc++;
			break;
		case I_EOL:
			if (sp != n)
				return 0;
			pc++;
			break;
		case I_JMP:
			pc = in->x;
			break;
		case I_SPLIT:
			if (run(r, in->x, s, n, sp, steps))
				return 1;
			pc = in->y;
			break;
		case I_LOOK:
			if (run(r, pc + 1, s, n, sp, steps) == in->neg)
				return 0;
			pc = in->x;
			break;
		case I_MATCH:
			return 1;
		}
	}
}

int
rx_search(const struct rx *r, const char *s, size_t n)
{
	long steps = RX_STEPS;

	for (size_t start = 0; start <= n; start++) {
		if (run(r, 0, s, n, start, &steps))
			return 1;
		if (r->anchored || steps < 0)
			break;
	}
	return 0;
}

void
rx_free(struct rx *r)
{
	if (!r)
		return;
	free(r->code);
	free(r);
}
