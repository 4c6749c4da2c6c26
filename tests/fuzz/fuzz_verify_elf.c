/* libFuzzer target for lfiv_verify_elf (x86-64).
 *
 * LFI_FUZZ_STRUCTURED=0: the input bytes are the ELF file.
 * LFI_FUZZ_STRUCTURED=1: the input drives a generator that writes a valid
 * ELF64 header, one to four program headers with chosen (sometimes wrong)
 * fields, and LFI code from x64_gen.c, with an occasional corrupted byte.
 *
 * Whenever lfiv_verify_elf accepts, an independent reading of the loader
 * contract of docs/verifier.md must agree: the header is a little-endian
 * ELF64 x86-64 executable or shared object, every PT_LOAD lies inside the
 * file and the address space with p_filesz <= p_memsz, no other PT_LOAD
 * shares a page with an executable one, and every executable segment, mapped
 * as whole pages with 0xCC (int3) around its file bytes, passes the
 * Zydis-based oracle at its absolute address. Accepted in full mode must
 * imply accepted in stores-only mode. A failed check prints and traps.
 *
 * Without libFuzzer (LFI_FUZZ_STANDALONE): fuzz_verify_elf [iterations] [seed]. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lfiv.h>

#include "x64_gen.h"
#include "x64_oracle.h"

#ifndef LFI_FUZZ_STRUCTURED
#define LFI_FUZZ_STRUCTURED 0
#endif

#define PAGE 4096u
#define MAX_CHECK (4u << 20) /* bytes of one segment image the oracle walks */

static uint64_t n_runs, n_acc_full, n_acc_stores, n_segs_checked, n_einval, n_rejected;

static void print_stats(void)
{
    fprintf(stderr,
            "lfi-fuzz-elf(%s): %" PRIu64 " inputs: %" PRIu64 " accepted (full), %" PRIu64
            " accepted (stores-only), %" PRIu64 " rejected, %" PRIu64 " malformed; %" PRIu64
            " executable segments checked by the oracle\n",
            LFI_FUZZ_STRUCTURED ? "structured" : "bytes", n_runs, n_acc_full, n_acc_stores,
            n_rejected, n_einval, n_segs_checked);
}

static void dump_and_trap(const uint8_t *img, size_t size, const char *what)
{
    fprintf(stderr, "\nlfi-fuzz-elf: CHECK FAILED: %s\nELF image (%zu bytes):", what, size);
    for (size_t i = 0; i < size && i < 4096; i++)
        fprintf(stderr, "%s%02x", i % 32 ? " " : "\n  ", img[i]);
    fprintf(stderr, "\n");
    print_stats();
    __builtin_trap();
}

static uint64_t rd(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

struct seg {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
};

static uint64_t pdown(uint64_t x)
{
    return x & ~(uint64_t)(PAGE - 1);
}

/* Our own reading of an accepted image. Returns NULL if it agrees, or what
 * is wrong. */
static const char *check_accepted(const uint8_t *img, size_t size, int mode, char *msg,
                                  size_t msgn)
{
    if (size < 64 || memcmp(img, "\177ELF", 4) != 0 || img[4] != 2 || img[5] != 1)
        return "accepted something that is not a little-endian ELF64 file";
    uint16_t type = (uint16_t)rd(img + 16, 2), machine = (uint16_t)rd(img + 18, 2);
    if (machine != 62)
        return "accepted an ELF file for another machine";
    if (type != 2 && type != 3)
        return "accepted an ELF file that is neither ET_EXEC nor ET_DYN";
    uint64_t phoff = rd(img + 32, 8);
    uint16_t phentsize = (uint16_t)rd(img + 54, 2), phnum = (uint16_t)rd(img + 56, 2);
    if (phentsize != 56 || phoff > size || (size - phoff) / 56 < phnum)
        return "accepted an ELF file whose program headers are not in it";
    struct seg *s = calloc(phnum ? phnum : 1, sizeof *s);
    if (!s)
        return NULL;
    const char *err = NULL;
    int nexec = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *p = img + phoff + 56u * i;
        s[i].type = (uint32_t)rd(p, 4);
        s[i].flags = (uint32_t)rd(p + 4, 4);
        s[i].offset = rd(p + 8, 8);
        s[i].vaddr = rd(p + 16, 8);
        s[i].filesz = rd(p + 32, 8);
        s[i].memsz = rd(p + 40, 8);
        if (s[i].type != 1)
            continue;
        if (s[i].filesz > s[i].memsz || s[i].offset > size || size - s[i].offset < s[i].filesz ||
            s[i].vaddr + s[i].memsz < s[i].vaddr || s[i].vaddr + s[i].memsz > UINT64_MAX - PAGE) {
            err = "accepted a PT_LOAD segment outside the file or the address space";
            goto out;
        }
    }
    for (unsigned i = 0; i < phnum; i++) {
        if (s[i].type != 1 || !(s[i].flags & 1))
            continue;
        nexec++;
        uint64_t start = pdown(s[i].vaddr), end = pdown(s[i].vaddr + s[i].memsz + PAGE - 1);
        for (unsigned j = 0; j < phnum; j++) {
            if (j == i || s[j].type != 1 || s[j].memsz == 0)
                continue;
            uint64_t qs = pdown(s[j].vaddr), qe = pdown(s[j].vaddr + s[j].memsz + PAGE - 1);
            if (qs < end && start < qe) {
                snprintf(msg, msgn, "accepted executable segment %u sharing a page with %u", i, j);
                err = msg;
                goto out;
            }
        }
        if (end == start)
            continue;
        /* The mapped image: file bytes, int3 elsewhere; up to one page past
         * the file bytes, within the box and MAX_CHECK. */
        uint64_t fend = pdown(s[i].vaddr + s[i].filesz + PAGE - 1);
        uint64_t stop = fend + PAGE < end ? fend + PAGE : end;
        uint64_t box_end = (start | 0xffffffffull) + 1;
        if (box_end != 0 && stop > box_end)
            stop = box_end;
        if (stop - start > MAX_CHECK)
            stop = start + MAX_CHECK;
        size_t n = (size_t)(stop - start);
        uint8_t *buf = malloc(n ? n : 1);
        if (!buf)
            continue;
        memset(buf, 0xcc, n);
        uint64_t in_page = s[i].vaddr - start;
        if (in_page < n) {
            size_t k = s[i].filesz < n - in_page ? (size_t)s[i].filesz : (size_t)(n - in_page);
            memcpy(buf + in_page, img + s[i].offset, k);
        }
        struct x64_oracle_report r;
        int rc = x64_oracle_check(buf, n, start, mode, 0, &r);
        free(buf);
        n_segs_checked++;
        if (rc == 1) {
            char line[512];
            x64_oracle_format(&r, line, sizeof line);
            snprintf(msg, msgn, "segment %u (%s mode): the oracle objects: %s", i,
                     mode == LFIV_MODE_FULL ? "full" : "stores-only", line);
            err = msg;
            goto out;
        }
    }
    if (nexec == 0)
        err = "accepted an ELF file without an executable segment";
out:
    free(s);
    return err;
}

static void check_elf(const uint8_t *img, size_t size)
{
    static const int modes[2] = { LFIV_MODE_FULL, LFIV_MODE_STORES };
    int rc[2];
    char msg[1024];
    n_runs++;
    for (int m = 0; m < 2; m++) {
        struct lfiv_options o = { LFIV_ARCH_X64, (enum lfiv_mode)modes[m], 0 };
        struct lfiv_violation v;
        struct lfiv_stats st;
        memset(&v, 0, sizeof v);
        rc[m] = lfiv_verify_elf(&o, img, size, &v, &st);
        char line[512];
        switch (rc[m]) {
        case LFIV_OK: {
            if (m == 0)
                n_acc_full++;
            else
                n_acc_stores++;
            const char *err = check_accepted(img, size, modes[m], msg, sizeof msg);
            if (err) {
                if (err != msg)
                    snprintf(msg, sizeof msg, "%s", err);
                dump_and_trap(img, size, msg);
            }
            break;
        }
        case LFIV_REJECTED:
            if (m == 0)
                n_rejected++;
            if (v.rule == LFIV_RULE_NONE)
                dump_and_trap(img, size, "rejected without a rule");
            lfiv_format_violation(&v, line, sizeof line);
            break;
        case LFIV_EINVAL:
            if (m == 0)
                n_einval++;
            lfiv_format_violation(&v, line, sizeof line);
            break;
        case LFIV_ENOMEM:
            break;
        default:
            snprintf(msg, sizeof msg, "lfiv_verify_elf returns %d", rc[m]);
            dump_and_trap(img, size, msg);
        }
    }
    if (rc[0] == LFIV_OK && rc[1] != LFIV_OK)
        dump_and_trap(img, size, "accepted in full mode but not in stores-only mode");
}

#if LFI_FUZZ_STRUCTURED
/* ---- the structured ELF writer ------------------------------------------------ */

struct cur {
    const uint8_t *d;
    size_t n, i;
};

static unsigned ch(struct cur *c)
{
    return c->i < c->n ? c->d[c->i++] : 0;
}

static void wr(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

#define CODE_OFF 0x200u
static uint8_t elf[CODE_OFF + X64_GEN_MAX + PAGE];

static size_t build_elf(const uint8_t *data, size_t size)
{
    struct cur c = { data, size < 24 ? size : 24, 0 };
    /* the first 24 bytes shape the headers, the rest is the code */
    unsigned nseg = 1 + ch(&c) % 4;
    unsigned shape = ch(&c);
    size_t codelen = x64_gen(size > 24 ? data + 24 : data, size > 24 ? size - 24 : 0,
                             elf + CODE_OFF);
    size_t total = CODE_OFF + codelen;
    memset(elf, 0, CODE_OFF);
    memcpy(elf, "\177ELF", 4);
    elf[4] = 2;  /* ELFCLASS64 */
    elf[5] = 1;  /* little-endian */
    elf[6] = 1;  /* EV_CURRENT */
    wr(elf + 16, (shape & 1) ? 3 : 2, 2);  /* ET_DYN / ET_EXEC */
    wr(elf + 18, 62, 2);                    /* EM_X86_64 */
    wr(elf + 20, 1, 4);
    wr(elf + 32, 64, 8);                    /* e_phoff */
    wr(elf + 52, 64, 2);
    wr(elf + 54, 56, 2);
    wr(elf + 56, nseg, 2);
    static const uint64_t bases[4] = { 0x400000, 0x10000, 0xfffff000, 0x7fff0000000 };
    uint64_t base = bases[(shape >> 1) & 3];
    for (unsigned i = 0; i < nseg; i++) {
        uint8_t *p = elf + 64 + 56 * i;
        unsigned a = ch(&c), b = ch(&c), k = ch(&c);
        uint32_t type = (a & 15) == 0 ? 4 : ((a & 15) == 1 ? 0x6474e551 : 1);
        uint32_t flags = i == 0 ? 5 : (uint32_t)((a >> 4) & 7);
        uint64_t off = CODE_OFF, vaddr, filesz = codelen, memsz;
        if (i == 0) {
            vaddr = base + CODE_OFF;
            if ((b & 15) == 0)
                vaddr += 32u * (k & 7) + ((k & 8) ? 1 : 0); /* shifted code */
        } else {
            /* data segments: pages after the code, sometimes sharing its page */
            vaddr = base + PAGE * (1 + (b & 3)) + (k & 0xfff);
            if ((b & 0x30) == 0)
                vaddr = base + (k & 0xfff);
            off = k % (total + 1);
            filesz = (b >> 6) ? (k * 7) % (total - off + 1) : 0;
        }
        memsz = filesz + ((b & 0xc0) == 0xc0 ? PAGE * (k & 3) + (a & 0x3f) : 0);
        if ((a & 0x70) == 0x70 && i == 0)
            memsz = filesz + PAGE * 3; /* int3 pages after the code */
        if (k == 0xff)
            filesz = total; /* past the end of the file */
        if (k == 0xfe)
            memsz = filesz - 1;
        wr(p, type, 4);
        wr(p + 4, flags, 4);
        wr(p + 8, off, 8);
        wr(p + 16, vaddr, 8);
        wr(p + 24, vaddr, 8);
        wr(p + 32, filesz, 8);
        wr(p + 40, memsz, 8);
        wr(p + 48, PAGE, 8);
    }
    /* an occasional corrupted header byte */
    unsigned x = ch(&c), y = ch(&c);
    if ((x & 7) == 0)
        elf[y % (64 + 56 * nseg)] ^= (uint8_t)(1u << (x >> 5));
    return total;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#if LFI_FUZZ_STRUCTURED
    size_t n = build_elf(data, size);
    check_elf(elf, n);
#else
    check_elf(data, size);
#endif
    return 0;
}

#ifdef LFI_FUZZ_STANDALONE
#include "fuzz_standalone.h"

int main(int argc, char **argv)
{
    uint64_t iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0xe1f;
    LLVMFuzzerInitialize(&argc, &argv);
    static uint8_t buf[1024];
    for (uint64_t it = 0; it < iters; it++) {
        size_t n = 1 + next() % sizeof buf;
        for (size_t i = 0; i < n; i += 8) {
            uint64_t v = next();
            memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
        }
#if !LFI_FUZZ_STRUCTURED
        /* random bytes are never an ELF file: start most of them with a
         * plausible header */
        if (n >= 120 && it % 4) {
            static const uint8_t hdr[24] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0,
                                             0, 0, 0, 0, 2, 0, 62, 0, 1, 0, 0, 0 };
            memcpy(buf, hdr, sizeof hdr);
            memset(buf + 32, 0, 8);
            buf[32] = 64;
            buf[54] = 56;
            buf[55] = 0;
            buf[56] = (uint8_t)(1 + next() % 2);
            buf[57] = 0;
            if (it % 2) {
                /* a plausible first PT_LOAD R+X over the rest of the file,
                 * whose random bytes are mostly nops */
                uint64_t off = 120, len = n - off;
                memset(buf + 64, 0, 56);
                buf[64] = 1;
                buf[68] = 5;
                memcpy(buf + 72, &off, 8);
                uint64_t va = 0x400000 + off;
                memcpy(buf + 80, &va, 8);
                memcpy(buf + 88, &va, 8);
                memcpy(buf + 96, &len, 8);
                memcpy(buf + 104, &len, 8);
                for (size_t i = off; i < n; i++)
                    if (buf[i] & 3)
                        buf[i] = 0x90;
            }
        }
#endif
        LLVMFuzzerTestOneInput(buf, n);
    }
    return 0;
}
#endif
