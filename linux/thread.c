/* Threads: the main thread, threads made by clone (one host thread each),
 * and contexts for host threads in library mode. */
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Bundle-aligned code that makes a system call (bundle 0): a new thread starts here
 * (lfi_ctx_run needs a bundle start), and the handler then loads the
 * thread's real registers, so it resumes right after its parent's clone:
 *   leaq 1f(%rip), %r11 ; jmpq *-8(%r14) ; 1: ud2 */
static const uint8_t tramp_code[] = {
    0x4c, 0x8d, 0x1d, 0x04, 0x00, 0x00, 0x00, 0x41, 0xff, 0x66, 0xf8, 0x0f, 0x0b,
    0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
    0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
    /* bundle 1 (LX_SIGRETURN_OFF), where signal handlers return:
     *   movl $15, %eax ; leaq 1f(%rip), %r11 ; jmpq *-8(%r14) ; 1: ud2 */
    0xb8, 0x0f, 0x00, 0x00, 0x00, 0x4c, 0x8d, 0x1d, 0x04, 0x00, 0x00, 0x00, 0x41, 0xff,
    0x66, 0xf8, 0x0f, 0x0b,
};
_Static_assert(sizeof tramp_code == LX_SIGRETURN_OFF + 18, "trampoline layout");

lfiptr lx_clone_tramp(struct LFILinuxProc *p)
{
    if (p->clone_tramp)
        return p->clone_tramp;
    size_t ps = p->pagesize;
    lfiptr a = lfi_box_mapany(p->box, ps, LFI_PROT_READ | LFI_PROT_WRITE,
                              LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0);
    if (a == (lfiptr)-1)
        return 0;
    memset((void *)a, 0xcc, ps);
    memcpy((void *)a, tramp_code, sizeof tramp_code);
    if (lfi_box_mprotect(p->box, a, ps, LFI_PROT_READ | LFI_PROT_EXEC) < 0) {
        LX_LOG("clone trampoline: %s", lfi_errmsg());
        lfi_box_munmap(p->box, a, ps);
        return 0;
    }
    p->clone_tramp = a;
    return a;
}

struct LFILinuxThread *lx_thread_alloc(struct LFILinuxProc *p)
{
    struct LFILinuxThread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->proc = p;
    t->ctx = lfi_ctx_new(p->box, t);
    if (!t->ctx) {
        free(t);
        return NULL;
    }
    pthread_mutex_lock(&p->lock);
    t->tid = p->next_tid++;
    pthread_mutex_unlock(&p->lock);
    return t;
}

/* with p->lock held */
void lx_thread_link(struct LFILinuxThread *t)
{
    struct LFILinuxProc *p = t->proc;
    t->prev = NULL;
    t->next = p->threads;
    if (p->threads)
        p->threads->prev = t;
    p->threads = t;
}

/* with p->lock held */
void lx_thread_unlink(struct LFILinuxThread *t)
{
    struct LFILinuxProc *p = t->proc;
    if (t->prev)
        t->prev->next = t->next;
    else if (p->threads == t)
        p->threads = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->next = t->prev = NULL;
}

/* After a run ended with LFI_EXIT_ERROR: why, for the whole process. */
static void run_failed(struct LFILinuxThread *t)
{
    struct LFILinuxProc *p = t->proc;
    struct LFIFault f;
    int st = lfi_ctx_status(t->ctx, &f);
    struct LFILinuxExit e;
    memset(&e, 0, sizeof e);
    if (st == LFI_ERR_INTERRUPT && lx_exiting(p))
        return;
    if (st == LFI_ERR_FAULT) {
        e.kind = LFI_LINUX_FAULT;
        e.signo = f.signo;
        e.status = 128 + f.signo;
        e.fault = f;
    } else {
        e.kind = LFI_LINUX_ERROR;
        e.status = 128 + SIGSYS;
        snprintf(e.message, sizeof e.message, "thread %d: %s", t->tid, lfi_errmsg());
    }
    lx_proc_end(p, &e, t);
}

static void *thread_main(void *arg)
{
    struct LFILinuxThread *t = arg;
    struct LFILinuxProc *p = t->proc;
    int rc = lfi_ctx_run(t->ctx, p->clone_tramp);
    if (rc == LFI_EXIT_ERROR)
        run_failed(t);
    pthread_mutex_lock(&p->lock);
    lx_thread_unlink(t);
    p->nthreads--;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    lfi_ctx_free(t->ctx);
    free(t);
    return NULL;
}

int lx_thread_spawn(struct LFILinuxThread *t)
{
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&at, 1u << 20);
    pthread_t th;
    int rc = pthread_create(&th, &at, thread_main, t);
    pthread_attr_destroy(&at);
    return rc;
}

struct LFILinuxThread *lfi_thread_new(struct LFILinuxProc *p, int argc, const char **argv,
                                      const char **envp)
{
    if (!p || !p->loaded) {
        lx_err("lfi_thread_new: no program is loaded");
        return NULL;
    }
    if (p->main) {
        lx_err("lfi_thread_new: the process already has a main thread");
        return NULL;
    }
    struct LFILinuxThread *t = lx_thread_alloc(p);
    if (!t) {
        lx_err_core("lfi_thread_new: cannot create a context");
        return NULL;
    }
    t->tid = LX_PID;
    t->is_main = true;
    if (!lx_stack_init(t, argc, argv, envp)) {
        lfi_ctx_free(t->ctx);
        free(t);
        return NULL;
    }
    pthread_mutex_lock(&p->lock);
    lx_thread_link(t);
    p->main = t;
    pthread_mutex_unlock(&p->lock);
    return t;
}

int lfi_thread_run(struct LFILinuxThread *t)
{
    if (!t || !t->proc) {
        lx_err("lfi_thread_run: no thread");
        return 128 + SIGSYS;
    }
    struct LFILinuxProc *p = t->proc;
    t->paused = false;
    int rc = lfi_ctx_run(t->ctx, p->entry);
    if (t->paused)
        return 0;
    if (rc == LFI_EXIT_ERROR)
        run_failed(t);
    /* The main thread is done. The process lives on while other threads
     * do (as in Linux), until one exits the group or the last one ends. */
    pthread_mutex_lock(&p->lock);
    while (!atomic_load(&p->exiting) && p->nthreads)
        pthread_cond_wait(&p->cond, &p->lock);
    pthread_mutex_unlock(&p->lock);
    if (!lx_exiting(p))
        lx_proc_end_code(p, LFI_LINUX_EXITED, rc & 255, t);
    /* Wait for the other threads to leave (they were interrupted). */
    pthread_mutex_lock(&p->lock);
    while (p->nthreads)
        pthread_cond_wait(&p->cond, &p->lock);
    int status = p->exit.status;
    pthread_mutex_unlock(&p->lock);
    return status;
}

void lfi_thread_free(struct LFILinuxThread *t)
{
    if (!t)
        return;
    struct LFILinuxProc *p = t->proc;
    if (p) {
        pthread_mutex_lock(&p->lock);
        lx_thread_unlink(t);
        if (p->main == t)
            p->main = NULL;
        pthread_mutex_unlock(&p->lock);
        if (t->stack && t->lib)
            lfi_box_munmap(p->box, t->stack, t->stacklen);
    }
    lfi_ctx_free(t->ctx);
    free(t);
}

struct LFIContext **lfi_thread_ctxp(struct LFILinuxThread *t)
{
    return &t->ctx;
}

/* ---- library mode ---- */

static struct LFIContext *clone_cb(struct LFIBox *box)
{
    struct LFILinuxProc *p = lfi_box_data(box);
    if (!p)
        return NULL;
    struct LFILinuxThread *t = lx_thread_alloc(p);
    if (!t)
        return NULL;
    t->lib = true;
    size_t len = p->lx->opts.stacksize;
    lfiptr s = lfi_box_mapany(box, len, LFI_PROT_READ | LFI_PROT_WRITE,
                              LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0);
    if (s == (lfiptr)-1) {
        lfi_ctx_free(t->ctx);
        free(t);
        return NULL;
    }
    t->stack = s;
    t->stacklen = len;
    lfi_ctx_regs(t->ctx)->rsp = s + len - 64;
    pthread_mutex_lock(&p->lock);
    if (p->clone_from)
        lfi_ctx_set_tp(t->ctx, lfi_ctx_get_tp(p->clone_from));
    lx_thread_link(t);
    pthread_mutex_unlock(&p->lock);
    return t->ctx;
}

void lfi_linux_init_clone(struct LFILinuxThread *t)
{
    if (!t || !t->proc)
        return;
    struct LFILinuxProc *p = t->proc;
    pthread_mutex_lock(&p->lock);
    p->clone_from = t->ctx;
    pthread_mutex_unlock(&p->lock);
    lfi_set_clone_cb(p->lx->engine, clone_cb);
}
