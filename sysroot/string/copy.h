/* The copy behind memcpy and memmove (sysroot/string/). Correct for
 * overlapping buffers either way: short sizes load everything before any
 * store; long forward copies store only below what they still have to read
 * (preloading the last 64 bytes); backward copies mirror that. */
#ifndef LFI_STRING_COPY_H
#define LFI_STRING_COPY_H

#include "vec.h"

#define REP_MIN 4096 /* from here `rep movsb` beats the SSE2 loop */

static inline __attribute__((__always_inline__))
void *lfi_copy(void *dest, const void *src, size_t n, int overlap)
{
	unsigned char *d = dest;
	const unsigned char *s = src;
	if (n <= 16) {
		if (n >= 8) {
			uint64_t a = *(const u64u *)s, b = *(const u64u *)(s + n - 8);
			*(u64u *)d = a;
			*(u64u *)(d + n - 8) = b;
		} else if (n >= 4) {
			uint32_t a = *(const u32u *)s, b = *(const u32u *)(s + n - 4);
			*(u32u *)d = a;
			*(u32u *)(d + n - 4) = b;
		} else if (n >= 2) {
			uint16_t a = *(const u16u *)s, b = *(const u16u *)(s + n - 2);
			*(u16u *)d = a;
			*(u16u *)(d + n - 2) = b;
		} else if (n) {
			*d = *s;
		}
		return dest;
	}
	if (n <= 32) {
		v16 a = ld(s), b = ld(s + n - 16);
		st(d, a);
		st(d + n - 16, b);
		return dest;
	}
	if (n <= 64) {
		v16 a = ld(s), b = ld(s + 16), c = ld(s + n - 32), e = ld(s + n - 16);
		st(d, a);
		st(d + 16, b);
		st(d + n - 32, c);
		st(d + n - 16, e);
		return dest;
	}
	if (!overlap || (uintptr_t)d - (uintptr_t)s >= n) {
		/* forward: d is below s or the buffers are apart */
		if (n >= REP_MIN && (!overlap || (uintptr_t)s - (uintptr_t)d >= n)) {
			size_t cnt = n;
			__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(cnt) : : "memory");
			return dest;
		}
		v16 head = ld(s);
		v16 t0 = ld(s + n - 64), t1 = ld(s + n - 48), t2 = ld(s + n - 32), t3 = ld(s + n - 16);
		unsigned char *end = d + n;
		size_t skip = 16 - ((uintptr_t)d & 15);
		unsigned char *p = d + skip;
		const unsigned char *q = s + skip;
		while (end - p > 64) {
			v16 a = ld(q), b = ld(q + 16), c = ld(q + 32), e = ld(q + 48);
			sta(p, a);
			sta(p + 16, b);
			sta(p + 32, c);
			sta(p + 48, e);
			p += 64;
			q += 64;
		}
		st(d, head);
		st(end - 64, t0);
		st(end - 48, t1);
		st(end - 32, t2);
		st(end - 16, t3);
		return dest;
	}
	/* backward: d is above s and overlaps it */
	v16 tail = ld(s + n - 16);
	v16 h0 = ld(s), h1 = ld(s + 16), h2 = ld(s + 32), h3 = ld(s + 48);
	unsigned char *p = (unsigned char *)(((uintptr_t)d + n - 1) & ~(uintptr_t)15);
	const unsigned char *q = s + (p - d);
	while (p - d > 64) {
		v16 a = ld(q - 16), b = ld(q - 32), c = ld(q - 48), e = ld(q - 64);
		sta(p - 16, a);
		sta(p - 32, b);
		sta(p - 48, c);
		sta(p - 64, e);
		p -= 64;
		q -= 64;
	}
	st(d + n - 16, tail);
	st(d, h0);
	st(d + 16, h1);
	st(d + 32, h2);
	st(d + 48, h3);
	return dest;
}

#endif
