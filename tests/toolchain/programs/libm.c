/* libm: correctly rounded operations (sqrt, fma, floor, ceil, round,
 * trunc, rint, fmod, remainder, ldexp, frexp, modf, copysign, fabs,
 * nextafter, hypot at exact cases) printed with %.17g, and transcendental
 * functions at inputs where the result is exact (sin 0, exp 0, log 1,
 * pow with exact results, lgamma at 1 and 2, ...). Other transcendental
 * values are printed with 12 significant digits only, so a last-bit
 * difference between libms does not show. */
#include <float.h>
#include <math.h>
#include <stdio.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

static volatile double vzero = 0.0;

/* Route constants through memory so the compilers cannot fold the calls:
 * the library, not GCC's MPFR, must compute them. */
static double V(double x) { volatile double v = x; return v; }
static float VF(float x) { volatile float v = x; return v; }

int main(void)
{
    static const double in[] = { 0.0, 0.25, 1.0, 2.0, 2.5, -2.5, 3.5, -3.5, 10.0, 1e-300,
                                 123456.789, -0.4999999999999999, 0.5000000000000001,
                                 4503599627370495.5, 1e22, DBL_MAX, DBL_MIN, 5e-324 };
    int n = sizeof in / sizeof *in;
    for (int i = 0; i < n; i++) {
        double x = in[i];
        printf("x=%.17g sqrt=%.17g floor=%.17g ceil=%.17g round=%.17g trunc=%.17g rint=%.17g\n",
               x, sqrt(fabs(x)), floor(x), ceil(x), round(x), trunc(x), rint(x));
    }
    CHECK(sqrt(V(2.0)) == 1.4142135623730951 && sqrt(V(16.0)) == 4.0);
    CHECK(round(V(2.5)) == 3.0 && rint(V(2.5)) == 2.0 && round(V(-2.5)) == -3.0 && rint(V(3.5)) == 4.0);

    double f1 = fma(V(0.1), V(10.0), V(-1.0));
    printf("fma(0.1,10,-1)=%.17g fma(3,4,5)=%.17g\n", f1, fma(V(3), V(4), V(5)));
    CHECK(f1 == 5.5511151231257827e-17);
    printf("fmod(10.5,3)=%.17g fmod(-7,2)=%.17g fmod(1e300,3)=%.17g remainder(10.5,3)=%.17g\n",
           fmod(V(10.5), V(3)), fmod(V(-7), V(2)), fmod(V(1e300), V(3)), remainder(V(10.5), V(3)));
    CHECK(fmod(V(10.5), V(3)) == 1.5 && remainder(V(10.5), V(3)) == -1.5);

    int e;
    double m = frexp(V(48.0), &e), ip, fp = modf(V(-3.75), &ip);
    printf("frexp(48)=%.17g,%d ldexp(0.75,6)=%.17g modf(-3.75)=%.17g,%.17g\n",
           m, e, ldexp(V(0.75), V(6)), fp, ip);
    CHECK(m == 0.75 && e == 6 && ldexp(V(0.75), V(6)) == 48.0 && fp == -0.75 && ip == -3.0);
    printf("ldexp(1,-1074)=%.17g ldexp(1,1023)=%.17g scalbn(3,4)=%.17g ilogb(1000)=%d logb(1000)=%.17g\n",
           ldexp(V(1), V(-1074)), ldexp(V(1), V(1023)), scalbn(V(3), V(4)), ilogb(V(1000.0)), logb(V(1000.0)));
    printf("nextafter(1,2)=%.17g nextafter(0,-1)=%.17g copysign(3,-0.0)=%.17g\n",
           nextafter(V(1), V(2)), nextafter(V(0), V(-1)), copysign(V(3), V(-0.0)));
    printf("hypot(3,4)=%.17g hypot(5,12)=%.17g cbrt(27)=%.12g cbrt(-8)=%.17g\n",
           hypot(V(3), V(4)), hypot(V(5), V(12)), cbrt(V(27)), cbrt(V(-8)));
    CHECK(hypot(V(3), V(4)) == 5 && cbrt(V(-8)) == -2);
    printf("fmax(1,nan)=%.17g fmin(-1,2)=%.17g fdim(5,3)=%.17g\n",
           fmax(V(1), NAN), fmin(V(-1), V(2)), fdim(V(5), V(3)));

    /* Exact transcendental cases. */
    printf("sin(0)=%.17g cos(0)=%.17g tan(0)=%.17g exp(0)=%.17g log(1)=%.17g log2(1024)=%.17g "
           "log10(1000)=%.17g exp2(10)=%.17g\n",
           sin(V(0.0)), cos(V(0.0)), tan(V(0.0)), exp(V(0.0)), log(V(1.0)), log2(V(1024.0)), log10(V(1000.0)), exp2(V(10.0)));
    CHECK(sin(V(0.0)) == 0 && cos(V(0.0)) == 1 && exp(V(0.0)) == 1 && log(V(1.0)) == 0 && log2(V(1024.0)) == 10);
    printf("pow(2,10)=%.17g pow(2,-3)=%.17g pow(9,0.5)=%.17g pow(-2,3)=%.17g pow(0,0)=%.17g "
           "pow(10,15)=%.17g\n",
           pow(V(2), V(10)), pow(V(2), V(-3)), pow(V(9), V(0.5)), pow(V(-2), V(3)), pow(V(0), V(0)), pow(V(10), V(15)));
    CHECK(pow(V(2), V(10)) == 1024 && pow(V(9), V(0.5)) == 3 && pow(V(10), V(15)) == 1e15);
    printf("lgamma(1)=%.17g lgamma(2)=%.17g tgamma(5)=%.17g atan(0)=%.17g asin(1)*2=%.17g "
           "acos(1)=%.17g sinh(0)=%.17g cosh(0)=%.17g tanh(0)=%.17g expm1(0)=%.17g log1p(0)=%.17g\n",
           lgamma(V(1.0)), lgamma(V(2.0)), tgamma(V(5.0)), atan(V(0.0)), asin(V(1.0)) * 2, acos(V(1.0)),
           sinh(V(0.0)), cosh(V(0.0)), tanh(V(0.0)), expm1(V(0.0)), log1p(V(0.0)));
    CHECK(lgamma(V(1.0)) == 0 && lgamma(V(2.0)) == 0 && tgamma(V(5.0)) == 24 && acos(V(1.0)) == 0);
    printf("atan2(0,-1)=%.17g (pi) asin(1)=%.17g\n", atan2(V(0.0), V(-1.0)), asin(V(1.0)));
    CHECK(atan2(V(0.0), V(-1.0)) == M_PI && asin(V(1.0)) == M_PI / 2);

    /* General values: 12 significant digits. */
    for (double x = -3.0; x <= 3.0; x += 0.375) {
        printf("x=%6.3f sin=%.12g cos=%.12g exp=%.12g atan=%.12g sinh=%.12g erf=%.12g\n",
               x, sin(x), cos(x), exp(x), atan(x), sinh(x), erf(x));
        if (x > 0)
            printf("        log=%.12g pow(x,1.7)=%.12g lgamma=%.12g tgamma=%.12g cbrt=%.12g\n",
                   log(x), pow(x, V(1.7)), lgamma(x), tgamma(x), cbrt(x));
    }

    /* Special values (printed by class and sign, not as nan text). */
    double inf = 1.0 / vzero, nan = vzero / vzero;
    printf("classes: %d %d %d %d %d\n", fpclassify(inf) == FP_INFINITE, fpclassify(nan) == FP_NAN,
           fpclassify(DBL_MIN / 2) == FP_SUBNORMAL, fpclassify(0.0) == FP_ZERO,
           fpclassify(1.0) == FP_NORMAL);
    printf("log(0)=%.17g exp(1000)=%.17g sqrt(-1) is nan: %d atan(inf)*2=%.17g\n",
           log(vzero), exp(V(1000.0)), isnan(sqrt(-1.0 + vzero)), atan(inf) * 2);
    CHECK(isinf(log(vzero)) && log(vzero) < 0 && isinf(exp(V(1000.0))));

    /* float versions */
    printf("sqrtf(2)=%.9g fmaf=%.9g floorf(-1.5)=%.9g powf(2,20)=%.9g\n",
           (double)sqrtf(VF(2.0f)), (double)fmaf(VF(0.1f), VF(10.0f), VF(-1.0f)), (double)floorf(VF(-1.5f)),
           (double)powf(VF(2.0f), VF(20.0f)));
    CHECK(sqrtf(VF(2.0f)) == 1.41421354f && powf(VF(2.0f), VF(20.0f)) == 1048576.0f);

    printf("libm: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
