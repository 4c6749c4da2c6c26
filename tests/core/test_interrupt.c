/* Stopping runaway sandboxes: lfi_ctx_interrupt from another thread, and
 * time bounds (lfi_ctx_set_timeout), for runs and invokes, in sandbox code
 * and in host code (handlers, callbacks). No check depends on how long
 * anything takes. */
#include "harness.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

static struct env env;
static lfiptr flag;          /* a word in the box the looping program sets */
static _Atomic int hcalls;

static void handler(struct LFIContext *ctx)
{
    struct LFIRegs *r = lfi_ctx_regs(ctx);
    if (r->rax == 42) {
        lfi_ctx_exit(ctx, 42);
        return;
    }
    atomic_fetch_add(&hcalls, 1); /* p_loop_sys: keep going */
    usleep(100);
}

static int box_flag(void)
{
    return (int)__atomic_load_n((int *)flag, __ATOMIC_ACQUIRE);
}

struct job {
    const uint8_t *prog;
    int invoke;
    long result;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    if (j->invoke)
        j->result = LFI_INVOKE(env.box, &env.ctx, P(&env, j->prog), long, (uint32_t),
                               (uint32_t)flag);
    else {
        lfi_ctx_regs(env.ctx)->rdi = (uint32_t)flag;
        lfi_ctx_regs(env.ctx)->rax = 0;
        j->result = lfi_ctx_run(env.ctx, P(&env, j->prog));
    }
    return NULL;
}

static void check_stopped(const char *what, long result, long want)
{
    CHECK(result == want, "%s: result %ld", what, result);
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_INTERRUPT, "%s: status %d", what,
          lfi_ctx_status(env.ctx, NULL));
    CHECK(lfi_ctx_run(env.ctx, P(&env, p_syscall42)) == 42, "%s: run afterwards", what);
    CHECK(LFI_INVOKE(env.box, &env.ctx, P(&env, f_add), int, (int, int), 1, 2) == 3,
          "%s: invoke afterwards", what);
}

/* Interrupt a looping run (or invoke) once it is in its loop. */
static void test_interrupt_loop(int invoke)
{
    int zero = 0;
    lfi_box_copyto(env.box, flag, &zero, sizeof zero);
    struct job j = { p_flag_loop, invoke, 0 };
    pthread_t t;
    pthread_create(&t, NULL, worker, &j);
    while (!box_flag())
        sched_yield();
    lfi_ctx_interrupt(env.ctx);
    pthread_join(t, NULL);
    check_stopped(invoke ? "interrupted invoke" : "interrupted run", j.result,
                  invoke ? 0 : LFI_EXIT_ERROR);
}

/* Interrupt a run that keeps calling its (slow) handler. */
static void test_interrupt_syscalls(void)
{
    atomic_store(&hcalls, 0);
    struct job j = { p_loop_sys, 0, 0 };
    pthread_t t;
    pthread_create(&t, NULL, worker, &j);
    while (atomic_load(&hcalls) < 3)
        sched_yield();
    lfi_ctx_interrupt(env.ctx);
    pthread_join(t, NULL);
    check_stopped("interrupted system-call loop", j.result, LFI_EXIT_ERROR);
}

/* Interrupt while a callback runs: the invoke ends when it returns. */
static _Atomic int cb_started, cb_proceed;
static int slow_callback(int x)
{
    atomic_store(&cb_started, 1);
    while (!atomic_load(&cb_proceed))
        sched_yield();
    return x;
}

static void *cb_worker(void *arg)
{
    struct job *j = arg;
    void *cb = lfi_box_register_cb(env.box, (void *)slow_callback);
    j->result = LFI_INVOKE(env.box, &env.ctx, P(&env, f_cb_plus1), int, (void *, int), cb, 5);
    return NULL;
}

static void test_interrupt_callback(void)
{
    struct job j = { 0, 1, -1 };
    pthread_t t;
    pthread_create(&t, NULL, cb_worker, &j);
    while (!atomic_load(&cb_started))
        sched_yield();
    lfi_ctx_interrupt(env.ctx);
    atomic_store(&cb_proceed, 1);
    pthread_join(t, NULL);
    check_stopped("interrupted in a callback", j.result, 0);
}

static void test_pending(void)
{
    /* a context that is not running stops at its next entry, once */
    lfi_ctx_interrupt(env.ctx);
    CHECK(lfi_ctx_run(env.ctx, P(&env, p_syscall42)) == LFI_EXIT_ERROR, "pending stop");
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_INTERRUPT, "status");
    lfi_ctx_interrupt(env.ctx);
    CHECK(LFI_INVOKE(env.box, &env.ctx, P(&env, f_add), int, (int, int), 1, 2) == 0,
          "pending stop, invoke");
    CHECK(lfi_errno() == LFI_ERR_INTERRUPT, "lfi_errno %d", lfi_errno());
    check_stopped("pending stop", 0, 0);
    lfi_ctx_interrupt(NULL);
}

static void test_timeouts(void)
{
    lfi_ctx_set_timeout(env.ctx, 20 * 1000 * 1000);
    /* invoke of an endless loop */
    long r = LFI_INVOKE(env.box, &env.ctx, P(&env, p_flag_loop), long, (uint32_t),
                        (uint32_t)flag);
    CHECK(r == 0 && lfi_ctx_status(env.ctx, NULL) == LFI_ERR_INTERRUPT, "invoke timeout");
    /* run of an endless loop */
    lfi_ctx_regs(env.ctx)->rdi = (uint32_t)flag;
    CHECK(lfi_ctx_run(env.ctx, P(&env, p_loop)) == LFI_EXIT_ERROR, "run timeout");
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_INTERRUPT, "status");
    /* run that spends its time in the handler */
    lfi_ctx_regs(env.ctx)->rax = 0;
    CHECK(lfi_ctx_run(env.ctx, P(&env, p_loop_sys)) == LFI_EXIT_ERROR, "timeout in handlers");
    CHECK(lfi_ctx_status(env.ctx, NULL) == LFI_ERR_INTERRUPT, "status");
    /* short work within the bound is unaffected, also after the bound of an
     * earlier call has expired */
    for (int i = 0; i < 100; i++)
        CHECK(LFI_INVOKE(env.box, &env.ctx, P(&env, f_add), int, (int, int), i, 1) == i + 1,
              "timed invoke %d", i);
    lfi_ctx_set_timeout(env.ctx, 1000 * 1000);
    CHECK(LFI_INVOKE(env.box, &env.ctx, P(&env, f_add), int, (int, int), 2, 2) == 4, "timed");
    usleep(30 * 1000); /* past the bound: its signals must not stop the next calls */
    lfi_ctx_set_timeout(env.ctx, 0);
    for (int i = 0; i < 100; i++)
        CHECK(LFI_INVOKE(env.box, &env.ctx, P(&env, f_add), int, (int, int), i, 2) == i + 2,
              "untimed invoke %d", i);
    CHECK(lfi_ctx_run(env.ctx, P(&env, p_syscall42)) == 42, "untimed run");
}

static void test_stray(void)
{
    /* SIGURG from elsewhere does not disturb anything */
    kill(getpid(), SIGURG);
    CHECK(LFI_INVOKE(env.box, &env.ctx, P(&env, f_add), int, (int, int), 3, 4) == 7, "stray");
}

int main(void)
{
    env_new(&env, (struct LFIOptions){ 0 }, 1);
    lfi_sys_handler(env.engine, handler);
    flag = lfi_box_mapany(env.box, 4096, LFI_PROT_READ | LFI_PROT_WRITE,
                          LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0);
    test_interrupt_loop(0);
    test_interrupt_loop(1);
    test_interrupt_syscalls();
    test_interrupt_callback();
    test_pending();
    test_timeouts();
    test_stray();
    env_free(&env);
    TEST_DONE();
}
