/* libFuzzer target for liblfi-linux's ELF loader (linux/elf_parse.c).
 *
 * Every input goes to lx_elf_parse, lx_elf_symbols and lx_elf_find_section
 * (.lfi.rets). When the parser
 * accepts, an independent reading of its plan must hold: every PT_LOAD lies
 * inside the file, memsz >= filesz, the span fits in 1 GiB, pages cover the
 * segments, no segment is writable and executable, no executable segment
 * shares a page with another segment, the entry point is a bundle start
 * inside an executable segment's bytes, and AT_PHDR (if the headers are
 * loaded) points at file bytes that are the program headers, and the
 * interpreter path (PT_INTERP) is a NUL-terminated string in the file. When it
 * refuses, the message is not empty. Symbol names are NUL-terminated inside
 * the file. A failed check prints and traps.
 *
 * LFI_FUZZ_STRUCTURED=1 starts from a valid static-PIE image and corrupts a
 * few header bytes (most inputs then reach the segment checks).
 *
 * Without libFuzzer (LFI_FUZZ_STANDALONE): fuzz_elf_load [iterations]
 * [seed] runs the same on mutations of a valid image, and with
 * LFI_FUZZ_FULL_LOAD also loads every input into a real box through
 * lfi_proc_load (mapping and verification included): it must succeed or
 * fail with a message, never crash. */
#include <elf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_parse.h"

#ifndef LFI_FUZZ_STRUCTURED
#define LFI_FUZZ_STRUCTURED 0
#endif

#define PAGE 4096u

static uint64_t n_runs, n_ok, n_refused, n_syms, n_loaded, n_load_refused;

static void print_stats(void)
{
    fprintf(stderr, "lfi-fuzz-elf-load: %" PRIu64 " inputs: %" PRIu64 " accepted, %" PRIu64
            " refused, %" PRIu64 " symbols; full loads: %" PRIu64 " loaded, %" PRIu64
            " refused\n", n_runs, n_ok, n_refused, n_syms, n_loaded, n_load_refused);
}

static void fail(const uint8_t *d, size_t n, const char *why)
{
    fprintf(stderr, "\nlfi-fuzz-elf-load: CHECK FAILED: %s\ninput (%zu bytes):", why, n);
    for (size_t i = 0; i < n && i < 2048; i++)
        fprintf(stderr, "%s%02x", i % 32 ? " " : "\n  ", d[i]);
    fprintf(stderr, "\n");
    print_stats();
    __builtin_trap();
}

struct symcheck {
    const uint8_t *d;
    size_t n;
};

static void sym(void *arg, const char *name, size_t len, uint64_t value)
{
    struct symcheck *c = arg;
    (void)value;
    const uint8_t *p = (const uint8_t *)name;
    if (p < c->d || p >= c->d + c->n || len >= (size_t)(c->d + c->n - p) || p[len] != 0 ||
        len == 0 || strlen(name) != len)
        fail(c->d, c->n, "a symbol name is not a NUL-terminated string inside the file");
    n_syms++;
}

static void check(const uint8_t *d, size_t n)
{
    static struct lx_elf e;
    char err[512];
    err[0] = 0;
    n_runs++;
    int rc = lx_elf_parse(d, n, PAGE, &e, err, sizeof err);
    struct symcheck sc = { d, n };
    lx_elf_symbols(d, n, sym, &sc);
    struct lx_src src = { d, -1, n };
    uint64_t so, ss;
    if (n && lx_elf_find_section(&src, ".lfi.rets", &so, &ss) && (so > n || ss > n - so))
        fail(d, n, "a section found outside the file");
    if (rc != 0) {
        n_refused++;
        if (rc != -1 || !err[0])
            fail(d, n, "refused without a message");
        return;
    }
    n_ok++;
    if (e.nseg == 0 || e.nseg > LX_ELF_MAXPHNUM)
        fail(d, n, "accepted without segments");
    if (e.hi <= e.lo || e.hi - e.lo > LX_ELF_MAXSPAN || e.lo % PAGE || e.hi % PAGE)
        fail(d, n, "bad span");
    bool entry_ok = false;
    for (unsigned i = 0; i < e.nseg; i++) {
        const struct lx_seg *s = &e.seg[i];
        if (s->offset > n || s->filesz > n - s->offset)
            fail(d, n, "segment bytes outside the file");
        if (s->filesz > s->memsz || s->memsz == 0)
            fail(d, n, "filesz > memsz");
        if (s->vaddr >= LX_ELF_MAXSPAN || s->memsz > LX_ELF_MAXSPAN - s->vaddr)
            fail(d, n, "segment beyond the span limit");
        if (s->pstart % PAGE || s->pend % PAGE || s->pstart > s->vaddr ||
            s->pend < s->vaddr + s->memsz || s->pstart < e.lo || s->pend > e.hi)
            fail(d, n, "pages do not cover the segment");
        if ((s->prot & 2) && (s->prot & 4))
            fail(d, n, "writable and executable segment");
        if ((s->prot & 4) && e.entry >= s->vaddr && e.entry - s->vaddr < s->filesz)
            entry_ok = true;
        for (unsigned j = 0; j < e.nseg; j++) {
            const struct lx_seg *o = &e.seg[j];
            if (j == i)
                continue;
            if (o->vaddr < s->vaddr + s->memsz && s->vaddr < o->vaddr + o->memsz)
                fail(d, n, "overlapping segments");
            if ((s->prot & 4) && o->pstart < s->pend && s->pstart < o->pend)
                fail(d, n, "an executable segment shares a page");
        }
    }
    if (!entry_ok || e.entry % 32)
        fail(d, n, "entry point not a bundle start in code");
    if (e.has_interp && (e.interp_off > n || e.interp_len < 2 || e.interp_len > n - e.interp_off ||
                         d[e.interp_off + e.interp_len - 1] != 0 ||
                         strlen((const char *)d + e.interp_off) != e.interp_len - 1))
        fail(d, n, "the interpreter path is not a string inside the file");
    if (e.phdr_loaded) {
        bool in = false;
        for (unsigned i = 0; i < e.nseg; i++) {
            const struct lx_seg *s = &e.seg[i];
            uint64_t len = (uint64_t)e.phnum * 56;
            if (e.phdr_vaddr >= s->vaddr && e.phdr_vaddr - s->vaddr <= s->filesz &&
                len <= s->filesz - (e.phdr_vaddr - s->vaddr) &&
                s->offset + (e.phdr_vaddr - s->vaddr) == e.phoff)
                in = true;
        }
        if (!in)
            fail(d, n, "AT_PHDR does not point at the program headers");
    }
}

/* ---- a valid image: one R segment (headers), one RX (int3), one RW ---- */

#if LFI_FUZZ_STRUCTURED || defined(LFI_FUZZ_STANDALONE)
static size_t make_image(uint8_t *b, size_t cap)
{
    size_t size = 3 * PAGE + 64;
    if (cap < size)
        return 0;
    memset(b, 0, size);
    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof eh);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_DYN;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = PAGE;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 3;
    memcpy(b, &eh, sizeof eh);
    Elf64_Phdr ph[3];
    memset(ph, 0, sizeof ph);
    ph[0] = (Elf64_Phdr){ PT_LOAD, PF_R, 0, 0, 0, 0x200, 0x200, PAGE };
    ph[1] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, PAGE, PAGE, PAGE, 64, 64, PAGE };
    ph[2] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W, 2 * PAGE, 2 * PAGE, 2 * PAGE, 64, 3 * PAGE,
                          PAGE };
    memcpy(b + sizeof eh, ph, sizeof ph);
    memset(b + PAGE, 0xcc, 64); /* int3: verifiable code */
    return size;
}
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    atexit(print_stats);
    return 0;
}

#if LFI_FUZZ_STRUCTURED
static uint8_t img[3 * PAGE + 64];
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#if LFI_FUZZ_STRUCTURED
    size_t n = make_image(img, sizeof img);
    /* pairs (offset in the headers, value); a last odd byte truncates */
    for (size_t i = 0; i + 1 < size && i < 64; i += 2)
        img[data[i] % (64 + 3 * 56)] = data[i + 1];
    if (size % 2 && size)
        n = n * data[size - 1] / 255;
    check(img, n);
#else
    check(data, size);
#endif
    return 0;
}

#ifdef LFI_FUZZ_STANDALONE
#include "fuzz_standalone.h"

#ifdef LFI_FUZZ_FULL_LOAD
#include <lfi_core.h>
#include <lfi_linux.h>

static struct LFILinuxEngine *lx;

static void full_load(const uint8_t *d, size_t n)
{
    struct LFILinuxProc *p = lfi_proc_new(lx);
    if (!p) {
        fprintf(stderr, "lfi_proc_new: %s\n", lfi_linux_errmsg());
        exit(1);
    }
    if (lfi_proc_load(p, d, n, "fuzz")) {
        n_loaded++;
    } else {
        n_load_refused++;
        if (!lfi_linux_errmsg()[0])
            fail(d, n, "lfi_proc_load refused without a message");
    }
    lfi_proc_free(p);
}
#endif

int main(int argc, char **argv)
{
    uint64_t iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0xe1f10ad;
    LLVMFuzzerInitialize(&argc, &argv);
#ifdef LFI_FUZZ_FULL_LOAD
    struct LFIEngine *engine = lfi_new((struct LFIOptions){ 0 }, 1);
    if (!engine || !(lx = lfi_linux_new(engine, (struct LFILinuxOptions){ .no_stdio = true,
                                                           .single_thread_auto = true }))) {
        fprintf(stderr, "fuzz_elf_load: cannot create the engines\n");
        return 1;
    }
#endif
    static uint8_t base[3 * PAGE + 64], buf[3 * PAGE + 64];
    size_t bn = make_image(base, sizeof base);
    check(base, bn);
    if (n_ok != 1)
        fail(base, bn, "the valid image is refused");
    for (uint64_t it = 0; it < iters; it++) {
        memcpy(buf, base, bn);
        size_t n = bn;
        unsigned k = 1 + (unsigned)(next() % 8);
        for (unsigned j = 0; j < k; j++) {
            uint64_t r = next();
            size_t off = (r & 1) ? (r >> 8) % (64 + 3 * 56) : (r >> 8) % bn;
            switch ((r >> 1) % 4) {
            case 0: buf[off] = (uint8_t)(r >> 40); break;              /* a byte */
            case 1: buf[off] ^= (uint8_t)(1u << ((r >> 40) % 8)); break; /* a bit */
            case 2:                                                    /* a field */
                if (off + 8 <= n) {
                    uint64_t v = next();
                    static const uint64_t special[] = { 0, 1, 0xfff, 0x1000, 0x7fffffff,
                                                        0x80000000, 0xffffffff, 1ull << 30,
                                                        (1ull << 30) - 1, UINT64_MAX,
                                                        UINT64_MAX - 0xfff };
                    if (v & 1)
                        v = special[(v >> 1) % (sizeof special / sizeof special[0])];
                    memcpy(buf + off, &v, (r >> 45) & 1 ? 8 : 2);
                }
                break;
            default: n = (size_t)((r >> 8) % (n + 1)); break;          /* truncate */
            }
        }
        check(buf, n);
#ifdef LFI_FUZZ_FULL_LOAD
        if (it % 4 == 0)
            full_load(buf, n);
#endif
    }
    return 0;
}
#endif
