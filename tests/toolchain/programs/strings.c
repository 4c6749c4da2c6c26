/* String functions: strcpy/strncpy (padding), strcat/strncat, strstr,
 * strspn/strcspn/strpbrk, strtok_r, strdup/strndup, memchr/memrchr,
 * strnlen, strcasecmp, toupper/tolower, and number parsing with strtol,
 * strtoul, strtoll (bases 0..36, endptr, overflow clamping, errno ERANGE
 * compared by value), atoi and strtod. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

int main(void)
{
    char buf[64];
    strcpy(buf, "hello");
    strcat(buf, ", world");
    printf("strcpy/strcat: [%s] %zu\n", buf, strlen(buf));
    CHECK(strcmp(buf, "hello, world") == 0);
    char pad[10];
    memset(pad, 'X', sizeof pad);
    strncpy(pad, "abc", sizeof pad);
    int zeros = 0;
    for (int i = 3; i < 10; i++)
        zeros += pad[i] == 0;
    printf("strncpy pads with %d zeros\n", zeros);
    CHECK(zeros == 7);
    const char *volatile tail = "!!!???";     /* opaque: truncation is the point */
    strncat(buf, tail, 3);
    printf("strncat: [%s]\n", buf);
    CHECK(strcmp(buf, "hello, world!!!") == 0);

    const char *hay = "the quick brown fox jumps over the lazy dog";
    printf("strstr: [%s] [%s] %d\n", strstr(hay, "fox"), strstr(hay, "the lazy"),
           strstr(hay, "cat") == NULL);
    CHECK(strstr(hay, "") == hay);
    printf("strspn %zu strcspn %zu strpbrk [%s]\n", strspn(hay, "the "), strcspn(hay, "qz"),
           strpbrk(hay, "xyz"));
    printf("strchr [%s] strrchr [%s] memrchr [%s]\n", strchr(hay, 'o'), strrchr(hay, 'o'),
           (char *)memrchr(hay, 'e', strlen(hay)));
    printf("strnlen %zu %zu\n", strnlen(hay, 10), strnlen("ab", 10));

    char text[] = "a,b;;c, d ,e";
    char *save, *tok;
    printf("strtok_r:");
    for (tok = strtok_r(text, ",; ", &save); tok; tok = strtok_r(NULL, ",; ", &save))
        printf(" [%s]", tok);
    printf("\n");

    char *d = strdup("duplicate"), *nd = strndup("truncate me", 8);
    printf("strdup [%s] strndup [%s]\n", d, nd);
    CHECK(strcmp(nd, "truncate") == 0);
    free(d);
    free(nd);
    printf("strcasecmp %d %d strncasecmp %d\n", strcasecmp("HeLLo", "hello") == 0,
           strcasecmp("abc", "ABD") < 0, strncasecmp("ABCx", "abcY", 3) == 0);

    char up[32];
    const char *mixed = "MiXeD cAsE 123!";
    size_t i;
    for (i = 0; mixed[i]; i++)
        up[i] = (char)toupper((unsigned char)mixed[i]);
    up[i] = 0;
    printf("toupper [%s] isdigit %d isspace %d isalpha %d ispunct %d\n", up, isdigit('7') != 0,
           isspace('\t') != 0, isalpha('_') != 0, ispunct('!') != 0);

    static const char *nums[] = { "0", "-17", "  +42xyz", "0x1fG", "0777", "z", "2147483648",
                                  "-9223372036854775809", "18446744073709551615", "   ", "1e5" };
    for (size_t k = 0; k < sizeof nums / sizeof *nums; k++) {
        char *end;
        errno = 0;
        long v = strtol(nums[k], &end, 0);
        int e1 = errno == ERANGE;
        errno = 0;
        unsigned long long u = strtoull(nums[k], NULL, 0);
        int e2 = errno == ERANGE;
        printf("strtol(\"%s\") = %ld erange %d rest [%s]; strtoull = %llu erange %d\n",
               nums[k], v, e1, end, u, e2);
    }
    printf("base 36: %ld base 2: %ld base 16: %lx\n", strtol("zz", NULL, 36),
           strtol("101010", NULL, 2), strtoul("DeadBeef", NULL, 16));
    CHECK(strtol("zz", NULL, 36) == 1295 && strtol("-9223372036854775809", NULL, 10) == LONG_MIN);
    printf("atoi %d atol %ld\n", atoi("  -123abc"), atol("99999999999"));

    static const char *fl[] = { "3.14159", "-0.0", "1e-320", "0x1.8p3", "  12.5e+2xyz",
                                "1.7976931348623157e308", "4.9e-324", "123456789012345678901234567890" };
    for (size_t k = 0; k < sizeof fl / sizeof *fl; k++) {
        char *end;
        double v = strtod(fl[k], &end);
        printf("strtod(\"%s\") = %.17g rest [%s]\n", fl[k], v, end);
    }

    printf("strings: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
