/* Differential test of our compiler builtins (sysroot/builtins, compiled
 * with -DLFI_BUILTINS_TEST so every symbol is lfi_test_<name>) against the
 * host compiler's libgcc, on edge cases and random inputs.
 *
 * Prototypes are written here as the compilers see the functions (not
 * taken from our sources), so calling-convention mistakes show up too.
 * Exit status 0 when everything agrees; each disagreement is printed. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef __int128 ti;
typedef unsigned __int128 tu;

#define PAIR(ret, name, params) ret name params; ret lfi_test_##name params;
/* integer */
PAIR(ti, __divti3, (ti, ti))
PAIR(ti, __modti3, (ti, ti))
PAIR(tu, __udivti3, (tu, tu))
PAIR(tu, __umodti3, (tu, tu))
PAIR(tu, __udivmodti4, (tu, tu, tu *))
PAIR(ti, __divmodti4, (ti, ti, ti *))
PAIR(ti, __multi3, (ti, ti))
PAIR(ti, __ashlti3, (ti, int))
PAIR(ti, __ashrti3, (ti, int))
PAIR(ti, __lshrti3, (ti, int))
PAIR(ti, __negti2, (ti))
PAIR(int, __cmpti2, (ti, ti))
PAIR(int, __ucmpti2, (tu, tu))
int32_t lfi_test___mulosi4(int32_t, int32_t, int *);
int64_t lfi_test___mulodi4(int64_t, int64_t, int *);
ti lfi_test___muloti4(ti, ti, int *);
/* trapv */
PAIR(int32_t, __addvsi3, (int32_t, int32_t))
PAIR(int64_t, __addvdi3, (int64_t, int64_t))
PAIR(ti, __addvti3, (ti, ti))
PAIR(int32_t, __subvsi3, (int32_t, int32_t))
PAIR(int64_t, __subvdi3, (int64_t, int64_t))
PAIR(ti, __subvti3, (ti, ti))
PAIR(int32_t, __mulvsi3, (int32_t, int32_t))
PAIR(int64_t, __mulvdi3, (int64_t, int64_t))
PAIR(ti, __mulvti3, (ti, ti))
PAIR(int32_t, __negvsi2, (int32_t))
PAIR(int64_t, __negvdi2, (int64_t))
PAIR(ti, __negvti2, (ti))
PAIR(int32_t, __absvsi2, (int32_t))
PAIR(int64_t, __absvdi2, (int64_t))
PAIR(ti, __absvti2, (ti))
/* bits */
PAIR(int, __popcountdi2, (uint64_t))
PAIR(int, __popcountti2, (tu))
PAIR(int, __paritydi2, (uint64_t))
PAIR(int, __parityti2, (tu))
PAIR(int, __clzdi2, (uint64_t))
PAIR(int, __clzti2, (tu))
PAIR(int, __ctzdi2, (uint64_t))
PAIR(int, __ctzti2, (tu))
PAIR(int, __ffsdi2, (uint64_t))
PAIR(int, __ffsti2, (tu))
PAIR(uint32_t, __bswapsi2, (uint32_t))
PAIR(uint64_t, __bswapdi2, (uint64_t))
PAIR(int, __clrsbdi2, (int64_t))
PAIR(int, __clrsbti2, (ti))
int lfi_test___popcountsi2(uint32_t);
int lfi_test___paritysi2(uint32_t);
int lfi_test___clzsi2(uint32_t);
int lfi_test___ctzsi2(uint32_t);
int lfi_test___ffssi2(uint32_t);
/* float <-> integer */
PAIR(ti, __fixsfti, (float))
PAIR(ti, __fixdfti, (double))
PAIR(ti, __fixxfti, (long double))
PAIR(tu, __fixunssfti, (float))
PAIR(tu, __fixunsdfti, (double))
PAIR(tu, __fixunsxfti, (long double))
PAIR(uint64_t, __fixunssfdi, (float))
PAIR(uint64_t, __fixunsdfdi, (double))
PAIR(uint64_t, __fixunsxfdi, (long double))
PAIR(float, __floattisf, (ti))
PAIR(double, __floattidf, (ti))
PAIR(long double, __floattixf, (ti))
PAIR(float, __floatuntisf, (tu))
PAIR(double, __floatuntidf, (tu))
PAIR(long double, __floatuntixf, (tu))
float lfi_test___floatundisf(uint64_t);
double lfi_test___floatundidf(uint64_t);
long double lfi_test___floatundixf(uint64_t);
/* complex, powi */
PAIR(float _Complex, __mulsc3, (float, float, float, float))
PAIR(double _Complex, __muldc3, (double, double, double, double))
PAIR(long double _Complex, __mulxc3, (long double, long double, long double, long double))
PAIR(float _Complex, __divsc3, (float, float, float, float))
PAIR(double _Complex, __divdc3, (double, double, double, double))
PAIR(long double _Complex, __divxc3, (long double, long double, long double, long double))
PAIR(float, __powisf2, (float, int))
PAIR(double, __powidf2, (double, int))
PAIR(long double, __powixf2, (long double, int))
/* half precision: as Clang 14 calls them (integer halves) */
float lfi_test___gnu_h2f_ieee(unsigned short);
unsigned short lfi_test___gnu_f2h_ieee(float);
unsigned short lfi_test_clang_truncdfhf2(double) __asm__("lfi_test___truncdfhf2");
unsigned short lfi_test_clang_truncxfhf2(long double) __asm__("lfi_test___truncxfhf2");
#ifdef __FLT16_MANT_DIG__
/* ... and as GCC 12 calls them (_Float16 in %xmm0) */
typedef _Float16 half;
PAIR(float, __extendhfsf2, (half))
PAIR(double, __extendhfdf2, (half))
PAIR(long double, __extendhfxf2, (half))
PAIR(half, __truncsfhf2, (float))
PAIR(half, __truncdfhf2, (double))
PAIR(half, __truncxfhf2, (long double))
PAIR(ti, __fixhfti, (half))
PAIR(tu, __fixunshfti, (half))
PAIR(half, __floattihf, (ti))
PAIR(half, __floatuntihf, (tu))
#endif
/* cpu model */
struct cpu_model { unsigned vendor, type, subtype, features[1]; };
extern struct cpu_model __cpu_model, lfi_test___cpu_model;
extern unsigned __cpu_features2[], lfi_test___cpu_features2[];
PAIR(int, __cpu_indicator_init, (void))
/* atomics */
void lfi_test___atomic_load(size_t, const volatile void *, void *, int);
void lfi_test___atomic_store(size_t, volatile void *, void *, int);
void lfi_test___atomic_exchange(size_t, volatile void *, void *, void *, int);
bool lfi_test___atomic_compare_exchange(size_t, volatile void *, void *, void *, int, int);
bool lfi_test___atomic_is_lock_free(size_t, const volatile void *);
tu lfi_test___atomic_load_16(const volatile void *, int);
void lfi_test___atomic_store_16(volatile void *, tu, int);
tu lfi_test___atomic_exchange_16(volatile void *, tu, int);
bool lfi_test___atomic_compare_exchange_16(volatile void *, void *, tu, int, int);
tu lfi_test___atomic_fetch_add_16(volatile void *, tu, int);
tu lfi_test___atomic_fetch_sub_16(volatile void *, tu, int);
tu lfi_test___atomic_fetch_and_16(volatile void *, tu, int);
tu lfi_test___atomic_fetch_or_16(volatile void *, tu, int);
tu lfi_test___atomic_fetch_xor_16(volatile void *, tu, int);
tu lfi_test___atomic_fetch_nand_16(volatile void *, tu, int);
tu lfi_test___atomic_add_fetch_16(volatile void *, tu, int);
tu lfi_test___atomic_nand_fetch_16(volatile void *, tu, int);
uint32_t lfi_test___atomic_fetch_add_4(volatile void *, uint32_t, int);
void lfi_test___atomic_feraiseexcept(int);

/* ------------------------------------------------------------------ */

static unsigned long failures, checks;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#include <stdarg.h>
static void fail(const char *fmt, ...)
{
    va_list ap;
    failures++;
    if (failures > (getenv("LFI_TEST_VERBOSE") ? 100000ul : 60ul))
        return;
    va_start(ap, fmt);
    fputs("FAIL: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static tu rnd128(void)
{
    return ((tu)rnd64() << 64) | rnd64();
}

/* A random value with a random number of significant bits, sometimes
 * negated, sometimes near a power of two. */
static tu rnd_shaped(void)
{
    int kind = rnd64() % 8;
    int bits = rnd64() % 129;
    tu v = bits == 0 ? 0 : bits == 128 ? rnd128() : rnd128() & (((tu)1 << bits) - 1);
    if (kind == 0 && bits < 128)
        v = ((tu)1 << bits) + (tu)(int)(rnd64() % 5) - 2;
    else if (kind == 1)
        v = -v;
    else if (kind == 2 && bits < 128)
        v = ((tu)1 << bits) - 1;
    return v;
}

static char *hex(tu v, char *buf)
{
    snprintf(buf, 40, "0x%016llx%016llx", (unsigned long long)(v >> 64),
             (unsigned long long)v);
    return buf;
}

#define EQ128(what, x, y, a, b) do {                                      \
    checks++;                                                             \
    tu x_ = (tu)(x), y_ = (tu)(y);                                        \
    if (x_ != y_) {                                                       \
        char b1[40], b2[40], b3[40], b4[40];                              \
        fail("%s(%s, %s): ours %s, libgcc %s", what, hex((tu)(a), b1),     \
             hex((tu)(b), b2), hex(x_, b3), hex(y_, b4));                 \
    }                                                                     \
} while (0)

/* ---- 128-bit integer arithmetic ------------------------------------ */

static tu special128[64];
static int nspecial128;

static void init_special(void)
{
    int n = 0;
    tu s[] = { 0, 1, 2, 3, 5, 7, 10, (tu)-1, (tu)-2, (tu)-3,
               (tu)1 << 127, ((tu)1 << 127) - 1, ((tu)1 << 127) + 1,
               (tu)1 << 64, ((tu)1 << 64) - 1, ((tu)1 << 64) + 1,
               (tu)1 << 63, ((tu)1 << 63) - 1, ((tu)1 << 63) + 1,
               (tu)1 << 32, ((tu)1 << 32) - 1, (tu)UINT64_MAX << 64,
               ((tu)UINT64_MAX << 64) | 1, (tu)0xffffffffu << 96,
               (tu)1 << 96, ((tu)1 << 96) - 1, (tu)0x8000000000000001ull << 64,
               -((tu)1 << 64), -((tu)1 << 63), -((tu)1 << 32) };
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        special128[n++] = s[i];
    nspecial128 = n;
}

static void check_divmod(tu a, tu b)
{
    if (b == 0)
        return;
    tu r1, r2;
    EQ128("__udivti3", lfi_test___udivti3(a, b), __udivti3(a, b), a, b);
    EQ128("__umodti3", lfi_test___umodti3(a, b), __umodti3(a, b), a, b);
    tu q1 = lfi_test___udivmodti4(a, b, &r1), q2 = __udivmodti4(a, b, &r2);
    EQ128("__udivmodti4.q", q1, q2, a, b);
    EQ128("__udivmodti4.r", r1, r2, a, b);
    ti sa = (ti)a, sb = (ti)b, sr1, sr2;
    EQ128("__divti3", lfi_test___divti3(sa, sb), __divti3(sa, sb), a, b);
    EQ128("__modti3", lfi_test___modti3(sa, sb), __modti3(sa, sb), a, b);
    ti sq1 = lfi_test___divmodti4(sa, sb, &sr1), sq2 = __divmodti4(sa, sb, &sr2);
    EQ128("__divmodti4.q", sq1, sq2, a, b);
    EQ128("__divmodti4.r", sr1, sr2, a, b);
}

static void check_mul_shift_cmp(tu a, tu b)
{
    ti sa = (ti)a, sb = (ti)b;
    EQ128("__multi3", lfi_test___multi3(sa, sb), __multi3(sa, sb), a, b);
    EQ128("__cmpti2", lfi_test___cmpti2(sa, sb), __cmpti2(sa, sb), a, b);
    EQ128("__ucmpti2", lfi_test___ucmpti2(a, b), __ucmpti2(a, b), a, b);
    EQ128("__cmpti2", lfi_test___cmpti2(sa, sa), __cmpti2(sa, sa), a, a);
    EQ128("__negti2", lfi_test___negti2(sa), __negti2(sa), a, 0);
    int sh = (int)(b % 128);
    EQ128("__ashlti3", lfi_test___ashlti3(sa, sh), __ashlti3(sa, sh), a, sh);
    EQ128("__ashrti3", lfi_test___ashrti3(sa, sh), __ashrti3(sa, sh), a, sh);
    EQ128("__lshrti3", lfi_test___lshrti3(sa, sh), __lshrti3(sa, sh), a, sh);

    int o1, o2;
    ti p, p1 = lfi_test___muloti4(sa, sb, &o1);
    o2 = __builtin_mul_overflow(sa, sb, &p);
    EQ128("__muloti4", p1, p, a, b);
    EQ128("__muloti4.overflow", o1, o2, a, b);
    int64_t d1 = (int64_t)a, d2 = (int64_t)b, dp;
    int64_t dr = lfi_test___mulodi4(d1, d2, &o1);
    o2 = __builtin_mul_overflow(d1, d2, &dp);
    EQ128("__mulodi4", dr, dp, d1, d2);
    EQ128("__mulodi4.overflow", o1, o2, d1, d2);
    int32_t s1 = (int32_t)a, s2 = (int32_t)b, sp;
    int32_t srr = lfi_test___mulosi4(s1, s2, &o1);
    o2 = __builtin_mul_overflow(s1, s2, &sp);
    EQ128("__mulosi4", srr, sp, s1, s2);
    EQ128("__mulosi4.overflow", o1, o2, s1, s2);
}

static void test_int128(void)
{
    for (int i = 0; i < nspecial128; i++)
        for (int j = 0; j < nspecial128; j++) {
            check_divmod(special128[i], special128[j]);
            check_mul_shift_cmp(special128[i], special128[j]);
        }
    /* Divisors near powers of two, dividends of every size. */
    for (int k = 0; k < 128; k++)
        for (int d = -2; d <= 2; d++) {
            tu b = ((tu)1 << k) + (tu)(ti)d;
            for (int i = 0; i < 20; i++) {
                check_divmod(rnd_shaped(), b);
                check_divmod(rnd128(), b);
                check_divmod(rnd128() >> (rnd64() % 128), b);
            }
        }
    for (int i = 0; i < 300000; i++) {
        tu a = rnd_shaped(), b = rnd_shaped();
        check_divmod(a, b);
        check_mul_shift_cmp(a, b);
    }
    /* Quotient estimate corner: divisor with many top ones. */
    for (int i = 0; i < 20000; i++) {
        tu b = rnd128() | ((tu)UINT64_MAX << 64 >> (rnd64() % 64));
        check_divmod(rnd128(), b >> (rnd64() % 64));
    }
}

/* ---- -ftrapv helpers ------------------------------------------------ */

static int traps(void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGILL;
}

static volatile int32_t v32max = INT32_MAX, v32min = INT32_MIN;
static volatile int64_t v64max = INT64_MAX, v64min = INT64_MIN;
static void t_add32(void) { lfi_test___addvsi3(v32max, 1); }
static void t_sub32(void) { lfi_test___subvsi3(v32min, 1); }
static void t_mul32(void) { lfi_test___mulvsi3(v32max, 2); }
static void t_neg32(void) { lfi_test___negvsi2(v32min); }
static void t_abs32(void) { lfi_test___absvsi2(v32min); }
static void t_add64(void) { lfi_test___addvdi3(v64max, 1); }
static void t_sub64(void) { lfi_test___subvdi3(v64min, 1); }
static void t_mul64(void) { lfi_test___mulvdi3(v64min, -1); }
static void t_neg64(void) { lfi_test___negvdi2(v64min); }
static void t_abs64(void) { lfi_test___absvdi2(v64min); }
static void t_add128(void) { lfi_test___addvti3((ti)(((tu)1 << 127) - 1), 1); }
static void t_sub128(void) { lfi_test___subvti3((ti)((tu)1 << 127), 1); }
static void t_mul128(void) { lfi_test___mulvti3((ti)1 << 100, (ti)1 << 27); }
static void t_neg128(void) { lfi_test___negvti2((ti)((tu)1 << 127)); }
static void t_abs128(void) { lfi_test___absvti2((ti)((tu)1 << 127)); }
static void t_none(void) { lfi_test___addvsi3(v32max, -1); }

static void test_trapv(void)
{
    struct { const char *name; void (*fn)(void); } t[] = {
        {"addvsi3", t_add32}, {"subvsi3", t_sub32}, {"mulvsi3", t_mul32},
        {"negvsi2", t_neg32}, {"absvsi2", t_abs32}, {"addvdi3", t_add64},
        {"subvdi3", t_sub64}, {"mulvdi3", t_mul64}, {"negvdi2", t_neg64},
        {"absvdi2", t_abs64}, {"addvti3", t_add128}, {"subvti3", t_sub128},
        {"mulvti3", t_mul128}, {"negvti2", t_neg128}, {"absvti2", t_abs128},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        checks++;
        if (!traps(t[i].fn))
            fail("__%s does not trap on overflow", t[i].name);
    }
    checks++;
    if (traps(t_none))
        fail("__addvsi3 traps without overflow");
    for (int i = 0; i < 200000; i++) {
        tu a = rnd_shaped() >> (rnd64() % 3), b = rnd_shaped() >> (rnd64() % 3);
        ti sa = (ti)a, sb = (ti)b, r;
        int32_t a32 = (int32_t)(a >> (rnd64() % 8)), b32 = (int32_t)(b >> (rnd64() % 8)), r32;
        int64_t a64 = (int64_t)(a >> (rnd64() % 8)), b64 = (int64_t)b, r64;
        if (!__builtin_add_overflow(sa, sb, &r))
            EQ128("__addvti3", lfi_test___addvti3(sa, sb), __addvti3(sa, sb), a, b);
        if (!__builtin_sub_overflow(sa, sb, &r))
            EQ128("__subvti3", lfi_test___subvti3(sa, sb), __subvti3(sa, sb), a, b);
        if (!__builtin_mul_overflow(sa, sb, &r))
            EQ128("__mulvti3", lfi_test___mulvti3(sa, sb), __mulvti3(sa, sb), a, b);
        if (!__builtin_add_overflow(a32, b32, &r32))
            EQ128("__addvsi3", lfi_test___addvsi3(a32, b32), __addvsi3(a32, b32), a32, b32);
        if (!__builtin_sub_overflow(a32, b32, &r32))
            EQ128("__subvsi3", lfi_test___subvsi3(a32, b32), __subvsi3(a32, b32), a32, b32);
        if (!__builtin_mul_overflow(a32, b32, &r32))
            EQ128("__mulvsi3", lfi_test___mulvsi3(a32, b32), __mulvsi3(a32, b32), a32, b32);
        if (!__builtin_add_overflow(a64, b64, &r64))
            EQ128("__addvdi3", lfi_test___addvdi3(a64, b64), __addvdi3(a64, b64), a64, b64);
        if (!__builtin_sub_overflow(a64, b64, &r64))
            EQ128("__subvdi3", lfi_test___subvdi3(a64, b64), __subvdi3(a64, b64), a64, b64);
        if (!__builtin_mul_overflow(a64, b64, &r64))
            EQ128("__mulvdi3", lfi_test___mulvdi3(a64, b64), __mulvdi3(a64, b64), a64, b64);
        if (sa != (ti)((tu)1 << 127)) {
            EQ128("__negvti2", lfi_test___negvti2(sa), __negvti2(sa), a, 0);
            EQ128("__absvti2", lfi_test___absvti2(sa), __absvti2(sa), a, 0);
        }
        if (a64 != INT64_MIN) {
            EQ128("__negvdi2", lfi_test___negvdi2(a64), __negvdi2(a64), a64, 0);
            EQ128("__absvdi2", lfi_test___absvdi2(a64), __absvdi2(a64), a64, 0);
        }
        if (a32 != INT32_MIN) {
            EQ128("__negvsi2", lfi_test___negvsi2(a32), __negvsi2(a32), a32, 0);
            EQ128("__absvsi2", lfi_test___absvsi2(a32), __absvsi2(a32), a32, 0);
        }
    }
}

/* ---- bit operations ------------------------------------------------- */

static void check_bits(tu v)
{
    uint64_t d = (uint64_t)v;
    uint32_t s = (uint32_t)v;
    EQ128("__popcountti2", lfi_test___popcountti2(v), __popcountti2(v), v, 0);
    EQ128("__popcountdi2", lfi_test___popcountdi2(d), __popcountdi2(d), d, 0);
    EQ128("__popcountsi2", lfi_test___popcountsi2(s), __builtin_popcount(s), s, 0);
    EQ128("__parityti2", lfi_test___parityti2(v), __parityti2(v), v, 0);
    EQ128("__paritydi2", lfi_test___paritydi2(d), __paritydi2(d), d, 0);
    EQ128("__paritysi2", lfi_test___paritysi2(s), __builtin_parity(s), s, 0);
    EQ128("__ffsti2", lfi_test___ffsti2(v), __ffsti2(v), v, 0);
    EQ128("__ffsdi2", lfi_test___ffsdi2(d), __ffsdi2(d), d, 0);
    EQ128("__ffssi2", lfi_test___ffssi2(s), __builtin_ffs((int)s), s, 0);
    EQ128("__bswapsi2", lfi_test___bswapsi2(s), __bswapsi2(s), s, 0);
    EQ128("__bswapdi2", lfi_test___bswapdi2(d), __bswapdi2(d), d, 0);
    EQ128("__clrsbdi2", lfi_test___clrsbdi2((int64_t)d), __clrsbdi2((int64_t)d), d, 0);
    EQ128("__clrsbti2", lfi_test___clrsbti2((ti)v), __clrsbti2((ti)v), v, 0);
    if (v) {
        EQ128("__clzti2", lfi_test___clzti2(v), __clzti2(v), v, 0);
        EQ128("__ctzti2", lfi_test___ctzti2(v), __ctzti2(v), v, 0);
    }
    if (d) {
        EQ128("__clzdi2", lfi_test___clzdi2(d), __clzdi2(d), d, 0);
        EQ128("__ctzdi2", lfi_test___ctzdi2(d), __ctzdi2(d), d, 0);
    }
    if (s) {
        EQ128("__clzsi2", lfi_test___clzsi2(s), __builtin_clz(s), s, 0);
        EQ128("__ctzsi2", lfi_test___ctzsi2(s), __builtin_ctz(s), s, 0);
    }
}

static void test_bits(void)
{
    for (int i = 0; i < 128; i++) {
        check_bits((tu)1 << i);
        check_bits(((tu)1 << i) - 1);
        check_bits(-((tu)1 << i));
    }
    for (int i = 0; i < nspecial128; i++)
        check_bits(special128[i]);
    for (int i = 0; i < 200000; i++)
        check_bits(rnd_shaped());
}

/* ---- float <-> int128 ----------------------------------------------- */

static const int modes[] = { FE_TONEAREST, FE_TOWARDZERO, FE_UPWARD, FE_DOWNWARD };
static const char *mode_name[] = { "nearest", "zero", "up", "down" };

static bool same_f(float a, float b) { return memcmp(&a, &b, 4) == 0 || (isnan(a) && isnan(b)); }
static bool same_d(double a, double b) { return memcmp(&a, &b, 8) == 0 || (isnan(a) && isnan(b)); }
static bool same_x(long double a, long double b)
{
    return memcmp(&a, &b, 10) == 0 || (isnan(a) && isnan(b));
}

static void check_int_to_fp(tu v, int m)
{
    char b1[40];
    ti s = (ti)v;
    checks += 9;
    if (!same_f(lfi_test___floattisf(s), __floattisf(s)))
        fail("__floattisf(%s) %s: ours %a, libgcc %a", hex(v, b1), mode_name[m],
             (double)lfi_test___floattisf(s), (double)__floattisf(s));
    if (!same_d(lfi_test___floattidf(s), __floattidf(s)))
        fail("__floattidf(%s) %s: ours %a, libgcc %a", hex(v, b1), mode_name[m],
             lfi_test___floattidf(s), __floattidf(s));
    if (!same_x(lfi_test___floattixf(s), __floattixf(s)))
        fail("__floattixf(%s) %s: ours %La, libgcc %La", hex(v, b1), mode_name[m],
             lfi_test___floattixf(s), __floattixf(s));
    if (!same_f(lfi_test___floatuntisf(v), __floatuntisf(v)))
        fail("__floatuntisf(%s) %s: ours %a, libgcc %a", hex(v, b1), mode_name[m],
             (double)lfi_test___floatuntisf(v), (double)__floatuntisf(v));
    if (!same_d(lfi_test___floatuntidf(v), __floatuntidf(v)))
        fail("__floatuntidf(%s) %s: ours %a, libgcc %a", hex(v, b1), mode_name[m],
             lfi_test___floatuntidf(v), __floatuntidf(v));
    if (!same_x(lfi_test___floatuntixf(v), __floatuntixf(v)))
        fail("__floatuntixf(%s) %s: ours %La, libgcc %La", hex(v, b1), mode_name[m],
             lfi_test___floatuntixf(v), __floatuntixf(v));
    /* 64-bit unsigned: libgcc's 128-bit conversion is the reference (the
     * compilers' inline u64 -> double gives -0.0 for 0 when rounding
     * down, in clang's case). */
    uint64_t d = (uint64_t)v;
    if (!same_f(lfi_test___floatundisf(d), __floatuntisf(d)))
        fail("__floatundisf(%s) %s", hex(d, b1), mode_name[m]);
    if (!same_d(lfi_test___floatundidf(d), __floatuntidf(d)))
        fail("__floatundidf(%s) %s", hex(d, b1), mode_name[m]);
    if (!same_x(lfi_test___floatundixf(d), __floatuntixf(d)))
        fail("__floatundixf(%s) %s", hex(d, b1), mode_name[m]);
}

/* In range for the conversion to (signed or unsigned) 128-bit? */
static bool fits_ti(long double x) { return x > -0x1p127L - 1 && x < 0x1p127L; }
static bool fits_tu(long double x) { return x > -1 && x < 0x1p128L; }

static void check_fp_to_int(long double x)
{
    char b1[40], b2[40];
    float f = (float)x;
    double d = (double)x;
    if (isnan(x))
        return;
#define FIX(name, arg, fits) do {                                           \
        checks++;                                                           \
        if (fits((long double)(arg)) && lfi_test_##name(arg) != name(arg))  \
            fail(#name "(%La): ours %s, libgcc %s", (long double)(arg),     \
                 hex((tu)lfi_test_##name(arg), b1), hex((tu)name(arg), b2)); \
    } while (0)
    FIX(__fixsfti, f, fits_ti);
    FIX(__fixdfti, d, fits_ti);
    FIX(__fixxfti, x, fits_ti);
    FIX(__fixunssfti, f, fits_tu);
    FIX(__fixunsdfti, d, fits_tu);
    FIX(__fixunsxfti, x, fits_tu);
#define FITS_DU(v) ((v) > -1 && (v) < 0x1p64L)
    FIX(__fixunssfdi, f, FITS_DU);
    FIX(__fixunsdfdi, d, FITS_DU);
    FIX(__fixunsxfdi, x, FITS_DU);
}

static void test_fpint(void)
{
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        for (int i = 0; i < nspecial128; i++)
            check_int_to_fp(special128[i], m);
        /* Rounding boundaries: 2^k plus patterns at the float/double/long
         * double rounding positions (ties, just above and below). */
        for (int k = 0; k < 128; k++)
            for (int p = 0; p < 3; p++) {
                int prec = p == 0 ? 24 : p == 1 ? 53 : 64;
                tu base = (tu)1 << k;
                check_int_to_fp(base, m);
                check_int_to_fp(base - 1, m);
                if (k > prec) {
                    tu half = (tu)1 << (k - prec);     /* half an ulp */
                    check_int_to_fp(base + half, m);
                    check_int_to_fp(base + 3 * half, m);
                    check_int_to_fp(base + half + 1, m);
                    check_int_to_fp(base + half - 1, m);
                    check_int_to_fp(-(base + half), m);
                    check_int_to_fp(-(base + 3 * half), m);
                    check_int_to_fp(-(base + half + 1), m);
                }
            }
        for (int i = 0; i < 100000; i++)
            check_int_to_fp(rnd_shaped(), m);
    }
    fesetround(FE_TONEAREST);

    long double sp[] = { 0.0L, -0.0L, 0.5L, -0.5L, 0.999L, 1, -1, 1.5L, -1.5L,
        0x1p-149L, 0x1p-1074L, 0x1p-16445L, 0x1p62L, 0x1p63L, -0x1p63L, 0x1p64L,
        0x1.fffffep63L, 0x1.fffffffffffffp63L, 0x1.fffffffffffffffep63L,
        0x1p126L, 0x1p127L, -0x1p127L, 0x1.fffffep126L, 0x1.fffffffffffffp126L,
        0x1.fffffffffffffffep126L, 0x1.fffffep127L, 0x1.fffffffffffffp127L,
        0x1.fffffffffffffffep127L, 0x1p128L, INFINITY, -INFINITY, NAN };
    for (size_t i = 0; i < sizeof sp / sizeof *sp; i++) {
        check_fp_to_int(sp[i]);
        check_fp_to_int(-sp[i]);
    }
    for (int i = 0; i < 300000; i++) {
        tu v = rnd_shaped();
        long double x = ((ti)v < 0 ? -lfi_test___floatuntixf(-v) : lfi_test___floatuntixf(v));
        x *= 1.0L + (long double)(rnd64() % 1000) / 7919.0L;
        check_fp_to_int(x);
        check_fp_to_int(x / 0x1p64L);
    }
    /* Our documented out-of-range behaviour (libgcc's is an artifact). */
    checks += 6;
    if (lfi_test___fixdfti(NAN) != 0 || lfi_test___fixunsdfti(NAN) != 0)
        fail("fix of NaN is not 0");
    if (lfi_test___fixdfti(1e300) != (ti)(((tu)1 << 127) - 1) ||
        lfi_test___fixdfti(-1e300) != (ti)((tu)1 << 127))
        fail("__fixdfti does not saturate");
    if (lfi_test___fixunsxfti(1e300L) != ~(tu)0 || lfi_test___fixunsdfti(-5.0) != 0)
        fail("__fixunsdfti/xfti do not saturate");
    if (lfi_test___fixunsdfdi(1e300) != UINT64_MAX || lfi_test___fixunssfdi(-3.0f) != 0)
        fail("__fixuns*di do not saturate");
}

/* ---- complex ------------------------------------------------------- */

static int fpclass(long double x) { return fpclassify(x); }

/* ulp distance of two finite values, relative to the larger magnitude of
 * the reference's two parts. */
__attribute__((unused)) static bool close_enough(long double ours, long double ref, long double scale, long double eps)
{
    if (isnan(ref) || isinf(ref) || isnan(ours) || isinf(ours))
        return fpclass(ours) == fpclass(ref) && (isnan(ref) || signbit(ours) == signbit(ref));
    if (ours == ref)
        return true;
    return fabsl(ours - ref) <= eps * scale;
}

static long double cplx_vals[] = { 0.0L, -0.0L, 1, -1, 2.5L, -3.75L, 1e-30L, 1e30L,
    0x1p-140L, 0x1p-1070L, 1e300L, -1e300L, INFINITY, -INFINITY, NAN };

#define CHECK_MUL(T, ours, ref, eps, name, fmtcast)                                 \
    do {                                                                            \
        __typeof__(ours(a, b, c, d)) r1 = ours(a, b, c, d), r2 = ref(a, b, c, d);    \
        checks++;                                                                   \
        if (!same_##T##_c(r1, r2, eps))                                             \
            fail(name "(%La,%La,%La,%La): ours (%La,%La), libgcc (%La,%La)",         \
                 (long double)a, (long double)b, (long double)c, (long double)d,    \
                 (long double)__real__ r1, (long double)__imag__ r1,                \
                 (long double)__real__ r2, (long double)__imag__ r2);               \
    } while (0)

/* One part of a division result: equal classes, or values within eps
 * relative to the larger part of the reference (plus two steps of the
 * subnormal spacing). A finite value may stand for an infinity (or the
 * reverse) only at the edge of overflow. */
static bool part_ok(long double ours, long double ref, long double scale,
                    long double eps, long double max, long double tiny)
{
    if (isnan(ref) || isnan(ours))
        return isnan(ref) && isnan(ours);
    if (isinf(ref) || isinf(ours)) {
        long double f = isinf(ref) ? ours : ref;
        return signbit(ours) == signbit(ref) && (isinf(f) || fabsl(f) >= max / 4);
    }
    return fabsl(ours - ref) <= eps * scale + 2 * tiny;
}

static bool cmp_parts(long double r1, long double i1, long double r2, long double i2,
                      long double eps, long double max, long double tiny)
{
    if (eps == 0)   /* multiplication: bit for bit */
        return (same_x(r1, r2) || (r1 == r2 && r1 == 0 && signbit(r1) == signbit(r2))) &&
               (same_x(i1, i2) || (i1 == i2 && i1 == 0 && signbit(i1) == signbit(i2)));
    long double scale = fmaxl(fabsl(r2), fabsl(i2));
    bool inf1 = isinf(r1) || isinf(i1), inf2 = isinf(r2) || isinf(i2);
    if (inf2 && !isinf(scale))
        return false;
    if (inf1 || inf2) {
        /* An infinity (Annex G: any part infinite): the other part may be
         * NaN or finite in one of them. */
        if (!(isnan(r1) || isnan(r2)) && !part_ok(r1, r2, INFINITY, 0, max, 0))
            return inf1 && inf2 ? isinf(r1) == isinf(r2) || !isinf(r1) || !isinf(r2) : false;
        if (!(isnan(i1) || isnan(i2)) && !part_ok(i1, i2, INFINITY, 0, max, 0))
            return inf1 && inf2;
        return inf1 == inf2 || fmaxl(fabsl(r1), fabsl(i1)) >= max / 4 ||
               fmaxl(fabsl(r2), fabsl(i2)) >= max / 4;
    }
    return part_ok(r1, r2, scale, eps, max, tiny) && part_ok(i1, i2, scale, eps, max, tiny);
}

typedef float flt;
typedef long double ldbl;
static bool same_flt_c(float _Complex x, float _Complex y, long double eps)
{ return cmp_parts(__real__ x, __imag__ x, __real__ y, __imag__ y, eps, FLT_MAX, FLT_TRUE_MIN); }
static bool same_double_c(double _Complex x, double _Complex y, long double eps)
{ return cmp_parts(__real__ x, __imag__ x, __real__ y, __imag__ y, eps, DBL_MAX, DBL_TRUE_MIN); }
static bool same_ldbl_c(long double _Complex x, long double _Complex y, long double eps)
{ return cmp_parts(__real__ x, __imag__ x, __real__ y, __imag__ y, eps, LDBL_MAX, LDBL_TRUE_MIN); }

static void check_complex(long double A, long double B, long double C, long double D)
{
    {
        float a = (float)A, b = (float)B, c = (float)C, d = (float)D;
        CHECK_MUL(flt, lfi_test___mulsc3, __mulsc3, 0, "__mulsc3", float);
        CHECK_MUL(flt, lfi_test___divsc3, __divsc3, 0x1p-21L, "__divsc3", float);
    }
    {
        double a = (double)A, b = (double)B, c = (double)C, d = (double)D;
        CHECK_MUL(double, lfi_test___muldc3, __muldc3, 0, "__muldc3", double);
        CHECK_MUL(double, lfi_test___divdc3, __divdc3, 0x1p-50L, "__divdc3", double);
    }
    {
        long double a = A, b = B, c = C, d = D;
        CHECK_MUL(ldbl, lfi_test___mulxc3, __mulxc3, 0, "__mulxc3", long double);
        CHECK_MUL(ldbl, lfi_test___divxc3, __divxc3, 0x1p-61L, "__divxc3", long double);
    }
}

static long double rnd_real(void)
{
    long double m = (long double)(int64_t)rnd64() / 0x1p63L;
    int e = (int)(rnd64() % 120) - 60;
    return ldexpl(m, e);
}

static void test_complex(void)
{
    int n = sizeof cplx_vals / sizeof *cplx_vals;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            for (int k = 0; k < n; k++)
                for (int l = 0; l < n; l++)
                    check_complex(cplx_vals[i], cplx_vals[j], cplx_vals[k], cplx_vals[l]);
    for (int i = 0; i < 200000; i++)
        check_complex(rnd_real(), rnd_real(), rnd_real(), rnd_real());
}

/* ---- powi ----------------------------------------------------------- */

static void test_powi(void)
{
    long double xs[] = { 0.0L, -0.0L, 1, -1, 2, -2, 0.5L, 1.0000001L, 3.14159L, -7.25L,
                         1e10L, 1e-10L, INFINITY, -INFINITY, NAN, 0x1p-140L };
    int ns[] = { 0, 1, -1, 2, -2, 3, 7, -7, 31, 64, -65, 127, 1000, -1000,
                 INT32_MAX, INT32_MIN, INT32_MIN + 1 };
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++)
        for (size_t j = 0; j < sizeof ns / sizeof *ns; j++) {
            long double x = xs[i];
            int n = ns[j];
            checks += 3;
            if (!same_f(lfi_test___powisf2((float)x, n), __powisf2((float)x, n)))
                fail("__powisf2(%La, %d)", x, n);
            if (!same_d(lfi_test___powidf2((double)x, n), __powidf2((double)x, n)))
                fail("__powidf2(%La, %d)", x, n);
            if (!same_x(lfi_test___powixf2(x, n), __powixf2(x, n)))
                fail("__powixf2(%La, %d)", x, n);
        }
    for (int i = 0; i < 100000; i++) {
        double x = (double)rnd_real();
        int n = (int)(rnd64() % 200) - 100;
        checks += 2;
        if (!same_d(lfi_test___powidf2(x, n), __powidf2(x, n)))
            fail("__powidf2(%a, %d)", x, n);
        if (!same_x(lfi_test___powixf2(x, n), __powixf2(x, n)))
            fail("__powixf2(%a, %d)", x, n);
    }
}

/* ---- half precision ------------------------------------------------- */

#ifdef __FLT16_MANT_DIG__
static unsigned short hbits(half h) { unsigned short u; memcpy(&u, &h, 2); return u; }
static half mkhalf(unsigned short u) { half h; memcpy(&h, &u, 2); return h; }

static void check_trunc(long double x, int m)
{
    float f = (float)x;
    double d = (double)x;
    unsigned short r1, r2;
    checks += 5;
    if ((r1 = hbits(lfi_test___truncsfhf2(f))) != (r2 = hbits(__truncsfhf2(f))))
        fail("__truncsfhf2(%a) %s: ours %04x, libgcc %04x", (double)f, mode_name[m], r1, r2);
    if ((r1 = hbits(lfi_test___truncdfhf2(d))) != (r2 = hbits(__truncdfhf2(d))))
        fail("__truncdfhf2(%a) %s: ours %04x, libgcc %04x", d, mode_name[m], r1, r2);
    if ((r1 = hbits(lfi_test___truncxfhf2(x))) != (r2 = hbits(__truncxfhf2(x))))
        fail("__truncxfhf2(%La) %s: ours %04x, libgcc %04x", x, mode_name[m], r1, r2);
    /* The same functions called the Clang 14 way (result in %ax). */
    if (lfi_test_clang_truncdfhf2(d) != r2 && !isnan(x))
        fail("__truncdfhf2(%a) via %%ax: %04x", d, lfi_test_clang_truncdfhf2(d));
    if (lfi_test___gnu_f2h_ieee(f) != hbits(__truncsfhf2(f)))
        fail("__gnu_f2h_ieee(%a): %04x", (double)f, lfi_test___gnu_f2h_ieee(f));
    (void)lfi_test_clang_truncxfhf2;
}

static void test_fp16(void)
{
    for (unsigned u = 0; u < 65536; u++) {
        half h = mkhalf((unsigned short)u);
        checks += 6;
        if (!same_f(lfi_test___extendhfsf2(h), __extendhfsf2(h)))
            fail("__extendhfsf2(%04x): ours %a, libgcc %a", u,
                 (double)lfi_test___extendhfsf2(h), (double)__extendhfsf2(h));
        if (!same_d(lfi_test___extendhfdf2(h), __extendhfdf2(h)))
            fail("__extendhfdf2(%04x)", u);
        if (!same_x(lfi_test___extendhfxf2(h), __extendhfxf2(h)))
            fail("__extendhfxf2(%04x)", u);
        if (!same_f(lfi_test___gnu_h2f_ieee((unsigned short)u), __extendhfsf2(h)))
            fail("__gnu_h2f_ieee(%04x)", u);
        /* NaNs: ours keeps the payload; compare exactly. */
        float a = lfi_test___extendhfsf2(h), b = __extendhfsf2(h);
        if (memcmp(&a, &b, 4) != 0)
            fail("__extendhfsf2(%04x) bits: ours %a", u, (double)a);
        if (!isnan(b)) {
            long double x = b;
            if (fits_ti(x) && lfi_test___fixhfti(h) != __fixhfti(h))
                fail("__fixhfti(%04x)", u);
            if (fits_tu(x) && lfi_test___fixunshfti(h) != __fixunshfti(h))
                fail("__fixunshfti(%04x)", u);
        }
        /* Round trip and the neighbourhood of each half value. */
        for (int m = 0; m < 4; m++) {
            fesetround(modes[m]);
            if (!isnan(b) && !isinf(b)) {
                check_trunc(b, m);
                check_trunc(nextafterl(b, INFINITY), m);
                check_trunc(nextafterl(b, -INFINITY), m);
                check_trunc(nextafter((double)b, INFINITY), m);
                check_trunc(nextafterf(b, INFINITY), m);
                /* midpoint to the next half up */
                float next = __extendhfsf2(mkhalf((unsigned short)(u + 1)));
                if (!isnan(next) && (u & 0x7fff) < 0x7c00)
                    check_trunc(((long double)b + next) / 2, m);
            }
            fesetround(FE_TONEAREST);
        }
    }
    long double sp[] = { 0x1p-25L, 0x1.0000001p-25L, 0x1.8p-25L, 0x1p-26L, 65504, 65519.99L,
                         65520, 1e10L, 0x1p-16445L, 0x1p-149L, INFINITY, NAN, -NAN };
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        for (size_t i = 0; i < sizeof sp / sizeof *sp; i++) {
            check_trunc(sp[i], m);
            check_trunc(-sp[i], m);
        }
        for (int i = 0; i < 100000; i++) {
            long double x = ldexpl((long double)rnd64() / 0x1p64L, (int)(rnd64() % 50) - 30);
            check_trunc(rnd64() & 1 ? -x : x, m);
        }
        for (int i = 0; i < 20000; i++) {
            tu v = rnd_shaped() >> (rnd64() % 128);
            checks += 2;
            if (hbits(lfi_test___floattihf((ti)v)) != hbits(__floattihf((ti)v)))
                fail("__floattihf %s", mode_name[m]);
            if (hbits(lfi_test___floatuntihf(v)) != hbits(__floatuntihf(v)))
                fail("__floatuntihf %s", mode_name[m]);
        }
    }
    fesetround(FE_TONEAREST);
}
#endif

/* ---- cpu model ------------------------------------------------------ */

static void test_cpu_model(void)
{
    __cpu_indicator_init();
    checks += 6;
    if (lfi_test___cpu_indicator_init() != 0)
        fail("__cpu_indicator_init failed");
    if (lfi_test___cpu_model.vendor != 3)
        fail("__cpu_model vendor %u, want 3 (other)", lfi_test___cpu_model.vendor);
    /* Every feature we claim, the host's libgcc (cpuid) must see too. */
    if (lfi_test___cpu_model.features[0] & ~__cpu_model.features[0])
        fail("__cpu_model features %08x not a subset of libgcc's %08x",
             lfi_test___cpu_model.features[0], __cpu_model.features[0]);
    for (int i = 0; i < 3; i++)
        if (lfi_test___cpu_features2[i] & ~__cpu_features2[i])
            fail("__cpu_features2[%d] %08x not a subset of libgcc's %08x", i,
                 lfi_test___cpu_features2[i], __cpu_features2[i]);
    /* The x86-64 baseline: cmov, mmx, sse, sse2. */
    if ((lfi_test___cpu_model.features[0] & 0x1b) != 0x1b)
        fail("baseline features missing: %08x", lfi_test___cpu_model.features[0]);
}

/* ---- atomics -------------------------------------------------------- */

struct big { uint64_t a, b, c; };               /* 24 bytes: always locked */
static _Alignas(16) volatile tu counter16;
static volatile struct big bigobj;
static volatile uint32_t counter4;
enum { NTHREADS = 8, NITER = 20000 };

static void *atomic_worker(void *arg)
{
    uint64_t id = (uintptr_t)arg;
    for (int i = 0; i < NITER; i++) {
        lfi_test___atomic_fetch_add_16(&counter16, ((tu)1 << 64) | 1, 5);
        lfi_test___atomic_fetch_add_4(&counter4, 1, 5);
        struct big old, new;
        lfi_test___atomic_load(sizeof old, &bigobj, &old, 5);
        do {
            new.a = old.a + 1;
            new.b = old.b + id;
            new.c = new.a * 3;          /* an invariant a torn read breaks */
        } while (!lfi_test___atomic_compare_exchange(sizeof old, &bigobj, &old, &new, 5, 5));
    }
    return NULL;
}

static void test_atomic(void)
{
    pthread_t t[NTHREADS];
    for (uintptr_t i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, atomic_worker, (void *)i);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    uint64_t n = (uint64_t)NTHREADS * NITER;
    struct big fin;
    lfi_test___atomic_load(sizeof fin, &bigobj, &fin, 5);
    checks += 4;
    if (counter16 != (((tu)n << 64) | n))
        fail("__atomic_fetch_add_16 lost updates");
    if (counter4 != n)
        fail("__atomic_fetch_add_4 lost updates");
    if (fin.a != n || fin.c != 3 * n || fin.b != (uint64_t)NITER * (NTHREADS * (NTHREADS - 1) / 2))
        fail("generic __atomic_compare_exchange lost updates: %llu %llu %llu",
             (unsigned long long)fin.a, (unsigned long long)fin.b, (unsigned long long)fin.c);

    /* Single-threaded semantics of every 16-byte operation. */
    _Alignas(16) tu x = 0;
    tu v = ((tu)0x0123456789abcdefull << 64) | 0xfedcba9876543210ull;
    tu w = ((tu)0xffff0000ffff0000ull << 64) | 0x00ff00ff00ff00ffull;
    lfi_test___atomic_store_16(&x, v, 5);
    checks += 10;
    if (lfi_test___atomic_load_16(&x, 5) != v) fail("__atomic_load_16/store_16");
    if (lfi_test___atomic_exchange_16(&x, w, 5) != v || x != w) fail("__atomic_exchange_16");
    tu e = v;
    if (lfi_test___atomic_compare_exchange_16(&x, &e, v, 5, 5) || e != w)
        fail("__atomic_compare_exchange_16 (mismatch)");
    if (!lfi_test___atomic_compare_exchange_16(&x, &e, v, 5, 5) || x != v)
        fail("__atomic_compare_exchange_16 (match)");
    if (lfi_test___atomic_fetch_sub_16(&x, w, 5) != v || x != v - w) fail("__atomic_fetch_sub_16");
    x = v;
    if (lfi_test___atomic_fetch_and_16(&x, w, 5) != v || x != (v & w)) fail("__atomic_fetch_and_16");
    x = v;
    if (lfi_test___atomic_fetch_or_16(&x, w, 5) != v || x != (v | w)) fail("__atomic_fetch_or_16");
    x = v;
    if (lfi_test___atomic_fetch_xor_16(&x, w, 5) != v || x != (v ^ w)) fail("__atomic_fetch_xor_16");
    x = v;
    if (lfi_test___atomic_fetch_nand_16(&x, w, 5) != v || x != ~(v & w)) fail("__atomic_fetch_nand_16");
    x = v;
    if (lfi_test___atomic_nand_fetch_16(&x, w, 5) != ~(v & w) ||
        lfi_test___atomic_add_fetch_16(&x, 1, 5) != ~(v & w) + 1)
        fail("__atomic_*_fetch_16");

    /* Generic forms for odd sizes, misaligned objects, and overlapping
     * value/result buffers. */
    unsigned char buf[64], val[40], ret[40];
    for (int i = 0; i < 64; i++) buf[i] = (unsigned char)i;
    for (int i = 0; i < 40; i++) val[i] = (unsigned char)(200 + i);
    for (size_t size = 1; size <= 33; size++)
        for (size_t off = 0; off < 9; off++) {
            unsigned char *p = buf + off, before[40];
            memcpy(before, p, size);
            checks += 4;
            lfi_test___atomic_load(size, p, ret, 5);
            if (memcmp(ret, p, size)) fail("__atomic_load size %zu off %zu", size, off);
            lfi_test___atomic_exchange(size, p, val, ret, 5);
            if (memcmp(ret, before, size) || memcmp(p, val, size))
                fail("__atomic_exchange size %zu off %zu", size, off);
            lfi_test___atomic_store(size, p, before, 5);
            if (memcmp(p, before, size)) fail("__atomic_store size %zu off %zu", size, off);
            memcpy(ret, val, size);
            if (lfi_test___atomic_compare_exchange(size, p, ret, val, 5, 5) ||
                memcmp(ret, before, size))
                fail("__atomic_compare_exchange mismatch size %zu off %zu", size, off);
        }
    checks += 4;
    if (!lfi_test___atomic_is_lock_free(8, NULL) || !lfi_test___atomic_is_lock_free(4, &counter4))
        fail("__atomic_is_lock_free(8/4) false");
    if (lfi_test___atomic_is_lock_free(24, NULL) || lfi_test___atomic_is_lock_free(8, buf + 1))
        fail("__atomic_is_lock_free true for a locked object");
    lfi_test___atomic_feraiseexcept(FE_DIVBYZERO | FE_INEXACT);
    if (!fetestexcept(FE_DIVBYZERO) || !fetestexcept(FE_INEXACT))
        fail("__atomic_feraiseexcept did not raise");
}

int main(void)
{
    init_special();
    test_int128();
    test_trapv();
    test_bits();
    test_fpint();
    test_complex();
    test_powi();
#ifdef __FLT16_MANT_DIG__
    test_fp16();
#else
    puts("note: no _Float16 in this compiler, GCC-convention half tests skipped");
#endif
    test_cpu_model();
    test_atomic();
    printf("%lu checks, %lu failures\n", checks, failures);
    return failures != 0;
}
