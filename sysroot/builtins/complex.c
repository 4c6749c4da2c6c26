/* Complex multiplication and division (__mulsc3 ... __divxc3), with the
 * infinity and NaN rules of C11 Annex G. The compilers call these for
 * `*` and `/` on float/double/long double _Complex operands unless
 * -fcx-limited-range or -ffast-math is given.
 *
 * float and double division compute in the next wider type (double, x87
 * long double), where the plain formula neither overflows nor underflows;
 * long double division uses Annex G's scaling of the divisor. */
#include "fpbits.h"

__attribute__((unused)) static int ilogb_f(float x)
{
    struct lfi_fp v = lfi_unpackf(x);
    return v.e + 63 - __builtin_clzll(v.m);
}

__attribute__((unused)) static int ilogb_d(double x)
{
    struct lfi_fp v = lfi_unpackd(x);
    return v.e + 63 - __builtin_clzll(v.m);
}

__attribute__((unused)) static int ilogb_x(long double x)
{
    struct lfi_fp v = lfi_unpackx(x);
    return v.e + 63 - __builtin_clzll(v.m);
}

#define T float
#define SFX f
#define SFX_ID f
#define MULNAME __mulsc3
#define DIVNAME __divsc3
#define ILOGB ilogb_f
#define POW2 lfi_pow2f
#define STEP 100
#define WIDE double
#include "complex_impl.h"
#undef T
#undef SFX
#undef SFX_ID
#undef MULNAME
#undef DIVNAME
#undef ILOGB
#undef POW2
#undef STEP
#undef WIDE

#define T double
#define SFX
#define SFX_ID d
#define MULNAME __muldc3
#define DIVNAME __divdc3
#define ILOGB ilogb_d
#define POW2 lfi_pow2d
#define STEP 1000
#if __LDBL_MANT_DIG__ >= 64 && __LDBL_MAX_EXP__ > 2 * __DBL_MAX_EXP__
#define WIDE long double
#endif
#include "complex_impl.h"
#undef T
#undef SFX
#undef SFX_ID
#undef MULNAME
#undef DIVNAME
#undef ILOGB
#undef POW2
#undef STEP
#undef WIDE

#define T long double
#define SFX l
#define SFX_ID x
#define MULNAME __mulxc3
#define DIVNAME __divxc3
#define ILOGB ilogb_x
#define POW2 lfi_pow2x
#define STEP 16000
#include "complex_impl.h"
