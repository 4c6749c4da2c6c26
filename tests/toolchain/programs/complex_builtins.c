/* Operations the compilers lower to runtime-library calls (our builtins
 * in the sandbox): complex multiply and divide including the infinity
 * rules of Annex G, __builtin_powi, popcount/parity/clz/ctz/ffs on all
 * widths, bswap, and the overflow-checking builtins. Finite complex
 * quotients are printed with 12 digits (implementations may differ in
 * the last bit). */
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

static volatile double vinf = HUGE_VAL, vzero = 0.0;

#ifndef CMPLX
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif

static void show(const char *what, double complex z)
{
    double re = creal(z), im = cimag(z);
    if (isfinite(re) && isfinite(im))
        printf("%s = (%.12g, %.12g)\n", what, re, im);
    else    /* Annex G leaves the other part open: print the class only */
        printf("%s = infinite: %d, nan+nan: %d\n", what, isinf(re) || isinf(im),
               isnan(re) && isnan(im));
}

int main(void)
{
    volatile double a = 1, b = 2, c = 3, d = 4;
    double complex x = a + b * I, y = c + d * I;
    show("(1+2i)*(3+4i)", x * y);
    show("(1+2i)/(3+4i)", x / y);
    CHECK(creal(x * y) == -5 && cimag(x * y) == 10);
    double complex big = 1e300 + 1e300 * I, tiny = 1e-300 + 1e-300 * I;
    show("big/big", big / big);
    show("tiny/tiny", tiny / tiny);
    show("1/(1e-310+0i)", (a + 0 * I) / (1e-310 + vzero * I));

    double complex inf_nan = CMPLX(vinf, vzero / vzero);
    show("(inf+nan i)*(1+2i)", inf_nan * x);
    CHECK(isinf(creal(inf_nan * x)) || isinf(cimag(inf_nan * x)));
    show("(1+2i)/(0+0i)", x / CMPLX(vzero, vzero));
    CHECK(isinf(creal(x / CMPLX(vzero, vzero))) || isinf(cimag(x / CMPLX(vzero, vzero))));
    show("(1+2i)/(inf+inf i)", x / CMPLX(vinf, vinf));
    CHECK(creal(x / CMPLX(vinf, vinf)) == 0 && cimag(x / CMPLX(vinf, vinf)) == 0);
    show("(inf+0i)/(1+2i)", CMPLX(vinf, vzero) / x);

    volatile float fa = 1.5f, fb = -2.0f;
    float complex fx = fa + fb * I;
    float complex fz = fx * fx / (fx + 1.0f);
    printf("float complex: (%.6g, %.6g)\n", (double)crealf(fz), (double)cimagf(fz));
    volatile long double la = 0.5L;
    long double complex lx = la + la * I;
    long double complex lz = lx * lx / (lx - 2.0L);
    printf("long double complex: (%.12Lg, %.12Lg)\n", creall(lz), cimagl(lz));

    volatile int e = 10;
    printf("powi: %.17g %.17g %.9g %.17Lg\n", __builtin_powi(2.0, e), __builtin_powi(1.5, -e),
           (double)__builtin_powif(3.0f, e), __builtin_powil(0.5L, e));
    CHECK(__builtin_powi(2.0, e) == 1024);

    volatile uint64_t v = 0xf0f0f0f00000ffffull;
    volatile unsigned __int128 w = (unsigned __int128)v << 64 | 1;
    printf("popcount %d %d %d parity %d %d clz %d %d ctz %d %d ffs %d %d\n",
           __builtin_popcount((unsigned)v), __builtin_popcountll(v),
           __builtin_popcountll((uint64_t)(w >> 64)) + __builtin_popcountll((uint64_t)w),
           __builtin_parity((unsigned)v), __builtin_parityll(v), __builtin_clzll(v),
           __builtin_clz((unsigned)(v >> 40)), __builtin_ctzll(v >> 16), __builtin_ctz(64u),
           __builtin_ffsll((long long)(v << 20)), __builtin_ffs(0));
    CHECK(__builtin_popcountll(v) == 32);
    printf("bswap %08x %016llx\n", __builtin_bswap32(0x11223344u),
           (unsigned long long)__builtin_bswap64(v));

    long long r;
    int o1 = __builtin_mul_overflow((long long)v, 3LL, &r);
    __int128 r128;
    int o2 = __builtin_mul_overflow((__int128)w, (__int128)w, &r128);
    int r32;
    int o3 = __builtin_add_overflow(2147483647, (int)(v & 1), &r32);
    printf("overflow: %d %d %d\n", o1, o2, o3);
    CHECK(o2 == 1 && o3 == 1);

    printf("complex_builtins: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
