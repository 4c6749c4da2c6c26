/* 128-bit integer arithmetic (multiply, divide via the compiler runtime,
 * shifts, comparisons). */
#include <stdio.h>

typedef unsigned __int128 u128;
typedef __int128 i128;

static u128 fact(unsigned n) { return n < 2 ? 1 : n * fact(n - 1); }

int main(int argc, char **argv)
{
    (void)argv;
    u128 f = fact(30 + (unsigned)argc - 1);
    u128 q = f / 1000000007u, r = f % 1000000007u;
    i128 s = -(i128)f >> 7;
    u128 m = (u128)0xffffffffffffffffULL * 0xfffffffffffffff1ULL;
    printf("%llu %llu %lld %llu %d\n", (unsigned long long)(q >> 64),
           (unsigned long long)r, (long long)s, (unsigned long long)(m >> 3),
           f > m);
    return 0;
}
