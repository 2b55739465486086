/*
 * Checking a whole input for duplicate custom_ids before anything is sent
 * (RELIABILITY.md, "Batches"), in memory bounded by the ids alone.  A
 * regular file is scanned and read again; a pipe cannot be read twice, so
 * its items are copied as they are scanned to an unlinked temporary file
 * (the spool), at the same line numbers, and the run reads that instead.
 */
#ifndef GPT_IDSCAN_H
#define GPT_IDSCAN_H

#include <jv.h>

#include "errmsg.h"
#include "jsonin.h"

struct idscan {
	jv ids;                 /* custom_id -> "name:line" where first met */
	int spool;              /* where items are copied, or -1 */
	unsigned long line;     /* the line the spool is at (1-based) */
	unsigned long items;    /* items added */
};

/* Begin a scan; spool (borrowed) is an fd to copy items to, or -1. */
void idscan_init(struct idscan *s, int spool);

/*
 * Add item v (borrowed) read from in (borrowed; its last item is v): its
 * custom_id when it is a Batch API input line, and its bytes to the spool.
 * Returns 0, or -1 with err set: GPT_EXIT_DATA for a custom_id met
 * before (naming both places), GPT_EXIT_IO when the spool cannot be
 * written.
 */
int idscan_add(struct idscan *s, const struct jsonin *in, jv v, struct gpt_err *err);

/* The ids met (a new reference to an object whose keys are the ids). */
jv idscan_ids(const struct idscan *s);

void idscan_release(struct idscan *s);

/*
 * A new temporary file in $TMPDIR (else /tmp), mode 0600, with no name
 * (O_TMPFILE, else created and unlinked at once).  Returns its fd, or -1
 * with err set (GPT_EXIT_IO).
 */
int idscan_tmpfile(struct gpt_err *err);

#endif
