/* libFuzzer target: the x86-64 verifier's fast path against its reference.
 *
 * lfiv_verify (the table-driven fast paths of verify/x64/verify_x64.c) must
 * give exactly the verdict of lfiv_verify_x64_reference (every instruction
 * through x64_decode_reference and check_insn_full), on any bytes: the same
 * return code, the same statistics (bytes, instructions) and, on a
 * rejection, the same violation (rule, address = first violation offset,
 * bytes, disassembly, message). Every input is checked in full and
 * stores-only mode, with and without LFIV_ALIGNED_TARGETS and
 * LFIV_SINGLE_THREAD, at 0x10000 and in another 4 GiB box, and once more
 * with its bytes from an offset (first input byte, mod 32) on, so that the
 * bundle alignment of mutated real code varies too.
 *
 * Seeds: random bytes work, but real code reaches the fast paths' corners
 * faster: tests/fuzz/mkseeds_x64.py cuts the executable segments of ELF
 * files (the ELF files in bench/work/corpus, say) into seed files.
 *
 * A mismatch prints both verdicts and the code, then traps.
 *
 * Without libFuzzer (LFI_FUZZ_STANDALONE): fuzz_verify_x64_diff [N [SEED]]
 * runs N pseudo-random inputs (random bytes, and mutated LFI-like code built
 * from a few fixed fragments).
 *
 * In the test suite: fuzz-x64-diff (standalone, 200,000 inputs) and
 * libfuzzer-x64-diff (60 s). Longer, with seeds of real code:
 *   tests/fuzz/mkseeds_x64.py bench/work/fuzz-diff-seeds CORPUS_ELF_FILES...
 *   mkdir -p bench/work/fuzz-diff-work
 *   BUILD/tests/fuzz/libfuzz_x64_diff bench/work/fuzz-diff-work bench/work/fuzz-diff-seeds \
 *     -max_total_time=600 -max_len=4096 -timeout=10 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../verify/paths_agree.h"

#define BASE 0x10000ull
#define BASE_OTHER_BOX 0x700010000ull

static uint64_t n_runs, n_cmp, n_acc;

static void compare1(const uint8_t *code, size_t size, uint64_t addr, int mode,
                     unsigned flags)
{
    struct paths_verdict a, b;
    bool same = paths_agree(code, size, addr, mode, flags, &a, &b);
    n_cmp++;
    n_acc += a.rc == LFIV_OK;
    if (same)
        return;
    paths_print_mismatch("fuzz_verify_x64_diff", "fuzz input", mode, flags, addr, size, &a, &b);
    paths_dump_code(code, size);
    __builtin_trap();
}

static void compare(const uint8_t *code, size_t size, uint64_t addr)
{
    for (int mode = 0; mode < 2; mode++)
        for (unsigned flags = 0; flags < 4; flags++) /* ALIGNED_TARGETS, SINGLE_THREAD */
            compare1(code, size, addr, mode, flags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    n_runs++;
    /* A private copy: the verifier must not read past `size`, and ASan
     * sees it if it does. */
    uint8_t *code = malloc(size ? size : 1);
    if (!code)
        return 0;
    memcpy(code, data, size);
    compare(code, size, BASE);
    compare(code, size, BASE_OTHER_BOX);
    if (size > 1) {
        size_t skip = 1 + data[0] % 32;
        if (skip < size) {
            memmove(code, code + skip, size - skip);
            compare(code, size - skip, BASE);
        }
    }
    free(code);
    return 0;
}

#ifdef LFI_FUZZ_STANDALONE
#include "fuzz_standalone.h"

/* A few fragments of LFI code (setters, masked branches, the %rsp re-base,
 * runtime calls, guarded and plain memory operands, nops, branches). */
static const uint8_t frags[][12] = {
    { 2, 0x89, 0xc0 },                         /* movl %eax,%eax */
    { 3, 0x83, 0xe0, 0xe0 },                   /* andl $-32,%eax */
    { 3, 0x4c, 0x01, 0xf0 },                   /* addq %r14,%rax */
    { 2, 0xff, 0xe0 },                         /* jmp *%rax */
    { 2, 0xff, 0xd0 },                         /* call *%rax */
    { 4, 0x4a, 0x8d, 0x04, 0x30 },             /* leaq (%rax,%r14),%rax */
    { 4, 0x65, 0x67, 0x8b, 0x07 },             /* mov %gs:(%edi),%eax */
    { 5, 0x48, 0x8b, 0x44, 0x24, 0x08 },       /* mov 8(%rsp),%rax */
    { 4, 0x41, 0x8b, 0x46, 0x10 },             /* mov 16(%r14),%eax */
    { 3, 0x83, 0xec, 0x10 },                   /* subl $16,%esp */
    { 3, 0x4c, 0x01, 0xf4 },                   /* addq %r14,%rsp */
    { 7, 0x4c, 0x8d, 0x1d, 0x06, 0, 0, 0 },    /* leaq 6(%rip),%r11 */
    { 4, 0x41, 0xff, 0x66, 0xf8 },             /* jmpq *-8(%r14) */
    { 2, 0x66, 0x90 },
    { 5, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
    { 11, 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0 },
    { 2, 0x74, 0x05 },                         /* je .+7 */
    { 5, 0xe8, 0x1b, 0, 0, 0 },                /* call .+32 */
    { 1, 0xc3 },                               /* ret */
    { 4, 0x66, 0x0f, 0xef, 0xc0 },             /* pxor %xmm0,%xmm0 */
    { 3, 0x48, 0x31, 0xc1 },                   /* xor %rax,%rcx */
};

int main(int argc, char **argv)
{
    uint64_t iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    static uint8_t buf[1024];
    for (uint64_t it = 0; it < iters; it++) {
        size_t n = 0, want = 1 + next() % sizeof buf;
        if (next() % 4 == 0) {
            while (n < want)
                buf[n++] = (uint8_t)next();
        } else {
            while (n < want) {
                const uint8_t *f = frags[next() % (sizeof frags / sizeof frags[0])];
                for (unsigned k = 0; k < f[0] && n < want; k++)
                    buf[n++] = f[1 + k];
            }
            for (unsigned m = (unsigned)(next() % 4); m > 0; m--)
                buf[next() % n] = (uint8_t)next();
        }
        LLVMFuzzerTestOneInput(buf, n);
    }
    fprintf(stderr, "fuzz_verify_x64_diff: %" PRIu64 " inputs, %" PRIu64
            " comparisons, %" PRIu64 " accepted; no mismatch\n", n_runs, n_cmp, n_acc);
    return 0;
}
#endif
