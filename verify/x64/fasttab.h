/* The verifier's fast-path table: for the one-byte and 0f maps, indexed by
 * opcode and the byte after it (the ModRM byte where there is one), what
 * the common, unprefixed (or %gs-prefixed, REX-prefixed) forms of an
 * instruction need to be checked. It is generated at build time from the
 * reference decoder (gen_fasttab.c), so it cannot disagree with it about
 * anything it records; what it does not record sends the instruction to
 * the full path. Internal to liblfiv. */
#ifndef LFIV_X64_FASTTAB_H
#define LFIV_X64_FASTTAB_H

#include <stdint.h>

#define FT_LEN      0x0000000fu /* opcode .. immediate, without REX/0f/prefixes */
#define FT_OK       (1u << 4)   /* usable by the fast path */
#define FT_SIB      (1u << 5)   /* a SIB byte follows the ModRM byte */
#define FT_REXW     (1u << 6)   /* REX.W allowed */
#define FT_REXR     (1u << 7)
#define FT_REXX     (1u << 8)
#define FT_REXB     (1u << 9)   /* (with a SIB: unless it has no base) */
#define FT_IMMV     (1u << 10)  /* REX.W makes the immediate 4 bytes longer */
#define FT_MEM      (1u << 11)  /* memory operand that is accessed */
#define FT_MEMW     (1u << 12)  /* ... and written */
#define FT_RIP      (1u << 13)  /* %rip-relative */
#define FT_WREG     (1u << 14)  /* writes the ModRM.reg general register */
#define FT_WRM      (1u << 15)  /* writes the ModRM.rm general register */
#define FT_WOPR     (1u << 16)  /* writes the register in the opcode */
#define FT_REGB     (1u << 17)  /* written reg/opcode register is 8-bit */
#define FT_RMB      (1u << 18)  /* written rm register is 8-bit */
#define FT_REX40    (1u << 19)  /* a bare REX (40) is allowed */
#define FT_WREQ     (1u << 20)  /* REX.W required */
#define FT_SEGUE    (1u << 21)  /* 65 67 allowed */
#define FT_DISP32   (1u << 22)  /* a 32-bit displacement after ModRM/SIB */
#define FT_MOD0     (1u << 23)  /* ModRM.mod == 0 */
#define FT_NOP      (1u << 24)  /* keeps register state */
#define FT_BR8      (1u << 25)  /* direct branch, rel8 is the last byte */
#define FT_BR32     (1u << 26)  /* direct branch or call, rel32 the last 4 */
#define FT_SETCHK   (1u << 27)  /* may be a state-setting shape: see fast_step */

extern const uint32_t x64_fasttab[2][256][256];

#endif
