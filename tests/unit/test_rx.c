/* lib/rx.c: the JavaScript regular expressions of the price table, through Oniguruma. */
#include <string.h>

#include "rx.h"
#include "t.h"

/* 1 match, 0 no match, -1 does not compile. */
static int
test(const char *pattern, const char *s)
{
	const char *why;
	struct rx *r = rx_compile(pattern, &why);
	int m;

	if (!r)
		return -1;
	m = rx_search(r, s, strlen(s));
	rx_free(r);
	return m;
}

int
main(void)
{
	T_EQ_INT(1, test("^o[134]", "o3-mini"), "a class after ^ matches");
	T_EQ_INT(0, test("^o[134]", "gpt-o3"), "^ anchors at the start");
	T_EQ_INT(1, test("o[134]", "gpt-o3"), "without ^ the match may start anywhere");
	T_EQ_INT(1, test("^gpt-5\\.6-luna-\\d{4}-\\d{2}-\\d{2}$", "gpt-5.6-luna-2026-07-30"), "\\d{n} and an escaped point");
	T_EQ_INT(0, test("^gpt-5\\.6-luna-\\d{4}-\\d{2}-\\d{2}$", "gpt-5x6-luna-2026-07-30"), "an escaped point is only a point");
	T_EQ_INT(0, test("^gpt-5\\.6-luna-\\d{4}-\\d{2}-\\d{2}$", "gpt-5.6-luna-2026-07-301"), "$ anchors at the end");
	T_EQ_INT(1, test("^(?!.*-[tT][tT][sS](?:$|-))", "gpt-4o-mini"), "a negative lookahead that does not match lets the rest match");
	T_EQ_INT(0, test("^(?!.*-[tT][tT][sS](?:$|-))", "gpt-4o-mini-tts"), "a negative lookahead that matches fails the match");
	T_EQ_INT(0, test("^(?!.*-[tT][tT][sS](?:$|-))", "gpt-4o-mini-TTS-2025"), "the lookahead's alternation and class");
	T_EQ_INT(1, test("^(?![^/]+/)(?:labs-)?(?:(?:mi|code|dev|magi|mini)stral|mixtral)", "labs-devstral-small"), "nested groups and an optional prefix");
	T_EQ_INT(0, test("^(?![^/]+/)(?:labs-)?(?:(?:mi|code|dev|magi|mini)stral|mixtral)", "mistralai/mixtral"), "a negated class in a lookahead");
	T_EQ_INT(1, test("a(?=b)", "ab"), "a positive lookahead");
	T_EQ_INT(0, test("a(?=b)", "ac"), "a positive lookahead that fails");
	T_EQ_INT(1, test("^a+b*c?$", "aaab"), "+, * and ?");
	T_EQ_INT(1, test("^a{2,}$", "aaaa"), "{n,}");
	T_EQ_INT(0, test("^a{2,3}$", "aaaa"), "{n,m} has a maximum");
	T_EQ_INT(1, test("^a.?c$", "abc"), ". matches one character");
	T_EQ_INT(1, test("^x*?y$", "xxy"), "a lazy quantifier still matches");
	T_EQ_INT(1, test("^\\w+\\s\\W$", "ab_1 !"), "\\w, \\s and \\W");
	T_EQ_INT(1, test("^[a-c-]+$", "a-b"), "a class with a range and a trailing -");
	T_EQ_INT(1, test("^$", ""), "the empty pattern of an empty string");
	T_EQ_INT(-1, test("(a", "a"), "an unbalanced ( does not compile");
	T_EQ_INT(-1, test("a)", "a"), "an unbalanced ) does not compile");
	T_EQ_INT(1, test("(?<=a)b", "ab"), "a lookbehind, as JavaScript has");
	T_EQ_INT(0, test("(?<=a)b", "cb"), "a lookbehind that fails");
	T_EQ_INT(1, test("^(a)\\1$", "aa"), "a backreference, as JavaScript has");
	T_EQ_INT(0, test("^a$", "a\n"), "$ is the very end: a final newline is not the end");
	T_EQ_INT(0, test("^a\\d$", "a1\n"), "$ after an escape is the end too");
	T_EQ_INT(1, test("^[$]$", "$"), "a $ in a class is a dollar sign");
	T_EQ_INT(1, test("^[]$]+$", "]$"), "a ] first in a class is one of its characters");
	T_EQ_INT(1, test("^a\\$$", "a$"), "an escaped $ is a dollar sign");
	T_EQ_INT(0, test("^b", "a\nb"), "^ is the start of the text, not of a line");
	T_EQ_INT(0, test("^\\d$", "\xd9\xa3"), "\\d is an ASCII digit only, as in JavaScript");
	T_EQ_INT(0, test("^\\w$", "\xc3\xa9"), "\\w is ASCII only, as in JavaScript");
	T_EQ_INT(1, test("^.$", "\xc3\xa9"), ". is one UTF-8 character, not one byte");
	T_EQ_INT(0, test("a", "a\xff"), "text that is not UTF-8 matches nothing");
	T_EQ_INT(0, test("a.", "a\xc3"), "text cut off inside a character matches nothing");
	T_EQ_INT(-1, test("a\xff", "a"), "a pattern that is not UTF-8 does not compile");
	T_EQ_INT(-1, test("*a", "a"), "nothing to repeat");
	T_EQ_INT(-1, test("[a", "a"), "an unterminated class does not compile");
	T_EQ_INT(0, test("^(a*)*$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab"), "a pathological pattern ends without a match");
	{
		static char deep[150000 * 2 + 2];
		memset(deep, '(', 150000);
		deep[150000] = 'a';
		memset(deep + 150001, ')', 150000);
		T_EQ_INT(-1, test(deep, "a"), "150,000 nested groups are refused, not a stack overflow");
		memset(deep, '(', 64);
		deep[64] = 'a';
		memset(deep + 65, ')', 64);
		deep[129] = '\0';
		T_EQ_INT(1, test(deep, "a"), "64 nested groups are fine");
		memset(deep, '(', 65);
		deep[65] = 'a';
		memset(deep + 66, ')', 65);
		deep[131] = '\0';
		T_EQ_INT(-1, test(deep, "a"), "65 nested groups are refused");
		memset(deep, 'a', 4097);
		deep[4097] = '\0';
		T_EQ_INT(-1, test(deep, "a"), "a pattern over 4096 bytes is refused");
		deep[4096] = '\0';
		T_EQ_INT(1, test(deep, deep), "a pattern of 4096 bytes is fine");
	}
	return t_done();
}
