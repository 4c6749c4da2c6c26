/* Shared definitions of the LFI compiler builtins (the functions GCC and
 * Clang emit calls to instead of inline code: 128-bit division, float <->
 * 128-bit integer conversions, complex multiply/divide, ...).
 *
 * These replace libgcc / compiler-rt in sandboxed programs. They are plain
 * C11 plus GCC extensions (__int128, long double, __builtin_*), use no libc
 * and no inline assembly, and never rely on an operation that the compiler
 * would itself lower to a call into this library (128-bit division, float
 * <-> 128-bit conversions, popcount without -mpopcnt, ...): that would
 * recurse.
 *
 * LFI_BUILTIN(name) names an exported builtin. Normally it is just `name`;
 * with -DLFI_BUILTINS_TEST every builtin is renamed lfi_test_<name>, so the
 * native differential test (tests/builtins) can link ours next to the host's
 * libgcc and compare the two. */
#ifndef LFI_BUILTINS_H
#define LFI_BUILTINS_H

#include <stdint.h>
#include <stddef.h>

#ifdef LFI_BUILTINS_TEST
#define LFI_BUILTIN(name) LFI_BUILTIN_TEST_(name)     /* expand name first */
#define LFI_BUILTIN_TEST_(name) lfi_test_##name
#else
#define LFI_BUILTIN(name) name
#endif

typedef __int128 ti_int;
typedef unsigned __int128 tu_int;
typedef int64_t di_int;
typedef uint64_t du_int;
typedef int32_t si_int;
typedef uint32_t su_int;

#define TI_MIN ((ti_int)((tu_int)1 << 127))
#define TI_MAX ((ti_int)(~(tu_int)0 >> 1))

/* 64-bit halves of a 128-bit value. */
static inline du_int lfi_hi64(tu_int x) { return (du_int)(x >> 64); }
static inline du_int lfi_lo64(tu_int x) { return (du_int)x; }
static inline tu_int lfi_make128(du_int hi, du_int lo)
{
    return ((tu_int)hi << 64) | lo;
}

/* Count leading zeros of a nonzero 128-bit value (bsr/lzcnt inline on
 * x86-64, never a library call). */
static inline int lfi_clz128(tu_int x)
{
    du_int hi = lfi_hi64(x);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll(lfi_lo64(x));
}

/* Prototypes of builtins that other builtins call. */
tu_int LFI_BUILTIN(__udivmodti4)(tu_int a, tu_int b, tu_int *rem);

#endif
