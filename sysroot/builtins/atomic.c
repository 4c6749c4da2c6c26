/* libatomic's entry points: atomic operations on objects the CPU cannot
 * access atomically by itself (16 bytes without cmpxchg16b, odd sizes,
 * large structs, possibly misaligned objects).
 *
 * Such objects are protected by a small table of spinlocks hashed by the
 * object's address (every access to one C atomic object uses the same
 * address, hence the same lock). Sizes 1, 2, 4 and 8 at natural alignment
 * use the CPU's own atomic instructions, exactly as inline code does, so
 * the two mix. 16-byte objects are lock-free only when this file is built
 * with cmpxchg16b available (-mcx16, which defines
 * __GCC_HAVE_SYNC_COMPARE_AND_SWAP_16); programs that inline cmpxchg16b
 * (clang -mcx16) must then be linked with builtins built the same way.
 *
 * Like libatomic, a lock is not async-signal-safe: a signal handler that
 * touches the same locked object as the code it interrupted deadlocks.
 *
 * The compilers know these names as builtins and refuse definitions of
 * them, so the functions get C names and their symbol names come from asm
 * labels (a symbol rename, not inline assembly). */
#include "builtins.h"
#include <stdbool.h>

#ifdef LFI_BUILTINS_TEST
#define ATOMIC_FN(ret, name, params) ret lfi_test___atomic_##name params
#else
#define ATOMIC_FN(ret, name, params)                                    \
    ret lfi_atomic_##name params __asm__("__atomic_" #name);            \
    ret lfi_atomic_##name params
#endif

#define NLOCKS 64

/* One lock per 64-byte line, so unrelated locks do not share a line. */
static struct {
    unsigned int word;
    char pad[64 - sizeof(unsigned int)];
} locks[NLOCKS];

static unsigned int *lock_for(const volatile void *p)
{
    uintptr_t a = (uintptr_t)p >> 4;
    return &locks[(a ^ (a >> 6) ^ (a >> 12)) % NLOCKS].word;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static unsigned int *lock(const volatile void *p)
{
    unsigned int *l = lock_for(p);
    while (__atomic_exchange_n(l, 1u, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(l, __ATOMIC_RELAXED))
            cpu_relax();
    }
    return l;
}

static void unlock(unsigned int *l)
{
    __atomic_store_n(l, 0u, __ATOMIC_RELEASE);
}

/* Byte copies and compares through volatile pointers, so the compiler
 * cannot turn them into calls to memcpy/memcmp (there is no libc here). */
static void copy(volatile void *dst, const volatile void *src, size_t n)
{
    volatile unsigned char *d = dst;
    const volatile unsigned char *s = src;
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

static bool equal(const volatile void *a, const volatile void *b, size_t n)
{
    const volatile unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return false;
    return true;
}

#ifdef __GCC_HAVE_SYNC_COMPARE_AND_SWAP_16
#define HAVE_CAS16 1
#else
#define HAVE_CAS16 0
#endif

/* Can an object of this size at this address be accessed with the CPU's
 * atomic instructions? */
static bool native(size_t size, const volatile void *p)
{
    uintptr_t a = (uintptr_t)p;
    switch (size) {
    case 1: case 2: case 4: case 8:
        return (a & (size - 1)) == 0;
    case 16:
        return HAVE_CAS16 && (a & 15) == 0;
    default:
        return false;
    }
}

ATOMIC_FN(bool, is_lock_free, (size_t size, const volatile void *p))
{
    /* NULL asks about a typically aligned object of this size. */
    return native(size, p ? p : (const volatile void *)(uintptr_t)16);
}

/* ---- 16-byte helpers ----------------------------------------------- */

static tu_int load16(const volatile void *p)
{
#if HAVE_CAS16
    if (native(16, p))
        return __sync_val_compare_and_swap((tu_int *)(uintptr_t)p, 0, 0);
#endif
    tu_int v;
    unsigned int *l = lock(p);
    copy(&v, p, 16);
    unlock(l);
    return v;
}

static bool cas16(volatile void *p, tu_int *expected, tu_int desired)
{
#if HAVE_CAS16
    if (native(16, p)) {
        tu_int old = __sync_val_compare_and_swap((tu_int *)(uintptr_t)p,
                                                 *expected, desired);
        if (old == *expected)
            return true;
        *expected = old;
        return false;
    }
#endif
    bool ok;
    unsigned int *l = lock(p);
    ok = equal(p, expected, 16);
    if (ok)
        copy(p, &desired, 16);
    else
        copy(expected, p, 16);
    unlock(l);
    return ok;
}

/* ---- generic (size, pointer) forms ---------------------------------- */

ATOMIC_FN(void, load, (size_t size, const volatile void *src, void *dst, int model))
{
    (void)model;
    switch (native(size, src) ? size : 0) {
    case 1: *(uint8_t *)dst = __atomic_load_n((const volatile uint8_t *)src, __ATOMIC_SEQ_CST); return;
    case 2: { uint16_t v = __atomic_load_n((const volatile uint16_t *)src, __ATOMIC_SEQ_CST); copy(dst, &v, 2); return; }
    case 4: { uint32_t v = __atomic_load_n((const volatile uint32_t *)src, __ATOMIC_SEQ_CST); copy(dst, &v, 4); return; }
    case 8: { uint64_t v = __atomic_load_n((const volatile uint64_t *)src, __ATOMIC_SEQ_CST); copy(dst, &v, 8); return; }
    case 16: { tu_int v = load16(src); copy(dst, &v, 16); return; }
    }
    unsigned int *l = lock(src);
    copy(dst, src, size);
    unlock(l);
}

ATOMIC_FN(void, store, (size_t size, volatile void *dst, void *src, int model))
{
    (void)model;
    switch (native(size, dst) ? size : 0) {
    case 1: __atomic_store_n((volatile uint8_t *)dst, *(uint8_t *)src, __ATOMIC_SEQ_CST); return;
    case 2: { uint16_t v; copy(&v, src, 2); __atomic_store_n((volatile uint16_t *)dst, v, __ATOMIC_SEQ_CST); return; }
    case 4: { uint32_t v; copy(&v, src, 4); __atomic_store_n((volatile uint32_t *)dst, v, __ATOMIC_SEQ_CST); return; }
    case 8: { uint64_t v; copy(&v, src, 8); __atomic_store_n((volatile uint64_t *)dst, v, __ATOMIC_SEQ_CST); return; }
    case 16: {
        tu_int v, old = load16(dst);
        copy(&v, src, 16);
        while (!cas16(dst, &old, v))
            ;
        return;
    }
    }
    unsigned int *l = lock(dst);
    copy(dst, src, size);
    unlock(l);
}

ATOMIC_FN(void, exchange, (size_t size, volatile void *ptr, void *val, void *ret, int model))
{
    (void)model;
    switch (native(size, ptr) ? size : 0) {
    case 1: { uint8_t v = *(uint8_t *)val; v = __atomic_exchange_n((volatile uint8_t *)ptr, v, __ATOMIC_SEQ_CST); copy(ret, &v, 1); return; }
    case 2: { uint16_t v; copy(&v, val, 2); v = __atomic_exchange_n((volatile uint16_t *)ptr, v, __ATOMIC_SEQ_CST); copy(ret, &v, 2); return; }
    case 4: { uint32_t v; copy(&v, val, 4); v = __atomic_exchange_n((volatile uint32_t *)ptr, v, __ATOMIC_SEQ_CST); copy(ret, &v, 4); return; }
    case 8: { uint64_t v; copy(&v, val, 8); v = __atomic_exchange_n((volatile uint64_t *)ptr, v, __ATOMIC_SEQ_CST); copy(ret, &v, 8); return; }
    case 16: {
        tu_int v, old = load16(ptr);
        copy(&v, val, 16);
        while (!cas16(ptr, &old, v))
            ;
        copy(ret, &old, 16);
        return;
    }
    }
    /* val and ret may be the same buffer: go through a bounce when small,
     * else swap byte by byte. */
    unsigned int *l = lock(ptr);
    volatile unsigned char *p = ptr;
    unsigned char *v = val, *r = ret;
    for (size_t i = 0; i < size; i++) {
        unsigned char old = p[i];
        p[i] = v[i];
        r[i] = old;
    }
    unlock(l);
}

ATOMIC_FN(bool, compare_exchange, (size_t size, volatile void *ptr, void *expected,
                                   void *desired, int success, int failure))
{
    (void)success;
    (void)failure;
    switch (native(size, ptr) ? size : 0) {
#define CAS_CASE(N, T)                                                      \
    case N: {                                                               \
        T e, d;                                                             \
        copy(&e, expected, N);                                              \
        copy(&d, desired, N);                                               \
        bool ok = __atomic_compare_exchange_n((volatile T *)ptr, &e, d, false, \
                                              __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
        if (!ok)                                                            \
            copy(expected, &e, N);                                          \
        return ok;                                                          \
    }
    CAS_CASE(1, uint8_t)
    CAS_CASE(2, uint16_t)
    CAS_CASE(4, uint32_t)
    CAS_CASE(8, uint64_t)
#undef CAS_CASE
    case 16: {
        tu_int e, d;
        copy(&e, expected, 16);
        copy(&d, desired, 16);
        bool ok = cas16(ptr, &e, d);
        if (!ok)
            copy(expected, &e, 16);
        return ok;
    }
    }
    unsigned int *l = lock(ptr);
    bool ok = equal(ptr, expected, size);
    if (ok)
        copy(ptr, desired, size);
    else
        copy(expected, ptr, size);
    unlock(l);
    return ok;
}

/* ---- sized forms ------------------------------------------------------ */

/* 1, 2, 4 and 8 bytes: the CPU does them; provided because libatomic does
 * and compilers may call them for objects of unknown alignment. */
#define SIZED(N, T)                                                             \
    ATOMIC_FN(T, load_##N, (const volatile void *p, int m))                     \
    { (void)m; return __atomic_load_n((const volatile T *)p, __ATOMIC_SEQ_CST); } \
    ATOMIC_FN(void, store_##N, (volatile void *p, T v, int m))                  \
    { (void)m; __atomic_store_n((volatile T *)p, v, __ATOMIC_SEQ_CST); }        \
    ATOMIC_FN(T, exchange_##N, (volatile void *p, T v, int m))                  \
    { (void)m; return __atomic_exchange_n((volatile T *)p, v, __ATOMIC_SEQ_CST); } \
    ATOMIC_FN(bool, compare_exchange_##N, (volatile void *p, void *e, T d, int s, int f)) \
    {                                                                           \
        (void)s; (void)f;                                                       \
        return __atomic_compare_exchange_n((volatile T *)p, (T *)e, d, false,   \
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
    }                                                                           \
    SIZED_OP(N, T, add) SIZED_OP(N, T, sub) SIZED_OP(N, T, and)                 \
    SIZED_OP(N, T, or) SIZED_OP(N, T, xor) SIZED_OP(N, T, nand)

#define SIZED_OP(N, T, op)                                                      \
    ATOMIC_FN(T, fetch_##op##_##N, (volatile void *p, T v, int m))              \
    { (void)m; return __atomic_fetch_##op((volatile T *)p, v, __ATOMIC_SEQ_CST); } \
    ATOMIC_FN(T, op##_fetch_##N, (volatile void *p, T v, int m))                \
    { (void)m; return __atomic_##op##_fetch((volatile T *)p, v, __ATOMIC_SEQ_CST); }

SIZED(1, uint8_t)
SIZED(2, uint16_t)
SIZED(4, uint32_t)
SIZED(8, uint64_t)

/* 16 bytes. */
ATOMIC_FN(tu_int, load_16, (const volatile void *p, int m))
{
    (void)m;
    return load16(p);
}

ATOMIC_FN(void, store_16, (volatile void *p, tu_int v, int m))
{
    (void)m;
    tu_int old = load16(p);
    while (!cas16(p, &old, v))
        ;
}

ATOMIC_FN(tu_int, exchange_16, (volatile void *p, tu_int v, int m))
{
    (void)m;
    tu_int old = load16(p);
    while (!cas16(p, &old, v))
        ;
    return old;
}

ATOMIC_FN(bool, compare_exchange_16, (volatile void *p, void *e, tu_int d, int s, int f))
{
    (void)s;
    (void)f;
    tu_int exp;
    copy(&exp, e, 16);
    bool ok = cas16(p, &exp, d);
    if (!ok)
        copy(e, &exp, 16);
    return ok;
}

#define OP16(op, expr)                                                  \
    ATOMIC_FN(tu_int, fetch_##op##_16, (volatile void *p, tu_int v, int m)) \
    {                                                                   \
        (void)m;                                                        \
        tu_int old = load16(p);                                         \
        while (!cas16(p, &old, (expr)))                                 \
            ;                                                           \
        return old;                                                     \
    }                                                                   \
    ATOMIC_FN(tu_int, op##_fetch_16, (volatile void *p, tu_int v, int m)) \
    {                                                                   \
        (void)m;                                                        \
        tu_int old = load16(p), new;                                    \
        do                                                              \
            new = (expr);                                               \
        while (!cas16(p, &old, new));                                   \
        return new;                                                     \
    }

OP16(add, old + v)
OP16(sub, old - v)
OP16(and, old & v)
OP16(or, old | v)
OP16(xor, old ^ v)
OP16(nand, ~(old & v))

/* GCC calls this after a compare-and-swap loop that implements a compound
 * assignment on an _Atomic floating-point object, to raise the exceptions
 * the operation raised. Each is raised by an operation that raises it. */
ATOMIC_FN(void, feraiseexcept, (int excepts))
{
#if defined(__x86_64__) || defined(__i386__)
    enum { INVALID = 0x01, DIVBYZERO = 0x04, OVERFLOW = 0x08,
           UNDERFLOW = 0x10, INEXACT = 0x20 };
#else
    enum { INVALID = 0x01, DIVBYZERO = 0x02, OVERFLOW = 0x04,
           UNDERFLOW = 0x08, INEXACT = 0x10 };
#endif
    volatile float zero = 0.0f, one = 1.0f, big = 0x1p127f, small = 0x1p-126f;
    volatile float r;
    if (excepts & INVALID)
        r = zero / zero;
    if (excepts & DIVBYZERO)
        r = one / zero;
    if (excepts & OVERFLOW)
        r = big * big;
    if (excepts & UNDERFLOW)
        r = small * small;
    if (excepts & INEXACT)
        r = one + small;
    (void)r;
}
