/* Processes: creation, the end of a process (exit_group, faults, fatal
 * signals, lfi_proc_kill) and freeing. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct LFILinuxProc *lfi_proc_new(struct LFILinuxEngine *lx)
{
    if (!lx) {
        lx_err("lfi_proc_new: no Linux engine");
        return NULL;
    }
    struct LFILinuxProc *p = calloc(1, sizeof *p);
    if (!p) {
        lx_err("lfi_proc_new: out of memory");
        return NULL;
    }
    p->box = lfi_box_new(lx->engine);
    if (!p->box) {
        lx_err_core("lfi_proc_new: cannot create a sandbox");
        free(p);
        return NULL;
    }
    p->lx = lx;
    p->info = lfi_box_info(p->box);
    p->pagesize = lfi_opts(lx->engine).pagesize;
    if (!p->pagesize)
        p->pagesize = (size_t)sysconf(_SC_PAGESIZE);
    p->mem_limit = lx->opts.max_memory;
    p->max_threads = lx->opts.max_threads;
    p->next_tid = LX_PID + 1;
    atomic_init(&p->umask, 022);
    pthread_mutex_init(&p->lock, NULL);
    pthread_mutex_init(&p->cwdlock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cond, &ca);
    pthread_condattr_destroy(&ca);
    memcpy(p->cwd, lx->wd, strlen(lx->wd) + 1);
    lx_fd_init(p, !lx->opts.no_stdio);
    lfi_box_setdata(p->box, p);
    /* The working directory must exist (unless it is the bare root). */
    if (strcmp(p->cwd, "/") != 0) {
        struct lx_res r;
        int rc = lx_resolve(p, AT_FDCWD, p->cwd, &r);
        int fd = rc < 0 ? rc : lx_open_beneath(&r, O_PATH | O_DIRECTORY, 0);
        if (fd < 0) {
            lx_err("lfi_proc_new: working directory %s: %s", p->cwd,
                   rc == -ENOENT && !r.map ? "not inside a mapped directory" : strerror(-fd));
            lfi_proc_free(p);
            return NULL;
        }
        close(fd);
    }
    return p;
}

struct LFIBox *lfi_proc_box(struct LFILinuxProc *p)
{
    return p->box;
}

lfiptr lfi_proc_entry(struct LFILinuxProc *p)
{
    return p->entry;
}

bool lx_exiting(struct LFILinuxProc *p)
{
    return atomic_load(&p->exiting) != 0;
}

void lx_proc_end(struct LFILinuxProc *p, const struct LFILinuxExit *how,
                 struct LFILinuxThread *self)
{
    pthread_mutex_lock(&p->lock);
    if (!atomic_load(&p->exiting)) {
        p->exit = *how;
        atomic_store(&p->exiting, 1);
        for (struct LFILinuxThread *t = p->threads; t; t = t->next)
            if (t != self && t->ctx)
                lfi_ctx_interrupt(t->ctx);
        LX_LOG("process ends: kind %d, status %d", how->kind, how->status);
    }
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

void lx_proc_end_code(struct LFILinuxProc *p, int kind, int status, struct LFILinuxThread *self)
{
    struct LFILinuxExit e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.status = status;
    if (kind == LFI_LINUX_EXITED)
        e.code = status;
    if (kind == LFI_LINUX_SIGNALED)
        e.signo = status - 128;
    lx_proc_end(p, &e, self);
}

void lfi_proc_kill(struct LFILinuxProc *p, int status)
{
    if (p)
        lx_proc_end_code(p, LFI_LINUX_KILLED, status, NULL);
}

bool lfi_proc_exited(struct LFILinuxProc *p, struct LFILinuxExit *info)
{
    if (!p)
        return false;
    pthread_mutex_lock(&p->lock);
    bool ended = atomic_load(&p->exiting) != 0;
    if (info) {
        if (ended)
            *info = p->exit;
        else
            memset(info, 0, sizeof *info);
    }
    pthread_mutex_unlock(&p->lock);
    return ended;
}

void lx_thread_leave(struct LFILinuxThread *t)
{
    lfi_ctx_exit(t->ctx, t->proc->exit.status);
    /* lfi_ctx_exit returns only if the context is not running on this
     * thread, which a system-call handler cannot see. */
    abort();
}

void lfi_proc_free(struct LFILinuxProc *p)
{
    if (!p)
        return;
    /* Stop the threads clone made and wait until they are gone. */
    pthread_mutex_lock(&p->lock);
    if (p->nthreads) {
        pthread_mutex_unlock(&p->lock);
        lx_proc_end_code(p, LFI_LINUX_KILLED, 128 + SIGKILL, NULL);
        pthread_mutex_lock(&p->lock);
        while (p->nthreads)
            pthread_cond_wait(&p->cond, &p->lock);
    }
    /* contexts made for host threads in library mode */
    for (struct LFILinuxThread *t = p->threads, *next; t; t = next) {
        next = t->next;
        if (t->lib) {
            lx_thread_unlink(t);
            lfi_ctx_free(t->ctx);
            free(t);
        } else {
            t->proc = NULL; /* the main thread: lfi_thread_free still frees it */
        }
    }
    p->threads = NULL;
    pthread_mutex_unlock(&p->lock);
    lx_fd_closeall(p);
    lfi_box_free(p->box);
    free(p->syms);
    free(p->switched);
    free(p->symnames);
    free(p->path);
    free(p->phdr_copy);
    free(p);
}
