/* strcmp for LFI's sysroot: 16 bytes of each string at a time (SSE2,
 * unaligned loads) while neither load would cross into the next page; a
 * byte at a time near page ends, so no read faults past the terminator. */
#include <string.h>
#include "vec.h"

#define NEAR_END(p) (((uintptr_t)(p) & 4095) > 4096 - 16)

int strcmp(const char *l, const char *r)
{
	const unsigned char *a = (const void *)l, *b = (const void *)r;
	for (;;) {
		if (NEAR_END(a) || NEAR_END(b)) {
			/* bytes up to the next 16-byte boundary of the nearer one */
			for (int k = 0; k < 16; k++, a++, b++) {
				if (*a != *b || !*a) return *a - *b;
				if (!NEAR_END(a + 1) && !NEAR_END(b + 1)) { a++, b++; break; }
			}
			continue;
		}
		v16 x = ld(a), y = ld(b);
		unsigned m = (eqmask(x, y) ^ 0xffff) | zmask(x);
		if (m) {
			unsigned i = __builtin_ctz(m);
			return a[i] - b[i];
		}
		a += 16;
		b += 16;
	}
}
