/* LFI_INVOKE: argument counts and types, results, register hygiene, host
 * state, callbacks, nesting, invoke from a handler, several boxes (%gs),
 * lazy contexts on several threads, errors. */
#include "harness.h"

#include <immintrin.h>
#include <pthread.h>
#include <sys/auxv.h>

static struct env env;
#define INV(fn, ret, types, ...) LFI_INVOKE(env.box, &env.ctx, P(&env, fn), ret, types __VA_OPT__(,) __VA_ARGS__)

static void test_ints(void)
{
    CHECK(INV(f_seven, int, (void)) == 7, "0 args");
    CHECK(INV(f_add, int, (int, int), 10, 32) == 42, "add");
    CHECK(INV(f_add, int, (int, int), -5, 3) == -2, "negative");
    CHECK(INV(f_sum6, long, (long, long, long, long, long, long), 1, 2, 3, 4, 5, 6) == 21,
          "6 args");
    CHECK(INV(f_sum6, long, (long, long, long, long, long, long), 1L << 40, 2, 3, 4, 5, -6) ==
              (1L << 40) + 8, "64-bit args");
    /* each argument lands in its register; the ones not passed are zero */
    const uint8_t *regfn[6] = { r_rdi, r_rsi, r_rdx, r_rcx, r_r8, r_r9 };
    for (int k = 0; k <= 6; k++) {
        for (int j = 0; j < 6; j++) {
            lfiptr f = P(&env, regfn[j]);
            long v;
            switch (k) {
            case 0: v = LFI_INVOKE(env.box, &env.ctx, f, long, ()); break;
            case 1: v = LFI_INVOKE(env.box, &env.ctx, f, long, (long), 101); break;
            case 2: v = LFI_INVOKE(env.box, &env.ctx, f, long, (long, long), 101, 102); break;
            case 3:
                v = LFI_INVOKE(env.box, &env.ctx, f, long, (long, long, long), 101, 102, 103);
                break;
            case 4:
                v = LFI_INVOKE(env.box, &env.ctx, f, long, (long, long, long, long), 101, 102,
                               103, 104);
                break;
            case 5:
                v = LFI_INVOKE(env.box, &env.ctx, f, long, (long, long, long, long, long), 101,
                               102, 103, 104, 105);
                break;
            default:
                v = LFI_INVOKE(env.box, &env.ctx, f, long, (long, long, long, long, long, long),
                               101, 102, 103, 104, 105, 106);
                break;
            }
            long want = j < k ? 101 + j : 0;
            CHECK(v == want, "%d args: register %d = %ld, want %ld", k, j, v, want);
        }
    }
    /* pointer argument and result */
    void *p = (void *)(uintptr_t)0x12345678;
    CHECK(INV(r_rdi, void *, (void *), p) == p, "pointer");
    /* two-register result */
    struct pair { long a, b; } r = INV(f_pair, struct pair, (long, long), 5, 6);
    CHECK(r.a == 5 && r.b == 6, "pair %ld %ld", r.a, r.b);
    /* nested invoke in an argument */
    CHECK(INV(f_add, int, (int, int), INV(f_add, int, (int, int), 1, 2), 3) == 6, "nested args");
    /* by hand, as other languages would: the info, then the trampoline */
    lfi_set_invoke_info(&env.ctx, P(&env, f_add), env.box);
    int (*tramp)(int, int) = (int (*)(int, int))lfi_trampoline_addr;
    CHECK(tramp(30, 12) == 42, "lfi_trampoline_addr");
    lfi_invoke_info.ctx = &env.ctx;
    lfi_invoke_info.targetfn = P(&env, f_sum6);
    lfi_invoke_info.box = env.box;
    long (*tramp6)(long, long, long, long, long, long) =
        (long (*)(long, long, long, long, long, long))lfi_trampoline_addr;
    CHECK(tramp6(1, 1, 1, 1, 1, 1) == 6, "lfi_invoke_info by hand");
    /* narrow types */
    CHECK(INV(f_add, char, (char, char), 20, 22) == 42, "char");
    CHECK(INV(f_add, unsigned short, (unsigned short, unsigned short), 40000, 1) == 40001,
          "short");
}

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static void test_floats(void)
{
    CHECK(INV(f_addsd, double, (double, double), 1.5, 2.25) == 3.75, "double");
    CHECK(INV(f_addss, float, (float, float), 1.5f, 2.25f) == 3.75f, "float");
    CHECK(INV(f_sum8d, double, (double, double, double, double, double, double, double, double),
              1, 2, 3, 4, 5, 6, 7, 8) == 36.0, "8 doubles");
    CHECK(INV(f_mixed, double, (int, double, long, float), 1, 2.5, 3, 4.5f) == 11.0, "mixed");
    const uint8_t *x[8] = { r_xmm0, r_xmm1, r_xmm2, r_xmm3, r_xmm4, r_xmm5, r_xmm6, r_xmm7 };
    for (int j = 0; j < 8; j++) {
        uint64_t v0 = LFI_INVOKE(env.box, &env.ctx, P(&env, x[j]), uint64_t, ());
        CHECK(v0 == 0, "no args: xmm%d = %#llx", j, (unsigned long long)v0);
        uint64_t v2 = LFI_INVOKE(env.box, &env.ctx, P(&env, x[j]), uint64_t,
                                 (double, long, double), 2.0, 7, 3.0);
        uint64_t want = j == 0 ? bits(2.0) : j == 1 ? bits(3.0) : 0;
        CHECK(v2 == want, "2 doubles: xmm%d = %#llx", j, (unsigned long long)v2);
    }
}

static void test_hygiene(void)
{
    /* registers that are not arguments hold no host value */
    const uint8_t *z[] = { r_rbx, r_rbp, r_r10, r_r12, r_r13, r_r15, r_xmm8, r_xmm9, r_xmm10,
                           r_xmm11, r_xmm12, r_xmm13, r_xmm14, r_xmm15 };
    __m128d junk = _mm_set1_pd(123.0);
    __asm__ volatile("movapd %0, %%xmm8; movapd %0, %%xmm12" : : "x"(junk) : "xmm8", "xmm12");
    for (size_t i = 0; i < sizeof z / sizeof z[0]; i++) {
        uint64_t v = LFI_INVOKE(env.box, &env.ctx, P(&env, z[i]), uint64_t, (long), -1);
        CHECK(v == 0, "register %zu = %#llx", i, (unsigned long long)v);
    }
    struct LFIBoxInfo info = lfi_box_info(env.box);
    uint64_t rsp = INV(r_rsp, uint64_t, ());
    CHECK(rsp >= info.min && rsp < info.max && (rsp + 8) % 16 == 0, "stack %#llx",
          (unsigned long long)rsp);
    CHECK(rsp < env.stack && rsp > env.stack - 4096, "stack near the top %#llx",
          (unsigned long long)rsp);
    CHECK(INV(r_r14, uint64_t, ()) == info.base, "r14 = base");
    CHECK(INV(f_std, int, ()) == 1, "std");
    uint64_t fl;
    __asm__ volatile("pushfq; popq %0" : "=r"(fl));
    CHECK(!(fl & 0x400), "host DF clear after a sandbox set it");

    /* the sandbox gets its own FP control; the host keeps its own */
    unsigned old = _mm_getcsr();
    _mm_setcsr(0x5f80 | 0x8000);
    unsigned m = INV(r_mxcsr, unsigned, ());
    unsigned short f = INV(r_fcw, unsigned short, ());
    CHECK((_mm_getcsr() & 0xffc0) == ((0x5f80 | 0x8000) & 0xffc0), "host MXCSR kept");
    _mm_setcsr(old);
    CHECK((m & 0xffc0) == 0x1f80, "sandbox MXCSR %#x", m);
    CHECK(f == 0x37f, "sandbox FCW %#x", f);

    if (getauxval(AT_HWCAP2) & 2) {
        uint64_t gs = 0x5550000, now;
        __asm__ volatile("wrgsbase %0" : : "r"(gs));
        CHECK(INV(f_add, int, (int, int), 1, 1) == 2, "invoke");
        __asm__ volatile("rdgsbase %0" : "=r"(now));
        CHECK(now == gs, "host %%gs base %#llx", (unsigned long long)now);
        gs = 0;
        __asm__ volatile("wrgsbase %0" : : "r"(gs));
    }
    CHECK(lfi_cur_ctx() == NULL, "no active context");
}

/* ---- callbacks ---- */

static int cb_calls;
static int cb_inc(int x)
{
    cb_calls++;
    return x + 100;
}

static long cb_six(long a, long b, long c, long d, long e, double x, double y)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + (long)(x * 10) + (long)(y * 100);
}

static void *cb_nested_entry;
static int cb_nested(int x)
{
    /* a callback that invokes the sandbox again, on the same context */
    if (x <= 0)
        return 0;
    int r = LFI_INVOKE(env.box, &env.ctx, P(&env, f_cb_plus1), int, (void *, int),
                       cb_nested_entry, x - 1);
    return r + 10;
}

static int cb_exit(int x)
{
    lfi_ctx_exit(env.ctx, x);
    return -1;
}

static void test_callbacks(void)
{
    void *inc = lfi_box_register_cb(env.box, (void *)cb_inc);
    CHECK(inc != NULL, "register");
    CHECK(lfi_box_register_cb(env.box, (void *)cb_inc) == inc, "same function, same entry");
    CHECK(lfi_box_ptrvalid(env.box, (lfiptr)inc) && (uintptr_t)inc % 32 == 0, "entry %p", inc);
    cb_calls = 0;
    CHECK(INV(f_cb, int, (void *, int), inc, 1) == 101, "tail call");
    CHECK(INV(f_cb_plus1, int, (void *, int), inc, 1) == 102, "call and return");
    CHECK(cb_calls == 2, "calls %d", cb_calls);

    void *six = lfi_box_register_cb(env.box, (void *)cb_six);
    long v = INV(f_cb6, long, (void *, long, long, long, long, long, double, double), six, 1, 2, 3,
                 4, 5, 0.5, 0.25);
    CHECK(v == 1 + 4 + 9 + 16 + 25 + 5 + 25, "six arguments: %ld", v);

    cb_nested_entry = lfi_box_register_cb(env.box, (void *)cb_nested);
    /* f(3) = cb(2)+1 = (f(2)+10)+1 ... f(0) = cb(-1)+1 = 1 */
    int n = INV(f_cb_plus1, int, (void *, int), cb_nested_entry, 3);
    CHECK(n == 1 + 3 * 11, "nested invoke in callbacks: %d", n);
    CHECK(INV(f_add, int, (int, int), 2, 3) == 5, "after nesting");

    /* lfi_ctx_exit inside a callback ends the invoke */
    void *ex = lfi_box_register_cb(env.box, (void *)cb_exit);
    lfi_clearerr();
    int r = INV(f_cb_plus1, int, (void *, int), ex, 77);
    CHECK(r == 77, "exit code as result: %d", r);
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_EXIT, "status");
    CHECK(INV(f_add, int, (int, int), 2, 3) == 5, "after exit");
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_NONE, "status reset");

    /* an unregistered entry ends the invoke with an error */
    lfi_box_unregister_cb(env.box, (void *)cb_inc);
    lfi_clearerr();
    r = INV(f_cb_plus1, int, (void *, int), inc, 1);
    CHECK(r == 0 && lfi_errno() == LFI_ERR_RTCALL, "unregistered callback: %d", r);
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_RTCALL, "status");
    /* re-registering gives a working entry again */
    inc = lfi_box_register_cb(env.box, (void *)cb_inc);
    CHECK(INV(f_cb, int, (void *, int), inc, 5) == 105, "re-registered");
    CHECK(lfi_box_register_cb(env.box, NULL) == NULL, "NULL function");
    CHECK(lfi_box_cbinit(env.box), "cbinit");
}

/* ---- invoke from a system-call handler (same context) ---- */

static int hcalls;
static void handler(struct LFIContext *ctx)
{
    struct LFIRegs *r = lfi_ctx_regs(ctx);
    hcalls++;
    if (r->rax == 1) {
        /* an invoke on the same context, whose function makes a system
         * call in turn: the outer run's registers must survive both */
        int x = LFI_INVOKE(env.box, &env.ctx, P(&env, f_add), int, (int, int), 40, 2);
        long y = LFI_INVOKE(env.box, &env.ctx, P(&env, f_syscall), long, (long), 41);
        int z = LFI_INVOKE(env.box, &env.ctx, P(&env, f_std), int, ()); /* DF set */
        r = lfi_ctx_regs(ctx);
        r->rax = (uint64_t)(x + y + z) + 15; /* p_preserve expects 100 */
        return;
    }
    if (r->rax == 41) {
        r->rax = 42;
        return;
    }
    lfi_ctx_exit(ctx, (int)r->rax);
}

static void test_from_handler(void)
{
    lfi_sys_handler(env.engine, handler);
    hcalls = 0;
    int code = lfi_ctx_run(env.ctx, P(&env, p_preserve));
    CHECK(code == 100 + 11 + 22 + 33 + 44 + 55 + 66 + 77 + 88 + 99 + 111 + 123 + 7 + 11 + 44,
          "run after invokes from its handler: %d", code);
    CHECK(hcalls == 3, "handler calls %d", hcalls);
    /* an invoke whose function's system call ends it */
    long v = INV(f_syscall, long, (long), 5);
    CHECK(v == 5 && lfi_ctx_status(env.ctx, NULL) == LFI_ERR_EXIT, "exit in invoke: %ld", v);
}

/* ---- several boxes: %gs follows the box ---- */

static void test_multibox(void)
{
    struct env e2;
    env_box(&e2, env.engine);
    struct env *es[2] = { &env, &e2 };
    for (int i = 0; i < 2; i++) {
        lfiptr at = lfi_box_info(es[i]->box).base + 0x20000000;
        CHECK(lfi_box_mapat(es[i]->box, at, 4096, LFI_PROT_READ | LFI_PROT_WRITE,
                            LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) == at, "mapat");
        uint64_t v = 1000 + (uint64_t)i;
        lfi_box_copyto(es[i]->box, at, &v, 8);
    }
    int bad = 0;
    for (int k = 0; k < 10000; k++) {
        struct env *e = es[k & 1];
        uint64_t v = LFI_INVOKE(e->box, &e->ctx, P(e, f_getgs), uint64_t, ());
        if (v != 1000 + (uint64_t)(k & 1))
            bad++;
    }
    CHECK(bad == 0, "%d invokes read the other box", bad);
    env_free_box(&e2);
}

/* ---- lazy contexts on several threads ---- */

static __thread struct LFIContext *tctx;
static struct LFIContext *clone_cb(struct LFIBox *box)
{
    struct LFIContext *c = lfi_ctx_new(box, NULL);
    if (c)
        lfi_ctx_regs(c)->sp = map_stack(box);
    return c;
}

static void *thread_main(void *arg)
{
    long id = (long)arg, bad = 0;
    void *inc = lfi_box_register_cb(env.box, (void *)cb_inc);
    for (int i = 0; i < 2000; i++) {
        if (LFI_INVOKE(env.box, &tctx, P(&env, f_add), int, (int, int), (int)id, i) != id + i)
            bad++;
        if (LFI_INVOKE(env.box, &tctx, P(&env, f_cb_plus1), int, (void *, int), inc, i) !=
            i + 101)
            bad++;
    }
    if (!tctx)
        bad++;
    lfi_ctx_free(tctx);
    return (void *)bad;
}

static void test_threads(void)
{
    lfi_set_clone_cb(env.engine, clone_cb);
    pthread_t t[6];
    for (long i = 0; i < 6; i++)
        pthread_create(&t[i], NULL, thread_main, (void *)i);
    long bad = 0;
    for (int i = 0; i < 6; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    CHECK(bad == 0, "%ld bad results in threads", bad);
    lfi_set_clone_cb(env.engine, NULL);
}

static void test_errors(void)
{
    struct LFIContext *none = NULL;
    lfi_clearerr();
    int r = LFI_INVOKE(env.box, &none, P(&env, f_add), int, (int, int), 1, 2);
    CHECK(r == 0 && none == NULL, "no context, no clone callback");
    CHECK_ERR(LFI_ERR_NOCTX);
    lfi_clearerr();
    r = LFI_INVOKE(env.box, (struct LFIContext **)NULL, P(&env, f_add), int, (int, int), 1, 2);
    CHECK(r == 0, "NULL context pointer");
    CHECK_ERR(LFI_ERR_INVAL);
    /* the target is masked to a bundle start inside the box */
    r = LFI_INVOKE(env.box, &env.ctx, P(&env, f_add) + 3 + 0x100000000ull * 7, int, (int, int), 1,
                   2);
    CHECK(r == 3, "masked target: %d", r);
}

/* A box that never called lfi_box_init_ret, with the context made first. */
static void test_lazy_init(void)
{
    struct LFIBox *box = lfi_box_new(env.engine);
    struct LFIContext *ctx = lfi_ctx_new(box, NULL);
    lfi_ctx_regs(ctx)->sp = map_stack(box);
    lfiptr code = load_code(box, progs_start, (size_t)(progs_end - progs_start));
    int r = LFI_INVOKE(box, &ctx, code + (lfiptr)(f_add - progs_start), int, (int, int), 20, 22);
    CHECK(r == 42, "invoke without init_ret: %d", r);
    lfi_ctx_free(ctx);
    lfi_box_free(box);
}

int main(void)
{
    env_new(&env, (struct LFIOptions){ 0 }, 4);
    lfi_box_init_ret(env.box);
    test_ints();
    test_floats();
    test_hygiene();
    test_callbacks();
    test_from_handler();
    test_multibox();
    test_threads();
    test_errors();
    test_lazy_init();
    env_free(&env);
    TEST_DONE();
}
