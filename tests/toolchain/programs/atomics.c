/* C11 atomics: threads incrementing counters of every width,
 * compare-exchange loops (a lock-free stack of indices and a max), an
 * atomic_flag spinlock guarding plain data, and 16- and 24-byte struct
 * atomics, which go through the runtime library (libatomic natively, our
 * builtins in the sandbox).
 *
 * toolchain: libatomic */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __clang__
#pragma clang diagnostic ignored "-Watomic-alignment"
#endif

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

enum { NTHREADS = 8, ITER = 5000 };

static atomic_char c8;
static atomic_short c16;
static atomic_int c32;
static atomic_llong c64;
static atomic_uint bits;
static atomic_int maxval;
static atomic_flag spin = ATOMIC_FLAG_INIT;
static long guarded;                            /* protected by spin */

struct pair { int64_t a, b; };                  /* 16 bytes */
struct triple { int64_t a, b, c; };             /* 24 bytes */
static _Atomic struct pair apair;
static _Atomic struct triple atriple;

/* Treiber stack of node indices; the head packs index and a tag. */
enum { NODES = 1024 };
static int next_of[NODES];
static _Atomic uint64_t head = UINT64_MAX;

static void push(int i)
{
    uint64_t old = atomic_load(&head), new;
    do {
        next_of[i] = (int)(uint32_t)old;
        new = ((old >> 32) + 1) << 32 | (uint32_t)i;
    } while (!atomic_compare_exchange_weak(&head, &old, new));
}

static int pop(void)
{
    uint64_t old = atomic_load(&head), new;
    do {
        if ((uint32_t)old == UINT32_MAX)
            return -1;
        new = ((old >> 32) + 1) << 32 | (uint32_t)next_of[(uint32_t)old];
    } while (!atomic_compare_exchange_weak(&head, &old, new));
    return (int)(uint32_t)old;
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < ITER; i++) {
        atomic_fetch_add(&c8, 1);
        atomic_fetch_add_explicit(&c16, 1, memory_order_relaxed);
        atomic_fetch_add(&c32, 3);
        atomic_fetch_sub(&c64, 2);
        atomic_fetch_or(&bits, 1u << ((id * 7 + i) % 32));

        int v = (id * 7919 + i * 104729) % 1000003, cur = atomic_load(&maxval);
        while (v > cur && !atomic_compare_exchange_weak(&maxval, &cur, v))
            ;

        while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire))
            ;
        guarded += id + 1;
        atomic_flag_clear_explicit(&spin, memory_order_release);

        struct pair p = atomic_load(&apair), q;
        do {
            q.a = p.a + 1;
            q.b = p.b - 1;              /* invariant: a + b == 0 */
        } while (!atomic_compare_exchange_strong(&apair, &p, q));

        struct triple t = atomic_load(&atriple), u;
        do {
            u.a = t.a + 1;
            u.b = t.b + id;
            u.c = u.a * 2;              /* invariant: c == 2a */
        } while (!atomic_compare_exchange_strong(&atriple, &t, u));

        int n = pop();
        if (n >= 0)
            push(n);
    }
    return NULL;
}

int main(void)
{
    for (int i = 0; i < NODES; i++)
        push(i);

    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);

    long n = (long)NTHREADS * ITER;
    printf("c8 %d c16 %d c32 %d c64 %lld\n", atomic_load(&c8), atomic_load(&c16),
           atomic_load(&c32), atomic_load(&c64));
    CHECK(atomic_load(&c8) == (char)n && atomic_load(&c16) == (short)n);
    CHECK(atomic_load(&c32) == 3 * n && atomic_load(&c64) == -2 * n);
    printf("bits %08x max %d guarded %ld\n", atomic_load(&bits), atomic_load(&maxval), guarded);
    CHECK(atomic_load(&bits) == 0xffffffffu && guarded == (long)ITER * (NTHREADS * (NTHREADS + 1) / 2));

    struct pair p = atomic_load(&apair);
    struct triple tr = atomic_load(&atriple);
    printf("pair %lld %lld triple %lld %lld %lld\n", (long long)p.a, (long long)p.b,
           (long long)tr.a, (long long)tr.b, (long long)tr.c);
    CHECK(p.a == n && p.b == -n);
    CHECK(tr.a == n && tr.c == 2 * n && tr.b == (long)ITER * (NTHREADS * (NTHREADS - 1) / 2));

    /* Every node is still on the stack exactly once. */
    static char seen[NODES];
    int count = 0, dup = 0, k;
    while ((k = pop()) >= 0) {
        dup |= seen[k];
        seen[k] = 1;
        count++;
    }
    printf("stack nodes %d duplicates %d\n", count, dup);
    CHECK(count == NODES && !dup);

    /* Single-threaded semantics of the operations and exchanges. */
    atomic_int x = 5;
    int e = 4;
    CHECK(!atomic_compare_exchange_strong(&x, &e, 9) && e == 5);
    CHECK(atomic_compare_exchange_strong(&x, &e, 9) && atomic_load(&x) == 9);
    CHECK(atomic_exchange(&x, 1) == 9 && atomic_fetch_xor(&x, 3) == 1 && atomic_load(&x) == 2);
    CHECK(atomic_fetch_and(&x, 0) == 2 && atomic_load(&x) == 0);
    struct pair big = { 1, 2 }, old = atomic_exchange(&apair, big), now;
    now = atomic_load(&apair);
    CHECK(old.a == n && now.b == 2);
    printf("lock-free: int %d llong %d\n", atomic_is_lock_free(&x), atomic_is_lock_free(&c64));

    printf("atomics: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
