/* Threads and their synchronisation: clone (threads only), exit,
 * exit_group, futex on the sandbox address (a host address too), the
 * thread pointer (arch_prctl), and the calls around them. */
#include "../internal.h"

#include <asm/prctl.h>
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CLONE_ALLOWED (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |   \
                       CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |                 \
                       CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED | CLONE_IO)
#define CLONE_NEEDED (CLONE_VM | CLONE_THREAD | CLONE_SIGHAND)

LX_SYS(clone)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t fl = a[0], stack = a[1], ptid = a[2], ctid = a[3], tls = a[4];
    if (!(fl & CLONE_VM) || !(fl & CLONE_THREAD))
        return -ENOSYS; /* fork, vfork, posix_spawn: one process per sandbox */
    if ((fl & CLONE_NEEDED) != CLONE_NEEDED || (fl & ~(uint64_t)CLONE_ALLOWED & ~0xffull) ||
        (fl & 0xff))
        return -EINVAL;
    if (!stack || !lfi_box_ptrvalid(p->box, stack - 1))
        return -EINVAL;
    if ((fl & CLONE_PARENT_SETTID) && !lx_bufok(p, ptid, 4))
        return -EFAULT;
    if ((fl & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) && !lx_bufok(p, ctid, 4))
        return -EFAULT;
    /* a single-threaded box: lfi-cc --single-thread (no threads), or
     * single_thread_auto (its returns are switched back first) */
    if (lfi_box_is_single_thread(p->box) && lx_multi_thread(p) < 0)
        return -EAGAIN;
    if (!lx_clone_tramp(p))
        return -ENOMEM;
    pthread_mutex_lock(&p->lock);
    bool full = p->nthreads + 1 >= p->max_threads;
    pthread_mutex_unlock(&p->lock);
    if (full)
        return -EAGAIN;
    struct LFILinuxThread *c = lx_thread_alloc(p);
    if (!c)
        return -ENOMEM;
    struct LFIRegs *r = lfi_ctx_regs(t->ctx);
    c->resume_regs = *r;
    c->resume_regs.rax = 0;
    c->resume_regs.rsp = stack;
    c->resume_regs._tp = (fl & CLONE_SETTLS) ? tls : r->_tp;
    c->resume = true;
    c->sigmask = t->sigmask;
    if (fl & CLONE_CHILD_CLEARTID)
        c->clear_tid = ctid;
    int tid = c->tid;
    if ((fl & CLONE_CHILD_SETTID) && lx_copyout(p, ctid, &tid, 4) < 0)
        goto fault;
    if ((fl & CLONE_PARENT_SETTID) && lx_copyout(p, ptid, &tid, 4) < 0)
        goto fault;
    pthread_mutex_lock(&p->lock);
    if (lx_exiting(p) || p->nthreads + 1 >= p->max_threads) {
        pthread_mutex_unlock(&p->lock);
        lfi_ctx_free(c->ctx);
        free(c);
        return lx_exiting(p) ? -EINTR : -EAGAIN;
    }
    lx_thread_link(c);
    p->nthreads++;
    pthread_mutex_unlock(&p->lock);
    if (lx_thread_spawn(c) != 0) {
        pthread_mutex_lock(&p->lock);
        lx_thread_unlink(c);
        p->nthreads--;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
        lfi_ctx_free(c->ctx);
        free(c);
        return -EAGAIN;
    }
    return tid;
fault:
    lfi_ctx_free(c->ctx);
    free(c);
    return -EFAULT;
}

LX_SYS(clone3) { (void)t; (void)a; return -ENOSYS; }
LX_SYS(fork) { (void)t; (void)a; return -ENOSYS; }
LX_SYS(vfork) { (void)t; (void)a; return -ENOSYS; }
LX_SYS(execve) { (void)t; (void)a; return -ENOSYS; }
LX_SYS(wait4) { (void)t; (void)a; return -ECHILD; }

static long futex_host(uint64_t uaddr, int op, uint32_t val, const struct timespec *ts,
                       uint64_t uaddr2, uint32_t val3)
{
    long r = syscall(SYS_futex, (uint32_t *)(uintptr_t)uaddr, op, val, ts,
                     (uint32_t *)(uintptr_t)uaddr2, val3);
    return r < 0 ? -errno : r;
}

/* The thread is ending: clear the tid word and wake its waiters. */
static void clear_tid(struct LFILinuxThread *t)
{
    if (!t->clear_tid)
        return;
    int zero = 0;
    if (lx_copyout(t->proc, t->clear_tid, &zero, 4) == 0 && t->clear_tid % 4 == 0)
        futex_host(t->clear_tid, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, 0, 0);
    t->clear_tid = 0;
}

LX_SYS(exit)
{
    clear_tid(t);
    lfi_ctx_exit(t->ctx, (int)(a[0] & 255));
    return -EINVAL;
}

LX_SYS(exit_group)
{
    clear_tid(t);
    lx_proc_end_code(t->proc, LFI_LINUX_EXITED, (int)(a[0] & 255), t);
    lx_thread_leave(t);
}

static uint64_t ts_ns(const struct timespec *ts)
{
    return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}

static struct timespec ns_ts(uint64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
    return ts;
}

static uint64_t now_ns(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return ts_ns(&ts);
}

/* FUTEX_WAIT (relative timeout) and FUTEX_WAIT_BITSET (absolute), in
 * slices so that an exiting process never leaves a thread asleep. Waking
 * up at a slice end and waiting again is a spurious wakeup, which every
 * futex user tolerates. */
static long futex_wait(struct LFILinuxThread *t, uint64_t uaddr, uint32_t val, uint64_t tsaddr,
                       bool absolute, clockid_t clk, uint32_t bitset)
{
    uint64_t deadline = UINT64_MAX;
    if (tsaddr) {
        struct timespec ts;
        if (lx_copyin(t->proc, &ts, tsaddr, sizeof ts) < 0)
            return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
            return -EINVAL;
        uint64_t ns = ts.tv_sec > 1000000000000ll ? UINT64_MAX / 2 : ts_ns(&ts);
        deadline = absolute ? ns : now_ns(clk) + ns;
    }
    int op = FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG |
             (clk == CLOCK_REALTIME ? FUTEX_CLOCK_REALTIME : 0);
    for (;;) {
        if (lx_exiting(t->proc))
            return -EINTR;
        uint64_t now = now_ns(clk);
        if (now >= deadline)
            return -ETIMEDOUT;
        uint64_t until = deadline - now > LX_SLICE_NS ? now + LX_SLICE_NS : deadline;
        struct timespec abs = ns_ts(until);
        long r = futex_host(uaddr, op, val, &abs, 0, bitset);
        if (r != -ETIMEDOUT && r != -EINTR)
            return r;
    }
}

LX_SYS(futex)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t uaddr = a[0];
    int op = (int)a[1];
    int cmd = op & FUTEX_CMD_MASK;
    uint32_t val = (uint32_t)a[2];
    if (uaddr % 4)
        return -EINVAL;
    if (!lx_bufok(p, uaddr, 4))
        return -EFAULT;
    clockid_t clk = (op & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
    switch (cmd) {
    case FUTEX_WAIT:
        if (op & FUTEX_CLOCK_REALTIME)
            return -ENOSYS;
        return futex_wait(t, uaddr, val, a[3], false, CLOCK_MONOTONIC, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
        if ((uint32_t)a[5] == 0)
            return -EINVAL;
        return futex_wait(t, uaddr, val, a[3], true, clk, (uint32_t)a[5]);
    case FUTEX_WAKE:
        return futex_host(uaddr, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, val, NULL, 0, 0);
    case FUTEX_WAKE_BITSET:
        if ((uint32_t)a[5] == 0)
            return -EINVAL;
        return futex_host(uaddr, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, val, NULL, 0,
                          (uint32_t)a[5]);
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
        if (a[4] % 4)
            return -EINVAL;
        if (!lx_bufok(p, a[4], 4))
            return -EFAULT;
        /* the fourth argument is a count (val2), not a pointer */
        return futex_host(uaddr, cmd | FUTEX_PRIVATE_FLAG, val,
                          (const struct timespec *)(uintptr_t)(uint32_t)a[3], a[4],
                          (uint32_t)a[5]);
    default:
        return -ENOSYS;
    }
}

LX_SYS(set_tid_address)
{
    t->clear_tid = a[0];
    return t->tid;
}

LX_SYS(gettid)
{
    (void)a;
    return t->tid;
}

LX_SYS(set_robust_list)
{
    (void)t;
    return a[1] == 24 ? 0 : -EINVAL; /* recorded nowhere: no robust futexes */
}

LX_SYS(get_robust_list) { (void)t; (void)a; return -ENOSYS; }
LX_SYS(rseq) { (void)t; (void)a; return -ENOSYS; }
LX_SYS(membarrier) { (void)t; (void)a; return -ENOSYS; }

LX_SYS(arch_prctl)
{
    switch (a[0]) {
    case ARCH_SET_FS:
        lfi_ctx_set_tp(t->ctx, a[1]);
        return 0;
    case ARCH_GET_FS: {
        uint64_t tp = lfi_ctx_get_tp(t->ctx);
        return lx_copyout(t->proc, a[1], &tp, sizeof tp);
    }
    default:
        return -EINVAL;
    }
}
