/*
 * Writing JSON items and closing stdout.  Items are written compactly,
 * one per line, and flushed at once, so the next program in a pipe sees
 * each item the moment it is complete.
 */
#ifndef GPT_JSONOUT_H
#define GPT_JSONOUT_H

#include <stdio.h>

#include <jv.h>

#include "errmsg.h"

/*
 * Write v (consumed) on one line to f, then flush.  Returns 0, or -1
 * with errno set when the write failed.
 */
int jsonout_write(FILE *f, jv v);

/*
 * Write n raw bytes and a newline to f, then flush; as jsonout_write.
 */
int jsonout_write_raw(FILE *f, const char *p, size_t n);

/*
 * Flush and check f at the end of a program (sbase's fshut).  Returns 0
 * when all was written, 1 when the reader has gone (EPIPE: end quietly),
 * or -1 with err set (GPT_EXIT_IO) naming what; what names f in the
 * message ("stdout").
 */
int out_close(FILE *f, const char *what, struct gpt_err *err);

#endif
