/* The system-call handler: the core calls it for the sandbox's "system
 * call" runtime call; it dispatches by number (sys/sys.h) and puts the
 * result (or -errno) in %rax. */
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#define LX_CHECK(name, num) _Static_assert(SYS_##name == num, "syscall number of " #name);
LX_SYSCALLS(LX_CHECK)
#undef LX_CHECK

#define LX_NSYS 512
#define LX_ENTRY(name, num) [num] = lx_sys_##name,
static const lx_sysfn table[LX_NSYS] = { LX_SYSCALLS(LX_ENTRY) };
#undef LX_ENTRY

long lx_host_errno(void)
{
    return -(long)errno;
}

int lx_wait_fd(struct LFILinuxThread *t, int hostfd, short events)
{
    for (;;) {
        if (lx_exiting(t->proc))
            return -EINTR;
        struct pollfd pfd = { hostfd, events, 0 };
        int r = poll(&pfd, 1, (int)(LX_SLICE_NS / 1000000));
        if (r > 0)
            return 0;
        if (r < 0 && errno != EINTR)
            return -errno;
    }
}

/* A new thread's first system call comes from the clone trampoline: load
 * the registers it was cloned with. */
static void resume(struct LFILinuxThread *t, struct LFIRegs *r)
{
    struct LFIRegs keep = *r;
    *r = t->resume_regs;
    r->host_sp = keep.host_sp;
    r->host_tp = keep.host_tp;
    r->retaddr = keep.retaddr;
    r->r14 = keep.r14;
    t->resume = false;
}

static long unknown(struct LFILinuxThread *t, uint64_t n)
{
    struct LFILinuxProc *p = t->proc;
    if (p->lx->opts.exit_unknown_syscalls) {
        struct LFILinuxExit e;
        memset(&e, 0, sizeof e);
        e.kind = LFI_LINUX_ERROR;
        e.status = 128 + SIGSYS;
        snprintf(e.message, sizeof e.message, "unknown system call %llu",
                 (unsigned long long)n);
        lx_proc_end(p, &e, t);
        lx_thread_leave(t);
    }
    LX_LOG("unknown system call %llu: -ENOSYS", (unsigned long long)n);
    return -ENOSYS;
}

void lx_syscall(struct LFIContext *ctx)
{
    struct LFILinuxThread *t = lfi_ctx_data(ctx);
    struct LFIRegs *r = lfi_ctx_regs(ctx);
    if (!t || t->ctx != ctx) {
        r->rax = (uint64_t)-ENOSYS; /* a context that is not ours */
        return;
    }
    if (t->resume) {
        resume(t, r);
        return;
    }
    struct LFILinuxProc *p = t->proc;
    if (lx_exiting(p))
        lx_thread_leave(t);
    uint64_t n = r->rax;
    uint64_t a[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
    long ret;
    if (n == 15) { /* rt_sigreturn: every register comes back */
        if (p->lx->trace)
            lx_log("[%d] syscall 15 (rt_sigreturn)", t->tid);
        lx_sigreturn(t, r);
        if (atomic_load(&t->pending) & ~t->sigmask)
            lx_signal_deliver(t, r);
        return;
    }
    if (n < LX_NSYS && table[n]) {
        ret = table[n](t, a);
    } else if (n == LX_PAUSE_SYSCALL) {
        t->paused = true;
        lfi_ctx_exit(ctx, 0);
        ret = -EINVAL;
    } else {
        ret = unknown(t, n);
    }
    if (p->lx->trace)
        lx_log("[%d] syscall %llu (%#llx, %#llx, %#llx, %#llx, %#llx, %#llx) = %ld", t->tid,
               (unsigned long long)n, (unsigned long long)a[0], (unsigned long long)a[1],
               (unsigned long long)a[2], (unsigned long long)a[3], (unsigned long long)a[4],
               (unsigned long long)a[5], ret);
    if (lx_exiting(p))
        lx_thread_leave(t);
    r->rax = (uint64_t)ret;
    if (atomic_load(&t->pending) & ~t->sigmask)
        lx_signal_deliver(t, r);
}
