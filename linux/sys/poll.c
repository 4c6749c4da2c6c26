/* poll, ppoll, select, pselect6 over sandbox fds: translated to host fds
 * of the table, waited on in slices. */
#include "../internal.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#define MAXPOLL LX_NOFILE
_Static_assert(FD_SETSIZE <= LX_NOFILE, "select's entries fit in the scratch block");

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Polls n entries of sandbox pollfds (in/out in pfd) for timeout_ns
 * (UINT64_MAX: forever). Returns the count of ready entries or -errno. */
static long do_poll(struct LFILinuxThread *t, struct pollfd *pfd, size_t n, uint64_t timeout_ns)
{
    struct lx_scratch *scr = lx_scratch(); /* pfd is its pfd field */
    if (!scr)
        return -ENOMEM;
    struct pollfd *host = scr->host;
    struct lx_file **files = scr->files;
    size_t nval = 0;
    for (size_t i = 0; i < n; i++) {
        files[i] = NULL;
        host[i].fd = -1;
        host[i].events = pfd[i].events;
        host[i].revents = 0;
        pfd[i].revents = 0;
        if (pfd[i].fd < 0)
            continue;
        files[i] = lx_fd_get(t->proc, pfd[i].fd);
        if (!files[i]) {
            pfd[i].revents = POLLNVAL;
            nval++;
            continue;
        }
        host[i].fd = files[i]->hostfd;
    }
    uint64_t deadline = timeout_ns == UINT64_MAX ? UINT64_MAX : mono_ns() + timeout_ns;
    long r;
    for (;;) {
        uint64_t now = mono_ns();
        uint64_t left = deadline > now ? deadline - now : 0;
        if (nval)
            left = 0;
        int ms = left > LX_SLICE_NS ? (int)(LX_SLICE_NS / 1000000) : (int)((left + 999999) / 1000000);
        r = poll(host, (nfds_t)n, ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            r = -errno;
            break;
        }
        if (r > 0 || nval || mono_ns() >= deadline)
            break;
        if (lx_exiting(t->proc)) {
            r = -EINTR;
            break;
        }
    }
    if (r >= 0) {
        r = 0;
        for (size_t i = 0; i < n; i++) {
            if (files[i])
                pfd[i].revents = host[i].revents;
            if (pfd[i].revents)
                r++;
        }
    }
    for (size_t i = 0; i < n; i++)
        lx_file_put(files[i]);
    return r;
}

static long poll_common(struct LFILinuxThread *t, uint64_t addr, uint64_t n, uint64_t timeout_ns)
{
    if (n > MAXPOLL)
        return -EINVAL;
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct pollfd *pfd = scr->pfd;
    if (lx_copyin(t->proc, pfd, addr, n * sizeof *pfd) < 0)
        return -EFAULT;
    long r = do_poll(t, pfd, n, timeout_ns);
    if (r >= 0 && lx_copyout(t->proc, addr, pfd, n * sizeof *pfd) < 0)
        return -EFAULT;
    return r;
}

LX_SYS(poll)
{
    int ms = (int)(int32_t)a[2];
    return poll_common(t, a[0], a[1], ms < 0 ? UINT64_MAX : (uint64_t)ms * 1000000ull);
}

static long ts_timeout(struct LFILinuxThread *t, uint64_t addr, uint64_t *ns)
{
    *ns = UINT64_MAX;
    if (!addr)
        return 0;
    struct timespec ts;
    if (lx_copyin(t->proc, &ts, addr, sizeof ts) < 0)
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
        return -EINVAL;
    *ns = ts.tv_sec > 1000000000000ll ? UINT64_MAX - 1
                                       : (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    return 0;
}

LX_SYS(ppoll)
{
    uint64_t ns;
    long r = ts_timeout(t, a[2], &ns);
    return r ? r : poll_common(t, a[0], a[1], ns);
}

/* select on top of poll: nfds <= 1024, bits of three fd_sets */
static long select_common(struct LFILinuxThread *t, const uint64_t *a, uint64_t ns)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t nfds = a[0];
    if ((int64_t)nfds < 0 || nfds > FD_SETSIZE)
        return -EINVAL;
    size_t bytes = (nfds + 63) / 64 * 8;
    uint64_t sets[3][FD_SETSIZE / 64];
    memset(sets, 0, sizeof sets);
    for (int k = 0; k < 3; k++)
        if (a[1 + k] && lx_copyin(p, sets[k], a[1 + k], bytes) < 0)
            return -EFAULT;
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct pollfd *pfd = scr->pfd;
    size_t n = 0;
    for (uint64_t fd = 0; fd < nfds; fd++) {
        short ev = 0;
        if (sets[0][fd / 64] >> (fd % 64) & 1)
            ev |= POLLIN;
        if (sets[1][fd / 64] >> (fd % 64) & 1)
            ev |= POLLOUT;
        if (sets[2][fd / 64] >> (fd % 64) & 1)
            ev |= POLLPRI;
        if (!ev)
            continue;
        pfd[n].fd = (int)fd;
        pfd[n].events = ev;
        n++;
    }
    long r = do_poll(t, pfd, n, ns);
    if (r < 0)
        return r;
    uint64_t out[3][FD_SETSIZE / 64];
    memset(out, 0, sizeof out);
    long cnt = 0;
    for (size_t i = 0; i < n; i++) {
        short re = pfd[i].revents;
        if (re & POLLNVAL)
            return -EBADF;
        uint64_t fd = (uint64_t)pfd[i].fd, bit = 1ull << (fd % 64);
        if ((pfd[i].events & POLLIN) && (re & (POLLIN | POLLHUP | POLLERR)))
            out[0][fd / 64] |= bit, cnt++;
        if ((pfd[i].events & POLLOUT) && (re & (POLLOUT | POLLERR)))
            out[1][fd / 64] |= bit, cnt++;
        if ((pfd[i].events & POLLPRI) && (re & POLLPRI))
            out[2][fd / 64] |= bit, cnt++;
    }
    for (int k = 0; k < 3; k++)
        if (a[1 + k] && lx_copyout(p, a[1 + k], out[k], bytes) < 0)
            return -EFAULT;
    return cnt;
}

LX_SYS(select)
{
    uint64_t ns = UINT64_MAX;
    if (a[4]) {
        int64_t tv[2];
        if (lx_copyin(t->proc, tv, a[4], sizeof tv) < 0)
            return -EFAULT;
        if (tv[0] < 0 || tv[1] < 0 || tv[1] >= 1000000)
            return -EINVAL;
        ns = tv[0] > 1000000000000ll ? UINT64_MAX - 1
                                     : (uint64_t)tv[0] * 1000000000ull + (uint64_t)tv[1] * 1000;
    }
    return select_common(t, a, ns);
}

LX_SYS(pselect6)
{
    uint64_t ns;
    long r = ts_timeout(t, a[4], &ns);
    return r ? r : select_common(t, a, ns);
}
