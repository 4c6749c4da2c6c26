/* Deep recursion: depth 100,000 with a small frame (must fit the 8 MiB
 * default stack even at -O0), mutual recursion, and a recursion the
 * compiler cannot turn into a loop (work after the call, address of a
 * local taken). */
#include <stdint.h>
#include <stdio.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

static volatile int sink;

static uint64_t depth_sum(int n, const int *parent)
{
    int here = n;           /* a local whose address escapes */
    if (n == 0)
        return 0;
    if (parent && *parent != n + 1)
        sink = 1;
    return depth_sum(n - 1, &here) + (uint64_t)n;
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static uint64_t ackermann(uint64_t m, uint64_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void)
{
    uint64_t s = depth_sum(100000, NULL);
    printf("depth_sum(100000) = %llu\n", (unsigned long long)s);
    CHECK(s == 5000050000ull && sink == 0);
    printf("is_even(50001) = %d, is_odd(50001) = %d\n", is_even(50001), is_odd(50001));
    CHECK(!is_even(50001) && is_odd(50001));
    printf("ackermann(2, 300) = %llu, ackermann(3, 6) = %llu\n",
           (unsigned long long)ackermann(2, 300), (unsigned long long)ackermann(3, 6));
    CHECK(ackermann(2, 300) == 603 && ackermann(3, 6) == 509);
    printf("fib(25) = %d\n", fib(25));
    CHECK(fib(25) == 75025);
    printf("recursion: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
