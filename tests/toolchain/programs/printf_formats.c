/* printf conversions and flags whose output C fully specifies (so glibc
 * and musl agree): integers of every length modifier, %o %x %X %u %c %s,
 * field width and precision (also from arguments), the - + space # 0
 * flags, %e %f %g %a of doubles including exact halfway cases, %%, %n,
 * and long strings. No %p, no NaN, no locale-dependent output. */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

int main(void)
{
    printf("[%d] [%i] [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d] [%-+8.3d]\n",
           42, -42, 42, 42, 42, 42, 42, 7, -7, 7);
    signed char sc = -128;
    printf("[%hhd] [%hd] [%ld] [%lld] [%jd] [%zd] [%td]\n", sc,
           (short)-32768, LONG_MIN, LLONG_MAX, (intmax_t)INTMAX_MIN, (ssize_t)-1, (ptrdiff_t)-99);
    printf("[%hhu] [%hu] [%lu] [%llu] [%ju] [%zu]\n", (unsigned char)255, (unsigned short)65535,
           ULONG_MAX, ULLONG_MAX, (uintmax_t)UINTMAX_MAX, (size_t)123456789);
    printf("[%o] [%#o] [%x] [%#x] [%X] [%#X] [%#.8x] [%#010x] [%#o]\n",
           8, 8, 255, 255, 48879, 48879, 1, 1, 0);
    printf("[%" PRId64 "] [%" PRIu64 "] [%" PRIx64 "] [%" PRIo32 "]\n",
           INT64_MIN, UINT64_MAX, (uint64_t)0xdeadbeefcafebabeull, (uint32_t)511);
    printf("[%c] [%3c] [%-3c] [%s] [%.2s] [%6s] [%-6s] [%.0s] [%6.2s]\n",
           'x', 'y', 'z', "hello", "hello", "hi", "hi", "gone", "abc");
    printf("[%*d] [%-*d] [%.*d] [%*.*s]\n", 6, 1, 6, 2, 4, 3, 5, 2, "abcdef");
    printf("[%.0d] [%.0x] [%#.0o] [%+.0d]\n", 0, 0, 0, 0);

    printf("[%f] [%.0f] [%.1f] [%.2f] [%10.4f] [%-10.2f] [%+.3f] [% f] [%#.0f]\n",
           3.14159, 2.5, 0.25, 1.005, -3.14159, 2.0, 1.0, 1.5, 3.0);
    printf("[%e] [%.0e] [%.3e] [%E] [%12.4e] [%+e]\n", 12345.678, 5e10, 0.000123456, 1e-300,
           -1.5, 0.0);
    printf("[%g] [%g] [%g] [%g] [%.3g] [%#g] [%g] [%G] [%.10g] [%g]\n", 100000.0, 1000000.0,
           0.0001, 0.00001, 3.14159, 1.0, 1e100, 1e-100, 1.0 / 3, -0.0);
    /* (not subnormals: glibc and musl normalize them differently) */
    printf("[%a] [%a] [%.3a] [%A] [%a] [%a]\n", 1.0, 0.1, 1.0 / 3, 255.5, 0x1p-1022, -2.0);
    /* Exact binary halfway cases round to even. */
    printf("[%.0f] [%.0f] [%.0f] [%.0f] [%.1f] [%.1f] [%.2f]\n", 0.5, 1.5, 2.5, -0.5, 0.25,
           0.35, 1.125);
    printf("[%.20f] [%.17g] [%.17g] [%.25e]\n", 0.1, 0.1, 1e23, 1.0 / 3);
    printf("[%f] [%.3f] [%g]\n", 1e20, 123456789012345678.0, 1.7976931348623157e308);
    printf("[%.40f]\n", 5e-324);
    printf("[%e] [%g]\n", 1.0 / 0.0 > 0 ? 1e308 * 10 : 0.0, -1e308 * 10);

    int n1 = 0, n2 = 0;
    printf("abc%ndef%n\n", &n1, &n2);
    printf("[%%] [n: %d %d]\n", n1, n2);
    CHECK(n1 == 3 && n2 == 6);

    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    int r = printf("%s|%1000d|\n", big + 1900, 5);
    printf("long line returned %d\n", r);
    CHECK(r == 99 + 1 + 1000 + 2);

    char buf[256];
    int len = sprintf(buf, "%-8s|%08.3f|%+5d|%x", "ab", -3.14159, 17, 0xabcu);
    printf("sprintf: %s (%d)\n", buf, len);
    CHECK(strcmp(buf, "ab      |-003.142|  +17|abc") == 0 && len == 27);

    printf("printf_formats: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
