/* Conversions between floating point (float, double, x87 long double) and
 * 128-bit integers, and the unsigned 64-bit ones Clang may call.
 *
 * Integer -> float rounds once, in the current rounding mode: the integer
 * is compressed to 62 significant bits plus a sticky bit (enough for any
 * mode, as the target precision is at most 53 bits) and converted by the
 * hardware's signed 64-bit conversion, then scaled by an exact power of
 * two. For long double (64-bit precision) the value is split into two
 * exactly representable parts and added once.
 *
 * Float -> integer truncates toward zero. Out-of-range values (undefined
 * behaviour in C) saturate, NaN converts to 0, and anything below 0 converts
 * to 0 for the unsigned conversions. */
#include "fpbits.h"

/* |value| = m * 2^e truncated to an integer; *big set if >= 2^128. */
static tu_int trunc_mag(du_int m, int e, int *big)
{
    *big = 0;
    if (m == 0)
        return 0;
    if (e >= 0) {
        if (e >= 128 || 64 - __builtin_clzll(m) + e > 128) {
            *big = 1;
            return 0;
        }
        return (tu_int)m << e;
    }
    if (e <= -64)
        return 0;
    return m >> -e;
}

static ti_int fix_signed(struct lfi_fp v)
{
    int big;
    if (v.kind == LFI_FP_NAN)
        return 0;
    tu_int mag = trunc_mag(v.m, v.e, &big);
    if (v.kind == LFI_FP_INF || big || mag > ((tu_int)1 << 127) - (v.sign ? 0 : 1))
        return v.sign ? TI_MIN : TI_MAX;
    return v.sign ? (ti_int)-mag : (ti_int)mag;
}

static tu_int fix_unsigned(struct lfi_fp v)
{
    int big;
    if (v.kind == LFI_FP_NAN)
        return 0;
    tu_int mag = trunc_mag(v.m, v.e, &big);
    if (v.sign)
        return 0;
    if (v.kind == LFI_FP_INF || big)
        return ~(tu_int)0;
    return mag;
}

static du_int sat_u64(tu_int v)
{
    return v >> 64 ? ~(du_int)0 : (du_int)v;
}

ti_int LFI_BUILTIN(__fixsfti)(float a) { return fix_signed(lfi_unpackf(a)); }
ti_int LFI_BUILTIN(__fixdfti)(double a) { return fix_signed(lfi_unpackd(a)); }
ti_int LFI_BUILTIN(__fixxfti)(long double a) { return fix_signed(lfi_unpackx(a)); }
tu_int LFI_BUILTIN(__fixunssfti)(float a) { return fix_unsigned(lfi_unpackf(a)); }
tu_int LFI_BUILTIN(__fixunsdfti)(double a) { return fix_unsigned(lfi_unpackd(a)); }
tu_int LFI_BUILTIN(__fixunsxfti)(long double a) { return fix_unsigned(lfi_unpackx(a)); }
du_int LFI_BUILTIN(__fixunssfdi)(float a) { return sat_u64(fix_unsigned(lfi_unpackf(a))); }
du_int LFI_BUILTIN(__fixunsdfdi)(double a) { return sat_u64(fix_unsigned(lfi_unpackd(a))); }
du_int LFI_BUILTIN(__fixunsxfdi)(long double a) { return sat_u64(fix_unsigned(lfi_unpackx(a))); }

/* Compress a magnitude >= 2^63 to m (< 2^62, sticky in bit 0) and a
 * scale s with mag ~ m * 2^s, preserving the rounding of any precision up
 * to 60 bits. */
static di_int compress(tu_int mag, int *s)
{
    int sh = (128 - lfi_clz128(mag)) - 62;
    tu_int low = mag & (((tu_int)1 << sh) - 1);
    *s = sh;
    return (di_int)(mag >> sh) | (low != 0);
}

static float mag_to_float(tu_int mag, int neg)
{
    int s;
    if (mag >> 63 == 0)
        return (float)(neg ? -(di_int)mag : (di_int)mag);
    di_int m = compress(mag, &s);
    return (float)(neg ? -m : m) * lfi_pow2f(s);
}

static double mag_to_double(tu_int mag, int neg)
{
    int s;
    if (mag >> 63 == 0)
        return (double)(neg ? -(di_int)mag : (di_int)mag);
    di_int m = compress(mag, &s);
    return (double)(neg ? -m : m) * lfi_pow2d(s);
}

static long double mag_to_x(tu_int mag, int neg)
{
    if (mag >> 64 == 0) {
        long double r = lfi_u64_to_x((du_int)mag);   /* exact */
        return neg ? -r : r;
    }
    int s = 64 - lfi_clz128(mag);                      /* 1..64 */
    long double a = lfi_u64_to_x((du_int)(mag >> s)) * lfi_pow2x(s);
    long double b = lfi_u64_to_x((du_int)(mag & (((tu_int)1 << s) - 1)));
    return neg ? -a - b : a + b;                     /* one rounding */
}

static tu_int mag128(ti_int a)
{
    return a < 0 ? -(tu_int)a : (tu_int)a;
}

float LFI_BUILTIN(__floattisf)(ti_int a) { return mag_to_float(mag128(a), a < 0); }
double LFI_BUILTIN(__floattidf)(ti_int a) { return mag_to_double(mag128(a), a < 0); }
long double LFI_BUILTIN(__floattixf)(ti_int a) { return mag_to_x(mag128(a), a < 0); }
float LFI_BUILTIN(__floatuntisf)(tu_int a) { return mag_to_float(a, 0); }
double LFI_BUILTIN(__floatuntidf)(tu_int a) { return mag_to_double(a, 0); }
long double LFI_BUILTIN(__floatuntixf)(tu_int a) { return mag_to_x(a, 0); }
float LFI_BUILTIN(__floatundisf)(du_int a) { return mag_to_float(a, 0); }
double LFI_BUILTIN(__floatundidf)(du_int a) { return mag_to_double(a, 0); }
long double LFI_BUILTIN(__floatundixf)(du_int a) { return lfi_u64_to_x(a); }
