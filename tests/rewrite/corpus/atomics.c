/* C11 atomics: fetch-add, compare-exchange, exchange, fences, flags, and a
 * 16-byte compare-exchange. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic long counter;
static _Atomic int flagv;
static atomic_flag lock = ATOMIC_FLAG_INIT;
static _Atomic unsigned char small;

int main(void)
{
    long expected = 0;
    for (int i = 0; i < 100; i++)
        atomic_fetch_add_explicit(&counter, i, memory_order_relaxed);
    atomic_compare_exchange_strong(&counter, &expected, 7);
    long old = atomic_exchange(&counter, 5000);
    atomic_thread_fence(memory_order_seq_cst);
    atomic_store(&flagv, 3);
    int f = atomic_fetch_or(&flagv, 8) | atomic_fetch_and(&flagv, 9);
    while (atomic_flag_test_and_set(&lock))
        ;
    atomic_flag_clear(&lock);
    atomic_fetch_sub(&small, 1);
    __int128 big = 0, want = 5;
    __atomic_compare_exchange_n(&big, &want, (__int128)9, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    printf("%ld %ld %d %d %d\n", old, atomic_load(&counter), f, (int)small, (int)want);
    return 0;
}
