/* Bit-level access to float, double and x87 long double for the
 * conversion builtins (fpint.c, fp16.c). */
#ifndef LFI_FPBITS_H
#define LFI_FPBITS_H

#include "builtins.h"

/* A finite nonzero value is m * 2^e with m an integer; m == 0 means zero. */
enum { LFI_FP_FINITE, LFI_FP_INF, LFI_FP_NAN };

struct lfi_fp {
    int sign;
    int kind;           /* LFI_FP_FINITE, LFI_FP_INF, LFI_FP_NAN */
    du_int m;           /* significand (for NaN: the payload bits) */
    int e;
};

static inline su_int lfi_fbits(float f)
{
    su_int u;
    __builtin_memcpy(&u, &f, 4);
    return u;
}

static inline float lfi_bitsf(su_int u)
{
    float f;
    __builtin_memcpy(&f, &u, 4);
    return f;
}

static inline du_int lfi_dbits(double d)
{
    du_int u;
    __builtin_memcpy(&u, &d, 8);
    return u;
}

static inline double lfi_bitsd(du_int u)
{
    double d;
    __builtin_memcpy(&d, &u, 8);
    return d;
}

static inline struct lfi_fp lfi_unpackf(float f)
{
    su_int u = lfi_fbits(f);
    struct lfi_fp r;
    int ex = (u >> 23) & 0xff;
    r.sign = u >> 31;
    r.m = u & 0x7fffff;
    r.kind = ex == 0xff ? (r.m ? LFI_FP_NAN : LFI_FP_INF) : LFI_FP_FINITE;
    if (ex == 0) {
        r.e = -149;
    } else {
        if (ex != 0xff)
            r.m |= 1u << 23;
        r.e = ex - 150;
    }
    return r;
}

static inline struct lfi_fp lfi_unpackd(double d)
{
    du_int u = lfi_dbits(d);
    struct lfi_fp r;
    int ex = (int)((u >> 52) & 0x7ff);
    r.sign = (int)(u >> 63);
    r.m = u & 0xfffffffffffffull;
    r.kind = ex == 0x7ff ? (r.m ? LFI_FP_NAN : LFI_FP_INF) : LFI_FP_FINITE;
    if (ex == 0) {
        r.e = -1074;
    } else {
        if (ex != 0x7ff)
            r.m |= 1ull << 52;
        r.e = ex - 1075;
    }
    return r;
}

/* x87 80-bit extended: 64-bit significand with explicit integer bit, then
 * 15-bit exponent and sign. */
static inline struct lfi_fp lfi_unpackx(long double x)
{
    unsigned char b[sizeof(long double)];
    du_int m;
    unsigned short se;
    struct lfi_fp r;
    __builtin_memcpy(b, &x, sizeof b);
    __builtin_memcpy(&m, b, 8);
    __builtin_memcpy(&se, b + 8, 2);
    int ex = se & 0x7fff;
    r.sign = se >> 15;
    if (ex == 0x7fff) {
        r.m = m & 0x7fffffffffffffffull;
        r.kind = r.m ? LFI_FP_NAN : LFI_FP_INF;
        r.e = 0;
        return r;
    }
    r.kind = LFI_FP_FINITE;
    r.m = m;
    r.e = (ex == 0 ? 1 : ex) - 16383 - 63;
    return r;
}

static inline long double lfi_packx(int sign, int ex, du_int m)
{
    unsigned char b[sizeof(long double)] = {0};
    unsigned short se = (unsigned short)((sign ? 0x8000 : 0) | (ex & 0x7fff));
    long double x;
    __builtin_memcpy(b, &m, 8);
    __builtin_memcpy(b + 8, &se, 2);
    __builtin_memcpy(&x, b, sizeof x);
    return x;
}

/* Exact powers of two (s within the normal range of the type). */
static inline float lfi_pow2f(int s)
{
    return lfi_bitsf((su_int)(127 + s) << 23);
}

static inline double lfi_pow2d(int s)
{
    return lfi_bitsd((du_int)(1023 + s) << 52);
}

static inline long double lfi_pow2x(int s)
{
    return lfi_packx(0, 16383 + s, 1ull << 63);
}

/* Exact conversion of a 64-bit unsigned integer to long double, without
 * relying on the compiler's unsigned conversion (which may be a call). */
static inline long double lfi_u64_to_x(du_int v)
{
    if ((di_int)v >= 0)
        return (long double)(di_int)v;
    return (long double)(di_int)(v >> 1) * 2 + (long double)(int)(v & 1);
}

#endif
