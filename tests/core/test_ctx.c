/* lfi_ctx_run and runtime calls: system-call round trips, register
 * preservation, thread pointer, legacy table, forced registers, host state
 * across a run, errors. */
#include "harness.h"

#include <immintrin.h>
#include <math.h>
#include <sys/auxv.h>

static struct env env;
static int mode;
static int calls;
static uint64_t seen[8];

static void handler(struct LFIContext *ctx)
{
    struct LFIRegs *r = lfi_ctx_regs(ctx);
    calls++;
    switch (mode) {
    case 0: /* exit with %rax */
        lfi_ctx_exit(ctx, (int)r->rax);
        break;
    case 1: /* p_preserve */
        if (calls == 1) {
            seen[0] = r->rbx == 11 && r->rdx == 22 && r->rsi == 33 && r->rdi == 44 &&
                      r->r8 == 55 && r->r9 == 66 && r->r10 == 77 && r->r12 == 88 &&
                      r->r13 == 99 && r->r15 == 111 && r->rcx == 123 && r->rbp == 7 &&
                      r->xmm[6] == 11 && r->xmm[30] == 44;
            /* clobber what the handler may clobber on the host side */
            r->rax = 100;
            volatile double d = 1.0;
            for (int i = 0; i < 10; i++)
                d = d * 1.5 + sqrt(d);
            return;
        }
        lfi_ctx_exit(ctx, (int)r->rax);
        break;
    case 2: /* p_tp */
        seen[0] = r->rax;
        seen[1] = r->rbx;
        seen[2] = r->rsi;
        seen[3] = lfi_ctx_get_tp(ctx);
        lfi_ctx_exit(ctx, 0);
        break;
    case 3: /* redirect the return point: high bits of r11 must be ignored */
        if (calls == 1) {
            r->r11 = 0xdead000000000000ull | (uint32_t)P(&env, p_syscall42);
            mode = 0;
            return;
        }
        break;
    case 4: /* free / exit misuse inside the handler */
        lfi_clearerr();
        lfi_ctx_free(ctx);
        seen[0] = lfi_errno();
        lfi_ctx_exit(ctx, 9);
        break;
    case 5: /* p_x87_pending, p_mxcsr_unmask: host float code in the handler */
        if (r->rax == 7 || r->rax == 8) {
            volatile double z = 0.0, one = 1.0;
            volatile double q = one / z; /* must not trap in the host */
            long double ld = 1.0L;
            for (int i = 0; i < 4; i++)
                ld = ld * 3.0L;
            seen[0] = isinf(q) && ld == 81.0L;
            if (r->rax == 7)
                lfi_ctx_exit(ctx, 7);
            return;
        }
        seen[1] = r->rax; /* the sandbox's MXCSR after the first call */
        lfi_ctx_exit(ctx, 0);
        break;
    }
}

static int run(lfiptr entry)
{
    calls = 0;
    return lfi_ctx_run(env.ctx, entry);
}

static void test_basic(void)
{
    mode = 0;
    CHECK(run(P(&env, p_syscall42)) == 42, "syscall exit code");
    CHECK(calls == 1, "one call");
    CHECK(run(P(&env, p_legacy42)) == 42, "legacy table");
    CHECK(run(P(&env, p_stack)) == 18, "stack");
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_NONE, "status");
    CHECK(lfi_cur_ctx() == NULL, "no current context after the run");
}

static void test_preserve(void)
{
    mode = 1;
    int code = run(P(&env, p_preserve));
    CHECK(seen[0] == 1, "registers seen by the handler");
    CHECK(code == 100 + 11 + 22 + 33 + 44 + 55 + 66 + 77 + 88 + 99 + 111 + 123 + 7 + 11 + 44,
          "registers after the call: %d", code);
}

static void test_tp(void)
{
    mode = 2;
    lfi_ctx_set_tp(env.ctx, 0);
    CHECK(run(P(&env, p_tp)) == 0, "run");
    CHECK(seen[0] == 0x1234, "get TP after set TP: %#llx", (unsigned long long)seen[0]);
    CHECK(seen[1] == 1, "carry flag kept across get TP");
    CHECK(seen[2] == 0x5678, "legacy slots: %#llx", (unsigned long long)seen[2]);
    CHECK(seen[3] == 0x5678 && lfi_ctx_get_tp(env.ctx) == 0x5678, "lfi_ctx_get_tp");
}

static void test_forced(void)
{
    /* The stack pointer's high bits are replaced by the box base. */
    mode = 0;
    lfi_ctx_regs(env.ctx)->sp = 0x7777000000000000ull | (uint32_t)env.stack;
    CHECK(run(P(&env, p_stack)) == 18, "forced stack pointer");
    lfi_ctx_regs(env.ctx)->sp = env.stack;
    /* A handler that puts a host address into r11 sends the sandbox to
     * base + low 32 bits. */
    mode = 3;
    CHECK(run(P(&env, p_preserve)) == 42, "masked return point");
}

static void test_errors(void)
{
    mode = 0;
    lfi_clearerr();
    CHECK(run(P(&env, p_syscall42) + 1) == LFI_EXIT_ERROR, "unaligned entry");
    CHECK_ERR(LFI_ERR_INVAL);
    CHECK(run(0x1000) == LFI_EXIT_ERROR, "entry outside the box");
    CHECK_ERR(LFI_ERR_INVAL);
    CHECK(lfi_ctx_run(NULL, P(&env, p_syscall42)) == LFI_EXIT_ERROR, "NULL context");

    CHECK(run(P(&env, p_ret_in_run)) == LFI_EXIT_ERROR, "return rtcall in a run");
    CHECK_ERR(LFI_ERR_RTCALL);
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_RTCALL, "status");

    lfi_clearerr();
    lfi_ctx_exit(env.ctx, 3); /* not running: returns with an error */
    CHECK_ERR(LFI_ERR_INVAL);

    mode = 4;
    CHECK(run(P(&env, p_syscall42)) == 9, "exit after a refused free");
    CHECK(seen[0] == LFI_ERR_BUSY, "free of a running context");

    /* no handler */
    lfi_sys_handler(env.engine, NULL);
    CHECK(run(P(&env, p_syscall42)) == LFI_EXIT_ERROR, "no handler");
    CHECK_ERR(LFI_ERR_RTCALL);
    lfi_sys_handler(env.engine, handler);

    /* still usable */
    mode = 0;
    CHECK(run(P(&env, p_syscall42)) == 42, "after errors");
}

static void test_host_state(void)
{
    /* The host's MXCSR, x87 control word and %gs base come back. */
    unsigned host_mxcsr = 0x5f80 | 0x8000; /* round up, flush to zero */
    unsigned short host_fcw = 0x0f7f;      /* round up */
    unsigned old_mxcsr = _mm_getcsr();
    unsigned short old_fcw;
    __asm__ volatile("fnstcw %0" : "=m"(old_fcw));
    _mm_setcsr(host_mxcsr);
    __asm__ volatile("fldcw %0" : : "m"(host_fcw));
    mode = 0;
    CHECK(run(P(&env, p_syscall42)) == 42, "run");
    unsigned m = _mm_getcsr();
    unsigned short f;
    __asm__ volatile("fnstcw %0" : "=m"(f));
    CHECK((m & 0xffc0) == (host_mxcsr & 0xffc0), "host MXCSR %#x", m);
    CHECK(f == host_fcw, "host FCW %#x", f);
    _mm_setcsr(old_mxcsr);
    __asm__ volatile("fldcw %0" : : "m"(old_fcw));

    if (getauxval(AT_HWCAP2) & 2) {
        uint64_t gs = 0x1234000, now;
        __asm__ volatile("wrgsbase %0" : : "r"(gs));
        CHECK(run(P(&env, p_syscall42)) == 42, "run");
        __asm__ volatile("rdgsbase %0" : "=r"(now));
        CHECK(now == gs, "host %%gs base after a run: %#llx", (unsigned long long)now);
        gs = 0;
        __asm__ volatile("wrgsbase %0" : : "r"(gs));
    }

    /* A sandbox that leaves an x87 exception pending or unmasks SSE
     * exceptions does not make host code in the handler trap. */
    mode = 5;
    seen[0] = 0;
    CHECK(run(P(&env, p_x87_pending)) == 7, "x87 pending exception");
    CHECK(seen[0] == 1, "host float code in the handler");
    seen[0] = 0;
    CHECK(run(P(&env, p_mxcsr_unmask)) == 0, "unmasked MXCSR");
    CHECK(seen[0] == 1, "host float code in the handler");
    CHECK((seen[1] & 0xffc0) == 0, "sandbox MXCSR kept across the call: %#llx",
          (unsigned long long)seen[1]);
    m = _mm_getcsr();
    CHECK((m & 0xffc0) == (old_mxcsr & 0xffc0), "host MXCSR after %#x", m);
}

/* A run from inside a handler, on another context of the same box. */
static struct LFIContext *inner;
static int nested_result;
static void nested_handler(struct LFIContext *ctx)
{
    struct LFIRegs *r = lfi_ctx_regs(ctx);
    if (ctx == inner) {
        lfi_ctx_exit(ctx, (int)r->rax + 1);
        return;
    }
    if (calls++ == 0) {
        nested_result = lfi_ctx_run(inner, P(&env, p_syscall42));
        r->rax = 100;
        return;
    }
    lfi_ctx_exit(ctx, (int)r->rax);
}

static void test_nested_run(void)
{
    inner = lfi_ctx_new(env.box, NULL);
    lfiptr s = map_stack(env.box);
    lfi_ctx_regs(inner)->sp = s;
    lfi_sys_handler(env.engine, nested_handler);
    calls = 0;
    seen[0] = 0;
    int code = lfi_ctx_run(env.ctx, P(&env, p_preserve));
    CHECK(nested_result == 43, "inner run: %d", nested_result);
    CHECK(code == 100 + 11 + 22 + 33 + 44 + 55 + 66 + 77 + 88 + 99 + 111 + 123 + 7 + 11 + 44,
          "outer run after the inner one: %d", code);
    lfi_sys_handler(env.engine, handler);
    lfi_ctx_free(inner);
    lfi_box_munmap(env.box, s - STACK_SIZE, STACK_SIZE);
}

int main(void)
{
    env_new(&env, (struct LFIOptions){ 0 }, 2);
    lfi_sys_handler(env.engine, handler);
    test_basic();
    test_preserve();
    test_tp();
    test_forced();
    test_errors();
    test_host_state();
    test_nested_run();
    env_free(&env);
    TEST_DONE();
}
