/* memcmp for LFI's sysroot: 16 bytes at a time (SSE2), overlapping word
 * loads for short sizes; reads only inside the n bytes given. */
#include <string.h>
#include "vec.h"

static inline int cmp64(uint64_t a, uint64_t b)
{
	a = __builtin_bswap64(a);
	b = __builtin_bswap64(b);
	return (a > b) - (a < b);
}

int memcmp(const void *vl, const void *vr, size_t n)
{
	const unsigned char *l = vl, *r = vr;
	if (n >= 16) {
		size_t i = 0;
		for (; i + 16 <= n; i += 16) {
			unsigned m = eqmask(ld(l + i), ld(r + i)) ^ 0xffff;
			if (m) {
				i += __builtin_ctz(m);
				return l[i] - r[i];
			}
		}
		if (i == n) return 0;
		i = n - 16;
		unsigned m = eqmask(ld(l + i), ld(r + i)) ^ 0xffff;
		if (m) {
			i += __builtin_ctz(m);
			return l[i] - r[i];
		}
		return 0;
	}
	if (n >= 8) {
		uint64_t a = *(const u64u *)l, b = *(const u64u *)r;
		if (a != b) return cmp64(a, b);
		a = *(const u64u *)(l + n - 8), b = *(const u64u *)(r + n - 8);
		return a == b ? 0 : cmp64(a, b);
	}
	if (n >= 4) {
		uint64_t a = (uint64_t)__builtin_bswap32(*(const u32u *)l) << 32 |
			__builtin_bswap32(*(const u32u *)(l + n - 4));
		uint64_t b = (uint64_t)__builtin_bswap32(*(const u32u *)r) << 32 |
			__builtin_bswap32(*(const u32u *)(r + n - 4));
		return (a > b) - (a < b);
	}
	for (size_t i = 0; i < n; i++)
		if (l[i] != r[i]) return l[i] - r[i];
	return 0;
}
