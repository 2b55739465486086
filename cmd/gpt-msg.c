/*
 * gpt-msg: build a Chat Completions request from message text given as
 * arguments, files and stdin, or continue an earlier conversation; with
 * --each-line, one Batch API input line per line of stdin.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>

#include "buf.h"
#include "errmsg.h"
#include "exitcode.h"
#include "jsonin.h"
#include "jsonout.h"
#include "msg.h"
#include "num.h"
#include "textin.h"
#include "tmpl.h"
#include "utf8.h"
#include "version.h"
#include "xalloc.h"

/* Cap on one text (a file, stdin, a message): far above any context window. */
#define TEXT_MAX ((size_t)256 << 20)
#define SEED_MAX 9007199254740991LL   /* 2^53 - 1: exact as a JSON number */
#define STOP_MAX 4

/* One piece of a message: argument text (a template) or a file's text. */
struct seg {
	char *p;
	size_t n;
	int tmpl;
};

/* One message to add, in the order given. */
struct spec {
	const char *role;
	struct seg *segs;
	size_t nsegs;
};

struct opts {
	struct spec *specs;
	size_t nspecs;
	struct msg_req now;     /* the model and parameters given now */
	const char *cont;       /* -c FILE */
	const char *id_prefix;
	char stdin_by[32];      /* the option that read stdin as a file, or "" */
	jv stop;
	int each_line;
	int no_stdin;
	int has_slot;           /* some argument holds a "{}" */
	int write_errno;        /* errno of a failed write to stdout */
};

enum {
	OPT_DEVELOPER = 256, OPT_EACH_LINE, OPT_ID_PREFIX, OPT_MAX_TOKENS,
	OPT_NO_STDIN, OPT_PARAM, OPT_SCHEMA, OPT_SEED, OPT_STOP, OPT_TOP_P,
	OPT_VERSION
};

static const struct option longopts[] = {
	{ "assistant",   required_argument, NULL, 'a' },
	{ "choices",     required_argument, NULL, 'n' },
	{ "continue",    required_argument, NULL, 'c' },
	{ "developer",   required_argument, NULL, OPT_DEVELOPER },
	{ "each-line",   no_argument,       NULL, OPT_EACH_LINE },
	{ "file",        required_argument, NULL, 'f' },
	{ "help",        no_argument,       NULL, 'h' },
	{ "id-prefix",   required_argument, NULL, OPT_ID_PREFIX },
	{ "json",        no_argument,       NULL, 'j' },
	{ "max-tokens",  required_argument, NULL, OPT_MAX_TOKENS },
	{ "model",       required_argument, NULL, 'm' },
	{ "no-stdin",    no_argument,       NULL, OPT_NO_STDIN },
	{ "param",       required_argument, NULL, OPT_PARAM },
	{ "schema",      required_argument, NULL, OPT_SCHEMA },
	{ "seed",        required_argument, NULL, OPT_SEED },
	{ "stop",        required_argument, NULL, OPT_STOP },
	{ "system",      required_argument, NULL, 's' },
	{ "temperature", required_argument, NULL, 't' },
	{ "top-p",       required_argument, NULL, OPT_TOP_P },
	{ "user",        required_argument, NULL, 'u' },
	{ "version",     no_argument,       NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f)
{
	fputs("usage: gpt-msg [-hj] [-a text] [-c file] [-f file] [-m model] [-n count]\n"
	    "               [-s text] [-t temperature] [-u text] [--developer text]\n"
	    "               [--each-line] [--id-prefix prefix] [--max-tokens count]\n"
	    "               [--no-stdin] [--param key=json] [--schema file] [--seed n]\n"
	    "               [--stop text] [--top-p p] [--version] [word ...]\n", f);
}

static void
help(void)
{
	usage(stdout);
	fputs("\nBuild a Chat Completions request; the words are the user message.\n"
	    "TEXT is the text, @FILE a file's text (@- stdin), @@... a literal @...\n"
	    "Text on stdin (not a terminal) is added to the user message.\n\n"
	    "  -a, --assistant TEXT    add an assistant message (few-shot examples)\n"
	    "  -c, --continue FILE     start from an earlier request and its answer\n"
	    "      --developer TEXT    add a developer message\n"
	    "      --each-line         one Batch API input line per line of stdin;\n"
	    "                          {} in the message arguments is the line\n"
	    "  -f, --file FILE         add a user message with FILE's text\n"
	    "  -h, --help              print this help and exit\n"
	    "      --id-prefix PREFIX  custom_id prefix for --each-line (line-)\n"
	    "  -j, --json              JSON mode: response_format json_object\n"
	    "      --max-tokens COUNT  max_tokens, at least 1\n"
	    "  -m, --model MODEL       the model ($GPT_MODEL, else " MSG_DEFAULT_MODEL ")\n"
	    "  -n, --choices COUNT     n, the number of choices: 1 to 128\n"
	    "      --no-stdin          do not read stdin\n"
	    "      --param KEY=JSON    set any field to a JSON value (later wins)\n"
	    "      --schema FILE       response_format json_schema from FILE\n"
	    "      --seed N            seed, an integer\n"
	    "      --stop TEXT         a stop sequence (up to 4)\n"
	    "  -s, --system TEXT       add a system message\n"
	    "  -t, --temperature T     temperature, 0 to 2\n"
	    "      --top-p P           top_p, 0 to 1\n"
	    "  -u, --user TEXT         add a user message\n"
	    "      --version           print the version and exit\n"
	    "A FILE of - is stdin.\n", stdout);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	fputs("Try 'gpt-msg --help' for more information.\n", stderr);
	exit(GPT_EXIT_USAGE);
}

static void __attribute__((noreturn))
fail(const struct gpt_err *e)
{
	warnx("%s", e->msg);
	exit(e->code ? e->code : GPT_EXIT_DATA);
}

/* Text given on the command line must be valid UTF-8 too. */
static void
check_arg(const char *s, const char *what)
{
	struct gpt_err e;

	if (text_check(s, strlen(s), what, &e) < 0)
		fail(&e);
}

/* Read all of path ("-" for stdin) as text; exits on error. */
static void
read_text(struct opts *o, const char *path, const char *what, struct seg *s)
{
	struct gpt_err e;
	struct buf b;

	buf_init(&b, TEXT_MAX);
	if (strcmp(path, "-") == 0) {
		if (o->stdin_by[0] != '\0')
			usage_error("%s: stdin is already read by %s", what, o->stdin_by);
		snprintf(o->stdin_by, sizeof(o->stdin_by), "%s", what);
		if (text_read_fd(STDIN_FILENO, "<stdin>", &b, &e) < 0)
			fail(&e);
	} else if (text_read_file(path, &b, &e) < 0)
		fail(&e);
	s->p = buf_detach(&b, &s->n);
	s->tmpl = 0;
}

/* A TEXT argument: @FILE, @@literal, or the text itself (a template). */
static void
text_arg(struct opts *o, const char *arg, const char *what, struct seg *s)
{
	if (arg[0] == '@' && arg[1] != '@' && arg[1] != '\0') {
		read_text(o, arg + 1, what, s);
		return;
	}
	if (arg[0] == '@' && arg[1] == '@')
		arg++;
	check_arg(arg, what);
	s->p = xstrdup(arg);
	s->n = strlen(arg);
	s->tmpl = 1;
	o->has_slot |= tmpl_has_slot(s->p, s->n);
}

static struct spec *
spec_new(struct opts *o, const char *role, size_t nsegs)
{
	struct spec *sp;

	o->specs = xrealloc(o->specs, (o->nspecs + 1) * sizeof(*o->specs));
	sp = &o->specs[o->nspecs++];
	sp->role = role;
	sp->nsegs = nsegs;
	sp->segs = xcalloc(nsegs ? nsegs : 1, sizeof(*sp->segs));
	return sp;
}

static void
add_message(struct opts *o, const char *role, const char *arg, const char *what)
{
	text_arg(o, arg, what, spec_new(o, role, 1)->segs);
}

/* The words as one user message, joined with spaces. */
static void
add_words(struct opts *o, int argc, char *argv[])
{
	struct spec *sp;
	char what[32];
	int i;

	if (argc == 0)
		return;
	sp = spec_new(o, "user", (size_t)argc * 2 - 1);
	for (i = 0; i < argc; i++) {
		if (i > 0) {
			sp->segs[2 * i - 1].p = xstrdup(" ");
			sp->segs[2 * i - 1].n = 1;
		}
		snprintf(what, sizeof(what), "word %d", i + 1);
		text_arg(o, argv[i], what, &sp->segs[2 * i]);
	}
}

static double
opt_double(const char *arg, const char *name, double lo, double hi)
{
	const char *why;
	double v;

	if ((why = num_parse_double(arg, lo, hi, &v)) != NULL)
		usage_error("%s %s: %s (from %g to %g)", name, arg, why, lo, hi);
	return v;
}

static long long
opt_int(const char *arg, const char *name, long long lo, long long hi)
{
	const char *why;
	long long v;

	if ((why = num_parse_ll(arg, lo, hi, &v)) != NULL)
		usage_error("%s %s: %s (an integer from %lld to %lld)", name, arg,
		    why, lo, hi);
	return v;
}

/* --param KEY=JSON: any field, its value parsed as JSON. */
static void
opt_param(struct opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct gpt_err e;
	char *key;
	jv v;

	if (eq == NULL || eq == arg)
		usage_error("--param %s: not KEY=JSON", arg);
	key = xstrndup(arg, (size_t)(eq - arg));
	check_arg(key, "--param");
	if (strcmp(key, "messages") == 0)
		usage_error("--param messages: give messages with -s, -u, -a or -c");
	if (json_parse_one(eq + 1, strlen(eq + 1), "--param", &v, &e) < 0)
		usage_error("--param %s: the value is not JSON (a string needs "
		    "quotes: --param '%s=\"%s\"')", arg, key, eq + 1);
	if (!json_is_finite(v)) {
		jv_free(v);
		usage_error("--param %s: a number is too large for a double", arg);
	}
	if (strcmp(key, "model") == 0 && jv_get_kind(v) != JV_KIND_STRING) {
		jv_free(v);
		usage_error("--param model: the value is not a JSON string");
	}
	msg_req_set(&o->now, key, v);
	free(key);
}

static void
opt_stop(struct opts *o, const char *arg)
{
	int n;

	check_arg(arg, "--stop");
	o->stop = jv_array_append(o->stop, jv_string(arg));
	n = jv_array_length(jv_copy(o->stop));
	if (n > STOP_MAX)
		usage_error("--stop: at most %d stop sequences", STOP_MAX);
	msg_req_set(&o->now, "stop", n == 1 ?
	    jv_array_get(jv_copy(o->stop), 0) : jv_copy(o->stop));
}

static void
opt_schema(struct opts *o, const char *path)
{
	struct gpt_err e;
	struct seg s;
	jv schema;

	read_text(o, path, "--schema", &s);
	if (json_parse_one(s.p, s.n, path, &schema, &e) < 0)
		fail(&e);
	free(s.p);
	if (jv_get_kind(schema) != JV_KIND_OBJECT) {
		jv_free(schema);
		e.code = GPT_EXIT_DATA;
		snprintf(e.msg, sizeof(e.msg), "%s: a JSON schema must be an object", path);
		fail(&e);
	}
	msg_req_set(&o->now, "response_format", msg_schema_format(schema, path));
}

static void
opts_parse(struct opts *o, int argc, char *argv[])
{
	int c;

	memset(o, 0, sizeof(*o));
	msg_req_init(&o->now);
	o->stop = jv_array();
	o->id_prefix = "line-";
	while ((c = getopt_long(argc, argv, ":a:c:f:hjm:n:s:t:u:", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			add_message(o, "assistant", optarg, "--assistant");
			break;
		case 'c':
			o->cont = optarg;
			break;
		case 'f':
			read_text(o, optarg, "--file", spec_new(o, "user", 1)->segs);
			break;
		case 'h':
			help();
			exit(GPT_EXIT_OK);
		case 'j':
			msg_req_set(&o->now, "response_format", jv_object_set(jv_object(),
			    jv_string("type"), jv_string("json_object")));
			break;
		case 'm':
			check_arg(optarg, "--model");
			if (optarg[0] == '\0')
				usage_error("--model: empty model name");
			msg_req_set(&o->now, "model", jv_string(optarg));
			break;
		case 'n':
			msg_req_set(&o->now, "n", jv_number((double)
			    opt_int(optarg, "-n", 1, 128)));
			break;
		case 's':
			add_message(o, "system", optarg, "--system");
			break;
		case 't':
			msg_req_set(&o->now, "temperature", jv_number(
			    opt_double(optarg, "--temperature", 0, 2)));
			break;
		case 'u':
			add_message(o, "user", optarg, "--user");
			break;
		case OPT_DEVELOPER:
			add_message(o, "developer", optarg, "--developer");
			break;
		case OPT_EACH_LINE:
			o->each_line = 1;
			break;
		case OPT_ID_PREFIX:
			check_arg(optarg, "--id-prefix");
			o->id_prefix = optarg;
			break;
		case OPT_MAX_TOKENS:
			msg_req_set(&o->now, "max_tokens", jv_number((double)
			    opt_int(optarg, "--max-tokens", 1, 2147483647)));
			break;
		case OPT_NO_STDIN:
			o->no_stdin = 1;
			break;
		case OPT_PARAM:
			opt_param(o, optarg);
			break;
		case OPT_SCHEMA:
			opt_schema(o, optarg);
			break;
		case OPT_SEED:
			msg_req_set(&o->now, "seed", jv_number((double)
			    opt_int(optarg, "--seed", -SEED_MAX, SEED_MAX)));
			break;
		case OPT_STOP:
			opt_stop(o, optarg);
			break;
		case OPT_TOP_P:
			msg_req_set(&o->now, "top_p", jv_number(
			    opt_double(optarg, "--top-p", 0, 1)));
			break;
		case OPT_VERSION:
			printf("gpt-msg (gpt-tools) %s\n", GPT_VERSION);
			exit(GPT_EXIT_OK);
		case ':':
			usage_error("%s: the option needs an argument", argv[optind - 1]);
		default:
			if (optopt != 0)
				usage_error("-%c: unknown option", optopt);
			usage_error("%s: unknown option", argv[optind - 1]);
		}
	}
	add_words(o, argc - optind, argv + optind);
	if (o->each_line && (o->stdin_by[0] != '\0' || (o->cont && strcmp(o->cont, "-") == 0)))
		usage_error("--each-line reads stdin: %s cannot read it too",
		    o->stdin_by[0] != '\0' ? o->stdin_by : "--continue");
	if (o->cont && strcmp(o->cont, "-") == 0 && o->stdin_by[0] != '\0')
		usage_error("--continue: stdin is already read by %s", o->stdin_by);
}

static void
opts_release(struct opts *o)
{
	size_t i, k;

	for (i = 0; i < o->nspecs; i++) {
		for (k = 0; k < o->specs[i].nsegs; k++)
			free(o->specs[i].segs[k].p);
		free(o->specs[i].segs);
	}
	free(o->specs);
	msg_req_release(&o->now);
	jv_free(o->stop);
}

/* -c FILE: the earlier conversation, item by item, into base. */
static void
load_continue(struct opts *o, struct msg_req *base)
{
	const char *name = strcmp(o->cont, "-") == 0 ? "<stdin>" : o->cont;
	struct jsonin *in;
	struct gpt_err e;
	int fd, r, items = 0;
	jv v;

	if (strcmp(o->cont, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(o->cont, O_RDONLY | O_CLOEXEC)) < 0) {
		gpt_err_set(&e, errno == ENOENT || errno == EACCES ||
		    errno == EISDIR ? GPT_EXIT_USAGE : GPT_EXIT_IO, "%s: %s",
		    o->cont, strerror(errno));
		fail(&e);
	}
	in = jsonin_new(fd, name, JSONIN_MAX_ITEM);
	while ((r = jsonin_next(in, &v, &e)) == 1) {
		items++;
		r = msg_req_take(base, v, &e);
		jv_free(v);
		if (r < 0) {
			warnx("%s:%lu: %s", name, jsonin_last(in)->line, e.msg);
			exit(e.code);
		}
	}
	if (r < 0)
		fail(&e);
	msg_req_take_end(base, &e);
	if (items == 0) {
		gpt_err_set(&e, GPT_EXIT_DATA, "%s: no request or response to continue", name);
		fail(&e);
	}
	jsonin_free(in);
	if (fd != STDIN_FILENO)
		close(fd);
}

/* All of stdin when it is not a terminal and nothing else read it. */
static void
read_stdin_text(struct opts *o, struct buf *b)
{
	struct gpt_err e;

	if (o->no_stdin || o->each_line || o->stdin_by[0] != '\0' ||
	    (o->cont && strcmp(o->cont, "-") == 0) || isatty(STDIN_FILENO) ||
	    fcntl(STDIN_FILENO, F_GETFD) < 0)
		return;
	if (text_read_fd(STDIN_FILENO, "<stdin>", b, &e) < 0)
		fail(&e);
}

static const char *
default_model(void)
{
	const char *m = getenv("GPT_MODEL");

	return m != NULL && m[0] != '\0' ? m : MSG_DEFAULT_MODEL;
}

/*
 * One request: base, the parameters given now, the messages given now
 * (with line, when not NULL, in place of "{}"), and extra text added to
 * the user message.  Returns the request, or jv_invalid() with e set.
 */
static jv
build(const struct opts *o, const struct msg_req *base, const char *line,
    size_t linelen, const char *extra, size_t extralen, struct gpt_err *e)
{
	struct msg_req r;
	struct buf b;
	size_t i, k, from;
	const struct seg *s;
	jv req;

	msg_req_copy(&r, base);
	msg_req_overlay(&r, &o->now);
	from = msg_req_count(&r);
	buf_init(&b, TEXT_MAX);
	for (i = 0; i < o->nspecs; i++) {
		buf_reset(&b);
		for (k = 0; k < o->specs[i].nsegs; k++) {
			s = &o->specs[i].segs[k];
			if ((line != NULL && s->tmpl ?
			    tmpl_expand(s->p, s->n, line, linelen, &b) :
			    buf_add(&b, s->p, s->n)) < 0) {
				buf_release(&b);
				msg_req_release(&r);
				gpt_err_set(e, GPT_EXIT_DATA, "a message is larger than %zu bytes", TEXT_MAX);
				return jv_invalid();
			}
		}
		msg_req_add(&r, o->specs[i].role, b.data ? b.data : "", b.len);
	}
	buf_release(&b);
	if (extra != NULL && extralen > 0)
		msg_req_append_user(&r, from, extra, extralen);
	if (msg_req_count(&r) == 0) {
		msg_req_release(&r);
		gpt_err_set(e, GPT_EXIT_USAGE, "no message: give the text as "
		    "arguments, with -u or -f, or on stdin");
		return jv_invalid();
	}
	req = msg_req_build(&r, default_model());
	msg_req_release(&r);
	if (msg_check(req, e) < 0) {
		jv_free(req);
		return jv_invalid();
	}
	return req;
}

static int
put(struct opts *o, jv v)
{
	if (jsonout_write(stdout, v) < 0) {
		o->write_errno = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static int
run_one(struct opts *o, const struct msg_req *base)
{
	struct gpt_err e;
	struct buf in;
	jv req;

	buf_init(&in, TEXT_MAX);
	read_stdin_text(o, &in);
	req = build(o, base, NULL, 0, in.data, in.len, &e);
	buf_release(&in);
	if (!jv_is_valid(req)) {
		jv_free(req);
		fail(&e);
	}
	put(o, req);
	return GPT_EXIT_OK;
}

/* Check one line; returns 0, or -1 after saying where it is bad. */
static int
check_line(const char *p, size_t n, unsigned long lineno, unsigned long long off)
{
	size_t bad = utf8_invalid(p, n);
	const char *nul = memchr(p, '\0', bad);

	if (nul != NULL) {
		warnx("<stdin>:%lu: NUL byte at byte %zu of the line (byte %llu of the input)",
		    lineno, (size_t)(nul - p), off + (size_t)(nul - p));
		return -1;
	}
	if (bad < n) {
		warnx("<stdin>:%lu: invalid UTF-8 at byte %zu of the line (byte %llu of the input)",
		    lineno, bad, off + bad);
		return -1;
	}
	return 0;
}

/*
 * --each-line: every line of stdin, one request each, written as it is
 * read.  Empty lines are skipped; a bad line is reported, skipped, and
 * makes the exit status 3.
 */
static int
run_each_line(struct opts *o, const struct msg_req *base)
{
	unsigned long long off = 0;
	unsigned long lineno = 0;
	struct gpt_err e;
	char *line = NULL, *id;
	size_t cap = 0, len;
	ssize_t n;
	int status = GPT_EXIT_OK, wrote = 0;
	jv req;

	while ((n = getline(&line, &cap, stdin)) != -1) {
		lineno++;
		len = (size_t)n;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		off += (unsigned long long)n;
		if (len == 0)
			continue;
		if (check_line(line, len, lineno, off - (unsigned long long)n) < 0) {
			status = GPT_EXIT_DATA;
			continue;
		}
		req = o->has_slot ? build(o, base, line, len, NULL, 0, &e) :
		    build(o, base, NULL, 0, line, len, &e);
		if (!jv_is_valid(req)) {
			jv_free(req);
			warnx("<stdin>:%lu: %s", lineno, e.msg);
			status = e.code;
			continue;
		}
		id = xmalloc(strlen(o->id_prefix) + 24);
		sprintf(id, "%s%lu", o->id_prefix, lineno);
		wrote = put(o, msg_batch_line(id, req));
		free(id);
		if (wrote < 0)
			break;
	}
	/* getline also ends on ENOMEM, without setting the error flag. */
	if (wrote >= 0 && (ferror(stdin) || !feof(stdin))) {
		warnx("<stdin>: %s", strerror(errno));
		status = GPT_EXIT_IO;
	}
	free(line);
	return status;
}

/* Flush and check stdout; a closed pipe ends quietly. */
static int
finish(struct opts *o, int status)
{
	struct gpt_err e;
	int r;

	if (o->write_errno != 0) {
		fclose(stdout);
		if (o->write_errno == EPIPE)
			return status;
		warnx("stdout: write error: %s", strerror(o->write_errno));
		return GPT_EXIT_IO;
	}
	r = out_close(stdout, "stdout", &e);
	if (r < 0) {
		warnx("%s", e.msg);
		return GPT_EXIT_IO;
	}
	return status;
}

int
main(int argc, char *argv[])
{
	struct msg_req base;
	struct opts o;
	int status;

	xalloc_init();
	opts_parse(&o, argc, argv);
	msg_req_init(&base);
	if (o.cont != NULL)
		load_continue(&o, &base);
	if (o.each_line)
		status = run_each_line(&o, &base);
	else
		status = run_one(&o, &base);
	msg_req_release(&base);
	status = finish(&o, status);
	opts_release(&o);
	return status;
}
