/* Template for complex.c: multiplication and division of one complex type
 * per inclusion. Expects T (the real type), SFX (suffix of the __builtin_
 * math functions: f, nothing, l), MULNAME, DIVNAME, ILOGB (exponent of a
 * finite nonzero T), POW2 (exact 2^n for |n| <= STEP), and optionally
 * WIDE (a wider type to divide in). */

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define FABS CAT(__builtin_fabs, SFX)
#define COPYSIGN CAT(__builtin_copysign, SFX)
#define INF CAT(__builtin_inf, SFX)()
#define ISNAN(x) __builtin_isnan(x)
#define ISINF(x) __builtin_isinf(x)
#define ISFINITE(x) __builtin_isfinite(x)
#define CT _Complex T

__attribute__((unused)) static T CAT(scale_, SFX_ID)(T x, int n)
{
    while (n > STEP) {
        x *= POW2(STEP);
        n -= STEP;
    }
    while (n < -STEP) {
        x *= POW2(-STEP);
        n += STEP;
    }
    return x * POW2(n);
}

static CT CAT(make_, SFX_ID)(T re, T im)
{
    CT z;
    __real__ z = re;
    __imag__ z = im;
    return z;
}

/* (a + ib) * (c + id), C11 Annex G.5.1: when the naive result is NaN + iNaN,
 * an infinite operand still gives an infinite result. */
CT LFI_BUILTIN(MULNAME)(T a, T b, T c, T d)
{
    T ac = a * c, bd = b * d, ad = a * d, bc = b * c;
    T x = ac - bd, y = ad + bc;
    if (ISNAN(x) && ISNAN(y)) {
        int recalc = 0;
        if (ISINF(a) || ISINF(b)) {
            a = COPYSIGN(ISINF(a) ? 1 : 0, a);
            b = COPYSIGN(ISINF(b) ? 1 : 0, b);
            if (ISNAN(c)) c = COPYSIGN(0, c);
            if (ISNAN(d)) d = COPYSIGN(0, d);
            recalc = 1;
        }
        if (ISINF(c) || ISINF(d)) {
            c = COPYSIGN(ISINF(c) ? 1 : 0, c);
            d = COPYSIGN(ISINF(d) ? 1 : 0, d);
            if (ISNAN(a)) a = COPYSIGN(0, a);
            if (ISNAN(b)) b = COPYSIGN(0, b);
            recalc = 1;
        }
        if (!recalc && (ISINF(ac) || ISINF(bd) || ISINF(ad) || ISINF(bc))) {
            if (ISNAN(a)) a = COPYSIGN(0, a);
            if (ISNAN(b)) b = COPYSIGN(0, b);
            if (ISNAN(c)) c = COPYSIGN(0, c);
            if (ISNAN(d)) d = COPYSIGN(0, d);
            recalc = 1;
        }
        if (recalc) {
            x = INF * (a * c - b * d);
            y = INF * (a * d + b * c);
        }
    }
    return CAT(make_, SFX_ID)(x, y);
}

/* The NaN + iNaN recovery of C11 Annex G.5.1 for division: an infinite
 * or zero operand gives the infinity or zero it calls for. */
static CT CAT(div_recover_, SFX_ID)(T a, T b, T c, T d, int denom_is_zero, T x, T y,
                                       int w_is_inf)
{
    if (ISNAN(x) && ISNAN(y)) {
        if (denom_is_zero && (!ISNAN(a) || !ISNAN(b))) {
            x = COPYSIGN(INF, c) * a;
            y = COPYSIGN(INF, c) * b;
        } else if ((ISINF(a) || ISINF(b)) && ISFINITE(c) && ISFINITE(d)) {
            a = COPYSIGN(ISINF(a) ? 1 : 0, a);
            b = COPYSIGN(ISINF(b) ? 1 : 0, b);
            x = INF * (a * c + b * d);
            y = INF * (b * c - a * d);
        } else if (w_is_inf && ISFINITE(a) && ISFINITE(b)) {
            c = COPYSIGN(ISINF(c) ? 1 : 0, c);
            d = COPYSIGN(ISINF(d) ? 1 : 0, d);
            x = (T)0 * (a * c + b * d);
            y = (T)0 * (b * c - a * d);
        }
    }
    return CAT(make_, SFX_ID)(x, y);
}

#ifdef WIDE
/* (a + ib) / (c + id) evaluated in WIDE, a type with a wider exponent
 * range and at least twice the precision bits minus a few: the textbook
 * formula then cannot overflow or underflow for finite operands, and its
 * rounding errors stay far below one ulp of T. */
CT LFI_BUILTIN(DIVNAME)(T a, T b, T c, T d)
{
    WIDE wa = a, wb = b, wc = c, wd = d;
    WIDE denom = wc * wc + wd * wd;
    T x = (T)((wa * wc + wb * wd) / denom);
    T y = (T)((wb * wc - wa * wd) / denom);
    return CAT(div_recover_, SFX_ID)(a, b, c, d, denom == 0, x, y,
                                     ISINF(c) || ISINF(d));
}
#else
/* (a + ib) / (c + id), C11 Annex G.5.1: the divisor is scaled by a power of
 * two to avoid spurious overflow and underflow before the textbook
 * formula. */
CT LFI_BUILTIN(DIVNAME)(T a, T b, T c, T d)
{
    int ilogbw = 0;
    T ac = FABS(c), ad = FABS(d);
    T w = ISNAN(ac) ? ad : ISNAN(ad) ? ac : ac > ad ? ac : ad;
    if (ISFINITE(w) && w != 0) {
        ilogbw = ILOGB(w);
        c = CAT(scale_, SFX_ID)(c, -ilogbw);
        d = CAT(scale_, SFX_ID)(d, -ilogbw);
    }
    T denom = c * c + d * d;
    T x = CAT(scale_, SFX_ID)((a * c + b * d) / denom, -ilogbw);
    T y = CAT(scale_, SFX_ID)((b * c - a * d) / denom, -ilogbw);
    return CAT(div_recover_, SFX_ID)(a, b, c, d, denom == 0, x, y, ISINF(w));
}
#endif

#undef CAT_
#undef CAT
#undef FABS
#undef COPYSIGN
#undef INF
#undef ISNAN
#undef ISINF
#undef ISFINITE
#undef CT
