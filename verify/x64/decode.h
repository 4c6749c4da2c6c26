/* x86-64 instruction decoder restricted to the LFI encoding allowlist.
 * Internal to liblfiv (also used by its tests and benchmarks). */
#ifndef LFIV_X64_DECODE_H
#define LFIV_X64_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Register numbers: 0..15 = rax..r15. */
enum {
    X64_RAX = 0, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
    X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15,
    X64_RIP = 16,
    X64_NOREG = 0xff,
};

/* Opcode maps. */
enum { X64_MAP_1B = 0, X64_MAP_0F = 1, X64_MAP_0F38 = 2, X64_MAP_0F3A = 3 };

/* Prefix bits in x64_insn.pfx. */
enum {
    X64_P_66 = 1 << 0,
    X64_P_67 = 1 << 1,
    X64_P_F2 = 1 << 2,
    X64_P_F3 = 1 << 3,
    X64_P_LOCK = 1 << 4,
    X64_P_GS = 1 << 5,
    X64_P_VEX = 1 << 6,
};

/* Instruction kinds that the rules treat specially. */
enum x64_kind {
    X64_K_PLAIN = 1,
    X64_K_NOP,        /* multi-byte nop, pause, endbr64: no effect */
    X64_K_LEA,
    X64_K_BRANCH,     /* direct jmp/jcc/jrcxz (rel in x64_insn.rel) */
    X64_K_CALL,       /* direct call rel32 */
    X64_K_JMP_IND,    /* ff /4 */
    X64_K_CALL_IND,   /* ff /2 */
    X64_K_STRING,     /* movs cmps stos lods scas */
    X64_K_BT_REG,     /* bt/bts/btr/btc with a register bit offset */
};

/* String instruction pointer use (x64_insn.str). */
enum {
    X64_STR_RDI_R = 1, X64_STR_RDI_W = 2, X64_STR_RSI_R = 4,
};

struct x64_insn {
    uint8_t len;        /* total length in bytes */
    uint8_t kind;       /* enum x64_kind */
    uint8_t map;        /* X64_MAP_* */
    uint8_t op;         /* opcode byte within the map */
    uint8_t modrm;      /* ModRM byte (if has_modrm) */
    uint8_t has_modrm;
    uint8_t pfx;        /* X64_P_* */
    uint8_t rex;        /* REX byte or 0 */
    uint8_t opsize;     /* GPR operand size in bytes: 1, 2, 4 or 8 */
    uint8_t str;        /* X64_STR_* for string instructions */
    /* Explicit register destinations (ModRM.reg, ModRM.rm, opcode
     * register, VEX.vvvv), X64_NOREG where unused. Implicit writes
     * (cpuid, cqo, mul, string pointers, 'op %al,imm' forms ...) are NOT
     * listed: none of the allowed instructions writes %rsp (other than
     * push/pop/call) or %r14 implicitly, and the verifier forgets all
     * register state on every instruction that is not a known setter or a
     * nop, so it never relies on this list being complete for other
     * registers. 'byte' writes of 4..7 without REX are %ah..%bh and are
     * not listed, since they never touch %rsp. */
    uint8_t wreg[3];
    uint16_t wmask;     /* the same registers as a bit mask */
    /* Memory operand. */
    uint8_t has_mem;    /* 0 none, else bit 0 read, bit 1 write, bit 2 no access (lea/nop) */
    uint8_t base;       /* X64_*, X64_RIP or X64_NOREG */
    uint8_t index;      /* X64_* or X64_NOREG */
    uint8_t scale;      /* 1, 2, 4, 8 */
    int32_t disp;
    int32_t rel;        /* branch displacement (direct branches) */
    uint32_t imm;       /* low 32 bits of the immediate (if any) */
};

enum { X64_MEM_R = 1, X64_MEM_W = 2, X64_MEM_NOACCESS = 4 };

/* Decode one instruction from p[0..avail). Returns its length (1..15) and
 * fills *in; 0 if the bytes are not an allowed encoding; -1 if the
 * instruction would run past `avail` bytes. */
int x64_decode(const uint8_t *p, size_t avail, struct x64_insn *in);

/* The reference path of the decoder, without any fast path for common
 * encodings; tests check that both agree. (Today they are the same.) */
int x64_decode_reference(const uint8_t *p, size_t avail, struct x64_insn *in);

#endif
