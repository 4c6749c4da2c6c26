/* 128-bit integers: arithmetic that calls the compiler builtins
 * (__divti3, __udivti3, __modti3, __umodti3, conversions to and from
 * floating point), printed in decimal by our own routine and checked
 * against identities: (a / b) * b + a % b == a, factorials, powers,
 * INT128_MIN edge cases, and shifts by every amount. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c) && failures++ < 20) printf("FAIL line %d: %s\n", __LINE__, #c); } while (0)

typedef __int128 i128;
typedef unsigned __int128 u128;

static const char *u128_str(u128 v, char *buf)
{
    char tmp[48];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
    return buf;
}

static const char *i128_str(i128 v, char *buf)
{
    if (v < 0) {
        buf[0] = '-';
        u128_str(-(u128)v, buf + 1);
        return buf;
    }
    return u128_str((u128)v, buf);
}

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static volatile int vshift;

int main(void)
{
    char b1[48], b2[48], b3[48];
    const u128 umax = ~(u128)0;
    const i128 imax = (i128)(umax >> 1), imin = -imax - 1;
    printf("u128 max = %s\n", u128_str(umax, b1));
    printf("i128 max = %s\n", i128_str(imax, b1));
    printf("i128 min = %s\n", i128_str(imin, b1));
    CHECK(strcmp(u128_str(umax, b1), "340282366920938463463374607431768211455") == 0);

    u128 f = 1;
    for (int i = 1; i <= 34; i++)
        f *= (u128)i;
    printf("34! = %s\n", u128_str(f, b1));
    CHECK(strcmp(b1, "295232799039604140847618609643520000000") == 0);
    u128 g = f;
    for (int i = 34; i >= 1; i--) {
        CHECK(g % (u128)i == 0);
        g /= (u128)i;
    }
    CHECK(g == 1);

    u128 p3 = 1;
    for (int i = 0; i < 80; i++)
        p3 *= 3;
    printf("3^80 = %s, / 10^20 = %s, %% 10^20 = %s\n", u128_str(p3, b1),
           u128_str(p3 / ((u128)10000000000ull * 10000000000ull), b2),
           u128_str(p3 % ((u128)10000000000ull * 10000000000ull), b3));

    /* Division identities on random operands of random widths. */
    uint64_t h = 0;
    for (int i = 0; i < 20000; i++) {
        u128 a = (u128)next() << 64 | next(), b = (u128)next() << 64 | next();
        a >>= next() % 128;
        b >>= next() % 128;
        if (b == 0)
            b = 1;
        u128 q = a / b, r = a % b;
        CHECK(q * b + r == a && r < b);
        i128 sa = (i128)a * ((next() & 1) ? -1 : 1), sb = (i128)b * ((next() & 1) ? -1 : 1);
        if (sb == 0)
            sb = 1;
        i128 sq = sa / sb, sr = sa % sb;
        CHECK(sq * sb + sr == sa);
        CHECK(sr == 0 || (sr < 0) == (sa < 0));
        h = h * 31 + (uint64_t)q + (uint64_t)(r >> 64) + (uint64_t)sq;
    }
    printf("division hash %llu\n", (unsigned long long)h);

    i128 m = imin;
    printf("min / 1 = %s, min %% 7 = %s, min / -7 = %s\n", i128_str(m / 1, b1),
           i128_str(m % 7, b2), i128_str(m / -7, b3));

    int sh_ok = 1;
    for (int s = 0; s < 128; s++) {
        vshift = s;
        u128 one = (u128)1 << vshift;
        i128 neg = imin >> vshift;
        sh_ok &= (one >> vshift) == 1 && (neg < 0) && ((u128)neg >> (127 - vshift)) != 0;
    }
    printf("shifts ok %d\n", sh_ok);
    CHECK(sh_ok);

    /* Conversions to and from floating point (builtins in the sandbox). */
    volatile double d = 1e30;
    volatile long double ld = -1.5e35L;
    volatile float fl = 3.0e38f;
    i128 fromd = (i128)d, fromld = (i128)ld;
    u128 fromf = (u128)fl;
    printf("(i128)1e30 = %s\n(i128)-1.5e35L = %s\n(u128)3e38f = %s\n", i128_str(fromd, b1),
           i128_str(fromld, b2), u128_str(fromf, b3));
    volatile u128 big = umax;
    volatile i128 sbig = imin;
    printf("(double)u128max = %.17g (float)u128max = %.9g (long double)i128min = %.21Lg\n",
           (double)big, (double)(float)(big >> 1), (long double)sbig);
    CHECK((double)big == 0x1p128 && (long double)sbig == -0x1p127L);
    volatile u128 odd = ((u128)1 << 100) + ((u128)1 << 47) + 1;   /* rounds up in double */
    printf("(double)(2^100+2^47+1) = %.17g\n", (double)odd);
    CHECK((double)odd == 0x1.0000000000001p100);

    printf("int128: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
