/* ELF parsing for the loader: every field of an untrusted image is checked
 * before the loader uses it (elf_parse.h). */
#include "elf_parse.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(char *err, size_t errn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errn, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errn)
        vsnprintf(err, errn, fmt, ap);
    va_end(ap);
    return -1;
}

/* Does [off, off+len) lie inside a buffer of size bytes? */
static bool inside(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

int lx_src_read(const struct lx_src *src, void *dst, uint64_t off, uint64_t len, char *err,
                size_t errn)
{
    if (!inside(off, len, src->size))
        return fail(err, errn, "[%#llx, +%#llx) lies outside the file (%llu bytes)",
                    (unsigned long long)off, (unsigned long long)len,
                    (unsigned long long)src->size);
    if (src->buf) {
        if (len)
            memcpy(dst, src->buf + off, len);
        return 0;
    }
    uint64_t got = 0;
    while (got < len) {
        size_t want = len - got > (1u << 30) ? (1u << 30) : (size_t)(len - got);
        ssize_t n = pread(src->fd, (uint8_t *)dst + got, want, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(err, errn, "reading [%#llx, +%#llx): %s", (unsigned long long)off,
                        (unsigned long long)len, strerror(errno));
        if (n == 0)
            return fail(err, errn, "the file ends at %#llx, before [%#llx, +%#llx) "
                        "(it was truncated while loading)", (unsigned long long)(off + got),
                        (unsigned long long)off, (unsigned long long)len);
        got += (uint64_t)n;
    }
    return 0;
}

const uint8_t *lx_src_view(const struct lx_src *src, uint64_t off, uint64_t len, void **tofree,
                           char *err, size_t errn)
{
    *tofree = NULL;
    if (!inside(off, len, src->size)) {
        fail(err, errn, "[%#llx, +%#llx) lies outside the file (%llu bytes)",
             (unsigned long long)off, (unsigned long long)len, (unsigned long long)src->size);
        return NULL;
    }
    if (src->buf)
        return src->buf + off;
    if (len > SIZE_MAX - 1) {
        fail(err, errn, "[%#llx, +%#llx) is too large", (unsigned long long)off,
             (unsigned long long)len);
        return NULL;
    }
    uint8_t *b = malloc(len ? (size_t)len : 1);
    if (!b) {
        fail(err, errn, "out of memory for %llu bytes", (unsigned long long)len);
        return NULL;
    }
    if (lx_src_read(src, b, off, len, err, errn) < 0) {
        free(b);
        return NULL;
    }
    *tofree = b;
    return b;
}

static const char *seg_kind(const struct lx_seg *s)
{
    return (s->prot & 4) ? "executable" : (s->prot & 2) ? "writable" : "read-only";
}

/* The types (< 32) of the notes named "LFI" among `n` bytes of notes, as a
 * bit set. A malformed entry ends the walk (it and the rest are ignored). */
static uint32_t lfi_notes(const uint8_t *p, uint64_t n)
{
    uint32_t types = 0;
    uint64_t off = 0;
    while (n - off >= 12) {
        uint32_t h[3];
        memcpy(h, p + off, sizeof h);
        uint64_t namesz = h[0], descsz = h[1];
        uint64_t name_at = off + 12;
        uint64_t desc_at = name_at + ((namesz + 3) & ~(uint64_t)3);
        uint64_t next = desc_at + ((descsz + 3) & ~(uint64_t)3);
        if (desc_at > n || next > n)
            break;
        if (namesz == 4 && memcmp(p + name_at, "LFI", 4) == 0 && h[2] < 32)
            types |= 1u << h[2];
        off = next;
    }
    return types;
}

/* The plan from the checked ELF header and its program headers ph. */
static int plan(const struct lx_src *src, const Elf64_Ehdr *ehp, const uint8_t *phs,
                size_t pagesize, struct lx_elf *out, char *err, size_t errn)
{
    const Elf64_Ehdr eh = *ehp;
    uint64_t size = src->size;
    uint64_t phsize = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
    out->entry = eh.e_entry;
    out->phoff = eh.e_phoff;
    out->phnum = eh.e_phnum;
    out->phentsize = eh.e_phentsize;

    uint64_t pmask = pagesize - 1;
    uint64_t lo = UINT64_MAX, hi = 0;
    uint64_t last_vaddr = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, phs + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_INTERP) {
            if (out->has_interp)
                return fail(err, errn, "more than one interpreter (PT_INTERP)");
            if (!inside(ph.p_offset, ph.p_filesz, size))
                return fail(err, errn, "the interpreter path lies outside the file");
            bool ok = ph.p_filesz >= 2 && ph.p_filesz <= LX_ELF_MAXINTERP;
            if (ok && lx_src_read(src, out->interp, ph.p_offset, ph.p_filesz, err, errn) < 0)
                return -1;
            if (!ok || out->interp[ph.p_filesz - 1] != 0 ||
                strlen(out->interp) != ph.p_filesz - 1)
                return fail(err, errn, "the interpreter path is not a string of 1 to %d "
                            "characters", LX_ELF_MAXINTERP - 1);
            out->has_interp = true;
            out->interp_off = ph.p_offset;
            out->interp_len = ph.p_filesz;
            continue;
        }
        if (ph.p_type == PT_NOTE) {
            if (!inside(ph.p_offset, ph.p_filesz, size))
                return fail(err, errn, "a note segment lies outside the file");
            void *tofree;
            const uint8_t *notes = lx_src_view(src, ph.p_offset, ph.p_filesz, &tofree, err,
                                               errn);
            if (!notes)
                return -1;
            if (lfi_notes(notes, ph.p_filesz) & (1u << LX_NT_LFI_SINGLE_THREAD))
                out->single_thread = true;
            free(tofree);
            continue;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz)
            return fail(err, errn, "segment %u: file size %#llx exceeds memory size %#llx", i,
                        (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
        if (!inside(ph.p_offset, ph.p_filesz, size))
            return fail(err, errn, "segment %u: [%#llx, +%#llx) lies outside the file "
                        "(%llu bytes)", i, (unsigned long long)ph.p_offset,
                        (unsigned long long)ph.p_filesz, (unsigned long long)size);
        if (ph.p_vaddr >= LX_ELF_MAXSPAN || ph.p_memsz > LX_ELF_MAXSPAN - ph.p_vaddr)
            return fail(err, errn, "segment %u: [%#llx, +%#llx) is too large or too high "
                        "(a program must fit in %llu MiB)", i,
                        (unsigned long long)ph.p_vaddr, (unsigned long long)ph.p_memsz,
                        (unsigned long long)(LX_ELF_MAXSPAN >> 20));
        if (ph.p_align > 1 && (ph.p_align & (ph.p_align - 1)))
            return fail(err, errn, "segment %u: alignment %#llx is not a power of two", i,
                        (unsigned long long)ph.p_align);
        if (ph.p_flags & ~(uint32_t)(PF_R | PF_W | PF_X) & 0xff)
            return fail(err, errn, "segment %u: unknown flags %#x", i, (unsigned)ph.p_flags);
        if ((ph.p_flags & PF_W) && (ph.p_flags & PF_X))
            return fail(err, errn, "segment %u is writable and executable", i);
        if (ph.p_vaddr < last_vaddr)
            return fail(err, errn, "segment %u: PT_LOAD segments are not sorted by address", i);
        last_vaddr = ph.p_vaddr;
        struct lx_seg *s = &out->seg[out->nseg++];
        s->vaddr = ph.p_vaddr;
        s->memsz = ph.p_memsz;
        s->offset = ph.p_offset;
        s->filesz = ph.p_filesz;
        s->pstart = ph.p_vaddr & ~pmask;
        s->pend = (ph.p_vaddr + ph.p_memsz + pmask) & ~pmask;
        s->prot = ((ph.p_flags & PF_R) ? 1 : 0) | ((ph.p_flags & PF_W) ? 2 : 0) |
                  ((ph.p_flags & PF_X) ? 4 : 0);
        if (s->pstart < lo)
            lo = s->pstart;
        if (s->pend > hi)
            hi = s->pend;
    }
    if (out->nseg == 0)
        return fail(err, errn, "no loadable segments");
    out->lo = lo;
    out->hi = hi;
    /* Pages: an executable segment shares none with another segment (its
     * pages are verified as a whole; data there would have to pass as code),
     * and segments do not overlap (their bytes would be ambiguous). */
    for (unsigned i = 0; i < out->nseg; i++) {
        const struct lx_seg *a = &out->seg[i];
        for (unsigned j = i + 1; j < out->nseg; j++) {
            const struct lx_seg *b = &out->seg[j];
            if (b->vaddr < a->vaddr + a->memsz)
                return fail(err, errn, "segments at %#llx and %#llx overlap",
                            (unsigned long long)a->vaddr, (unsigned long long)b->vaddr);
            if (((a->prot | b->prot) & 4) && b->pstart < a->pend)
                return fail(err, errn, "%s segment at %#llx shares a page with the %s "
                            "segment at %#llx (link with -z separate-code)", seg_kind(a),
                            (unsigned long long)a->vaddr, seg_kind(b),
                            (unsigned long long)b->vaddr);
        }
    }
    /* The entry point: a bundle start inside an executable segment's bytes. */
    bool entry_ok = false;
    for (unsigned i = 0; i < out->nseg; i++) {
        const struct lx_seg *s = &out->seg[i];
        if ((s->prot & 4) && eh.e_entry >= s->vaddr && eh.e_entry - s->vaddr < s->filesz)
            entry_ok = true;
    }
    if (!entry_ok)
        return fail(err, errn, "entry point %#llx is not inside an executable segment",
                    (unsigned long long)eh.e_entry);
    if (eh.e_entry % LX_ELF_BUNDLE)
        return fail(err, errn, "entry point %#llx is not %d-byte aligned (a bundle start)",
                    (unsigned long long)eh.e_entry, LX_ELF_BUNDLE);
    /* Where the program headers are once loaded (for AT_PHDR). */
    for (unsigned i = 0; i < out->nseg; i++) {
        const struct lx_seg *s = &out->seg[i];
        if (eh.e_phoff >= s->offset && phsize <= s->filesz &&
            eh.e_phoff - s->offset <= s->filesz - phsize) {
            out->phdr_vaddr = s->vaddr + (eh.e_phoff - s->offset);
            out->phdr_loaded = true;
            break;
        }
    }
    return 0;
}

int lx_elf_parse_src(const struct lx_src *src, size_t pagesize, struct lx_elf *out, char *err,
                     size_t errn)
{
    Elf64_Ehdr eh;
    uint64_t size = src->size;
    memset(out, 0, sizeof *out);
    memset(&eh, 0, sizeof eh);
    if (size < 4)
        return fail(err, errn, "not an ELF file");
    if (lx_src_read(src, &eh, 0, size < sizeof eh ? size : sizeof eh, err, errn) < 0)
        return -1;
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
        return fail(err, errn, "not an ELF file");
    if (size < sizeof eh)
        return fail(err, errn, "truncated ELF header (%llu bytes)", (unsigned long long)size);
    if (eh.e_ident[EI_CLASS] != ELFCLASS64)
        return fail(err, errn, "not a 64-bit ELF file");
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return fail(err, errn, "not a little-endian ELF file");
    if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT)
        return fail(err, errn, "unknown ELF version");
    if (eh.e_machine != EM_X86_64)
        return fail(err, errn, "wrong machine %u (an x86-64 program is needed)",
                    (unsigned)eh.e_machine);
    if (eh.e_type == ET_EXEC)
        return fail(err, errn, "not position-independent (ET_EXEC): link with -static-pie");
    if (eh.e_type != ET_DYN)
        return fail(err, errn, "not an executable (e_type %u)", (unsigned)eh.e_type);
    if (eh.e_phentsize != sizeof(Elf64_Phdr))
        return fail(err, errn, "bad program header size %u", (unsigned)eh.e_phentsize);
    if (eh.e_phnum == 0)
        return fail(err, errn, "no program headers");
    if (eh.e_phnum > LX_ELF_MAXPHNUM)
        return fail(err, errn, "too many program headers (%u, at most %d)",
                    (unsigned)eh.e_phnum, LX_ELF_MAXPHNUM);
    uint64_t phsize = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
    if (!inside(eh.e_phoff, phsize, size))
        return fail(err, errn, "program headers [%#llx, +%#llx) lie outside the file "
                    "(%llu bytes)", (unsigned long long)eh.e_phoff,
                    (unsigned long long)phsize, (unsigned long long)size);
    if (pagesize < 4096 || (pagesize & (pagesize - 1)))
        return fail(err, errn, "bad page size %zu", pagesize);
    uint8_t phs[LX_ELF_MAXPHNUM * sizeof(Elf64_Phdr)];
    if (lx_src_read(src, phs, eh.e_phoff, phsize, err, errn) < 0)
        return -1;
    return plan(src, &eh, phs, pagesize, out, err, errn);
}

int lx_elf_parse(const uint8_t *buf, size_t size, size_t pagesize, struct lx_elf *out,
                 char *err, size_t errn)
{
    static const uint8_t none[1];
    struct lx_src src = { buf ? buf : none, -1, buf ? size : 0 };
    return lx_elf_parse_src(&src, pagesize, out, err, errn);
}

size_t lx_elf_walk_symbols(const uint8_t *syms, uint64_t nsyms, const char *strs, uint64_t n,
                           void (*fn)(void *arg, const char *name, size_t namelen,
                                      uint64_t value),
                           void *arg)
{
    size_t count = 0;
    for (uint64_t k = 0; k < nsyms; k++) {
        Elf64_Sym sym;
        memcpy(&sym, syms + k * sizeof sym, sizeof sym);
        if (sym.st_shndx == SHN_UNDEF || sym.st_name == 0 || sym.st_name >= n)
            continue;
        int type = ELF64_ST_TYPE(sym.st_info);
        if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
            continue;
        const char *name = strs + sym.st_name;
        size_t len = strnlen(name, n - sym.st_name);
        if (len == n - sym.st_name || len == 0)
            continue; /* not terminated inside the table */
        fn(arg, name, len, sym.st_value);
        count++;
    }
    return count;
}

bool lx_elf_find_symtab(const struct lx_src *src, struct lx_symtab *out)
{
    Elf64_Ehdr eh;
    uint64_t size = src->size;
    memset(out, 0, sizeof *out);
    if (size < sizeof eh || lx_src_read(src, &eh, 0, sizeof eh, NULL, 0) < 0)
        return false;
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shnum > 4096)
        return false;
    uint64_t shsize = (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr);
    if (!inside(eh.e_shoff, shsize, size))
        return false;
    void *shfree;
    const uint8_t *shs = lx_src_view(src, eh.e_shoff, shsize, &shfree, NULL, 0);
    if (!shs)
        return false;
    bool found = false;
    /* prefer .symtab; fall back to .dynsym */
    for (int want = SHT_SYMTAB; !found; want = SHT_DYNSYM) {
        for (unsigned i = 0; i < eh.e_shnum && !found; i++) {
            Elf64_Shdr sh, st;
            memcpy(&sh, shs + i * sizeof sh, sizeof sh);
            if (sh.sh_type != (uint32_t)want || sh.sh_entsize != sizeof(Elf64_Sym))
                continue;
            if (!inside(sh.sh_offset, sh.sh_size, size) || sh.sh_link >= eh.e_shnum)
                continue;
            memcpy(&st, shs + sh.sh_link * sizeof st, sizeof st);
            if (st.sh_type != SHT_STRTAB || !inside(st.sh_offset, st.sh_size, size))
                continue;
            out->symoff = sh.sh_offset;
            out->nsyms = sh.sh_size / sizeof(Elf64_Sym);
            out->stroff = st.sh_offset;
            out->strsize = st.sh_size;
            found = true;
        }
        if (want == SHT_DYNSYM)
            break;
    }
    free(shfree);
    return found;
}

bool lx_elf_find_section(const struct lx_src *src, const char *name, uint64_t *off,
                         uint64_t *size)
{
    Elf64_Ehdr eh;
    uint64_t fsize = src->size;
    if (fsize < sizeof eh || lx_src_read(src, &eh, 0, sizeof eh, NULL, 0) < 0)
        return false;
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shnum > 4096 ||
        eh.e_shstrndx >= eh.e_shnum)
        return false;
    uint64_t shsize = (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr);
    if (!inside(eh.e_shoff, shsize, fsize))
        return false;
    void *shfree, *strfree = NULL;
    const uint8_t *shs = lx_src_view(src, eh.e_shoff, shsize, &shfree, NULL, 0);
    if (!shs)
        return false;
    Elf64_Shdr st;
    memcpy(&st, shs + (size_t)eh.e_shstrndx * sizeof st, sizeof st);
    const char *names = NULL;
    if (st.sh_type == SHT_STRTAB && st.sh_size > 0 && st.sh_size <= (1u << 20) &&
        inside(st.sh_offset, st.sh_size, fsize))
        names = (const char *)lx_src_view(src, st.sh_offset, st.sh_size, &strfree, NULL, 0);
    bool found = false;
    size_t want = strlen(name) + 1;
    for (unsigned i = 0; names && i < eh.e_shnum && !found; i++) {
        Elf64_Shdr sh;
        memcpy(&sh, shs + (size_t)i * sizeof sh, sizeof sh);
        if (sh.sh_type == SHT_NOBITS || sh.sh_name >= st.sh_size ||
            st.sh_size - sh.sh_name < want || memcmp(names + sh.sh_name, name, want) != 0 ||
            !inside(sh.sh_offset, sh.sh_size, fsize))
            continue;
        *off = sh.sh_offset;
        *size = sh.sh_size;
        found = true;
    }
    free(strfree);
    free(shfree);
    return found;
}

size_t lx_elf_symbols(const uint8_t *buf, size_t size,
                      void (*fn)(void *arg, const char *name, size_t namelen, uint64_t value),
                      void *arg)
{
    struct lx_src src = { buf, -1, size };
    struct lx_symtab t;
    if (!buf || !lx_elf_find_symtab(&src, &t))
        return 0;
    return lx_elf_walk_symbols(buf + t.symoff, t.nsyms, (const char *)buf + t.stroff,
                               t.strsize, fn, arg);
}
