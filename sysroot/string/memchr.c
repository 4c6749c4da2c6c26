/* memchr for LFI's sysroot: aligned 16-byte SSE2 loads (never past the
 * page of the last byte asked for). */
#include <string.h>
#include "vec.h"

void *memchr(const void *src, int c, size_t n)
{
	if (!n) return 0;
	const unsigned char *s = src;
	v16 vc = splat(c);
	const unsigned char *a = (const unsigned char *)((uintptr_t)s & ~(uintptr_t)15);
	size_t lead = s - a;
	unsigned m = eqmask(lda(a), vc) >> lead;
	if (m) {
		size_t i = __builtin_ctz(m);
		return i < n ? (void *)(s + i) : 0;
	}
	size_t left = n + lead; /* bytes from a to the end */
	if (left < n) left = SIZE_MAX; /* wrapped: unbounded */
	while (left > 16) {
		a += 16;
		left -= 16;
		m = eqmask(lda(a), vc);
		if (m) {
			size_t i = __builtin_ctz(m);
			return i < left ? (void *)(a + i) : 0;
		}
	}
	return 0;
}
