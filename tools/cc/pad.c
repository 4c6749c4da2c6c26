/* Pads the executable segments of a dynamically linked output with int3 to
 * their page end (docs/toolchain.md, "Dynamic linking").
 *
 * musl's loader maps a library's code with mmap of whole pages of the file,
 * and the runtime verifies every byte that becomes executable. The linker
 * leaves zeros after the code up to the next page (`00 00` is `add %al,
 * (%rax)`, which no verifier accepts), so lfi-cc fills that gap with int3
 * and makes the segment cover it: the verifier then checks exactly the
 * bytes the loader will map. */
#include "cc.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const char *path, const char *why)
{
    fprintf(stderr, "lfi-cc: %s: cannot pad its code to whole pages: %s\n", path, why);
    return 1;
}

static bool overlaps(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
    return an && bn && a < b + bn && b < a + an;
}

/* Pads the executable PT_LOAD segments of img (n bytes, capacity cap >= the
 * padded size) in place. Returns the new file size, or 0 after an error. */
static size_t pad_image(const char *path, uint8_t *img, size_t n, size_t cap)
{
    Elf64_Ehdr eh;
    if (n < sizeof eh)
        return fail(path, "not an ELF file"), 0;
    memcpy(&eh, img, sizeof eh);
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_phentsize != sizeof(Elf64_Phdr) ||
        eh.e_phoff > n || (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr) > n - eh.e_phoff)
        return fail(path, "not a 64-bit little-endian ELF file with program headers"), 0;
    bool shdrs_ok = eh.e_shentsize == sizeof(Elf64_Shdr) && eh.e_shoff <= n &&
                    (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) <= n - eh.e_shoff;
    size_t size = n;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, img + eh.e_phoff + (size_t)i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
            continue;
        uint64_t align = ph.p_align < 4096 ? 4096 : ph.p_align;
        if (align > (1u << 16) || (align & (align - 1)))
            return fail(path, "segment alignment above 64 KiB or not a power of two"), 0;
        if (ph.p_offset % align || ph.p_vaddr % align)
            return fail(path, "an executable segment does not start on a page boundary "
                              "(link with -z separate-code)"), 0;
        if (ph.p_memsz != ph.p_filesz)
            return fail(path, "an executable segment has bytes that are not in the file"), 0;
        uint64_t end = ph.p_offset + ph.p_filesz;
        uint64_t pend = (end + align - 1) & ~(align - 1);
        if (end > n || pend > cap)
            return fail(path, "an executable segment lies outside the file"), 0;
        uint64_t gap = pend - end;
        if (!gap)
            continue;
        /* the gap must belong to nothing else, in the file and in memory */
        for (unsigned j = 0; j < eh.e_phnum; j++) {
            Elf64_Phdr o;
            memcpy(&o, img + eh.e_phoff + (size_t)j * sizeof o, sizeof o);
            if (j == i || o.p_type != PT_LOAD)
                continue;
            if (overlaps(end, gap, o.p_offset, o.p_filesz) ||
                overlaps(ph.p_vaddr + ph.p_filesz, gap, o.p_vaddr, o.p_memsz))
                return fail(path, "another segment shares the last page of the code"), 0;
        }
        for (unsigned j = 0; shdrs_ok && j < eh.e_shnum; j++) {
            Elf64_Shdr sh;
            memcpy(&sh, img + eh.e_shoff + (size_t)j * sizeof sh, sizeof sh);
            if (sh.sh_type != SHT_NOBITS && overlaps(end, gap, sh.sh_offset, sh.sh_size))
                return fail(path, "a section lies in the last page of the code"), 0;
        }
        if (overlaps(end, gap, eh.e_shoff, shdrs_ok ? (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr) : 0))
            return fail(path, "the section headers lie in the last page of the code"), 0;
        memset(img + end, 0xcc, gap);
        ph.p_filesz = ph.p_memsz = pend - ph.p_offset;
        memcpy(img + eh.e_phoff + (size_t)i * sizeof ph, &ph, sizeof ph);
        if (pend > size)
            size = pend;
    }
    return size;
}

int cc_pad_code_pages(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0; /* -o /dev/null and the like */
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(path, strerror(errno));
    size_t n = (size_t)st.st_size, cap = n + (1u << 16);
    uint8_t *img = calloc(1, cap);
    if (!img || fread(img, 1, n, f) != n) {
        fclose(f);
        free(img);
        return fail(path, img ? "cannot read it" : "out of memory");
    }
    fclose(f);
    size_t size = pad_image(path, img, n, cap);
    int rc = 0;
    if (!size) {
        rc = 1;
    } else if (!(f = fopen(path, "r+b"))) {
        rc = fail(path, strerror(errno));
    } else {
        bool wrote = fwrite(img, 1, size, f) == size;
        if (fclose(f) != 0 || !wrote)
            rc = fail(path, "cannot write it");
    }
    free(img);
    if (rc)
        unlink(path); /* a half-padded output must not look like a success */
    return rc;
}
