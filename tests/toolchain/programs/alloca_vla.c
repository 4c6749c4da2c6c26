/* alloca and variable-length arrays: sizes from 0 to 64 KiB, in loops and
 * recursion, 2-D VLAs, sizeof of a VLA, and alignment of the results. */
#include <alloca.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

static uint32_t fill_and_sum(unsigned char *p, size_t n, unsigned seed)
{
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7);
    for (size_t i = 0; i < n; i++)
        s = s * 33 + p[i];
    return s;
}

static uint32_t with_alloca(size_t n)
{
    unsigned char *p = alloca(n + 1);
    CHECK(((uintptr_t)p & 15) == 0);
    return fill_and_sum(p, n, (unsigned)n);
}

static uint32_t with_vla(size_t n)
{
    unsigned char v[n + 1];
    CHECK(sizeof v == n + 1);
    return fill_and_sum(v, n, (unsigned)n);
}

/* Recursion where every level allocates a different amount. */
static uint64_t nested(int depth, size_t n)
{
    if (depth == 0)
        return 0;
    long v[n];
    for (size_t i = 0; i < n; i++)
        v[i] = (long)(i * depth);
    char *a = alloca(n * 3 + 1);
    memset(a, depth, n * 3 + 1);
    uint64_t s = nested(depth - 1, (n * 5 + 3) % 97);
    for (size_t i = 0; i < n; i++)
        s += (uint64_t)v[i] + (unsigned char)a[i];
    return s;
}

static double matrix_trace(int n)
{
    double m[n][n];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            m[i][j] = i == j ? i + 0.5 : i * j;
    double t = 0;
    for (int i = 0; i < n; i++)
        t += m[i][i];
    CHECK(sizeof m == sizeof(double) * (size_t)n * (size_t)n);
    return t;
}

static void mat_mul(int n, double a[n][n], double b[n][n], double c[n][n])
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int k = 0; k < n; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

int main(void)
{
    uint32_t h = 0;
    for (size_t n = 0; n <= 65536; n = n ? n * 2 + 1 : 1) {
        uint32_t a = with_alloca(n), b = with_vla(n);
        CHECK(a == b);
        h = h * 31 + a;
    }
    printf("alloca/vla hash: %u\n", h);

    /* alloca in a loop: every block stays valid until return. */
    char *blocks[50];
    for (int i = 0; i < 50; i++) {
        blocks[i] = alloca((size_t)i * 10 + 1);
        memset(blocks[i], 'a' + i % 26, (size_t)i * 10 + 1);
    }
    int ok = 1;
    for (int i = 0; i < 50; i++)
        for (int j = 0; j <= i * 10; j++)
            ok &= blocks[i][j] == 'a' + i % 26;
    printf("alloca loop blocks intact: %d\n", ok);
    CHECK(ok);

    uint64_t s = nested(200, 40);
    printf("nested: %llu\n", (unsigned long long)s);

    printf("trace(50) = %.1f\n", matrix_trace(50));
    CHECK(matrix_trace(50) == 1250.0);

    int n = 12;
    double a[n][n], b[n][n], c[n][n];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            a[i][j] = i + j;
            b[i][j] = i == j;
        }
    mat_mul(n, a, b, c);
    int same = memcmp(a, c, sizeof a) == 0;
    printf("identity product equal: %d\n", same);
    CHECK(same);

    printf("alloca_vla: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
