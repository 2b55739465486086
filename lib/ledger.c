/*
 * Appending whole lines to a shared file; see ledger.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcode.h"
#include "ledger.h"
#include "xalloc.h"

struct ledger {
	int fd;
	char *path;
};

struct ledger *
ledger_open(const char *path, struct gpt_err *err)
{
	struct ledger *l;
	struct stat st;
	int fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		gpt_err_set(err, GPT_EXIT_IO, "%s: %s", path,
		    errno == ELOOP ? "is a symbolic link: refused" : strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		gpt_err_set(err, GPT_EXIT_IO, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	l->fd = fd;
	l->path = xstrdup(path);
	return l;
}

int
ledger_append(struct ledger *l, const char *line, size_t n, struct gpt_err *err)
{
	ssize_t w;

	do
		w = write(l->fd, line, n);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return gpt_err_set(err, GPT_EXIT_IO, "%s: %s", l->path, strerror(errno));
	if ((size_t)w != n)
		return gpt_err_set(err, GPT_EXIT_IO, "%s: short write", l->path);
	return 0;
}

int
ledger_close(struct ledger *l, struct gpt_err *err)
{
	int rc = 0;

	if (!l)
		return 0;
	if (close(l->fd) < 0)
		rc = gpt_err_set(err, GPT_EXIT_IO, "%s: %s", l->path, strerror(errno));
	free(l->path);
	free(l);
	return rc;
}
