/* libFuzzer target for the x86-64 verifier.
 *
 * Build with LFI_FUZZ_STRUCTURED=0 (the default) to feed the input bytes to
 * lfiv_verify as code, or LFI_FUZZ_STRUCTURED=1 to turn them into LFI code
 * with the structured generator (x64_gen.c), which the verifier accepts
 * often. Either way, every buffer is verified at 0x10000 in full and
 * stores-only mode, with and without LFIV_ALIGNED_TARGETS, and once more in
 * another 4 GiB box; then
 *  - whatever is accepted must pass the Zydis-based oracle (x64_oracle.c);
 *  - accepted in full mode implies accepted in stores-only mode, accepted
 *    with aligned targets implies accepted without, and the verdict does not
 *    depend on which box the code is in;
 *  - a rejection names a rule and an address inside the buffer.
 * A failed check prints the input and the reason and traps.
 *
 * Without libFuzzer (LFI_FUZZ_STANDALONE), main() runs the same checks on
 * pseudo-random inputs: fuzz_verify_x64 [iterations] [seed]. */
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

#define BASE 0x10000ull
#define BASE_OTHER_BOX 0x700010000ull

static uint64_t n_runs, n_bytes, n_insns;
static uint64_t n_acc[4]; /* full, stores, full+aligned, stores+aligned */
static uint64_t n_rule[32];
static uint64_t n_edge_acc;

static void print_stats(void)
{
    fprintf(stderr,
            "lfi-fuzz(%s): %" PRIu64 " inputs, accepted: %" PRIu64 " full, %" PRIu64
            " stores-only, %" PRIu64 " full+aligned, %" PRIu64 " stores+aligned, %" PRIu64
            " at box edges; %" PRIu64 " instructions in accepted code\n",
            LFI_FUZZ_STRUCTURED ? "structured" : "bytes", n_runs, n_acc[0], n_acc[1], n_acc[2],
            n_acc[3], n_edge_acc, n_insns);
    fprintf(stderr, "lfi-fuzz: first rejection rule (full mode):");
    for (int r = 0; r < 32; r++)
        if (n_rule[r])
            fprintf(stderr, " %s=%" PRIu64, r ? lfiv_rule_name((enum lfiv_rule)r) : "none",
                    n_rule[r]);
    fprintf(stderr, "\n");
}

static void dump_and_trap(const uint8_t *code, size_t size, const char *what)
{
    fprintf(stderr, "\nlfi-fuzz: CHECK FAILED: %s\ncode (%zu bytes at 0x%llx):", what, size,
            (unsigned long long)BASE);
    for (size_t i = 0; i < size; i++)
        fprintf(stderr, "%s%02x", i % 32 ? " " : "\n  ", code[i]);
    fprintf(stderr, "\n");
    print_stats();
    __builtin_trap();
}

static int verify(const uint8_t *code, size_t size, uint64_t addr, int mode, unsigned flags,
                  struct lfiv_violation *v, struct lfiv_stats *st)
{
    struct lfiv_options o = { LFIV_ARCH_X64, (enum lfiv_mode)mode, flags };
    return lfiv_verify(&o, code, size, addr, v, st);
}

static void check_code(const uint8_t *code, size_t size)
{
    static const struct {
        int mode;
        unsigned flags;
        const char *name;
    } cfg[4] = {
        { LFIV_MODE_FULL, 0, "full" },
        { LFIV_MODE_STORES, 0, "stores-only" },
        { LFIV_MODE_FULL, LFIV_ALIGNED_TARGETS, "full, aligned targets" },
        { LFIV_MODE_STORES, LFIV_ALIGNED_TARGETS, "stores-only, aligned targets" },
    };
    int rc[4];
    char msg[1024];
    n_runs++;
    n_bytes += size;
    for (int k = 0; k < 4; k++) {
        struct lfiv_violation v;
        struct lfiv_stats st;
        memset(&v, 0, sizeof v);
        rc[k] = verify(code, size, BASE, cfg[k].mode, cfg[k].flags, &v, &st);
        if (rc[k] == LFIV_OK) {
            n_acc[k]++;
            if (k == 0)
                n_insns += st.instructions;
            struct x64_oracle_report r;
            int orc = x64_oracle_check(code, size, BASE, cfg[k].mode, cfg[k].flags, &r);
            if (orc < 0)
                continue; /* out of memory in the oracle */
            if (orc != 0) {
                char line[512];
                x64_oracle_format(&r, line, sizeof line);
                snprintf(msg, sizeof msg, "lfiv_verify (%s) accepts, the oracle objects: %s",
                         cfg[k].name, line);
                dump_and_trap(code, size, msg);
            }
        } else if (rc[k] == LFIV_REJECTED) {
            if (k == 0)
                n_rule[v.rule < 32 ? v.rule : 0]++;
            bool in = v.addr >= BASE && v.addr <= BASE + size;
            if (v.rule == LFIV_RULE_NONE || !in) {
                snprintf(msg, sizeof msg, "rejection (%s) with rule %d at 0x%" PRIx64,
                         cfg[k].name, (int)v.rule, v.addr);
                dump_and_trap(code, size, msg);
            }
            char line[512];
            lfiv_format_violation(&v, line, sizeof line);
        } else if (!(rc[k] == LFIV_EINVAL && size == 0)) {
            snprintf(msg, sizeof msg, "lfiv_verify (%s) returns %d", cfg[k].name, rc[k]);
            dump_and_trap(code, size, msg);
        }
    }
    if (rc[0] == LFIV_OK && rc[1] != LFIV_OK)
        dump_and_trap(code, size, "accepted in full mode but rejected in stores-only mode");
    if (rc[2] == LFIV_OK && rc[0] != LFIV_OK)
        dump_and_trap(code, size, "accepted with aligned targets but rejected without");
    if (rc[3] == LFIV_OK && rc[1] != LFIV_OK)
        dump_and_trap(code, size, "accepted (stores) with aligned targets but rejected without");
    struct lfiv_violation v2;
    int rc2 = verify(code, size, BASE_OTHER_BOX, LFIV_MODE_FULL, 0, &v2, NULL);
    if ((rc2 == LFIV_OK) != (rc[0] == LFIV_OK))
        dump_and_trap(code, size, "the verdict depends on the 4 GiB box the code is in");

    /* At the edges of a box, and at the top of the address space, branches
     * leave the box sooner: the verdict may change, but whatever is
     * accepted must still pass the oracle. */
    uint64_t span = (size + 31) & ~(uint64_t)31;
    const uint64_t edges[3] = { 0x800000000ull - span, 0x800000000ull, 0 - span };
    for (int k = 0; k < 3; k++) {
        if (span == 0 || span > (1u << 20))
            break;
        if (verify(code, size, edges[k], LFIV_MODE_FULL, 0, &v2, NULL) != LFIV_OK)
            continue;
        n_edge_acc++;
        struct x64_oracle_report r;
        if (x64_oracle_check(code, size, edges[k], LFIV_MODE_FULL, 0, &r) == 1) {
            char line[512];
            x64_oracle_format(&r, line, sizeof line);
            snprintf(msg, sizeof msg, "lfiv_verify at 0x%" PRIx64 " accepts, the oracle "
                     "objects: %s", edges[k], line);
            dump_and_trap(code, size, msg);
        }
    }
}

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
    static uint8_t code[X64_GEN_MAX];
    size_t n = x64_gen(data, size, code);
    check_code(code, n);
#else
    check_code(data, size);
#endif
    return 0;
}

#ifdef LFI_FUZZ_STANDALONE
/* Deterministic driver for builds without libFuzzer. */
#include "fuzz_standalone.h"

int main(int argc, char **argv)
{
    uint64_t iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eed;
    LLVMFuzzerInitialize(&argc, &argv);
    static uint8_t buf[1024];
    for (uint64_t it = 0; it < iters; it++) {
        size_t n = 1 + next() % (LFI_FUZZ_STRUCTURED ? sizeof buf : 96);
        for (size_t i = 0; i < n; i += 8) {
            uint64_t v = next();
            memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
        }
#if !LFI_FUZZ_STRUCTURED
        /* raw bytes are almost never accepted: make many of them nops */
        if (it % 4 == 0)
            for (size_t i = 0; i < n; i++)
                if (buf[i] & 1)
                    buf[i] = 0x90;
#endif
        LLVMFuzzerTestOneInput(buf, n);
    }
    return 0;
}
#endif
