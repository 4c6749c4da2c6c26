/* MXCSR and x87 control word across every transition, with the values
 * changing from one transition to the next on both sides.
 *
 * entry.S loads these registers from per-context copies of the values it
 * loaded last (CTX_HOST_MXCSR, CTX_SBX_MXCSR, ...) and refreshes a copy
 * only when the value differs. The edge cases are the refreshes: the host
 * changing its values between invokes, the sandbox changing its own before
 * a runtime call or a callback, a handler changing the sandbox's values in
 * regs, and host code changing the registers themselves inside a handler
 * or callback. In every case the host code sees the host's values, the
 * sandbox sees its own after the call, and the host gets its own back. */
#include "harness.h"

#include <immintrin.h>

static struct env env;

/* Control bits only: the exception flags (bits 0-5) may be set by any
 * floating-point arithmetic in between. */
#define CTL(m) ((unsigned)(m) & 0xffc0u)

static const unsigned host_mx[] = { 0x1f80, 0x5f80 | 0x8000, 0x3f80 };
static const unsigned short host_cw[] = { 0x037f, 0x0f7f, 0x027f };
static const unsigned sbx_mx[] = { 0x1f80, 0x1f80 | 0x40, 0x7f80, 0x1d80 };
static const unsigned short sbx_cw[] = { 0x037f, 0x067f, 0x0b7f, 0x037e };

static unsigned get_mx(void)
{
    return _mm_getcsr();
}

static unsigned short get_cw(void)
{
    unsigned short f;
    __asm__ volatile("fnstcw %0" : "=m"(f));
    return f;
}

static void set_host(unsigned mx, unsigned short cw)
{
    _mm_setcsr(mx);
    __asm__ volatile("fldcw %0" : : "m"(cw));
}

/* What the host code in the handler or callback saw, and what it does. */
static unsigned seen_mx;
static unsigned short seen_cw;
static int seen_calls;
static int action; /* 0: nothing; 1: change regs (the sandbox's values); 2: change the
                    * registers themselves (host code that does not restore them) */
static unsigned new_mx;
static unsigned short new_cw;

static void host_code(struct LFIContext *ctx)
{
    seen_mx = get_mx();
    seen_cw = get_cw();
    seen_calls++;
    if (action == 1) {
        lfi_ctx_regs(ctx)->mxcsr = new_mx;
        lfi_ctx_regs(ctx)->fcw = new_cw;
    } else if (action == 2) {
        set_host(0x7f80 | 0x8000, 0x0c7f); /* round toward zero, FTZ; not restored */
    }
}

static void handler(struct LFIContext *ctx)
{
    if (lfi_ctx_regs(ctx)->rax != 77) {
        lfi_ctx_exit(ctx, 99);
        return;
    }
    host_code(ctx);
}

static void callback(void)
{
    host_code(lfi_cur_ctx());
}

static void check_round(const char *what, int i, uint64_t r, unsigned hmx, unsigned short hcw,
                        unsigned smx, unsigned short scw)
{
    unsigned after_mx = get_mx();
    unsigned short after_cw = get_cw();
    CHECK(seen_calls == 1, "%s %d: host code ran %d times", what, i, seen_calls);
    CHECK(CTL(seen_mx) == CTL(hmx), "%s %d: host code saw MXCSR %#x, want %#x", what, i,
          seen_mx, hmx);
    CHECK(seen_cw == hcw, "%s %d: host code saw FCW %#x, want %#x", what, i, seen_cw, hcw);
    unsigned want_mx = action == 1 ? new_mx : smx;
    unsigned short want_cw = action == 1 ? new_cw : scw;
    CHECK(CTL(r) == CTL(want_mx), "%s %d: sandbox MXCSR after the call %#x, want %#x", what, i,
          (unsigned)r, want_mx);
    CHECK((unsigned short)(r >> 32) == want_cw, "%s %d: sandbox FCW after the call %#x, want %#x",
          what, i, (unsigned)(r >> 32), want_cw);
    CHECK(CTL(after_mx) == CTL(hmx), "%s %d: host MXCSR after the invoke %#x, want %#x", what, i,
          after_mx, hmx);
    CHECK(after_cw == hcw, "%s %d: host FCW after the invoke %#x, want %#x", what, i, after_cw,
          hcw);
}

/* Runtime calls and callbacks, host and sandbox values varying. */
static void test_varying(void)
{
    unsigned old_mx = get_mx();
    unsigned short old_cw = get_cw();
    void *cb = lfi_box_register_cb(env.box, (void *)callback);
    CHECK(cb != NULL, "register the callback");
    for (int i = 0; i < 72; i++) {
        unsigned hmx = host_mx[i % 3], smx = sbx_mx[(i / 3) % 4];
        unsigned short hcw = host_cw[(i + 1) % 3], scw = sbx_cw[(i / 3 + 1) % 4];
        action = (i / 12) % 3;
        new_mx = sbx_mx[(i + 1) % 4] | 0x2000; /* round down */
        new_cw = sbx_cw[(i + 2) % 4];
        /* system call */
        set_host(hmx, hcw);
        seen_calls = 0;
        uint64_t r = LFI_INVOKE(env.box, &env.ctx, P(&env, f_fpctl_sys), uint64_t,
                                (unsigned, unsigned), smx, scw);
        check_round("system call", i, r, hmx, hcw, smx, scw);
        CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_NONE, "system call %d: status", i);
        /* callback */
        set_host(hmx, hcw);
        seen_calls = 0;
        r = LFI_INVOKE(env.box, &env.ctx, P(&env, f_fpctl_cb), uint64_t,
                       (void *, unsigned, unsigned), cb, smx, scw);
        check_round("callback", i, r, hmx, hcw, smx, scw);
        CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_NONE, "callback %d: status", i);
    }
    set_host(old_mx, old_cw);
}

/* LFI_INVOKE gives the sandbox regs.mxcsr / regs.fcw; the values change
 * between invokes, and the host's too. Reserved MXCSR bits in regs are
 * ignored. */
static void test_invoke_regs(void)
{
    unsigned old_mx = get_mx();
    unsigned short old_cw = get_cw();
    for (int i = 0; i < 24; i++) {
        unsigned hmx = host_mx[i % 3], smx = sbx_mx[(i / 2) % 4];
        unsigned short hcw = host_cw[(i / 3) % 3], scw = sbx_cw[i % 4];
        struct LFIRegs *regs = lfi_ctx_regs(env.ctx);
        regs->mxcsr = smx | (i % 5 == 0 ? 0xffff0000u : 0);
        regs->fcw = scw;
        set_host(hmx, hcw);
        unsigned m = LFI_INVOKE(env.box, &env.ctx, P(&env, r_mxcsr), unsigned, ());
        unsigned short f = LFI_INVOKE(env.box, &env.ctx, P(&env, r_fcw), unsigned short, ());
        CHECK(CTL(m) == CTL(smx), "invoke %d: sandbox MXCSR %#x, want %#x", i, m, smx);
        CHECK(f == scw, "invoke %d: sandbox FCW %#x, want %#x", i, f, scw);
        CHECK(CTL(get_mx()) == CTL(hmx), "invoke %d: host MXCSR %#x, want %#x", i, get_mx(), hmx);
        CHECK(get_cw() == hcw, "invoke %d: host FCW %#x, want %#x", i, get_cw(), hcw);
    }
    lfi_ctx_regs(env.ctx)->mxcsr = 0x1f80;
    lfi_ctx_regs(env.ctx)->fcw = 0x037f;
    set_host(old_mx, old_cw);
}

/* A fault ends the invoke with the host's values back, and the next
 * invoke starts with the sandbox's again. */
static void test_fault(void)
{
    unsigned old_mx = get_mx();
    unsigned short old_cw = get_cw();
    set_host(host_mx[1], host_cw[1]);
    lfi_ctx_regs(env.ctx)->mxcsr = sbx_mx[2];
    lfi_ctx_regs(env.ctx)->fcw = sbx_cw[2];
    uint64_t r = LFI_INVOKE(env.box, &env.ctx, P(&env, p_ud2), uint64_t, ());
    CHECK(r == 0 && lfi_ctx_status(env.ctx, NULL) == LFI_ERR_FAULT, "fault");
    CHECK(CTL(get_mx()) == CTL(host_mx[1]) && get_cw() == host_cw[1],
          "host FP control after a fault: %#x %#x", get_mx(), get_cw());
    set_host(host_mx[2], host_cw[2]);
    unsigned m = LFI_INVOKE(env.box, &env.ctx, P(&env, r_mxcsr), unsigned, ());
    CHECK(CTL(m) == CTL(sbx_mx[2]), "sandbox MXCSR after a fault %#x", m);
    CHECK(CTL(get_mx()) == CTL(host_mx[2]) && get_cw() == host_cw[2],
          "host FP control after the next invoke: %#x %#x", get_mx(), get_cw());
    lfi_ctx_regs(env.ctx)->mxcsr = 0x1f80;
    lfi_ctx_regs(env.ctx)->fcw = 0x037f;
    set_host(old_mx, old_cw);
}

int main(void)
{
    env_new(&env, (struct LFIOptions){ 0 }, 1);
    lfi_sys_handler(env.engine, handler);
    test_varying();
    test_invoke_regs();
    if (!UNDER_ASAN)
        test_fault();
    env_free(&env);
    TEST_DONE();
}
