/* IEEE half precision (binary16) conversions, for GCC 12's _Float16 and
 * Clang 14's __fp16.
 *
 * Calling conventions differ between the two compilers, and both must work
 * with the same symbols:
 *   - GCC 12 passes and returns _Float16 in %xmm0 (low 16 bits).
 *   - Clang 14 calls __gnu_h2f_ieee(unsigned short) and
 *     __gnu_f2h_ieee(float) -> unsigned short, and also __truncdfhf2 and
 *     __truncxfhf2, expecting the result in %ax.
 * Arguments therefore arrive as a float whose low 16 bits are the half, and
 * the trunc* functions return a two-eightbyte struct: under the x86-64
 * SysV ABI its first member (SSE class) comes back in %xmm0 and its second
 * (INTEGER class) in %rax, so both callers find the result.
 *
 * Narrowing conversions round in the current rounding mode (detected with
 * float arithmetic, no libc), NaN payloads are kept (truncated) and quieted.
 * Floating-point exception flags are not raised. */
#include "fpbits.h"

struct lfi_half_ret {
    double xmm;                 /* half bits in the low 16 bits of %xmm0 */
    du_int gpr;                 /* the same bits in %rax */
};

static struct lfi_half_ret half_ret(unsigned h)
{
    struct lfi_half_ret r = { lfi_bitsd(h), h };
    return r;
}

static unsigned half_arg(float carrier)
{
    return lfi_fbits(carrier) & 0xffff;
}

enum { RM_NEAREST, RM_ZERO, RM_UP, RM_DOWN };

/* The SSE rounding mode, from arithmetic on volatile operands. */
static int rounding_mode(void)
{
    volatile float one = 1.0f, tiny = 0x1p-25f, big = 0x1.8p-24f;
    float up = one + tiny;          /* 1 + ulp/4: > 1 only when rounding up */
    float down = -one - tiny;       /* < -1 only when rounding down */
    float near = one + big;         /* 1 + 3/4 ulp: > 1 unless toward 0/-inf */
    if (up > 1.0f)
        return RM_UP;
    if (down < -1.0f)
        return RM_DOWN;
    return near > 1.0f ? RM_NEAREST : RM_ZERO;
}

/* Round sign * m * 2^e (m != 0) to half precision. */
static unsigned round_half(int sign, du_int m, int e)
{
    unsigned s = sign ? 0x8000u : 0;
    int mode = rounding_mode();
    int nb = 64 - __builtin_clzll(m);
    int E = e + nb - 1;                         /* 2^E <= value < 2^(E+1) */
    int q = E >= -14 ? E - 10 : -24;            /* exponent of one ulp */
    du_int n, rem = 0, halfway = 0;
    int shift = q - e;

    if (E > 15)
        goto overflow;
    if (shift <= 0) {
        n = m << -shift;
    } else if (shift > 64) {
        n = 0;
        rem = 1;                                /* nonzero, below half an ulp */
        halfway = 2;
    } else if (shift == 64) {
        n = 0;
        rem = m;
        halfway = 1ull << 63;
    } else {
        n = m >> shift;
        rem = m & ((1ull << shift) - 1);
        halfway = 1ull << (shift - 1);
    }
    if (rem) {
        int inc;
        switch (mode) {
        case RM_NEAREST: inc = rem > halfway || (rem == halfway && (n & 1)); break;
        case RM_UP: inc = !sign; break;
        case RM_DOWN: inc = sign; break;
        default: inc = 0; break;
        }
        n += inc;
    }
    if (n == 2048) {
        n = 1024;
        q++;
    }
    if (n < 1024)
        return s | (unsigned)n;                 /* subnormal or zero */
    if (q + 25 > 30)
        goto overflow;
    return s | (unsigned)(q + 25) << 10 | ((unsigned)n & 0x3ff);
overflow:
    if (mode == RM_ZERO || (mode == RM_UP && sign) || (mode == RM_DOWN && !sign))
        return s | 0x7bff;                      /* largest finite */
    return s | 0x7c00;
}

/* payload: the NaN's fraction bits aligned so that bit 51 is the quiet
 * bit (as in a double). */
static unsigned to_half(struct lfi_fp v, du_int payload)
{
    unsigned s = v.sign ? 0x8000u : 0;
    if (v.kind == LFI_FP_NAN)
        return s | 0x7e00 | (unsigned)((payload >> 42) & 0x3ff);
    if (v.kind == LFI_FP_INF)
        return s | 0x7c00;
    if (v.m == 0)
        return s;
    return round_half(v.sign, v.m, v.e);
}

static unsigned f2h(float a)
{
    struct lfi_fp v = lfi_unpackf(a);
    return to_half(v, v.m << 29);
}

static unsigned d2h(double a)
{
    struct lfi_fp v = lfi_unpackd(a);
    return to_half(v, v.m);
}

static unsigned x2h(long double a)
{
    struct lfi_fp v = lfi_unpackx(a);
    return to_half(v, v.m >> 11);
}

/* Decode: a finite half is n * 2^q exactly. */
struct half_parts { int sign, kind; unsigned n; int q; };

static struct half_parts half_decode(unsigned h)
{
    struct half_parts p;
    unsigned ex = (h >> 10) & 0x1f, frac = h & 0x3ff;
    p.sign = (h >> 15) & 1;
    p.kind = ex == 31 ? (frac ? LFI_FP_NAN : LFI_FP_INF) : LFI_FP_FINITE;
    p.n = ex ? (frac | 0x400) : frac;
    p.q = ex ? (int)ex - 25 : -24;
    if (ex == 31)
        p.n = frac;
    return p;
}

static float h2f(unsigned h)
{
    struct half_parts p = half_decode(h);
    su_int s = (su_int)p.sign << 31;
    if (p.kind == LFI_FP_NAN)
        return lfi_bitsf(s | 0x7fc00000u | (p.n << 13));
    if (p.kind == LFI_FP_INF)
        return lfi_bitsf(s | 0x7f800000u);
    float r = (float)p.n * lfi_pow2f(p.q);
    return p.sign ? -r : r;
}

static double h2d(unsigned h)
{
    struct half_parts p = half_decode(h);
    du_int s = (du_int)p.sign << 63;
    if (p.kind == LFI_FP_NAN)
        return lfi_bitsd(s | 0x7ff8000000000000ull | ((du_int)p.n << 42));
    if (p.kind == LFI_FP_INF)
        return lfi_bitsd(s | 0x7ff0000000000000ull);
    double r = (double)p.n * lfi_pow2d(p.q);
    return p.sign ? -r : r;
}

static long double h2x(unsigned h)
{
    struct half_parts p = half_decode(h);
    if (p.kind == LFI_FP_NAN)
        return lfi_packx(p.sign, 0x7fff, 0xc000000000000000ull | ((du_int)p.n << 53));
    if (p.kind == LFI_FP_INF)
        return lfi_packx(p.sign, 0x7fff, 0x8000000000000000ull);
    long double r = (long double)p.n * lfi_pow2x(p.q);
    return p.sign ? -r : r;
}

float LFI_BUILTIN(__extendhfsf2)(float a) { return h2f(half_arg(a)); }
double LFI_BUILTIN(__extendhfdf2)(float a) { return h2d(half_arg(a)); }
long double LFI_BUILTIN(__extendhfxf2)(float a) { return h2x(half_arg(a)); }
struct lfi_half_ret LFI_BUILTIN(__truncsfhf2)(float a) { return half_ret(f2h(a)); }
struct lfi_half_ret LFI_BUILTIN(__truncdfhf2)(double a) { return half_ret(d2h(a)); }
struct lfi_half_ret LFI_BUILTIN(__truncxfhf2)(long double a) { return half_ret(x2h(a)); }

/* Clang 14 (__fp16 storage-only type): the half travels as an integer. */
float LFI_BUILTIN(__gnu_h2f_ieee)(unsigned short a) { return h2f(a); }
unsigned short LFI_BUILTIN(__gnu_f2h_ieee)(float a) { return (unsigned short)f2h(a); }

/* GCC 12: _Float16 <-> 128-bit integers. */
ti_int LFI_BUILTIN(__fixsfti)(float a);
tu_int LFI_BUILTIN(__fixunssfti)(float a);

ti_int LFI_BUILTIN(__fixhfti)(float a)
{
    return LFI_BUILTIN(__fixsfti)(h2f(half_arg(a)));     /* exact widening */
}

tu_int LFI_BUILTIN(__fixunshfti)(float a)
{
    return LFI_BUILTIN(__fixunssfti)(h2f(half_arg(a)));
}

static unsigned int128_to_half(tu_int mag, int neg)
{
    if (mag == 0)
        return 0;
    int nb = 128 - lfi_clz128(mag);
    int sh = nb > 62 ? nb - 62 : 0;
    du_int m = (du_int)(mag >> sh);
    if (sh && (mag & (((tu_int)1 << sh) - 1)))
        m |= 1;                                 /* sticky */
    return round_half(neg, m, sh);
}

struct lfi_half_ret LFI_BUILTIN(__floattihf)(ti_int a)
{
    return half_ret(int128_to_half(a < 0 ? -(tu_int)a : (tu_int)a, a < 0));
}

struct lfi_half_ret LFI_BUILTIN(__floatuntihf)(tu_int a)
{
    return half_ret(int128_to_half(a, 0));
}
