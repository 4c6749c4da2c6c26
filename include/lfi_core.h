/* lfi_core.h: liblfi-core, the LFI core runtime.
 *
 * The core runtime reserves address space for sandboxes ("boxes"), maps
 * memory inside them (verifying everything that becomes executable), and
 * moves control in and out of them: lfi_ctx_run (process style, with a
 * system-call handler) and LFI_INVOKE (library style, with callbacks).
 * docs/runtime.md describes the design; the API follows the liblfi tutorial.
 *
 * Errors: functions that fail return NULL, (lfiptr)-1, -1 or false and set a
 * thread-local error, read with lfi_errno() and lfi_errmsg(). Nothing a
 * sandbox or a caller can pass makes the runtime abort.
 *
 * Thread safety: an engine and its boxes may be used from several threads
 * (memory operations on one box are serialised by a lock). One context runs
 * on at most one thread at a time. Contexts may be freed on any thread,
 * also while another thread frees their box.
 */
#ifndef LFI_CORE_H
#define LFI_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lfi_arch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An address inside a sandbox. Sandbox and host share the address space, so
 * an lfiptr is also a valid host pointer (lfi_box_l2p is the identity). */
typedef uintptr_t lfiptr;

struct LFIEngine;  /* a pool of address space for boxes, plus shared settings */
struct LFIBox;     /* one sandbox: 4 GiB of address space and its mappings */
struct LFIContext; /* one sandbox thread: registers and host/sandbox links */

struct LFIOptions {
    size_t pagesize;   /* 0 or a power-of-two multiple of the host page size */
    size_t boxsize;    /* 0 or 4 GiB (the only supported size) */
    bool verbose;      /* log to stderr; also LFI_VERBOSE=1 */
    bool stores_only;  /* verify in stores-only mode (loads are not sandboxed) */
    bool no_verify;    /* do not verify executable memory (UNSAFE) */
    bool allow_wx;     /* allow W+X mappings; only together with no_verify (UNSAFE) */
    bool no_init_sigaltstack; /* do not give threads an alternate signal stack */
    bool no_aslr;      /* deterministic (lowest-address) placement in mapany */
    /* The host does not use the %gs base (docs/runtime.md §3, "%gs"). A
     * promise about every host thread that enters this engine's boxes: no
     * host code on it reads the %gs base or depends on its value, and none
     * changes it (no arch_prctl(ARCH_SET_GS), wrgsbase or %gs selector
     * load). Nothing in glibc or musl on x86-64 Linux uses it. Then exits to
     * the host (the end of an LFI_INVOKE or lfi_ctx_run, also by a fault,
     * lfi_ctx_exit or an interrupt) do not restore the host's %gs base: it
     * stays at the box's base B, so the next entry into the same box sets
     * nothing (without FSGSBASE: no arch_prctl system call at all). Entries
     * into another box still set its B. Freeing a box whose B is still in a
     * thread's %gs base is harmless: sandbox code runs only after an entry,
     * and every entry sets the %gs base. Without FSGSBASE the runtime trusts
     * its per-thread record of the %gs base, so a host that changes it
     * anyway could make the next entry skip the set and run the sandbox with
     * a wrong %gs base: the "changes it" half of the promise is a safety
     * condition, not just a correctness one. */
    bool host_gs_unused;
};

struct LFIBoxInfo {
    uintptr_t base; /* B: the 4 GiB-aligned start of the box */
    size_t size;    /* 4 GiB */
    lfiptr min;     /* lowest address the box may map */
    lfiptr max;     /* one past the highest address the box may map */
    lfiptr max_exec; /* one past the highest address that may be executable */
};

struct LFIMapInfo {
    int prot;
    int flags;
    int fd;        /* -1 for anonymous mappings */
    off_t offset;
};

#define LFI_PROT_NONE 0
#define LFI_PROT_READ 1
#define LFI_PROT_WRITE 2
#define LFI_PROT_EXEC 4
#define LFI_PROT_BTI 16 /* arm64 only; accepted and ignored on x86-64 */

#define LFI_MAP_SHARED 1
#define LFI_MAP_PRIVATE 2
#define LFI_MAP_FIXED 16
#define LFI_MAP_ANONYMOUS 32
#define LFI_MAP_EXECUTABLE 0x1000 /* hint; ignored */

/* Error codes (lfi_errno). */
enum {
    LFI_ERR_NONE = 0,
    LFI_ERR_ALLOC = 1,       /* out of host memory */
    LFI_ERR_BOXMAP = 2,      /* no free box slot in the engine */
    LFI_ERR_RESERVE = 3,     /* reserving address space failed */
    LFI_ERR_MMAP = 4,        /* a host mmap/mprotect failed */
    LFI_ERR_SIGALTSTACK = 5, /* creating the alternate signal stack failed */
    LFI_ERR_PKU = 6,         /* (unused: no PKU support) */
    LFI_ERR_INVAL = 7,       /* invalid argument */
    LFI_ERR_NOTMAPPED = 8,   /* the range is not (entirely) mapped */
    LFI_ERR_PERM = 9,        /* refused by policy (W^X, shared exec, runtime pages) */
    LFI_ERR_VERIFY = 10,     /* executable memory failed verification */
    LFI_ERR_NOSPACE = 11,    /* no free range of that size in the box */
    LFI_ERR_FAULT = 12,      /* the sandbox faulted (signal in sandbox code) */
    LFI_ERR_RTCALL = 13,     /* bad runtime call from the sandbox */
    LFI_ERR_NOCTX = 14,      /* LFI_INVOKE without a context and no clone callback */
    LFI_ERR_EXIT = 15,       /* lfi_ctx_exit ended an LFI_INVOKE */
    LFI_ERR_INTERRUPT = 16,  /* the context was interrupted or timed out */
    LFI_ERR_BUSY = 17,       /* the object is in use (e.g. a running context) */
    LFI_ERR_ABORT = 18,      /* a callback aborted the invoke (lfi_ctx_abort_cb) */
    LFI_ERR_DETACHED = 19,   /* the context's box was freed (run or invoke refused) */
};

/* lfi_ctx_run's result when the run ended by an error (fault, bad runtime
 * call, ...) rather than lfi_ctx_exit; lfi_errno() tells which. */
#define LFI_EXIT_ERROR (-2147483647 - 1)

/* ---- Errors ---------------------------------------------------------- */

int lfi_errno(void);              /* error code of this thread's last failure */
const char *lfi_errmsg(void);     /* "what: why"; valid until the next call */
const char *lfi_strerror(int code);
void lfi_clearerr(void);

/* ---- Engine ---------------------------------------------------------- */

/* Reserves address space for n boxes. */
struct LFIEngine *lfi_new(struct LFIOptions opts, size_t n);
/* Frees the engine. All its boxes must have been freed before (their
 * contexts need not: detached contexts outlive the engine too). */
void lfi_free(struct LFIEngine *engine);
struct LFIOptions lfi_opts(struct LFIEngine *engine);
/* The handler of the "system call" runtime call. It may change the registers
 * (lfi_ctx_regs) and returns to the sandbox, or ends the run (lfi_ctx_exit). */
void lfi_sys_handler(struct LFIEngine *engine, void (*handler)(struct LFIContext *ctx));
/* Called when LFI_INVOKE finds *ctxp == NULL; returns a new context. */
void lfi_set_clone_cb(struct LFIEngine *engine,
                      struct LFIContext *(*clone_cb)(struct LFIBox *box));

/* ---- Boxes ----------------------------------------------------------- */

struct LFIBox *lfi_box_new(struct LFIEngine *engine);
/* Frees the box. Its contexts may be freed before or after it (also after
 * lfi_free of the engine): the box detaches the ones still alive, which
 * then belong to no box (lfi_ctx_box gives NULL); lfi_ctx_run,
 * LFI_INVOKE and lfi_invoke_struct on a detached context fail with
 * LFI_ERR_DETACHED, and lfi_ctx_free frees it. Fails with LFI_ERR_BUSY,
 * freeing nothing, if one of the box's contexts is running (e.g. when
 * called from its handler or callback). Freeing a box while another thread
 * may enter it is a caller error, as with any object being freed. */
void lfi_box_free(struct LFIBox *box);
struct LFIEngine *lfi_box_engine(struct LFIBox *box);
void lfi_box_setdata(struct LFIBox *box, void *data);
void *lfi_box_data(struct LFIBox *box);
struct LFIBoxInfo lfi_box_info(struct LFIBox *box);
/* Makes the box single-threaded (until lfi_box_multi_thread, which checks
 * its code again): it holds at most one context
 * (lfi_ctx_new fails with LFI_ERR_BUSY while one exists), and code mapped
 * executable from now on is verified with LFIV_SINGLE_THREAD, which accepts
 * returns as `pushq %r11 ; retq` (lfi-cc --single-thread): faster, since the
 * CPU predicts them. The host must not write the box's memory from another
 * thread while the context runs. Fails (LFI_ERR_BUSY) if the box already
 * has a context. */
int lfi_box_single_thread(struct LFIBox *box);
bool lfi_box_is_single_thread(struct LFIBox *box);
/* Makes a single-threaded box an ordinary one again: every executable
 * page is verified once more, without LFIV_SINGLE_THREAD, and only if all
 * of it passes does the box stop being single-threaded (0). -1 with
 * LFI_ERR_VERIFY if some code is valid only single-threaded (the box stays
 * as it was). Call it while no sandbox code of the box runs (from the
 * system call handler of its one context, say): code that changes during
 * the call is not covered. 0 for a box that is not single-threaded. */
int lfi_box_multi_thread(struct LFIBox *box);

/* min <= addr < max */
bool lfi_box_ptrvalid(struct LFIBox *box, lfiptr addr);
/* [addr, addr+size) lies within [min, max) */
bool lfi_box_bufvalid(struct LFIBox *box, lfiptr addr, size_t size);
/* Length of the string at addr, at most maxlen; SIZE_MAX if addr is invalid,
 * unreadable, or no NUL lies within maxlen bytes inside the box. */
size_t lfi_box_strnlen(struct LFIBox *box, lfiptr addr, size_t maxlen);
/* Copy out of / into the box. Return dst, or NULL / 0 if the range is not
 * inside the box or not readable / writable (no host fault). */
void *lfi_box_copyfm(struct LFIBox *box, void *dst, lfiptr src, size_t size);
lfiptr lfi_box_copyto(struct LFIBox *box, lfiptr dst, const void *src, size_t size);
uintptr_t lfi_box_l2p(struct LFIBox *box, lfiptr l);
lfiptr lfi_box_p2l(struct LFIBox *box, uintptr_t p);

/* ---- Box memory ------------------------------------------------------ *
 * Addresses are sandbox addresses; lengths are rounded up to whole pages.
 * Anything that becomes executable is verified first (whole pages, at their
 * final address) and is never writable at the same time. Return the address
 * (or 0 for mprotect/munmap) on success, (lfiptr)-1 / -1 on failure. */

lfiptr lfi_box_mapany(struct LFIBox *box, size_t size, int prot, int flags, int fd, off_t off);
lfiptr lfi_box_mapat(struct LFIBox *box, lfiptr addr, size_t size, int prot, int flags,
                     int fd, off_t off);
int lfi_box_mprotect(struct LFIBox *box, lfiptr addr, size_t size, int prot);
int lfi_box_munmap(struct LFIBox *box, lfiptr addr, size_t size);
/* Describes the mapping that contains addr; false if addr is not mapped. */
bool lfi_box_mquery(struct LFIBox *box, lfiptr addr, struct LFIMapInfo *info);
/* Records pages that are already mapped at addr (e.g. moved there with
 * mremap by a loader). Executable ones are verified now; if they fail they
 * are unmapped. */
lfiptr lfi_box_mapat_register(struct LFIBox *box, lfiptr addr, size_t size, int prot,
                              int flags, int fd, off_t off);
/* Fast reset: mark_original remembers the current mappings; later,
 * unmap_non_original unmaps every mapping made since (false if some could
 * not be, because that would split verified code). */
void lfi_box_mark_original(struct LFIBox *box);
bool lfi_box_unmap_non_original(struct LFIBox *box);
/* Variants that skip verification (W^X still holds). UNSAFE: for code the
 * embedder trusts. */
lfiptr lfi_box_mapany_noverify(struct LFIBox *box, size_t size, int prot, int flags,
                               int fd, off_t off);
int lfi_box_mprotect_noverify(struct LFIBox *box, lfiptr addr, size_t size, int prot);

/* ---- Contexts -------------------------------------------------------- */

struct LFIContext *lfi_ctx_new(struct LFIBox *box, void *userdata);
/* Fails (LFI_ERR_BUSY) on a context that is running. Also for a context
 * whose box was freed (detached): then it touches only the context. */
void lfi_ctx_free(struct LFIContext *ctx);
void *lfi_ctx_data(struct LFIContext *ctx);
/* The context's box; NULL once the box was freed (lfi_box_free). */
struct LFIBox *lfi_ctx_box(struct LFIContext *ctx);
struct LFIRegs *lfi_ctx_regs(struct LFIContext *ctx);
/* Resets the reserved registers (base, stack pointer, FP control). */
void lfi_ctx_regs_init(struct LFIContext *ctx);
uint64_t lfi_ctx_get_tp(struct LFIContext *ctx);
void lfi_ctx_set_tp(struct LFIContext *ctx, uint64_t tp);

/* Runs the context from entry (a 32-byte aligned address inside the box)
 * with the registers of lfi_ctx_regs, until lfi_ctx_exit. Returns the exit
 * code, or LFI_EXIT_ERROR if the run failed (lfi_errno: FAULT, RTCALL,
 * INTERRUPT, INVAL ...). */
int lfi_ctx_run(struct LFIContext *ctx, uintptr_t entry);
/* Ends the innermost run (or LFI_INVOKE) of ctx on this thread; call it from
 * the system-call handler or a callback. lfi_ctx_run returns code; an
 * LFI_INVOKE ended this way returns code as its (integer) result and
 * lfi_ctx_status gives LFI_ERR_EXIT. Does not return, unless ctx is not
 * active on this thread (then it sets LFI_ERR_INVAL and returns). */
void lfi_ctx_exit(struct LFIContext *ctx, int code);
/* Stops the context's current run or LFI_INVOKE, from any thread: it ends
 * with LFI_ERR_INTERRUPT (lfi_ctx_run returns LFI_EXIT_ERROR, LFI_INVOKE
 * 0). A context in host code (its handler or a callback) stops when that
 * code returns; a context that is not running stops at its next entry. The
 * runtime uses SIGURG for this (other SIGURGs go to the previous handler). */
void lfi_ctx_interrupt(struct LFIContext *ctx);
/* Bounds the wall-clock time of each later run or LFI_INVOKE of ctx to ns
 * nanoseconds (0: no bound); over time, it ends with LFI_ERR_INTERRUPT.
 * Timed invokes take a slower path (a timer is armed at each entry). */
void lfi_ctx_set_timeout(struct LFIContext *ctx, uint64_t ns);

/* The context whose sandbox code (or handler/callback) runs on this thread. */
struct LFIContext *lfi_cur_ctx(void);

/* How the last run or invocation of ctx ended: LFI_ERR_NONE, or the error
 * code (LFI_ERR_FAULT, ...). For faults, *info gets the details. */
struct LFIFault {
    int signo;      /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
    int code;       /* si_code */
    uint64_t addr;  /* faulting address (si_addr) */
    uint64_t pc;    /* sandbox instruction */
};
int lfi_ctx_status(struct LFIContext *ctx, struct LFIFault *info);

/* ---- LFI_INVOKE ------------------------------------------------------ */

/* Prepares the box for LFI_INVOKE (maps and verifies its return stubs). May
 * be called before or after lfi_ctx_new; LFI_INVOKE also does it lazily. */
bool lfi_box_init_ret(struct LFIBox *box);
/* Registers a return stub that already exists in the box (e.g. the symbol
 * _lfi_ret of a loaded program): addr must be 32-byte aligned, inside an
 * executable mapping of the box, and hold exactly the return runtime call
 * `leaq 4(%rip),%r11 ; jmpq *-32(%r14)` (or its legacy form with
 * `*24(%r14)`); otherwise false with LFI_ERR_INVAL. A return runtime call
 * made from that stub then ends the innermost LFI_INVOKE like a return of
 * the invoked function, and new contexts get addr as regs.retaddr. The
 * runtime never jumps to addr. x86-64: LFI_INVOKE still maps its own stub
 * page, because the call into the sandbox is made by sandbox code
 * (docs/runtime.md). */
bool lfi_box_register_ret(struct LFIBox *box, lfiptr addr);

struct LFIInvokeInfo {
    struct LFIContext **ctx;
    lfiptr targetfn;
    struct LFIBox *box;
    uintptr_t gs_base; /* unused */
};

#if defined(__cplusplus)
extern thread_local struct LFIInvokeInfo lfi_invoke_info __asm__("lfi_invoke_info");
#else
extern _Thread_local struct LFIInvokeInfo lfi_invoke_info __asm__("lfi_invoke_info");
#endif

/* The trampoline LFI_INVOKE calls (for other languages: set lfi_invoke_info
 * or call lfi_set_invoke_info, then call lfi_trampoline_addr with the
 * function's arguments). */
extern const void *lfi_trampoline_addr;
void lfi_set_invoke_info(struct LFIContext **ctxp, lfiptr fn, struct LFIBox *box);
/* Makes the context for a thread that has none (calls the clone callback). */
struct LFIContext *lfi_clone(struct LFIBox *box, struct LFIContext **ctxp);

/* Register-file invoke, for FFI users. lfi_trampoline_struct is an assembly
 * entry with the calling convention of `void lfi_trampoline_struct(void)`:
 * set lfi_invoke_info (or lfi_set_invoke_info) first, as for lfi_trampoline.
 * The sandbox function gets its arguments from (*ctxp)'s registers, not from
 * the caller's: rdi, rsi, rdx, rcx, r8, r9 and xmm0-7 (all 128 bits) of
 * lfi_ctx_regs; every other register is zero, as with LFI_INVOKE. Its
 * results rax, rdx, xmm0, xmm1 are stored back into the same regs (zero if
 * the invoke failed). If *ctxp is NULL the clone callback makes the context
 * (whose registers are zero). Nesting: called from a callback or handler of
 * the same context, it overwrites those four registers of the context. */
void lfi_trampoline_struct(void);
/* The C form: calls fn (a 32-byte aligned sandbox address) in ctx with the
 * argument registers of lfi_ctx_regs(ctx) and leaves its results there.
 * Returns 0, or -1 if the invoke failed (lfi_ctx_status and lfi_errno say
 * why: FAULT, EXIT, ABORT, INTERRUPT, ...). */
int lfi_invoke_struct(struct LFIContext *ctx, lfiptr fn);

/* LFI_INVOKE(box, ctxp, fn, ret_type, (argtypes), args...)
 *
 * Calls the sandbox function at fn (32-byte aligned) with the context *ctxp
 * (made by the clone callback if NULL) and returns its result. Up to 6
 * integer/pointer and 8 floating-point register arguments; the registers the
 * call does not use are zero in the sandbox. The arguments are evaluated
 * before the call is set up, so they may themselves use LFI_INVOKE. On
 * failure (fault, ...) it returns 0 and lfi_ctx_status / lfi_errno say why. */
#define LFI__CAT(a, b) LFI__CAT_(a, b)
#define LFI__CAT_(a, b) a##b
#define LFI__STRIP(...) __VA_ARGS__
#define LFI__APPLY(m, ...) m(__VA_ARGS__)
#define LFI__NARGS(...) LFI__NARGS_(__VA_ARGS__, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, ~)
#define LFI__NARGS_(_0, _1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, n, ...) n
#define LFI__G1(a, ...) a
#define LFI__G2(a, b, ...) b
#define LFI__G3(a, b, c, ...) c
#define LFI__G4(a, b, c, d, ...) d
#define LFI__G5(a, b, c, d, e, ...) e
#define LFI__G6(a, b, c, d, e, f, ...) f
#define LFI__G7(a, b, c, d, e, f, g, ...) g
#define LFI__G8(a, b, c, d, e, f, g, h, ...) h
#define LFI__G9(a, b, c, d, e, f, g, h, i, ...) i
#define LFI__G10(a, b, c, d, e, f, g, h, i, j, ...) j
#define LFI__G11(a, b, c, d, e, f, g, h, i, j, k, ...) k
#define LFI__G12(a, b, c, d, e, f, g, h, i, j, k, l, ...) l
#define LFI__G13(a, b, c, d, e, f, g, h, i, j, k, l, m, ...) m
#define LFI__G14(a, b, c, d, e, f, g, h, i, j, k, l, m, n, ...) n
#define LFI__T(i, t) LFI__APPLY(LFI__CAT(LFI__G, i), LFI__STRIP t, ~, ~, ~, ~, ~, ~, ~, ~, ~, ~, ~, ~, ~, ~)
#define LFI__V(nm, i) LFI__CAT(nm, LFI__CAT(_a, i))
/* parameter types */
#define LFI__P0(t)
#define LFI__P1(t) LFI__T(1, t),
#define LFI__P2(t) LFI__P1(t) LFI__T(2, t),
#define LFI__P3(t) LFI__P2(t) LFI__T(3, t),
#define LFI__P4(t) LFI__P3(t) LFI__T(4, t),
#define LFI__P5(t) LFI__P4(t) LFI__T(5, t),
#define LFI__P6(t) LFI__P5(t) LFI__T(6, t),
#define LFI__P7(t) LFI__P6(t) LFI__T(7, t),
#define LFI__P8(t) LFI__P7(t) LFI__T(8, t),
#define LFI__P9(t) LFI__P8(t) LFI__T(9, t),
#define LFI__P10(t) LFI__P9(t) LFI__T(10, t),
#define LFI__P11(t) LFI__P10(t) LFI__T(11, t),
#define LFI__P12(t) LFI__P11(t) LFI__T(12, t),
#define LFI__P13(t) LFI__P12(t) LFI__T(13, t),
#define LFI__P14(t) LFI__P13(t) LFI__T(14, t),
/* argument temporaries */
#define LFI__DV(nm, t, i, a) __typeof__(LFI__T(i, t)) LFI__V(nm, i) = (a);
#define LFI__D0(nm, t)
#define LFI__D1(nm, t, a) LFI__DV(nm, t, 1, a)
#define LFI__D2(nm, t, a, b) LFI__D1(nm, t, a) LFI__DV(nm, t, 2, b)
#define LFI__D3(nm, t, a, b, c) LFI__D2(nm, t, a, b) LFI__DV(nm, t, 3, c)
#define LFI__D4(nm, t, a, b, c, d) LFI__D3(nm, t, a, b, c) LFI__DV(nm, t, 4, d)
#define LFI__D5(nm, t, a, b, c, d, e) LFI__D4(nm, t, a, b, c, d) LFI__DV(nm, t, 5, e)
#define LFI__D6(nm, t, a, b, c, d, e, f) LFI__D5(nm, t, a, b, c, d, e) LFI__DV(nm, t, 6, f)
#define LFI__D7(nm, t, a, b, c, d, e, f, g) LFI__D6(nm, t, a, b, c, d, e, f) LFI__DV(nm, t, 7, g)
#define LFI__D8(nm, t, a, b, c, d, e, f, g, h) \
    LFI__D7(nm, t, a, b, c, d, e, f, g) LFI__DV(nm, t, 8, h)
#define LFI__D9(nm, t, a, b, c, d, e, f, g, h, i) \
    LFI__D8(nm, t, a, b, c, d, e, f, g, h) LFI__DV(nm, t, 9, i)
#define LFI__D10(nm, t, a, b, c, d, e, f, g, h, i, j) \
    LFI__D9(nm, t, a, b, c, d, e, f, g, h, i) LFI__DV(nm, t, 10, j)
#define LFI__D11(nm, t, a, b, c, d, e, f, g, h, i, j, k) \
    LFI__D10(nm, t, a, b, c, d, e, f, g, h, i, j) LFI__DV(nm, t, 11, k)
#define LFI__D12(nm, t, a, b, c, d, e, f, g, h, i, j, k, l) \
    LFI__D11(nm, t, a, b, c, d, e, f, g, h, i, j, k) LFI__DV(nm, t, 12, l)
#define LFI__D13(nm, t, a, b, c, d, e, f, g, h, i, j, k, l, m) \
    LFI__D12(nm, t, a, b, c, d, e, f, g, h, i, j, k, l) LFI__DV(nm, t, 13, m)
#define LFI__D14(nm, t, a, b, c, d, e, f, g, h, i, j, k, l, m, n) \
    LFI__D13(nm, t, a, b, c, d, e, f, g, h, i, j, k, l, m) LFI__DV(nm, t, 14, n)
/* argument list */
#define LFI__A0(nm)
#define LFI__A1(nm) LFI__V(nm, 1),
#define LFI__A2(nm) LFI__A1(nm) LFI__V(nm, 2),
#define LFI__A3(nm) LFI__A2(nm) LFI__V(nm, 3),
#define LFI__A4(nm) LFI__A3(nm) LFI__V(nm, 4),
#define LFI__A5(nm) LFI__A4(nm) LFI__V(nm, 5),
#define LFI__A6(nm) LFI__A5(nm) LFI__V(nm, 6),
#define LFI__A7(nm) LFI__A6(nm) LFI__V(nm, 7),
#define LFI__A8(nm) LFI__A7(nm) LFI__V(nm, 8),
#define LFI__A9(nm) LFI__A8(nm) LFI__V(nm, 9),
#define LFI__A10(nm) LFI__A9(nm) LFI__V(nm, 10),
#define LFI__A11(nm) LFI__A10(nm) LFI__V(nm, 11),
#define LFI__A12(nm) LFI__A11(nm) LFI__V(nm, 12),
#define LFI__A13(nm) LFI__A12(nm) LFI__V(nm, 13),
#define LFI__A14(nm) LFI__A13(nm) LFI__V(nm, 14),

/* The trailing zero arguments fill every argument register the call does not
 * use (6 integer, 8 vector), so no host value reaches the sandbox. */
#define LFI__INVOKE(nm, box_, ctxp_, fn_, ret_, types_, n, ...)                 \
    ({                                                                          \
        LFI__CAT(LFI__D, n)(nm, types_ __VA_OPT__(,) __VA_ARGS__)                          \
        ret_ nm(LFI__CAT(LFI__P, n)(types_) long, long, long, long, long, long, \
                double, double, double, double, double, double, double, double) \
            __asm__("lfi_trampoline");                                          \
        lfi_invoke_info.ctx = (ctxp_);                                          \
        lfi_invoke_info.targetfn = (lfiptr)(fn_);                               \
        lfi_invoke_info.box = (box_);                                           \
        nm(LFI__CAT(LFI__A, n)(nm) 0L, 0L, 0L, 0L, 0L, 0L,                      \
           0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);                             \
    })

#define LFI_INVOKE_NAMED(name, box_, ctxp_, fn_, ret_, types_, ...)             \
    LFI__INVOKE(LFI__CAT(lfi__invoke_, name), box_, ctxp_, fn_, ret_, types_,   \
                LFI__NARGS(~ __VA_OPT__(,) __VA_ARGS__) __VA_OPT__(,) __VA_ARGS__)
#define LFI_INVOKE(box_, ctxp_, fn_, ret_, types_, ...)                         \
    LFI__INVOKE(LFI__CAT(lfi__invoke_, __COUNTER__), box_, ctxp_, fn_, ret_,    \
                types_, LFI__NARGS(~ __VA_OPT__(,) __VA_ARGS__) __VA_OPT__(,) __VA_ARGS__)

/* ---- Callbacks ------------------------------------------------------- */

/* Accepted for compatibility; callbacks are set up lazily. */
bool lfi_box_cbinit(struct LFIBox *box);
/* Returns an address inside the box that sandbox code may call like a
 * function; the call runs fn(args) on the host (register arguments only) and
 * returns its result to the sandbox. The same fn gets the same address.
 * NULL if the slots (4096) are full. Pointer arguments fn receives are
 * sandbox addresses: check them (lfi_box_bufvalid) before use. */
void *lfi_box_register_cb(struct LFIBox *box, void *fn);
/* Like lfi_box_register_cb, but fn is called as void fn(void) and exchanges
 * data through the context's registers: before the call the sandbox's
 * argument registers (rdi, rsi, rdx, rcx, r8, r9, xmm0-7) are stored into
 * lfi_ctx_regs(lfi_cur_ctx()); after it, the sandbox's results (rax, rdx,
 * xmm0, xmm1) are loaded from there. The same fn gets the same entry; a
 * struct and a plain registration of one fn are different entries. */
void *lfi_box_register_cb_struct(struct LFIBox *box, void *fn);
/* After this, calling the entry (plain or struct) ends the sandbox's run
 * with LFI_ERR_RTCALL. */
void lfi_box_unregister_cb(struct LFIBox *box, void *fn);

/* Called inside a callback (or the system-call handler) of ctx: when the
 * callback returns, the innermost LFI_INVOKE (or lfi_ctx_run) of ctx ends at
 * once instead of going back into the sandbox. LFI_INVOKE then returns 0,
 * lfi_ctx_run LFI_EXIT_ERROR; lfi_ctx_status gives LFI_ERR_ABORT, and
 * lfi_ctx_abort_cb_status becomes 1 (and stays 1). Sets LFI_ERR_INVAL and
 * does nothing if ctx is not active on this thread. */
void lfi_ctx_abort_cb(struct LFIContext *ctx);
/* 1 once a callback of ctx has aborted an invoke (sticky), else 0. */
int lfi_ctx_abort_cb_status(struct LFIContext *ctx);
/* The same two under the names the public runtime defines. */
void lfi_ctx_abort_callback(struct LFIContext *ctx);
int lfi_ctx_abort_status(struct LFIContext *ctx);

#ifdef __cplusplus
}
#endif

#endif
