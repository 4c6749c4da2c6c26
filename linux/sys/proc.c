/* Process information: ids (fixed, sandbox-local values), uname, limits,
 * CPU affinity, randomness, sysinfo, prctl. Nothing here reveals the host's
 * pids or user names. */
#include "../internal.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#define LX_UID 1000

LX_SYS(getpid) { (void)t; (void)a; return LX_PID; }
LX_SYS(getppid) { (void)t; (void)a; return 1; }
LX_SYS(getuid) { (void)t; (void)a; return LX_UID; }
LX_SYS(geteuid) { (void)t; (void)a; return LX_UID; }
LX_SYS(getgid) { (void)t; (void)a; return LX_UID; }
LX_SYS(getegid) { (void)t; (void)a; return LX_UID; }
LX_SYS(getpgrp) { (void)t; (void)a; return LX_PID; }
LX_SYS(setuid) { (void)t; return a[0] == LX_UID ? 0 : -EPERM; }
LX_SYS(setgid) { (void)t; return a[0] == LX_UID ? 0 : -EPERM; }
LX_SYS(setpgid) { (void)t; (void)a; return -EPERM; }
LX_SYS(setsid) { (void)t; (void)a; return -EPERM; }

static long self_pid(uint64_t pid)
{
    return pid == 0 || pid == LX_PID ? LX_PID : -ESRCH;
}

LX_SYS(getpgid) { (void)t; return self_pid(a[0]); }
LX_SYS(getsid) { (void)t; return self_pid(a[0]); }

LX_SYS(getgroups)
{
    (void)t;
    return (int64_t)a[0] < 0 ? -EINVAL : 0;
}

static long ids3(struct LFILinuxThread *t, const uint64_t *a)
{
    uint32_t id = LX_UID;
    for (int i = 0; i < 3; i++)
        if (lx_copyout(t->proc, a[i], &id, 4) < 0)
            return -EFAULT;
    return 0;
}

LX_SYS(getresuid) { return ids3(t, a); }
LX_SYS(getresgid) { return ids3(t, a); }

LX_SYS(uname)
{
    char u[6][65];
    memset(u, 0, sizeof u);
    strcpy(u[0], "Linux");
    strcpy(u[1], "lfi-sandbox");
    strcpy(u[2], "6.1.0-lfi");
    strcpy(u[3], "#1 SMP LFI");
    strcpy(u[4], "x86_64");
    strcpy(u[5], "(none)");
    return lx_copyout(t->proc, a[0], u, sizeof u);
}

LX_SYS(getrandom)
{
    uint64_t n = a[1] > 33554431 ? 33554431 : a[1];
    if (a[2] & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if (!lx_bufok(t->proc, a[0], n))
        return -EFAULT;
    ssize_t r = getrandom((void *)(uintptr_t)a[0], n, (unsigned)(a[2] & GRND_NONBLOCK));
    return r < 0 ? -errno : r;
}

LX_SYS(sysinfo)
{
    struct LFILinuxProc *p = t->proc;
    struct sysinfo si;
    if (sysinfo(&si) < 0)
        return -errno;
    if (p->mem_limit) {
        uint64_t lim = p->mem_limit / si.mem_unit;
        uint64_t used = atomic_load(&p->mem_used) / si.mem_unit;
        if (si.totalram > lim)
            si.totalram = lim;
        si.freeram = si.totalram > used ? si.totalram - used : 0;
        if (si.freeram > si.totalram)
            si.freeram = si.totalram;
    }
    si.procs = 1;
    return lx_copyout(p, a[0], &si, sizeof si);
}

static void limit_of(struct LFILinuxProc *p, unsigned res, struct rlimit *rl)
{
    rlim_t boxmem = p->mem_limit ? p->mem_limit : (rlim_t)(p->info.max - p->info.min);
    rl->rlim_cur = rl->rlim_max = RLIM_INFINITY;
    switch (res) {
    case RLIMIT_STACK: rl->rlim_cur = p->lx->opts.stacksize; break;
    case RLIMIT_NOFILE: rl->rlim_cur = rl->rlim_max = LX_NOFILE; break;
    case RLIMIT_AS: case RLIMIT_DATA: rl->rlim_cur = rl->rlim_max = boxmem; break;
    case RLIMIT_NPROC: rl->rlim_cur = rl->rlim_max = p->max_threads; break;
    case RLIMIT_CORE: rl->rlim_cur = rl->rlim_max = 0; break;
    default: break;
    }
}

static long do_prlimit(struct LFILinuxThread *t, uint64_t res, uint64_t newp, uint64_t oldp)
{
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    struct rlimit rl;
    limit_of(t->proc, (unsigned)res, &rl);
    if (newp) {
        struct rlimit nl;
        if (lx_copyin(t->proc, &nl, newp, sizeof nl) < 0)
            return -EFAULT;
        if (nl.rlim_cur > nl.rlim_max)
            return -EINVAL;
        if (nl.rlim_max > rl.rlim_max)
            return -EPERM;
        /* accepted; the sandbox's real limits stay those of the embedder */
    }
    if (oldp && lx_copyout(t->proc, oldp, &rl, sizeof rl) < 0)
        return -EFAULT;
    return 0;
}

LX_SYS(prlimit64)
{
    if (a[0] != 0 && a[0] != LX_PID)
        return -ESRCH;
    return do_prlimit(t, a[1], a[2], a[3]);
}

LX_SYS(getrlimit) { return do_prlimit(t, a[0], 0, a[1]); }
LX_SYS(setrlimit) { return do_prlimit(t, a[0], a[1], 0); }

LX_SYS(sched_getaffinity)
{
    long ncpu = sysconf(_SC_NPROCESSORS_CONF);
    if (ncpu < 1)
        ncpu = 1;
    size_t n = (size_t)((ncpu + 63) / 64 * 8);
    if (n > sizeof(cpu_set_t))
        n = sizeof(cpu_set_t);
    if (a[1] < n || (a[1] & 7))
        return -EINVAL;
    if (a[0] != 0 && a[0] != (uint64_t)t->tid && a[0] != LX_PID)
        return -ESRCH;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) < 0)
        return -errno;
    long r = lx_copyout(t->proc, a[2], &set, n);
    return r ? r : (long)n;
}

LX_SYS(sched_setaffinity)
{
    if (!lx_bufok(t->proc, a[2], a[1]))
        return -EFAULT;
    return 0; /* accepted, no effect */
}

LX_SYS(sched_yield)
{
    (void)t;
    (void)a;
    sched_yield();
    return 0;
}

LX_SYS(sched_getparam)
{
    int prio = 0;
    return lx_copyout(t->proc, a[1], &prio, sizeof prio);
}

LX_SYS(sched_getscheduler) { (void)t; (void)a; return SCHED_OTHER; }

LX_SYS(getcpu)
{
    unsigned zero = 0;
    if (a[0] && lx_copyout(t->proc, a[0], &zero, 4) < 0)
        return -EFAULT;
    if (a[1] && lx_copyout(t->proc, a[1], &zero, 4) < 0)
        return -EFAULT;
    return 0;
}

LX_SYS(prctl)
{
    struct LFILinuxProc *p = t->proc;
    switch (a[0]) {
    case 15: { /* PR_SET_NAME */
        char name[16];
        size_t n = lfi_box_strnlen(p->box, a[1], 15);
        if (n == SIZE_MAX)
            n = 15;
        memset(name, 0, sizeof name);
        if (lx_copyin(p, name, a[1], n) < 0)
            return -EFAULT;
        pthread_mutex_lock(&p->lock);
        memcpy(p->name, name, sizeof name);
        pthread_mutex_unlock(&p->lock);
        return 0;
    }
    case 16: { /* PR_GET_NAME */
        char name[16];
        pthread_mutex_lock(&p->lock);
        memcpy(name, p->name, sizeof name);
        pthread_mutex_unlock(&p->lock);
        return lx_copyout(p, a[1], name, sizeof name);
    }
    case 3: /* PR_GET_DUMPABLE */
        return 0;
    case 4:  /* PR_SET_DUMPABLE */
    case 38: /* PR_SET_NO_NEW_PRIVS */
        return 0;
    default:
        return -EINVAL;
    }
}
