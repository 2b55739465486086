/* Output files written to a temporary name, then renamed into place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcode.h"
#include "outfile.h"
#include "xalloc.h"

int
outfile_open(struct outfile *o, const char *path, struct gpt_err *err)
{
	struct stat st;
	size_t n = strlen(path);
	int fd;

	memset(o, 0, sizeof(*o));
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return gpt_err_set(err, GPT_EXIT_IO, "%s: is a symbolic link: refused", path);
	o->tmp = xmalloc(n + sizeof(".XXXXXX"));
	memcpy(o->tmp, path, n);
	memcpy(o->tmp + n, ".XXXXXX", sizeof(".XXXXXX"));
	/* mkstemp opens with O_CREAT|O_EXCL and mode 0600. */
	if ((fd = mkstemp(o->tmp)) < 0 || (o->f = fdopen(fd, "w")) == NULL) {
		gpt_err_set(err, GPT_EXIT_IO, "%s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	o->path = xstrdup(path);
	return 0;
}

int
outfile_commit(struct outfile *o, struct gpt_err *err)
{
	int bad, e, r = 0;

	if (o->f == NULL)
		return 1;
	bad = fflush(o->f) == EOF || ferror(o->f);
	e = errno;
	if (fclose(o->f) == EOF && !bad) {
		bad = 1;
		e = errno;
	}
	if (!bad && rename(o->tmp, o->path) < 0) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		unlink(o->tmp);
		r = gpt_err_set(err, GPT_EXIT_IO, "%s: write error: %s", o->path, strerror(e));
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	return r;
}
