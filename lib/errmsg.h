/*
 * Errors returned by lib/: an exit code from exitcode.h and a one-line
 * message.  lib/ never prints and never exits; the program decides.
 * Messages are lowercase, without a full stop, the failing thing first.
 */
#ifndef GPT_ERRMSG_H
#define GPT_ERRMSG_H

struct gpt_err {
	int code;       /* an enum gpt_exit value; 0 while no error is set */
	char msg[512];
};

/* Set err (which may be NULL) to code and the formatted message; returns -1. */
int gpt_err_set(struct gpt_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Forget any error held in err. */
void gpt_err_clear(struct gpt_err *err);

#endif
