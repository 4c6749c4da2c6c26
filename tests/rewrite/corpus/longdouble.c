/* long double (x87) arithmetic, conversions and libm calls. */
#include <math.h>
#include <stdio.h>

static long double poly(long double x)
{
    return ((3.0L * x + 2.0L) * x - 7.5L) * x + 1.25L;
}

int main(int argc, char **argv)
{
    (void)argv;
    long double x = argc + 0.5L, acc = 0;
    for (int i = 0; i < 10; i++)
        acc += poly(x + i) / (i + 1);
    long double s = sqrtl(acc), l = logl(acc), p = powl(x, 3.5L);
    long long n = (long long)acc;
    unsigned long long u = (unsigned long long)(acc * 3);
    double d = (double)acc;
    float fl = (float)s;
    printf("%.6Lf %.6Lf %.6Lf %lld %llu %f %f %.3Lf\n", s, l, p, n, u, d, fl, fmodl(acc, 7.0L));
    return 0;
}
