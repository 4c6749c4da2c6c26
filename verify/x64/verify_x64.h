#ifndef LFIV_VERIFY_X64_H
#define LFIV_VERIFY_X64_H

#include <lfiv.h>

int lfiv_verify_x64(const struct lfiv_options *opts, const uint8_t *code,
                    size_t size, uint64_t addr, struct lfiv_violation *v,
                    struct lfiv_stats *stats);

/* The same verdict without any fast path: every instruction through
 * x64_decode_reference and the complete rule check. For tests (the fast
 * paths must agree with it exactly) and benchmarks; options must be valid
 * (lfiv_verify checks them). */
int lfiv_verify_x64_reference(const struct lfiv_options *opts, const uint8_t *code,
                              size_t size, uint64_t addr, struct lfiv_violation *v,
                              struct lfiv_stats *stats);

/* The bundle automaton alone (dfa.h) on one 32-byte bundle: its state
 * after the last byte (an end state below DFA_NEND other than DFA_PENDING
 * means "proven fine, up to the direct-branch target checks"). For tests. */
unsigned lfiv_x64_dfa_bundle(const uint8_t *bundle, int mode);

#endif
