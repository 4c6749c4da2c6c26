/* memcpy/memset/memmove/memcmp of many sizes (inline expansions with rep
 * movs/stos and library calls), struct copies, and string instructions in
 * inline assembly (every width, rep prefixes, lods/scas/cmps). */
#include <stdio.h>
#include <string.h>

struct big { char b[300]; };
struct mid { long a[5]; };
static struct big gb;

static __attribute__((noinline)) struct big copy_big(struct big x) { x.b[3]++; return x; }

static void asm_strings(char *dst, const char *src, size_t n)
{
    size_t c = n;
    void *d = dst;
    const void *s = src;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(c) : : "memory");
    c = n / 2; d = dst; s = src;
    __asm__ volatile("rep movsw" : "+D"(d), "+S"(s), "+c"(c) : : "memory");
    c = n / 8; d = dst;
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(c) : "a"(0x4141414141414141UL) : "memory");
    c = n / 4; d = dst;
    __asm__ volatile("rep stosl" : "+D"(d), "+c"(c) : "a"(0x42424242) : "memory");
    c = n / 2; d = dst;
    __asm__ volatile("rep stosw" : "+D"(d), "+c"(c) : "a"(0x4343) : "memory");
    unsigned char al;
    s = src;
    __asm__ volatile("lodsb" : "=a"(al), "+S"(s) : : "memory");
    c = n; d = dst;
    __asm__ volatile("repne scasb" : "+D"(d), "+c"(c) : "a"(0x43) : "memory", "cc");
    c = n; d = dst; s = src;
    __asm__ volatile("repe cmpsb" : "+D"(d), "+S"(s), "+c"(c) : : "memory", "cc");
    c = n / 8; d = dst; s = src;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(c) : : "memory");
    d = dst; s = src;
    __asm__ volatile("movsl\n\tmovsb\n\tstosb\n\tlodsw\n\tlodsl\n\tlodsq\n\tscasw\n\tcmpsq"
                     : "+D"(d), "+S"(s) : "a"(0) : "memory", "cc");
}

int main(void)
{
    char a[1024], b[1024];
    unsigned sum = 0;
    for (int n = 0; n < 1024; n = n * 2 + 1) {
        memset(a, n, n);
        memcpy(b, a, n);
        memmove(b + 1, b, n / 2);
        sum += memcmp(a, b, n) != 0;
    }
    memset(a, 0, 7); memset(a, 0, 16); memset(a, 0, 33); memset(a, 0, 64);
    memset(a, 0, 100); memset(a, 0, 256); memset(a, 1, 1000);
    memcpy(b, a, 3); memcpy(b, a, 8); memcpy(b, a, 24); memcpy(b, a, 40);
    memcpy(b, a, 128); memcpy(b, a, 200); memcpy(b, a, 777);
    struct mid m1 = { { 1, 2, 3, 4, 5 } }, m2 = m1;
    gb.b[0] = 9;
    struct big x = copy_big(gb);
    asm_strings(b, a, 512);
    printf("%u %ld %d %d\n", sum, m2.a[4], x.b[0], b[3]);
    return 0;
}
