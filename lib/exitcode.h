/*
 * The exit codes shared by every gpt-tools program.  This table is the
 * only place they are defined; the man pages document the same table.
 */
#ifndef GPT_EXITCODE_H
#define GPT_EXITCODE_H

enum gpt_exit {
	GPT_EXIT_OK = 0,         /* success */
	GPT_EXIT_API = 1,        /* the API answered with an error, or items of a stream failed */
	GPT_EXIT_USAGE = 2,      /* bad option or argument, missing key, unsafe URL: nothing sent */
	GPT_EXIT_DATA = 3,       /* bad input data: not JSON, wrong shape, invalid UTF-8 */
	GPT_EXIT_NOANSWER = 4,   /* no usable answer: network, timeout, cut stream, body not JSON */
	GPT_EXIT_INCOMPLETE = 5, /* finish_reason length or content_filter where completeness was required */
	GPT_EXIT_BUDGET = 6,     /* over the --budget cost limit */
	GPT_EXIT_IO = 7          /* cannot write the output, a ledger or a cache file */
};

#endif
