/*
 * Writing an output file safely (RELIABILITY.md, "Security"): the data
 * goes to a temporary name beside the file, created with O_EXCL and mode
 * 0600 (so no one else's file or symlink is ever written through), and is
 * renamed into place when done.  A symlink at the final name is refused.
 */
#ifndef GPT_OUTFILE_H
#define GPT_OUTFILE_H

#include <stdio.h>

#include "errmsg.h"

struct outfile {
	FILE *f;        /* write here */
	char *path;     /* the final name */
	char *tmp;      /* the temporary name */
};

/*
 * Open a temporary file for path (borrowed, copied).  Returns 0, or -1
 * with err set (GPT_EXIT_IO) when path is a symlink or the temporary file
 * cannot be created.
 */
int outfile_open(struct outfile *o, const char *path, struct gpt_err *err);

/*
 * Flush, close and rename the file into place (what was written is kept
 * even after an error elsewhere: it is data).  Returns 0, 1 when nothing
 * was open, or -1 with err set (GPT_EXIT_IO); the temporary file is
 * removed on failure.  Frees what o holds.
 */
int outfile_commit(struct outfile *o, struct gpt_err *err);

#endif
