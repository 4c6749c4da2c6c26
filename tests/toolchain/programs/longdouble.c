/* long double (x87 80-bit on x86-64) arithmetic, conversions and
 * printing: exact decimal output of binary values, %Lf/%Le/%Lg, strtold,
 * rounding of the 64-bit significand, conversions to and from integers
 * (including 128-bit ones, which call our builtins in the sandbox), and
 * sqrtl/fabsl/floorl. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

static long double VL(long double x) { volatile long double v = x; return v; }

int main(void)
{
    printf("LDBL_MANT_DIG %d LDBL_MAX_EXP %d LDBL_DIG %d\n", LDBL_MANT_DIG, LDBL_MAX_EXP, LDBL_DIG);
    long double third = VL(1.0L) / 3;
    printf("1/3 = %.25Lf\n", third);
    printf("1/3 = %.21Le\n", third);
    printf("1/3 = %.21Lg\n", third);
    printf("2/3 = %.30Lg\n", 2 * third);

    long double eps = LDBL_EPSILON;
    printf("LDBL_EPSILON = %.25Lg\n", eps);
    CHECK(VL(1.0L) + eps != 1.0L && VL(1.0L) + eps / 2 == 1.0L);
    printf("LDBL_MAX = %.20Le\nLDBL_MIN = %.20Le\nLDBL_TRUE_MIN = %.20Le\n",
           LDBL_MAX, LDBL_MIN, LDBL_TRUE_MIN);

    /* Sums that would lose precision in double. */
    long double s = 0;
    for (int i = 1; i <= 100000; i++)
        s += VL(1.0L) / ((long double)i * i);
    printf("sum 1/i^2 (1..100000) = %.20Lf\n", s);

    uint64_t big = 0xfedcba9876543210ull;
    long double lb = (long double)big;
    printf("u64 -> ld: %.0Lf exact %d\n", lb, (uint64_t)lb == big);
    CHECK((uint64_t)lb == big);
    long double lt = VL(18446744073709551615.0L) * 4096;
    __int128 i128 = (__int128)lt;
    unsigned __int128 u128 = (unsigned __int128)VL(0x1.fffffffffffffffep127L);
    printf("ld -> i128: %llx%016llx\n", (unsigned long long)(i128 >> 64), (unsigned long long)i128);
    printf("ld -> u128: %llx%016llx\n", (unsigned long long)(u128 >> 64), (unsigned long long)u128);
    long double back = (long double)(i128 + 1);
    printf("i128 -> ld: %.0Lf\n", back);
    CHECK(back == lt);

    printf("sqrtl(2) = %.21Lg\n", sqrtl(VL(2.0L)));
    printf("floorl(-2.5) = %Lg ceill(2.1) = %Lg fabsl(-7.25) = %Lg\n",
           floorl(VL(-2.5L)), ceill(VL(2.1L)), fabsl(VL(-7.25L)));
    CHECK(sqrtl(VL(4.0L)) == 2 && floorl(VL(-2.5L)) == -3);
    long double r = strtold("3.14159265358979323846264338327950288", NULL);
    printf("strtold(pi) = %.21Lg\n", r);
    CHECK(r == 3.14159265358979323851281e0L);
    long double tiny = strtold("3.6451995318824746025e-4951", NULL);
    printf("strtold(denormal min) = %.5Le\n", tiny);
    CHECK(tiny == LDBL_TRUE_MIN);

    /* Rounding to 64 bits: 2^64 + 1 is not representable, 2^63 + 1 is. */
    long double a = VL(0x1p64L) + 1, b = VL(0x1p63L) + 1;
    printf("2^64+1 -> %.0Lf, 2^63+1 -> %.0Lf\n", a, b);
    CHECK(a == 0x1p64L && b != 0x1p63L);

    printf("printf widths: [%12.3Lf] [%-12.3Le] [%+Lg] [%Lg] [%Lg]\n",
           VL(-1234.5678L), VL(0.000123L), VL(1e30L), VL(100000.0L), VL(1e-5L));
    double d = (double)third;
    printf("ld -> double -> ld: %.20Lg\n", (long double)d);

    printf("longdouble: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
