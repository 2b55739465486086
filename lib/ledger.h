/*
 * A ledger: a file that many processes append whole lines to at once.
 * Each line goes out in one write(2) on a descriptor opened with
 * O_APPEND, so concurrent writers never interleave within a line; a
 * symlink in the file's place is refused (O_NOFOLLOW), and a new ledger
 * is created with mode 0600.
 */
#ifndef GPT_LEDGER_H
#define GPT_LEDGER_H

#include <stddef.h>

#include "errmsg.h"

struct ledger;

/* Open path for appending, creating it.  NULL with err set (GPT_EXIT_IO). */
struct ledger *ledger_open(const char *path, struct gpt_err *err);

/*
 * Append the n bytes at line (which should end in a newline) in one
 * write.  Returns 0, or -1 with err set (GPT_EXIT_IO) on a failed or
 * short write.
 */
int ledger_append(struct ledger *l, const char *line, size_t n, struct gpt_err *err);

/* Close the ledger; returns 0, or -1 with err set (GPT_EXIT_IO). NULL is fine. */
int ledger_close(struct ledger *l, struct gpt_err *err);

#endif
