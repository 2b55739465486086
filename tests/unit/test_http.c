/*
 * lib/http.c against a canned server on 127.0.0.1 (a forked child): the
 * headers it reads, how each kind of failure is classified, and several
 * transfers running at once through one client.
 */
#define _GNU_SOURCE	/* memmem, strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "http.h"
#include "t.h"

static int port;
static pid_t server;

static void
put(int fd, const char *s)
{
	size_t n = strlen(s);

	if (write(fd, s, n) != (ssize_t)n)
		_exit(1);
}

/* Read a request (headers and a Content-Length body); the path into path. */
static int
read_request(int fd, char *path, size_t n)
{
	char buf[8192], *end, *cl;
	size_t len = 0, want;
	ssize_t r;

	while ((end = len ? memmem(buf, len, "\r\n\r\n", 4) : NULL) == NULL) {
		if (len == sizeof(buf) || (r = read(fd, buf + len, sizeof(buf) - len)) <= 0)
			return -1;
		len += (size_t)r;
	}
	buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
	if (sscanf(buf, "POST %255s", path) != 1)
		return -1;
	(void)n;
	cl = strcasestr(buf, "content-length:");
	want = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 15, NULL, 10) : 0);
	while (len < want && (r = read(fd, buf, sizeof(buf))) > 0)
		len += (size_t)r;
	return 0;
}

static void
answer(int fd, const char *path)
{
	static char big[6000];

	if (strcmp(path, "/ok") == 0)
		put(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		    "X-Request-Id: req_42\r\nContent-Length: 8\r\nConnection: close\r\n\r\n"
		    "{\"a\":1}\n");
	else if (strcmp(path, "/429") == 0)
		put(fd, "HTTP/1.1 429 Too Many Requests\r\nretry-after-ms: 250.5\r\n"
		    "Retry-After: 7\r\nx-should-retry:   true  \r\nContent-Length: 2\r\n"
		    "X-RateLimit-Remaining-Requests: 0\r\nx-ratelimit-remaining-tokens: 12\r\n"
		    "x-ratelimit-reset-requests: 1s\r\nx-ratelimit-reset-tokens: 6m0s\r\n"
		    "Connection: close\r\n\r\n{}");
	else if (strcmp(path, "/307") == 0)
		put(fd, "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:1/x\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n");
	else if (strcmp(path, "/interim") == 0)
		put(fd, "HTTP/1.1 100 Continue\r\nX-Request-Id: req_interim\r\n\r\n"
		    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
	else if (strcmp(path, "/big") == 0) {
		memset(big, 'x', sizeof(big));
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 6000\r\nConnection: close\r\n\r\n");
		if (write(fd, big, sizeof(big)) < 0)
			_exit(1);
	} else if (strcmp(path, "/cut") == 0)
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"a\":");
	else if (strcmp(path, "/silent") == 0) {
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{");
		sleep(3);
	} else if (strcmp(path, "/sleep") == 0) {
		usleep(400000);
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nzz");
	}
}

/* Fork the server; each connection is served by a child of its own. */
static void
server_start(void)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), c, one = 1;
	char path[256];

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0)
		abort();
	port = ntohs(a.sin_port);
	if ((server = fork()) != 0) {
		close(s);
		return;
	}
	setpgid(0, 0);
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		if ((c = accept(s, NULL, NULL)) < 0)
			continue;
		if (fork() == 0) {
			if (read_request(c, path, sizeof(path)) == 0)
				answer(c, path);
			close(c);
			_exit(0);
		}
		close(c);
	}
}

static void
server_stop(void)
{
	kill(-server, SIGKILL);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
}

static char *
url(const char *path)
{
	static char u[128];

	snprintf(u, sizeof(u), "http://127.0.0.1:%d%s", port, path);
	return u;
}

static int
collect(void *arg, const char *p, size_t n, struct http_resp *resp)
{
	(void)resp;
	return buf_add(arg, p, n);
}

static int
stop_at_once(void *arg, const char *p, size_t n, struct http_resp *resp)
{
	(void)arg, (void)p, (void)n, (void)resp;
	return 1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	static volatile sig_atomic_t cancel;
	struct http_opts o;
	struct http *h;
	struct http_xfer *x, *y, *done;
	struct http_resp resp, resp2;
	struct gpt_err err;
	struct buf b, b2;
	double t0;
	int r, n;

	server_start();
	http_global_init(&err);
	memset(&o, 0, sizeof(o));
	o.connect_timeout_ms = 2000;
	o.max_bytes = 5000;
	o.cancel = &cancel;
	h = http_new(&o, &err);
	x = http_xfer_new(h, &err);
	y = http_xfer_new(h, &err);
	T_OK(h != NULL && x != NULL && y != NULL, "a client and two transfer slots");
	http_resp_init(&resp);
	http_resp_init(&resp2);
	buf_init(&b, 1 << 20);
	buf_init(&b2, 1 << 20);

	r = http_post(x, url("/ok"), NULL, "{}", 2, collect, &b, &resp, &err);
	T_EQ_INT(0, r, "a POST runs");
	T_EQ_INT(HTTP_DONE, resp.fail, "and gets a complete answer");
	T_EQ_INT(200, resp.status, "with its status");
	T_EQ_STR("req_42", resp.request_id, "x-request-id is read, whatever its case");
	T_EQ_STR("application/json", resp.content_type, "content-type is read");
	T_EQ_MEM("{\"a\":1}\n", 8, b.data, b.len, "the body reaches the callback");
	T_EQ_INT(8, resp.body_bytes, "and is counted");

	http_post(x, url("/429"), NULL, "{}", 2, NULL, NULL, &resp, &err);
	T_EQ_INT(429, resp.status, "an error status is an answer");
	T_EQ_INT(HTTP_DONE, resp.fail, "not a failure of the transfer");
	T_EQ_STR("250.5", resp.retry_after_ms, "retry-after-ms is read");
	T_EQ_STR("7", resp.retry_after, "retry-after is read");
	T_EQ_STR("true", resp.should_retry, "x-should-retry is read without its blanks");
	T_OK(resp.request_id == NULL, "a header the answer lacks is NULL");
	T_EQ_STR("0", resp.rl_remaining_requests, "x-ratelimit-remaining-requests is read");
	T_EQ_STR("12", resp.rl_remaining_tokens, "x-ratelimit-remaining-tokens is read");
	T_EQ_STR("1s", resp.rl_reset_requests, "x-ratelimit-reset-requests is read");
	T_EQ_STR("6m0s", resp.rl_reset_tokens, "x-ratelimit-reset-tokens is read");

	http_post(x, url("/307"), NULL, "{}", 2, NULL, NULL, &resp, &err);
	T_EQ_INT(307, resp.status, "a redirect is not followed");
	T_EQ_STR("http://127.0.0.1:1/x", resp.location, "its location is read");

	buf_reset(&b);
	http_post(x, url("/interim"), NULL, "{}", 2, collect, &b, &resp, &err);
	T_EQ_INT(200, resp.status, "an interim 100 gives way to the final status");
	T_OK(resp.request_id == NULL, "the interim response's headers are forgotten");
	T_EQ_MEM("ok", 2, b.data, b.len, "the final body arrives");

	http_post(x, url("/big"), NULL, "{}", 2, NULL, NULL, &resp, &err);
	T_EQ_INT(HTTP_TOO_BIG, resp.fail, "a body over max_bytes is aborted");
	T_OK(resp.body_bytes <= 5000, "without taking more than the cap");

	http_post(x, url("/ok"), NULL, "{}", 2, stop_at_once, NULL, &resp, &err);
	T_EQ_INT(HTTP_STOPPED, resp.fail, "the body callback can stop the transfer");

	http_post(x, url("/cut"), NULL, "{}", 2, NULL, NULL, &resp, &err);
	T_EQ_INT(HTTP_TRANSIENT, resp.fail, "a body cut short is transient");
	T_EQ_INT(0, resp.timed_out, "and not a timeout");

	http_xfer_set_timeouts(x, 0, 300);
	t0 = now();
	http_post(x, url("/silent"), NULL, "{}", 2, NULL, NULL, &resp, &err);
	T_EQ_INT(HTTP_TRANSIENT, resp.fail, "silence longer than the idle timeout is transient");
	T_EQ_INT(1, resp.timed_out, "and a timeout");
	T_OK(now() - t0 < 2.5, "ended by the idle timeout, not by the server");

	http_xfer_set_timeouts(x, 300, 0);
	http_post(x, url("/silent"), NULL, "{}", 2, NULL, NULL, &resp, &err);
	T_EQ_INT(1, resp.timed_out, "the whole-transfer timeout is a timeout too");
	http_xfer_set_timeouts(x, 0, 0);

	http_post(x, "http://127.0.0.1:1/", NULL, "{}", 2, NULL, NULL, &resp, &err);
	T_EQ_INT(HTTP_TRANSIENT, resp.fail, "a refused connection is transient");

	cancel = 1;
	http_post(x, url("/sleep"), NULL, "{}", 2, NULL, NULL, &resp, &err);
	T_EQ_INT(HTTP_CANCELLED, resp.fail, "a set cancel flag stops the transfer");
	cancel = 0;

	/* Two slots at once: both answers in about the time of one. */
	buf_reset(&b);
	t0 = now();
	T_EQ_INT(0, http_start(x, url("/sleep"), NULL, "{}", 2, collect, &b, &resp, &err),
	    "a first transfer starts");
	T_EQ_INT(0, http_start(y, url("/sleep"), NULL, "{}", 2, collect, &b2, &resp2, &err),
	    "a second starts beside it");
	T_EQ_INT(-1, http_start(x, url("/ok"), NULL, "{}", 2, NULL, NULL, &resp, &err),
	    "a busy slot refuses another request");
	for (n = 0; n < 2 && (done = http_wait(h, -1, &err)) != NULL; n++)
		T_OK(done == x || done == y, "http_wait returns a finished slot");
	T_EQ_INT(2, n, "both transfers finish");
	/* One after the other they would take at least 0.8 s. */
	T_OK(now() - t0 < 0.79, "side by side, not one after the other");
	T_EQ_MEM("zz", 2, b.data, b.len, "the first body arrived");
	T_EQ_MEM("zz", 2, b2.data, b2.len, "the second body arrived");
	T_OK(http_wait(h, 10, &err) == NULL && err.code == 0, "with nothing running, http_wait returns NULL");

	buf_release(&b);
	buf_release(&b2);
	http_resp_release(&resp);
	http_resp_release(&resp2);
	http_xfer_free(x);
	http_xfer_free(y);
	http_free(h);
	http_global_cleanup();
	server_stop();
	return t_done();
}
