/* An independent checker for code that liblfiv accepted (x86-64).
 *
 * The oracle re-derives the sandboxing rules of docs/verifier.md from the
 * Zydis decoder alone (operand actions and visibility, register classes,
 * instruction categories) and uses x64_decode only to compare instruction
 * boundaries. It is deliberately written without looking at the verifier's
 * rule code: the register-state model is simpler and, where that is sound,
 * more permissive, so a disagreement points at a real verifier problem or at
 * a documented policy the oracle models differently.
 *
 * Internal to the tests. */
#ifndef LFI_TESTS_X64_ORACLE_H
#define LFI_TESTS_X64_ORACLE_H

#include <stddef.h>
#include <stdint.h>

struct x64_oracle_report {
    uint64_t addr;      /* address of the instruction the oracle objects to */
    size_t offset;      /* its offset in the buffer */
    uint8_t bytes[15];  /* its bytes (as many as are available) */
    uint8_t nbytes;
    char disasm[96];    /* Zydis AT&T text, or "(bad)" */
    char message[256];  /* what the oracle found */
};

/* Check `size` bytes at `addr` (32-byte aligned) that liblfiv accepted with
 * the given mode (enum lfiv_mode) and flags (LFIV_ALIGNED_TARGETS). Returns 0
 * if the oracle agrees that the code is safe, 1 with *r filled for the first
 * disagreement, -1 on allocation failure. Thread-safe. */
int x64_oracle_check(const uint8_t *code, size_t size, uint64_t addr,
                     int mode, unsigned flags, struct x64_oracle_report *r);

/* One line "0x10020 (+0x20): 48 89 c6  mov ...: message" into buf. */
int x64_oracle_format(const struct x64_oracle_report *r, char *buf, size_t n);

/* The context-free part of the check (forbidden instructions, ISA
 * extensions, register classes, prefixes) on the one instruction at p.
 * Returns 0 if it passes, 1 with *r filled if not, 2 if Zydis cannot decode
 * it. */
int x64_oracle_insn_policy(const uint8_t *p, size_t avail, struct x64_oracle_report *r);

/* Length of the instruction at p as Zydis decodes it in 64-bit mode, with
 * Intel (vendor = 0) or AMD (vendor = 1) branch semantics; 0 if Zydis cannot
 * decode it. Used by the differential tests. */
int x64_oracle_zydis_length(const uint8_t *p, size_t avail, int vendor);

/* AT&T disassembly by Zydis into buf ("(bad)" if undecodable). */
void x64_oracle_disasm(const uint8_t *p, size_t avail, char *buf, size_t n);

#endif
