/* __thread variables with many threads: 16 threads each sum into their
 * own thread-local counters (initialized and zero-initialized TLS, a TLS
 * array, a pointer to TLS handed to a helper) and into a shared atomic;
 * the main thread's TLS must stay untouched. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

enum { NTHREADS = 16, ITER = 20000 };

static __thread long tls_sum;                   /* .tbss */
static __thread int tls_init = 1234;            /* .tdata */
static __thread uint32_t tls_array[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
__thread char tls_name[16];                     /* external linkage */
static atomic_long shared_sum;

static void add_through_pointer(long *p, long v) { *p += v; }

struct result {
    long sum;
    int init;
    uint32_t arr;
    char name0;
    uintptr_t addr;
};
static struct result results[NTHREADS];

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    struct result *r = &results[id];
    r->init = tls_init;                 /* every thread starts from the image */
    tls_init += id;
    tls_name[0] = (char)('A' + id);
    for (int i = 1; i <= ITER; i++) {
        tls_sum += i % (id + 1);
        add_through_pointer(&tls_sum, 1);
        tls_array[i & 7] += (uint32_t)id;
        atomic_fetch_add_explicit(&shared_sum, 1, memory_order_relaxed);
    }
    uint32_t a = 0;
    for (int i = 0; i < 8; i++)
        a += tls_array[i];
    r->sum = tls_sum;
    r->arr = a;
    r->name0 = tls_name[0];
    r->addr = (uintptr_t)&tls_sum;
    CHECK(tls_init == 1234 + id);
    return NULL;
}

int main(void)
{
    pthread_t t[NTHREADS];
    tls_sum = -1;
    tls_name[0] = 'M';
    for (int i = 0; i < NTHREADS; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) != 0) {
            printf("pthread_create failed\n");
            return 1;
        }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);

    int distinct = 1;
    for (int i = 0; i < NTHREADS; i++) {
        long want = ITER;
        for (int k = 1; k <= ITER; k++)
            want += k % (i + 1);
        printf("thread %2d: sum %ld init %d array %u name %c\n", i, results[i].sum,
               results[i].init, results[i].arr, results[i].name0);
        CHECK(results[i].sum == want);
        CHECK(results[i].init == 1234);
        CHECK(results[i].arr == 36 + (uint32_t)i * ITER);
        CHECK(results[i].name0 == 'A' + i);
        for (int j = 0; j < i; j++)
            distinct &= results[i].addr != results[j].addr;
    }
    printf("distinct TLS addresses: %d\n", distinct);
    CHECK(distinct);
    printf("shared atomic sum: %ld\n", atomic_load(&shared_sum));
    CHECK(atomic_load(&shared_sum) == (long)NTHREADS * ITER);
    printf("main thread TLS: %ld %d %c\n", tls_sum, tls_init, tls_name[0]);
    CHECK(tls_sum == -1 && tls_init == 1234 && tls_name[0] == 'M');

    printf("tls_threads: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
