#ifndef LFIV_VERIFY_X64_H
#define LFIV_VERIFY_X64_H

#include <lfiv.h>

int lfiv_verify_x64(const struct lfiv_options *opts, const uint8_t *code,
                    size_t size, uint64_t addr, struct lfiv_violation *v,
                    struct lfiv_stats *stats);

#endif
