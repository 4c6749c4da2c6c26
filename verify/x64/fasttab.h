/* The verifier's fast-path tables: for the one-byte and 0f maps, with no
 * prefix, with 66 (operand size or mandatory prefix) or with a mandatory
 * f2/f3, and for the 66 0f 38 and 66 0f 3a maps, indexed by opcode and the
 * byte after it (the ModRM byte where there is one), what the common forms
 * of an instruction (optionally with 65 67 and a REX byte) need to be
 * checked. They are generated at build time from the reference decoder
 * (gen_fasttab.c), so they cannot disagree with it about anything they
 * record; what they do not record sends the instruction to the full path.
 * Internal to liblfiv. */
#ifndef LFIV_X64_FASTTAB_H
#define LFIV_X64_FASTTAB_H

#include <stdint.h>

/* The fast maps: prefix and opcode map before the opcode byte. */
enum {
    FM_1B, FM_0F,         /* no prefix (x64_fasttab) */
    FM_66_1B, FM_66_0F,   /* 66 (x64_fastpfx_*) */
    FM_F3_0F, FM_F2_0F,
    FM_66_0F38, FM_66_0F3A,
    FM_N
};

#define FT_LEN      0x0000000fu /* opcode .. immediate, without REX/0f/prefixes,
                                   and without a SIB's no-base disp32 */
#define FT_SIB      (1u << 4)   /* a SIB byte follows the ModRM byte */
#define FT_IMMV     (1u << 5)   /* REX.W makes the immediate 4 bytes longer */
#define FT_MEM      (1u << 6)   /* memory operand that is read or written */
#define FT_MEMW     (1u << 7)   /* ... and written */
#define FT_SEGUE    (1u << 8)   /* 65 67 allowed (with any allowed REX) */
#define FT_NOP      (1u << 9)   /* keeps register state */
#define FT_BR8      (1u << 10)  /* direct branch, rel8 is the last byte */
#define FT_BR32     (1u << 11)  /* direct branch or call, rel32 the last 4 */
#define FT_SETCHK   (1u << 12)  /* may set or use register state, or write
                                   %esp: see fast_setter (FM_1B only) */
/* Bits FT_OKX_SHIFT + k, k = 0..15: the instruction is allowed with REX
 * 0x40 + k, and then writes neither %rsp nor %r14 (unless FT_SETCHK:
 * fast_setter checks its writes); bit FT_OKX_SHIFT + 16: the same without
 * REX. An entry with no such bit is not usable by the fast path. */
#define FT_OKX_SHIFT 13
#define FT_OKX_NOREX 16
#define FT_OKX      (0x1ffffu << FT_OKX_SHIFT)

/* Hidden: addressed directly, not through the GOT. */
#define FT_HIDDEN __attribute__((visibility("hidden")))
extern FT_HIDDEN const uint32_t x64_fasttab[2][256][256];
/* The maps FM_66_1B.. as rows shared between opcodes:
 * x64_fastpfx_rows[x64_fastpfx_row[fm - FM_66_1B][op]][byte]. */
extern FT_HIDDEN const uint16_t x64_fastpfx_row[FM_N - FM_66_1B][256];
extern FT_HIDDEN const uint32_t x64_fastpfx_rows[][256];

#endif
