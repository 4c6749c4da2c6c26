/* SSE2 helpers for LFI's string routines (sysroot/string/, built into the
 * sysroot's musl in place of its generic C and x86_64 versions). Plain GCC
 * vector extensions and SSE2 builtins: musl compiles with -nostdinc, so no
 * <emmintrin.h>. SSE2 is baseline x86-64 and the verifier accepts it. */
#ifndef LFI_STRING_VEC_H
#define LFI_STRING_VEC_H

#include <stddef.h>
#include <stdint.h>

typedef char v16 __attribute__((__vector_size__(16)));
/* unaligned, aliasing loads and stores */
typedef char v16u __attribute__((__vector_size__(16), __aligned__(1), __may_alias__));
typedef uint64_t u64u __attribute__((__aligned__(1), __may_alias__));
typedef uint32_t u32u __attribute__((__aligned__(1), __may_alias__));
typedef uint16_t u16u __attribute__((__aligned__(1), __may_alias__));

static inline v16 ld(const void *p) { return *(const v16u *)p; }
static inline v16 lda(const void *p) { return *(const v16 *)p; }
static inline void st(void *p, v16 v) { *(v16u *)p = v; }
static inline void sta(void *p, v16 v) { *(v16 *)p = v; }
static inline v16 splat(int c) { return (v16){0} + (char)c; }
/* bit i set when byte i of a equals byte i of b */
static inline unsigned eqmask(v16 a, v16 b) { return (unsigned)__builtin_ia32_pmovmskb128((v16)(a == b)); }
static inline unsigned zmask(v16 a) { return eqmask(a, (v16){0}); }

#endif
