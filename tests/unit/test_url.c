/* lib/url.c: plain http only to loopback, parsed as libcurl parses it. */
#include <stdlib.h>

#include <curl/curl.h>

#include "exitcode.h"
#include "url.h"
#include "t.h"

static int
ok(const char *url)
{
	struct gpt_err err;

	gpt_err_clear(&err);
	if (url_check(url, &err) == 0)
		return 1;
	return err.code == GPT_EXIT_USAGE ? 0 : -1;
}

int
main(void)
{
	char *s;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	T_EQ_INT(1, ok("https://api.openai.com/v1"), "https to anywhere is allowed");
	T_EQ_INT(1, ok("HTTPS://api.openai.com/v1"), "the scheme is case-insensitive");
	T_EQ_INT(1, ok("http://127.0.0.1:8080/v1"), "http to 127.0.0.1 is allowed");
	T_EQ_INT(1, ok("http://127.45.6.7/v1"), "http to all of 127.0.0.0/8 is allowed");
	T_EQ_INT(1, ok("http://localhost:1234/v1"), "http to localhost is allowed");
	T_EQ_INT(1, ok("http://LocalHost/v1"), "localhost is case-insensitive");
	T_EQ_INT(1, ok("http://[::1]:8080/v1"), "http to ::1 is allowed");
	T_EQ_INT(1, ok("http://[0:0:0:0:0:0:0:1]/v1"), "http to a long form of ::1 is allowed");
	T_EQ_INT(0, ok("http://example.com/v1"), "http to a named host is refused");
	T_EQ_INT(0, ok("http://192.0.2.1/v1"), "http to another address is refused");
	T_EQ_INT(0, ok("http://10.0.0.1/v1"), "http to a private address is refused");
	T_EQ_INT(0, ok("http://128.0.0.1/v1"), "http to 128.0.0.1 is refused");
	T_EQ_INT(0, ok("http://127.0.0.1.example.com/v1"), "a name starting like loopback is refused");
	T_EQ_INT(0, ok("http://localhost.example.com/v1"), "a name starting with localhost is refused");
	T_EQ_INT(0, ok("http://127.0.0.1@example.com/v1"), "loopback as user info is refused");
	T_EQ_INT(0, ok("http://[::2]/v1"), "http to another IPv6 address is refused");
	T_EQ_INT(0, ok("ftp://127.0.0.1/v1"), "another scheme is refused");
	T_EQ_INT(0, ok("file:///etc/passwd"), "file URLs are refused");
	T_EQ_INT(0, ok("not a url"), "garbage is refused");
	T_EQ_INT(0, ok(""), "the empty string is refused");

	s = url_join("http://h/v1", "/chat/completions");
	T_EQ_STR("http://h/v1/chat/completions", s, "join puts one slash between");
	free(s);
	s = url_join("http://h/v1/", "chat/completions");
	T_EQ_STR("http://h/v1/chat/completions", s, "join drops a trailing slash of the base");
	free(s);
	curl_global_cleanup();
	return t_done();
}
