/* snprintf truncation: every buffer size from 0 to past the full length
 * for several formats; the return value is always the untruncated length,
 * the output is always NUL-terminated and a prefix of the full output,
 * and nothing past the given size is written. Also vsnprintf with NULL
 * and size 0 to measure, and asprintf-free building of a long string. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c) && failures++ < 20) printf("FAIL line %d: %s\n", __LINE__, #c); } while (0)

static int measure(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    return n;
}

#define TRY(...) do {                                                           \
        char full[512], buf[512];                                               \
        int len = snprintf(full, sizeof full, __VA_ARGS__);                     \
        CHECK(len == measure(__VA_ARGS__));                                     \
        for (size_t sz = 0; sz <= (size_t)len + 2; sz++) {                      \
            memset(buf, '#', sizeof buf);                                       \
            int r = snprintf(buf, sz, __VA_ARGS__);                             \
            CHECK(r == len);                                                    \
            if (sz) {                                                           \
                size_t keep = sz - 1 < (size_t)len ? sz - 1 : (size_t)len;      \
                CHECK(memcmp(buf, full, keep) == 0 && buf[keep] == 0);          \
            }                                                                   \
            CHECK(buf[sz] == '#' && buf[sz + 1] == '#');                        \
        }                                                                       \
        printf("%3d [%s]\n", len, full);                                        \
    } while (0)

int main(void)
{
    TRY("%s", "");
    TRY("plain text without conversions");
    TRY("%d|%5d|%-5d|%05d", 1, -2, 3, -4);
    TRY("%s and %s", "first", "second");
    TRY("%.3f %e %g", 3.14159265, 1234.5, 0.0001234);
    TRY("%lld %llx %llo", -1234567890123LL, 0xfedcba9876543210ULL, 0777ULL);
    TRY("%c%c%c%%%c", 'a', 'b', 'c', 'd');
    TRY("%20s|%-20s|%.2s", "right", "left", "cut");
    TRY("%#x %#o %+d % d", 255, 8, 5, 5);
    TRY("%.30f", 1.0 / 7);

    char small[8];
    volatile int num = 123456789;             /* opaque: truncation is the point */
    int r = snprintf(small, sizeof small, "%d", num);
    printf("snprintf(8, 123456789) -> [%s] returns %d\n", small, r);
    CHECK(r == 9 && strcmp(small, "1234567") == 0);

    char longbuf[4096];
    size_t pos = 0;
    for (int i = 0; i < 300; i++) {
        int n = snprintf(longbuf + pos, sizeof longbuf - pos, "%d,", i * i);
        if (n < 0 || (size_t)n >= sizeof longbuf - pos)
            break;
        pos += (size_t)n;
    }
    printf("built %zu chars, ends with [%s]\n", pos, longbuf + pos - 12);

    printf("snprintf: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
