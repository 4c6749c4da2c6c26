/* Signals: fault containment and per-thread alternate signal stacks.
 *
 * The runtime handles SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP (on the
 * alternate stack). A signal raised by sandbox code (the pc lies in the box
 * of the thread's active context) ends that context: the handler records
 * what happened and returns into lfi__fault_unwind, which unwinds the
 * context's innermost frame with LFI_ERR_FAULT. Two runtime instructions are
 * also recovered: the safe copy routines (a bad sandbox buffer makes the
 * copy fail) and the host fldcw after a sandbox left an x87 exception
 * pending. Everything else goes to the previous handler, or kills the
 * process as it would have without the runtime.
 */
#include "internal.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
#define NFAULT (sizeof fault_signals / sizeof fault_signals[0])
static struct sigaction previous[NFAULT];
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static int install_error;
static pthread_key_t altstack_key;

int lfi__no_altstack;

extern const char lfi__safe_copy_insn[], lfi__safe_copy_fixup[];
extern const char lfi__safe_strnlen_insn[], lfi__safe_strnlen_fixup[];
extern const char lfi__fault_unwind[], lfi__text_base[];
extern const int32_t lfi__fpfix_table[], lfi__fpfix_end[];
extern const char lfi__win_res_start[], lfi__win_res_end[], lfi__win_tr_start[],
    lfi__win_tr_end[], lfi__win_cb_start[], lfi__win_cb_end[], lfi__win_tp_start[],
    lfi__win_tp_end[];

#define LFI_SIGSTOP_RQ SIGURG /* interrupts and time bounds */

/* Live engine reservations, for the "is this a sandbox address" checks.
 * Written under a lock, read locklessly by the handler. */
#define MAX_POOLS 64
static struct { _Atomic uint64_t lo, hi; } pools[MAX_POOLS];
static pthread_mutex_t pools_lock = PTHREAD_MUTEX_INITIALIZER;

bool lfi__pool_add(uint64_t lo, uint64_t hi)
{
    bool ok = false;
    pthread_mutex_lock(&pools_lock);
    for (int i = 0; i < MAX_POOLS; i++)
        if (!atomic_load(&pools[i].hi)) {
            atomic_store(&pools[i].lo, lo);
            atomic_store(&pools[i].hi, hi);
            ok = true;
            break;
        }
    pthread_mutex_unlock(&pools_lock);
    return ok;
}

void lfi__pool_remove(uint64_t lo)
{
    pthread_mutex_lock(&pools_lock);
    for (int i = 0; i < MAX_POOLS; i++)
        if (atomic_load(&pools[i].lo) == lo) {
            atomic_store(&pools[i].hi, 0);
            atomic_store(&pools[i].lo, 0);
        }
    pthread_mutex_unlock(&pools_lock);
}

static bool in_pool(uint64_t a)
{
    for (int i = 0; i < MAX_POOLS; i++) {
        uint64_t hi = atomic_load(&pools[i].hi);
        if (hi && a >= atomic_load(&pools[i].lo) && a < hi)
            return true;
    }
    return false;
}

static struct sigaction previous_urg;

uint64_t lfi__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool in_range(uint64_t pc, const char *lo, const char *hi)
{
    return pc >= (uint64_t)(uintptr_t)lo && pc < (uint64_t)(uintptr_t)hi;
}

static void chain_to(struct sigaction *old, int sig, siginfo_t *si, void *uc)
{
    if (old->sa_flags & SA_SIGINFO) {
        if (old->sa_sigaction) {
            old->sa_sigaction(sig, si, uc);
            return;
        }
    } else if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
        old->sa_handler(sig);
        return;
    }
    /* Default action: restore it; the faulting instruction runs again and
     * the kernel applies it (for a synchronous fault ignoring is not possible
     * either). Asynchronous sends (kill) are re-raised. */
    signal(sig, SIG_DFL);
    if (si->si_code <= 0)
        raise(sig);
}

/* A stop request (lfi_ctx_interrupt) or an expired time bound. The thread
 * is sent out of the sandbox if it runs sandbox code, or is about to (the
 * windows in entry.S, the gateway, the thread-pointer calls); in host code
 * the flag ends the run when the code returns to the runtime. */
static void stop_request(siginfo_t *si, ucontext_t *uc)
{
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t pc = (uint64_t)g[REG_RIP];
    struct LFIContext *ctx = lfi__tls.ctx;
    /* Ours: the context timers, and lfi_ctx_interrupt's tgkill. Stale ones
     * (the run already ended) are dropped. Others go to the previous
     * handler (SIGURG's default is to ignore it). */
    bool ours = si->si_code == SI_TIMER || (si->si_code == SI_TKILL && si->si_pid == getpid());
    if (!ctx || !ctx->regs.host_sp) {
        if (!ours)
            chain_to(&previous_urg, SIGURG, si, uc);
        return;
    }
    int why = atomic_load(&ctx->interrupt);
    uint64_t dl = atomic_load(&ctx->deadline);
    if (!why && dl && lfi__now() >= dl) {
        why = LFI__INT_TIMEOUT;
        atomic_store(&ctx->interrupt, why);
    }
    if (!why) {
        if (!ours)
            chain_to(&previous_urg, SIGURG, si, uc);
        return;
    }
    uint64_t gw = ctx->box->engine->gateway;
    if ((pc >= ctx->base && pc - ctx->base < LFI_BOXSIZE) ||
        (pc >= gw && pc - gw < ctx->box->engine->pagesize) ||
        in_range(pc, lfi__win_res_start, lfi__win_res_end) ||
        in_range(pc, lfi__win_tr_start, lfi__win_tr_end) ||
        in_range(pc, lfi__win_cb_start, lfi__win_cb_end) ||
        in_range(pc, lfi__win_tp_start, lfi__win_tp_end)) {
        ctx->fault.signo = SIGURG;
        ctx->fault.code = why;
        ctx->fault.addr = 0;
        ctx->fault.pc = pc;
        g[REG_RIP] = (greg_t)(uintptr_t)lfi__fault_unwind;
        g[REG_RDI] = (greg_t)(uintptr_t)ctx;
        g[REG_RSP] = (greg_t)ctx->regs.host_sp;
    }
}

static void save_regs(struct LFIRegs *r, const greg_t *g)
{
    r->rax = (uint64_t)g[REG_RAX];
    r->rcx = (uint64_t)g[REG_RCX];
    r->rdx = (uint64_t)g[REG_RDX];
    r->rbx = (uint64_t)g[REG_RBX];
    r->rbp = (uint64_t)g[REG_RBP];
    r->rsi = (uint64_t)g[REG_RSI];
    r->rdi = (uint64_t)g[REG_RDI];
    r->r8 = (uint64_t)g[REG_R8];
    r->r9 = (uint64_t)g[REG_R9];
    r->r10 = (uint64_t)g[REG_R10];
    r->r11 = (uint64_t)g[REG_R11];
    r->r12 = (uint64_t)g[REG_R12];
    r->r13 = (uint64_t)g[REG_R13];
    r->r15 = (uint64_t)g[REG_R15];
    r->rsp = (uint64_t)g[REG_RSP];
}

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t pc = (uint64_t)g[REG_RIP];
    uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;
    if (sig == LFI_SIGSTOP_RQ) {
        stop_request(si, uc);
        return;
    }
    int idx = 0;
    while (fault_signals[idx] != sig)
        idx++;

    if (si->si_code > 0) { /* raised by an instruction, not sent */
        /* safe copies of sandbox memory */
        if ((sig == SIGSEGV || sig == SIGBUS) && in_pool(addr)) {
            if (pc == (uint64_t)(uintptr_t)lfi__safe_copy_insn) {
                g[REG_RIP] = (greg_t)(uintptr_t)lfi__safe_copy_fixup;
                return;
            }
            if (pc == (uint64_t)(uintptr_t)lfi__safe_strnlen_insn) {
                g[REG_RIP] = (greg_t)(uintptr_t)lfi__safe_strnlen_fixup;
                return;
            }
        }
        /* the host fldcw after a sandbox left an x87 exception pending */
        if (sig == SIGFPE && uc->uc_mcontext.fpregs) {
            for (const int32_t *f = lfi__fpfix_table; f < lfi__fpfix_end; f++)
                if (pc == (uint64_t)(uintptr_t)(lfi__text_base + *f)) {
                    uc->uc_mcontext.fpregs->swd &= (unsigned short)~0x80ff;
                    return;
                }
        }
        /* sandbox code */
        struct LFIContext *ctx = lfi__tls.ctx;
        if (ctx && ctx->regs.host_sp && pc >= ctx->base && pc - ctx->base < LFI_BOXSIZE) {
            ctx->fault.signo = sig;
            ctx->fault.code = si->si_code;
            ctx->fault.addr = addr;
            ctx->fault.pc = pc;
            /* A run's registers show where it faulted. An invoke's are
             * scratch (and must not overwrite those of a run the invoke is
             * nested in). */
            if (((uint64_t *)(uintptr_t)ctx->regs.host_sp)[FR_KIND / 8] == FRAME_RUN)
                save_regs(&ctx->regs, g);
            g[REG_RIP] = (greg_t)(uintptr_t)lfi__fault_unwind;
            g[REG_RDI] = (greg_t)(uintptr_t)ctx;
            g[REG_RSP] = (greg_t)ctx->regs.host_sp;
            return;
        }
    }
    chain_to(&previous[idx], sig, si, ucv);
}

static void install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NFAULT; i++)
        if (sigaction(fault_signals[i], &sa, &previous[i]) < 0)
            install_error = 1;
    sa.sa_flags |= SA_RESTART;
    if (sigaction(LFI_SIGSTOP_RQ, &sa, &previous_urg) < 0)
        install_error = 1;
}

bool lfi__signals_init(void)
{
    pthread_once(&install_once, install);
    if (install_error)
        lfi__seterr(LFI_ERR_INVAL, "cannot install the fault handlers");
    return !install_error;
}

/* ---- per-thread alternate signal stack ---- */

static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void altstack_free(void *p)
{
    /* Another destructor may still enter a sandbox: it sets up again. */
    stack_t ss = { .ss_flags = SS_DISABLE };
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == p)
        sigaltstack(&ss, NULL);
    munmap(p, (size_t)(uintptr_t)lfi__tls.altsize);
    lfi__tls.ready = 0;
}

static void key_init(void)
{
    pthread_key_create(&altstack_key, altstack_free);
}

bool lfi__thread_init(void)
{
    if (lfi__tls.ready)
        return true;
    if (!lfi__signals_init())
        return false;
    lfi__tls.tid = (int)gettid();
    stack_t cur;
    if (!lfi__no_altstack && sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_DISABLE)) {
        size_t size = 64 * 1024;
        if (size < (size_t)SIGSTKSZ)
            size = (size_t)SIGSTKSZ;
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            lfi__seterr(LFI_ERR_SIGALTSTACK, "cannot allocate a signal stack");
            return false;
        }
        stack_t ss = { .ss_sp = p, .ss_size = size, .ss_flags = 0 };
        if (sigaltstack(&ss, NULL) < 0) {
            munmap(p, size);
            lfi__seterr(LFI_ERR_SIGALTSTACK, "sigaltstack failed");
            return false;
        }
        pthread_once(&key_once, key_init);
        lfi__tls.altsize = size;
        pthread_setspecific(altstack_key, p);
    }
    lfi__tls.ready = 1;
    return true;
}

static const char *signame(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGTRAP: return "SIGTRAP";
    default: return "signal";
    }
}

/* Called by lfi__fault_unwind on the host stack, host FP state restored. */
/* Clears a stop request when the run it was meant for ends: the outermost
 * frame of the context is being left. */
static void consume_stop(struct LFIContext *ctx)
{
    if (((uint64_t *)(uintptr_t)ctx->regs.host_sp)[FR_PREV_HOST_SP / 8] == 0)
        atomic_store(&ctx->interrupt, 0);
}

void lfi__interrupted(struct LFIContext *ctx)
{
    int why = atomic_load(&ctx->interrupt);
    consume_stop(ctx);
    ctx->fault = (struct LFIFault){ .signo = 0, .code = why };
    lfi__ctx_fail(ctx, LFI_ERR_INTERRUPT, "%s", why == LFI__INT_TIMEOUT ?
                  "the context ran out of time" : "the context was interrupted");
}

void lfi__fault_report(struct LFIContext *ctx)
{
    struct LFIFault *f = &ctx->fault;
    if (f->signo == LFI_SIGSTOP_RQ) {
        consume_stop(ctx);
        int why = f->code;
        f->signo = 0;
        lfi__ctx_fail(ctx, LFI_ERR_INTERRUPT, "%s at pc %#llx (box offset %#llx)",
                      why == LFI__INT_TIMEOUT ? "the context ran out of time"
                                              : "the context was interrupted",
                      (unsigned long long)f->pc, (unsigned long long)(f->pc - ctx->base));
    }
    lfi__ctx_fail(ctx, LFI_ERR_FAULT, "%s (code %d) at pc %#llx (box offset %#llx), address %#llx",
                  signame(f->signo), f->code, (unsigned long long)f->pc,
                  (unsigned long long)(f->pc - ctx->base), (unsigned long long)f->addr);
}

/* ---- time bounds and interrupts ---- */

bool lfi__arm_timer(struct LFIContext *ctx)
{
    if (ctx->timer_tid != lfi__tls.tid) {
        lfi__delete_timer(ctx);
        struct sigevent ev;
        memset(&ev, 0, sizeof ev);
        ev.sigev_notify = SIGEV_THREAD_ID;
        ev.sigev_signo = LFI_SIGSTOP_RQ;
        ev._sigev_un._tid = lfi__tls.tid;
        timer_t t;
        if (timer_create(CLOCK_MONOTONIC, &ev, &t) < 0) {
            lfi__seterr(LFI_ERR_INVAL, "cannot create a timer for the time bound");
            return false;
        }
        ctx->timer = t;
        ctx->timer_tid = lfi__tls.tid;
    }
    uint64_t ns = ctx->timeout;
    atomic_store(&ctx->deadline, lfi__now() + ns);
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = (time_t)(ns / 1000000000u);
    its.it_value.tv_nsec = (long)(ns % 1000000000u);
    /* Then again every 10 ms: a signal that finds the thread in host code
     * (a handler) only sets the flag; the runtime acts on it when that code
     * returns, or a later signal finds the thread in the sandbox. */
    its.it_interval.tv_nsec = 10 * 1000 * 1000;
    if (timer_settime((timer_t)ctx->timer, 0, &its, NULL) < 0) {
        lfi__seterr(LFI_ERR_INVAL, "cannot arm the timer for the time bound");
        return false;
    }
    ctx->armed = 1;
    return true;
}

void lfi__disarm_timer(struct LFIContext *ctx)
{
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (ctx->timer_tid)
        timer_settime((timer_t)ctx->timer, 0, &its, NULL);
    ctx->armed = 0;
    atomic_store(&ctx->deadline, 0);
}

void lfi__delete_timer(struct LFIContext *ctx)
{
    if (ctx->timer_tid)
        timer_delete((timer_t)ctx->timer);
    ctx->timer_tid = 0;
    ctx->armed = 0;
}

void lfi_ctx_interrupt(struct LFIContext *ctx)
{
    if (!ctx)
        return;
    atomic_store(&ctx->interrupt, LFI__INT_STOP);
    int tid = atomic_load(&ctx->tid);
    if (ctx->regs.host_sp && tid)
        syscall(SYS_tgkill, getpid(), tid, LFI_SIGSTOP_RQ);
}

void lfi_ctx_set_timeout(struct LFIContext *ctx, uint64_t ns)
{
    ctx->timeout = ns;
    ctx->timed = ns != 0;
    if (!ns)
        atomic_store(&ctx->deadline, 0);
}
