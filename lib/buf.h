/*
 * A growable byte buffer with a required size cap (curl's dynbuf idea):
 * every append checks the cap, so no input can make it grow without end.
 * The data is always NUL-terminated, so it can be used as a C string when
 * it holds no NUL byte.
 */
#ifndef GPT_BUF_H
#define GPT_BUF_H

#include <stddef.h>

struct buf {
	char *data;     /* NULL until the first append */
	size_t len;
	size_t alloc;
	size_t max;     /* the cap: len never exceeds it */
};

/* Start an empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);

/* Append n bytes; returns 0, or -1 (buffer unchanged) when over the cap. */
int buf_add(struct buf *b, const void *p, size_t n);

/* Append a NUL-terminated string; as buf_add. */
int buf_adds(struct buf *b, const char *s);

/* Append one byte; as buf_add. */
int buf_addc(struct buf *b, char c);

/* Drop the first n bytes (n <= len), keeping the rest. */
void buf_consume(struct buf *b, size_t n);

/* Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Free the memory; the buffer is empty and may be used again. */
void buf_release(struct buf *b);

/* Take the data (caller frees it; never NULL); the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
