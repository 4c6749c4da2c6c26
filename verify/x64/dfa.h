/* The verifier's bundle automaton: a byte-level DFA that accepts a subset
 * of what the table paths of verify_x64.c (fast_step, fast_nop,
 * fast_setter, fast_rebase) accept, generated at build time from the same
 * tables (gen_dfa.c). Run over one 32-byte bundle from state DFA_START, it
 * passes through one of the end states below after every instruction; a
 * bundle whose last byte leaves it in an end state other than DFA_PENDING,
 * and whose direct branches pass the target checks, is proven fine with
 * no register state carried; anything else goes to the exact loop.
 * Internal to liblfiv. */
#ifndef LFIV_X64_DFA_H
#define LFIV_X64_DFA_H

#include <stdint.h>

#include "x64/fasttab.h"

/* End states: an instruction ended at this byte. Ids below DFA_NEND. */
enum {
    DFA_START,     /* plain instruction (also the state at a bundle start) */
    DFA_MASKED,    /* andl $0xffffffe0,%r11d (41 83 e3 e0) */
    DFA_TGT,       /* ... then addq %r14,%r11 (4d 01 f3) */
    DFA_PENDING,   /* 32-bit write to %esp: only a re-base may follow */
    DFA_STPUSH,    /* ... DFA_TGT, then pushq %r11 (41 53) */
    DFA_BR8,       /* direct branch, rel8 in the last byte */
    DFA_BR32,      /* direct branch or call, rel32 in the last 4 bytes */
    DFA_JMPCHAIN,  /* ... then jmpq *%r11 (41 ff e3): 2 non-targets */
    DFA_CALLCHAIN, /* ... then callq *%r11 (41 ff d3), only at the bundle end */
    DFA_REB3,      /* re-base of %rsp, 3 bytes: 1 non-target */
    DFA_REB4,      /* re-base of %rsp, 4 bytes (4a 8d 24 34) */
    DFA_STRET,     /* ... DFA_STPUSH, then retq (c3): the return of a
                      single-threaded box, valid only with
                      LFIV_SINGLE_THREAD; 3 non-targets */
    DFA_NEND,
    DFA_FAIL = DFA_NEND, /* absorbing: the bundle goes to the exact loop */
};
/* End states that need work after the run: DFA_BR8 .. DFA_STRET. */
#define DFA_SPECIAL_LO DFA_BR8

/* Transitions: next = table[state * 256 + byte]; one table for full
 * sandboxing (every memory operand checked), one for stores-only. */
extern FT_HIDDEN const uint16_t x64_dfa_full[];
extern FT_HIDDEN const uint16_t x64_dfa_stores[];

#endif
