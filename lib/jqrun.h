/*
 * Running a jq program with libjq on one value after another.  Only a
 * program given by the user pays for jq's compiler (its builtins take
 * some milliseconds to compile), so nothing else should start one.
 * Messages of the compiler and of the program go into a gpt_err, never
 * to stderr.
 */
#ifndef GPT_JQRUN_H
#define GPT_JQRUN_H

#include <jv.h>

#include "errmsg.h"

struct jqrun;

/*
 * Compile program; named (consumed) is an object of the program's named
 * arguments ($NAME, as jq's --arg and --argjson give them), also offered
 * as $ARGS.named.  Returns NULL with err set (GPT_EXIT_USAGE) when the
 * program does not compile.
 */
struct jqrun *jqrun_new(const char *program, jv named, struct gpt_err *err);

void jqrun_free(struct jqrun *jr);

/* Run the program on input (consumed), dropping what a last run left. */
void jqrun_start(struct jqrun *jr, jv input);

/*
 * The next output of the run: 1 and *out (the caller owns it), 0 when
 * the run is over, -1 with err set (GPT_EXIT_DATA) when the program
 * raised an error (the run is over then too).
 */
int jqrun_next(struct jqrun *jr, jv *out, struct gpt_err *err);

#endif
