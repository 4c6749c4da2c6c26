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

#endif
