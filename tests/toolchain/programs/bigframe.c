/* Large stack frames: a 1 MiB local array (touched from the far end
 * first, so the stack grows by more than a guard page at once), a chain
 * of 256 KiB frames, and a large struct passed and returned by value. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

static uint64_t one_mib(unsigned seed)
{
    volatile unsigned char buf[1 << 20];
    for (long i = (long)sizeof buf - 1; i >= 0; i -= 4096)
        buf[i] = (unsigned char)(seed + i);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 13 + seed);
    uint64_t s = 0;
    for (size_t i = 0; i < sizeof buf; i += 7)
        s += buf[i];
    return s;
}

static uint64_t chain(int n)
{
    volatile uint32_t frame[65536];         /* 256 KiB */
    frame[0] = (uint32_t)n;
    frame[65535] = (uint32_t)n * 3;
    uint64_t below = n ? chain(n - 1) : 0;
    return below + frame[0] + frame[65535];
}

struct blob { uint32_t v[4096]; };          /* 16 KiB */

static struct blob transform(struct blob b, uint32_t k)
{
    for (int i = 0; i < 4096; i++)
        b.v[i] = b.v[i] * k + (uint32_t)i;
    return b;
}

int main(void)
{
    uint64_t a = one_mib(1), b = one_mib(2);
    printf("one_mib: %llu %llu\n", (unsigned long long)a, (unsigned long long)b);
    CHECK(a != b);
    uint64_t c = chain(12);
    printf("chain(12) of 256 KiB frames: %llu\n", (unsigned long long)c);
    CHECK(c == 4 * 78);
    static struct blob in;
    for (int i = 0; i < 4096; i++)
        in.v[i] = (uint32_t)i;
    struct blob out = transform(transform(in, 3), 5);
    uint32_t h = 0;
    for (int i = 0; i < 4096; i++)
        h = h * 31 + out.v[i];
    printf("blob hash %u, input intact %d\n", h, in.v[4095] == 4095);
    CHECK(out.v[1] == 1 * 15 + 5 + 1 && in.v[4095] == 4095);
    printf("bigframe: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
