/* lib/idscan.c: duplicate custom_ids found before sending; the spool keeps line numbers. */
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "idscan.h"
#include "t.h"

#define LINE(id) "{\"custom_id\":\"" id "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\"," \
	"\"body\":{\"model\":\"m\",\"messages\":[]}}"

/* Scan the n bytes at p; the result of the last idscan_add, the error in *err. */
static int
scan(const char *p, struct idscan *s, struct gpt_err *err)
{
	struct jsonin *in = jsonin_new_mem(p, strlen(p), "in");
	int rc = 0, r;
	jv v;

	while (rc == 0 && (r = jsonin_next(in, &v, err)) != 0) {
		if (r < 0)
			continue;
		rc = idscan_add(s, in, v, err);
		jv_free(v);
	}
	jsonin_free(in);
	return rc;
}

int
main(void)
{
	struct idscan s;
	struct gpt_err err;
	char back[512];
	ssize_t n;
	int fd;
	jv ids;

	idscan_init(&s, -1);
	T_EQ_INT(0, scan(LINE("a") "\n" LINE("b") "\n{\"model\":\"m\",\"messages\":[]}\n", &s, &err),
	    "distinct ids pass");
	T_EQ_INT(3, s.items, "every item is counted, bare requests too");
	ids = idscan_ids(&s);
	T_EQ_INT(2, jv_object_length(ids), "only the ids are kept");
	idscan_release(&s);

	idscan_init(&s, -1);
	T_EQ_INT(-1, scan(LINE("a") "\n" LINE("b") "\n\n" LINE("a") "\n", &s, &err),
	    "a duplicate is refused");
	T_EQ_INT(GPT_EXIT_DATA, err.code, "as bad data");
	T_EQ_STR("in:4: duplicate custom_id \"a\" (first at in:1): nothing sent", err.msg,
	    "naming both places");
	idscan_release(&s);

	fd = idscan_tmpfile(&err);
	T_OK(fd >= 0, "a temporary file without a name");
	idscan_init(&s, fd);
	T_EQ_INT(0, scan("\n\n" LINE("a") "\n{\n\"model\": \"m\",\n\"messages\": []}\n\n" LINE("b"),
	    &s, &err), "a spooled scan");
	lseek(fd, 0, SEEK_SET);
	n = read(fd, back, sizeof(back) - 1);
	back[n > 0 ? n : 0] = '\0';
	T_EQ_STR("\n\n" LINE("a") "\n{\n\"model\": \"m\",\n\"messages\": []}\n\n" LINE("b") "\n", back,
	    "the spool holds each item on the line it was on");
	idscan_release(&s);
	close(fd);
	return t_done();
}
