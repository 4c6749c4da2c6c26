/* SSE floating point: arithmetic, conversions, vectorizable loops, complex. */
#include <complex.h>
#include <math.h>
#include <stdio.h>

static float dot(const float *a, const float *b, int n)
{
    float s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

int main(int argc, char **argv)
{
    (void)argv;
    float a[256], b[256];
    double d = 0;
    for (int i = 0; i < 256; i++) {
        a[i] = (float)i / (argc + 1);
        b[i] = (float)(256 - i);
        d += sqrt((double)i) * (i & 1 ? -1 : 1);
    }
    double complex z = CMPLX(1.5, -2.0) * cexp(I * d);
    unsigned u = (unsigned)(d * 1000);
    printf("%f %f %f %f %u %d\n", dot(a, b, 256), d, creal(z), cimag(z), u, (int)lrint(d));
    return 0;
}
