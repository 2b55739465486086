/*
 * Reading text for the API: all of a file or stdin, byte for byte, as
 * valid UTF-8 without NUL bytes.  Anything else is an error naming the
 * byte offset; text is never repaired, trimmed or truncated.
 */
#ifndef GPT_TEXTIN_H
#define GPT_TEXTIN_H

#include <stddef.h>

#include "buf.h"
#include "errmsg.h"

/*
 * Check that s[0..n) is valid UTF-8 without NUL bytes.  Returns 0, or -1
 * with err set (GPT_EXIT_DATA): "NAME: invalid UTF-8 at byte N".
 */
int text_check(const char *s, size_t n, const char *name, struct gpt_err *err);

/*
 * Append all of fd (borrowed) to b and check it with text_check.  b's cap
 * bounds the size: more is an error, never a silent cut.  Returns 0, or
 * -1 with err set (GPT_EXIT_IO for a read error, else GPT_EXIT_DATA).
 */
int text_read_fd(int fd, const char *name, struct buf *b, struct gpt_err *err);

/* As text_read_fd for the file at path. */
int text_read_file(const char *path, struct buf *b, struct gpt_err *err);

#endif
