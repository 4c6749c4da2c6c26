/* The runtime's code inside a box, for LFI_INVOKE and callbacks.
 *
 * Both pieces are ordinary LFI code: they pass the verifier at their final
 * address like everything else that is executable in a box. Their bytes do
 * not depend on the box, so each is one sealed memfd per engine, mapped
 * (shared, read-only + exec, pinned) into the boxes that need it.
 *
 * Stub page (lfi_box_init_ret, or lazily at the first LFI_INVOKE):
 *   bundle 0   int3 padding, then   leaq bundle1(%rip),%r10
 *                                   pushq %r10
 *                                   xorl %r10d,%r10d
 *                                   andl $0xffffffe0,%r11d
 *                                   addq %r14,%r11
 *                                   jmpq *%r11           (ends the bundle)
 *              lfi_trampoline jumps to the leaq with %r11 = target, so the
 *              return address is pushed in sandbox code: it is bundle 1,
 *              where the sandbox function's masked return lands. A push and
 *              a jump rather than a call: LFI returns are jumps, so a call
 *              here would leave an entry on the CPU's return stack that
 *              nothing pops, and the host's return from lfi_trampoline
 *              would be mispredicted on every invoke.
 *   bundle 1   leaq 1f(%rip),%r11 ; jmpq *-32(%r14) ; 1:    (return rtcall)
 *   bundle 2   popq %r11 ; andl $0xffffffe0,%r11d ; addq %r14,%r11 ;
 *              jmpq *%r11             (where a callback returns to)
 * Callback pages (lazily at the first lfi_box_register_cb): entry i is the
 * bundle  leaq 1f(%rip),%r11 ; jmpq *-32(%r14) ; 1:  — a return runtime
 * call whose return point tells the runtime which callback it is.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const uint8_t invoke_tail[] = {
    0x4c, 0x8d, 0x15, 0x0f, 0x00, 0x00, 0x00, /* leaq 15(%rip),%r10: bundle 1 */
    0x41, 0x52,                               /* pushq %r10 */
    0x45, 0x31, 0xd2,       /* xorl %r10d,%r10d (it held the stub's address) */
    0x41, 0x83, 0xe3, 0xe0, /* andl $0xffffffe0,%r11d */
    0x4d, 0x01, 0xf3,       /* addq %r14,%r11 */
    0x41, 0xff, 0xe3,       /* jmpq *%r11 */
};
_Static_assert(sizeof(invoke_tail) == 22, "the leaq's displacement assumes 22 bytes");
static const uint8_t ret_rtcall[] = {
    0x4c, 0x8d, 0x1d, 0x04, 0x00, 0x00, 0x00, /* leaq 4(%rip),%r11 */
    0x41, 0xff, 0x66, 0xe0,                   /* jmpq *-0x20(%r14) */
};
static const uint8_t cb_return[] = {
    0x41, 0x5b,             /* popq %r11 */
    0x41, 0x83, 0xe3, 0xe0, /* andl $0xffffffe0,%r11d */
    0x4d, 0x01, 0xf3,       /* addq %r14,%r11 */
    0x41, 0xff, 0xe3,       /* jmpq *%r11 */
};
#define INVOKE_ENTRY (LFI_BUNDLE - sizeof invoke_tail)
#define RET_BUNDLE 32
#define CBRET_BUNDLE 64

static size_t cb_bytes(struct LFIEngine *e)
{
    size_t ps = e->pagesize;
    return ((size_t)LFI_MAXCB * LFI_BUNDLE + ps - 1) & ~(ps - 1);
}

/* The engine's memfd for the stub page (which = 0) or callback pages. */
static int engine_fd(struct LFIEngine *e, int which)
{
    pthread_mutex_lock(&e->lock);
    int *slot = which ? &e->cbfd : &e->rtfd;
    if (*slot < 0) {
        size_t size = which ? cb_bytes(e) : e->pagesize;
        uint8_t *p = malloc(size);
        if (p) {
            memset(p, 0xcc, size);
            if (!which) {
                memcpy(p + INVOKE_ENTRY, invoke_tail, sizeof invoke_tail);
                memcpy(p + RET_BUNDLE, ret_rtcall, sizeof ret_rtcall);
                memcpy(p + CBRET_BUNDLE, cb_return, sizeof cb_return);
            } else {
                for (size_t i = 0; i < LFI_MAXCB; i++)
                    memcpy(p + i * LFI_BUNDLE, ret_rtcall, sizeof ret_rtcall);
            }
            *slot = lfi__make_memfd(which ? "lfi-callbacks" : "lfi-stubs", p, size);
            free(p);
        }
        if (*slot < 0)
            lfi__seterr(LFI_ERR_MMAP, "cannot create the runtime's stub memfd");
    }
    int fd = *slot;
    pthread_mutex_unlock(&e->lock);
    return fd;
}

bool lfi__rt_ensure(struct LFIBox *box)
{
    if (__atomic_load_n(&box->invoke_stub, __ATOMIC_ACQUIRE))
        return true;
    int fd = engine_fd(box->engine, 0);
    if (fd < 0)
        return false;
    pthread_mutex_lock(&box->lock);
    bool ok = true;
    if (!box->rtpage) {
        uint64_t p = lfi__map_runtime_code(box, fd, box->engine->pagesize);
        if (p) {
            box->rtpage = p;
            box->ret_point = p + RET_BUNDLE + sizeof ret_rtcall;
            if (!box->ret_user)
                box->retaddr = p + RET_BUNDLE;
            box->cb_ret = p + CBRET_BUNDLE;
            __atomic_store_n(&box->invoke_stub, p + INVOKE_ENTRY, __ATOMIC_RELEASE);
            LFI_LOG("box %zu: stub page at %#llx", box->slot, (unsigned long long)p);
        } else {
            ok = false;
        }
    }
    pthread_mutex_unlock(&box->lock);
    return ok;
}

bool lfi__cb_ensure(struct LFIBox *box)
{
    if (!lfi__rt_ensure(box))
        return false;
    if (__atomic_load_n(&box->cb_size, __ATOMIC_ACQUIRE))
        return true;
    int fd = engine_fd(box->engine, 1);
    if (fd < 0)
        return false;
    pthread_mutex_lock(&box->lock);
    bool ok = true;
    if (!box->cb_size) {
        void **fns = calloc(LFI_MAXCB, sizeof *fns);
        uint8_t *kinds = calloc(LFI_MAXCB, 1);
        uint64_t p = fns && kinds ? lfi__map_runtime_code(box, fd, cb_bytes(box->engine)) : 0;
        if (!fns || !kinds)
            lfi__seterr(LFI_ERR_ALLOC, "callback table");
        if (p) {
            box->cb_fns = fns;
            box->cb_kinds = kinds;
            box->cb_lo = p;
            __atomic_store_n(&box->cb_size, (uint64_t)LFI_MAXCB * LFI_BUNDLE, __ATOMIC_RELEASE);
            LFI_LOG("box %zu: callback entries at %#llx", box->slot, (unsigned long long)p);
        } else {
            free(fns);
            free(kinds);
            ok = false;
        }
    }
    pthread_mutex_unlock(&box->lock);
    return ok;
}

bool lfi_box_init_ret(struct LFIBox *box)
{
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "no box");
        return false;
    }
    return lfi__rt_ensure(box);
}

bool lfi_box_cbinit(struct LFIBox *box)
{
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "no box");
        return false;
    }
    return lfi__cb_ensure(box);
}

/* Finds or takes the entry of (fn, kind). The kind is stored before the
 * function (release), and the runtime reads the function first: a caller
 * that sees a new function sees its kind. */
static void *register_cb(struct LFIBox *box, void *fn, uint8_t kind, const char *what)
{
    if (!box || !fn) {
        lfi__seterr(LFI_ERR_INVAL, "%s: no box or function", what);
        return NULL;
    }
    if (!lfi__cb_ensure(box))
        return NULL;
    void *entry = NULL;
    pthread_mutex_lock(&box->lock);
    size_t free_slot = LFI_MAXCB;
    for (size_t i = 0; i < LFI_MAXCB; i++) {
        void *f = __atomic_load_n(&box->cb_fns[i], __ATOMIC_RELAXED);
        if (f == fn && box->cb_kinds[i] == kind) {
            entry = (void *)(uintptr_t)(box->cb_lo + i * LFI_BUNDLE);
            break;
        }
        if (!f && free_slot == LFI_MAXCB)
            free_slot = i;
    }
    if (!entry && free_slot < LFI_MAXCB) {
        __atomic_store_n(&box->cb_kinds[free_slot], kind, __ATOMIC_RELEASE);
        __atomic_store_n(&box->cb_fns[free_slot], fn, __ATOMIC_RELEASE);
        entry = (void *)(uintptr_t)(box->cb_lo + free_slot * LFI_BUNDLE);
    }
    pthread_mutex_unlock(&box->lock);
    if (!entry)
        lfi__seterr(LFI_ERR_NOSPACE, "all %d callback entries are in use", LFI_MAXCB);
    return entry;
}

void *lfi_box_register_cb(struct LFIBox *box, void *fn)
{
    return register_cb(box, fn, CB_PLAIN, "lfi_box_register_cb");
}

void *lfi_box_register_cb_struct(struct LFIBox *box, void *fn)
{
    return register_cb(box, fn, CB_STRUCT, "lfi_box_register_cb_struct");
}

/* The return runtime call through the legacy table slot (*24(%r14)). */
static const uint8_t ret_rtcall_legacy[] = {
    0x4c, 0x8d, 0x1d, 0x04, 0x00, 0x00, 0x00, /* leaq 4(%rip),%r11 */
    0x41, 0xff, 0x66, 0x18,                   /* jmpq *0x18(%r14) */
};
_Static_assert(sizeof ret_rtcall_legacy == sizeof ret_rtcall, "stub sizes");

bool lfi_box_register_ret(struct LFIBox *box, lfiptr addr)
{
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "lfi_box_register_ret: no box");
        return false;
    }
    if (addr % LFI_BUNDLE || !lfi_box_bufvalid(box, addr, sizeof ret_rtcall)) {
        lfi__seterr(LFI_ERR_INVAL, "lfi_box_register_ret: %#llx is not a bundle start in the box",
                    (unsigned long long)addr);
        return false;
    }
    uint8_t code[sizeof ret_rtcall];
    if (!lfi__exec_bytes(box, addr, code, sizeof code)) {
        lfi__seterr(LFI_ERR_INVAL, "lfi_box_register_ret: %#llx is not in executable box memory",
                    (unsigned long long)addr);
        return false;
    }
    if (memcmp(code, ret_rtcall, sizeof code) && memcmp(code, ret_rtcall_legacy, sizeof code)) {
        lfi__seterr(LFI_ERR_INVAL, "lfi_box_register_ret: the code at %#llx is not a return stub",
                    (unsigned long long)addr);
        return false;
    }
    /* The runtime only compares return points with it: it never jumps to
     * addr, so a later change of that memory cannot redirect the host. */
    pthread_mutex_lock(&box->lock);
    box->retaddr = addr;
    __atomic_store_n(&box->ret_user, addr + sizeof ret_rtcall, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&box->lock);
    LFI_LOG("box %zu: return stub registered at %#llx", box->slot, (unsigned long long)addr);
    return true;
}

void lfi_box_unregister_cb(struct LFIBox *box, void *fn)
{
    if (!box || !fn || !__atomic_load_n(&box->cb_size, __ATOMIC_ACQUIRE))
        return;
    pthread_mutex_lock(&box->lock);
    for (size_t i = 0; i < LFI_MAXCB; i++)
        if (box->cb_fns[i] == fn)
            __atomic_store_n(&box->cb_fns[i], NULL, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&box->lock);
}
