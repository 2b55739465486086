/* lib/ledger.c: whole lines appended to a shared file, symlinks refused. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcode.h"
#include "ledger.h"
#include "t.h"

int
main(void)
{
	char dir[] = "/tmp/test_ledger.XXXXXX", path[256], link_path[256], buf[64];
	struct gpt_err err = {0};
	struct ledger *l;
	struct stat st;
	FILE *f;
	size_t n;

	T_OK(mkdtemp(dir) != NULL, "a temporary directory");
	snprintf(path, sizeof path, "%s/ledger", dir);
	snprintf(link_path, sizeof link_path, "%s/link", dir);
	umask(022);
	l = ledger_open(path, &err);
	T_OK(l != NULL, "a new ledger opens");
	T_OK(ledger_append(l, "a\n", 2, &err) == 0, "a line is appended");
	T_OK(ledger_close(l, &err) == 0, "the ledger closes");
	T_OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "a new ledger has mode 0600");
	l = ledger_open(path, &err);
	T_OK(l && ledger_append(l, "b\n", 2, &err) == 0, "a second writer appends");
	ledger_close(l, &err);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	T_EQ_MEM("a\nb\n", 4, buf, n, "lines are appended, never overwritten");
	T_OK(symlink(path, link_path) == 0, "a symlink to the ledger");
	l = ledger_open(link_path, &err);
	T_OK(l == NULL, "a symlink in the ledger's place is refused");
	T_EQ_INT(GPT_EXIT_IO, err.code, "a refused ledger is a local I/O error");
	T_OK(strstr(err.msg, "symbolic link") != NULL, "the message says why");
	l = ledger_open(dir, &err);
	T_OK(l == NULL, "a directory is not a ledger");
	unlink(link_path);
	unlink(path);
	rmdir(dir);
	return t_done();
}
