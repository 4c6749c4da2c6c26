/* Shared helpers of liblfiv's architecture back ends. */
#ifndef LFIV_VERIFY_INTERNAL_H
#define LFIV_VERIFY_INTERNAL_H

#include <lfiv.h>

/* Fill *v (if not NULL) for the instruction at code[off] (len bytes, or as
 * many as are available if len is 0). */
void lfiv_set_violation(struct lfiv_violation *v, enum lfiv_arch arch,
                        const uint8_t *code, size_t size, size_t off,
                        uint64_t addr, int len, enum lfiv_rule rule,
                        const char *msg);

/* Disassemble one instruction into buf (AT&T syntax); "(bad)" if it cannot.
 * Returns the instruction's length as the disassembler sees it, or 0. */
size_t lfiv_disasm(enum lfiv_arch arch, const uint8_t *p, size_t n, uint64_t addr,
                   char *buf, size_t bufsz);

#endif
