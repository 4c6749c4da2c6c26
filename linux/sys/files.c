/* System calls on file descriptors: read/write and their variants, seek,
 * stat, directory listing, fcntl, terminal ioctls, dup, pipes. Sandbox
 * buffers are checked against the box and then handed to the host kernel,
 * which reports unmapped or read-only pages as EFAULT. */
#include "../internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_RW 0x7ffff000ull
#define MAX_IOV LX_MAX_IOV

static bool blocking(struct lx_file *f)
{
    return f->emul_block && !(atomic_load(&f->flags) & O_NONBLOCK);
}

/* A file for an operation: -EBADF for O_PATH fds and for reading a
 * write-only file or writing a read-only one (checked before any wait: a
 * write-only pipe never becomes readable). */
enum { ANY, RD, WR };
static struct lx_file *getf_mode(struct LFILinuxThread *t, uint64_t fd, int mode, long *err)
{
    struct lx_file *f = fd < LX_NOFILE ? lx_fd_get(t->proc, (int)fd) : NULL;
    if (!f) {
        *err = -EBADF;
        return NULL;
    }
    int fl = atomic_load(&f->flags);
    int acc = fl & O_ACCMODE;
    if ((fl & O_PATH) || (mode == RD && acc == O_WRONLY) || (mode == WR && acc == O_RDONLY)) {
        lx_file_put(f);
        *err = -EBADF;
        return NULL;
    }
    return f;
}

static struct lx_file *getf(struct LFILinuxThread *t, uint64_t fd, long *err)
{
    return getf_mode(t, fd, ANY, err);
}

static bool ready_now(int hostfd, short events)
{
    struct pollfd pfd = { hostfd, events, 0 };
    return poll(&pfd, 1, 0) > 0;
}

/* Runs op (read-like: events POLLIN; write-like: POLLOUT) with blocking
 * emulated by polling in slices, so an exiting process is never stuck: a
 * pipe made for the sandbox is non-blocking on the host; a host fd that may
 * block (stdin a terminal or pipe) is polled before the call. (If another
 * thread takes the data between the poll and the call, the call blocks in
 * the host until more comes.) */
#define IO_LOOP(f, events, expr)                                     \
    ({                                                               \
        long r_;                                                     \
        for (;;) {                                                   \
            if ((f)->pollfirst && !(f)->emul_block &&                \
                (atomic_load(&(f)->flags) & O_NONBLOCK)) {           \
                /* a blocking host fd the sandbox made non-blocking */ \
                if (!ready_now((f)->hostfd, (events))) {             \
                    r_ = -EAGAIN;                                    \
                    break;                                           \
                }                                                    \
            } else if (blocking(f) || (f)->pollfirst) {              \
                int w_ = lx_wait_fd(t, (f)->hostfd, (events));       \
                if (w_ < 0) { r_ = w_; break; }                      \
            }                                                        \
            r_ = (expr);                                             \
            if (r_ >= 0) break;                                      \
            r_ = -errno;                                             \
            if (r_ == -EINTR) continue;                              \
            if (r_ == -EAGAIN && blocking(f)) continue;              \
            break;                                                   \
        }                                                            \
        r_;                                                          \
    })

/* Writing to a pipe without readers: EPIPE, and SIGPIPE (whose default
 * action ends the program). */
static long epipe(struct LFILinuxThread *t, long r)
{
    if (r == -EPIPE)
        lx_signal_self(t, SIGPIPE);
    return r;
}

LX_SYS(read)
{
    long err;
    struct lx_file *f = getf_mode(t, a[0], RD, &err);
    if (!f)
        return err;
    uint64_t n = a[2] > MAX_RW ? MAX_RW : a[2];
    long r;
    if (f->kind == LX_F_DIR)
        r = -EISDIR;
    else if (!lx_bufok(t->proc, a[1], n))
        r = -EFAULT;
    else
        r = IO_LOOP(f, POLLIN, read(f->hostfd, (void *)(uintptr_t)a[1], n));
    lx_file_put(f);
    return r;
}

LX_SYS(write)
{
    long err;
    struct lx_file *f = getf_mode(t, a[0], WR, &err);
    if (!f)
        return err;
    uint64_t n = a[2] > MAX_RW ? MAX_RW : a[2];
    long r;
    if (!lx_bufok(t->proc, a[1], n))
        r = -EFAULT;
    else
        r = IO_LOOP(f, POLLOUT, write(f->hostfd, (const void *)(uintptr_t)a[1], n));
    lx_file_put(f);
    return epipe(t, r);
}

LX_SYS(pread64)
{
    long err;
    struct lx_file *f = getf_mode(t, a[0], RD, &err);
    if (!f)
        return err;
    uint64_t n = a[2] > MAX_RW ? MAX_RW : a[2];
    long r;
    if (f->kind == LX_F_DIR)
        r = -EISDIR;
    else if ((int64_t)a[3] < 0)
        r = -EINVAL;
    else if (!lx_bufok(t->proc, a[1], n))
        r = -EFAULT;
    else {
        r = pread(f->hostfd, (void *)(uintptr_t)a[1], n, (off_t)a[3]);
        if (r < 0)
            r = -errno;
    }
    lx_file_put(f);
    return r;
}

LX_SYS(pwrite64)
{
    long err;
    struct lx_file *f = getf_mode(t, a[0], WR, &err);
    if (!f)
        return err;
    uint64_t n = a[2] > MAX_RW ? MAX_RW : a[2];
    long r;
    if ((int64_t)a[3] < 0)
        r = -EINVAL;
    else if (!lx_bufok(t->proc, a[1], n))
        r = -EFAULT;
    else {
        r = pwrite(f->hostfd, (const void *)(uintptr_t)a[1], n, (off_t)a[3]);
        if (r < 0)
            r = -errno;
    }
    lx_file_put(f);
    return epipe(t, r);
}

/* Copies and checks an iovec array. */
static long get_iov(struct LFILinuxThread *t, uint64_t addr, uint64_t cnt, struct iovec *iov)
{
    if (cnt > MAX_IOV)
        return -EINVAL;
    uint64_t raw[2 * MAX_IOV];
    if (lx_copyin(t->proc, raw, addr, cnt * 16) < 0)
        return -EFAULT;
    uint64_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t b = raw[2 * i], n = raw[2 * i + 1];
        if (n > MAX_RW || total + n > MAX_RW)
            return -EINVAL;
        if (!lx_bufok(t->proc, b, n))
            return -EFAULT;
        total += n;
        iov[i].iov_base = (void *)(uintptr_t)b;
        iov[i].iov_len = n;
    }
    return 0;
}

static long rwv(struct LFILinuxThread *t, const uint64_t *a, bool wr, bool pos)
{
    long err;
    struct lx_file *f = getf_mode(t, a[0], wr ? WR : RD, &err);
    if (!f)
        return err;
    struct lx_scratch *scr = lx_scratch();
    if (!scr) {
        lx_file_put(f);
        return -ENOMEM;
    }
    struct iovec *iov = scr->iov;
    long r = get_iov(t, a[1], a[2], iov);
    int cnt = (int)a[2];
    off_t off = (off_t)a[3];
    if (r == 0 && f->kind == LX_F_DIR && !wr)
        r = -EISDIR;
    else if (r == 0 && pos && off < 0)
        r = -EINVAL;
    else if (r == 0 && pos)
        r = wr ? pwritev(f->hostfd, iov, cnt, off) : preadv(f->hostfd, iov, cnt, off),
        r = r < 0 ? -errno : r;
    else if (r == 0 && wr)
        r = IO_LOOP(f, POLLOUT, writev(f->hostfd, iov, cnt));
    else if (r == 0)
        r = IO_LOOP(f, POLLIN, readv(f->hostfd, iov, cnt));
    lx_file_put(f);
    return wr ? epipe(t, r) : r;
}

LX_SYS(readv) { return rwv(t, a, false, false); }
LX_SYS(writev) { return rwv(t, a, true, false); }
LX_SYS(preadv) { return rwv(t, a, false, true); }
LX_SYS(pwritev) { return rwv(t, a, true, true); }

LX_SYS(close)
{
    return lx_fd_close(t->proc, a[0] < LX_NOFILE ? (int)a[0] : -1);
}

LX_SYS(lseek)
{
    long err;
    struct lx_file *f = getf(t, a[0], &err);
    if (!f)
        return err;
    if (a[2] > 4) {
        lx_file_put(f);
        return -EINVAL;
    }
    off_t r = lseek(f->hostfd, (off_t)a[1], (int)a[2]);
    long ret = r < 0 ? -errno : (long)r;
    lx_file_put(f);
    return ret;
}

LX_SYS(fstat)
{
    struct lx_file *f = a[0] < LX_NOFILE ? lx_fd_get(t->proc, (int)a[0]) : NULL;
    if (!f)
        return -EBADF;
    struct stat st;
    long r = fstat(f->hostfd, &st) < 0 ? -errno : lx_copyout(t->proc, a[1], &st, sizeof st);
    lx_file_put(f);
    return r;
}

LX_SYS(getdents64)
{
    long err;
    struct lx_file *f = getf(t, a[0], &err);
    if (!f)
        return err;
    uint64_t n = a[2] > MAX_RW ? MAX_RW : a[2];
    long r;
    if (f->kind != LX_F_DIR)
        r = -ENOTDIR;
    else if (!lx_bufok(t->proc, a[1], n))
        r = -EFAULT;
    else {
        r = syscall(SYS_getdents64, f->hostfd, (void *)(uintptr_t)a[1], (unsigned)n);
        if (r < 0)
            r = -errno;
    }
    lx_file_put(f);
    return r;
}

static long simple_fd(struct LFILinuxThread *t, uint64_t fd, int op, uint64_t arg)
{
    long err;
    struct lx_file *f = getf(t, fd, &err);
    if (!f)
        return err;
    long r;
    switch (op) {
    case 0: r = fsync(f->hostfd); break;
    case 1: r = fdatasync(f->hostfd); break;
    case 2:
        if (f->ro) { r = -1; errno = EROFS; break; }
        r = (int64_t)arg < 0 ? (errno = EINVAL, -1) : ftruncate(f->hostfd, (off_t)arg);
        break;
    default:
        if (f->ro) { r = -1; errno = EROFS; break; }
        r = fchmod(f->hostfd, (mode_t)(arg & 07777));
        break;
    }
    r = r < 0 ? -errno : 0;
    lx_file_put(f);
    return r;
}

LX_SYS(fsync) { return simple_fd(t, a[0], 0, 0); }
LX_SYS(fdatasync) { return simple_fd(t, a[0], 1, 0); }
LX_SYS(ftruncate) { return simple_fd(t, a[0], 2, a[1]); }
LX_SYS(fchmod) { return simple_fd(t, a[0], 3, a[1]); }

LX_SYS(fchown)
{
    long err;
    struct lx_file *f = getf(t, a[0], &err);
    if (!f)
        return err;
    lx_file_put(f);
    return 0; /* ownership is not the sandbox's to change: accepted, no effect */
}

LX_SYS(flock)
{
    long err;
    struct lx_file *f = getf(t, a[0], &err);
    if (!f)
        return err;
    lx_file_put(f);
    return 0; /* one process: locks never conflict */
}

LX_SYS(fadvise64)
{
    long err;
    struct lx_file *f = getf(t, a[0], &err);
    if (!f)
        return err;
    lx_file_put(f);
    return a[3] > 5 ? -EINVAL : 0;
}

LX_SYS(fallocate)
{
    long err;
    struct lx_file *f = getf(t, a[0], &err);
    if (!f)
        return err;
    long r;
    if (f->ro)
        r = -EROFS;
    else if ((int64_t)a[2] < 0 || (int64_t)a[3] <= 0)
        r = -EINVAL;
    else
        r = fallocate(f->hostfd, (int)(a[1] & 0x7f), (off_t)a[2], (off_t)a[3]) < 0 ? -errno : 0;
    lx_file_put(f);
    return r;
}

LX_SYS(fchdir)
{
    struct lx_file *f = a[0] < LX_NOFILE ? lx_fd_get(t->proc, (int)a[0]) : NULL;
    if (!f)
        return -EBADF;
    long r = 0;
    if (f->kind != LX_F_DIR || !f->path) {
        r = -ENOTDIR;
    } else {
        struct LFILinuxProc *p = t->proc;
        pthread_mutex_lock(&p->cwdlock);
        memcpy(p->cwd, f->path, strlen(f->path) + 1);
        pthread_mutex_unlock(&p->cwdlock);
    }
    lx_file_put(f);
    return r;
}

LX_SYS(dup)
{
    struct lx_file *f = a[0] < LX_NOFILE ? lx_fd_get(t->proc, (int)a[0]) : NULL;
    if (!f)
        return -EBADF;
    return lx_fd_install(t->proc, f, 0, false);
}

LX_SYS(dup2)
{
    if (a[0] == a[1]) {
        struct lx_file *f = a[0] < LX_NOFILE ? lx_fd_get(t->proc, (int)a[0]) : NULL;
        if (!f)
            return -EBADF;
        lx_file_put(f);
        return (long)a[0];
    }
    return lx_fd_dup3(t->proc, a[0] < LX_NOFILE ? (int)a[0] : -1,
                      a[1] < LX_NOFILE ? (int)a[1] : -1, false);
}

LX_SYS(dup3)
{
    if (a[0] == a[1])
        return -EINVAL;
    if (a[2] & ~(uint64_t)O_CLOEXEC)
        return -EINVAL;
    return lx_fd_dup3(t->proc, a[0] < LX_NOFILE ? (int)a[0] : -1,
                      a[1] < LX_NOFILE ? (int)a[1] : -1, a[2] & O_CLOEXEC);
}

static long do_pipe(struct LFILinuxThread *t, uint64_t addr, uint64_t flags)
{
    if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return -EINVAL;
    if (!lx_bufok(t->proc, addr, 8))
        return -EFAULT;
    int h[2];
    if (pipe2(h, O_CLOEXEC | O_NONBLOCK | (int)(flags & O_DIRECT)) < 0)
        return -errno;
    int nb = (int)(flags & O_NONBLOCK);
    struct lx_file *r = lx_file_new(h[0], LX_F_PIPE, O_RDONLY | nb, NULL);
    struct lx_file *w = lx_file_new(h[1], LX_F_PIPE, O_WRONLY | nb, NULL);
    if (!r || !w) {
        if (r) lx_file_put(r); else close(h[0]);
        if (w) lx_file_put(w); else close(h[1]);
        return -ENOMEM;
    }
    r->emul_block = w->emul_block = true;
    bool ce = flags & O_CLOEXEC;
    int fr = lx_fd_install(t->proc, r, 0, ce);
    if (fr < 0) {
        lx_file_put(w);
        return fr;
    }
    int fw = lx_fd_install(t->proc, w, 0, ce);
    if (fw < 0) {
        lx_fd_close(t->proc, fr);
        return fw;
    }
    int fds[2] = { fr, fw };
    if (lx_copyout(t->proc, addr, fds, sizeof fds) < 0) {
        lx_fd_close(t->proc, fr);
        lx_fd_close(t->proc, fw);
        return -EFAULT;
    }
    return 0;
}

LX_SYS(pipe) { return do_pipe(t, a[0], 0); }
LX_SYS(pipe2) { return do_pipe(t, a[0], a[1]); }

LX_SYS(fcntl)
{
    struct LFILinuxProc *p = t->proc;
    int fd = a[0] < LX_NOFILE ? (int)a[0] : -1;
    struct lx_file *f = lx_fd_get(p, fd);
    if (!f)
        return -EBADF;
    long r;
    int fl = atomic_load(&f->flags);
    switch (a[1]) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (a[2] >= LX_NOFILE) {
            r = -EINVAL;
            break;
        }
        return lx_fd_install(p, f, (int)a[2], a[1] == F_DUPFD_CLOEXEC);
    case F_GETFD:
        r = lx_fd_getcloexec(p, fd);
        r = r < 0 ? r : (r ? FD_CLOEXEC : 0);
        break;
    case F_SETFD:
        r = lx_fd_setcloexec(p, fd, a[2] & FD_CLOEXEC);
        break;
    case F_GETFL:
        r = fl & ~O_DIRECTORY;
        break;
    case F_SETFL: {
        int want = (int)a[2] & (O_APPEND | O_NONBLOCK);
        int hfl = fcntl(f->hostfd, F_GETFL);
        if (hfl < 0) {
            r = -errno;
            break;
        }
        hfl = (hfl & ~O_APPEND) | (want & O_APPEND);
        if (!f->emul_block)
            hfl = (hfl & ~O_NONBLOCK) | (want & O_NONBLOCK);
        if (f->kind != LX_F_STD && fcntl(f->hostfd, F_SETFL, hfl) < 0) {
            r = -errno;
            break;
        }
        atomic_store(&f->flags, (fl & ~(O_APPEND | O_NONBLOCK)) | want);
        r = 0;
        break;
    }
    case F_GETLK:
    case F_OFD_GETLK: {
        short unlck = F_UNLCK;
        r = lx_bufok(p, a[2], 32) ? lx_copyout(p, a[2], &unlck, sizeof unlck) : -EFAULT;
        break;
    }
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        /* one process: its locks never conflict with each other */
        r = lx_bufok(p, a[2], 32) ? 0 : -EFAULT;
        break;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        if (f->kind != LX_F_PIPE) {
            r = -EBADF;
            break;
        }
        r = fcntl(f->hostfd, (int)a[1], (int)(a[2] > (1u << 20) ? (1u << 20) : a[2]));
        r = r < 0 ? -errno : r;
        break;
    default:
        r = -EINVAL;
    }
    lx_file_put(f);
    return r;
}

LX_SYS(ioctl)
{
    struct LFILinuxProc *p = t->proc;
    struct lx_file *f = a[0] < LX_NOFILE ? lx_fd_get(p, (int)a[0]) : NULL;
    if (!f)
        return -EBADF;
    long r;
    switch (a[1]) {
    case TCGETS: {
        uint8_t buf[64]; /* the kernel's struct termios: 36 bytes */
        if (f->kind != LX_F_STD) {
            r = -ENOTTY;
            break;
        }
        r = syscall(SYS_ioctl, f->hostfd, TCGETS, buf);
        r = r < 0 ? -errno : lx_copyout(p, a[2], buf, 36);
        break;
    }
    case TIOCGWINSZ: {
        struct winsize ws;
        if (f->kind != LX_F_STD) {
            r = -ENOTTY;
            break;
        }
        r = ioctl(f->hostfd, TIOCGWINSZ, &ws);
        r = r < 0 ? -errno : lx_copyout(p, a[2], &ws, sizeof ws);
        break;
    }
    case FIONREAD: {
        int n = 0;
        if (f->kind == LX_F_DIR) {
            r = -ENOTTY;
            break;
        }
        r = ioctl(f->hostfd, FIONREAD, &n);
        r = r < 0 ? -errno : lx_copyout(p, a[2], &n, sizeof n);
        break;
    }
    case FIONBIO: {
        int on;
        r = lx_copyin(p, &on, a[2], sizeof on);
        if (r == 0) {
            int fl = atomic_load(&f->flags);
            atomic_store(&f->flags, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
        }
        break;
    }
    case FIOCLEX:
    case FIONCLEX:
        r = lx_fd_setcloexec(p, (int)a[0], a[1] == FIOCLEX);
        break;
    default:
        r = -ENOTTY;
    }
    lx_file_put(f);
    return r;
}
