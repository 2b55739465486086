/*
 * Judging a base URL before anything is sent: the API key travels in a
 * header, so it must never go in clear text over a network.  Loopback
 * traffic never leaves the machine, which is why http is allowed there
 * (local servers and the test mock).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "exitcode.h"
#include "url.h"
#include "xalloc.h"

int
url_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0 ||
	    strcasecmp(host, "localhost.") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n > 2 && n < sizeof(buf) && host[0] == '[' && host[n - 1] == ']') {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		if (inet_pton(AF_INET6, buf, &a6) != 1)
			return 0;
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return 0;
}

int
url_check(const char *url, struct gpt_err *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int r = -1;

	if (u == NULL)
		return gpt_err_set(err, GPT_EXIT_USAGE, "%s: cannot parse URL", url);
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		gpt_err_set(err, GPT_EXIT_USAGE, "%s: not a valid URL", url);
		goto out;
	}
	if (strcmp(scheme, "https") == 0)
		r = 0;
	else if (strcmp(scheme, "http") != 0)
		gpt_err_set(err, GPT_EXIT_USAGE,
		    "%s: unsupported scheme \"%s\": use https", url, scheme);
	else if (!url_host_is_loopback(host))
		gpt_err_set(err, GPT_EXIT_USAGE,
		    "%s: plain http is allowed only to a loopback address: use https", url);
	else
		r = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return r;
}

char *
url_join(const char *base, const char *path)
{
	size_t bn = strlen(base);
	char *s;

	while (bn > 0 && base[bn - 1] == '/')
		bn--;
	while (*path == '/')
		path++;
	s = xmalloc(bn + strlen(path) + 2);
	memcpy(s, base, bn);
	s[bn] = '/';
	strcpy(s + bn + 1, path);
	return s;
}
