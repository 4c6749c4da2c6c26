/* alloca, variable-length arrays, large frames, deep recursion. */
#include <alloca.h>
#include <stdio.h>
#include <string.h>

static int deep(int n) { return n == 0 ? 0 : 1 + deep(n - 1); }

static long vla(int n)
{
    long a[n];
    for (int i = 0; i < n; i++)
        a[i] = i * i;
    long s = 0;
    for (int i = 0; i < n; i++)
        s += a[i];
    return s;
}

static int big_frame(int k)
{
    char buf[1 << 20];
    memset(buf, k, sizeof buf);
    return buf[k * 1000] + buf[sizeof buf - 1];
}

static int aligned_alloca(int n)
{
    char *p = alloca(n);
    _Alignas(64) char q[200];
    memset(p, 1, n);
    memset(q, 2, sizeof q);
    return p[n - 1] + q[199] + (int)((unsigned long)q % 64);
}

int main(void)
{
    long v = 0;
    for (int n = 1; n < 300; n += 37)
        v += vla(n);
    printf("%d %ld %d %d\n", deep(100000), v, big_frame(3), aligned_alloca(1000));
    return 0;
}
