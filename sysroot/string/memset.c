/* memset for LFI's sysroot: overlapping stores for short sizes, aligned
 * 64-byte SSE2 blocks, `rep stosb` for long ones. */
#include <string.h>
#include "vec.h"

#define REP_MIN 4096

void *memset(void *dest, int c, size_t n)
{
	unsigned char *d = dest;
	if (n <= 16) {
		uint64_t v = (unsigned char)c * 0x0101010101010101ull;
		if (n >= 8) {
			*(u64u *)d = v;
			*(u64u *)(d + n - 8) = v;
		} else if (n >= 4) {
			*(u32u *)d = (uint32_t)v;
			*(u32u *)(d + n - 4) = (uint32_t)v;
		} else if (n >= 2) {
			*(u16u *)d = (uint16_t)v;
			*(u16u *)(d + n - 2) = (uint16_t)v;
		} else if (n) {
			*d = (unsigned char)c;
		}
		return dest;
	}
	v16 v = splat(c);
	if (n <= 32) {
		st(d, v);
		st(d + n - 16, v);
		return dest;
	}
	if (n <= 64) {
		st(d, v);
		st(d + 16, v);
		st(d + n - 32, v);
		st(d + n - 16, v);
		return dest;
	}
	if (n >= REP_MIN) {
		size_t cnt = n;
		__asm__ volatile("rep stosb" : "+D"(d), "+c"(cnt) : "a"(c) : "memory");
		return dest;
	}
	unsigned char *end = d + n;
	unsigned char *p = (unsigned char *)(((uintptr_t)d + 16) & ~(uintptr_t)15);
	st(d, v);
	while (end - p > 64) {
		sta(p, v);
		sta(p + 16, v);
		sta(p + 32, v);
		sta(p + 48, v);
		p += 64;
	}
	st(end - 64, v);
	st(end - 48, v);
	st(end - 32, v);
	st(end - 16, v);
	return dest;
}
