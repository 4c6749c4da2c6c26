/* The host's %gs base across entries and exits, with and without
 * LFIOptions.host_gs_unused: restored at exits when off, left at the box's
 * base B when on (docs/runtime.md §3, "%gs"). Runs twice (meson.build): with
 * wrgsbase if the machine has FSGSBASE, and with arch_prctl.
 *
 * Each case runs on a new thread: the runtime's per-thread record of the
 * %gs base (without FSGSBASE) starts unknown there, so the thread may set
 * its own %gs base with arch_prctl before its first entry. */
#include "harness.h"

#include <asm/prctl.h>
#include <pthread.h>
#include <sys/syscall.h>

#define HOST_GS 0x5550000ull
#define WORD_AT 0x20000000ull /* box offset of the word f_getgs reads */

static uint64_t get_gs(void)
{
    unsigned long v = 0;
    if (syscall(SYS_arch_prctl, ARCH_GET_GS, &v) != 0)
        printf("arch_prctl(ARCH_GET_GS) failed\n");
    return v;
}

static void set_gs(uint64_t v)
{
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)v) != 0)
        printf("arch_prctl(ARCH_SET_GS) failed\n");
}

static uint64_t base_of(struct env *e)
{
    return lfi_box_info(e->box).base;
}

/* Maps the word f_getgs reads and stores v there. */
static void put_word(struct env *e, uint64_t v)
{
    lfiptr at = base_of(e) + WORD_AT;
    CHECK(lfi_box_mapat(e->box, at, 4096, LFI_PROT_READ | LFI_PROT_WRITE,
                        LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) == at, "mapat");
    CHECK(lfi_box_copyto(e->box, at, &v, 8) == at, "copyto");
}

static void (*thread_fn)(void);
static void *thread_run(void *arg)
{
    (void)arg;
    thread_fn();
    return NULL;
}

static void on_thread(void (*fn)(void))
{
    pthread_t t;
    thread_fn = fn;
    pthread_create(&t, NULL, thread_run, NULL);
    pthread_join(t, NULL);
}

static void exit_handler(struct LFIContext *ctx)
{
    lfi_ctx_exit(ctx, (int)lfi_ctx_regs(ctx)->rax);
}

/* ---- callbacks ---- */

static uint64_t cb_gs;  /* the %gs base a callback saw */
static int cb_plain(int x)
{
    cb_gs = get_gs();
    return x;
}

static struct env *nest_env; /* the box a nested invoke enters */
static int cb_nested(int x)
{
    return (int)LFI_INVOKE(nest_env->box, &nest_env->ctx, P(nest_env, f_getgs), uint64_t, ()) + x;
}

/* ---- option off: the host's value comes back ---- */

static void case_off(void)
{
    struct env e;
    env_new(&e, (struct LFIOptions){ 0 }, 1);
    lfi_sys_handler(e.engine, exit_handler);
    put_word(&e, 1000);
    set_gs(HOST_GS);
    int r = LFI_INVOKE(e.box, &e.ctx, P(&e, f_add), int, (int, int), 1, 2);
    CHECK(r == 3, "invoke: %d", r);
    CHECK(get_gs() == HOST_GS, "off: %%gs base after an invoke %#llx",
          (unsigned long long)get_gs());
    uint64_t v = LFI_INVOKE(e.box, &e.ctx, P(&e, f_getgs), uint64_t, ());
    CHECK(v == 1000 && get_gs() == HOST_GS, "off: getgs %llu", (unsigned long long)v);
    void *cb = lfi_box_register_cb(e.box, (void *)cb_plain);
    r = LFI_INVOKE(e.box, &e.ctx, P(&e, f_cb_plus1), int, (void *, int), cb, 5);
    CHECK(r == 6 && cb_gs == base_of(&e), "off: callback %d, its %%gs base %#llx", r,
          (unsigned long long)cb_gs);
    CHECK(get_gs() == HOST_GS, "off: %%gs base after a callback invoke");
    CHECK(lfi_ctx_run(e.ctx, P(&e, p_syscall42)) == 42, "off: run");
    CHECK(get_gs() == HOST_GS, "off: %%gs base after a run");
    CHECK(lfi_ctx_run(e.ctx, P(&e, p_ud2)) == LFI_EXIT_ERROR, "off: fault");
    CHECK(get_gs() == HOST_GS, "off: %%gs base after a fault");
    set_gs(0); /* the record is right: it was restored, and nothing ran since */
    env_free(&e);
}

/* ---- option on: the base stays B ---- */

static void case_on(void)
{
    struct LFIOptions o = { .host_gs_unused = true };
    struct env a, b;
    env_new(&a, o, 3);
    env_box(&b, a.engine);
    CHECK(lfi_opts(a.engine).host_gs_unused, "lfi_opts");
    lfi_sys_handler(a.engine, exit_handler);
    put_word(&a, 1000);
    put_word(&b, 2000);
    uint64_t ba = base_of(&a), bb = base_of(&b);
    set_gs(HOST_GS);

    int r = LFI_INVOKE(a.box, &a.ctx, P(&a, f_add), int, (int, int), 1, 2);
    CHECK(r == 3, "on: invoke %d", r);
    CHECK(get_gs() == ba, "on: %%gs base after an invoke %#llx, want B %#llx",
          (unsigned long long)get_gs(), (unsigned long long)ba);
    int bad = 0;
    for (int i = 0; i < 1000; i++)
        if (LFI_INVOKE(a.box, &a.ctx, P(&a, f_add), int, (int, int), i, 1) != i + 1)
            bad++;
    CHECK(bad == 0, "on: %d wrong results", bad);

    /* two boxes, alternating: each invoke sees its own box */
    for (int k = 0; k < 1000; k++) {
        struct env *e = k & 1 ? &b : &a;
        uint64_t v = LFI_INVOKE(e->box, &e->ctx, P(e, f_getgs), uint64_t, ());
        if (v != (k & 1 ? 2000u : 1000u) || get_gs() != base_of(e))
            bad++;
    }
    CHECK(bad == 0, "on: %d invokes saw the wrong box or left the wrong base", bad);

    /* the register-file invoke */
    lfi_ctx_regs(a.ctx)->rdi = 40;
    lfi_ctx_regs(a.ctx)->rsi = 2;
    CHECK(lfi_invoke_struct(a.ctx, P(&a, f_add)) == 0 && (int)lfi_ctx_regs(a.ctx)->rax == 42,
          "on: invoke_struct");
    CHECK(get_gs() == ba, "on: %%gs base after invoke_struct");

    /* callbacks run with B; a nested invoke into box b leaves b's base in
     * the callback, and the return into box a's code sets a's again */
    void *cb = lfi_box_register_cb(a.box, (void *)cb_plain);
    r = LFI_INVOKE(a.box, &a.ctx, P(&a, f_cb_plus1), int, (void *, int), cb, 5);
    CHECK(r == 6 && cb_gs == ba, "on: callback %d, its %%gs base %#llx", r,
          (unsigned long long)cb_gs);
    nest_env = &b;
    void *nest = lfi_box_register_cb(a.box, (void *)cb_nested);
    long n = LFI_INVOKE(a.box, &a.ctx, P(&a, f_cb_gs), long, (void *, int), nest, 7);
    CHECK(n == 2000 + 7 + 1000, "on: nested invoke from a callback: %ld", n);
    CHECK(get_gs() == ba, "on: %%gs base after the nested invoke");

    /* lfi_ctx_run, a fault, then an invoke again */
    lfi_ctx_regs(b.ctx)->sp = b.stack;
    CHECK(lfi_ctx_run(b.ctx, P(&b, p_syscall42)) == 42, "on: run");
    CHECK(get_gs() == bb, "on: %%gs base after a run");
    CHECK(lfi_ctx_run(a.ctx, P(&a, p_ud2)) == LFI_EXIT_ERROR, "on: fault");
    CHECK_ERR(LFI_ERR_FAULT);
    CHECK(get_gs() == ba, "on: %%gs base after a fault");
    lfi_ctx_regs(a.ctx)->sp = a.stack;
    uint64_t v = LFI_INVOKE(a.box, &a.ctx, P(&a, f_getgs), uint64_t, ());
    CHECK(v == 1000, "on: invoke after a fault: %llu", (unsigned long long)v);

    /* Free box b while the %gs base is b's; a new box (the same slot: the
     * free slots are a stack) and the old one work. */
    v = LFI_INVOKE(b.box, &b.ctx, P(&b, f_getgs), uint64_t, ());
    CHECK(v == 2000 && get_gs() == bb, "on: box b last");
    env_free_box(&b);
    CHECK(get_gs() == bb, "on: the base stays after lfi_box_free");
    struct env c;
    env_box(&c, a.engine);
    put_word(&c, 3000);
    CHECK(base_of(&c) == bb, "the new box reuses the slot");
    v = LFI_INVOKE(c.box, &c.ctx, P(&c, f_getgs), uint64_t, ());
    CHECK(v == 3000 && get_gs() == bb, "on: new box in the old slot: %llu",
          (unsigned long long)v);
    v = LFI_INVOKE(a.box, &a.ctx, P(&a, f_getgs), uint64_t, ());
    CHECK(v == 1000 && get_gs() == ba, "on: box a again: %llu", (unsigned long long)v);

    /* An engine without the option, entered now, restores what it found
     * (box a's base: the host does not use it). */
    struct env d;
    env_new(&d, (struct LFIOptions){ 0 }, 1);
    r = LFI_INVOKE(d.box, &d.ctx, P(&d, f_add), int, (int, int), 2, 2);
    CHECK(r == 4 && get_gs() == ba, "mixed: %d, %%gs base %#llx", r, (unsigned long long)get_gs());
    env_free(&d);

    /* The engine goes while the %gs base points into it; a new engine works. */
    env_free_box(&c);
    env_free(&a);
    CHECK(get_gs() == ba, "on: the base stays after lfi_free");
    struct env f;
    env_new(&f, o, 1);
    put_word(&f, 4000);
    v = LFI_INVOKE(f.box, &f.ctx, P(&f, f_getgs), uint64_t, ());
    CHECK(v == 4000 && get_gs() == base_of(&f), "on: a new engine: %llu", (unsigned long long)v);
    env_free(&f);
}

/* ---- option on, several threads on one box ---- */

static struct env shared;
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
    set_gs(HOST_GS + (uint64_t)id * 4096);
    for (int i = 0; i < 2000; i++) {
        if (LFI_INVOKE(shared.box, &tctx, P(&shared, f_add), int, (int, int), (int)id, i) != id + i)
            bad++;
        if (LFI_INVOKE(shared.box, &tctx, P(&shared, f_getgs), uint64_t, ()) != 1000)
            bad++;
    }
    if (get_gs() != base_of(&shared))
        bad++;
    lfi_ctx_free(tctx);
    return (void *)bad;
}

static void case_threads(void)
{
    env_new(&shared, (struct LFIOptions){ .host_gs_unused = true }, 1);
    put_word(&shared, 1000);
    lfi_set_clone_cb(shared.engine, clone_cb);
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, thread_main, (void *)i);
    long bad = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    CHECK(bad == 0, "on: %ld bad results in threads", bad);
    env_free(&shared);
}

int main(void)
{
    on_thread(case_off);
    on_thread(case_on);
    case_threads();
    TEST_DONE();
}
