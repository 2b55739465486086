/* Scanning an input for duplicate custom_ids; spooling a pipe to do so. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "idscan.h"
#include "shape.h"
#include "xalloc.h"

void
idscan_init(struct idscan *s, int spool)
{
	s->ids = jv_object();
	s->spool = spool;
	s->line = 1;
	s->items = 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copy the item's bytes to the spool, starting on the line it started on. */
static int
spool_item(struct idscan *s, const struct jsonin_item *it, struct gpt_err *err)
{
	char nl[64];
	unsigned long k;
	size_t i;

	memset(nl, '\n', sizeof(nl));

	while (s->line < it->line) {
		k = it->line - s->line < sizeof(nl) ? it->line - s->line : sizeof(nl);
		if (write_all(s->spool, nl, k) < 0)
			goto fail;
		s->line += k;
	}
	if (write_all(s->spool, it->raw, it->len) < 0 || write_all(s->spool, "\n", 1) < 0)
		goto fail;
	for (i = 0; i < it->len; i++)
		if (it->raw[i] == '\n')
			s->line++;
	s->line++;
	return 0;
fail:
	return gpt_err_set(err, GPT_EXIT_IO, "temporary file: write error: %s",
	    strerror(errno));
}

int
idscan_add(struct idscan *s, const struct jsonin *in, jv v, struct gpt_err *err)
{
	const struct jsonin_item *it = jsonin_last(in);
	char where[256];
	jv id, first;

	s->items++;
	if (s->spool >= 0 && spool_item(s, it, err) < 0)
		return -1;
	if (shape_of(v) != SHAPE_BATCH_IN)
		return 0;
	id = shape_custom_id(v);
	if (jv_get_kind(id) != JV_KIND_STRING) {
		jv_free(id);
		return 0;
	}
	first = jv_object_get(jv_copy(s->ids), jv_copy(id));
	if (jv_is_valid(first)) {
		gpt_err_set(err, GPT_EXIT_DATA,
		    "%s:%lu: duplicate custom_id \"%.100s\" (first at %s): nothing sent",
		    jsonin_name(in), it->line, jv_string_value(id), jv_string_value(first));
		jv_free(first);
		jv_free(id);
		return -1;
	}
	jv_free(first);
	snprintf(where, sizeof(where), "%s:%lu", jsonin_name(in), it->line);
	s->ids = jv_object_set(s->ids, id, jv_string(where));
	return 0;
}

jv
idscan_ids(const struct idscan *s)
{
	return jv_copy(s->ids);
}

void
idscan_release(struct idscan *s)
{
	jv_free(s->ids);
	s->ids = jv_invalid();
}

int
idscan_tmpfile(struct gpt_err *err)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	size_t n;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
#ifdef O_TMPFILE
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return fd;
#endif
	n = strlen(dir) + sizeof("/gpt-send.XXXXXX");
	path = xmalloc(n);
	snprintf(path, n, "%s/gpt-send.XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0) {
		gpt_err_set(err, GPT_EXIT_IO, "%s: %s", dir, strerror(errno));
		free(path);
		return -1;
	}
	unlink(path);
	free(path);
	return fd;
}
