/* The sandbox's file-descriptor table: numbers of its own, each pointing to
 * a reference-counted open file (dup shares it, as in Linux). The host's
 * own descriptors are unreachable: a sandbox fd is only ever an index into
 * this table. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct lx_file *lx_file_new(int hostfd, int kind, int flags, const char *path)
{
    struct lx_file *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    if (path && !(f->path = strdup(path))) {
        free(f);
        return NULL;
    }
    atomic_init(&f->refs, 1);
    f->hostfd = hostfd;
    f->kind = kind;
    atomic_init(&f->flags, flags);
    return f;
}

void lx_file_put(struct lx_file *f)
{
    if (!f || atomic_fetch_sub(&f->refs, 1) != 1)
        return;
    if (f->hostfd >= 0)
        close(f->hostfd);
    free(f->path);
    free(f);
}

int lx_fd_install(struct LFILinuxProc *p, struct lx_file *f, int min, bool cloexec)
{
    struct lx_fdtab *t = &p->fds;
    if (min < 0 || min >= LX_NOFILE) {
        lx_file_put(f);
        return -EINVAL;
    }
    pthread_mutex_lock(&t->lock);
    for (int fd = min; fd < LX_NOFILE; fd++) {
        if (!t->f[fd]) {
            t->f[fd] = f;
            t->cloexec[fd] = cloexec;
            pthread_mutex_unlock(&t->lock);
            return fd;
        }
    }
    pthread_mutex_unlock(&t->lock);
    lx_file_put(f);
    return -EMFILE;
}

struct lx_file *lx_fd_get(struct LFILinuxProc *p, int fd)
{
    struct lx_fdtab *t = &p->fds;
    if (fd < 0 || fd >= LX_NOFILE)
        return NULL;
    pthread_mutex_lock(&t->lock);
    struct lx_file *f = t->f[fd];
    if (f)
        atomic_fetch_add(&f->refs, 1);
    pthread_mutex_unlock(&t->lock);
    return f;
}

int lx_fd_close(struct LFILinuxProc *p, int fd)
{
    struct lx_fdtab *t = &p->fds;
    if (fd < 0 || fd >= LX_NOFILE)
        return -EBADF;
    pthread_mutex_lock(&t->lock);
    struct lx_file *f = t->f[fd];
    t->f[fd] = NULL;
    pthread_mutex_unlock(&t->lock);
    if (!f)
        return -EBADF;
    lx_file_put(f);
    return 0;
}

int lx_fd_dup3(struct LFILinuxProc *p, int oldfd, int newfd, bool cloexec)
{
    struct lx_fdtab *t = &p->fds;
    if (oldfd < 0 || oldfd >= LX_NOFILE)
        return -EBADF;
    if (newfd < 0 || newfd >= LX_NOFILE)
        return -EBADF;
    pthread_mutex_lock(&t->lock);
    struct lx_file *f = t->f[oldfd];
    if (!f) {
        pthread_mutex_unlock(&t->lock);
        return -EBADF;
    }
    struct lx_file *old = t->f[newfd];
    if (old == f && oldfd == newfd) {
        pthread_mutex_unlock(&t->lock);
        return newfd;
    }
    atomic_fetch_add(&f->refs, 1);
    t->f[newfd] = f;
    t->cloexec[newfd] = cloexec;
    pthread_mutex_unlock(&t->lock);
    lx_file_put(old);
    return newfd;
}

int lx_fd_getcloexec(struct LFILinuxProc *p, int fd)
{
    struct lx_fdtab *t = &p->fds;
    if (fd < 0 || fd >= LX_NOFILE)
        return -EBADF;
    pthread_mutex_lock(&t->lock);
    int r = t->f[fd] ? t->cloexec[fd] : -EBADF;
    pthread_mutex_unlock(&t->lock);
    return r;
}

int lx_fd_setcloexec(struct LFILinuxProc *p, int fd, bool on)
{
    struct lx_fdtab *t = &p->fds;
    if (fd < 0 || fd >= LX_NOFILE)
        return -EBADF;
    pthread_mutex_lock(&t->lock);
    int r = -EBADF;
    if (t->f[fd]) {
        t->cloexec[fd] = on;
        r = 0;
    }
    pthread_mutex_unlock(&t->lock);
    return r;
}

void lx_fd_init(struct LFILinuxProc *p, bool stdio)
{
    pthread_mutex_init(&p->fds.lock, NULL);
    if (!stdio)
        return;
    for (int fd = 0; fd < 3; fd++) {
        int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (h < 0)
            continue; /* the host has no such fd: neither has the sandbox */
        int fl = fcntl(h, F_GETFL);
        struct lx_file *f = lx_file_new(h, LX_F_STD, fl < 0 ? (fd ? O_WRONLY : O_RDONLY) : fl,
                                        NULL);
        if (!f) {
            close(h);
            continue;
        }
        struct stat st;
        f->pollfirst = fstat(h, &st) < 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
                       isatty(h);
        p->fds.f[fd] = f;
    }
}

void lx_fd_closeall(struct LFILinuxProc *p)
{
    for (int fd = 0; fd < LX_NOFILE; fd++)
        lx_fd_close(p, fd);
}
