/*
 * libFuzzer target for lib/tmpl, gpt-msg's "{}" templates: the expansion
 * must equal a plain reference (left to right, "{{}}" before "{}"),
 * tmpl_has_slot must say whether a "{}" was substituted, and a buffer cap
 * must give -1, never an overrun or a silent cut.  The first byte picks
 * the cap, the second the length of the value; the rest is the template.
 *
 * sources: tmpl buf xalloc
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "tmpl.h"

/* The expansion, written as plainly as possible; *slots counts "{}". */
static void
reference(const char *t, size_t tn, const char *v, size_t vn, struct buf *out,
    size_t *slots)
{
	size_t i = 0;

	*slots = 0;
	while (i < tn) {
		if (tn - i >= 4 && memcmp(t + i, "{{}}", 4) == 0) {
			buf_add(out, "{}", 2);
			i += 4;
		} else if (tn - i >= 2 && memcmp(t + i, "{}", 2) == 0) {
			buf_add(out, v, vn);
			(*slots)++;
			i += 2;
		} else
			buf_addc(out, t[i++]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf want, got, capped;
	const char *t, *v;
	size_t tn, vn, slots, cap;
	int r;

	if (size < 2)
		return 0;
	vn = data[1] <= size - 2 ? data[1] : size - 2;
	v = (const char *)data + 2;
	t = v + vn;
	tn = size - 2 - vn;
	buf_init(&want, SIZE_MAX);
	buf_init(&got, SIZE_MAX);
	reference(t, tn, v, vn, &want, &slots);
	if (tmpl_expand(t, tn, v, vn, &got) != 0 || got.len != want.len ||
	    (want.len > 0 && memcmp(got.data, want.data, want.len) != 0))
		abort();
	if (tmpl_has_slot(t, tn) != (slots > 0))
		abort();

	/* The same with a cap, after something already in the buffer. */
	cap = data[0];
	buf_init(&capped, cap);
	buf_add(&capped, "x", cap > 0);
	r = tmpl_expand(t, tn, v, vn, &capped);
	if (capped.len > cap || r != (want.len + (cap > 0) > cap ? -1 : 0))
		abort();
	if (r == 0 && want.len > 0 && memcmp(capped.data + 1, want.data, want.len) != 0)
		abort();
	buf_release(&want);
	buf_release(&got);
	buf_release(&capped);
	return 0;
}
