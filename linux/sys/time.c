/* Time: clocks (the fixed set of system clocks only: dynamic clock ids
 * name other processes or fds) and sleeps, which wake up in slices to see
 * an exiting process. */
#include "../internal.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

static bool clock_ok(uint64_t c)
{
    switch (c) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID: case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
        return true;
    default:
        return false;
    }
}

LX_SYS(clock_gettime)
{
    if (!clock_ok(a[0]))
        return -EINVAL;
    struct timespec ts;
    if (clock_gettime((clockid_t)a[0], &ts) < 0)
        return -errno;
    return lx_copyout(t->proc, a[1], &ts, sizeof ts);
}

LX_SYS(clock_getres)
{
    if (!clock_ok(a[0]))
        return -EINVAL;
    struct timespec ts;
    if (clock_getres((clockid_t)a[0], &ts) < 0)
        return -errno;
    return a[1] ? lx_copyout(t->proc, a[1], &ts, sizeof ts) : 0;
}

LX_SYS(gettimeofday)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    if (a[0] && lx_copyout(t->proc, a[0], &tv, sizeof tv) < 0)
        return -EFAULT;
    if (a[1]) {
        int tz[2] = { 0, 0 };
        if (lx_copyout(t->proc, a[1], tz, sizeof tz) < 0)
            return -EFAULT;
    }
    return 0;
}

LX_SYS(time)
{
    int64_t now = (int64_t)time(NULL);
    if (a[0] && lx_copyout(t->proc, a[0], &now, sizeof now) < 0)
        return -EFAULT;
    return (long)now;
}

LX_SYS(times)
{
    struct tms tm;
    clock_t c = times(&tm);
    if (a[0] && lx_copyout(t->proc, a[0], &tm, sizeof tm) < 0)
        return -EFAULT;
    return (long)c;
}

LX_SYS(getrusage)
{
    int who = (int)(int32_t)a[0];
    if (who != RUSAGE_SELF && who != RUSAGE_THREAD && who != RUSAGE_CHILDREN)
        return -EINVAL;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    if (who != RUSAGE_CHILDREN && getrusage(who, &ru) < 0)
        return -errno;
    return lx_copyout(t->proc, a[1], &ru, sizeof ru);
}

/* Sleeps until the absolute time deadline of clk. 0, or -EINTR (with the
 * time left in *left) if the process exits. */
static long sleep_until(struct LFILinuxThread *t, clockid_t clk, const struct timespec *deadline,
                        struct timespec *left)
{
    for (;;) {
        if (lx_exiting(t->proc)) {
            struct timespec now;
            clock_gettime(clk, &now);
            long long ns = (long long)(deadline->tv_sec - now.tv_sec) * 1000000000ll +
                           (deadline->tv_nsec - now.tv_nsec);
            if (ns < 0)
                ns = 0;
            left->tv_sec = ns / 1000000000ll;
            left->tv_nsec = ns % 1000000000ll;
            return -EINTR;
        }
        struct timespec now, until;
        clock_gettime(clk, &now);
        until.tv_sec = now.tv_sec;
        until.tv_nsec = now.tv_nsec + (long)LX_SLICE_NS;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        bool last = deadline->tv_sec < until.tv_sec ||
                    (deadline->tv_sec == until.tv_sec && deadline->tv_nsec <= until.tv_nsec);
        if (last)
            until = *deadline;
        int r = clock_nanosleep(clk, TIMER_ABSTIME, &until, NULL);
        if (r != 0 && r != EINTR)
            return -r;
        if (last && r == 0)
            return 0;
    }
}

static long do_sleep(struct LFILinuxThread *t, clockid_t clk, bool absolute, uint64_t req,
                     uint64_t rem)
{
    struct timespec ts, deadline, left;
    if (lx_copyin(t->proc, &ts, req, sizeof ts) < 0)
        return -EFAULT;
    if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000 || ts.tv_sec < 0)
        return -EINVAL;
    if (absolute) {
        deadline = ts;
    } else {
        clock_gettime(clk, &deadline);
        if (ts.tv_sec > (time_t)1 << 40)
            ts.tv_sec = (time_t)1 << 40;
        deadline.tv_sec += ts.tv_sec;
        deadline.tv_nsec += ts.tv_nsec;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
    }
    long r = sleep_until(t, clk, &deadline, &left);
    if (r == -EINTR && rem && !absolute)
        lx_copyout(t->proc, rem, &left, sizeof left);
    return r;
}

LX_SYS(nanosleep)
{
    return do_sleep(t, CLOCK_MONOTONIC, false, a[0], a[1]);
}

LX_SYS(clock_nanosleep)
{
    clockid_t clk = (clockid_t)a[0];
    if (a[0] != CLOCK_REALTIME && a[0] != CLOCK_MONOTONIC && a[0] != CLOCK_BOOTTIME)
        return clock_ok(a[0]) ? -ENOTSUP : -EINVAL;
    if (a[1] & ~(uint64_t)TIMER_ABSTIME)
        return -EINVAL;
    return do_sleep(t, clk, a[1] & TIMER_ABSTIME, a[2], a[3]);
}
