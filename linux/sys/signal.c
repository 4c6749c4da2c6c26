/* Signals, as far as programs need them. Actions and masks are kept per
 * process and thread. A signal the program sends itself (kill, tkill,
 * tgkill: raise, abort, pthread_kill) whose action is the default
 * "terminate" ends the program with status 128+sig; one with a handler is
 * made pending on its thread and delivered at the end of a system call of
 * that thread when it is not blocked: the handler runs on the sandbox
 * stack with a siginfo and a ucontext, and returns through rt_sigreturn in
 * the runtime's trampoline page. The registers it returns to are the ones
 * the runtime saved (host memory), never the frame on the sandbox stack:
 * the sandbox cannot make the runtime jump to an address of its choice.
 * Handlers must be bundle starts (32-byte aligned, as every function whose
 * address is taken). No signal is ever delivered asynchronously; faults
 * end the program. */
#include "../internal.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#define SIGBIT(s) (1ull << ((s) - 1))

LX_SYS(rt_sigaction)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t sig = a[0];
    if (sig < 1 || sig >= LX_NSIG || a[3] != 8)
        return -EINVAL;
    if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    struct lx_sigaction act, old;
    if (a[1] && lx_copyin(p, &act, a[1], sizeof act) < 0)
        return -EFAULT;
    pthread_mutex_lock(&p->lock);
    old = p->act[sig];
    if (a[1])
        p->act[sig] = act;
    pthread_mutex_unlock(&p->lock);
    if (a[2] && lx_copyout(p, a[2], &old, sizeof old) < 0)
        return -EFAULT;
    return 0;
}

LX_SYS(rt_sigprocmask)
{
    struct LFILinuxProc *p = t->proc;
    if (a[3] != 8)
        return -EINVAL;
    uint64_t set = 0, old = t->sigmask;
    if (a[1]) {
        if (a[0] > SIG_SETMASK)
            return -EINVAL;
        if (lx_copyin(p, &set, a[1], 8) < 0)
            return -EFAULT;
    }
    if (a[2] && lx_copyout(p, a[2], &old, 8) < 0)
        return -EFAULT;
    if (a[1]) {
        if (a[0] == SIG_BLOCK)
            t->sigmask |= set;
        else if (a[0] == SIG_UNBLOCK)
            t->sigmask &= ~set;
        else
            t->sigmask = set;
        t->sigmask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
    }
    return 0;
}

LX_SYS(rt_sigpending)
{
    uint64_t pend = atomic_load(&t->pending) & t->sigmask;
    if (a[1] != 8)
        return -EINVAL;
    return lx_copyout(t->proc, a[0], &pend, 8);
}

/* (rt_sigreturn is handled by lx_syscall: it sets every register) */
LX_SYS(rt_sigreturn) { (void)t; (void)a; return -ENOSYS; }

LX_SYS(sigaltstack)
{
    if (a[1]) {
        struct { uint64_t sp; int32_t flags, pad; uint64_t size; } ss;
        memset(&ss, 0, sizeof ss);
        ss.flags = SS_DISABLE;
        if (lx_copyout(t->proc, a[1], &ss, sizeof ss) < 0)
            return -EFAULT;
    }
    if (a[0] && !lx_bufok(t->proc, a[0], 24))
        return -EFAULT;
    return 0;
}

/* Waits until the process ends or a signal becomes deliverable under
 * mask; then the handler runs with *restore as the mask it gives back. */
static long wait_signal(struct LFILinuxThread *t, uint64_t mask)
{
    uint64_t old = t->sigmask;
    while (!lx_exiting(t->proc)) {
        if (atomic_load(&t->pending) & ~mask & ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))) {
            /* deliver with the temporary mask; the handler's rt_sigreturn
             * gives back the mask of before the call */
            t->sigmask = mask;
            t->suspend_restore = old;
            t->suspended = true;
            return -EINTR;
        }
        struct timespec ts = { 0, (long)LX_SLICE_NS };
        nanosleep(&ts, NULL);
    }
    return -EINTR;
}

LX_SYS(pause) { (void)a; return wait_signal(t, t->sigmask); }

LX_SYS(rt_sigsuspend)
{
    if (a[1] != 8)
        return -EINVAL;
    uint64_t mask;
    if (lx_copyin(t->proc, &mask, a[0], 8) < 0)
        return -EFAULT;
    return wait_signal(t, mask);
}

LX_SYS(alarm) { (void)t; (void)a; return 0; /* no signal is ever delivered */ }

static bool default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT ||
           sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void end_by(struct LFILinuxThread *t, int sig) __attribute__((noreturn));
static void end_by(struct LFILinuxThread *t, int sig)
{
    lx_proc_end_code(t->proc, LFI_LINUX_SIGNALED, 128 + sig, t);
    lx_thread_leave(t);
}

/* A signal sent to thread to (the caller t, or another of its process). */
static long send(struct LFILinuxThread *t, struct LFILinuxThread *to, uint64_t sig)
{
    struct LFILinuxProc *p = t->proc;
    if (sig == 0)
        return 0;
    if (sig >= LX_NSIG)
        return -EINVAL;
    pthread_mutex_lock(&p->lock);
    uint64_t h = p->act[sig].handler;
    pthread_mutex_unlock(&p->lock);
    if (sig != SIGKILL && sig != SIGSTOP && h == (uint64_t)(uintptr_t)SIG_IGN)
        return 0;
    if (sig != SIGKILL && sig != SIGSTOP && h != (uint64_t)(uintptr_t)SIG_DFL) {
        atomic_fetch_or(&to->pending, SIGBIT(sig));
        return 0;
    }
    if (sig != SIGKILL && default_ignored((int)sig))
        return 0;
    /* default action: terminate */
    LX_LOG("signal %llu: the program ends", (unsigned long long)sig);
    end_by(t, (int)sig);
}

long lx_signal_self(struct LFILinuxThread *t, uint64_t sig)
{
    return send(t, t, sig);
}

void lx_signal_deliver(struct LFILinuxThread *t, struct LFIRegs *r)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t ready = atomic_load(&t->pending) & ~t->sigmask;
    if (!ready)
        return;
    int sig = __builtin_ctzll(ready) + 1;
    atomic_fetch_and(&t->pending, ~SIGBIT(sig));
    pthread_mutex_lock(&p->lock);
    struct lx_sigaction act = p->act[sig];
    if ((act.flags & SA_RESETHAND) && act.handler != (uint64_t)(uintptr_t)SIG_IGN)
        p->act[sig].handler = (uint64_t)(uintptr_t)SIG_DFL;
    pthread_mutex_unlock(&p->lock);
    uint64_t restore = t->suspended ? t->suspend_restore : t->sigmask;
    t->suspended = false;
    if (act.handler == (uint64_t)(uintptr_t)SIG_IGN)
        return;
    if (act.handler == (uint64_t)(uintptr_t)SIG_DFL) {
        /* the action changed since the signal was sent */
        if (default_ignored(sig))
            return;
        end_by(t, sig);
    }
    lfiptr tramp = lx_clone_tramp(p);
    if (act.handler % 32 || !lfi_box_ptrvalid(p->box, act.handler) || !tramp) {
        LX_LOG("signal %d: handler %#llx is not a bundle start in the box", sig,
               (unsigned long long)act.handler);
        end_by(t, sig);
    }
    /* the frame: return address, ucontext, siginfo, below the red zone */
    uint64_t info = ((r->rsp - 128) & ~(uint64_t)15) - 128;
    uint64_t uc = info - 1024;
    uint64_t sp = uc - 8;
    uint8_t ibuf[128], ubuf[1024];
    memset(ibuf, 0, sizeof ibuf);
    memset(ubuf, 0, sizeof ubuf);
    int32_t si[6] = { sig, 0, -6 /* SI_TKILL */, 0, LX_PID, 1000 };
    memcpy(ibuf, si, sizeof si);
    uint64_t g[23] = { r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, 0, r->r15, r->rdi, r->rsi,
                       r->rbp, r->rbx, r->rdx, r->rax, r->rcx, r->rsp, r->r11, 0, 0, 0, 0,
                       0, 0 };
    memcpy(ubuf + 40, g, sizeof g);              /* uc_mcontext.gregs */
    memcpy(ubuf + 296, &restore, 8);              /* uc_sigmask */
    uint64_t ret = tramp + LX_SIGRETURN_OFF;
    if (lx_copyout(p, info, ibuf, sizeof ibuf) < 0 || lx_copyout(p, uc, ubuf, sizeof ubuf) < 0 ||
        lx_copyout(p, sp, &ret, 8) < 0) {
        LX_LOG("signal %d: no room for the frame on the stack", sig);
        end_by(t, SIGSEGV);
    }
    unsigned slot = t->nsigctx++ % LX_SIGDEPTH;
    t->sigctx[slot] = *r;
    t->sigctx_mask[slot] = restore;
    r->rsp = sp;
    r->rdi = (uint64_t)sig;
    r->rsi = info;
    r->rdx = uc;
    r->rax = 0;
    r->r11 = act.handler; /* a bundle start: as safe as an indirect jump */
    t->sigmask |= act.mask | ((act.flags & SA_NODEFER) ? 0 : SIGBIT(sig));
    t->sigmask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
}

void lx_sigreturn(struct LFILinuxThread *t, struct LFIRegs *r)
{
    if (t->nsigctx == 0) {
        LX_LOG("rt_sigreturn without a signal");
        end_by(t, SIGSEGV);
    }
    unsigned slot = --t->nsigctx % LX_SIGDEPTH;
    struct LFIRegs keep = *r;
    *r = t->sigctx[slot];
    r->host_sp = keep.host_sp;
    r->host_tp = keep.host_tp;
    r->retaddr = keep.retaddr;
    r->r14 = keep.r14;
    t->sigmask = t->sigctx_mask[slot];
}

LX_SYS(kill)
{
    int64_t pid = (int64_t)a[0];
    if (pid != LX_PID && pid != 0 && pid != -1 && pid != -LX_PID)
        return -ESRCH;
    return send(t, t, a[1]);
}

/* The thread of the process with this tid, or NULL. With p->lock held. */
static struct LFILinuxThread *find_thread(struct LFILinuxProc *p, int64_t tid)
{
    for (struct LFILinuxThread *x = p->threads; x; x = x->next)
        if (x->tid == tid)
            return x;
    return NULL;
}

static long send_tid(struct LFILinuxThread *t, int64_t tid, uint64_t sig)
{
    struct LFILinuxProc *p = t->proc;
    if (tid == t->tid)
        return send(t, t, sig);
    /* another thread: it must stay alive while the bit is set */
    pthread_mutex_lock(&p->lock);
    struct LFILinuxThread *to = find_thread(p, tid);
    uint64_t h = sig < LX_NSIG ? p->act[sig].handler : 0;
    bool caught = to && sig && sig < LX_NSIG && sig != SIGKILL && sig != SIGSTOP &&
                  h != (uint64_t)(uintptr_t)SIG_IGN && h != (uint64_t)(uintptr_t)SIG_DFL;
    if (caught)
        atomic_fetch_or(&to->pending, SIGBIT(sig));
    pthread_mutex_unlock(&p->lock);
    if (!to)
        return -ESRCH;
    if (caught)
        return 0;
    return send(t, t, sig); /* process-wide effect: ignore or terminate */
}

LX_SYS(tgkill)
{
    if ((int64_t)a[0] <= 0 || (int64_t)a[1] <= 0)
        return -EINVAL;
    if ((int64_t)a[0] != LX_PID)
        return -ESRCH;
    return send_tid(t, (int64_t)a[1], a[2]);
}

LX_SYS(tkill)
{
    if ((int64_t)a[0] <= 0)
        return -EINVAL;
    return send_tid(t, (int64_t)a[0], a[1]);
}
