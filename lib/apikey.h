/*
 * Loading the API key: from a file or from the environment, never from
 * the command line (where other users can read it in ps).  The key goes
 * into an HTTP header, so a key holding CR, LF or another control byte is
 * refused rather than allowed to inject headers.
 */
#ifndef GPT_APIKEY_H
#define GPT_APIKEY_H

#include <stddef.h>

#include "errmsg.h"

/* The largest key file we read. */
#define APIKEY_MAX_FILE 65536

/*
 * The key from the file at path when path is not NULL, else env (the
 * value of OPENAI_API_KEY, borrowed, may be NULL).  One trailing newline
 * of a file is stripped.  Returns the key (caller frees), or NULL with err
 * set (GPT_EXIT_USAGE) when it is missing, empty or unsafe.
 */
char *apikey_load(const char *path, const char *env, struct gpt_err *err);

/*
 * Check that key[0..n) is usable in a header; what names its origin in
 * the message.  Returns 0, or -1 with err set (GPT_EXIT_USAGE).
 */
int apikey_check(const char *key, size_t n, const char *what, struct gpt_err *err);

#endif
