/* strchrnul for LFI's sysroot (musl's strchr calls it): aligned 16-byte
 * SSE2 loads, looking for c and the terminator at once. */
#include <string.h>
#include "vec.h"

char *__strchrnul(const char *s, int c)
{
	v16 vc = splat(c), z = {0};
	const char *a = (const char *)((uintptr_t)s & ~(uintptr_t)15);
	v16 x = lda(a);
	unsigned m = (eqmask(x, vc) | eqmask(x, z)) >> (s - a);
	if (m) return (char *)s + __builtin_ctz(m);
	for (;;) {
		a += 16;
		x = lda(a);
		m = eqmask(x, vc) | eqmask(x, z);
		if (m) return (char *)a + __builtin_ctz(m);
	}
}

weak_alias(__strchrnul, strchrnul);
