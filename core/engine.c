/* The engine: one reservation of address space holding boxes at a 4 GiB
 * stride, the runtime-call tables and the gateway page (docs/runtime.md). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

int lfi__have_fsgsbase;

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
    const char *v = getenv("LFI_VERBOSE");
    if (v && v[0] && strcmp(v, "0") != 0)
        lfi__verbose = 1;
    lfi__have_fsgsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
    const char *no = getenv("LFI_NO_FSGSBASE"); /* test knob: force the fallback */
    if (no && no[0] && strcmp(no, "0") != 0)
        lfi__have_fsgsbase = 0;
    LFI_LOG("%%gs base via %s", lfi__have_fsgsbase ? "wrgsbase" : "arch_prctl");
}

int lfi__make_memfd(const char *name, const void *content, size_t size)
{
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0)
        return -1;
    size_t done = 0;
    if (ftruncate(fd, (off_t)size) < 0)
        goto fail;
    while (done < size) {
        ssize_t w = pwrite(fd, (const char *)content + done, size - done, (off_t)done);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            goto fail;
        }
        done += (size_t)w;
    }
    /* Nobody, not even the runtime, can change the content any more. */
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
        goto fail;
    return fd;
fail:
    close(fd);
    return -1;
}

/* The gateway page: one small stub per runtime call. The runtime-call tables
 * point here, not into liblfi, so a sandbox that reads its table learns the
 * gateway's address only. Each stub parks the sandbox's %rax in the thread's
 * scratch slot, loads the active context into %rax and jumps to the entry in
 * entry.S. The page lies outside every box's reach (LFI_POOL_GUARD). */
static bool make_gateway(struct LFIEngine *e)
{
    uint64_t tp;
    __asm__("movq %%fs:0, %0" : "=r"(tp));
    int64_t off_ctx = (int64_t)((uintptr_t)&lfi__tls.ctx - tp);
    int64_t off_scr = (int64_t)((uintptr_t)&lfi__tls.scratch - tp);
    if (off_ctx != (int32_t)off_ctx || off_scr != (int32_t)off_scr) {
        lfi__seterr(LFI_ERR_INVAL, "thread-local block too far from the thread pointer");
        return false;
    }
    void (*const entries[RT_NSTUBS])(void) = {
        [RT_SYSCALL] = lfi__rt_syscall, [RT_GET_TP] = lfi__rt_get_tp,
        [RT_SET_TP] = lfi__rt_set_tp, [RT_RET] = lfi__rt_ret, [RT_BAD] = lfi__rt_bad,
    };
    size_t ps = e->pagesize;
    uint8_t *page = (uint8_t *)(uintptr_t)e->gateway;
    if (mmap(page, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
        == MAP_FAILED) {
        lfi__seterr(LFI_ERR_MMAP, "gateway page: %s", strerror(errno));
        return false;
    }
    memset(page, 0xcc, ps);
    for (int k = 0; k < RT_NSTUBS; k++) {
        uint8_t *s = page + 32 * k;
        uint64_t slot = (uint64_t)(uintptr_t)(page + 2048 + 8 * k);
        int32_t d;
        s[0] = 0x64; s[1] = 0x48; s[2] = 0x89; s[3] = 0x04; s[4] = 0x25;  /* mov %rax,%fs:scr */
        d = (int32_t)off_scr;
        memcpy(s + 5, &d, 4);
        s[9] = 0x64; s[10] = 0x48; s[11] = 0x8b; s[12] = 0x04; s[13] = 0x25; /* mov %fs:ctx,%rax */
        d = (int32_t)off_ctx;
        memcpy(s + 14, &d, 4);
        s[18] = 0xff; s[19] = 0x25;                                         /* jmp *slot(%rip) */
        d = (int32_t)(slot - ((uint64_t)(uintptr_t)s + 24));
        memcpy(s + 20, &d, 4);
        uint64_t target = (uint64_t)(uintptr_t)entries[k];
        memcpy(page + 2048 + 8 * k, &target, 8);
    }
    if (mprotect(page, ps, PROT_READ | PROT_EXEC) < 0) {
        lfi__seterr(LFI_ERR_MMAP, "gateway page: %s", strerror(errno));
        return false;
    }
    return true;
}

/* The two table pages, shared by every box of the engine: page 0 is mapped
 * at B-page (slots -32..-8: return, set-TP, get-TP, syscall), page 1 at B
 * (legacy slots 0..24: syscall, get-TP, set-TP, return). */
static bool make_tables(struct LFIEngine *e)
{
    size_t ps = e->pagesize;
    uint64_t *t = malloc(2 * ps);
    if (!t) {
        lfi__seterr(LFI_ERR_ALLOC, "runtime-call tables");
        return false;
    }
    uint64_t stub[RT_NSTUBS];
    for (int k = 0; k < RT_NSTUBS; k++)
        stub[k] = e->gateway + 32 * (uint64_t)k;
    size_t n = 2 * ps / 8, top = ps / 8;
    for (size_t i = 0; i < n; i++)
        t[i] = stub[RT_BAD];
    t[top - 1] = stub[RT_SYSCALL];
    t[top - 2] = stub[RT_GET_TP];
    t[top - 3] = stub[RT_SET_TP];
    t[top - 4] = stub[RT_RET];
    t[top + 0] = stub[RT_SYSCALL];
    t[top + 1] = stub[RT_GET_TP];
    t[top + 2] = stub[RT_SET_TP];
    t[top + 3] = stub[RT_RET];
    e->tabfd = lfi__make_memfd("lfi-rtcall-table", t, 2 * ps);
    free(t);
    if (e->tabfd < 0) {
        lfi__seterr(LFI_ERR_MMAP, "runtime-call table memfd: %s", strerror(errno));
        return false;
    }
    return true;
}

struct LFIEngine *lfi_new(struct LFIOptions opts, size_t n)
{
    pthread_once(&global_once, global_init);
    if (opts.verbose)
        lfi__verbose = 1;
    if (lfi__verbose)
        opts.verbose = true;

    size_t hostps = (size_t)sysconf(_SC_PAGESIZE);
    size_t ps = opts.pagesize ? opts.pagesize : hostps;
    if ((ps & (ps - 1)) || ps % hostps || ps > (1u << 21)) {
        lfi__seterr(LFI_ERR_INVAL, "page size %zu: must be a power-of-two multiple of %zu",
                    opts.pagesize, hostps);
        return NULL;
    }
    if (opts.boxsize && opts.boxsize != LFI_BOXSIZE) {
        lfi__seterr(LFI_ERR_INVAL, "box size %zu: only 4 GiB boxes are supported", opts.boxsize);
        return NULL;
    }
    opts.pagesize = ps;
    opts.boxsize = LFI_BOXSIZE;
    if (opts.no_init_sigaltstack)
        lfi__no_altstack = 1;
    if (!lfi__signals_init())
        return NULL;
    if (n > (1ull << 47) / LFI_BOXSIZE) {
        lfi__seterr(LFI_ERR_RESERVE, "%zu boxes do not fit in a 47-bit address space", n);
        return NULL;
    }

    struct LFIEngine *e = calloc(1, sizeof *e);
    if (!e) {
        lfi__seterr(LFI_ERR_ALLOC, "engine");
        return NULL;
    }
    e->opts = opts;
    e->pagesize = ps;
    e->nslots = n;
    e->tabfd = e->rtfd = e->cbfd = -1;
    e->vopts.arch = LFIV_ARCH_X64;
    e->vopts.mode = opts.stores_only ? LFIV_MODE_STORES : LFIV_MODE_FULL;
    e->vopts.flags = 0;
    pthread_mutex_init(&e->lock, NULL);

    if (n == 0)
        return e; /* reserves nothing: every lfi_box_new fails */

    /* [guard][slot 0]...[slot n-1][guard], slots 4 GiB-aligned. */
    uint64_t want = n * LFI_BOXSIZE + LFI_BOXSIZE + 2 * LFI_POOL_GUARD;
    void *p = mmap(NULL, want, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        lfi__seterr(LFI_ERR_RESERVE, "attempted to reserve %llu bytes for %zu boxes: %s",
                    (unsigned long long)want, n, strerror(errno));
        goto fail;
    }
    uint64_t lo = (uint64_t)(uintptr_t)p, hi = lo + want;
    uint64_t boxes = (lo + LFI_POOL_GUARD + LFI_BOXSIZE - 1) & ~(LFI_BOXSIZE - 1);
    e->resv_lo = boxes - LFI_POOL_GUARD;
    e->resv_hi = boxes + n * LFI_BOXSIZE + LFI_POOL_GUARD;
    if (e->resv_lo > lo)
        munmap(p, e->resv_lo - lo);
    if (hi > e->resv_hi)
        munmap((void *)(uintptr_t)e->resv_hi, hi - e->resv_hi);
    e->boxes = boxes;
    e->gateway = e->resv_lo;

    e->freeslots = malloc(n * sizeof *e->freeslots);
    e->tables = calloc(n, 1);
    e->rng = lfi__random_seed();
    if (!e->freeslots || !e->tables) {
        lfi__seterr(LFI_ERR_ALLOC, "slot table");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        e->freeslots[i] = (uint32_t)(n - 1 - i);
    e->nfree = n;

    if (!make_gateway(e) || !make_tables(e))
        goto fail;
    if (!lfi__pool_add(e->resv_lo, e->resv_hi)) {
        lfi__seterr(LFI_ERR_RESERVE, "too many engines");
        goto fail;
    }
    LFI_LOG("engine: %zu boxes at %#llx..%#llx", n, (unsigned long long)boxes,
            (unsigned long long)(boxes + n * LFI_BOXSIZE));
    return e;
fail:
    if (e->resv_hi)
        munmap((void *)(uintptr_t)e->resv_lo, e->resv_hi - e->resv_lo);
    else if (p != MAP_FAILED && n)
        munmap(p, want);
    if (e->tabfd >= 0)
        close(e->tabfd);
    free(e->freeslots);
    free(e->tables);
    free(e);
    return NULL;
}

void lfi_free(struct LFIEngine *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&e->lock);
    size_t live = e->nboxes;
    pthread_mutex_unlock(&e->lock);
    if (live) {
        lfi__seterr(LFI_ERR_BUSY, "lfi_free: %zu boxes are still alive", live);
        return;
    }
    if (e->resv_hi) {
        lfi__pool_remove(e->resv_lo);
        munmap((void *)(uintptr_t)e->resv_lo, e->resv_hi - e->resv_lo);
    }
    if (e->tabfd >= 0)
        close(e->tabfd);
    if (e->rtfd >= 0)
        close(e->rtfd);
    if (e->cbfd >= 0)
        close(e->cbfd);
    pthread_mutex_destroy(&e->lock);
    free(e->freeslots);
    free(e->tables);
    free(e);
}

struct LFIOptions lfi_opts(struct LFIEngine *e)
{
    return e->opts;
}

void lfi_sys_handler(struct LFIEngine *e, void (*handler)(struct LFIContext *))
{
    e->sys_handler = handler;
}

void lfi_set_clone_cb(struct LFIEngine *e, struct LFIContext *(*clone_cb)(struct LFIBox *))
{
    e->clone_cb = clone_cb;
}
