/* Verify the executable segments of an ELF64 image as the LFI loader maps
 * them: whole pages at their absolute addresses, bytes outside the
 * segment's file contents filled with int3 (0xCC). Relocatable objects
 * (ET_REL, the toolchain's .o files) are checked section by section. */
#include <lfiv.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_internal.h"

#define PAGE 4096u

static int bad(struct lfiv_violation *v, const char *msg)
{
    if (v) {
        memset(v, 0, sizeof *v);
        snprintf(v->message, sizeof v->message, "%s", msg);
    }
    return LFIV_EINVAL;
}

static uint64_t page_down(uint64_t x) { return x & ~(uint64_t)(PAGE - 1); }

static int reject_section(struct lfiv_violation *v, unsigned idx, const char *why)
{
    if (v) {
        memset(v, 0, sizeof *v);
        v->rule = LFIV_RULE_ELF;
        snprintf(v->disasm, sizeof v->disasm, "(section %u)", idx);
        snprintf(v->message, sizeof v->message, "executable section %u %s", idx, why);
    }
    return LFIV_REJECTED;
}

/* A relocatable object: every allocated executable section is verified on
 * its own, at address 0, with its relocation fields as the assembler left
 * them. This is a check of the toolchain's output before linking; what the
 * runtime verifies is the linked image. A section must be bundle-aligned
 * and a whole number of bundles, or the linker would place foreign bytes
 * in its last bundle. */
static int verify_rel(const struct lfiv_options *opts, const uint8_t *img,
                      size_t size, const Elf64_Ehdr *eh,
                      struct lfiv_violation *v, struct lfiv_stats *stats)
{
    if (eh->e_shnum == 0)
        return bad(v, "relocatable object without section headers");
    if (eh->e_shentsize != sizeof(Elf64_Shdr))
        return bad(v, "unexpected section header size");
    if (eh->e_shoff > size || (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
        return bad(v, "section headers lie outside the file");
    int rc = LFIV_OK;
    for (unsigned i = 0; i < eh->e_shnum && rc == LFIV_OK; i++) {
        Elf64_Shdr sh;
        memcpy(&sh, img + eh->e_shoff + (size_t)i * sizeof sh, sizeof sh);
        if (!(sh.sh_flags & SHF_EXECINSTR) || !(sh.sh_flags & SHF_ALLOC) ||
            sh.sh_size == 0)
            continue;
        if (sh.sh_type == SHT_NOBITS)
            return reject_section(v, i, "has no file contents (SHT_NOBITS)");
        if (sh.sh_offset > size || size - sh.sh_offset < sh.sh_size)
            return bad(v, "executable section lies outside the file");
        if (sh.sh_size > ((uint64_t)1 << 32))
            return bad(v, "executable section larger than 4 GiB");
        if (sh.sh_addralign % LFIV_X64_BUNDLE != 0 || sh.sh_size % LFIV_X64_BUNDLE != 0)
            return reject_section(v, i, "is not bundle-aligned and bundle-padded "
                                        "(32 bytes): not LFI toolchain output");
        struct lfiv_stats st;
        rc = lfiv_verify(opts, img + sh.sh_offset, sh.sh_size, 0, v, &st);
        if (stats) {
            stats->bytes += st.bytes;
            stats->instructions += st.instructions;
        }
    }
    return rc;
}

int lfiv_verify_elf(const struct lfiv_options *opts, const void *image,
                    size_t size, struct lfiv_violation *v,
                    struct lfiv_stats *stats)
{
    const uint8_t *img = image;
    Elf64_Ehdr eh;

    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!opts || !image)
        return bad(v, "invalid arguments");
    if (size < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG) != 0)
        return bad(v, "not an ELF file");
    if (img[EI_CLASS] != ELFCLASS64)
        return bad(v, "not a 64-bit ELF file");
    if (img[EI_DATA] != ELFDATA2LSB)
        return bad(v, "not a little-endian ELF file");
    if (size < sizeof eh)
        return bad(v, "truncated ELF header");
    memcpy(&eh, img, sizeof eh);
    if (eh.e_version != EV_CURRENT)
        return bad(v, "unsupported ELF version");
    unsigned want = opts->arch == LFIV_ARCH_X64 ? EM_X86_64
                  : opts->arch == LFIV_ARCH_ARM64 ? EM_AARCH64 : 0;
    if (eh.e_machine != want) {
        char msg[96];
        snprintf(msg, sizeof msg, "wrong machine: ELF e_machine is %u, expected %u",
                 eh.e_machine, want);
        return bad(v, msg);
    }
    if (eh.e_type == ET_REL)
        return verify_rel(opts, img, size, &eh, v, stats);
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return bad(v, "not an executable, shared object or relocatable object");
    if (eh.e_phentsize != sizeof(Elf64_Phdr))
        return bad(v, "unexpected program header size");
    if (eh.e_phoff > size || (size - eh.e_phoff) / sizeof(Elf64_Phdr) < eh.e_phnum)
        return bad(v, "program headers lie outside the file");

    Elf64_Phdr *ph = malloc(eh.e_phnum ? eh.e_phnum * sizeof *ph : 1);
    if (!ph)
        return LFIV_ENOMEM;
    memcpy(ph, img + eh.e_phoff, eh.e_phnum * sizeof *ph);

    int rc = LFIV_OK, nexec = 0;
    for (unsigned i = 0; i < eh.e_phnum && rc == LFIV_OK; i++) {
        const Elf64_Phdr *p = &ph[i];
        if (p->p_type != PT_LOAD)
            continue;
        if (p->p_filesz > p->p_memsz || p->p_offset > size ||
            size - p->p_offset < p->p_filesz ||
            p->p_vaddr + p->p_memsz < p->p_vaddr ||
            p->p_vaddr + p->p_memsz > UINT64_MAX - PAGE) {
            rc = bad(v, "PT_LOAD segment lies outside the file or address space");
            break;
        }
        if (!(p->p_flags & PF_X))
            continue;
        nexec++;
        if (p->p_memsz > ((uint64_t)1 << 32)) {
            rc = bad(v, "executable segment larger than 4 GiB");
            break;
        }
        uint64_t start = page_down(p->p_vaddr);
        uint64_t end = page_down(p->p_vaddr + p->p_memsz + PAGE - 1);

        /* No other PT_LOAD may share these pages: their bytes would become
         * executable without being what we verify here. */
        for (unsigned j = 0; j < eh.e_phnum; j++) {
            const Elf64_Phdr *q = &ph[j];
            if (j == i || q->p_type != PT_LOAD || q->p_memsz == 0)
                continue;
            uint64_t qs = page_down(q->p_vaddr);
            uint64_t qe = page_down(q->p_vaddr + q->p_memsz + PAGE - 1);
            if (qs < end && start < qe) {
                if (v) {
                    memset(v, 0, sizeof *v);
                    v->rule = LFIV_RULE_ELF;
                    v->addr = start;
                    snprintf(v->disasm, sizeof v->disasm, "(segment)");
                    snprintf(v->message, sizeof v->message,
                             "executable segment %u shares a page with segment %u",
                             i, j);
                }
                rc = LFIV_REJECTED;
                break;
            }
        }
        if (rc)
            break;

        /* Pages past the file bytes hold only int3, which is always valid
         * and carries no state: only the file-backed pages need checking. */
        uint64_t fend = page_down(p->p_vaddr + p->p_filesz + PAGE - 1);
        size_t n = p->p_filesz ? (size_t)(fend - start) : 0;
        uint8_t *buf = malloc(n ? n : 1);
        if (!buf) {
            rc = LFIV_ENOMEM;
            break;
        }
        memset(buf, 0xcc, n);
        if (n)
            memcpy(buf + (p->p_vaddr - start), img + p->p_offset, p->p_filesz);
        struct lfiv_stats st;
        rc = lfiv_verify(opts, buf, n, start, v, &st);
        if (rc == LFIV_OK)
            st.bytes = end - start;
        free(buf);
        if (stats) {
            stats->bytes += st.bytes;
            stats->instructions += st.instructions;
        }
    }
    free(ph);
    if (rc == LFIV_OK && nexec == 0)
        return bad(v, "no executable segment");
    return rc;
}
