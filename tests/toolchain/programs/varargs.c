/* Variable arguments: ints of every width, doubles (in registers and on
 * the stack), long doubles, structs by value, va_copy, and forwarding a
 * va_list to vsnprintf. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

struct small { int a; char b; };
struct pair { double x, y; };
struct big { long v[5]; };

static long sum_ints(int n, ...)
{
    va_list ap;
    long s = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}

/* Mixed: a format string drives the types. */
static void mixed(char *out, size_t len, const char *fmt, ...)
{
    va_list ap;
    size_t pos = 0;
    va_start(ap, fmt);
    for (const char *p = fmt; *p && pos < len; p++) {
        int n = 0;
        switch (*p) {
        case 'i': n = snprintf(out + pos, len - pos, "i%d ", va_arg(ap, int)); break;
        case 'l': n = snprintf(out + pos, len - pos, "l%lld ", va_arg(ap, long long)); break;
        case 'u': n = snprintf(out + pos, len - pos, "u%llu ", (unsigned long long)va_arg(ap, uint64_t)); break;
        case 'd': n = snprintf(out + pos, len - pos, "d%.17g ", va_arg(ap, double)); break;
        case 'L': n = snprintf(out + pos, len - pos, "L%.21Lg ", va_arg(ap, long double)); break;
        case 's': n = snprintf(out + pos, len - pos, "s%s ", va_arg(ap, const char *)); break;
        case 'S': { struct small s = va_arg(ap, struct small);
                    n = snprintf(out + pos, len - pos, "S{%d,%c} ", s.a, s.b); break; }
        case 'P': { struct pair s = va_arg(ap, struct pair);
                    n = snprintf(out + pos, len - pos, "P{%g,%g} ", s.x, s.y); break; }
        case 'B': { struct big s = va_arg(ap, struct big);
                    n = snprintf(out + pos, len - pos, "B{%ld,%ld,%ld,%ld,%ld} ",
                                 s.v[0], s.v[1], s.v[2], s.v[3], s.v[4]); break; }
        }
        pos += (size_t)n;
    }
    va_end(ap);
}

static double sum_doubles_twice(int n, ...)
{
    va_list ap, copy;
    double s1 = 0, s2 = 0;
    va_start(ap, n);
    va_copy(copy, ap);
    for (int i = 0; i < n; i++)
        s1 += va_arg(ap, double);
    for (int i = 0; i < n; i++)
        s2 += va_arg(copy, double);
    va_end(copy);
    va_end(ap);
    return s1 == s2 ? s1 : -1;
}

static int vformat(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

/* A va_list passed down by pointer and consumed in two helpers. */
static int take_int(va_list *ap) { return va_arg(*ap, int); }
static double take_double(va_list *ap) { return va_arg(*ap, double); }
static double by_pointer(int n, ...)
{
    va_list ap;
    double s = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        s += take_int(&ap) * take_double(&ap);
    va_end(ap);
    return s;
}

int main(void)
{
    char buf[1024];
    long s = sum_ints(20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
    printf("sum_ints(1..20) = %ld\n", s);
    CHECK(s == 210);
    CHECK(sum_ints(0) == 0);
    CHECK(sum_ints(3, -1, -2, -3) == -6);

    double d = sum_doubles_twice(12, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5);
    printf("sum_doubles_twice = %.17g\n", d);
    CHECK(d == 72.0);

    struct small sm = { -7, 'q' };
    struct pair pr = { 0.25, -1e10 };
    struct big bg = { { 1, -2, 3, -4, 5000000000L } };
    mixed(buf, sizeof buf, "ilLdusSPBidLi", 1, -123456789012345LL, 1.0L / 3, 2.0 / 3,
          (uint64_t)UINT64_MAX, "str", sm, pr, bg, -5, 1e300, -0.1L, 99);
    printf("mixed: %s\n", buf);
    CHECK(strcmp(buf, "i1 l-123456789012345 L0.333333333333333333342 d0.66666666666666663 "
                      "u18446744073709551615 sstr S{-7,q} P{0.25,-1e+10} "
                      "B{1,-2,3,-4,5000000000} i-5 d1.0000000000000001e+300 "
                      "L-0.100000000000000000001 i99 ") == 0);

    /* Many doubles and ints interleaved: some on the stack. */
    double bp = by_pointer(10, 1, 0.5, 2, 0.5, 3, 0.5, 4, 0.5, 5, 0.5, 6, 0.5, 7, 0.5, 8, 0.5,
                           9, 0.5, 10, 0.5);
    printf("by_pointer = %.17g\n", bp);
    CHECK(bp == 27.5);

    int n = vformat(buf, sizeof buf, "%d|%5.2f|%-6s|%x|%c|%Lf", 42, 3.14159, "ab", 255, 'Z', 2.5L);
    printf("vformat: %s (%d)\n", buf, n);
    CHECK(strcmp(buf, "42| 3.14|ab    |ff|Z|2.500000") == 0 && n == 29);

    printf("varargs: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
