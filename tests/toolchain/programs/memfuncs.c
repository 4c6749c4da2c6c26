/* memcpy, memmove, memset, memcmp, memchr, strlen, strcmp, strncmp,
 * strchr of every size 0..300 at every alignment 0..15 (source and
 * destination), checked against byte loops, including the bytes around
 * the destination (no overrun). The checksum of all results is printed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c) && failures++ < 20) printf("FAIL line %d: %s\n", __LINE__, #c); } while (0)

enum { MAXN = 300, PAD = 64 };
static unsigned char src[MAXN + 2 * PAD], dst[MAXN + 2 * PAD], ref[MAXN + 2 * PAD];

/* Copies through volatile pointers: the reference the compiler cannot
 * turn back into a library call. */
static void ref_copy(volatile unsigned char *d, const volatile unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

static void ref_move(volatile unsigned char *d, const volatile unsigned char *s, size_t n)
{
    unsigned char tmp[MAXN + 2 * PAD];
    for (size_t i = 0; i < n; i++)
        tmp[i] = s[i];
    for (size_t i = 0; i < n; i++)
        d[i] = tmp[i];
}

static void reset(void)
{
    for (size_t i = 0; i < sizeof src; i++) {
        src[i] = (unsigned char)(i * 7 + 1);
        dst[i] = ref[i] = (unsigned char)(0xa5 ^ i);
    }
}

static uint32_t hash;
static void mix(uint32_t v) { hash = (hash ^ v) * 16777619u; }

int main(void)
{
    /* memcpy / memset / memcmp: all sizes, both alignments. */
    for (size_t n = 0; n <= MAXN; n++)
        for (size_t sa = 0; sa < 16; sa++)
            for (size_t da = 0; da < 16; da += (n > 64 ? 5 : 1)) {
                reset();
                memcpy(dst + PAD + da, src + PAD + sa, n);
                ref_copy(ref + PAD + da, src + PAD + sa, n);
                CHECK(memcmp(dst, ref, sizeof dst) == 0);
                int c = memcmp(dst + PAD + da, src + PAD + sa, n);
                CHECK(c == 0);
                if (n) {
                    dst[PAD + da + n - 1] ^= 0x80;
                    c = memcmp(dst + PAD + da, src + PAD + sa, n);
                    CHECK((c > 0) == ((dst[PAD + da + n - 1]) > src[PAD + sa + n - 1]) && c != 0);
                }
                memset(dst + PAD + da, (int)(n + sa), n);
                for (size_t i = 0; i < n; i++)
                    ref[PAD + da + i] = (unsigned char)(n + sa);
                if (n)
                    ref[PAD + da + n - 1] = (unsigned char)(n + sa);
                CHECK(memcmp(dst, ref, sizeof dst) == 0);
                mix((uint32_t)(n * 31 + sa * 7 + da));
            }
    printf("memcpy/memset/memcmp done, hash %08x\n", hash);

    /* memmove: overlapping both ways, every offset pair in a window. */
    for (size_t n = 0; n <= MAXN; n += (n < 40 ? 1 : 13))
        for (int shift = -17; shift <= 17; shift++) {
            reset();
            size_t s0 = PAD + 20, d0 = (size_t)((long)s0 + shift);
            memcpy(dst, src, sizeof src);
            memcpy(ref, src, sizeof src);
            memmove(dst + d0, dst + s0, n);
            ref_move(ref + d0, ref + s0, n);
            CHECK(memcmp(dst, ref, sizeof dst) == 0);
            uint32_t h = 0;
            for (size_t i = 0; i < sizeof dst; i++)
                h = h * 31 + dst[i];
            mix(h);
        }
    printf("memmove done, hash %08x\n", hash);

    /* strlen / strcmp / strncmp / strchr / memchr at all alignments. */
    char s1[MAXN + 32], s2[MAXN + 32];
    for (size_t n = 0; n <= MAXN; n++)
        for (size_t a = 0; a < 16; a++) {
            for (size_t i = 0; i < n; i++)
                s1[a + i] = (char)('a' + (i * 5 + n) % 26);
            s1[a + n] = 0;
            memcpy(s2 + 15 - a, s1 + a, n + 1);
            CHECK(strlen(s1 + a) == n);
            CHECK(strcmp(s1 + a, s2 + 15 - a) == 0);
            CHECK(strncmp(s1 + a, s2 + 15 - a, n + 5) == 0);
            if (n) {
                s2[15 - a + n - 1]++;
                CHECK(strcmp(s1 + a, s2 + 15 - a) < 0 && strcmp(s2 + 15 - a, s1 + a) > 0);
                CHECK(strncmp(s1 + a, s2 + 15 - a, n - 1) == 0);
                CHECK(strncmp(s1 + a, s2 + 15 - a, n) < 0);
                s2[15 - a + n - 1]--;
                char want = s1[a + n - 1];
                char *p = strchr(s1 + a, want), *q = memchr(s1 + a, want, n);
                size_t first = 0;
                while (s1[a + first] != want)
                    first++;
                CHECK(p == s1 + a + first && q == p);
                CHECK(strrchr(s1 + a, want) != NULL);
                mix((uint32_t)first);
            }
            CHECK(strchr(s1 + a, 0) == s1 + a + n);
            CHECK(memchr(s1 + a, 'Z', n) == NULL);
        }
    printf("string functions done, hash %08x\n", hash);

    printf("memfuncs: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
