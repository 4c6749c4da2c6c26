/* ELF parsing for the loader: every field of an untrusted image is checked
 * before the loader uses it (elf_parse.h). */
#include "elf_parse.h"

#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
static bool inside(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
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

int lx_elf_parse(const uint8_t *buf, size_t size, size_t pagesize, struct lx_elf *out,
                 char *err, size_t errn)
{
    Elf64_Ehdr eh;
    memset(out, 0, sizeof *out);
    if (!buf || size < 4 || memcmp(buf, ELFMAG, SELFMAG) != 0)
        return fail(err, errn, "not an ELF file");
    if (size < sizeof eh)
        return fail(err, errn, "truncated ELF header (%zu bytes)", size);
    memcpy(&eh, buf, sizeof eh);
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
                    "(%zu bytes)", (unsigned long long)eh.e_phoff,
                    (unsigned long long)phsize, size);
    if (pagesize < 4096 || (pagesize & (pagesize - 1)))
        return fail(err, errn, "bad page size %zu", pagesize);
    out->entry = eh.e_entry;
    out->phoff = eh.e_phoff;
    out->phnum = eh.e_phnum;
    out->phentsize = eh.e_phentsize;

    uint64_t pmask = pagesize - 1;
    uint64_t lo = UINT64_MAX, hi = 0;
    uint64_t last_vaddr = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, buf + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type == PT_INTERP) {
            if (out->has_interp)
                return fail(err, errn, "more than one interpreter (PT_INTERP)");
            if (!inside(ph.p_offset, ph.p_filesz, size))
                return fail(err, errn, "the interpreter path lies outside the file");
            if (ph.p_filesz < 2 || ph.p_filesz > LX_ELF_MAXINTERP ||
                buf[ph.p_offset + ph.p_filesz - 1] != 0 ||
                strlen((const char *)buf + ph.p_offset) != ph.p_filesz - 1)
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
            if (lfi_notes(buf + ph.p_offset, ph.p_filesz) & (1u << LX_NT_LFI_SINGLE_THREAD))
                out->single_thread = true;
            continue;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz)
            return fail(err, errn, "segment %u: file size %#llx exceeds memory size %#llx", i,
                        (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
        if (!inside(ph.p_offset, ph.p_filesz, size))
            return fail(err, errn, "segment %u: [%#llx, +%#llx) lies outside the file "
                        "(%zu bytes)", i, (unsigned long long)ph.p_offset,
                        (unsigned long long)ph.p_filesz, size);
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

size_t lx_elf_symbols(const uint8_t *buf, size_t size,
                      void (*fn)(void *arg, const char *name, size_t namelen, uint64_t value),
                      void *arg)
{
    Elf64_Ehdr eh;
    if (!buf || size < sizeof eh)
        return 0;
    memcpy(&eh, buf, sizeof eh);
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shnum > 4096)
        return 0;
    uint64_t shsize = (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr);
    if (!inside(eh.e_shoff, shsize, size))
        return 0;
    /* prefer .symtab; fall back to .dynsym */
    for (int want = SHT_SYMTAB; ; want = SHT_DYNSYM) {
        for (unsigned i = 0; i < eh.e_shnum; i++) {
            Elf64_Shdr sh, st;
            memcpy(&sh, buf + eh.e_shoff + i * sizeof sh, sizeof sh);
            if (sh.sh_type != (uint32_t)want || sh.sh_entsize != sizeof(Elf64_Sym))
                continue;
            if (!inside(sh.sh_offset, sh.sh_size, size) || sh.sh_link >= eh.e_shnum)
                continue;
            memcpy(&st, buf + eh.e_shoff + sh.sh_link * sizeof st, sizeof st);
            if (st.sh_type != SHT_STRTAB || !inside(st.sh_offset, st.sh_size, size))
                continue;
            const char *strs = (const char *)buf + st.sh_offset;
            size_t n = 0;
            for (uint64_t k = 0; k < sh.sh_size / sizeof(Elf64_Sym); k++) {
                Elf64_Sym sym;
                memcpy(&sym, buf + sh.sh_offset + k * sizeof sym, sizeof sym);
                if (sym.st_shndx == SHN_UNDEF || sym.st_name == 0 ||
                    sym.st_name >= st.sh_size)
                    continue;
                int type = ELF64_ST_TYPE(sym.st_info);
                if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
                    continue;
                const char *name = strs + sym.st_name;
                size_t len = strnlen(name, st.sh_size - sym.st_name);
                if (len == st.sh_size - sym.st_name || len == 0)
                    continue; /* not terminated inside the table */
                fn(arg, name, len, sym.st_value);
                n++;
            }
            return n;
        }
        if (want == SHT_DYNSYM)
            return 0;
    }
}
