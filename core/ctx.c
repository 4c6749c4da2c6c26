/* Contexts: creation, registers, lfi_ctx_run / lfi_ctx_exit, and the C side
 * of the transitions in arch/x64/entry.S. */
#include "internal.h"

#include <asm/prctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

__thread struct lfi__tls lfi__tls __attribute__((tls_model("initial-exec")));
_Thread_local struct LFIInvokeInfo lfi_invoke_info
    __attribute__((tls_model("initial-exec"))) = { 0, 0, 0, 0 };

const void *lfi_trampoline_addr = (const void *)lfi_trampoline;

#define CHECK_OFF(type, field, off) \
    _Static_assert(offsetof(type, field) == (off), #type "." #field)
CHECK_OFF(struct LFIRegs, host_sp, REGS_HOST_SP);
CHECK_OFF(struct LFIRegs, _tp, REGS_TP);
CHECK_OFF(struct LFIRegs, retaddr, REGS_RETADDR);
CHECK_OFF(struct LFIRegs, rsp, REGS_RSP);
CHECK_OFF(struct LFIRegs, rax, REGS_RAX);
CHECK_OFF(struct LFIRegs, rcx, REGS_RCX);
CHECK_OFF(struct LFIRegs, rdx, REGS_RDX);
CHECK_OFF(struct LFIRegs, rbx, REGS_RBX);
CHECK_OFF(struct LFIRegs, rbp, REGS_RBP);
CHECK_OFF(struct LFIRegs, rsi, REGS_RSI);
CHECK_OFF(struct LFIRegs, rdi, REGS_RDI);
CHECK_OFF(struct LFIRegs, r8, REGS_R8);
CHECK_OFF(struct LFIRegs, r11, REGS_R11);
CHECK_OFF(struct LFIRegs, r14, REGS_R14);
CHECK_OFF(struct LFIRegs, r15, REGS_R15);
CHECK_OFF(struct LFIRegs, fcw, REGS_FCW);
CHECK_OFF(struct LFIRegs, mxcsr, REGS_MXCSR);
CHECK_OFF(struct LFIRegs, xmm, REGS_XMM);
_Static_assert(sizeof(struct LFIRegs) == 448, "LFIRegs size");
CHECK_OFF(struct LFIContext, abort_callback, CTX_ABORT);
CHECK_OFF(struct LFIContext, base, CTX_BASE);
CHECK_OFF(struct LFIContext, box, CTX_BOX);
CHECK_OFF(struct LFIContext, invoke_stub, CTX_INVOKE_STUB);
CHECK_OFF(struct LFIContext, ret_point, CTX_RET_POINT);
CHECK_OFF(struct LFIContext, status, CTX_STATUS);
CHECK_OFF(struct LFIContext, interrupt, CTX_INTERRUPT);
CHECK_OFF(struct LFIContext, timed, CTX_TIMED);
CHECK_OFF(struct LFIContext, tid, CTX_TID);
CHECK_OFF(struct LFIContext, armed, CTX_ARMED);
CHECK_OFF(struct LFIContext, keep_gs, CTX_KEEP_GS);
CHECK_OFF(struct LFIContext, host_mxcsr, CTX_HOST_MXCSR);
CHECK_OFF(struct LFIContext, host_fcw, CTX_HOST_FCW);
CHECK_OFF(struct LFIContext, sbx_mxcsr, CTX_SBX_MXCSR);
CHECK_OFF(struct LFIContext, sbx_fcw, CTX_SBX_FCW);
CHECK_OFF(struct LFIBox, cb_lo, BOX_CB_LO);
CHECK_OFF(struct LFIBox, cb_size, BOX_CB_SIZE);
CHECK_OFF(struct LFIBox, cb_fns, BOX_CB_FNS);
CHECK_OFF(struct LFIBox, cb_ret, BOX_CB_RET);
CHECK_OFF(struct LFIBox, cb_kinds, BOX_CB_KINDS);
CHECK_OFF(struct LFIBox, ret_user, BOX_RET_USER);
CHECK_OFF(struct lfi__tls, ctx, TLS_CTX);
CHECK_OFF(struct lfi__tls, scratch, TLS_SCRATCH);
CHECK_OFF(struct lfi__tls, tid, TLS_TID);
CHECK_OFF(struct lfi__tls, ready, TLS_READY);
CHECK_OFF(struct lfi__tls, gs, TLS_GS);
CHECK_OFF(struct lfi__tls, gs_known, TLS_GS_KNOWN);

/* ---- %gs base without FSGSBASE: arch_prctl ----
 * On CPUs or kernels without FSGSBASE each arch_prctl is a system call (on
 * this project's VMs about 10 us: the MSR write exits to the hypervisor),
 * so the value this thread last set or read is cached per thread
 * (lfi__tls.gs, DESIGN.md section 2) and a set to the same value is
 * skipped; entry.S reads the cache inline and calls these only on a miss.
 * Contract (docs/runtime.md): host code that runs while a context is active
 * on a thread (system-call handlers, callbacks) must not change the %gs
 * base itself; the runtime restores the host's value when it returns to the
 * host (unless the engine has host_gs_unused: then host code must never
 * change it on a thread that entered a box). A new thread starts with an
 * unknown (uncached) value. */

uint64_t lfi__gs_get_slow(void)
{
    if (lfi__tls.gs_known)
        return lfi__tls.gs;
    unsigned long v = 0;
    if (syscall(SYS_arch_prctl, ARCH_GET_GS, &v) == 0) {
        lfi__tls.gs = v;
        lfi__tls.gs_known = 1;
    }
    return v;
}

void lfi__gs_set_slow(uint64_t base)
{
    if (lfi__tls.gs_known && lfi__tls.gs == base)
        return;
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, base) == 0) {
        lfi__tls.gs = base;
        lfi__tls.gs_known = 1;
    } else {
        lfi__tls.gs_known = 0;
    }
}

/* ---- contexts and their box ----
 * A box keeps a list of its contexts (box->ctxs, under box->lock).
 * lfi_box_free detaches them: each gets box = NULL and invoke_stub = 0, so
 * the context outlives its box and a later lfi_ctx_free touches only the
 * context. A context's box pointer goes from a box to NULL only under
 * attach_lock, and lfi_ctx_free reads it under the same lock before it
 * locks the box, so the box it unlinks from cannot be freed meanwhile.
 * Lock order: attach_lock, then box->lock. lfi_ctx_new needs only
 * box->lock (making a context of a box that is being freed is a caller
 * error, like any use of a freed box). The lock is global, not per engine,
 * because a detached context may also outlive its engine. */

static pthread_mutex_t attach_lock = PTHREAD_MUTEX_INITIALIZER;

static struct LFIBox *ctx_box(struct LFIContext *ctx)
{
    return __atomic_load_n(&ctx->box, __ATOMIC_ACQUIRE);
}

static bool ctx_running(struct LFIContext *ctx)
{
    return __atomic_load_n(&ctx->regs.host_sp, __ATOMIC_RELAXED) != 0;
}

bool lfi__box_detach_ctxs(struct LFIBox *box)
{
    pthread_mutex_lock(&attach_lock);
    pthread_mutex_lock(&box->lock);
    for (struct LFIContext *c = box->ctxs; c; c = c->next)
        if (ctx_running(c)) {
            pthread_mutex_unlock(&box->lock);
            pthread_mutex_unlock(&attach_lock);
            lfi__seterr(LFI_ERR_BUSY, "lfi_box_free: a context of the box is running");
            return false;
        }
    for (struct LFIContext *c = box->ctxs, *next; c; c = next) {
        next = c->next;
        c->prev = c->next = NULL;
        /* invoke_stub = 0 sends LFI_INVOKE to its slow path, which finds
         * box == NULL (lfi__invoke_prepare). */
        __atomic_store_n(&c->invoke_stub, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&c->box, NULL, __ATOMIC_RELEASE);
    }
    box->ctxs = NULL;
    box->nctx = 0;
    pthread_mutex_unlock(&box->lock);
    pthread_mutex_unlock(&attach_lock);
    return true;
}

static void detached_error(struct LFIContext *ctx, const char *what)
{
    lfi__seterr(LFI_ERR_DETACHED, "%s: the context's box was freed (lfi_box_free)", what);
    ctx->status = LFI_ERR_DETACHED;
}

/* ---- contexts ---- */

struct LFIContext *lfi_ctx_new(struct LFIBox *box, void *userdata)
{
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "no box");
        return NULL;
    }
    size_t size = (sizeof(struct LFIContext) + 63) & ~(size_t)63;
    struct LFIContext *ctx = aligned_alloc(64, size);
    if (!ctx) {
        lfi__seterr(LFI_ERR_ALLOC, "context");
        return NULL;
    }
    memset(ctx, 0, size);
    ctx->box = box;
    ctx->base = box->base;
    ctx->data = userdata;
    pthread_mutex_lock(&box->lock);
    if (box->single_thread && box->nctx > 0) {
        pthread_mutex_unlock(&box->lock);
        free(ctx);
        lfi__seterr(LFI_ERR_BUSY, "lfi_ctx_new: the box is single-threaded and already has "
                                  "a context (lfi_box_single_thread)");
        return NULL;
    }
    box->nctx++;
    ctx->next = box->ctxs;
    if (box->ctxs)
        box->ctxs->prev = ctx;
    box->ctxs = ctx;
    ctx->invoke_stub = box->invoke_stub;
    ctx->ret_point = box->ret_point;
    ctx->keep_gs = box->engine->opts.host_gs_unused;
    pthread_mutex_unlock(&box->lock);
    lfi_ctx_regs_init(ctx);
    return ctx;
}

void lfi_ctx_free(struct LFIContext *ctx)
{
    if (!ctx)
        return;
    if (ctx_running(ctx)) {
        lfi__seterr(LFI_ERR_BUSY, "lfi_ctx_free: the context is running");
        return;
    }
    lfi__delete_timer(ctx);
    pthread_mutex_lock(&attach_lock);
    struct LFIBox *box = ctx_box(ctx);
    if (box) {
        pthread_mutex_lock(&box->lock);
        if (ctx->prev)
            ctx->prev->next = ctx->next;
        else
            box->ctxs = ctx->next;
        if (ctx->next)
            ctx->next->prev = ctx->prev;
        box->nctx--;
        pthread_mutex_unlock(&box->lock);
    }
    pthread_mutex_unlock(&attach_lock);
    free(ctx);
}

void *lfi_ctx_data(struct LFIContext *ctx)
{
    return ctx->data;
}

struct LFIBox *lfi_ctx_box(struct LFIContext *ctx)
{
    return ctx_box(ctx);
}

struct LFIRegs *lfi_ctx_regs(struct LFIContext *ctx)
{
    return &ctx->regs;
}

void lfi_ctx_regs_init(struct LFIContext *ctx)
{
    ctx->regs.r14 = ctx->base;
    ctx->regs.rsp = ctx->base;  /* pushes fault on the read-only table page */
    ctx->regs.fcw = 0x37f;
    ctx->regs.mxcsr = 0x1f80;
    struct LFIBox *box = ctx_box(ctx);
    if (box)
        ctx->regs.retaddr = box->retaddr;
}

uint64_t lfi_ctx_get_tp(struct LFIContext *ctx)
{
    return ctx->regs._tp;
}

void lfi_ctx_set_tp(struct LFIContext *ctx, uint64_t tp)
{
    ctx->regs._tp = tp;
}

struct LFIContext *lfi_cur_ctx(void)
{
    return lfi__tls.ctx;
}

int lfi_ctx_status(struct LFIContext *ctx, struct LFIFault *info)
{
    if (info)
        *info = ctx->fault;
    return ctx->status;
}

/* Stop requests and time bounds at an entry into the context. */
static bool entry_checks(struct LFIContext *ctx)
{
    bool outermost = ctx->regs.host_sp == 0;
    int why = atomic_load(&ctx->interrupt);
    if (why == LFI__INT_TIMEOUT && outermost) {
        atomic_store(&ctx->interrupt, 0); /* the bound of an earlier run */
        why = 0;
    }
    if (why) {
        if (outermost)
            atomic_store(&ctx->interrupt, 0);
        lfi__seterr(LFI_ERR_INTERRUPT, "the context was interrupted before it ran");
        ctx->status = LFI_ERR_INTERRUPT;
        return false;
    }
    if (ctx->timed && outermost && !lfi__arm_timer(ctx)) {
        ctx->status = lfi_errno();
        return false;
    }
    return true;
}

int lfi_ctx_run(struct LFIContext *ctx, uintptr_t entry)
{
    if (!ctx) {
        lfi__seterr(LFI_ERR_INVAL, "no context");
        return LFI_EXIT_ERROR;
    }
    if (!ctx_box(ctx)) {
        detached_error(ctx, "lfi_ctx_run");
        return LFI_EXIT_ERROR;
    }
    if (!lfi_box_ptrvalid(ctx->box, entry) || entry % LFI_BUNDLE) {
        lfi__seterr(LFI_ERR_INVAL, "entry %#llx is not a bundle start inside the box",
                    (unsigned long long)entry);
        ctx->status = LFI_ERR_INVAL;
        return LFI_EXIT_ERROR;
    }
    if (!lfi__thread_init())
        return LFI_EXIT_ERROR;
    ctx->status = LFI_ERR_NONE;
    memset(&ctx->fault, 0, sizeof ctx->fault);
    if (!entry_checks(ctx)) {
        ctx->status = lfi_errno();
        return LFI_EXIT_ERROR;
    }
    return lfi__ctx_entry(ctx, entry);
}

static uint64_t frame_kind(struct LFIContext *ctx)
{
    return ((uint64_t *)(uintptr_t)ctx->regs.host_sp)[FR_KIND / 8];
}

void lfi_ctx_exit(struct LFIContext *ctx, int code)
{
    if (!ctx || !ctx->regs.host_sp || lfi__tls.ctx != ctx) {
        lfi__seterr(LFI_ERR_INVAL, "lfi_ctx_exit: the context is not active on this thread");
        return;
    }
    if (frame_kind(ctx) == FRAME_INVOKE) {
        ctx->status = LFI_ERR_EXIT;
        lfi__seterr(LFI_ERR_EXIT, "lfi_ctx_exit(%d) during LFI_INVOKE", code);
    }
    lfi__unwind(ctx, (uint64_t)(uint32_t)code);
}

void lfi__ctx_fail(struct LFIContext *ctx, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lfi__vseterr(err, fmt, ap);
    va_end(ap);
    ctx->status = err;
    uint64_t code = frame_kind(ctx) == FRAME_RUN ? (uint64_t)(uint32_t)LFI_EXIT_ERROR : 0;
    lfi__unwind(ctx, code);
}

/* ---- called from entry.S ---- */

void lfi__syscall_dispatch(struct LFIContext *ctx)
{
    void (*handler)(struct LFIContext *) = ctx->box->engine->sys_handler;
    if (!handler)
        lfi__ctx_fail(ctx, LFI_ERR_RTCALL, "system call %llu but no handler is installed",
                      (unsigned long long)ctx->regs.rax);
    handler(ctx);
    if (ctx->abort_callback && ctx->abort_callback == ctx->regs.host_sp)
        lfi__cb_abort(ctx);
}

/* ---- aborting from a callback ----
 * lfi_ctx_abort_cb records the innermost frame (host_sp); the callback
 * return path (entry.S) and the system-call path above end that frame when
 * they find it marked. An invoke nested in the callback has a frame of its
 * own, so it is not affected; the mark is dropped when its frame ends some
 * other way (UNWIND_FRAME). */

void lfi_ctx_abort_cb(struct LFIContext *ctx)
{
    if (!ctx || !ctx->regs.host_sp || lfi__tls.ctx != ctx) {
        lfi__seterr(LFI_ERR_INVAL, "lfi_ctx_abort_cb: the context is not active on this thread");
        return;
    }
    ctx->abort_callback = ctx->regs.host_sp;
}

int lfi_ctx_abort_cb_status(struct LFIContext *ctx)
{
    return ctx && ctx->abort_status ? 1 : 0;
}

void lfi_ctx_abort_callback(struct LFIContext *ctx)
{
    lfi_ctx_abort_cb(ctx);
}

int lfi_ctx_abort_status(struct LFIContext *ctx)
{
    return lfi_ctx_abort_cb_status(ctx);
}

void lfi__cb_abort(struct LFIContext *ctx)
{
    ctx->abort_callback = 0;
    ctx->abort_status = 1;
    lfi__ctx_fail(ctx, LFI_ERR_ABORT, "a callback aborted the %s",
                  frame_kind(ctx) == FRAME_RUN ? "run" : "invoke");
}

/* ---- register-file invoke ---- */

int lfi_invoke_struct(struct LFIContext *ctx, lfiptr fn)
{
    if (!ctx) {
        lfi__seterr(LFI_ERR_INVAL, "lfi_invoke_struct: no context");
        return -1;
    }
    struct LFIContext *c = ctx;
    lfi_set_invoke_info(&c, fn, ctx->box);
    ctx->status = -1; /* stays so if the trampoline fails before the entry */
    lfi_trampoline_struct();
    if (ctx->status == -1)
        ctx->status = lfi_errno() ? lfi_errno() : LFI_ERR_INVAL;
    return ctx->status == LFI_ERR_NONE ? 0 : -1;
}

void lfi__rtcall_error(struct LFIContext *ctx, uint64_t why)
{
    uint64_t at = ctx->regs.r11;
    switch (why) {
    case 1:
        lfi__ctx_fail(ctx, LFI_ERR_RTCALL, "unused runtime-call slot (return point %#llx)",
                      (unsigned long long)at);
    case 2:
        lfi__ctx_fail(ctx, LFI_ERR_RTCALL, "return runtime call outside LFI_INVOKE");
    default: {
        struct LFIBox *box = ctx->box;
        if (box->cb_size && at - box->cb_lo < box->cb_size)
            lfi__ctx_fail(ctx, LFI_ERR_RTCALL, "call of unregistered callback entry %llu",
                          (unsigned long long)((at - box->cb_lo) / LFI_BUNDLE));
        lfi__ctx_fail(ctx, LFI_ERR_RTCALL, "return runtime call outside LFI_INVOKE");
    }
    }
}

struct LFIContext *lfi_clone(struct LFIBox *box, struct LFIContext **ctxp)
{
    if (!box || !ctxp) {
        lfi__seterr(LFI_ERR_INVAL, "lfi_clone: no box or context pointer");
        return NULL;
    }
    struct LFIContext *(*cb)(struct LFIBox *) = box->engine->clone_cb;
    if (!cb) {
        lfi__seterr(LFI_ERR_NOCTX, "LFI_INVOKE with a NULL context and no clone callback");
        return NULL;
    }
    if (!lfi__thread_init())
        return NULL;
    struct LFIContext *ctx = cb(box);
    if (!ctx) {
        lfi__seterr(LFI_ERR_NOCTX, "the clone callback returned NULL");
        return NULL;
    }
    *ctxp = ctx;
    return ctx;
}

void lfi_set_invoke_info(struct LFIContext **ctxp, lfiptr fn, struct LFIBox *box)
{
    lfi_invoke_info.ctx = ctxp;
    lfi_invoke_info.targetfn = fn;
    lfi_invoke_info.box = box;
}

/* The slow path of lfi_trampoline: thread setup, lazy context, lazy stubs. */
struct LFIContext *lfi__invoke_prepare(void)
{
    struct LFIInvokeInfo info = lfi_invoke_info;
    if (!lfi__thread_init())
        return NULL;
    if (!info.ctx) {
        lfi__seterr(LFI_ERR_INVAL, "LFI_INVOKE without a context pointer");
        return NULL;
    }
    struct LFIContext *ctx = *info.ctx;
    if (!ctx && !(ctx = lfi_clone(info.box, info.ctx)))
        return NULL;
    if (!ctx_box(ctx)) {
        detached_error(ctx, "LFI_INVOKE");
        return NULL;
    }
    ctx->status = LFI_ERR_NONE;
    if (!entry_checks(ctx))
        return NULL;
    if (!ctx->invoke_stub) {
        struct LFIBox *box = ctx->box;
        if (!lfi__rt_ensure(box)) {
            ctx->status = lfi_errno();
            return NULL;
        }
        ctx->invoke_stub = box->invoke_stub;
        ctx->ret_point = box->ret_point;
        ctx->regs.retaddr = box->retaddr;
    }
    return ctx;
}
