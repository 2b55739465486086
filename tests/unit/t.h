/*
 * A minimal TAP producer for the C unit tests of lib/.  Each check prints
 * "ok N - name" or "not ok N - name" with the expected and actual values,
 * and t_done() ends the plan; tests/run counts the lines.
 */
#ifndef GPT_T_H
#define GPT_T_H

#include <stdio.h>
#include <string.h>

static int t_n, t_failed;

static void
t_ok(int cond, const char *name, const char *file, int line)
{
	t_n++;
	if (!cond)
		t_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", t_n, name);
	if (!cond)
		printf("#   failed at %s:%d\n", file, line);
	fflush(stdout);
}

#define T_OK(cond, name) t_ok(!!(cond), (name), __FILE__, __LINE__)

#define T_EQ_INT(want, got, name) do { \
	long long t_w_ = (long long)(want), t_g_ = (long long)(got); \
	T_OK(t_w_ == t_g_, (name)); \
	if (t_w_ != t_g_) \
		printf("#   expected %lld\n#   actual   %lld\n", t_w_, t_g_); \
} while (0)

#define T_EQ_STR(want, got, name) do { \
	const char *t_w_ = (want), *t_g_ = (got); \
	int t_c_ = t_w_ && t_g_ && strcmp(t_w_, t_g_) == 0; \
	T_OK(t_c_, (name)); \
	if (!t_c_) \
		printf("#   expected \"%s\"\n#   actual   \"%s\"\n", \
		    t_w_ ? t_w_ : "(null)", t_g_ ? t_g_ : "(null)"); \
} while (0)

#define T_EQ_MEM(want, wlen, got, glen, name) do { \
	size_t t_wl_ = (wlen), t_gl_ = (glen); \
	int t_c_ = t_wl_ == t_gl_ && memcmp((want), (got), t_wl_) == 0; \
	T_OK(t_c_, (name)); \
	if (!t_c_) \
		printf("#   expected %zu bytes \"%.*s\"\n#   actual   %zu bytes \"%.*s\"\n", \
		    t_wl_, (int)t_wl_, (const char *)(want), t_gl_, (int)t_gl_, (const char *)(got)); \
} while (0)

static int
t_done(void)
{
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}

#endif
