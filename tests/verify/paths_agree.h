/* The x86-64 verifier's two paths on one buffer: lfiv_verify (the
 * table-driven fast path) against lfiv_verify_x64_reference (every
 * instruction through the reference decoder and the full rules). Shared by
 * tests/verify/diff_fastpath.c and tests/fuzz/fuzz_verify_x64_diff.c. */
#ifndef LFI_TESTS_PATHS_AGREE_H
#define LFI_TESTS_PATHS_AGREE_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <lfiv.h>

#include "x64/verify_x64.h"

struct paths_verdict {
    int rc;
    struct lfiv_violation v;
    struct lfiv_stats st;
};

/* Runs both paths; true when they agree completely: the return code, the
 * statistics and, on a rejection, the whole violation (rule, address,
 * bytes, disassembly, message). a: the fast path's verdict, b: the
 * reference's. */
static inline bool paths_agree(const uint8_t *code, size_t size, uint64_t addr, int mode,
                               unsigned flags, struct paths_verdict *a, struct paths_verdict *b)
{
    struct lfiv_options o = { LFIV_ARCH_X64, (enum lfiv_mode)mode, flags };
    memset(a, 0, sizeof *a);
    memset(b, 0, sizeof *b);
    a->rc = lfiv_verify(&o, code, size, addr, &a->v, &a->st);
    b->rc = lfiv_verify_x64_reference(&o, code, size, addr, &b->v, &b->st);
    bool same = a->rc == b->rc && a->st.bytes == b->st.bytes &&
                a->st.instructions == b->st.instructions;
    if (same && a->rc == LFIV_REJECTED)
        same = a->v.rule == b->v.rule && a->v.addr == b->v.addr &&
               a->v.nbytes == b->v.nbytes && !memcmp(a->v.bytes, b->v.bytes, a->v.nbytes) &&
               !strcmp(a->v.disasm, b->v.disasm) && !strcmp(a->v.message, b->v.message);
    return same;
}

/* The code, 32 bytes (a bundle) per line, to stderr. */
static inline void paths_dump_code(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s%02x", i % 32 ? " " : "\n   ", p[i]);
    fprintf(stderr, "\n");
}

/* Prints both verdicts of a disagreement to stderr (the code follows). */
static inline void paths_print_mismatch(const char *tool, const char *what, int mode,
                                        unsigned flags, uint64_t addr, size_t size,
                                        const struct paths_verdict *a,
                                        const struct paths_verdict *b)
{
    char ta[512], tb[512];
    lfiv_format_violation(&a->v, ta, sizeof ta);
    lfiv_format_violation(&b->v, tb, sizeof tb);
    fprintf(stderr,
            "%s: MISMATCH (%s) mode %s flags %u at 0x%" PRIx64 ", %zu bytes:\n"
            "  fast:      rc %d, %" PRIu64 " insns, %" PRIu64 " bytes: %s\n"
            "  reference: rc %d, %" PRIu64 " insns, %" PRIu64 " bytes: %s\n  code:",
            tool, what, mode ? "stores" : "full", flags, addr, size, a->rc,
            a->st.instructions, a->st.bytes, a->rc == LFIV_OK ? "accepted" : ta, b->rc,
            b->st.instructions, b->st.bytes, b->rc == LFIV_OK ? "accepted" : tb);
}

#endif
