/* Reading whole texts, checked as UTF-8. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "textin.h"
#include "utf8.h"

int
text_check(const char *s, size_t n, const char *name, struct gpt_err *err)
{
	size_t bad = utf8_invalid(s, n);
	const char *nul = memchr(s, '\0', bad);

	if (nul != NULL)
		return gpt_err_set(err, GPT_EXIT_DATA, "%s: NUL byte at byte %zu",
		    name, (size_t)(nul - s));
	if (bad < n)
		return gpt_err_set(err, GPT_EXIT_DATA,
		    "%s: invalid UTF-8 at byte %zu", name, bad);
	return 0;
}

int
text_read_fd(int fd, const char *name, struct buf *b, struct gpt_err *err)
{
	size_t start = b->len;
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return gpt_err_set(err, GPT_EXIT_IO, "%s: %s", name,
			    strerror(errno));
		if (n == 0)
			break;
		if (buf_add(b, chunk, (size_t)n) < 0)
			return gpt_err_set(err, GPT_EXIT_DATA,
			    "%s: larger than %zu bytes", name, b->max);
	}
	return text_check(b->data ? b->data + start : "", b->len - start,
	    name, err);
}

int
text_read_file(const char *path, struct buf *b, struct gpt_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return gpt_err_set(err, errno == ENOENT || errno == EACCES ||
		    errno == EISDIR ? GPT_EXIT_USAGE : GPT_EXIT_IO, "%s: %s",
		    path, strerror(errno));
	r = text_read_fd(fd, path, b, err);
	close(fd);
	return r;
}
