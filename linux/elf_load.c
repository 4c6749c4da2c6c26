/* The ELF loader: maps a parsed static-PIE image into the box (executable
 * pages through the core, so they are verified), reserves the heap, keeps
 * the symbols. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct symcollect {
    struct LFILinuxProc *p;
    size_t cap, namelen, namecap;
    bool oom;
};

static void add_sym(void *arg, const char *name, size_t len, uint64_t value)
{
    struct symcollect *c = arg;
    struct LFILinuxProc *p = c->p;
    if (c->oom)
        return;
    if (p->nsyms == c->cap) {
        size_t ncap = c->cap ? 2 * c->cap : 256;
        struct lx_sym *s = realloc(p->syms, ncap * sizeof *s);
        if (!s) {
            c->oom = true;
            return;
        }
        p->syms = s;
        c->cap = ncap;
    }
    if (c->namelen + len + 1 > c->namecap) {
        size_t ncap = c->namecap ? 2 * c->namecap : 4096;
        while (ncap < c->namelen + len + 1)
            ncap *= 2;
        char *n = realloc(p->symnames, ncap);
        if (!n) {
            c->oom = true;
            return;
        }
        p->symnames = n;
        c->namecap = ncap;
    }
    memcpy(p->symnames + c->namelen, name, len);
    p->symnames[c->namelen + len] = 0;
    p->syms[p->nsyms].value = value;
    p->syms[p->nsyms].name = (uint32_t)c->namelen;
    p->nsyms++;
    c->namelen += len + 1;
}

uint64_t lfi_proc_sym(struct LFILinuxProc *p, const char *name)
{
    if (!p || !name || !p->loaded)
        return 0;
    for (size_t i = 0; i < p->nsyms; i++)
        if (strcmp(p->symnames + p->syms[i].name, name) == 0)
            return p->base + p->syms[i].value;
    return 0;
}

static void write_perf_map(struct LFILinuxProc *p)
{
    char name[64];
    snprintf(name, sizeof name, "/tmp/perf-%d.map", (int)getpid());
    FILE *f = fopen(name, "a");
    if (!f) {
        LX_LOG("perf map %s: %s", name, strerror(errno));
        return;
    }
    for (size_t i = 0; i < p->nsyms; i++)
        fprintf(f, "%llx 1 %s\n", (unsigned long long)(p->base + p->syms[i].value),
                p->symnames + p->syms[i].name);
    fclose(f);
}

static int page_prot(const struct lx_elf *e, uint64_t page, size_t ps)
{
    int prot = 0;
    for (unsigned i = 0; i < e->nseg; i++)
        if (page >= e->seg[i].pstart && page + ps <= e->seg[i].pend)
            prot |= e->seg[i].prot;
    return prot;
}

/* Maps a parsed image with its lowest page at start; returns false with
 * the error set. */
static bool map_image(struct LFILinuxProc *p, const struct lx_elf *e, const uint8_t *buf,
                      uint64_t start, const char *what)
{
    size_t ps = p->pagesize;
    char msg[512];
    uint64_t span = e->hi - e->lo;
    if (start < p->info.min || span > p->info.max - start) {
        lx_err("%s: the program (%llu bytes) does not fit in the sandbox", what,
               (unsigned long long)span);
        return false;
    }
    uint64_t bias = start - e->lo;
    if (!lx_mem_charge(p, span)) {
        lx_err("%s: the program (%llu bytes) exceeds the memory limit", what,
               (unsigned long long)span);
        return false;
    }
    if (lfi_box_mapat(p->box, start, span, LFI_PROT_READ | LFI_PROT_WRITE,
                      LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) == (lfiptr)-1) {
        snprintf(msg, sizeof msg, "%s: mapping the program", what);
        lx_err_core(msg);
        lx_mem_uncharge(p, span);
        return false;
    }
    /* int3 on executable pages, then the file bytes of every segment */
    for (unsigned i = 0; i < e->nseg; i++) {
        const struct lx_seg *s = &e->seg[i];
        if (s->prot & LFI_PROT_EXEC)
            memset((void *)(uintptr_t)(bias + s->pstart), 0xcc, s->pend - s->pstart);
    }
    for (unsigned i = 0; i < e->nseg; i++) {
        const struct lx_seg *s = &e->seg[i];
        memcpy((void *)(uintptr_t)(bias + s->vaddr), buf + s->offset, s->filesz);
    }
    /* final protections, run by run; executable runs are verified here */
    uint64_t run = e->lo;
    int rprot = page_prot(e, e->lo, ps);
    for (uint64_t pg = e->lo + ps; ; pg += ps) {
        int prot = pg < e->hi ? page_prot(e, pg, ps) : -1;
        if (prot == rprot)
            continue;
        if (lfi_box_mprotect(p->box, bias + run, pg - run, rprot) < 0) {
            snprintf(msg, sizeof msg, "%s: segment at %#llx", what, (unsigned long long)run);
            lx_err_core(msg);
            lfi_box_munmap(p->box, start, span);
            lx_mem_uncharge(p, span);
            return false;
        }
        if (prot < 0)
            break;
        run = pg;
        rprot = prot;
    }
    return true;
}

/* Reads the interpreter named by the program from the sandbox's own file
 * view (the directory maps). Returns a malloc'd image or NULL. */
static uint8_t *read_interp(struct LFILinuxProc *p, const char *ipath, const char *what,
                            size_t *size)
{
    static __thread struct lx_res r;
    int rc = ipath[0] == '/' ? lx_resolve(p, AT_FDCWD, ipath, &r) : -ENOENT;
    int fd = rc < 0 ? rc : lx_open_beneath(&r, O_RDONLY, 0);
    if (fd < 0) {
        lx_err("%s: interpreter %s: %s (looked up in the sandbox's files)", what, ipath,
               strerror(-fd));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (256 << 20)) {
        lx_err("%s: its interpreter %s: not a regular file of at most 256 MiB", what, ipath);
        close(fd);
        return NULL;
    }
    uint8_t *b = malloc(st.st_size ? (size_t)st.st_size : 1);
    size_t got = 0;
    while (b && got < (size_t)st.st_size) {
        ssize_t n = read(fd, b + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!b)
        lx_err("%s: out of memory", what);
    *size = got;
    return b;
}

bool lx_load(struct LFILinuxProc *p, const uint8_t *buf, size_t size, const char *path)
{
    const char *what = path ? path : "program";
    if (p->loaded) {
        lx_err("%s: the process already has a program", what);
        return false;
    }
    struct lx_elf *e = malloc(2 * sizeof *e);
    if (!e) {
        lx_err("%s: out of memory", what);
        return false;
    }
    struct lx_elf *ie = e + 1;
    char msg[512];
    uint8_t *ibuf = NULL;
    size_t isize = 0;
    char ipath[LX_ELF_MAXINTERP], iwhat[LX_ELF_MAXINTERP + 64];
    bool ok = false;
    if (lx_elf_parse(buf, size, p->pagesize, e, msg, sizeof msg) < 0) {
        lx_err("%s: %s", what, msg);
        goto out;
    }
    bool interp = e->has_interp;
    if (interp) {
        memcpy(ipath, buf + e->interp_off, e->interp_len);
        /* "lfi" (the public runtime's convention) and lfi-cc's lfi-interp
         * (a host program that starts lfi-run when the kernel executes the
         * program) mean: no interpreter in the sandbox */
        const char *slash = strrchr(ipath, '/');
        const char *base = slash ? slash + 1 : ipath;
        interp = strcmp(ipath, "lfi") != 0 && strcmp(base, "lfi-interp") != 0;
    }
    if (interp) {
        snprintf(iwhat, sizeof iwhat, "%s: interpreter %s", what, ipath);
        if (!(ibuf = read_interp(p, ipath, what, &isize)))
            goto out;
        if (lx_elf_parse(ibuf, isize, p->pagesize, ie, msg, sizeof msg) < 0) {
            lx_err("%s: %s", iwhat, msg);
            goto out;
        }
        if (ie->has_interp) {
            lx_err("%s: has an interpreter itself", iwhat);
            goto out;
        }
    }
    /* lfi-cc --single-thread: before any code is mapped (and verified) */
    if (e->single_thread && lfi_box_single_thread(p->box) < 0) {
        lx_err("%s: cannot make the box single-threaded: %s", what, lfi_errmsg());
        goto out;
    }
    size_t ps = p->pagesize;
    uint64_t start = (p->info.min + ps - 1) & ~(uint64_t)(ps - 1);
    if (!map_image(p, e, buf, start, what))
        goto out;
    uint64_t bias = start - e->lo;
    p->base = bias;
    p->prog_entry = p->entry = bias + e->entry;
    p->phnum = e->phnum;
    p->phdr = e->phdr_loaded ? bias + e->phdr_vaddr : 0;
    if (!e->phdr_loaded) {
        /* lfi_thread_new puts a copy on the stack (for AT_PHDR) */
        p->phdr_copy = malloc((size_t)e->phnum * 56);
        if (!p->phdr_copy) {
            lx_err("%s: out of memory", what);
            goto out;
        }
        memcpy(p->phdr_copy, buf + e->phoff, (size_t)e->phnum * 56);
    }
    p->lastva = bias + e->hi;
    p->interp_base = 0;
    if (interp) {
        /* the interpreter after the program, one guard page between */
        uint64_t istart = p->lastva + ps;
        if (!map_image(p, ie, ibuf, istart, iwhat)) {
            lfi_box_munmap(p->box, start, e->hi - e->lo);
            lx_mem_uncharge(p, e->hi - e->lo);
            goto out;
        }
        p->interp_base = istart - ie->lo;
        p->entry = p->interp_base + ie->entry;
        p->lastva = p->interp_base + ie->hi;
    }
    /* the heap: reserved (PROT_NONE) after the image, grown by brk */
    uint64_t brk_len = p->lx->opts.brk_size;
    brk_len = (brk_len + ps - 1) & ~(uint64_t)(ps - 1);
    if (brk_len > p->info.max - p->lastva)
        brk_len = (p->info.max - p->lastva) / 2 & ~(uint64_t)(ps - 1);
    p->brk_base = p->brk_cur = p->brk_top = p->lastva;
    p->brk_end = p->lastva;
    if (brk_len && lfi_box_mapat(p->box, p->lastva, brk_len, LFI_PROT_NONE,
                                 LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) != (lfiptr)-1)
        p->brk_end = p->lastva + brk_len;
    /* symbols (for lfi_proc_sym, perf) */
    struct symcollect c = { p, 0, 0, 0, false };
    lx_elf_symbols(buf, size, add_sym, &c);
    if (c.oom) {
        free(p->syms);
        free(p->symnames);
        p->syms = NULL;
        p->symnames = NULL;
        p->nsyms = 0;
    }
    p->path = path ? strdup(path) : NULL;
    p->loaded = true;
    if (p->lx->opts.perf)
        write_perf_map(p);
    if (p->lx->opts.debug)
        fprintf(stderr, "[lfi-linux] gdb: add-symbol-file %s -o %#llx\n"
                        "[lfi-linux] lldb: target modules load --file %s --slide %#llx\n",
                what, (unsigned long long)bias, what, (unsigned long long)bias);
    LX_LOG("loaded %s at %#llx (entry %#llx, %u segments%s%s)", what, (unsigned long long)bias,
           (unsigned long long)p->entry, e->nseg, interp ? ", interpreter " : "",
           interp ? ipath : "");
    ok = true;
out:
    free(ibuf);
    free(e);
    return ok;
}

bool lfi_proc_load(struct LFILinuxProc *p, const uint8_t *buf, size_t size, const char *path)
{
    if (!p) {
        lx_err("lfi_proc_load: no process");
        return false;
    }
    return lx_load(p, buf, size, path);
}

bool lfi_proc_load_file(struct LFILinuxProc *p, const char *path)
{
    if (!p || !path) {
        lx_err("lfi_proc_load_file: no process or path");
        return false;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        lx_err("%s: %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        lx_err("%s: not a regular file", path);
        close(fd);
        return false;
    }
    if ((uint64_t)st.st_size > (2ull << 30)) {
        lx_err("%s: too large (%lld bytes)", path, (long long)st.st_size);
        close(fd);
        return false;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) {
        lx_err("%s: out of memory", path);
        close(fd);
        return false;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    bool ok = lx_load(p, buf, got, path);
    free(buf);
    return ok;
}
