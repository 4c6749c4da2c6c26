/* strlen for LFI's sysroot: aligned 16-byte SSE2 loads (an aligned load
 * never crosses a page, so never faults past the string's end). */
#include <string.h>
#include "vec.h"

size_t strlen(const char *s)
{
	const char *a = (const char *)((uintptr_t)s & ~(uintptr_t)15);
	unsigned m = zmask(lda(a)) >> (s - a);
	if (m) return __builtin_ctz(m);
	for (;;) {
		a += 16;
		m = zmask(lda(a));
		if (m) return a + __builtin_ctz(m) - s;
	}
}
