/* Differential test of the x86-64 verifier's fast paths.
 *
 * lfiv_verify (table-driven fast paths: fast_step, fast_setter,
 * fast_rebase, fast_nop, the decoder's fast path) must give exactly the
 * verdict of lfiv_verify_x64_reference (every instruction through
 * x64_decode_reference and check_insn_full): the same return code, the same
 * violation (rule, address, bytes, disassembly, message) and the same
 * statistics, in full and stores-only mode, with and without
 * LFIV_ALIGNED_TARGETS and LFIV_SINGLE_THREAD. In particular no fast path may accept what the
 * reference path rejects.
 *
 * Inputs:
 *   --raw FILE [--base ADDR]  one buffer (run_corpus.py --diff-tool passes
 *                             every case of accept.txt and reject.txt), also
 *                             with its last 1..20 bytes cut off
 *   --enum                    every key of the fast tables: prefixes (none,
 *                             66, f2, f3, 65 67 and combinations), every REX
 *                             byte, the one-byte, 0f, 0f 38, 0f 3a maps,
 *                             every opcode and ModRM byte, with fixed and
 *                             random following bytes, after a random
 *                             state-setting context in the same bundle
 *   --random N                N buffers of LFI fragments (setters, masked
 *                             branches, %rsp re-bases, runtime calls, guarded
 *                             and plain memory operands, prefixed SSE, direct
 *                             branches, nops, random bytes), then mutated
 *   --elf FILE...             real code: windows of every executable segment
 *                             of each ELF file, as is and mutated
 *   --seed S, --scale K       (K divides the --enum work; default 1)
 * Without arguments: --enum --random 200000.
 * Exit status 0 when every comparison agrees. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lfiv.h>

#include "paths_agree.h"
#include "x64/decode.h"
#include "x64/dfa.h"
#include "x64/verify_x64.h"

static uint64_t rng = 0x5eed;
static uint64_t next(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned rnd(unsigned n)
{
    return (unsigned)(next() % n);
}

static uint64_t n_cmp, n_acc, n_fail, n_dfa;

/* Compare the two paths on one buffer, one mode. */
static void compare1(const uint8_t *code, size_t size, uint64_t addr, int mode,
                     unsigned flags, const char *what)
{
    struct paths_verdict a, b;
    bool same = paths_agree(code, size, addr, mode, flags, &a, &b);
    n_cmp++;
    n_acc += a.rc == LFIV_OK;
    /* bundles that the bundle automaton proves on its own (it runs on
     * every whole bundle: 8 at a time, the last ones one by one) */
    if (addr % 32 == 0)
        for (size_t k = 0; k + 32 <= size && k < 512; k += 32) {
            static const uint8_t int3s[32] = { [0 ... 31] = 0xcc };
            unsigned st = lfiv_x64_dfa_bundle(code + k, mode);
            n_dfa += st < DFA_NEND && st != DFA_PENDING && memcmp(code + k, int3s, 32);
        }
    if (same)
        return;
    if (n_fail++ < 20) {
        paths_print_mismatch("diff_fastpath", what, mode, flags, addr, size, &a, &b);
        paths_dump_code(code, size > 256 ? 256 : size);
    }
}

static void compare(const uint8_t *code, size_t size, uint64_t addr, const char *what)
{
    for (int mode = 0; mode < 2; mode++)
        for (unsigned flags = 0; flags < 4; flags++) /* ALIGNED_TARGETS, SINGLE_THREAD */
            compare1(code, size, addr, mode, flags, what);
}

/* ---- fragments of LFI code ------------------------------------------- */

struct buf {
    uint8_t b[4096];
    size_t n;
};

static void put(struct buf *o, const uint8_t *p, size_t n)
{
    if (o->n >= sizeof o->b)
        return;
    size_t room = sizeof o->b - o->n;
    if (n > room)
        n = room;
    memcpy(o->b + o->n, p, n);
    o->n += n;
}
/* A table row: length, then the bytes. */
static void put_row(struct buf *o, const uint8_t *row, size_t rowsize)
{
    size_t n = row[0] < rowsize ? row[0] : rowsize - 1;
    put(o, row + 1, n);
}
#define PUT(o, ...) do { const uint8_t t_[] = { __VA_ARGS__ }; put(o, t_, sizeof t_); } while (0)

/* A register 0..15, mostly the ones the rewriter uses, sometimes %rsp/%r14. */
static unsigned reg(void)
{
    static const uint8_t common[] = { 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 4, 14 };
    return rnd(8) ? common[rnd(14)] : common[rnd(16)];
}

/* REX for a ModRM with reg field r and rm field b (64-bit if w). */
static void rex_rm(struct buf *o, unsigned w, unsigned r, unsigned b, bool force)
{
    unsigned x = (w ? 8 : 0) | (r & 8 ? 4 : 0) | (b & 8 ? 1 : 0);
    if (x || force)
        PUT(o, (uint8_t)(0x40 | x));
}

static void frag_kind(struct buf *o, uint64_t addr, unsigned k);
static void frag(struct buf *o, uint64_t addr)
{
    frag_kind(o, addr, rnd(40));
}

static void frag_kind(struct buf *o, uint64_t addr, unsigned k)
{
    unsigned x = reg(), y = reg();
    switch (k) {
    case 0: case 1: /* movl %eY,%eX */
        rex_rm(o, 0, y, x, !rnd(16));
        PUT(o, rnd(2) ? 0x89 : 0x8b, (uint8_t)(0xc0 | (y & 7) << 3 | (x & 7)));
        break;
    case 2: case 3: /* andl $-32,%eX (several encodings) */
        if (x == 0 && !rnd(3)) {
            PUT(o, 0x25, 0xe0, 0xff, 0xff, rnd(8) ? 0xff : 0x7f);
        } else {
            rex_rm(o, !rnd(16), 0, x, false);
            if (rnd(4))
                PUT(o, 0x83, (uint8_t)(0xe0 | (x & 7)), rnd(8) ? 0xe0 : 0xf0);
            else
                PUT(o, 0x81, (uint8_t)(0xe0 | (x & 7)), 0xe0, 0xff, 0xff, 0xff);
        }
        break;
    case 4: case 5: { /* addq/orq %r14,%rX */
        unsigned src = rnd(8) ? 14 : reg();
        if (rnd(2)) {
            rex_rm(o, rnd(16) != 0, src, x, false);
            PUT(o, rnd(4) ? 0x01 : 0x09, (uint8_t)(0xc0 | (src & 7) << 3 | (x & 7)));
        } else {
            rex_rm(o, rnd(16) != 0, x, src, false);
            PUT(o, rnd(4) ? 0x03 : 0x0b, (uint8_t)(0xc0 | (x & 7) << 3 | (src & 7)));
        }
        break;
    }
    case 6: case 7: /* jmp/call *%rX */
        rex_rm(o, 0, 0, x, false);
        PUT(o, 0xff, (uint8_t)((rnd(2) ? 0xe0 : 0xd0) | (x & 7)));
        break;
    case 8: /* a whole masked branch */
        if (!rnd(4)) { /* the single-thread return, sometimes cut short */
            static const uint8_t st[] = { 0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0x53, 0xc3 };
            size_t k = rnd(4) ? 0 : rnd(9);
            put(o, st + k, sizeof st - k);
            break;
        }
        rex_rm(o, 0, 0, x, false);
        PUT(o, 0x83, (uint8_t)(0xe0 | (x & 7)), 0xe0);
        rex_rm(o, 1, 14, x, false);
        PUT(o, 0x01, (uint8_t)(0xf0 | (x & 7)));
        rex_rm(o, 0, 0, x, false);
        PUT(o, 0xff, (uint8_t)((rnd(2) ? 0xe0 : 0xd0) | (x & 7)));
        break;
    case 9: case 10: /* 32-bit writes to %esp */
        switch (rnd(7)) {
        case 0: PUT(o, 0x89, (uint8_t)(0xc4 | (y & 7) << 3)); break;
        case 1: PUT(o, 0x83, 0xec, (uint8_t)rnd(256)); break;
        case 2: PUT(o, 0x83, 0xc4, (uint8_t)rnd(256)); break;
        case 3: PUT(o, 0x8d, 0x64, 0x24, (uint8_t)rnd(256)); break;
        case 4: PUT(o, 0x81, 0xec, (uint8_t)rnd(256), 0x01, 0, 0); break;
        case 5: PUT(o, 0x83, 0xe4, 0xe0); break;
        default: PUT(o, 0x8b, (uint8_t)(0xe0 | (y & 7))); break;
        }
        break;
    case 11: case 12: /* the re-base */
        switch (rnd(6)) {
        case 0: PUT(o, 0x4c, 0x01, 0xf4); break;
        case 1: PUT(o, 0x4c, 0x09, 0xf4); break;
        case 2: PUT(o, 0x49, 0x03, 0xe6); break;
        case 3: PUT(o, 0x49, 0x0b, 0xe6); break;
        case 4: PUT(o, 0x4a, 0x8d, 0x24, 0x34); break;
        default: PUT(o, 0x4a, 0x8d, 0x64, 0x34, 0x00); break;
        }
        break;
    case 13: { /* runtime call */
        int32_t d = rnd(2) ? 4 : (int32_t)(rnd(64) - 32);
        PUT(o, 0x4c, 0x8d, 0x1d, (uint8_t)d, (uint8_t)(d >> 8), (uint8_t)(d >> 16),
            (uint8_t)(d >> 24));
        PUT(o, 0x41, 0xff, 0x66, (uint8_t)(-32 + 8 * (int)rnd(8)));
        break;
    }
    case 14: /* leaq (%r14,%rX),%rY */
        PUT(o, (uint8_t)(0x4c | (y & 8 ? 0 : 0) | (x & 8 ? 2 : 0)) | (y & 8 ? 0x04 : 0),
            0x8d, (uint8_t)(0x04 | (y & 7) << 3), (uint8_t)(0x06 | (x & 7) << 3));
        break;
    case 15: case 16: { /* plain memory operands */
        static const uint8_t f[][8] = {
            { 5, 0x48, 0x8b, 0x44, 0x24, 0x08 },             /* movq 8(%rsp),%rax */
            { 4, 0x48, 0x89, 0x04, 0x24 },                   /* movq %rax,(%rsp) */
            { 7, 0x48, 0x8b, 0x05, 0x10, 0, 0, 0 },          /* movq 16(%rip),%rax */
            { 7, 0x8b, 0x84, 0x24, 0, 0, 0, 0x10 },          /* movl 256M(%rsp),%eax */
            { 7, 0x8b, 0x84, 0x24, 0x01, 0, 0, 0x10 },       /* 256M+1: too far */
            { 4, 0x49, 0x8b, 0x46, 0x08 },                   /* movq 8(%r14),%rax */
            { 4, 0x49, 0x8b, 0x04, 0x26 },                   /* movq (%r14),%rax SIB */
            { 4, 0x65, 0x67, 0x8b, 0x00 },                   /* movl %gs:(%eax),%eax */
            { 5, 0x65, 0x67, 0x48, 0x89, 0x18 },             /* %gs store */
            { 5, 0x49, 0x8b, 0x04, 0x06 },                   /* (%r14,%rax,1) */
            { 4, 0x48, 0x8b, 0x04, 0x1e },                   /* (%rsi,%rbx,1) */
            { 3, 0x8b, 0x04, 0x64 },                         /* scale w/o index */
            { 6, 0xc7, 0x04, 0x24, 1, 0, 0 },                /* truncated-ish */
            { 7, 0x66, 0x89, 0x44, 0x24, 0x08, 0x90, 0x90 }, /* movw %ax,8(%rsp) */
            { 7, 0x65, 0x67, 0x66, 0x0f, 0xd6, 0x00, 0x90 }, /* movq %xmm0,%gs:(%eax) */
            { 7, 0x66, 0x65, 0x67, 0x0f, 0xd6, 0x00, 0x90 },
            { 5, 0xf3, 0x0f, 0x10, 0x04, 0x24 },             /* movss (%rsp),%xmm0 */
            { 5, 0x0f, 0xa3, 0x04, 0x24, 0x90 },             /* bt %eax,(%rsp) */
            { 4, 0x48, 0x8b, 0x43, 0x08 },                   /* guarded? 8(%rbx) */
        };
        put_row(o, f[rnd(sizeof f / sizeof f[0])], sizeof f[0]);
        break;
    }
    case 17: case 18: { /* prefixed SSE and 16-bit forms */
        static const uint8_t f[][8] = {
            { 4, 0x66, 0x0f, 0x6f, 0xc1 }, { 4, 0x66, 0x0f, 0xef, 0xc0 },
            { 5, 0x66, 0x48, 0x0f, 0x6e, 0xc0 }, { 4, 0xf3, 0x0f, 0x10, 0xc1 },
            { 4, 0xf2, 0x0f, 0x59, 0xc1 }, { 5, 0x66, 0x0f, 0x38, 0x00, 0xc1 },
            { 6, 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08 }, { 5, 0xf3, 0x48, 0x0f, 0xb8, 0xc0 },
            { 3, 0x66, 0x89, 0xc4 }, { 4, 0x66, 0x83, 0xc0, 0x01 },
            { 4, 0x66, 0x41, 0x89, 0xc6 }, { 4, 0x66, 0x0f, 0x7e, 0xc4 },
            { 5, 0x66, 0x49, 0x0f, 0x7e, 0xc6 }, { 4, 0x66, 0x0f, 0xd7, 0xe0 },
            { 6, 0x66, 0x0f, 0x3a, 0x16, 0xc6, 0x01 }, { 2, 0xf3, 0x90 },
            { 3, 0xf3, 0x48, 0xab }, { 4, 0xf2, 0x0f, 0x38, 0xf1 },
            { 4, 0x66, 0x66, 0x0f, 0x6f }, { 4, 0x66, 0xf3, 0x0f, 0x10 },
        };
        put_row(o, f[rnd(sizeof f / sizeof f[0])], sizeof f[0]);
        break;
    }
    case 19: case 20: case 21: { /* direct branches */
        uint64_t here = addr + o->n;
        int64_t t = (int64_t)rnd(4096) - (int64_t)(here & 2047);
        if (!rnd(4))
            t &= ~(int64_t)31;
        switch (rnd(4)) {
        case 0: PUT(o, 0xeb, (uint8_t)(t - 2)); break;
        case 1: PUT(o, (uint8_t)(0x70 | rnd(16)), (uint8_t)(t - 2)); break;
        case 2: { int32_t r = (int32_t)(t - 5);
            PUT(o, rnd(2) ? 0xe9 : 0xe8, (uint8_t)r, (uint8_t)(r >> 8), (uint8_t)(r >> 16),
                (uint8_t)(r >> 24)); break; }
        default: { int32_t r = (int32_t)(t - 6);
            PUT(o, 0x0f, (uint8_t)(0x80 | rnd(16)), (uint8_t)r, (uint8_t)(r >> 8),
                (uint8_t)(r >> 16), (uint8_t)(r >> 24)); break; }
        }
        break;
    }
    case 22: case 23: /* nops */
        switch (rnd(6)) {
        case 0: PUT(o, 0x90); break;
        case 1: PUT(o, 0x66, 0x90); break;
        case 2: PUT(o, 0x0f, 0x1f, 0x00); break;
        case 3: PUT(o, 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00); break;
        case 4: PUT(o, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0); break;
        default: PUT(o, 0x66, 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0); break;
        }
        break;
    case 24: /* random bytes */
        for (unsigned n = 1 + rnd(4); n--;)
            PUT(o, (uint8_t)rnd(256));
        break;
    case 25: /* pad to the bundle end */
        while ((addr + o->n) % 32 && o->n < sizeof o->b)
            PUT(o, 0x90);
        break;
    case 26: /* a guarded string instruction */
        PUT(o, 0x89, 0xff, 0x49, 0x8d, 0x3c, 0x3e, 0xf3, 0x48, 0xab);
        break;
    default: { /* plain register instructions */
        static const uint8_t f[][6] = {
            { 3, 0x48, 0x01, 0xd8 }, { 2, 0x31, 0xc0 }, { 3, 0x48, 0x89, 0xe5 },
            { 3, 0x4c, 0x89, 0xf0 }, { 3, 0x49, 0x89, 0xc6 }, { 2, 0x41, 0x5b },
            { 1, 0x50 }, { 2, 0x41, 0x56 }, { 3, 0x48, 0x63, 0xc7 }, { 3, 0x0f, 0xb6, 0xc0 },
            { 3, 0x0f, 0x94, 0xc0 }, { 3, 0x40, 0x88, 0xc6 }, { 2, 0x88, 0xe0 },
            { 5, 0xb8, 1, 0, 0, 0 }, { 4, 0x48, 0xc1, 0xe0, 0x03 }, { 3, 0x48, 0x85, 0xc0 },
            { 2, 0x5c, 0x90 }, { 3, 0x48, 0x89, 0xc4 }, { 3, 0x48, 0x8d, 0x24 },
        };
        put_row(o, f[rnd(sizeof f / sizeof f[0])], sizeof f[0]);
        break;
    }
    }
}

static void mutate(struct buf *o)
{
    unsigned n = rnd(4);
    for (unsigned i = 0; i < n && o->n; i++) {
        size_t at = rnd((unsigned)o->n);
        switch (rnd(3)) {
        case 0: o->b[at] ^= (uint8_t)(1u << rnd(8)); break;
        case 1: o->b[at] = (uint8_t)rnd(256); break;
        default: /* delete a byte */
            memmove(o->b + at, o->b + at + 1, o->n - at - 1);
            o->n--;
            break;
        }
    }
}

static void run_random(unsigned long n)
{
    struct buf o;
    for (unsigned long it = 0; it < n; it++) {
        uint64_t addr = rnd(8) ? 0x10000 : (rnd(2) ? 0x7ffff000ull + 32 * rnd(64) : 0x700010000ull);
        o.n = 0;
        unsigned nf = 1 + rnd(it % 3 ? 24 : 200);
        bool clean = rnd(2);
        for (unsigned k = 0; k < nf; k++) {
            if (!clean) {
                frag(&o, addr);
                continue;
            }
            /* mostly valid code: whole macro-instructions, no bundle
             * crossing (nops before a fragment that would cross) */
            struct buf t;
            t.n = 0;
            static const uint8_t good[] = { 0, 1, 2, 3, 4, 8, 8, 8, 9, 13, 15, 17, 19, 20,
                                            22, 26, 30, 31, 32, 33 };
            unsigned g = good[rnd(sizeof good)];
            if (g == 9) { /* %esp write + re-base */
                PUT(&t, 0x83, 0xec, 0x10);
                PUT(&t, 0x4c, 0x01, 0xf4);
            } else if (g == 15) {
                PUT(&t, 0x48, 0x8b, 0x44, 0x24, 0x08);
            } else if (g == 17) {
                PUT(&t, 0x66, 0x0f, 0x6f, 0xc1);
            } else {
                frag_kind(&t, addr + o.n, g);
            }
            if ((addr + o.n) % 32 + t.n > 32)
                while ((addr + o.n) % 32)
                    PUT(&o, 0x90);
            put(&o, t.b, t.n);
        }
        if (rnd(clean ? 8 : 2) == 0)
            mutate(&o);
        while (rnd(2) && o.n % 32)
            PUT(&o, 0xcc);
        if (!o.n)
            continue;
        if (addr + o.n > 0x100000000ull && addr < 0x100000000ull)
            addr = 0x10000;
        compare(o.b, o.n, addr, "random");
    }
}

/* ---- every key of the fast tables ------------------------------------ */

static void run_enum(unsigned scale)
{
    static const uint8_t pfx[][4] = {
        { 0 }, { 1, 0x66 }, { 1, 0xf3 }, { 1, 0xf2 }, { 2, 0x65, 0x67 },
        { 3, 0x66, 0x65, 0x67 }, { 3, 0x65, 0x67, 0x66 }, { 3, 0xf3, 0x65, 0x67 },
        { 3, 0x65, 0x67, 0xf2 }, { 2, 0x66, 0x66 }, { 1, 0x2e },
    };
    static const uint8_t esc[][3] = { { 0 }, { 1, 0x0f }, { 2, 0x0f, 0x38 }, { 2, 0x0f, 0x3a } };
    uint8_t b[256];
    unsigned long count = 0;
    for (unsigned pi = 0; pi < sizeof pfx / sizeof pfx[0]; pi++)
    for (unsigned ei = 0; ei < 4; ei++)
    for (int rexi = -1; rexi < 16; rexi++) {
        /* every REX byte for the unprefixed maps, a random one otherwise */
        if ((pi || ei >= 2) && rexi >= 0)
            break;
        for (unsigned op = 0; op < 256; op++)
        for (unsigned m = 0; m < 256; m++) {
            if (scale > 1 && (count++ % scale))
                continue;
            int rex = rexi;
            if ((pi || ei >= 2) && rnd(5) >= 2)
                rex = (int)rnd(16);
            size_t n = 0;
            /* a context that sets, or starts, state in the same bundle */
            unsigned ctx = rnd(12);
            unsigned r = reg();
            switch (ctx) {
            case 0: b[n++] = 0x89; b[n++] = (uint8_t)(0xc0 | (r & 7) * 9); break;
            case 1: b[n++] = 0x83; b[n++] = (uint8_t)(0xe0 | (r & 7)); b[n++] = 0xe0;
                    b[n++] = 0x4c; b[n++] = 0x01; b[n++] = (uint8_t)(0xf0 | (r & 7)); break;
            case 2: b[n++] = 0x83; b[n++] = 0xec; b[n++] = 0x10; break; /* subl $16,%esp */
            case 3: b[n++] = 0x4c; b[n++] = 0x8d; b[n++] = 0x1d; b[n++] = 8;
                    b[n++] = 0; b[n++] = 0; b[n++] = 0; break; /* leaq 8(%rip),%r11 */
            case 4: b[n++] = 0x41; b[n++] = 0x89; b[n++] = 0xc3; /* movl %eax,%r11d */
                    b[n++] = 0x41; b[n++] = 0x83; b[n++] = 0xe3; b[n++] = 0xe0; break;
            case 5: for (unsigned k = rnd(26); k--;) b[n++] = 0x90; break;
            default: break;
            }
            memcpy(b + n, pfx[pi] + 1, pfx[pi][0]);
            n += pfx[pi][0];
            if (rex >= 0)
                b[n++] = (uint8_t)(0x40 | rex);
            memcpy(b + n, esc[ei] + 1, esc[ei][0]);
            n += esc[ei][0];
            b[n++] = (uint8_t)op;
            b[n++] = (uint8_t)m;
            /* what follows: SIB / displacement / immediate bytes */
            switch (rnd(7)) {
            case 0: memset(b + n, 0, 16); break;
            case 1: b[n] = 0x24; memset(b + n + 1, 0, 15); break;
            case 2: b[n] = 0x25; b[n + 1] = 0xe0; memset(b + n + 2, 0xff, 14); break;
            case 3: b[n] = 0x26; b[n + 1] = 0xf0; memset(b + n + 2, 0x0f, 14); break;
            case 4: memset(b + n, 0xcc, 16); break; /* often a whole bundle */
            case 5: b[n] = (uint8_t)next(); memset(b + n + 1, 0xcc, 15); break;
            default: for (int k = 0; k < 16; k++) b[n + k] = (uint8_t)next(); break;
            }
            n += 16;
            memset(b + n, 0xcc, sizeof b - n);
            /* after the instruction, often something that uses state */
            struct x64_insn in;
            size_t at = n - 16 - 2 - esc[ei][0] - (rex >= 0) - pfx[pi][0];
            int len = x64_decode_reference(b + at, sizeof b - at, &in);
            if (len > 0 && rnd(4)) {
                size_t u = at + (size_t)len;
                unsigned r2 = rnd(2) ? r : reg();
                uint8_t use[8];
                size_t un = 0;
                switch (rnd(8)) {
                case 0: case 1:
                    if (r2 & 8)
                        use[un++] = 0x41;
                    use[un++] = 0xff;
                    use[un++] = (uint8_t)((rnd(2) ? 0xe0 : 0xd0) | (r2 & 7));
                    break;
                case 2: use[un++] = 0x4c; use[un++] = 0x01; use[un++] = 0xf4; break;
                case 3: use[un++] = 0x4a; use[un++] = 0x8d; use[un++] = 0x24; use[un++] = 0x34; break;
                case 4: /* movq (%r14,%rX,1),%rax */
                    use[un++] = (uint8_t)(0x49 | (r2 & 8 ? 2 : 0)); use[un++] = 0x8b;
                    use[un++] = 0x04; use[un++] = (uint8_t)(0x06 | (r2 & 7) << 3); break;
                case 5: /* movq (%rX),%rax */
                    use[un++] = (uint8_t)(0x48 | (r2 & 8 ? 1 : 0)); use[un++] = 0x8b;
                    use[un++] = (uint8_t)(0x40 | (r2 & 7)); use[un++] = 0x08; break;
                case 6: use[un++] = 0x41; use[un++] = 0xff; use[un++] = 0x66;
                        use[un++] = 0xf8; break; /* jmpq *-8(%r14) */
                default: use[un++] = 0x90; break;
                }
                if (u + un <= sizeof b) {
                    memcpy(b + u, use, un);
                    memset(b + u + un, 0xcc, sizeof b - u - un);
                }
            }
            /* whole bundles go through the bundle automaton: one at a
             * time, or (256 bytes) 8 at once */
            size_t size = rnd(5) ? 64 + 32 * rnd(4) : 256;
            uint64_t addr = rnd(16) ? 0x10000 : 0xfffff000ull;
            unsigned c = rnd(4);
            compare1(b, size, addr, c & 1, c >> 1, "enum");
            compare1(b, size, addr, !(c & 1), !(c >> 1), "enum");
            /* also with little room left, and at the end of the buffer */
            if (!rnd(8))
                compare1(b, n - 16 + rnd(8), addr, c & 1, c >> 1, "enum-short");
        }
    }
}

/* ---- real code ------------------------------------------------------- */

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    uint8_t *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *nb = realloc(b, cap *= 2);
        if (!nb) {
            free(b);
            b = NULL;
        }
        b = nb;
    }
    fclose(f);
    *size = n;
    return b;
}

static uint64_t rd(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int run_elf(const char *path, unsigned long windows)
{
    size_t size;
    uint8_t *img = slurp(path, &size);
    if (!img || size < 64 || memcmp(img, "\177ELF", 4)) {
        fprintf(stderr, "diff_fastpath: %s: not a readable ELF file\n", path);
        free(img);
        return -1;
    }
    uint64_t phoff = rd(img + 32, 8);
    unsigned phnum = (unsigned)rd(img + 56, 2), phent = (unsigned)rd(img + 54, 2);
    for (unsigned i = 0; i < phnum && phoff + (uint64_t)(i + 1) * phent <= size; i++) {
        const uint8_t *ph = img + phoff + (uint64_t)i * phent;
        if (rd(ph, 4) != 1 || !(rd(ph + 4, 4) & 1))
            continue;
        uint64_t off = rd(ph + 8, 8), vaddr = rd(ph + 16, 8), filesz = rd(ph + 32, 8);
        if (off > size || filesz > size - off)
            continue;
        /* 32-byte aligned start, int3 padding at the end */
        uint64_t skew = vaddr % 32;
        size_t n = (size_t)((skew + filesz + 31) / 32 * 32);
        uint8_t *code = malloc(n + 4096);
        if (!code)
            break;
        memset(code, 0xcc, n + 4096);
        memcpy(code + skew, img + off, filesz);
        uint64_t base = vaddr - skew;
        compare(code, n, base, "elf");
        size_t proven = 0;
        for (size_t k = 0; k < n; k += 32) {
            unsigned st = lfiv_x64_dfa_bundle(code + k, LFIV_MODE_FULL);
            proven += st < DFA_NEND && st != DFA_PENDING;
        }
        printf("%s: segment at 0x%" PRIx64 ": %zu of %zu bundles proven by the bundle "
               "automaton alone (%.1f%%)\n", path, vaddr, proven, n / 32,
               n ? 100.0 * (double)proven / (double)(n / 32) : 0.0);
        struct buf o;
        for (unsigned long w = 0; w < windows && n >= 64; w++) {
            size_t from = 32 * rnd((unsigned)(n / 32));
            size_t len = 32 + rnd(4000);
            if (len > n - from)
                len = n - from;
            o.n = 0;
            put(&o, code + from, len);
            mutate(&o);
            if (o.n)
                compare(o.b, o.n, base + from, "elf-window");
        }
        free(code);
    }
    free(img);
    return 0;
}

int main(int argc, char **argv)
{
    const char *raw = NULL;
    uint64_t base = 0x10000;
    unsigned long nrandom = 0, windows = 20000;
    unsigned scale = 1;
    bool do_enum = false, any = false;
    int first_elf = argc;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--raw") && i + 1 < argc) {
            raw = argv[++i];
            any = true;
        } else if (!strcmp(argv[i], "--base") && i + 1 < argc) {
            base = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--enum")) {
            do_enum = any = true;
        } else if (!strcmp(argv[i], "--random") && i + 1 < argc) {
            nrandom = strtoul(argv[++i], NULL, 0);
            any = true;
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            rng = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--scale") && i + 1 < argc) {
            scale = (unsigned)strtoul(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--windows") && i + 1 < argc) {
            windows = strtoul(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--elf")) {
            first_elf = i + 1;
            any = true;
            break;
        } else if (!strcmp(argv[i], "--stores") || !strcmp(argv[i], "--aligned")) {
            /* run_corpus.py's options: every mode is compared anyway */
        } else {
            fprintf(stderr, "usage: diff_fastpath [--raw FILE [--base ADDR]] [--enum] "
                            "[--random N] [--seed S] [--scale K] [--windows N] "
                            "[--elf FILE...]\n");
            return 2;
        }
    }
    if (!any) {
        do_enum = true;
        nrandom = 200000;
    }
    if (raw) {
        size_t n;
        uint8_t *code = slurp(raw, &n);
        if (!code) {
            fprintf(stderr, "diff_fastpath: %s: cannot read\n", raw);
            return 2;
        }
        for (size_t cut = 0; cut <= 20 && cut <= n; cut++)
            compare(code, n - cut, base, "raw");
        /* In each lane of the bundle automaton: after 0..7 bundles of
         * int3, padded with int3 to whole bundles, at least 8 of them. */
        if (base % 32 == 0 && base >= 0x1000 && n <= 4096) {
            for (size_t lane = 0; lane < 8; lane++) {
                size_t size = (lane * 32 + n + 31) / 32 * 32;
                if (size < 256)
                    size = 256;
                uint8_t *pad = malloc(size);
                if (!pad)
                    return 2;
                memset(pad, 0xcc, size);
                memcpy(pad + lane * 32, code, n);
                compare(pad, size, base - lane * 32, "raw-lanes");
                free(pad);
            }
        }
        free(code);
    }
    if (do_enum)
        run_enum(scale);
    if (nrandom)
        run_random(nrandom);
    for (int i = first_elf; i < argc; i++)
        if (run_elf(argv[i], windows))
            return 2;
    if (!raw || n_fail)
        printf("diff_fastpath: %" PRIu64 " comparisons (%" PRIu64 " accepted, %" PRIu64
               " bundles other than int3 proven by the bundle automaton), %" PRIu64 " mismatches\n",
               n_cmp, n_acc, n_dfa, n_fail);
    if ((do_enum || nrandom) && !n_dfa) {
        printf("diff_fastpath: the bundle automaton proved no bundle: the test "
               "does not reach it\n");
        return 1;
    }
    return n_fail ? 1 : 0;
}
