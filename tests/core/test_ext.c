/* The newer API additions (docs/runtime.md): struct callbacks
 * (lfi_box_register_cb_struct), register-file invokes (lfi_trampoline_struct,
 * lfi_invoke_struct), lfi_box_register_ret, and aborting an invoke from a
 * callback (lfi_ctx_abort_cb). */
#include "harness.h"

static struct env env;
#define INV(fn, ret, types, ...) \
    LFI_INVOKE(env.box, &env.ctx, P(&env, fn), ret, types __VA_OPT__(,) __VA_ARGS__)

/* f_cbmem calls the function whose address is stored at this box offset. */
#define CBSLOT 0x20000000ull
static lfiptr cbslot;

static void set_cb(void *entry)
{
    uint64_t v = (uint64_t)(uintptr_t)entry;
    CHECK(lfi_box_copyto(env.box, cbslot, &v, 8) == cbslot, "store callback address");
}

static double xlo(const struct LFIRegs *r, int k)
{
    double d;
    memcpy(&d, &r->xmm[2 * k], 8);
    return d;
}

static void set_xlo(struct LFIRegs *r, int k, double d)
{
    memcpy(&r->xmm[2 * k], &d, 8);
}

/* ---- struct callbacks ---- */

static int s_calls;
static uint64_t s_int[6], s_hi[8];
static double s_dbl[8];
static struct LFIContext *s_ctx;

/* Reads the arguments from the registers and leaves four results there. */
static void cb_struct(void)
{
    struct LFIContext *ctx = lfi_cur_ctx();
    struct LFIRegs *r = lfi_ctx_regs(ctx);
    s_calls++;
    s_ctx = ctx;
    s_int[0] = r->rdi, s_int[1] = r->rsi, s_int[2] = r->rdx;
    s_int[3] = r->rcx, s_int[4] = r->r8, s_int[5] = r->r9;
    for (int k = 0; k < 8; k++) {
        s_dbl[k] = xlo(r, k);
        s_hi[k] = r->xmm[2 * k + 1];
    }
    uint64_t isum = 0;
    for (int k = 0; k < 6; k++)
        isum += s_int[k] * (uint64_t)(k + 1);
    double dsum = 0;
    for (int k = 0; k < 8; k++)
        dsum += s_dbl[k] * (k + 1);
    r->rax = isum;
    r->rdx = s_int[0] ^ 0xabcdef;
    set_xlo(r, 0, dsum);
    set_xlo(r, 1, s_dbl[7] - s_dbl[0]);
    r->xmm[1] = 0x1111111111111111ull; /* upper halves of the results */
    r->xmm[3] = 0x2222222222222222ull;
}

static long cb_plain_same(long a)
{
    return a * 3;
}

static void test_cb_struct(void)
{
    void *e = lfi_box_register_cb_struct(env.box, (void *)cb_struct);
    CHECK(e != NULL && lfi_box_ptrvalid(env.box, (lfiptr)e) && (uintptr_t)e % 32 == 0,
          "entry %p", e);
    CHECK(lfi_box_register_cb_struct(env.box, (void *)cb_struct) == e, "same fn, same entry");
    void *plain = lfi_box_register_cb(env.box, (void *)cb_struct);
    CHECK(plain != NULL && plain != e, "plain and struct registrations are distinct");
    CHECK(lfi_box_register_cb_struct(env.box, NULL) == NULL, "NULL fn");
    CHECK_ERR(LFI_ERR_INVAL);
    lfi_box_unregister_cb(env.box, (void *)cb_struct);

    /* 6 integer + 8 double arguments through LFI_INVOKE; the double result */
    e = lfi_box_register_cb_struct(env.box, (void *)cb_struct);
    set_cb(e);
    s_calls = 0;
    double d = INV(f_cbmem, double,
                   (long, long, long, long, long, long, double, double, double, double, double,
                    double, double, double),
                   1, -2, 3L << 40, 4, 5, 6, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, -7.25);
    CHECK(s_calls == 1 && s_ctx == env.ctx, "called once, in the context (%d)", s_calls);
    int64_t want_i[6] = { 1, -2, 3L << 40, 4, 5, 6 };
    double want_d[8] = { 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, -7.25 };
    for (int k = 0; k < 6; k++)
        CHECK(s_int[k] == (uint64_t)want_i[k], "int arg %d: %lld", k, (long long)s_int[k]);
    double dsum = 0;
    for (int k = 0; k < 8; k++) {
        CHECK(s_dbl[k] == want_d[k], "double arg %d: %g", k, s_dbl[k]);
        dsum += want_d[k] * (k + 1);
    }
    CHECK(d == dsum, "double result %g, want %g", d, dsum);
    long l = INV(f_cbmem, long, (long, long, long, long, long, long), 10, 20, 30, 40, 50, 60);
    CHECK(l == 10 + 40 + 90 + 160 + 250 + 360, "integer result %ld", l);
    CHECK(s_dbl[3] == 0.0 && s_dbl[7] == 0.0, "unused vector args are zero");
    struct pair { long a, b; } pr = INV(f_cbmem, struct pair, (long), 7);
    CHECK(pr.a == 7 && pr.b == (7 ^ 0xabcdef), "rax, rdx result %ld %ld", pr.a, pr.b);

    /* everything through the registers: lfi_invoke_struct -> f_cbmem ->
     * struct callback; all 128 bits of the vector registers travel */
    struct LFIRegs *r = lfi_ctx_regs(env.ctx);
    r->rdi = 11, r->rsi = 12, r->rdx = 13, r->rcx = 14, r->r8 = 15, r->r9 = 0x8000000000000001ull;
    for (int k = 0; k < 8; k++) {
        set_xlo(r, k, 0.25 * (k + 1));
        r->xmm[2 * k + 1] = 0xa0a0a0a000000000ull + (uint64_t)k;
    }
    s_calls = 0;
    CHECK(lfi_invoke_struct(env.ctx, P(&env, f_cbmem)) == 0, "lfi_invoke_struct");
    CHECK(s_calls == 1, "calls %d", s_calls);
    CHECK(s_int[5] == 0x8000000000000001ull && s_int[0] == 11 && s_int[3] == 14, "int args");
    int hi_ok = 1;
    for (int k = 0; k < 8; k++)
        hi_ok &= s_dbl[k] == 0.25 * (k + 1) && s_hi[k] == 0xa0a0a0a000000000ull + (uint64_t)k;
    CHECK(hi_ok, "vector args, 128 bits each");
    uint64_t want = 11 + 24 + 39 + 56 + 75 + 6 * 0x8000000000000001ull;
    dsum = 0;
    for (int k = 0; k < 8; k++)
        dsum += 0.25 * (k + 1) * (k + 1);
    CHECK(r->rax == want, "rax %#llx", (unsigned long long)r->rax);
    CHECK(r->rdx == (11 ^ 0xabcdef), "rdx %#llx", (unsigned long long)r->rdx);
    CHECK(xlo(r, 0) == dsum && r->xmm[1] == 0x1111111111111111ull, "xmm0 %g", xlo(r, 0));
    CHECK(xlo(r, 1) == 2.0 - 0.25 && r->xmm[3] == 0x2222222222222222ull, "xmm1 %g", xlo(r, 1));

    /* a plain callback registered for another fn still gets its arguments */
    void *p3 = lfi_box_register_cb(env.box, (void *)cb_plain_same);
    set_cb(p3);
    CHECK(INV(f_cbmem, long, (long), 14) == 42, "plain callback next to struct ones");
}

/* ---- lfi_trampoline_struct / lfi_invoke_struct ---- */

static void test_invoke_struct(void)
{
    struct LFIRegs *r = lfi_ctx_regs(env.ctx);
    r->rdi = 40, r->rsi = 2, r->rax = 999;
    CHECK(lfi_invoke_struct(env.ctx, P(&env, f_add)) == 0 && r->rax == 42, "add: %llu",
          (unsigned long long)r->rax);
    r->rdi = 1, r->rsi = 2, r->rdx = 3, r->rcx = 4, r->r8 = 5, r->r9 = 6;
    CHECK(lfi_invoke_struct(env.ctx, P(&env, f_sum6)) == 0 && r->rax == 21, "sum6: %llu",
          (unsigned long long)r->rax);
    set_xlo(r, 0, 1.25);
    set_xlo(r, 1, 2.5);
    CHECK(lfi_invoke_struct(env.ctx, P(&env, f_addsd)) == 0 && xlo(r, 0) == 3.75, "addsd: %g",
          xlo(r, 0));
    r->rdi = 8, r->rsi = 9;
    CHECK(lfi_invoke_struct(env.ctx, P(&env, f_pair)) == 0 && r->rax == 8 && r->rdx == 9,
          "pair");
    /* the assembly entry by hand, as an FFI would call it */
    r->rdi = 100, r->rsi = 23;
    lfi_set_invoke_info(&env.ctx, P(&env, f_add), env.box);
    lfi_trampoline_struct();
    CHECK(r->rax == 123, "lfi_trampoline_struct: %llu", (unsigned long long)r->rax);
    /* registers that are not arguments are zero in the sandbox */
    r->rbx = 77, r->r12 = 78;
    CHECK(lfi_invoke_struct(env.ctx, P(&env, r_rbx)) == 0 && r->rax == 0, "rbx zero");
    CHECK(lfi_invoke_struct(env.ctx, P(&env, r_r12)) == 0 && r->rax == 0, "r12 zero");
    /* failure: results zeroed, -1, status */
    r->rax = 5;
    CHECK(lfi_invoke_struct(env.ctx, P(&env, p_ud2)) == -1, "fault");
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_FAULT && r->rax == 0, "fault status");
    CHECK(lfi_invoke_struct(NULL, P(&env, f_add)) == -1, "no context");
    CHECK(INV(f_add, int, (int, int), 2, 2) == 4, "LFI_INVOKE afterwards");
}

/* ---- lfi_box_register_ret ---- */

static void test_register_ret(void)
{
    struct LFIBox *box = lfi_box_new(env.engine);
    struct LFIContext *ctx = lfi_ctx_new(box, NULL);
    lfi_ctx_regs(ctx)->sp = map_stack(box);
    lfiptr code = load_code(box, progs_start, (size_t)(progs_end - progs_start));
#define Q(name) (code + (lfiptr)((name) - progs_start))
    CHECK(code != (lfiptr)-1, "load");

    /* before registration, the program's stub is a stray return rtcall */
    lfi_clearerr();
    long v = LFI_INVOKE(box, &ctx, Q(f_jmp_ret), long, (long), 41);
    CHECK(v == 0 && lfi_ctx_status(ctx, NULL) == LFI_ERR_RTCALL, "unregistered stub: %ld", v);

    /* refused addresses */
    struct { lfiptr addr; const char *what; } bad[] = {
        { Q(p_lfi_ret) + 1, "misaligned" },
        { Q(p_lfi_ret) + 16, "misaligned by 16" },
        { lfi_box_info(box).base, "the table page at B (outside [min, max))" },
        { lfi_box_info(box).base + 0x100, "the legacy table" },
        { (lfiptr)(uintptr_t)p_lfi_ret, "the host's copy of the program" },
        { lfi_box_info(env.box).base + (Q(p_lfi_ret) - lfi_box_info(box).base), "another box" },
        { Q(f_add), "wrong bytes (a function)" },
        { Q(p_ud2), "wrong bytes (ud2)" },
        { 0, "NULL" },
        { (lfiptr)-32, "top of the address space" },
        { lfi_box_info(box).max - 32, "unmapped, top of the box" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lfi_clearerr();
        CHECK(!lfi_box_register_ret(box, bad[i].addr), "%s accepted", bad[i].what);
        CHECK(lfi_errno() == LFI_ERR_INVAL, "%s: errno %d", bad[i].what, lfi_errno());
    }
    /* the right bytes, but on a page that is not executable */
    lfiptr rw = lfi_box_mapany(box, 4096, LFI_PROT_READ | LFI_PROT_WRITE,
                               LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0);
    lfi_box_copyto(box, rw, p_lfi_ret, 32);
    lfi_clearerr();
    CHECK(!lfi_box_register_ret(box, rw) && lfi_errno() == LFI_ERR_INVAL, "non-executable page");
    /* the right bytes in the runtime's callback entries (pinned, not the program's) */
    void *cbe = lfi_box_register_cb(box, (void *)cb_plain_same);
    lfi_clearerr();
    CHECK(!lfi_box_register_ret(box, (lfiptr)cbe) && lfi_errno() == LFI_ERR_INVAL,
          "a callback entry");
    CHECK(!lfi_box_register_ret(NULL, Q(p_lfi_ret)), "NULL box");
    /* nothing changed by the refusals */
    v = LFI_INVOKE(box, &ctx, Q(f_jmp_ret), long, (long), 41);
    CHECK(v == 0 && lfi_ctx_status(ctx, NULL) == LFI_ERR_RTCALL, "still unregistered: %ld", v);

    /* the program's real stub */
    lfi_clearerr();
    CHECK(lfi_box_register_ret(box, Q(p_lfi_ret)), "register the stub");
    v = LFI_INVOKE(box, &ctx, Q(f_jmp_ret), long, (long), 41);
    CHECK(v == 42 && lfi_ctx_status(ctx, NULL) == LFI_ERR_NONE, "return through the stub: %ld",
          v);
    CHECK(LFI_INVOKE(box, &ctx, Q(f_add), int, (int, int), 3, 4) == 7, "ordinary return");
    struct LFIContext *c2 = lfi_ctx_new(box, NULL);
    CHECK(lfi_ctx_regs(c2)->retaddr == Q(p_lfi_ret), "retaddr of a new context %#llx",
          (unsigned long long)lfi_ctx_regs(c2)->retaddr);
    lfi_ctx_free(c2);
    /* the legacy form replaces it */
    CHECK(lfi_box_register_ret(box, Q(p_lfi_ret_legacy)), "register the legacy stub");
    v = LFI_INVOKE(box, &ctx, Q(f_jmp_ret_legacy), long, (long), 40);
    CHECK(v == 42, "return through the legacy stub: %ld", v);
    /* a return rtcall from the stub outside an invoke is still an error */
    lfi_clearerr();
    CHECK(lfi_ctx_run(ctx, Q(p_lfi_ret_legacy)) == LFI_EXIT_ERROR &&
              lfi_errno() == LFI_ERR_RTCALL, "stub in lfi_ctx_run");
    /* unmapping the program leaves nothing the runtime would jump to */
    CHECK(lfi_box_munmap(box, code, (size_t)(progs_end - progs_start)) == 0, "unmap the program");
    lfi_clearerr();
    CHECK(!lfi_box_register_ret(box, Q(p_lfi_ret)) && lfi_errno() == LFI_ERR_INVAL,
          "unmapped stub");
#undef Q
    lfi_ctx_free(ctx);
    lfi_box_free(box);
}

/* ---- aborting from a callback ---- */

static int ab_calls, ab_after;
static int cb_abort(int x)
{
    ab_calls++;
    lfi_ctx_abort_cb(lfi_cur_ctx());
    ab_after++; /* lfi_ctx_abort_cb returns: the abort happens at the return */
    return x + 1000;
}

static void *abort_entry;
static int inner_result, inner_status, inner_abort;
static int cb_outer(int x)
{
    inner_result = INV(f_cb_plus1, int, (void *, int), abort_entry, x);
    inner_status = lfi_ctx_status(env.ctx, NULL);
    inner_abort = lfi_ctx_abort_cb_status(env.ctx);
    return x + 10;
}

static int cb_outer_propagate(int x)
{
    int r = cb_outer(x);
    if (lfi_ctx_status(env.ctx, NULL) == LFI_ERR_ABORT)
        lfi_ctx_abort_callback(lfi_cur_ctx());
    return r;
}

static int cb_abort_then_exit(int x)
{
    lfi_ctx_abort_cb(lfi_cur_ctx());
    lfi_ctx_exit(lfi_cur_ctx(), x); /* ends the invoke first; the mark goes with it */
    return 0;
}

static void cb_abort_struct(void)
{
    struct LFIRegs *r = lfi_ctx_regs(lfi_cur_ctx());
    r->rax = 555;
    lfi_ctx_abort_cb(lfi_cur_ctx());
}

static void abort_handler(struct LFIContext *ctx)
{
    lfi_ctx_abort_cb(ctx);
}

static void test_abort(void)
{
    volatile uint64_t canary = 0x5ca1ab1e;
    abort_entry = lfi_box_register_cb(env.box, (void *)cb_abort);
    CHECK(lfi_ctx_abort_cb_status(env.ctx) == 0 && lfi_ctx_abort_status(env.ctx) == 0,
          "no abort yet");
    /* outside a callback: refused, no effect */
    lfi_clearerr();
    lfi_ctx_abort_cb(env.ctx);
    CHECK_ERR(LFI_ERR_INVAL);
    CHECK(INV(f_cb_plus1, int, (void *, int), lfi_box_register_cb(env.box, (void *)cb_plain_same),
              2) == 7, "a callback after a refused abort");

    /* abort ends the invoke at the callback's return */
    ab_calls = ab_after = 0;
    lfi_clearerr();
    int r = INV(f_cb_plus1, int, (void *, int), abort_entry, 1);
    CHECK(r == 0, "aborted invoke returns 0, not %d", r);
    CHECK(ab_calls == 1 && ab_after == 1, "callback ran to its end once");
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_ABORT, "status %d",
          lfi_ctx_status(env.ctx, NULL));
    CHECK_ERR(LFI_ERR_ABORT);
    CHECK(lfi_ctx_abort_cb_status(env.ctx) == 1 && lfi_ctx_abort_status(env.ctx) == 1,
          "abort status");
    CHECK(lfi_cur_ctx() == NULL, "no active context after the abort");
    CHECK(canary == 0x5ca1ab1e, "host stack intact");
    /* the host continues; the next invoke works; the status is sticky */
    CHECK(INV(f_add, int, (int, int), 20, 22) == 42, "invoke after abort");
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_NONE, "status reset");
    CHECK(lfi_ctx_abort_cb_status(env.ctx) == 1, "abort status is sticky");

    /* nested: the inner invoke ends, the outer one continues */
    void *outer = lfi_box_register_cb(env.box, (void *)cb_outer);
    ab_calls = 0;
    r = INV(f_cb_plus1, int, (void *, int), outer, 5);
    CHECK(inner_result == 0 && inner_status == LFI_ERR_ABORT && inner_abort == 1,
          "inner invoke aborted: %d %d", inner_result, inner_status);
    CHECK(r == 5 + 10 + 1, "outer invoke continued in the sandbox: %d", r);
    CHECK(ab_calls == 1 && lfi_ctx_status(env.ctx, NULL) == LFI_ERR_NONE, "outer status");
    /* nested, and the outer callback aborts too: both end */
    void *prop = lfi_box_register_cb(env.box, (void *)cb_outer_propagate);
    r = INV(f_cb_plus1, int, (void *, int), prop, 5);
    CHECK(r == 0 && inner_result == 0 && lfi_ctx_status(env.ctx, NULL) == LFI_ERR_ABORT,
          "propagated abort: %d", r);
    CHECK(canary == 0x5ca1ab1e, "host stack intact");
    CHECK(INV(f_add, int, (int, int), 1, 2) == 3, "invoke after a nested abort");

    /* a mark whose invoke ended otherwise does not abort a later invoke */
    void *ex = lfi_box_register_cb(env.box, (void *)cb_abort_then_exit);
    r = INV(f_cb_plus1, int, (void *, int), ex, 66);
    CHECK(r == 66 && lfi_ctx_status(env.ctx, NULL) == LFI_ERR_EXIT, "exit wins: %d", r);
    void *pl = lfi_box_register_cb(env.box, (void *)cb_plain_same);
    r = INV(f_cb_plus1, int, (void *, int), pl, 3);
    CHECK(r == 10 && lfi_ctx_status(env.ctx, NULL) == LFI_ERR_NONE, "stale mark: %d", r);

    /* a struct callback aborts too; lfi_invoke_struct reports it */
    set_cb(lfi_box_register_cb_struct(env.box, (void *)cb_abort_struct));
    CHECK(lfi_invoke_struct(env.ctx, P(&env, f_cbmem)) == -1, "struct abort");
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_ABORT && lfi_ctx_regs(env.ctx)->rax == 0,
          "struct abort status, result 0");

    /* from the system-call handler of a run */
    lfi_sys_handler(env.engine, abort_handler);
    lfi_clearerr();
    int code = lfi_ctx_run(env.ctx, P(&env, p_syscall42));
    CHECK(code == LFI_EXIT_ERROR && lfi_errno() == LFI_ERR_ABORT, "run aborted: %d", code);
    lfi_sys_handler(env.engine, NULL);
    lfi_ctx_regs(env.ctx)->sp = env.stack;
    CHECK(INV(f_add, int, (int, int), 5, 6) == 11, "invoke after the aborted run");

    /* many aborts: nothing leaks on the host stack */
    int bad = 0;
    for (int i = 0; i < 10000; i++) {
        if (INV(f_cb_plus1, int, (void *, int), abort_entry, i) != 0)
            bad++;
        if (INV(f_add, int, (int, int), i, 1) != i + 1)
            bad++;
    }
    CHECK(bad == 0, "%d bad results", bad);
    CHECK(canary == 0x5ca1ab1e, "host stack intact");
}

int main(void)
{
    env_new(&env, (struct LFIOptions){ 0 }, 4);
    cbslot = lfi_box_info(env.box).base + CBSLOT;
    if (lfi_box_mapat(env.box, cbslot, 4096, LFI_PROT_READ | LFI_PROT_WRITE,
                      LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) != cbslot) {
        printf("mapat: %s\n", lfi_errmsg());
        return 1;
    }
    test_cb_struct();
    test_invoke_struct();
    test_register_ret();
    test_abort();
    env_free(&env);
    TEST_DONE();
}
