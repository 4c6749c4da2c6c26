/* 128-bit integer arithmetic: division and remainder, multiplication,
 * shifts, negation, comparisons, and multiplication with overflow check.
 *
 * Division is Knuth's algorithm D on 32-bit digits (a 128-by-64 step) plus
 * the usual reduction of a 128-by-128 division with a large divisor to one
 * such step and a correction. Only 64-bit divisions are used, which every
 * 64-bit target does inline. Division by zero executes a real 64-bit
 * division by zero (SIGFPE on x86-64), as libgcc does. */
#include "builtins.h"

/* Divide the 128-bit value u1:u0 by v, where u1 < v (so the quotient fits
 * in 64 bits). Returns the quotient and stores the remainder in *r. */
static du_int div128by64(du_int u1, du_int u0, du_int v, du_int *r)
{
    const du_int b = (du_int)1 << 32;
    int s = __builtin_clzll(v);         /* v != 0 because u1 < v */
    v <<= s;
    du_int vn1 = v >> 32, vn0 = v & 0xffffffffu;
    du_int un32 = s ? (u1 << s) | (u0 >> (64 - s)) : u1;
    du_int un10 = u0 << s;
    du_int un1 = un10 >> 32, un0 = un10 & 0xffffffffu;

    /* First quotient digit: estimate from the top two digits, then correct
     * (at most twice). */
    du_int q1 = un32 / vn1, rhat = un32 - q1 * vn1;
    while (q1 >= b || q1 * vn0 > ((rhat << 32) | un1)) {
        q1--;
        rhat += vn1;
        if (rhat >= b)
            break;
    }
    du_int un21 = ((un32 << 32) | un1) - q1 * v;

    du_int q0 = un21 / vn1;
    rhat = un21 - q0 * vn1;
    while (q0 >= b || q0 * vn0 > ((rhat << 32) | un0)) {
        q0--;
        rhat += vn1;
        if (rhat >= b)
            break;
    }
    *r = (((un21 << 32) | un0) - q0 * v) >> s;
    return (q1 << 32) | q0;
}

/* Raise the hardware's divide error, like the native instruction would. */
static du_int divide_by_zero(void)
{
    volatile du_int zero = 0;
    return 1 / zero;
}

tu_int LFI_BUILTIN(__udivmodti4)(tu_int a, tu_int b, tu_int *rem)
{
    du_int ahi = lfi_hi64(a), alo = lfi_lo64(a);
    du_int bhi = lfi_hi64(b), blo = lfi_lo64(b);
    tu_int q;
    du_int r;

    if (bhi == 0) {
        if (blo == 0) {
            q = divide_by_zero();
            if (rem)
                *rem = a;
            return q;
        }
        if (ahi == 0) {
            if (rem)
                *rem = alo % blo;
            return alo / blo;
        }
        du_int qhi = ahi / blo;
        du_int qlo = div128by64(ahi % blo, alo, blo, &r);
        if (rem)
            *rem = r;
        return lfi_make128(qhi, qlo);
    }
    if (a < b) {
        if (rem)
            *rem = a;
        return 0;
    }
    /* The divisor has 65..128 significant bits, so the quotient fits in 64.
     * Estimate it by dividing a/2 by the top 64 bits of the normalized
     * divisor; the estimate is the true quotient or one more than it after
     * shifting back and decrementing. */
    int n = __builtin_clzll(bhi);
    du_int v1 = lfi_hi64(b << n);
    tu_int u1 = a >> 1;
    du_int q1 = div128by64(lfi_hi64(u1), lfi_lo64(u1), v1, &r);
    tu_int est = ((tu_int)q1 << n) >> 63;
    if (est != 0)
        est--;
    du_int q0 = (du_int)est;
    tu_int rr = a - (tu_int)q0 * b;
    if (rr >= b) {
        q0++;
        rr -= b;
    }
    if (rem)
        *rem = rr;
    return q0;
}

tu_int LFI_BUILTIN(__udivti3)(tu_int a, tu_int b)
{
    return LFI_BUILTIN(__udivmodti4)(a, b, NULL);
}

tu_int LFI_BUILTIN(__umodti3)(tu_int a, tu_int b)
{
    tu_int r;
    LFI_BUILTIN(__udivmodti4)(a, b, &r);
    return r;
}

static tu_int uabs128(ti_int a)
{
    return a < 0 ? -(tu_int)a : (tu_int)a;
}

/* Signed division truncates toward zero; the remainder has the sign of the
 * dividend. TI_MIN / -1 wraps to TI_MIN (and TI_MIN % -1 is 0), as in
 * libgcc: the arithmetic is done on magnitudes, in unsigned. */
ti_int LFI_BUILTIN(__divmodti4)(ti_int a, ti_int b, ti_int *rem)
{
    tu_int r;
    tu_int q = LFI_BUILTIN(__udivmodti4)(uabs128(a), uabs128(b), &r);
    if ((a < 0) != (b < 0))
        q = -q;
    if (a < 0)
        r = -r;
    if (rem)
        *rem = (ti_int)r;
    return (ti_int)q;
}

ti_int LFI_BUILTIN(__divti3)(ti_int a, ti_int b)
{
    return LFI_BUILTIN(__divmodti4)(a, b, NULL);
}

ti_int LFI_BUILTIN(__modti3)(ti_int a, ti_int b)
{
    ti_int r;
    LFI_BUILTIN(__divmodti4)(a, b, &r);
    return r;
}

/* Low 128 bits of the product, from 64x64->128 multiplications (inline on
 * every 64-bit target). */
ti_int LFI_BUILTIN(__multi3)(ti_int a, ti_int b)
{
    tu_int ua = (tu_int)a, ub = (tu_int)b;
    tu_int lo = (tu_int)lfi_lo64(ua) * lfi_lo64(ub);
    du_int cross = lfi_hi64(ua) * lfi_lo64(ub) + lfi_lo64(ua) * lfi_hi64(ub);
    return (ti_int)(lo + ((tu_int)cross << 64));
}

ti_int LFI_BUILTIN(__ashlti3)(ti_int a, int b)
{
    tu_int u = (tu_int)a;
    du_int hi = lfi_hi64(u), lo = lfi_lo64(u);
    b &= 127;
    if (b == 0)
        return a;
    if (b >= 64)
        return (ti_int)lfi_make128(lo << (b - 64), 0);
    return (ti_int)lfi_make128((hi << b) | (lo >> (64 - b)), lo << b);
}

ti_int LFI_BUILTIN(__lshrti3)(ti_int a, int b)
{
    tu_int u = (tu_int)a;
    du_int hi = lfi_hi64(u), lo = lfi_lo64(u);
    b &= 127;
    if (b == 0)
        return a;
    if (b >= 64)
        return (ti_int)lfi_make128(0, hi >> (b - 64));
    return (ti_int)lfi_make128(hi >> b, (lo >> b) | (hi << (64 - b)));
}

ti_int LFI_BUILTIN(__ashrti3)(ti_int a, int b)
{
    tu_int u = (tu_int)a;
    du_int hi = lfi_hi64(u), lo = lfi_lo64(u);
    du_int fill = (di_int)hi < 0 ? ~(du_int)0 : 0;
    b &= 127;
    if (b == 0)
        return a;
    if (b >= 64) {
        du_int nlo = b == 64 ? hi : (hi >> (b - 64)) | (fill << (128 - b));
        return (ti_int)lfi_make128(fill, nlo);
    }
    return (ti_int)lfi_make128((hi >> b) | (fill << (64 - b)),
                               (lo >> b) | (hi << (64 - b)));
}

ti_int LFI_BUILTIN(__negti2)(ti_int a)
{
    return (ti_int)(-(tu_int)a);
}

/* Comparisons return 0 if a < b, 1 if a == b, 2 if a > b. */
int LFI_BUILTIN(__cmpti2)(ti_int a, ti_int b)
{
    return a < b ? 0 : a == b ? 1 : 2;
}

int LFI_BUILTIN(__ucmpti2)(tu_int a, tu_int b)
{
    return a < b ? 0 : a == b ? 1 : 2;
}

/* Multiplication with overflow flag: return the wrapped product and set
 * *overflow to 1 if the exact product does not fit, else 0. */
si_int LFI_BUILTIN(__mulosi4)(si_int a, si_int b, int *overflow)
{
    di_int p = (di_int)a * b;
    *overflow = p < INT32_MIN || p > INT32_MAX;
    return (si_int)(su_int)p;
}

di_int LFI_BUILTIN(__mulodi4)(di_int a, di_int b, int *overflow)
{
    ti_int p = (ti_int)a * b;
    *overflow = p < INT64_MIN || p > INT64_MAX;
    return (di_int)(du_int)p;
}

/* Unsigned 128x128 multiplication: low 128 bits, and whether the full
 * product needs more than 128 bits. */
static tu_int umul128_overflow(tu_int a, tu_int b, int *ovf)
{
    du_int ahi = lfi_hi64(a), alo = lfi_lo64(a);
    du_int bhi = lfi_hi64(b), blo = lfi_lo64(b);
    tu_int lo = (tu_int)alo * blo;
    if (ahi && bhi) {
        *ovf = 1;
        return lo + ((tu_int)(ahi * blo + alo * bhi) << 64);
    }
    tu_int cross = (tu_int)ahi * blo + (tu_int)alo * bhi;  /* one is 0 */
    *ovf = lfi_hi64(cross) != 0;
    tu_int r = lo + (cross << 64);
    if (r < lo)
        *ovf = 1;
    return r;
}

ti_int LFI_BUILTIN(__muloti4)(ti_int a, ti_int b, int *overflow)
{
    int ovf;
    tu_int m = umul128_overflow(uabs128(a), uabs128(b), &ovf);
    int neg = (a < 0) != (b < 0);
    tu_int limit = neg ? (tu_int)1 << 127 : ((tu_int)1 << 127) - 1;
    if (m > limit && !(a == 0 || b == 0))
        ovf = 1;
    *overflow = ovf;
    return (ti_int)((tu_int)a * (tu_int)b);
}
