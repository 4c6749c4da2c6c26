/* System calls on paths. Every path is a sandbox path: it is resolved
 * lexically to a directory map (lx_resolve) and then opened beneath the
 * map's host directory with openat2(RESOLVE_BENEATH), so ".." and symlinks
 * cannot leave it. Operations on a name (mkdir, unlink, rename, ...) open
 * its parent that way and act on the last component only. Read-only maps
 * refuse every change with EROFS. */
#include "../internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OPEN_FLAGS (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |  \
                    O_NONBLOCK | O_DSYNC | O_SYNC | O_DIRECTORY | O_NOFOLLOW |       \
                    O_CLOEXEC | O_LARGEFILE | O_NOATIME | O_PATH | __O_TMPFILE | O_DIRECT)

static int dirfd_arg(uint64_t v)
{
    return (int)(int32_t)v;
}

/* Path argument -> resolution. */
static long get_res(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, struct lx_res *r)
{
    char path[PATH_MAX];
    long rc = lx_getpath(t->proc, addr, path, false);
    if (rc)
        return rc;
    return lx_resolve(t->proc, dirfd_arg(dirfd), path, r);
}

long lx_do_open(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, uint64_t flags,
                uint64_t mode);
long lx_do_open(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, uint64_t flags,
                uint64_t mode)
{
    struct LFILinuxProc *p = t->proc;
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct lx_res *r = &scr->res;
    long rc = get_res(t, dirfd, addr, r);
    if (rc)
        return rc;
    int fl = (int)flags & OPEN_FLAGS;
    bool writes = (fl & O_ACCMODE) != O_RDONLY || (fl & (O_CREAT | O_TRUNC)) ||
                  (fl & __O_TMPFILE) == __O_TMPFILE;
    if (fl & O_PATH) {
        fl &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
        writes = false;
    }
    if ((fl & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    if (writes && r->map->ro)
        return -EROFS;
    unsigned m = (unsigned)mode & 07777 & ~atomic_load(&p->umask);
    int hfl = (fl | O_NOCTTY) & ~O_CLOEXEC;
    int fd = lx_open_beneath(r, hfl, m);
    if (fd < 0)
        return fd;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    int kind = S_ISDIR(st.st_mode) ? LX_F_DIR : LX_F_FILE;
    struct lx_file *f = lx_file_new(fd, kind, fl & ~(O_CLOEXEC | O_CREAT | O_EXCL | O_TRUNC |
                                                    O_NOCTTY | O_NOFOLLOW), r->spath);
    if (!f) {
        close(fd);
        return -ENOMEM;
    }
    f->ro = r->map->ro;
    f->pollfirst = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode);
    return lx_fd_install(p, f, 0, fl & O_CLOEXEC);
}

LX_SYS(open) { return lx_do_open(t, (uint64_t)(int64_t)AT_FDCWD, a[0], a[1], a[2]); }
LX_SYS(openat) { return lx_do_open(t, a[0], a[1], a[2], a[3]); }
LX_SYS(creat)
{
    return lx_do_open(t, (uint64_t)(int64_t)AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1]);
}

/* A host O_PATH fd for (dirfd, path) with AT_* flags (AT_EMPTY_PATH,
 * AT_SYMLINK_NOFOLLOW); *ro tells whether it lies in a read-only map. */
static long path_fd(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, uint64_t atflags,
                    bool *ro)
{
    struct LFILinuxProc *p = t->proc;
    char path[PATH_MAX];
    long rc = lx_getpath(p, addr, path, (atflags & AT_EMPTY_PATH) != 0);
    if (rc)
        return rc;
    if (!path[0]) {
        int d = dirfd_arg(dirfd);
        if (d == AT_FDCWD) {
            path[0] = '.';
            path[1] = 0;
        } else {
            struct lx_file *f = lx_fd_get(p, d);
            if (!f)
                return -EBADF;
            int h = fcntl(f->hostfd, F_DUPFD_CLOEXEC, 0);
            rc = h < 0 ? -errno : h;
            if (ro)
                *ro = f->ro;
            lx_file_put(f);
            return rc;
        }
    }
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct lx_res *r = &scr->res;
    rc = lx_resolve(p, dirfd_arg(dirfd), path, r);
    if (rc)
        return rc;
    if (ro)
        *ro = r->map->ro;
    return lx_open_beneath(r, O_PATH | ((atflags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0), 0);
}

static long do_stat(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, uint64_t buf,
                    uint64_t atflags)
{
    if (atflags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    if (!lx_bufok(t->proc, buf, sizeof(struct stat)))
        return -EFAULT;
    long fd = path_fd(t, dirfd, addr, atflags, NULL);
    if (fd < 0)
        return fd;
    struct stat st;
    long r = fstat((int)fd, &st) < 0 ? -errno : lx_copyout(t->proc, buf, &st, sizeof st);
    close((int)fd);
    return r;
}

LX_SYS(stat) { return do_stat(t, (uint64_t)(int64_t)AT_FDCWD, a[0], a[1], 0); }
LX_SYS(lstat) { return do_stat(t, (uint64_t)(int64_t)AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW); }
LX_SYS(newfstatat) { return do_stat(t, a[0], a[1], a[2], a[3]); }

LX_SYS(statx)
{
    uint64_t fl = a[2];
    if (fl & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
                         AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if (!lx_bufok(t->proc, a[4], 256))
        return -EFAULT;
    long fd = path_fd(t, a[0], a[1], fl, NULL);
    if (fd < 0)
        return fd;
    uint8_t stx[256];
    long r = syscall(SYS_statx, (int)fd, "", AT_EMPTY_PATH | (int)(fl & AT_STATX_SYNC_TYPE),
                     (unsigned)a[3], stx);
    r = r < 0 ? -errno : lx_copyout(t->proc, a[4], stx, sizeof stx);
    close((int)fd);
    return r;
}

static long do_access(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, uint64_t mode,
                      uint64_t atflags)
{
    if (mode & ~(uint64_t)7)
        return -EINVAL;
    if (atflags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    bool ro = false;
    long fd = path_fd(t, dirfd, addr, atflags, &ro);
    if (fd < 0)
        return fd;
    long r;
    if ((mode & W_OK) && ro)
        r = -EROFS;
    else
        r = syscall(SYS_faccessat2, (int)fd, "", (int)mode,
                    AT_EMPTY_PATH | (int)(atflags & AT_EACCESS)) < 0 ? -errno : 0;
    close((int)fd);
    return r;
}

LX_SYS(access) { return do_access(t, (uint64_t)(int64_t)AT_FDCWD, a[0], a[1], 0); }
LX_SYS(faccessat) { return do_access(t, a[0], a[1], a[2], 0); }
LX_SYS(faccessat2) { return do_access(t, a[0], a[1], a[2], a[3]); }

/* (dirfd, path) -> parent directory fd + last component, for changes. */
static long get_named(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, struct lx_named *n)
{
    long rc = get_res(t, dirfd, addr, &n->r);
    if (rc)
        return rc;
    if (n->r.map->ro)
        return -EROFS;
    int fd = lx_open_parent(&n->r, &n->base);
    if (fd < 0)
        return fd;
    n->parent = fd;
    return 0;
}

static long do_mkdir(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, uint64_t mode)
{
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct lx_named *n = &scr->named[0];
    long rc = get_named(t, dirfd, addr, n);
    if (rc)
        return rc == -EBUSY ? -EEXIST : rc;
    unsigned m = (unsigned)mode & 07777 & ~atomic_load(&t->proc->umask);
    rc = mkdirat(n->parent, n->base, m) < 0 ? -errno : 0;
    close(n->parent);
    return rc;
}

LX_SYS(mkdir) { return do_mkdir(t, (uint64_t)(int64_t)AT_FDCWD, a[0], a[1]); }
LX_SYS(mkdirat) { return do_mkdir(t, a[0], a[1], a[2]); }

static long do_unlink(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, uint64_t fl)
{
    if (fl & ~(uint64_t)AT_REMOVEDIR)
        return -EINVAL;
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct lx_named *n = &scr->named[0];
    long rc = get_named(t, dirfd, addr, n);
    if (rc)
        return rc;
    rc = unlinkat(n->parent, n->base, (int)fl) < 0 ? -errno : 0;
    close(n->parent);
    return rc;
}

LX_SYS(unlink) { return do_unlink(t, (uint64_t)(int64_t)AT_FDCWD, a[0], 0); }
LX_SYS(rmdir) { return do_unlink(t, (uint64_t)(int64_t)AT_FDCWD, a[0], AT_REMOVEDIR); }
LX_SYS(unlinkat) { return do_unlink(t, a[0], a[1], a[2]); }

static long do_rename(struct LFILinuxThread *t, uint64_t od, uint64_t oa, uint64_t nd,
                      uint64_t na, uint64_t fl)
{
    if (fl & ~(uint64_t)(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return -EINVAL;
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct lx_named *from = &scr->named[0], *to = &scr->named[1];
    long rc = get_named(t, od, oa, from);
    if (rc)
        return rc;
    rc = get_named(t, nd, na, to);
    if (rc) {
        close(from->parent);
        return rc;
    }
    rc = renameat2(from->parent, from->base, to->parent, to->base, (unsigned)fl) < 0 ? -errno : 0;
    close(from->parent);
    close(to->parent);
    return rc;
}

LX_SYS(rename)
{
    return do_rename(t, (uint64_t)(int64_t)AT_FDCWD, a[0], (uint64_t)(int64_t)AT_FDCWD, a[1], 0);
}
LX_SYS(renameat) { return do_rename(t, a[0], a[1], a[2], a[3], 0); }
LX_SYS(renameat2) { return do_rename(t, a[0], a[1], a[2], a[3], a[4]); }

static long do_link(struct LFILinuxThread *t, uint64_t od, uint64_t oa, uint64_t nd, uint64_t na,
                    uint64_t fl)
{
    if (fl & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct lx_named *from = &scr->named[0], *to = &scr->named[1];
    long rc = get_named(t, od, oa, from);
    if (rc)
        return rc;
    rc = get_named(t, nd, na, to);
    if (rc) {
        close(from->parent);
        return rc;
    }
    rc = linkat(from->parent, from->base, to->parent, to->base, 0) < 0 ? -errno : 0;
    close(from->parent);
    close(to->parent);
    return rc;
}

LX_SYS(link)
{
    return do_link(t, (uint64_t)(int64_t)AT_FDCWD, a[0], (uint64_t)(int64_t)AT_FDCWD, a[1], 0);
}
LX_SYS(linkat) { return do_link(t, a[0], a[1], a[2], a[3], a[4]); }

static long do_symlink(struct LFILinuxThread *t, uint64_t target, uint64_t nd, uint64_t na)
{
    char tgt[PATH_MAX];
    long rc = lx_getpath(t->proc, target, tgt, false);
    if (rc)
        return rc;
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct lx_named *n = &scr->named[0];
    rc = get_named(t, nd, na, n);
    if (rc)
        return rc == -EBUSY ? -EEXIST : rc;
    /* the target is only ever followed beneath a map: it may say anything */
    rc = symlinkat(tgt, n->parent, n->base) < 0 ? -errno : 0;
    close(n->parent);
    return rc;
}

LX_SYS(symlink) { return do_symlink(t, a[0], (uint64_t)(int64_t)AT_FDCWD, a[1]); }
LX_SYS(symlinkat) { return do_symlink(t, a[0], a[1], a[2]); }

static long do_readlink(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, uint64_t buf,
                        uint64_t size)
{
    if ((int64_t)size <= 0)
        return -EINVAL;
    if (size > PATH_MAX)
        size = PATH_MAX;
    if (!lx_bufok(t->proc, buf, size))
        return -EFAULT;
    long fd = path_fd(t, dirfd, addr, AT_SYMLINK_NOFOLLOW, NULL);
    if (fd < 0)
        return fd;
    long r = readlinkat((int)fd, "", (char *)(uintptr_t)buf, size);
    r = r < 0 ? (errno == ENOENT ? -EINVAL : -errno) : r;
    close((int)fd);
    return r;
}

LX_SYS(readlink) { return do_readlink(t, (uint64_t)(int64_t)AT_FDCWD, a[0], a[1], a[2]); }
LX_SYS(readlinkat) { return do_readlink(t, a[0], a[1], a[2], a[3]); }

/* chmod and utimensat on an O_PATH fd go through its /proc/self/fd link,
 * which names exactly the file that was opened beneath the map. */
static void proc_fd_path(char *out, size_t n, long fd)
{
    snprintf(out, n, "/proc/self/fd/%ld", fd);
}

static long do_chmod(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, uint64_t mode,
                     uint64_t fl)
{
    if (fl & ~(uint64_t)AT_SYMLINK_NOFOLLOW)
        return -EINVAL;
    if (fl & AT_SYMLINK_NOFOLLOW)
        return -EOPNOTSUPP;
    bool ro = false;
    long fd = path_fd(t, dirfd, addr, 0, &ro);
    if (fd < 0)
        return fd;
    long r;
    char pp[64];
    proc_fd_path(pp, sizeof pp, fd);
    if (ro)
        r = -EROFS;
    else
        r = chmod(pp, (mode_t)(mode & 07777)) < 0 ? -errno : 0;
    close((int)fd);
    return r;
}

LX_SYS(chmod) { return do_chmod(t, (uint64_t)(int64_t)AT_FDCWD, a[0], a[1], 0); }
LX_SYS(fchmodat) { return do_chmod(t, a[0], a[1], a[2], 0); }

static long do_chown(struct LFILinuxThread *t, uint64_t dirfd, uint64_t addr, uint64_t fl)
{
    bool ro = false;
    long fd = path_fd(t, dirfd, addr, fl & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), &ro);
    if (fd < 0)
        return fd;
    close((int)fd);
    return ro ? -EROFS : 0; /* accepted, no effect */
}

LX_SYS(chown) { return do_chown(t, (uint64_t)(int64_t)AT_FDCWD, a[0], 0); }
LX_SYS(lchown) { return do_chown(t, (uint64_t)(int64_t)AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW); }
LX_SYS(fchownat) { return do_chown(t, a[0], a[1], a[4]); }

LX_SYS(utimensat)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t fl = a[3];
    if (fl & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct timespec ts[2], *tp = NULL;
    if (a[2]) {
        if (lx_copyin(p, ts, a[2], sizeof ts) < 0)
            return -EFAULT;
        tp = ts;
    }
    long r;
    if (!a[1]) {
        /* futimens(dirfd) */
        struct lx_file *f = lx_fd_get(p, dirfd_arg(a[0]));
        if (!f)
            return -EBADF;
        r = f->ro ? -EROFS : (futimens(f->hostfd, tp) < 0 ? -errno : 0);
        lx_file_put(f);
        return r;
    }
    if (fl & AT_SYMLINK_NOFOLLOW) {
        struct lx_scratch *scr = lx_scratch();
        if (!scr)
            return -ENOMEM;
        struct lx_named *n = &scr->named[0];
        r = get_named(t, a[0], a[1], n);
        if (r)
            return r;
        r = utimensat(n->parent, n->base, tp, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
        close(n->parent);
        return r;
    }
    bool ro = false;
    long fd = path_fd(t, a[0], a[1], fl, &ro);
    if (fd < 0)
        return fd;
    char pp[64];
    proc_fd_path(pp, sizeof pp, fd);
    r = ro ? -EROFS : (utimensat(AT_FDCWD, pp, tp, 0) < 0 ? -errno : 0);
    close((int)fd);
    return r;
}

LX_SYS(truncate)
{
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct lx_res *r = &scr->res;
    long rc = get_res(t, (uint64_t)(int64_t)AT_FDCWD, a[0], r);
    if (rc)
        return rc;
    if (r->map->ro)
        return -EROFS;
    if ((int64_t)a[1] < 0)
        return -EINVAL;
    int fd = lx_open_beneath(r, O_WRONLY, 0);
    if (fd < 0)
        return fd;
    rc = ftruncate(fd, (off_t)a[1]) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

LX_SYS(chdir)
{
    struct LFILinuxProc *p = t->proc;
    struct lx_scratch *scr = lx_scratch();
    if (!scr)
        return -ENOMEM;
    struct lx_res *r = &scr->res;
    char path[PATH_MAX];
    long rc = lx_getpath(p, a[0], path, false);
    if (rc)
        return rc;
    rc = lx_resolve(p, AT_FDCWD, path, r);
    if (rc == -ENOENT && !r->map && lx_path_norm("/", path, r->spath) == 0 &&
        strcmp(r->spath, "/") == 0)
        rc = 0; /* the root, outside every map */
    else if (rc == 0) {
        int fd = lx_open_beneath(r, O_PATH | O_DIRECTORY, 0);
        if (fd < 0)
            return fd;
        close(fd);
    }
    if (rc)
        return rc;
    pthread_mutex_lock(&p->cwdlock);
    memcpy(p->cwd, r->spath, strlen(r->spath) + 1);
    pthread_mutex_unlock(&p->cwdlock);
    return 0;
}

LX_SYS(getcwd)
{
    struct LFILinuxProc *p = t->proc;
    char cwd[PATH_MAX];
    pthread_mutex_lock(&p->cwdlock);
    size_t n = strlen(p->cwd) + 1;
    memcpy(cwd, p->cwd, n);
    pthread_mutex_unlock(&p->cwdlock);
    if (a[1] < n)
        return -ERANGE;
    long rc = lx_copyout(p, a[0], cwd, n);
    return rc ? rc : (long)n;
}

LX_SYS(umask)
{
    return (long)atomic_exchange(&t->proc->umask, (unsigned)(a[0] & 0777));
}

static long do_statfs(struct LFILinuxThread *t, long fd, uint64_t buf)
{
    if (!lx_bufok(t->proc, buf, 120))
        return -EFAULT;
    uint8_t st[120];
    long r = syscall(SYS_fstatfs, (int)fd, st);
    return r < 0 ? -errno : lx_copyout(t->proc, buf, st, sizeof st);
}

LX_SYS(statfs)
{
    long fd = path_fd(t, (uint64_t)(int64_t)AT_FDCWD, a[0], 0, NULL);
    if (fd < 0)
        return fd;
    long r = do_statfs(t, fd, a[1]);
    close((int)fd);
    return r;
}

LX_SYS(fstatfs)
{
    struct lx_file *f = a[0] < LX_NOFILE ? lx_fd_get(t->proc, (int)a[0]) : NULL;
    if (!f)
        return -EBADF;
    long r = do_statfs(t, f->hostfd, a[1]);
    lx_file_put(f);
    return r;
}
