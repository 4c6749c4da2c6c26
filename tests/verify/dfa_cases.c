/* The bundle automaton (verify/x64/dfa.h) on hand-picked bundles: what it
 * must prove on its own (common compiler and rewriter output), what it
 * must refuse because the rules forbid it (the verifier then rejects the
 * bundle through the exact loop), and what it leaves to the exact loop
 * although the verifier accepts it. Each case is padded with nops (90) in
 * front to a whole bundle; the whole verifier is also run on 8 copies of
 * it (so the automaton sees it in every lane) and on one, and must give
 * the expected verdict. Exit status 0 when every case behaves as listed. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <lfiv.h>

#include "x64/dfa.h"
#include "x64/verify_x64.h"

enum expect {
    PROVEN,   /* the automaton proves it; the verifier accepts */
    REFUSED,  /* the automaton refuses; the verifier rejects */
    DEFERRED, /* the automaton refuses; the verifier accepts */
};

struct dcase {
    const char *what;
    int mode;          /* LFIV_MODE_FULL or LFIV_MODE_STORES */
    unsigned flags;    /* lfiv_options.flags */
    enum expect expect;
    int last;          /* expected last state, or -1 */
    unsigned n;
    uint8_t b[32];
};

#define F LFIV_MODE_FULL
#define S LFIV_MODE_STORES
#define CF(what, mode, flags, expect, last, ...)                                  \
    { what, mode, flags, expect, last, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ } }
#define C(what, mode, expect, last, ...) CF(what, mode, 0, expect, last, __VA_ARGS__)
#define ST LFIV_SINGLE_THREAD

static const struct dcase cases[] = {
    C("nops", F, PROVEN, DFA_START, 0x90),
    C("assembler padding", F, PROVEN, DFA_START, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0),
    C("masked jmp *%r11 (a return)", F, PROVEN, DFA_JMPCHAIN,
      0x41, 0x5b, 0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0xff, 0xe3),
    C("masked call *%r11 at the bundle end", F, PROVEN, DFA_CALLCHAIN,
      0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0xff, 0xd3),
    C("subl $16,%esp ; addq %r14,%rsp", F, PROVEN, DFA_REB3,
      0x83, 0xec, 0x10, 0x4c, 0x01, 0xf4),
    C("leal 8(%rsp),%esp ; leaq (%rsp,%r14),%rsp", F, PROVEN, DFA_REB4,
      0x8d, 0x64, 0x24, 0x08, 0x4a, 0x8d, 0x24, 0x34),
    C("movq %gs:(%ecx),%rax", F, PROVEN, DFA_START, 0x65, 0x67, 0x48, 0x8b, 0x01),
    C("movq 8(%rsp),%rax", F, PROVEN, DFA_START, 0x48, 0x8b, 0x44, 0x24, 0x08),
    C("movq 8(%r14),%rax", F, PROVEN, DFA_START, 0x49, 0x8b, 0x46, 0x08),
    C("movq 0(%rip),%rax", F, PROVEN, DFA_START, 0x48, 0x8b, 0x05, 0, 0, 0, 0),
    C("disp32 = +256 MiB", F, PROVEN, DFA_START, 0x48, 0x8b, 0x84, 0x24, 0, 0, 0, 0x10),
    C("disp32 = -256 MiB", F, PROVEN, DFA_START, 0x48, 0x8b, 0x84, 0x24, 0, 0, 0, 0xf0),
    C("movq (%rbx),%rax in stores-only mode", S, PROVEN, DFA_START, 0x48, 0x8b, 0x03),
    C("call to the next instruction", F, PROVEN, DFA_BR32, 0xe8, 0, 0, 0, 0),
    C("jmp to the next bundle", F, PROVEN, DFA_BR8, 0xeb, 0x00),
    C("movl %eax,%r11d ; movq %rbx,%rcx ; paddd %xmm1,%xmm0", F, PROVEN, DFA_START,
      0x41, 0x89, 0xc3, 0x48, 0x89, 0xd9, 0x66, 0x0f, 0xfe, 0xc1),

    CF("single-thread return", F, ST, PROVEN, DFA_STRET,
       0x41, 0x5b, 0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0x53, 0xc3),
    CF("single-thread return, stores-only", S, ST, PROVEN, DFA_STRET,
       0x41, 0x5b, 0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0x53, 0xc3),
    CF("single-thread return followed by code", F, ST, PROVEN, DFA_START,
       0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0x53, 0xc3, 0x90),

    C("movq %rax,%r14", F, REFUSED, -1, 0x49, 0x89, 0xc6),
    C("single-thread return without the flag", F, REFUSED, DFA_STRET,
      0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0x53, 0xc3),
    CF("ret after pushq %r11 without the mask", F, ST, REFUSED, -1, 0x41, 0x53, 0xc3),
    CF("ret after the mask without the push", F, ST, REFUSED, -1,
       0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0xc3),
    CF("nop between push and ret", F, ST, REFUSED, -1,
       0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0x53, 0x90, 0xc3),
    C("movl %eax,%r14d", F, REFUSED, -1, 0x41, 0x89, 0xc6),
    C("leaq (%r12),%r14", F, REFUSED, -1, 0x4d, 0x8d, 0x34, 0x24),
    C("movq %rax,%rsp", F, REFUSED, -1, 0x48, 0x89, 0xc4),
    C("shll $3,%r14d", F, REFUSED, -1, 0x41, 0xc1, 0xe6, 0x03),
    C("sarl $38,%esp", F, REFUSED, -1, 0xc1, 0xfc, 0x26),
    C("popq %r14", F, REFUSED, -1, 0x41, 0x5e),
    C("REX.B on a byte register write: movb $1,%r14b", F, REFUSED, -1, 0x41, 0xb6, 0x01),
    C("movl %eax,%esp without re-base", F, REFUSED, DFA_PENDING, 0x89, 0xc4),
    C("jmp *%rax", F, REFUSED, -1, 0xff, 0xe0),
    C("jmp *%r11 unmasked", F, REFUSED, -1, 0x41, 0xff, 0xe3),
    C("masked call not at the bundle end", F, REFUSED, -1,
      0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0xff, 0xd3, 0x90),
    C("andl $-16 instead of -32", F, REFUSED, -1,
      0x41, 0x83, 0xe3, 0xf0, 0x4d, 0x01, 0xf3, 0x41, 0xff, 0xe3),
    C("movq (%rbx),%rax", F, REFUSED, -1, 0x48, 0x8b, 0x03),
    C("movq %rax,(%rbx) in stores-only mode", S, REFUSED, -1, 0x48, 0x89, 0x03),
    C("disp32 = 256 MiB + 1", F, REFUSED, -1, 0x48, 0x8b, 0x84, 0x24, 1, 0, 0, 0x10),
    C("disp32 = -256 MiB - 1", F, REFUSED, -1, 0x48, 0x8b, 0x84, 0x24, 0xff, 0xff, 0xff, 0xef),
    C("(%rsp,%rax) with an index", F, REFUSED, -1, 0x48, 0x8b, 0x04, 0x04),
    C("btq %rax,(%r14)", F, REFUSED, -1, 0x49, 0x0f, 0xa3, 0x06),
    C("67 without %gs", F, REFUSED, -1, 0x67, 0x8b, 0x01),
    C("%gs without 67", F, REFUSED, -1, 0x65, 0x8b, 0x01),
    C("%fs:(%ecx)", F, REFUSED, -1, 0x64, 0x67, 0x8b, 0x01),
    C("rep stosq", F, REFUSED, -1, 0xf3, 0x48, 0xab),
    C("syscall", F, REFUSED, -1, 0x0f, 0x05),
    C("ret", F, REFUSED, -1, 0xc3),
    C("66-prefixed call", F, REFUSED, -1, 0x66, 0xe8, 0, 0),
    C("call crossing the bundle end", F, REFUSED, -1, 0x90, 0xe8, 0, 0), /* e8 00 00 | 90 90 */
    C("jmp out of the box", F, REFUSED, DFA_BR32, 0xe9, 0, 0, 0, 0x80),
    C("jmp into the middle of an instruction", F, REFUSED, DFA_START,
      0xeb, 0x01, 0x48, 0x8b, 0x05, 0, 0, 0, 0),

    C("nop inside the masked jmp", F, DEFERRED, -1,
      0x41, 0x83, 0xe3, 0xe0, 0x90, 0x4d, 0x01, 0xf3, 0x41, 0xff, 0xe3),
    C("masked jmp *%rax", F, DEFERRED, -1,
      0x83, 0xe0, 0xe0, 0x4c, 0x01, 0xf0, 0xff, 0xe0),
    C("movl %eax,%eax ; movq (%r14,%rax),%rcx", F, DEFERRED, -1,
      0x89, 0xc0, 0x49, 0x8b, 0x0c, 0x06),
};

int main(void)
{
    int bad = 0;
    unsigned n = sizeof cases / sizeof cases[0];
    for (unsigned k = 0; k < n; k++) {
        const struct dcase *t = &cases[k];
        uint8_t bundle[32], code[256];
        /* the case at the end of the bundle, nops in front */
        memset(bundle, 0x90, sizeof bundle);
        memcpy(bundle + 32 - t->n, t->b, t->n);
        unsigned last = lfiv_x64_dfa_bundle(bundle, t->mode);
        bool proven = last < DFA_NEND && last != DFA_PENDING;
        for (int c = 0; c < 8; c++)
            memcpy(code + 32 * c, bundle, 32);
        struct lfiv_options o = { .arch = LFIV_ARCH_X64, .mode = t->mode,
                                  .flags = t->flags };
        struct lfiv_violation v;
        /* 8 copies (the automaton's 8 lanes), and 1 (one bundle alone) */
        int rc = lfiv_verify(&o, code, sizeof code, 0x10000, &v, NULL);
        int rc1 = lfiv_verify(&o, code, 32, 0x10000, &v, NULL);
        if (rc1 != rc)
            rc = -1; /* the two must agree */
        bool ok = true;
        if (t->expect == PROVEN)
            ok = proven && rc == LFIV_OK;
        else if (t->expect == REFUSED)
            ok = rc == LFIV_REJECTED;
        else
            ok = !proven && rc == LFIV_OK;
        /* REFUSED cases with a direct branch: the automaton ends in the
         * branch state; the target check after it refuses. */
        if (t->expect == REFUSED && t->last < 0)
            ok = ok && !proven;
        if (t->last >= 0)
            ok = ok && last == (unsigned)t->last;
        if (!ok) {
            printf("FAIL: %s: automaton state %u (%s), verifier %d\n", t->what, last,
                   proven ? "proven" : "not proven", rc);
            bad++;
        }
    }
    printf("dfa_cases: %u cases, %d failed\n", n, bad);
    return bad ? 1 : 0;
}
