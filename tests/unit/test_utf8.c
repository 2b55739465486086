/* lib/utf8.c: which byte sequences are valid UTF-8. */
#include "t.h"
#include "utf8.h"

#define INVALID(s) utf8_invalid((s), sizeof(s) - 1)

int
main(void)
{
	T_EQ_INT(0, INVALID(""), "empty text is valid");
	T_EQ_INT(5, INVALID("hello"), "ASCII is valid");
	T_EQ_INT(10, INVALID("caf\xC3\xA9 \xF0\x9F\x98\x80"), "two-byte and four-byte characters are valid");
	T_EQ_INT(3, INVALID("\xE2\x80\xA8"), "U+2028 is valid");
	T_EQ_INT(1, INVALID("a\x80"), "a lone continuation byte is invalid at its offset");
	T_EQ_INT(0, INVALID("\xC0\xAF"), "an overlong two-byte form is invalid");
	T_EQ_INT(0, INVALID("\xE0\x80\xAF"), "an overlong three-byte form is invalid");
	T_EQ_INT(0, INVALID("\xED\xA0\x80"), "an encoded surrogate is invalid");
	T_EQ_INT(0, INVALID("\xF4\x90\x80\x80"), "a code point above U+10FFFF is invalid");
	T_EQ_INT(0, INVALID("\xFF"), "byte 0xFF is invalid");
	T_EQ_INT(2, INVALID("ab\xE2\x82"), "a sequence cut by the end is invalid at its start");
	T_EQ_INT(2, utf8_complete("ab\xE2\x82", 4), "an incomplete tail is left for the next chunk");
	T_EQ_INT(4, utf8_complete("ab\xC3\xA9", 4), "a complete text is complete");
	return t_done();
}
