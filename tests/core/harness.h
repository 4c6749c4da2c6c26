/* A small harness for the core tests: checks, and boxes loaded with the
 * sandbox programs of progs.S. */
#ifndef LFI_TEST_HARNESS_H
#define LFI_TEST_HARNESS_H

#include <lfi_core.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...) do { \
    if (!(cond)) { failures++; printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
                   printf(__VA_ARGS__); printf(" [lfi: %s]\n", lfi_errmsg()); \
                   fflush(stdout); } \
} while (0)

#define CHECK_ERR(code) CHECK(lfi_errno() == (code), "lfi_errno %d, want %d", lfi_errno(), (code))

/* AddressSanitizer reserves much of the address space and takes over
 * SIGSEGV: some checks do not apply under it. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define TEST_DONE() do { \
    if (failures) { printf("%d check(s) failed\n", failures); return 1; } \
    printf("ok\n"); return 0; \
} while (0)

/* progs.S */
extern const uint8_t progs_start[], progs_end[];
#define PROG(name) extern const uint8_t name[];
#define PROGS \
    PROG(p_syscall42) PROG(p_preserve) PROG(p_tp) PROG(p_legacy42) PROG(p_ret_in_run) \
    PROG(p_stack) PROG(p_ud2) PROG(p_int3) PROG(p_div0) PROG(p_store_ro) PROG(p_load_far) \
    PROG(p_store_far) PROG(p_overflow) PROG(p_loop) PROG(p_flag_loop) PROG(p_loop_sys) PROG(p_x87_pending) \
    PROG(p_mxcsr_unmask) PROG(f_add) PROG(f_seven) PROG(f_sum6) PROG(f_addsd) PROG(f_addss) \
    PROG(f_sum8d) PROG(f_mixed) PROG(f_ptr) PROG(f_pair) PROG(f_cb) PROG(f_cb_plus1) \
    PROG(f_cb6) PROG(f_syscall) PROG(f_std) PROG(f_getgs) PROG(f_cb_gs) PROG(r_rdi) PROG(r_rsi) PROG(r_rdx) PROG(r_rcx) \
    PROG(r_r8) PROG(r_r9) PROG(r_rbx) PROG(r_rbp) PROG(r_r10) PROG(r_r12) PROG(r_r13) \
    PROG(f_cbmem) PROG(p_lfi_ret) PROG(p_lfi_ret_legacy) PROG(f_jmp_ret) PROG(f_jmp_ret_legacy) \
    PROG(r_r15) PROG(r_xmm0) PROG(r_xmm1) PROG(r_xmm2) PROG(r_xmm3) PROG(r_xmm4) \
    PROG(r_xmm5) PROG(r_xmm6) PROG(r_xmm7) PROG(r_xmm8) PROG(r_xmm9) PROG(r_xmm10) \
    PROG(r_xmm11) PROG(r_xmm12) PROG(r_xmm13) PROG(r_xmm14) PROG(r_xmm15) PROG(r_mxcsr) \
    PROG(r_fcw) PROG(r_rsp) PROG(r_r14) PROG(f_fpctl_sys) PROG(f_fpctl_cb)
PROGS
#undef PROG

struct env {
    struct LFIEngine *engine;
    struct LFIBox *box;
    struct LFIContext *ctx;
    lfiptr code;   /* the programs */
    lfiptr stack;  /* top of the context's stack */
};

#define STACK_SIZE (64 * 1024)

/* The address of a program inside the box of env e. */
#define P(e, name) ((e)->code + (lfiptr)((name) - progs_start))

static inline lfiptr load_code(struct LFIBox *box, const void *code, size_t n)
{
    size_t ps = (size_t)getpagesize();
    size_t len = (n + ps - 1) / ps * ps;
    lfiptr p = lfi_box_mapany(box, len, LFI_PROT_READ | LFI_PROT_WRITE,
                              LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0);
    if (p == (lfiptr)-1)
        return p;
    uint8_t *fill = malloc(len);
    memset(fill, 0xcc, len);
    memcpy(fill, code, n);
    lfi_box_copyto(box, p, fill, len);
    free(fill);
    if (lfi_box_mprotect(box, p, len, LFI_PROT_READ | LFI_PROT_EXEC) < 0)
        return (lfiptr)-1;
    return p;
}

static inline lfiptr map_stack(struct LFIBox *box)
{
    lfiptr s = lfi_box_mapany(box, STACK_SIZE, LFI_PROT_READ | LFI_PROT_WRITE,
                              LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0);
    return s == (lfiptr)-1 ? s : s + STACK_SIZE;
}

/* Sets up a box in engine e (or a new engine) with the programs loaded
 * and one context with a stack. Exits on failure. */
static inline void env_box(struct env *env, struct LFIEngine *engine)
{
    env->engine = engine;
    env->box = lfi_box_new(engine);
    if (!env->box) { printf("lfi_box_new: %s\n", lfi_errmsg()); exit(1); }
    env->code = load_code(env->box, progs_start, (size_t)(progs_end - progs_start));
    if (env->code == (lfiptr)-1) { printf("loading programs: %s\n", lfi_errmsg()); exit(1); }
    env->ctx = lfi_ctx_new(env->box, NULL);
    env->stack = map_stack(env->box);
    if (!env->ctx || env->stack == (lfiptr)-1) { printf("ctx: %s\n", lfi_errmsg()); exit(1); }
    lfi_ctx_regs(env->ctx)->sp = env->stack;
}

static inline void env_new(struct env *env, struct LFIOptions opts, size_t nboxes)
{
    struct LFIEngine *engine = lfi_new(opts, nboxes);
    if (!engine) { printf("lfi_new: %s\n", lfi_errmsg()); exit(1); }
    env_box(env, engine);
}

static inline void env_free_box(struct env *env)
{
    lfi_ctx_free(env->ctx);
    lfi_box_free(env->box);
}

static inline void env_free(struct env *env)
{
    env_free_box(env);
    lfi_free(env->engine);
}

#endif
