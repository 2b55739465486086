/*
 * gpt-extract: print what is wanted of Chat Completions responses: the
 * assistant's text by default, a part picked by a shortcut option, or
 * anything a jq filter selects.  Reads responses, chunk streams, error
 * bodies and Batch API output lines, one item after another.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jv.h>

#include "buf.h"
#include "errmsg.h"
#include "exitcode.h"
#include "extract.h"
#include "jqrun.h"
#include "jsonin.h"
#include "jsonout.h"
#include "num.h"
#include "shape.h"
#include "textin.h"
#include "utf8.h"
#include "version.h"
#include "xalloc.h"

/* The largest -f FILE read. */
#define FILTER_MAX ((size_t)1 << 20)

/* What is printed of each response. */
enum what {
	WHAT_CONTENT,       /* the default: the text of the message */
	WHAT_FILTER,        /* the output of a jq filter */
	WHAT_FINISH_REASON,
	WHAT_JSON,          /* the text parsed as JSON */
	WHAT_MESSAGE,
	WHAT_TOOL_CALLS,
	WHAT_USAGE
};

/* How values are written: jq's -r, -c and -j. */
enum outmode { OUT_DEFAULT, OUT_RAW, OUT_JSON, OUT_JOIN };

struct opts {
	enum what what;
	const char *shortcut;   /* the option that set what, for messages */
	enum outmode out;
	long choice;            /* -1 for --all */
	int choice_given;
	int complete, verbose, with_id;
	const char *filter;
	struct buf filter_file;
	jv named;               /* --arg and --argjson */
	int named_given;
	char **files;
	int nfiles;
};

/*
 * Where an item is, for messages: its custom_id, else its line; made
 * into text only when a message is given, not for every item.
 */
struct where {
	const char *name;       /* "<stdin>" or a path */
	unsigned long line;
	jv id;                  /* the custom_id (borrowed), or no string */
	int choice;             /* the choice to name, or -1 */
};

struct run {
	const struct opts *o;
	struct jqrun *jq;
	struct extract_stream *st;
	struct jsonin *in;      /* the input being read */
	int live;               /* print the deltas of a stream as they come */
	int live_open;          /* content begun: a newline is owed */
	struct where stream_where; /* the chunk that began the stream */
	int status;
	int write_errno;        /* stdout failed: stop */
};

enum {
	OPT_ARG = 256,
	OPT_ARGJSON,
	OPT_CHOICE,
	OPT_COMPLETE,
	OPT_FINISH_REASON,
	OPT_JSON,
	OPT_MESSAGE,
	OPT_TOOL_CALLS,
	OPT_USAGE,
	OPT_VERSION,
	OPT_WITH_ID
};

static const struct option longopts[] = {
	{ "all",            no_argument,       NULL, 'a' },
	{ "arg",            required_argument, NULL, OPT_ARG },
	{ "argjson",        required_argument, NULL, OPT_ARGJSON },
	{ "choice",         required_argument, NULL, OPT_CHOICE },
	{ "compact-output", no_argument,       NULL, 'c' },
	{ "complete",       no_argument,       NULL, OPT_COMPLETE },
	{ "finish-reason",  no_argument,       NULL, OPT_FINISH_REASON },
	{ "from-file",      required_argument, NULL, 'f' },
	{ "help",           no_argument,       NULL, 'h' },
	{ "join-output",    no_argument,       NULL, 'j' },
	{ "json",           no_argument,       NULL, OPT_JSON },
	{ "message",        no_argument,       NULL, OPT_MESSAGE },
	{ "raw-output",     no_argument,       NULL, 'r' },
	{ "tool-calls",     no_argument,       NULL, OPT_TOOL_CALLS },
	{ "usage",          no_argument,       NULL, OPT_USAGE },
	{ "verbose",        no_argument,       NULL, 'v' },
	{ "version",        no_argument,       NULL, OPT_VERSION },
	{ "with-id",        no_argument,       NULL, OPT_WITH_ID },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f)
{
	fputs("usage: gpt-extract [-achjrv] [-f file] [--arg name value]"
	    " [--argjson name json]\n"
	    "                   [--choice n] [--complete] [--finish-reason]"
	    " [--json]\n"
	    "                   [--message] [--tool-calls] [--usage] [--version]"
	    " [--with-id]\n"
	    "                   [filter] [file ...]\n", f);
}

static void
help(void)
{
	usage(stdout);
	fputs("\nPrint the assistant's text of each response on stdin (or in the files), or\n"
	    "what a shortcut or a jq FILTER picks.  Reads responses, chunk streams, error\n"
	    "bodies and Batch API output lines.\n\n"
	    "  -a, --all               every choice, not only the first (n > 1)\n"
	    "      --arg NAME VALUE    $NAME is the string VALUE in the filter\n"
	    "      --argjson NAME JSON $NAME is the JSON value in the filter\n"
	    "      --choice N          the choice with index N (default 0)\n"
	    "  -c, --compact-output    print every value as JSON on one line\n"
	    "      --complete          exit 5 when an answer was cut off or refused\n"
	    "      --finish-reason     print the finish_reason\n"
	    "  -f, --from-file FILE    read the filter from FILE\n"
	    "  -h, --help              print this help and exit\n"
	    "  -j, --join-output       as -r, without a newline after each value\n"
	    "      --json              print the text parsed as JSON (JSON mode answers)\n"
	    "      --message           print the assistant message object\n"
	    "  -r, --raw-output        print strings raw, other values as JSON\n"
	    "                          (the default, except with a filter or --json)\n"
	    "      --tool-calls        print the tool_calls array ([] when none)\n"
	    "      --usage             print the usage object (null when none)\n"
	    "  -v, --verbose           say on stderr when a message has no text\n"
	    "      --version           print the version and exit\n"
	    "      --with-id           print each result after its custom_id and a tab\n"
	    "\nWith -f or a shortcut option, every argument is a file.\n", stdout);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	fputs("Try 'gpt-extract --help' for more information.\n", stderr);
	exit(GPT_EXIT_USAGE);
}

static void
set_what(struct opts *o, enum what w, const char *name)
{
	if (o->shortcut != NULL && o->what != w)
		usage_error("%s and %s: choose one", o->shortcut, name);
	o->what = w;
	o->shortcut = name;
}

/* A message of json_parse_one without its ":LINE: " or ": " start. */
static const char *
why_not(const char *msg)
{
	msg += strspn(msg, ":");
	msg += strspn(msg, "0123456789");
	return msg + strspn(msg, ": ");
}

/* --arg and --argjson take two arguments: the second is argv[optind]. */
static void
add_named(struct opts *o, int argc, char *argv[], int json)
{
	const char *opt = json ? "--argjson" : "--arg";
	const char *name = optarg;
	struct gpt_err e;
	jv v;

	if (optind >= argc)
		usage_error("%s %s: a value must follow the name", opt, name);
	if (json) {
		if (json_parse_one(argv[optind], strlen(argv[optind]), "",
		    &v, &e) < 0)
			usage_error("--argjson %s: not JSON: %s", name, why_not(e.msg));
	} else if (utf8_invalid(argv[optind], strlen(argv[optind])) <
	    strlen(argv[optind]))
		usage_error("--arg %s: the value is not valid UTF-8 (at byte %zu)",
		    name, utf8_invalid(argv[optind], strlen(argv[optind])));
	else
		v = jv_string(argv[optind]);
	optind++;
	o->named = jv_object_set(o->named, jv_string(name), v);
	o->named_given = 1;
}

static void
read_filter_file(struct opts *o, const char *path)
{
	struct gpt_err e;

	buf_reset(&o->filter_file);
	if (text_read_file(path, &o->filter_file, &e) < 0)
		usage_error("%s", e.msg);
	o->filter = o->filter_file.data != NULL ? o->filter_file.data : "";
}

/* What getopt_long refused; arg is the argument it was looking at. */
static void __attribute__((noreturn))
bad_option(const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (strncmp(arg, "--", 2) == 0 && optopt != 0 && eq != NULL)
		usage_error("%.*s: takes no argument", (int)(eq - arg), arg);
	if (optopt == 0)
		usage_error("%s: unknown or ambiguous option", arg);
	usage_error("-%c: unknown option", optopt);
}

static void
opts_parse(struct opts *o, int argc, char *argv[])
{
	long long n;
	const char *why;
	int c;

	memset(o, 0, sizeof(*o));
	o->named = jv_object();
	buf_init(&o->filter_file, FILTER_MAX);
	opterr = 0;	/* getopt would name the program by its path */
	while ((c = getopt_long(argc, argv, ":acf:hjrv", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o->choice = -1;
			o->choice_given = 1;
			break;
		case OPT_ARG:
		case OPT_ARGJSON:
			add_named(o, argc, argv, c == OPT_ARGJSON);
			break;
		case OPT_CHOICE:
			why = num_parse_ll(optarg, 0, EXTRACT_MAX_INDEX - 1, &n);
			if (why != NULL)
				usage_error("--choice %s: %s (an index from 0 to %d)",
				    optarg, why, EXTRACT_MAX_INDEX - 1);
			o->choice = (long)n;
			o->choice_given = 1;
			break;
		case 'c':
			o->out = OUT_JSON;
			break;
		case OPT_COMPLETE:
			o->complete = 1;
			break;
		case 'f':
			read_filter_file(o, optarg);
			set_what(o, WHAT_FILTER, "--from-file");
			break;
		case OPT_FINISH_REASON:
			set_what(o, WHAT_FINISH_REASON, "--finish-reason");
			break;
		case 'h':
			help();
			exit(GPT_EXIT_OK);
		case 'j':
			o->out = OUT_JOIN;
			break;
		case OPT_JSON:
			set_what(o, WHAT_JSON, "--json");
			break;
		case OPT_MESSAGE:
			set_what(o, WHAT_MESSAGE, "--message");
			break;
		case 'r':
			o->out = OUT_RAW;
			break;
		case OPT_TOOL_CALLS:
			set_what(o, WHAT_TOOL_CALLS, "--tool-calls");
			break;
		case OPT_USAGE:
			set_what(o, WHAT_USAGE, "--usage");
			break;
		case 'v':
			o->verbose = 1;
			break;
		case OPT_VERSION:
			printf("gpt-extract (gpt-tools) %s\n", GPT_VERSION);
			exit(GPT_EXIT_OK);
		case OPT_WITH_ID:
			o->with_id = 1;
			break;
		case ':':
			usage_error("%s: an argument is needed", argv[optind - 1]);
		default:
			bad_option(argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (o->shortcut == NULL && argc > 0) {
		o->filter = argv[0];
		o->what = WHAT_FILTER;
		o->shortcut = "a filter";
		argc--;
		argv++;
	}
	if (o->what == WHAT_FILTER && o->choice_given)
		usage_error("--all and --choice pick choices for the built-in paths,"
		    " not for a filter");
	if (o->what != WHAT_FILTER && o->named_given)
		usage_error("--arg and --argjson need a filter");
	if (o->out == OUT_DEFAULT)
		o->out = o->what == WHAT_FILTER || o->what == WHAT_JSON ?
		    OUT_JSON : OUT_RAW;
	o->files = argv;
	o->nfiles = argc;
}

static void
opts_release(struct opts *o)
{
	jv_free(o->named);
	buf_release(&o->filter_file);
}

static void
fail_status(struct run *r, int code)
{
	if (code > r->status)
		r->status = code;
}

/* Note a failed write to stdout; everything stops after it. */
static int
check_out(struct run *r)
{
	if (ferror(stdout) && r->write_errno == 0)
		r->write_errno = errno ? errno : EIO;
	return r->write_errno ? -1 : 0;
}

/*
 * Flush what was written, unless the next item is already at hand: one
 * write for many items on a large file, and every item at once for a
 * reader waiting on a live stream.
 */
static void
flush_out(struct run *r)
{
	if (r->in != NULL && jsonin_ready(r->in)) {
		check_out(r);
		return;
	}
	if (fflush(stdout) == EOF && r->write_errno == 0)
		r->write_errno = errno ? errno : EIO;
	check_out(r);
}

static void
put_prefix(struct run *r, jv id)
{
	if (!r->o->with_id)
		return;
	if (jv_get_kind(id) == JV_KIND_STRING)
		fputs(jv_string_value(id), stdout);
	putchar('\t');
}

/* Write v (consumed) as the output mode says, after the id (borrowed). */
static void
emit(struct run *r, jv id, jv v)
{
	put_prefix(r, id);
	if (r->o->out != OUT_JSON && jv_get_kind(v) == JV_KIND_STRING)
		fwrite(jv_string_value(v), 1,
		    (size_t)jv_string_length_bytes(jv_copy(v)), stdout);
	else
		jv_dumpf(jv_copy(v), stdout, 0);
	if (r->o->out != OUT_JOIN)
		putchar('\n');
	jv_free(v);
}

static const char *
where_text(const struct where *w)
{
	static char buf[600];
	int n;

	if (jv_get_kind(w->id) == JV_KIND_STRING)
		n = snprintf(buf, sizeof(buf), "%s", jv_string_value(w->id));
	else if (strcmp(w->name, "<stdin>") == 0)
		n = snprintf(buf, sizeof(buf), "line %lu", w->line);
	else
		n = snprintf(buf, sizeof(buf), "%s:%lu", w->name, w->line);
	if (w->choice >= 0 && n >= 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - (size_t)n, ": choice %d", w->choice);
	return buf;
}

static void
report_api_error(struct run *r, jv body, const struct where *w)
{
	char text[1400];

	extract_api_error(body, text, sizeof(text));
	warnx("%s: %s", where_text(w), text);
	fail_status(r, GPT_EXIT_API);
}

static void
run_filter(struct run *r, jv resp, const struct where *w)
{
	struct gpt_err e;
	jv out;
	int k;

	jqrun_start(r->jq, jv_copy(resp));
	while ((k = jqrun_next(r->jq, &out, &e)) == 1)
		emit(r, w->id, out);
	if (k < 0) {
		warnx("%s: %s", where_text(w), e.msg);
		fail_status(r, GPT_EXIT_DATA);
	}
}

/* The text of choice as JSON, when it is there and not known to be cut. */
static void
print_json(struct run *r, jv choice, const struct where *w)
{
	jv content = extract_content(choice), f, v;
	struct gpt_err e;
	int cut;

	if (jv_get_kind(content) != JV_KIND_STRING) {
		jv_free(content);
		return;
	}
	f = extract_finish_reason(choice);
	cut = r->o->complete && extract_cut_off(f);
	jv_free(f);
	if (!cut) {
		if (extract_parse_json(content, &v, &e) == 0)
			emit(r, w->id, v);
		else {
			warnx("%s: %s", where_text(w), e.msg);
			fail_status(r, GPT_EXIT_DATA);
		}
	}
	jv_free(content);
}

/* The text of choice, unless it was printed live; -v notes its absence. */
static void
print_content(struct run *r, jv choice, const struct where *w, int live)
{
	jv content = extract_content(choice), calls;

	/* -c prints every value, null too: one line per choice. */
	if (jv_get_kind(content) != JV_KIND_NULL || r->o->out == OUT_JSON) {
		if (live)
			jv_free(content);
		else
			emit(r, w->id, content);
		return;
	}
	jv_free(content);
	if (r->o->verbose) {
		calls = extract_tool_calls(choice);
		warnx("%s: no text (tool calls: %d)", where_text(w),
		    jv_array_length(calls));
	}
}

/* Refusals and cut-off answers: said on stderr, failures under --complete. */
static void
check_choice(struct run *r, jv choice, const struct where *w)
{
	jv refusal = extract_refusal(choice), f;

	if (jv_is_valid(refusal)) {
		warnx("%s: refusal: %s", where_text(w), jv_string_value(refusal));
		if (r->o->complete)
			fail_status(r, GPT_EXIT_INCOMPLETE);
	}
	jv_free(refusal);
	if (!r->o->complete)
		return;
	f = extract_finish_reason(choice);
	if (extract_cut_off(f)) {
		warnx("%s: the answer is incomplete: finish_reason %s", where_text(w),
		    jv_get_kind(f) == JV_KIND_STRING ? jv_string_value(f) :
		    "missing");
		fail_status(r, GPT_EXIT_INCOMPLETE);
	}
	jv_free(f);
}

static void
print_choice(struct run *r, jv choice, const struct where *w, int live)
{
	switch (r->o->what) {
	case WHAT_CONTENT:
		print_content(r, choice, w, live);
		break;
	case WHAT_FINISH_REASON:
		emit(r, w->id, extract_finish_reason(choice));
		break;
	case WHAT_JSON:
		print_json(r, choice, w);
		break;
	case WHAT_MESSAGE:
		emit(r, w->id, extract_message(choice));
		break;
	case WHAT_TOOL_CALLS:
		emit(r, w->id, extract_tool_calls(choice));
		break;
	case WHAT_FILTER:
	case WHAT_USAGE:
		break;
	}
}

/*
 * Print what is wanted of resp (borrowed).  live: its text has been
 * printed already, as its chunks came.
 */
static void
handle_response(struct run *r, jv resp, const struct where *w, int live)
{
	const struct opts *o = r->o;
	struct where cw = *w;
	struct gpt_err e;
	jv choices, ci;

	/* A filter and --usage need no choices, except to check them. */
	if (o->what == WHAT_FILTER)
		run_filter(r, resp, w);
	else if (o->what == WHAT_USAGE)
		emit(r, w->id, extract_usage(resp));
	if ((o->what == WHAT_FILTER || o->what == WHAT_USAGE) && !o->complete)
		return;
	if (extract_choices(resp, o->what == WHAT_FILTER ? -1 : o->choice,
	    &choices, &e) < 0) {
		warnx("%s: %s", where_text(w), e.msg);
		fail_status(r, GPT_EXIT_DATA);
		return;
	}
	jv_array_foreach(choices, i, choice) {
		/* Name the choice in messages when it is not the only one asked. */
		if (o->choice != 0 && o->what != WHAT_FILTER) {
			ci = jv_object_get(jv_copy(choice), jv_string("index"));
			cw.choice = jv_get_kind(ci) == JV_KIND_NUMBER ?
			    (int)jv_number_value(ci) : i;
			jv_free(ci);
		}
		print_choice(r, choice, &cw, live);
		check_choice(r, choice, &cw);
		jv_free(choice);
	}
	jv_free(choices);
}

/* End the stream being assembled: the newline owed, then the rest. */
static void
stream_end(struct run *r)
{
	jv resp;

	if (!extract_stream_active(r->st))
		return;
	if (r->live_open && r->o->out != OUT_JOIN)
		putchar('\n');
	r->live_open = 0;
	resp = extract_stream_finish(r->st);
	handle_response(r, resp, &r->stream_where, r->live);
	jv_free(resp);
	flush_out(r);
}

/* Print the text a chunk (borrowed) brings, the moment it comes. */
static void
live_chunk(struct run *r, jv chunk)
{
	long index = r->o->choice;
	jv piece = extract_chunk_content(chunk, index);

	if (jv_is_valid(piece)) {
		if (!r->live_open)
			put_prefix(r, jv_null());
		r->live_open = 1;
		fwrite(jv_string_value(piece), 1,
		    (size_t)jv_string_length_bytes(jv_copy(piece)), stdout);
	}
	jv_free(piece);
	if (r->live_open && extract_chunk_finished(chunk, index)) {
		if (r->o->out != OUT_JOIN)
			putchar('\n');
		r->live_open = 0;
	}
	flush_out(r);
}

static void
handle_chunk(struct run *r, jv chunk, const struct where *w)
{
	struct gpt_err e;

	if (!extract_stream_continues(r->st, chunk))
		stream_end(r);
	if (!extract_stream_active(r->st))
		r->stream_where = *w;
	if (extract_stream_add(r->st, chunk, &e) < 0) {
		warnx("%s: %s", where_text(w), e.msg);
		fail_status(r, GPT_EXIT_DATA);
		return;
	}
	if (r->live)
		live_chunk(r, chunk);
}

static void
handle_batch_out(struct run *r, jv line, const struct where *w)
{
	jv payload = shape_payload(line);

	switch (shape_of(payload)) {
	case SHAPE_RESPONSE:
		handle_response(r, payload, w, 0);
		break;
	case SHAPE_ERROR:
		report_api_error(r, payload, w);
		break;
	default:
		warnx("%s: a batch output line without a response body", where_text(w));
		fail_status(r, GPT_EXIT_DATA);
		break;
	}
	jv_free(payload);
}

/* One item of the input (consumed). */
static void
handle_item(struct run *r, jv v, const char *name, unsigned long line)
{
	enum shape s = shape_of(v);
	struct where w = { name, line, jv_null(), -1 };

	if (s == SHAPE_CHUNK) {
		handle_chunk(r, v, &w);
		jv_free(v);
		return;
	}
	stream_end(r);
	w.id = shape_custom_id(v);
	switch (s) {
	case SHAPE_RESPONSE:
		handle_response(r, v, &w, 0);
		break;
	case SHAPE_BATCH_OUT:
		handle_batch_out(r, v, &w);
		break;
	case SHAPE_ERROR:
		report_api_error(r, v, &w);
		break;
	case SHAPE_REQUEST:
	case SHAPE_BATCH_IN:
		warnx("%s: a %s, not a response: send it with gpt-send first",
		    where_text(&w), shape_name(s));
		fail_status(r, GPT_EXIT_DATA);
		break;
	default:
		warnx("%s: not a response (a chat.completion, a chunk, an error"
		    " body or a batch output line)", where_text(&w));
		fail_status(r, GPT_EXIT_DATA);
		break;
	}
	jv_free(w.id);
	jv_free(v);
	flush_out(r);
}

static void
run_fd(struct run *r, int fd, const char *name)
{
	struct jsonin *in = jsonin_new(fd, name, JSONIN_MAX_ITEM);
	struct gpt_err e;
	jv v;
	int k;

	r->in = in;
	while (r->write_errno == 0 && (k = jsonin_next(in, &v, &e)) != 0) {
		if (k == 1) {
			handle_item(r, v, name, jsonin_last(in)->line);
			continue;
		}
		warnx("%s", e.msg);
		fail_status(r, e.code ? e.code : GPT_EXIT_DATA);
		if (k == -2)
			break;
	}
	r->in = NULL;
	if (r->write_errno == 0)
		stream_end(r);
	flush_out(r);
	jsonin_free(in);
}

static void
run_file(struct run *r, const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0) {
		run_fd(r, STDIN_FILENO, "<stdin>");
		return;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		warn("%s", path);
		fail_status(r, GPT_EXIT_USAGE);
		return;
	}
	run_fd(r, fd, path);
	close(fd);
}

/* Read every input; returns the exit status, *write_errno set when stdout failed. */
static int
run_all(const struct opts *o, int *write_errno)
{
	struct run r;
	struct gpt_err e;
	int i;

	memset(&r, 0, sizeof(r));
	r.o = o;
	if (o->what == WHAT_FILTER) {
		r.jq = jqrun_new(o->filter, jv_copy(o->named), &e);
		if (r.jq == NULL)
			usage_error("%s", e.msg);
	}
	r.live = o->what == WHAT_CONTENT && o->choice >= 0 && o->out != OUT_JSON;
	r.st = extract_stream_new(r.live ? EXTRACT_STREAM_NO_TEXT : 0);
	if (o->nfiles == 0)
		run_fd(&r, STDIN_FILENO, "<stdin>");
	for (i = 0; i < o->nfiles && r.write_errno == 0; i++)
		run_file(&r, o->files[i]);
	extract_stream_free(r.st);
	jqrun_free(r.jq);
	*write_errno = r.write_errno;
	return r.status;
}

/* Flush and check stdout; a closed pipe ends quietly. */
static int
finish(int status, int write_errno)
{
	struct gpt_err e;

	if (write_errno != 0) {
		fclose(stdout);
		if (write_errno == EPIPE)
			return status;
		warnx("stdout: write error: %s", strerror(write_errno));
		return GPT_EXIT_IO;
	}
	if (out_close(stdout, "stdout", &e) < 0) {
		warnx("%s", e.msg);
		return GPT_EXIT_IO;
	}
	return status;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	int status, write_errno;

	xalloc_init();
	signal(SIGPIPE, SIG_IGN);
	opts_parse(&o, argc, argv);
	status = run_all(&o, &write_errno);
	opts_release(&o);
	return finish(status, write_errno);
}
