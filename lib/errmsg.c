/* Errors carried from lib/ to the programs. */
#include <stdarg.h>
#include <stdio.h>

#include "errmsg.h"

int
gpt_err_set(struct gpt_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
gpt_err_clear(struct gpt_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}
