/* Probe for tests/builtins/coverage.py: C that makes GCC 12 and Clang 14
 * call into their runtime library (libgcc / compiler-rt / libatomic). It
 * calls no libc function, so every undefined symbol of its object file is
 * a symbol our builtins must define. Compiled, never run. */
#include <stdatomic.h>
#include <stdbool.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

volatile i128 a = 5, b = 3;
volatile u128 ua = 5, ub = 3;
volatile float f = 1;
volatile double d = 1;
volatile long double ld = 1;
volatile int ii = 3;
volatile long ll = 3;
volatile unsigned long ul = 3;

struct big16 { char c[16]; };
struct big24 { char c[24]; };
_Atomic struct big16 A16;
_Atomic struct big24 A24;
_Atomic u128 AU;
_Atomic double AD;
_Atomic long double ALD;

#if defined(__FLT16_MANT_DIG__) && !defined(__clang__)
volatile _Float16 h = 1;
volatile _Float16 _Complex hc = 1;
#define HALF 1
#elif defined(__clang__)
volatile __fp16 h = 1;      /* storage-only in Clang 14 on x86-64 */
#endif

void probe_int(void)
{
    volatile i128 r;
    r = a / b; r = a % b; r = ua / ub; r = ua % ub; r = a * b;
    r = a << ii; r = a >> ii; r = ua >> ii; r = -a; r = a < b; r = ua < ub;
    r = a + b; r = a - b;
    (void)r;
    ii = __builtin_popcount(ii); ii = __builtin_popcountl(ll);
    ii = __builtin_popcountll(ll); ii = __builtin_parity(ii);
    ii = __builtin_parityl(ll); ii = __builtin_clz(ii); ii = __builtin_clzl(ll);
    ii = __builtin_ctz(ii); ii = __builtin_ctzl(ll); ii = __builtin_ffs(ii);
    ii = __builtin_ffsl(ll); ii = __builtin_bswap32(ii); ll = __builtin_bswap64(ll);
    ii = __builtin_clrsb(ii); ii = __builtin_clrsbl(ll);
    {
        int o;
        long lo;
        i128 qo;
        u128 uqo;
        unsigned long uo;
        o = __builtin_mul_overflow(ii, ii, &o);
        o = __builtin_mul_overflow(ll, ll, &lo);
        o = __builtin_mul_overflow(a, b, &qo);
        o = __builtin_mul_overflow(ll, ul, &uo);
        o = __builtin_mul_overflow(a, ub, &qo);
        o = __builtin_mul_overflow(a, b, &uqo);
        (void)o;
    }
}

void probe_trapv(void)
{
    /* Under -ftrapv, GCC calls __addv*, __subv*, __mulv*, __negv*. */
    volatile int x = ii, y = ii + 1;
    volatile long p = ll, q = ll + 1;
    volatile i128 s = a, t = b;
    x = x + y; x = x - y; x = x * y; x = -x;
    p = p + q; p = p - q; p = p * q; p = -p;
    s = s + t; s = s - t; s = s * t; s = -s;
    x = x < 0 ? -x : x; p = p < 0 ? -p : p; s = s < 0 ? -s : s;
}

void probe_float(void)
{
    volatile i128 r;
    r = (i128)f; r = (i128)d; r = (i128)ld; r = (u128)f; r = (u128)d; r = (u128)ld;
    (void)r;
    f = (float)a; d = (double)a; ld = (long double)a;
    f = (float)ua; d = (double)ua; ld = (long double)ua;
    f = (float)ul; d = (double)ul; ld = (long double)ul;
    ul = (unsigned long)f; ul = (unsigned long)d; ul = (unsigned long)ld;
    {
        volatile float _Complex x = f, y = f;
        x = x * y; x = x / y;
    }
    {
        volatile double _Complex x = d, y = d;
        x = x * y; x = x / y;
    }
    {
        volatile long double _Complex x = ld, y = ld;
        x = x * y; x = x / y;
    }
    f = __builtin_powif(f, ii); d = __builtin_powi(d, ii); ld = __builtin_powil(ld, ii);
#ifdef HALF
    h = h * h; f = h; d = h; ld = h; h = f; h = d; h = ld;
    h = a; h = ua; a = h; ua = h; hc = hc * hc; hc = hc / hc;
    h = __builtin_powif(h, ii);
#elif defined(__clang__)
    f = h; d = h; ld = h; h = f; h = d; h = ld;
#endif
}

void probe_atomic(void)
{
    {
        struct big16 x = {{0}}, y;
        atomic_store(&A16, x); x = atomic_load(&A16); y = x;
        atomic_compare_exchange_strong(&A16, &x, y); x = atomic_exchange(&A16, y);
    }
    {
        struct big24 x = {{0}}, y;
        atomic_store(&A24, x); x = atomic_load(&A24); y = x;
        atomic_compare_exchange_strong(&A24, &x, y); x = atomic_exchange(&A24, y);
    }
    {
        u128 x = 1, y = 2;
        atomic_store(&AU, x); x = atomic_load(&AU);
        atomic_fetch_add(&AU, 1); atomic_fetch_sub(&AU, 1); atomic_fetch_or(&AU, 1);
        atomic_fetch_and(&AU, 1); atomic_fetch_xor(&AU, 1);
        atomic_compare_exchange_strong(&AU, &x, y); atomic_compare_exchange_weak(&AU, &x, y);
        x = atomic_exchange(&AU, y);
    }
#ifndef __clang__
    {
        u128 x;
        x = __atomic_add_fetch(&AU, 1, 5); x = __atomic_nand_fetch(&AU, 1, 5);
        x = __atomic_fetch_nand(&AU, 1, 5); x = __atomic_sub_fetch(&AU, 1, 5);
        x = __atomic_and_fetch(&AU, 1, 5); x = __atomic_or_fetch(&AU, 1, 5);
        x = __atomic_xor_fetch(&AU, 1, 5);
        (void)x;
    }
#endif
    AD += 1.0; AD *= 3.0; ALD += 1.0L;
    ii = atomic_is_lock_free(&A16);
    ii = __atomic_is_lock_free(24, (void *)&A24);
}

int probe_cpu(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") + __builtin_cpu_supports("avx512vp2intersect") +
           __builtin_cpu_is("intel") + __builtin_cpu_is("amdfam19h");
}
