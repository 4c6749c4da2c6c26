/* liblfi-core internals: object layouts and functions shared by core/ files.
 * Nothing here is exported from the library. */
#ifndef LFI_CORE_INTERNAL_H
#define LFI_CORE_INTERNAL_H

#include <lfi_core.h>
#include <lfiv.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x64/offsets.h"

#pragma GCC visibility push(hidden)

#define LFI_GIB (1ull << 30)
#define LFI_BOXSIZE (4ull * LFI_GIB)
/* How far outside [B, B+4 GiB) verified code can reach (docs/runtime.md). */
#define LFI_REACH ((uint64_t)LFIV_X64_REACH)
/* The engine keeps this much unmapped address space below its first box and
 * above its last one; the gateway page sits at the bottom of the low one. */
#define LFI_POOL_GUARD (512ull << 20)

enum { LFI__INT_STOP = 1, LFI__INT_TIMEOUT = 2 };

/* Runtime-call table slots (8-byte entries). */
enum { RT_SYSCALL, RT_GET_TP, RT_SET_TP, RT_RET, RT_BAD, RT_NSTUBS };

/* Callback entries per box and the layout of a box's runtime code. */
#define LFI_MAXCB 4096
#define LFI_BUNDLE 32

/* ---- errors and logging (error.c) ---- */
void lfi__seterr(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lfi__vseterr(int code, const char *fmt, va_list ap);
extern int lfi__verbose; /* LFI_VERBOSE or any engine with verbose */
void lfi__log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LFI_LOG(...) do { if (lfi__verbose) lfi__log(__VA_ARGS__); } while (0)

/* ---- engine (engine.c) ---- */
struct LFIEngine {
    struct LFIOptions opts;
    size_t pagesize;
    struct lfiv_options vopts;
    uint64_t resv_lo, resv_hi;  /* the whole reservation */
    uint64_t boxes;             /* base of slot 0 */
    size_t nslots;
    pthread_mutex_t lock;
    uint32_t *freeslots;        /* stack of free slot numbers */
    size_t nfree;
    uint8_t *tables;            /* per slot: its table pages are mapped */
    uint64_t rng;               /* seeds the boxes' placement generators */
    int tabfd;                  /* memfd: the two runtime-call table pages */
    uint64_t gateway;           /* gateway page (RX, out of every box's reach) */
    int rtfd;                   /* memfd: runtime stub page, -1 until needed */
    int cbfd;                   /* memfd: callback entry pages, -1 until needed */
    void (*sys_handler)(struct LFIContext *);
    struct LFIContext *(*clone_cb)(struct LFIBox *);
    size_t nboxes;              /* live boxes */
};

/* ---- one mapping record (mem.c) ---- */
struct lfi__region {
    uint64_t start, end;
    int prot, flags;
    int fd;
    off_t off;
    bool runtime;   /* the runtime's own pages: the public API may not touch them */
    bool original;  /* marked by lfi_box_mark_original */
};

/* A verified executable unit: code verified in one lfiv_verify call. */
struct lfi__unit {
    uint64_t start, end;
};

struct lfi__mm {
    struct lfi__region *r;
    size_t n, cap;
    struct lfi__unit *u;
    size_t nu, capu;
    uint64_t rng;
};

/* ---- box (box.c) ---- */
struct LFIBox {
    /* read by the assembly (offsets.h) */
    uint64_t cb_lo;     /* BOX_CB_LO */
    uint64_t cb_size;   /* BOX_CB_SIZE */
    void **cb_fns;      /* BOX_CB_FNS */
    uint64_t cb_ret;    /* BOX_CB_RET */
    uint8_t *cb_kinds;  /* BOX_CB_KINDS: CB_PLAIN or CB_STRUCT per entry */
    uint64_t ret_user;  /* BOX_RET_USER: return point of lfi_box_register_ret's stub */
    /* C only */
    struct LFIEngine *engine;
    uint64_t base;
    size_t slot;
    uint64_t min, max;
    void *data;
    pthread_mutex_t lock;       /* memory operations, runtime pages */
    struct lfi__mm mm;
    uint64_t rtpage;            /* runtime stub page, 0 until needed */
    uint64_t invoke_stub, ret_point, retaddr;
    bool single_thread;         /* lfi_box_single_thread: at most one context */
    unsigned nctx;              /* attached contexts (the length of ctxs) */
    struct LFIContext *ctxs;    /* attached contexts (ctx.c), under lock */
};

/* ---- context (ctx.c) ---- */
struct LFIContext {
    struct LFIRegs regs;        /* offset 0, 448 bytes */
    uint64_t abort_callback;    /* CTX_ABORT (448, as in the public runtime): host_sp of
                                 * the frame lfi_ctx_abort_cb marked, 0 = none */
    uint64_t abort_status;      /* 456: 1 once a callback aborted (sticky) */
    uint64_t base;              /* CTX_BASE */
    struct LFIBox *box;         /* CTX_BOX */
    uint64_t invoke_stub;       /* CTX_INVOKE_STUB */
    uint64_t ret_point;         /* CTX_RET_POINT */
    int status;                 /* CTX_STATUS */
    _Atomic int interrupt;      /* CTX_INTERRUPT: 0, LFI__INT_STOP, LFI__INT_TIMEOUT */
    int timed;                  /* CTX_TIMED */
    _Atomic int tid;            /* CTX_TID */
    int armed;                  /* CTX_ARMED */
    int keep_gs;                /* CTX_KEEP_GS: the engine's host_gs_unused */
    /* Copies of the FP control values last loaded on each side (entry.S,
     * HOST_FPCTL and SANDBOX_FPCTL): ldmxcsr and fldcw read these, so they
     * do not wait for the stmxcsr/fnstcw that produced the value. */
    uint32_t host_mxcsr;        /* CTX_HOST_MXCSR */
    uint32_t host_fcw;          /* CTX_HOST_FCW */
    uint32_t sbx_mxcsr;         /* CTX_SBX_MXCSR */
    uint32_t sbx_fcw;           /* CTX_SBX_FCW */
    _Atomic uint64_t deadline;  /* CLOCK_MONOTONIC ns, 0 = none */
    uint64_t timeout;           /* ns, 0 = none */
    void *timer;                /* timer_t, made at the first timed entry */
    int timer_tid;              /* the thread it signals, 0 = none */
    void *data;
    struct LFIFault fault;
    /* The box's list of its contexts (box->lock). lfi_box_free detaches
     * them: box becomes NULL (under lfi__attach_lock), see ctx.c. */
    struct LFIContext *prev, *next;
};

/* ---- per-thread state (ctx.c); the assembly uses offsets.h ---- */
struct lfi__tls {
    struct LFIContext *ctx;     /* TLS_CTX */
    uint64_t scratch;           /* TLS_SCRATCH */
    int tid;                    /* TLS_TID */
    int pad;
    uint64_t ready;             /* TLS_READY */
    uint64_t altsize;           /* size of the alternate signal stack we made */
    uint64_t gs;                /* TLS_GS: the %gs base without FSGSBASE, if gs_known */
    uint64_t gs_known;          /* TLS_GS_KNOWN: gs is this thread's %gs base */
};
extern __thread struct lfi__tls lfi__tls __attribute__((tls_model("initial-exec")));
extern int lfi__have_fsgsbase;

/* ---- memory (mem.c) ---- */
void lfi__mm_init(struct LFIBox *box, uint64_t seed);
uint64_t lfi__rng_next(uint64_t *s);
uint64_t lfi__random_seed(void);
void lfi__mm_free(struct LFIBox *box);
/* Maps runtime-owned code (content given) anywhere in the box, RX, pinned.
 * The code is verified unless no_verify. Returns the address or 0. */
uint64_t lfi__map_runtime_code(struct LFIBox *box, int memfd, size_t size);
int lfi__verify(struct LFIBox *box, uint64_t addr, size_t size);
/* Copies the n bytes at addr if they lie in one executable mapping of the
 * box (not the runtime's own); false otherwise. */
bool lfi__exec_bytes(struct LFIBox *box, uint64_t addr, void *dst, size_t n);

/* ---- runtime code (rtcode.c) ---- */
bool lfi__rt_ensure(struct LFIBox *box);    /* invoke/return stub page */
bool lfi__cb_ensure(struct LFIBox *box);    /* callback entries */
int lfi__make_memfd(const char *name, const void *content, size_t size);

/* ---- signals (signal.c) ---- */
bool lfi__thread_init(void);
bool lfi__signals_init(void);
bool lfi__pool_add(uint64_t lo, uint64_t hi);
void lfi__pool_remove(uint64_t lo);
extern int lfi__no_altstack;
void lfi__fault_report(struct LFIContext *ctx) __attribute__((noreturn));
bool lfi__arm_timer(struct LFIContext *ctx);
void lfi__disarm_timer(struct LFIContext *ctx);
void lfi__delete_timer(struct LFIContext *ctx);
uint64_t lfi__now(void);

/* ---- context helpers (ctx.c) ---- */
/* Detaches the box's contexts (lfi_box_free): false, with LFI_ERR_BUSY and
 * nothing changed, if one of them is running. */
bool lfi__box_detach_ctxs(struct LFIBox *box);
void lfi__ctx_fail(struct LFIContext *ctx, int err, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

/* ---- assembly (arch/x64/entry.S) ---- */
int lfi__ctx_entry(struct LFIContext *ctx, uint64_t entry);
void lfi__unwind(struct LFIContext *ctx, uint64_t code) __attribute__((noreturn));
void lfi_trampoline(void) __attribute__((visibility("default")));
void lfi__rt_syscall(void);
void lfi__rt_get_tp(void);
void lfi__rt_set_tp(void);
void lfi__rt_ret(void);
void lfi__rt_bad(void);
int lfi__safe_copy(void *dst, const void *src, size_t n);
size_t lfi__safe_strnlen(const char *s, size_t max);

/* ---- called from the assembly ---- */
void lfi__syscall_dispatch(struct LFIContext *ctx);
struct LFIContext *lfi__invoke_prepare(void);
void lfi__rtcall_error(struct LFIContext *ctx, uint64_t why) __attribute__((noreturn));
void lfi__interrupted(struct LFIContext *ctx) __attribute__((noreturn));
void lfi__cb_abort(struct LFIContext *ctx) __attribute__((noreturn));
void lfi__gs_set_slow(uint64_t base);
uint64_t lfi__gs_get_slow(void);

#pragma GCC visibility pop

#endif
