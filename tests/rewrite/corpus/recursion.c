/* Recursion: mutual, tail calls, Ackermann, many arguments on the stack. */
#include <stdio.h>

static int is_even(unsigned n);
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }

static long ack(long m, long n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static long many(long a, long b, long c, long d, long e, long f, long g, long h,
                 long i, long j, double x, double y)
{
    return a + b * c - d + e * f - g + h * i - j + (long)(x * y);
}

static long tail(long n, long acc) { return n ? tail(n - 1, acc + n) : acc; }

int main(void)
{
    printf("%d %ld %ld %ld\n", is_even(10001), ack(2, 3),
           many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1.5, 2.0), tail(100000, 0));
    return 0;
}
