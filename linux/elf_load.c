/* The ELF loader: maps a parsed static-PIE image into the box (executable
 * pages through the core, so they are verified), reserves the heap, keeps
 * the symbols. A file is never read whole (nor mmap'd: a concurrent
 * truncation would raise SIGBUS in the host): its headers are read for the
 * plan, then each segment's bytes with pread straight into their place in
 * the box's private anonymous pages (pre-faulted in one go, huge pages for
 * large images), then the symbol table. The core verifies executable pages
 * after they are in place, so a file changed while loading can never run
 * unverified bytes. */
#include "internal.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Symbols (for lfi_proc_sym, perf): the string table is read once and
 * kept as the names; the entries are read a piece at a time. */
/* The section .lfi.rets of an image (lfi-rewrite --mark-returns). */
struct lx_rets {
    uint64_t off, size;
};

struct symcollect {
    struct LFILinuxProc *p;
    const char *strs;
};

static void add_sym(void *arg, const char *name, size_t len, uint64_t value)
{
    struct symcollect *c = arg;
    struct LFILinuxProc *p = c->p;
    (void)len;
    p->syms[p->nsyms].value = value;
    p->syms[p->nsyms].name = (uint32_t)(name - c->strs);
    p->nsyms++;
}

/* Fills p->syms and p->symnames; none if the table is malformed, cannot
 * be read or memory is short (symbols are never needed to run). */
static void collect_symbols(struct LFILinuxProc *p, const struct lx_src *src)
{
    struct lx_symtab t;
    free(p->syms);
    free(p->symnames);
    p->syms = NULL;
    p->symnames = NULL;
    p->nsyms = 0;
    if (!lx_elf_find_symtab(src, &t) || t.nsyms == 0 || t.strsize == 0 ||
        t.strsize > UINT32_MAX)
        return;
    char *names = malloc((size_t)t.strsize);
    struct lx_sym *syms = malloc((size_t)t.nsyms * sizeof *syms);
    if (!names || !syms || lx_src_read(src, names, t.stroff, t.strsize, NULL, 0) < 0)
        goto none;
    p->syms = syms;
    p->symnames = names;
    p->nsyms = 0;
    struct symcollect c = { p, names };
    uint8_t piece[340 * sizeof(Elf64_Sym)];
    for (uint64_t k = 0; k < t.nsyms;) {
        uint64_t n = t.nsyms - k;
        uint64_t off = t.symoff + k * sizeof(Elf64_Sym);
        const uint8_t *at = src->buf ? src->buf + off : piece;
        if (!src->buf) {
            if (n > sizeof piece / sizeof(Elf64_Sym))
                n = sizeof piece / sizeof(Elf64_Sym);
            if (lx_src_read(src, piece, off, n * sizeof(Elf64_Sym), NULL, 0) < 0)
                goto none;
        }
        lx_elf_walk_symbols(at, n, names, t.strsize, add_sym, &c);
        k += n;
    }
    if (p->nsyms)
        return;
none:
    free(names);
    free(syms);
    p->syms = NULL;
    p->symnames = NULL;
    p->nsyms = 0;
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

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* Images of at least LX_HUGE_MIN bytes to write are put in transparent
 * huge pages (2 MiB): each page's first touch costs a fault (and in a VM,
 * often an exit) whether or not its PTE was populated; a huge page costs
 * one. The image then starts on a 2 MiB boundary. Smaller images stay in
 * 4 KiB pages (a huge page's 2 MiB would cost more than they save). */
#define LX_HUGE ((uint64_t)2 << 20)
#define LX_HUGE_MIN ((uint64_t)256 << 10)

/* Faults in the host pages [addr, addr+len) in one system call instead of
 * one page fault each. Only a hint: an older kernel (EINVAL) or any failure
 * leaves the pages to fault one by one. */
static void prefault(uint64_t addr, uint64_t len)
{
    static _Atomic bool unsupported;
    if (len == 0 || unsupported)
        return;
    if (madvise((void *)(uintptr_t)addr, len, MADV_POPULATE_WRITE) < 0 && errno == EINVAL)
        unsupported = true;
}

/* The bytes of an image's pages that the loader writes: the file bytes
 * (whole pages) and every executable page. */
static uint64_t written_bytes(const struct lx_elf *e, size_t ps)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < e->nseg; i++) {
        const struct lx_seg *s = &e->seg[i];
        uint64_t fend = (s->vaddr + s->filesz + ps - 1) & ~(uint64_t)(ps - 1);
        n += (s->prot & LFI_PROT_EXEC) ? s->pend - s->pstart : s->filesz ? fend - s->pstart : 0;
    }
    return n;
}

/* Where an image goes: at the first page at or after `from` (a page
 * boundary), or for one that uses huge pages at the first 2 MiB boundary,
 * if the rounded span fits below the sandbox's end. */
static uint64_t image_start(const struct LFILinuxProc *p, const struct lx_elf *e,
                            uint64_t from)
{
    uint64_t span = e->hi - e->lo;
    uint64_t hstart = (from + LX_HUGE - 1) & ~(LX_HUGE - 1);
    uint64_t hspan = (span + LX_HUGE - 1) & ~(LX_HUGE - 1);
    if (written_bytes(e, p->pagesize) >= LX_HUGE_MIN && hstart >= from &&
        hstart < p->info.max && hspan <= p->info.max - hstart)
        return hstart;
    return from;
}

/* A return's last instruction: the masked jump, or in the form for
 * single-threaded boxes the push and the ret. */
static const uint8_t ret_jmp[3] = { 0x41, 0xff, 0xe3 }, ret_st[3] = { 0x41, 0x53, 0xc3 };

/* The returns lfi-cc listed (.lfi.rets) in the box's copy of the image:
 * each entry (8 bytes, a link-time address) that is the `jmpq *%r11`
 * (41 ff e3) right after `andl $0xffffffe0,%r11d ; addq %r14,%r11` (41 83
 * e3 e0 4d 01 f3), all in one bundle of an executable segment's file bytes,
 * becomes `pushq %r11 ; retq` (41 53 c3); other entries are left alone.
 * The list is only a hint: the pages are verified afterwards, in a
 * single-threaded box, with LFIV_SINGLE_THREAD. Returns the count (their
 * addresses in p->switched), SIZE_MAX if memory is short. */
static size_t switch_returns(struct LFILinuxProc *p, const struct lx_elf *e,
                             const struct lx_src *src, uint64_t bias, const struct lx_rets *rets)
{
    static const uint8_t head[7] = { 0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3 };
    uint64_t piece[512];
    size_t switched = 0;
    uint64_t total = rets->size / 8;
    /* where they are, to switch them back (a return takes 10 bytes at least) */
    size_t cap = total < (e->hi - e->lo) / 8 + 1 ? total : (e->hi - e->lo) / 8 + 1;
    free(p->switched);
    p->nswitched = 0;
    if (!(p->switched = malloc(cap * sizeof *p->switched)))
        return SIZE_MAX;
    for (uint64_t k = 0; k < total;) {
        uint64_t m = total - k < 512 ? total - k : 512;
        if (lx_src_read(src, piece, rets->off + k * 8, m * 8, NULL, 0) < 0)
            break;
        for (uint64_t i = 0; i < m; i++) {
            uint64_t v = piece[i];
            if (v < 7 || (v - 7) / LX_ELF_BUNDLE != (v + 2) / LX_ELF_BUNDLE)
                continue;
            for (unsigned j = 0; j < e->nseg; j++) {
                const struct lx_seg *g = &e->seg[j];
                if (!(g->prot & LFI_PROT_EXEC) || v - 7 < g->vaddr ||
                    v >= g->vaddr + g->filesz || g->vaddr + g->filesz - v < 3)
                    continue;
                uint8_t *at = (uint8_t *)(uintptr_t)(bias + v);
                if (switched < cap && memcmp(at - 7, head, 7) == 0 &&
                    memcmp(at, ret_jmp, 3) == 0) {
                    memcpy(at, ret_st, 3);
                    p->switched[switched++] = bias + v;
                }
                break;
            }
        }
        k += m;
    }
    p->nswitched = switched;
    return switched;
}

int lx_multi_thread(struct LFILinuxProc *p)
{
    if (!lfi_box_is_single_thread(p->box))
        return 0;
    if (!p->switched || p->nxrun > sizeof p->xrun / sizeof *p->xrun) {
        LX_LOG("clone: the program runs single-threaded (lfi-cc --single-thread): "
               "no threads (EAGAIN)");
        return -1;
    }
    /* No sandbox code runs meanwhile: the box's one context is in this
     * system call. The runs become executable again unverified, and
     * lfi_box_multi_thread then verifies every executable page without
     * LFIV_SINGLE_THREAD (one pass); if that fails, they are verified once
     * more as the single-threaded code they still are, or stay writable
     * (not executable: the program faults there). */
    unsigned done = 0;
    for (; done < p->nxrun; done++) {
        const struct lx_xrun *r = &p->xrun[done];
        if (lfi_box_mprotect(p->box, r->start, r->len, LFI_PROT_READ | LFI_PROT_WRITE) < 0)
            break;
        for (size_t k = 0; k < p->nswitched; k++) {
            uint8_t *at = (uint8_t *)(uintptr_t)p->switched[k];
            if (p->switched[k] - r->start < r->len && memcmp(at, ret_st, 3) == 0)
                memcpy(at, ret_jmp, 3);
        }
        if (lfi_box_mprotect_noverify(p->box, r->start, r->len, r->prot) < 0)
            break;
    }
    if (done == p->nxrun && lfi_box_multi_thread(p->box) == 0) {
        LX_LOG("clone: a second thread: %zu returns switched back, the box is multi-threaded",
               p->nswitched);
        free(p->switched);
        p->switched = NULL;
        p->nswitched = 0;
        return 0;
    }
    LX_LOG("clone: cannot make the box multi-threaded: %s (EAGAIN)", lfi_errmsg());
    for (unsigned i = 0; i < p->nxrun && i <= done; i++) {
        const struct lx_xrun *r = &p->xrun[i];
        if (lfi_box_mprotect(p->box, r->start, r->len, LFI_PROT_READ | LFI_PROT_WRITE) == 0)
            lfi_box_mprotect(p->box, r->start, r->len, r->prot);
    }
    free(p->switched);
    p->switched = NULL;
    p->nswitched = 0;
    return -1;
}

/* Maps a parsed image with its lowest page at start; returns false with
 * the error set. */
static bool map_image(struct LFILinuxProc *p, const struct lx_elf *e, const struct lx_src *src,
                      uint64_t start, const char *what, const struct lx_rets *rets)
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
    /* huge pages: the mapping covers whole 2 MiB blocks while the image is
     * written (the tail past the image is unmapped afterwards) */
    uint64_t mlen = span;
    bool huge = start % LX_HUGE == 0 && written_bytes(e, ps) >= LX_HUGE_MIN;
    if (huge) {
        mlen = (span + LX_HUGE - 1) & ~(LX_HUGE - 1);
        if (mlen > p->info.max - start)
            huge = false, mlen = span;
    }
    if (lfi_box_mapat(p->box, start, mlen, LFI_PROT_READ | LFI_PROT_WRITE,
                      LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) == (lfiptr)-1) {
        snprintf(msg, sizeof msg, "%s: mapping the program", what);
        lx_err_core(msg);
        lx_mem_uncharge(p, span);
        return false;
    }
    if (huge)
        madvise((void *)(uintptr_t)start, mlen, MADV_HUGEPAGE); /* a hint */
    /* Every segment's file bytes go straight into the fresh (zero) pages;
     * on executable pages, the bytes the file does not cover become int3.
     * The pages written are faulted in first, in one go (not the rest of
     * .bss: it may be large and is faulted in when used). */
    for (unsigned i = 0; i < e->nseg; i++) {
        const struct lx_seg *s = &e->seg[i];
        uint64_t fend = s->vaddr + s->filesz;
        uint64_t wend = (s->prot & LFI_PROT_EXEC) ? s->pend
                                                  : (fend + ps - 1) & ~(uint64_t)(ps - 1);
        if (s->filesz || (s->prot & LFI_PROT_EXEC))
            prefault(bias + s->pstart, wend - s->pstart);
        if (s->prot & LFI_PROT_EXEC) {
            memset((void *)(uintptr_t)(bias + s->pstart), 0xcc, s->vaddr - s->pstart);
            memset((void *)(uintptr_t)(bias + fend), 0xcc, s->pend - fend);
        }
        if (lx_src_read(src, (void *)(uintptr_t)(bias + s->vaddr), s->offset, s->filesz, msg,
                        sizeof msg) < 0) {
            lx_err("%s: segment at %#llx: %s", what, (unsigned long long)s->vaddr, msg);
            lfi_box_munmap(p->box, start, mlen);
            lx_mem_uncharge(p, span);
            return false;
        }
    }
    if (rets) {
        size_t n = switch_returns(p, e, src, bias, rets);
        if (n == SIZE_MAX) {
            lx_err("%s: out of memory", what);
            lfi_box_munmap(p->box, start, mlen);
            lx_mem_uncharge(p, span);
            return false;
        }
        LX_LOG("%s: single-threaded box, %zu of %llu listed returns switched to pushq+retq",
               what, n, (unsigned long long)(rets->size / 8));
    }
    if (mlen > span && lfi_box_munmap(p->box, start + span, mlen - span) < 0) {
        snprintf(msg, sizeof msg, "%s: unmapping past the program", what);
        lx_err_core(msg);
        lfi_box_munmap(p->box, start, mlen);
        lx_mem_uncharge(p, span);
        return false;
    }
    /* final protections, run by run; executable runs are verified here */
    uint64_t run = e->lo;
    int rprot = page_prot(e, e->lo, ps);
    for (uint64_t pg = e->lo + ps; ; pg += ps) {
        int prot = pg < e->hi ? page_prot(e, pg, ps) : -1;
        if (prot == rprot)
            continue;
        if (rets && (rprot & LFI_PROT_EXEC)) {
            if (p->nxrun < sizeof p->xrun / sizeof *p->xrun)
                p->xrun[p->nxrun] = (struct lx_xrun){ bias + run, pg - run, rprot };
            p->nxrun++; /* more than fit: lx_multi_thread refuses */
        }
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

/* Opens the interpreter named by the program in the sandbox's own file
 * view (the directory maps) as a source. Returns false with the error set. */
static bool open_interp(struct LFILinuxProc *p, const char *ipath, const char *what,
                        struct lx_src *src)
{
    struct lx_res *r = malloc(sizeof *r); /* 8 KiB: not on the stack, not in TLS */
    if (!r) {
        lx_err("%s: out of memory", what);
        return false;
    }
    int rc = ipath[0] == '/' ? lx_resolve(p, AT_FDCWD, ipath, r) : -ENOENT;
    int fd = rc < 0 ? rc : lx_open_beneath(r, O_RDONLY | O_CLOEXEC, 0);
    free(r);
    if (fd < 0) {
        lx_err("%s: interpreter %s: %s (looked up in the sandbox's files)", what, ipath,
               strerror(-fd));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (256 << 20)) {
        lx_err("%s: its interpreter %s: not a regular file of at most 256 MiB", what, ipath);
        close(fd);
        return false;
    }
    *src = (struct lx_src){ NULL, fd, (uint64_t)st.st_size };
    return true;
}

/* Loads the image src (path: its name, or NULL). */
static bool load(struct LFILinuxProc *p, const struct lx_src *src, const char *path)
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
    struct lx_src isrc = { NULL, -1, 0 };
    uint8_t *phcopy = NULL;
    char ipath[LX_ELF_MAXINTERP], iwhat[LX_ELF_MAXINTERP + 64];
    bool ok = false;
    if (lx_elf_parse_src(src, p->pagesize, e, msg, sizeof msg) < 0) {
        lx_err("%s: %s", what, msg);
        goto out;
    }
    bool interp = e->has_interp;
    if (interp) {
        memcpy(ipath, e->interp, e->interp_len);
        /* "lfi" (the public runtime's convention) and lfi-cc's lfi-interp
         * (a host program that starts lfi-run when the kernel executes the
         * program) mean: no interpreter in the sandbox */
        const char *slash = strrchr(ipath, '/');
        const char *base = slash ? slash + 1 : ipath;
        interp = strcmp(ipath, "lfi") != 0 && strcmp(base, "lfi-interp") != 0;
    }
    if (interp) {
        snprintf(iwhat, sizeof iwhat, "%s: interpreter %s", what, ipath);
        if (!open_interp(p, ipath, what, &isrc))
            goto out;
        if (lx_elf_parse_src(&isrc, p->pagesize, ie, msg, sizeof msg) < 0) {
            lx_err("%s: %s", iwhat, msg);
            goto out;
        }
        if (ie->has_interp) {
            lx_err("%s: has an interpreter itself", iwhat);
            goto out;
        }
    }
    collect_symbols(p, src);
    struct lx_rets rets;
    bool switch_rets = false;
    if (p->lx->opts.single_thread_auto && !e->single_thread && !interp &&
        lx_elf_find_section(src, ".lfi.rets", &rets.off, &rets.size) && rets.size >= 8 &&
        !lfi_box_is_single_thread(p->box)) {
        switch_rets = true;
        e->single_thread = true;
    }
    /* lfi-cc --single-thread: before any code is mapped (and verified) */
    if (e->single_thread && lfi_box_single_thread(p->box) < 0) {
        lx_err("%s: cannot make the box single-threaded: %s", what, lfi_errmsg());
        goto out;
    }
    if (!e->phdr_loaded) {
        /* lfi_thread_new puts a copy on the stack (for AT_PHDR) */
        if (!(phcopy = malloc((size_t)e->phnum * 56))) {
            lx_err("%s: out of memory", what);
            goto out;
        }
        if (lx_src_read(src, phcopy, e->phoff, (size_t)e->phnum * 56, msg, sizeof msg) < 0) {
            lx_err("%s: program headers: %s", what, msg);
            goto out;
        }
    }
    size_t ps = p->pagesize;
    uint64_t start = image_start(p, e, (p->info.min + ps - 1) & ~(uint64_t)(ps - 1));
    if (!map_image(p, e, src, start, what, switch_rets ? &rets : NULL))
        goto out;
    uint64_t bias = start - e->lo;
    p->base = bias;
    p->prog_entry = p->entry = bias + e->entry;
    p->phnum = e->phnum;
    p->phdr = e->phdr_loaded ? bias + e->phdr_vaddr : 0;
    p->phdr_copy = phcopy;
    phcopy = NULL;
    p->lastva = bias + e->hi;
    p->interp_base = 0;
    if (interp) {
        /* the interpreter after the program, at least one guard page between */
        uint64_t istart = image_start(p, ie, p->lastva + ps);
        if (!map_image(p, ie, &isrc, istart, iwhat, NULL)) {
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
    free(phcopy);
    if (isrc.fd >= 0)
        close(isrc.fd);
    free(e);
    return ok;
}

bool lx_load(struct LFILinuxProc *p, const uint8_t *buf, size_t size, const char *path)
{
    static const uint8_t none[1];
    struct lx_src src = { buf ? buf : none, -1, buf ? size : 0 };
    return load(p, &src, path);
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
    struct lx_src src = { NULL, fd, (uint64_t)st.st_size };
    bool ok = load(p, &src, path);
    close(fd);
    return ok;
}
