/* liblfirewrite: turn GNU assembly into LFI-sandboxed GNU assembly.
 *
 * The rewriter is not trusted: whatever it produces must still pass the
 * verifier (docs/verifier.md). Its job is to produce code that does, for
 * every input it accepts, and to refuse with a precise message (file:line)
 * any input it cannot make safe. docs/rewriter.md describes the rules.
 */
#ifndef LFI_REWRITE_H
#define LFI_REWRITE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum lfi_rw_sandbox {
    LFI_RW_FULL = 0,   /* loads, stores and control flow */
    LFI_RW_STORES = 1, /* stores and control flow; loads are left alone */
};

/* Which assembler will read the output. Calls must end at a bundle end:
 * LLVM's integrated assembler does that with `.bundle_lock align_to_end`,
 * GNU as (2.40) does not have it, so the rewriter pads with `.nops` whose
 * size the assembler computes from the position. ANY emits both, selected
 * with `.ifdef .gasversion.` (a symbol only GNU as defines). */
enum lfi_rw_assembler {
    LFI_RW_AS_ANY = 0,
    LFI_RW_AS_GNU = 1,
    LFI_RW_AS_LLVM = 2,
};

struct lfi_rw_options {
    enum lfi_rw_sandbox sandbox;
    enum lfi_rw_assembler assembler;
    /* Align every label that is a branch target or whose address is taken
     * to 32 bytes, so that the public reference verifier (which requires
     * every direct branch target to be a bundle start) accepts the code.
     * Without it only labels that can be reached indirectly (functions,
     * global symbols, labels whose address is taken) are aligned. */
    bool align_labels;
    /* Inside each function that uses %r14 (for instance code from a
     * compiler that cannot reserve it, such as clang 14), rename %r14 to a
     * callee-saved register the function does not use. It is an error if
     * there is none. Without it any use of %r14 is an error. */
    bool rename_r14;
    /* For hand-written assembly that saves and restores %r14 as an ordinary
     * callee-saved register (musl's setjmp/longjmp): storing %r14 to memory
     * (`mov %r14, M`, `push %r14`) is kept, and a 64-bit restore
     * (`mov M, %r14`, `pop %r14`) is dropped (with `pop` becoming a stack
     * adjustment), since inside a sandbox %r14 always holds the base that
     * was saved. Any other use of %r14 stays an error. */
    bool r14_is_base;
    /* Code for a single-threaded sandbox (lfi-cc --single-thread): `ret`
     * becomes `popq %r11 ; andl $0xffffffe0, %r11d ; addq %r14, %r11 ;
     * pushq %r11 ; retq` instead of ending in `jmpq *%r11`, so that returns
     * are predicted by the CPU's return stack. Sound only when no other
     * thread can write the stack slot between the push and the ret: the
     * verifier accepts this form only with LFIV_SINGLE_THREAD, which the
     * runtime uses only for boxes that run one context at most. */
    bool single_thread;
    /* List every return (without single_thread): a label right before its
     * `jmpq *%r11` and that label's address in the non-allocated section
     * `.lfi.rets` (8-byte entries). A runtime that runs a program in a
     * single-threaded box may turn those jumps into `pushq %r11 ; retq`
     * (the same 3 bytes, docs/toolchain.md) and verifies the result; the
     * list is a hint, never trusted. */
    bool mark_returns;
};

/* One diagnostic: "FILE:LINE: what: why". */
struct lfi_rw_diag {
    unsigned line;
    char *msg;
};

struct lfi_rw_result {
    char *out;      /* the rewritten assembly (NUL-terminated), NULL on error */
    size_t outlen;
    struct lfi_rw_diag *diags; /* errors: the parser's, then the rules' */
    size_t ndiags;
    /* Counters, for reports. */
    size_t n_stmts, n_insns, n_rewritten;
};

/* Rewrite `len` bytes of x86-64 GNU assembly (AT&T syntax). `name` is used
 * in diagnostics. Returns 0 on success (res->out set), 1 if the input has
 * errors (res->diags set, res->out NULL), -1 if out of memory. */
int lfi_rewrite_x64(const struct lfi_rw_options *opts, const char *name,
                    const char *src, size_t len, struct lfi_rw_result *res);

void lfi_rw_result_free(struct lfi_rw_result *res);

#ifdef __cplusplus
}
#endif

#endif
