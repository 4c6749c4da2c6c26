/* Table-driven x86-64 decoder that knows only the encodings LFI allows.
 *
 * Every byte sequence it accepts has one meaning on Intel and AMD CPUs:
 * prefixes are canonical (no repeats, no ignored REX bits, no prefix the
 * opcode does not define), so the CPU and the verifier always agree on
 * instruction lengths. Whatever is not in the tables is rejected.
 * See docs/verifier.md. */
#include "x64/decode.h"

#include <string.h>

/* Entry flags. */
#define M    (1u << 0)  /* has a ModRM byte */
#define MEMO (1u << 1)  /* only the memory form exists */
#define REGO (1u << 2)  /* only the register form exists */
#define RW   (1u << 3)  /* ModRM.reg is a general register that is written */
#define MW   (1u << 4)  /* ModRM.rm is written (register, or memory store) */
#define MR   (1u << 5)  /* the memory operand is read */
#define W    (1u << 6)  /* REX.W/VEX.W selects a 64-bit operand size */
#define O16  (1u << 7)  /* 66 may select a 16-bit operand size */
#define LK   (1u << 8)  /* LOCK allowed (memory form) */
#define B8   (1u << 9)  /* all general-register operands are 8-bit */
#define RMB  (1u << 10) /* ModRM.rm (only) is an 8-bit general register */
#define OR   (1u << 11) /* register number in opcode bits 0..2 */
#define ORW  (1u << 12) /* ... which is written */
#define D64  (1u << 13) /* default operand size is 64 bits */
#define EXT  (1u << 14) /* ModRM.reg is an opcode extension */
#define VW   (1u << 15) /* VEX.vvvv names a written general register */
#define NA   (1u << 16) /* the memory operand is not accessed (lea, nop) */
#define RMX  (1u << 17) /* ModRM.rm register is a vector/x87 register */
#define WREQ (1u << 18) /* REX.W is required */
#define VV   (1u << 19) /* VEX.vvvv is an operand (else it must be 1111) */
#define REP  (1u << 20) /* rep prefixes allowed (string instructions) */
#define REPNE (1u << 21) /* repne allowed too (cmps, scas) */
#define GRP  (1u << 22) /* look up ModRM.reg in a group table */
#define X87  (1u << 23) /* x87 escape */
#define SPEC (1u << 24) /* handled by code (0f 01, 0f ae, 0f c7, 0f 1e, 90) */
#define VALID (1u << 31)

/* Immediate kinds. */
enum { I0, I8, I16, IZ, IV, R8, R32 };

struct entry {
    uint32_t f;
    uint8_t imm;
    uint8_t kind;
    uint8_t grp;
    uint8_t str;
};

#define E(fl, im, kd) { (fl) | VALID, (im), (kd), 0, 0 }
#define P(fl) E(fl, I0, X64_K_PLAIN)
#define PI(fl, im) E(fl, im, X64_K_PLAIN)
#define G(fl, im, g) { (fl) | GRP | VALID, (im), X64_K_PLAIN, (g), 0 }
#define S(fl, st) { (fl) | VALID, I0, X64_K_STRING, 0, (st) }

/* Groups (indexed by ModRM.reg). */
enum { G_ALU = 1, G_SHIFT, G_F6, G_F7, G_FE, G_FF, G_C6, G_C7, G_8F, G_BA,
       G_PREFETCH, G_PREFETCHW, G_NOP, G_SETCC, G_PS71, G_PS72, G_PS73, G_BLS, NGROUPS };

#define ALU_RMW (MW | MR | LK)
static const struct entry groups[NGROUPS][8] = {
    [G_ALU] = { P(ALU_RMW), P(ALU_RMW), P(ALU_RMW), P(ALU_RMW),
                P(ALU_RMW), P(ALU_RMW), P(ALU_RMW), P(MR) },
    [G_SHIFT] = { P(MW | MR), P(MW | MR), P(MW | MR), P(MW | MR),
                  P(MW | MR), P(MW | MR), {0}, P(MW | MR) },
    [G_F6] = { PI(MR, I8), {0}, P(ALU_RMW), P(ALU_RMW),
               P(MR), P(MR), P(MR), P(MR) },
    [G_F7] = { PI(MR, IZ), {0}, P(ALU_RMW), P(ALU_RMW),
               P(MR), P(MR), P(MR), P(MR) },
    [G_FE] = { P(ALU_RMW), P(ALU_RMW) },
    [G_FF] = { P(ALU_RMW | W | O16), P(ALU_RMW | W | O16),
               E(MR | D64, I0, X64_K_CALL_IND), {0},
               E(MR | D64, I0, X64_K_JMP_IND), {0},
               P(MR | D64), {0} },
    [G_C6] = { PI(MW, I8) },
    [G_C7] = { PI(MW | W | O16, IZ) },
    [G_8F] = { P(MW | D64) },
    [G_BA] = { {0}, {0}, {0}, {0}, P(MR), P(ALU_RMW), P(ALU_RMW), P(ALU_RMW) },
    [G_PREFETCH] = { P(MR | MEMO), P(MR | MEMO), P(MR | MEMO), P(MR | MEMO) },
    [G_PREFETCHW] = { {0}, P(MR | MEMO) },
    [G_NOP] = { E(NA, I0, X64_K_NOP) },
    [G_SETCC] = { P(MW | RMB) },
    [G_PS71] = { {0}, {0}, P(0), {0}, P(0), {0}, P(0), {0} },
    [G_PS72] = { {0}, {0}, P(0), {0}, P(0), {0}, P(0), {0} },
    [G_PS73] = { {0}, {0}, P(0), P(0), {0}, {0}, P(0), P(0) },
    [G_BLS] = { {0}, P(MR), P(MR), P(MR) },
};

/* One-byte opcode map. */
#define ALU_ROW(b, rmw, lk) \
    [b + 0] = P(M | B8 | (rmw ? MW : 0) | MR | lk), \
    [b + 1] = P(M | W | O16 | (rmw ? MW : 0) | MR | lk), \
    [b + 2] = P(M | B8 | (rmw ? RW : 0) | MR), \
    [b + 3] = P(M | W | O16 | (rmw ? RW : 0) | MR), \
    [b + 4] = PI(B8, I8), \
    [b + 5] = PI(W | O16, IZ)

static const struct entry map1b[256] = {
    ALU_ROW(0x00, 1, LK), ALU_ROW(0x08, 1, LK), ALU_ROW(0x10, 1, LK),
    ALU_ROW(0x18, 1, LK), ALU_ROW(0x20, 1, LK), ALU_ROW(0x28, 1, LK),
    ALU_ROW(0x30, 1, LK), ALU_ROW(0x38, 0, 0),
    [0x50] = P(OR | D64), [0x51] = P(OR | D64), [0x52] = P(OR | D64),
    [0x53] = P(OR | D64), [0x54] = P(OR | D64), [0x55] = P(OR | D64),
    [0x56] = P(OR | D64), [0x57] = P(OR | D64),
    [0x58] = P(OR | ORW | D64), [0x59] = P(OR | ORW | D64),
    [0x5a] = P(OR | ORW | D64), [0x5b] = P(OR | ORW | D64),
    [0x5c] = P(OR | ORW | D64), [0x5d] = P(OR | ORW | D64),
    [0x5e] = P(OR | ORW | D64), [0x5f] = P(OR | ORW | D64),
    [0x63] = P(M | RW | MR | W | WREQ),
    [0x68] = PI(D64, IZ),
    [0x69] = PI(M | RW | MR | W | O16, IZ),
    [0x6a] = PI(D64, I8),
    [0x6b] = PI(M | RW | MR | W | O16, I8),
    [0x70] = E(0, R8, X64_K_BRANCH), [0x71] = E(0, R8, X64_K_BRANCH),
    [0x72] = E(0, R8, X64_K_BRANCH), [0x73] = E(0, R8, X64_K_BRANCH),
    [0x74] = E(0, R8, X64_K_BRANCH), [0x75] = E(0, R8, X64_K_BRANCH),
    [0x76] = E(0, R8, X64_K_BRANCH), [0x77] = E(0, R8, X64_K_BRANCH),
    [0x78] = E(0, R8, X64_K_BRANCH), [0x79] = E(0, R8, X64_K_BRANCH),
    [0x7a] = E(0, R8, X64_K_BRANCH), [0x7b] = E(0, R8, X64_K_BRANCH),
    [0x7c] = E(0, R8, X64_K_BRANCH), [0x7d] = E(0, R8, X64_K_BRANCH),
    [0x7e] = E(0, R8, X64_K_BRANCH), [0x7f] = E(0, R8, X64_K_BRANCH),
    [0x80] = G(M | EXT | B8, I8, G_ALU),
    [0x81] = G(M | EXT | W | O16, IZ, G_ALU),
    [0x83] = G(M | EXT | W | O16, I8, G_ALU),
    [0x84] = P(M | B8 | MR),
    [0x85] = P(M | W | O16 | MR),
    [0x86] = P(M | B8 | RW | MW | MR | LK),
    [0x87] = P(M | W | O16 | RW | MW | MR | LK),
    [0x88] = P(M | B8 | MW),
    [0x89] = P(M | W | O16 | MW),
    [0x8a] = P(M | B8 | RW | MR),
    [0x8b] = P(M | W | O16 | RW | MR),
    [0x8d] = E(M | MEMO | W | O16 | RW | NA, I0, X64_K_LEA),
    [0x8f] = G(M | EXT, I0, G_8F),
    [0x90] = P(SPEC),
    [0x91] = P(OR | ORW | W | O16), [0x92] = P(OR | ORW | W | O16),
    [0x93] = P(OR | ORW | W | O16), [0x94] = P(OR | ORW | W | O16),
    [0x95] = P(OR | ORW | W | O16), [0x96] = P(OR | ORW | W | O16),
    [0x97] = P(OR | ORW | W | O16),
    [0x98] = P(W | O16), [0x99] = P(W | O16),
    [0x9b] = P(0), [0x9e] = P(0), [0x9f] = P(0),
    [0xa4] = S(B8 | REP, X64_STR_RDI_W | X64_STR_RSI_R),
    [0xa5] = S(W | O16 | REP, X64_STR_RDI_W | X64_STR_RSI_R),
    [0xa6] = S(B8 | REP | REPNE, X64_STR_RDI_R | X64_STR_RSI_R),
    [0xa7] = S(W | O16 | REP | REPNE, X64_STR_RDI_R | X64_STR_RSI_R),
    [0xa8] = PI(B8, I8),
    [0xa9] = PI(W | O16, IZ),
    [0xaa] = S(B8 | REP, X64_STR_RDI_W),
    [0xab] = S(W | O16 | REP, X64_STR_RDI_W),
    [0xac] = S(B8 | REP, X64_STR_RSI_R),
    [0xad] = S(W | O16 | REP, X64_STR_RSI_R),
    [0xae] = S(B8 | REP | REPNE, X64_STR_RDI_R),
    [0xaf] = S(W | O16 | REP | REPNE, X64_STR_RDI_R),
    [0xb0] = PI(OR | ORW | B8, I8), [0xb1] = PI(OR | ORW | B8, I8),
    [0xb2] = PI(OR | ORW | B8, I8), [0xb3] = PI(OR | ORW | B8, I8),
    [0xb4] = PI(OR | ORW | B8, I8), [0xb5] = PI(OR | ORW | B8, I8),
    [0xb6] = PI(OR | ORW | B8, I8), [0xb7] = PI(OR | ORW | B8, I8),
    [0xb8] = PI(OR | ORW | W | O16, IV), [0xb9] = PI(OR | ORW | W | O16, IV),
    [0xba] = PI(OR | ORW | W | O16, IV), [0xbb] = PI(OR | ORW | W | O16, IV),
    [0xbc] = PI(OR | ORW | W | O16, IV), [0xbd] = PI(OR | ORW | W | O16, IV),
    [0xbe] = PI(OR | ORW | W | O16, IV), [0xbf] = PI(OR | ORW | W | O16, IV),
    [0xc0] = G(M | EXT | B8, I8, G_SHIFT),
    [0xc1] = G(M | EXT | W | O16, I8, G_SHIFT),
    [0xc6] = G(M | EXT | B8, I0, G_C6),
    [0xc7] = G(M | EXT, I0, G_C7),
    [0xcc] = P(0),
    [0xd0] = G(M | EXT | B8, I0, G_SHIFT),
    [0xd1] = G(M | EXT | W | O16, I0, G_SHIFT),
    [0xd2] = G(M | EXT | B8, I0, G_SHIFT),
    [0xd3] = G(M | EXT | W | O16, I0, G_SHIFT),
    [0xd8] = P(M | EXT | X87), [0xd9] = P(M | EXT | X87),
    [0xda] = P(M | EXT | X87), [0xdb] = P(M | EXT | X87),
    [0xdc] = P(M | EXT | X87), [0xdd] = P(M | EXT | X87),
    [0xde] = P(M | EXT | X87), [0xdf] = P(M | EXT | X87),
    [0xe3] = E(0, R8, X64_K_BRANCH),
    [0xe8] = E(D64, R32, X64_K_CALL),
    [0xe9] = E(0, R32, X64_K_BRANCH),
    [0xeb] = E(0, R8, X64_K_BRANCH),
    [0xf4] = P(0), [0xf5] = P(0),
    [0xf6] = G(M | EXT | B8, I0, G_F6),
    [0xf7] = G(M | EXT | W | O16, I0, G_F7),
    [0xf8] = P(0), [0xf9] = P(0), [0xfc] = P(0), [0xfd] = P(0),
    [0xfe] = G(M | EXT | B8, I0, G_FE),
    [0xff] = G(M | EXT, I0, G_FF),
};

/* Two-byte map (0f xx), by mandatory prefix: [0] none, [1] 66, [2] f3,
 * [3] f2. A general-purpose instruction in column 0 with O16 also serves
 * the 66 column when that column is empty. */
#define SSE P(M | MR)                 /* xmm <- xmm/mem */
#define SSEI PI(M | MR, I8)
#define SSEST P(M | MW | RMX)         /* xmm/mem <- xmm */
#define GPR2 P(M | RW | MR | W | O16) /* reg <- reg/mem, general */
#define JCC32 E(0, R32, X64_K_BRANCH)
#define BT(fl) E(M | W | O16 | MR | (fl), I0, X64_K_BT_REG)

static const struct entry map0f[4][256] = {
    [0] = {
        [0x01] = P(SPEC), [0x0b] = P(0),
        [0x0d] = G(M | EXT | MEMO, I0, G_PREFETCHW),
        [0x10] = SSE, [0x11] = SSEST, [0x12] = SSE,
        [0x13] = P(M | MEMO | MW), [0x14] = SSE, [0x15] = SSE, [0x16] = SSE,
        [0x17] = P(M | MEMO | MW),
        [0x18] = G(M | EXT | MEMO, I0, G_PREFETCH),
        [0x1f] = G(M | EXT | O16, I0, G_NOP),
        [0x28] = SSE, [0x29] = SSEST, [0x2b] = P(M | MEMO | MW),
        [0x2e] = SSE, [0x2f] = SSE,
        [0x40] = GPR2, [0x41] = GPR2, [0x42] = GPR2, [0x43] = GPR2,
        [0x44] = GPR2, [0x45] = GPR2, [0x46] = GPR2, [0x47] = GPR2,
        [0x48] = GPR2, [0x49] = GPR2, [0x4a] = GPR2, [0x4b] = GPR2,
        [0x4c] = GPR2, [0x4d] = GPR2, [0x4e] = GPR2, [0x4f] = GPR2,
        [0x50] = P(M | REGO | RW | RMX | W),
        [0x51] = SSE, [0x52] = SSE, [0x53] = SSE, [0x54] = SSE,
        [0x55] = SSE, [0x56] = SSE, [0x57] = SSE, [0x58] = SSE,
        [0x59] = SSE, [0x5a] = SSE, [0x5b] = SSE, [0x5c] = SSE,
        [0x5d] = SSE, [0x5e] = SSE, [0x5f] = SSE,
        [0x80] = JCC32, [0x81] = JCC32, [0x82] = JCC32, [0x83] = JCC32,
        [0x84] = JCC32, [0x85] = JCC32, [0x86] = JCC32, [0x87] = JCC32,
        [0x88] = JCC32, [0x89] = JCC32, [0x8a] = JCC32, [0x8b] = JCC32,
        [0x8c] = JCC32, [0x8d] = JCC32, [0x8e] = JCC32, [0x8f] = JCC32,
        [0x90] = G(M | EXT, I0, G_SETCC), [0x91] = G(M | EXT, I0, G_SETCC),
        [0x92] = G(M | EXT, I0, G_SETCC), [0x93] = G(M | EXT, I0, G_SETCC),
        [0x94] = G(M | EXT, I0, G_SETCC), [0x95] = G(M | EXT, I0, G_SETCC),
        [0x96] = G(M | EXT, I0, G_SETCC), [0x97] = G(M | EXT, I0, G_SETCC),
        [0x98] = G(M | EXT, I0, G_SETCC), [0x99] = G(M | EXT, I0, G_SETCC),
        [0x9a] = G(M | EXT, I0, G_SETCC), [0x9b] = G(M | EXT, I0, G_SETCC),
        [0x9c] = G(M | EXT, I0, G_SETCC), [0x9d] = G(M | EXT, I0, G_SETCC),
        [0x9e] = G(M | EXT, I0, G_SETCC), [0x9f] = G(M | EXT, I0, G_SETCC),
        [0xa2] = P(0),
        [0xa3] = BT(0),
        [0xa4] = PI(M | MW | MR | W | O16, I8),
        [0xa5] = P(M | MW | MR | W | O16),
        [0xab] = BT(MW | LK),
        [0xac] = PI(M | MW | MR | W | O16, I8),
        [0xad] = P(M | MW | MR | W | O16),
        [0xae] = P(M | SPEC),
        [0xaf] = GPR2,
        [0xb0] = P(M | B8 | MW | MR | LK),
        [0xb1] = P(M | W | O16 | MW | MR | LK),
        [0xb3] = BT(MW | LK),
        [0xb6] = P(M | RW | MR | RMB | W | O16),
        [0xb7] = P(M | RW | MR | W),
        [0xba] = G(M | EXT | W | O16, I8, G_BA),
        [0xbb] = BT(MW | LK),
        [0xbc] = GPR2, [0xbd] = GPR2,
        [0xbe] = P(M | RW | MR | RMB | W | O16),
        [0xbf] = P(M | RW | MR | W),
        [0xc0] = P(M | B8 | RW | MW | MR | LK),
        [0xc1] = P(M | W | O16 | RW | MW | MR | LK),
        [0xc2] = SSEI,
        [0xc3] = P(M | MEMO | MW | W),
        [0xc6] = SSEI,
        [0xc7] = P(M | SPEC),
        [0xc8] = P(OR | ORW | W), [0xc9] = P(OR | ORW | W),
        [0xca] = P(OR | ORW | W), [0xcb] = P(OR | ORW | W),
        [0xcc] = P(OR | ORW | W), [0xcd] = P(OR | ORW | W),
        [0xce] = P(OR | ORW | W), [0xcf] = P(OR | ORW | W),
    },
    [1] = { /* 66 */
        [0x10] = SSE, [0x11] = SSEST, [0x12] = P(M | MEMO | MR),
        [0x13] = P(M | MEMO | MW), [0x14] = SSE, [0x15] = SSE,
        [0x16] = P(M | MEMO | MR), [0x17] = P(M | MEMO | MW),
        [0x28] = SSE, [0x29] = SSEST, [0x2b] = P(M | MEMO | MW),
        [0x2e] = SSE, [0x2f] = SSE,
        [0x50] = P(M | REGO | RW | RMX | W),
        [0x51] = SSE, [0x54] = SSE, [0x55] = SSE, [0x56] = SSE,
        [0x57] = SSE, [0x58] = SSE, [0x59] = SSE, [0x5a] = SSE,
        [0x5b] = SSE, [0x5c] = SSE, [0x5d] = SSE, [0x5e] = SSE,
        [0x5f] = SSE,
        [0x60] = SSE, [0x61] = SSE, [0x62] = SSE, [0x63] = SSE,
        [0x64] = SSE, [0x65] = SSE, [0x66] = SSE, [0x67] = SSE,
        [0x68] = SSE, [0x69] = SSE, [0x6a] = SSE, [0x6b] = SSE,
        [0x6c] = SSE, [0x6d] = SSE,
        [0x6e] = P(M | MR | W),
        [0x6f] = SSE,
        [0x70] = SSEI,
        [0x71] = G(M | EXT | REGO | RMX, I8, G_PS71),
        [0x72] = G(M | EXT | REGO | RMX, I8, G_PS72),
        [0x73] = G(M | EXT | REGO | RMX, I8, G_PS73),
        [0x74] = SSE, [0x75] = SSE, [0x76] = SSE,
        [0x7c] = SSE, [0x7d] = SSE,
        [0x7e] = P(M | MW | W),
        [0x7f] = SSEST,
        [0xc2] = SSEI,
        [0xc4] = SSEI,
        [0xc5] = PI(M | REGO | RW | RMX | W, I8),
        [0xc6] = SSEI,
        [0xd0] = SSE, [0xd1] = SSE, [0xd2] = SSE, [0xd3] = SSE,
        [0xd4] = SSE, [0xd5] = SSE, [0xd6] = SSEST,
        [0xd7] = P(M | REGO | RW | RMX | W),
        [0xd8] = SSE, [0xd9] = SSE, [0xda] = SSE, [0xdb] = SSE,
        [0xdc] = SSE, [0xdd] = SSE, [0xde] = SSE, [0xdf] = SSE,
        [0xe0] = SSE, [0xe1] = SSE, [0xe2] = SSE, [0xe3] = SSE,
        [0xe4] = SSE, [0xe5] = SSE, [0xe6] = SSE,
        [0xe7] = P(M | MEMO | MW),
        [0xe8] = SSE, [0xe9] = SSE, [0xea] = SSE, [0xeb] = SSE,
        [0xec] = SSE, [0xed] = SSE, [0xee] = SSE, [0xef] = SSE,
        [0xf1] = SSE, [0xf2] = SSE, [0xf3] = SSE, [0xf4] = SSE,
        [0xf5] = SSE, [0xf6] = SSE,
        [0xf8] = SSE, [0xf9] = SSE, [0xfa] = SSE, [0xfb] = SSE,
        [0xfc] = SSE, [0xfd] = SSE, [0xfe] = SSE,
    },
    [2] = { /* f3 */
        [0x10] = SSE, [0x11] = SSEST, [0x12] = SSE, [0x16] = SSE,
        [0x1e] = P(SPEC),
        [0x2a] = P(M | MR | W),
        [0x2c] = P(M | MR | RW | RMX | W), [0x2d] = P(M | MR | RW | RMX | W),
        [0x51] = SSE, [0x52] = SSE, [0x53] = SSE, [0x58] = SSE,
        [0x59] = SSE, [0x5a] = SSE, [0x5b] = SSE, [0x5c] = SSE,
        [0x5d] = SSE, [0x5e] = SSE, [0x5f] = SSE,
        [0x6f] = SSE, [0x70] = SSEI, [0x7e] = SSE, [0x7f] = SSEST,
        [0xb8] = GPR2, [0xbc] = GPR2, [0xbd] = GPR2,
        [0xc2] = SSEI, [0xe6] = SSE,
    },
    [3] = { /* f2 */
        [0x10] = SSE, [0x11] = SSEST, [0x12] = SSE,
        [0x2a] = P(M | MR | W),
        [0x2c] = P(M | MR | RW | RMX | W), [0x2d] = P(M | MR | RW | RMX | W),
        [0x51] = SSE, [0x58] = SSE, [0x59] = SSE, [0x5a] = SSE,
        [0x5c] = SSE, [0x5d] = SSE, [0x5e] = SSE, [0x5f] = SSE,
        [0x70] = SSEI, [0x7c] = SSE, [0x7d] = SSE,
        [0xc2] = SSEI, [0xd0] = SSE, [0xe6] = SSE,
        [0xf0] = P(M | MEMO | MR),
    },
};

/* Three-byte maps 0f 38 and 0f 3a, same columns. */
static const struct entry map0f38[4][256] = {
    [0] = {
        [0xf0] = P(M | MEMO | RW | MR | W | O16), /* movbe load */
        [0xf1] = P(M | MEMO | MW | W | O16),      /* movbe store */
    },
    [1] = {
        [0x00] = SSE, [0x01] = SSE, [0x02] = SSE, [0x03] = SSE,
        [0x04] = SSE, [0x05] = SSE, [0x06] = SSE, [0x07] = SSE,
        [0x08] = SSE, [0x09] = SSE, [0x0a] = SSE, [0x0b] = SSE,
        [0x10] = SSE, [0x14] = SSE, [0x15] = SSE, [0x17] = SSE,
        [0x1c] = SSE, [0x1d] = SSE, [0x1e] = SSE,
        [0x20] = SSE, [0x21] = SSE, [0x22] = SSE, [0x23] = SSE,
        [0x24] = SSE, [0x25] = SSE,
        [0x28] = SSE, [0x29] = SSE, [0x2a] = P(M | MEMO | MR), [0x2b] = SSE,
        [0x30] = SSE, [0x31] = SSE, [0x32] = SSE, [0x33] = SSE,
        [0x34] = SSE, [0x35] = SSE, [0x37] = SSE,
        [0x38] = SSE, [0x39] = SSE, [0x3a] = SSE, [0x3b] = SSE,
        [0x3c] = SSE, [0x3d] = SSE, [0x3e] = SSE, [0x3f] = SSE,
        [0x40] = SSE, [0x41] = SSE,
        [0xdb] = SSE, [0xdc] = SSE, [0xdd] = SSE, [0xde] = SSE, [0xdf] = SSE,
        [0xf6] = P(M | RW | MR | W),
    },
    [2] = {
        [0xf6] = P(M | RW | MR | W),
    },
    [3] = {
        [0xf0] = P(M | RW | MR | RMB | W),
        [0xf1] = P(M | RW | MR | W | O16),
    },
};

static const struct entry map0f3a[4][256] = {
    [1] = {
        [0x08] = SSEI, [0x09] = SSEI, [0x0a] = SSEI, [0x0b] = SSEI,
        [0x0c] = SSEI, [0x0d] = SSEI, [0x0e] = SSEI, [0x0f] = SSEI,
        [0x14] = PI(M | MW, I8), [0x15] = PI(M | MW, I8),
        [0x16] = PI(M | MW | W, I8), [0x17] = PI(M | MW, I8),
        [0x20] = SSEI, [0x21] = SSEI, [0x22] = PI(M | MR | W, I8),
        [0x40] = SSEI, [0x41] = SSEI, [0x42] = SSEI, [0x44] = SSEI,
        [0x60] = PI(M | MR | W, I8), [0x61] = PI(M | MR | W, I8),
        [0x62] = SSEI, [0x63] = SSEI,
        [0xdf] = SSEI,
    },
};

/* VEX-encoded BMI1/BMI2 instructions, by [map-2][pp][opcode]. */
static const struct entry vex_f2_andn = P(M | RW | MR | W | VV);
static const struct entry vex_f3_bls = G(M | EXT | VW | W | VV, I0, G_BLS);
static const struct entry vex_gpr3 = P(M | RW | MR | W | VV);
static const struct entry vex_mulx = P(M | RW | VW | MR | W | VV);
static const struct entry vex_rorx = PI(M | RW | MR | W, I8);

static const struct entry *vex_lookup(int map, int pp, int op)
{
    if (map == 2) {
        switch (op) {
        case 0xf2: return pp == 0 ? &vex_f2_andn : NULL;
        case 0xf3: return pp == 0 ? &vex_f3_bls : NULL;
        case 0xf5: return pp == 1 ? NULL : &vex_gpr3;   /* bzhi pext pdep */
        case 0xf6: return pp == 3 ? &vex_mulx : NULL;
        case 0xf7: return &vex_gpr3;                     /* bextr shlx sarx shrx */
        }
        return NULL;
    }
    if (map == 3 && op == 0xf0 && pp == 3)
        return &vex_rorx;
    return NULL;
}

/* x87: memory forms by [opcode-d8][reg]: 0 invalid, else access flags. */
static const uint8_t x87_mem[8][8] = {
    /* d8 */ { X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R },
    /* d9: fld, -, fst, fstp, fldenv, fldcw, fnstenv, fnstcw */
    { X64_MEM_R, 0, X64_MEM_W, X64_MEM_W, X64_MEM_R, X64_MEM_R, X64_MEM_W, X64_MEM_W },
    /* da */ { X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R },
    /* db: fild, fisttp, fist, fistp, -, fld m80, -, fstp m80 */
    { X64_MEM_R, X64_MEM_W, X64_MEM_W, X64_MEM_W, 0, X64_MEM_R, 0, X64_MEM_W },
    /* dc */ { X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R },
    /* dd: fld, fisttp, fst, fstp, (frstor), -, (fnsave), fnstsw */
    { X64_MEM_R, X64_MEM_W, X64_MEM_W, X64_MEM_W, 0, 0, 0, X64_MEM_W },
    /* de */ { X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R, X64_MEM_R },
    /* df: fild, fisttp, fist, fistp, fbld, fild m64, fbstp, fistp m64 */
    { X64_MEM_R, X64_MEM_W, X64_MEM_W, X64_MEM_W, X64_MEM_R, X64_MEM_R, X64_MEM_W, X64_MEM_W },
};

/* x87 register forms: bit (modrm & 63) set if allowed. */
static const uint64_t x87_reg[8] = {
    /* d8: everything */
    0xffffffffffffffffull,
    /* d9: c0-cf fld/fxch, d0 fnop, e0 e1 e4 e5, e8-ee, f0-ff */
    0x000000000000ffffull | (1ull << 0x10) | (1ull << 0x20) | (1ull << 0x21) |
        (1ull << 0x24) | (1ull << 0x25) | (0x7full << 0x28) | (0xffffull << 0x30),
    /* da: c0-df fcmov, e9 fucompp */
    0x00000000ffffffffull | (1ull << 0x29),
    /* db: c0-df fcmov, e2 fnclex, e3 fninit, e8-f7 fucomi/fcomi */
    0x00000000ffffffffull | (1ull << 0x22) | (1ull << 0x23) | (0xffffull << 0x28),
    /* dc: c0-cf, e0-ff */
    0x000000000000ffffull | (0xffffffffull << 0x20),
    /* dd: c0-c7 ffree, d0-ef fst/fstp/fucom/fucomp */
    0x00000000000000ffull | (0xffffffffull << 0x10),
    /* de: c0-cf faddp/fmulp, d9 fcompp, e0-ff */
    0x000000000000ffffull | (1ull << 0x19) | (0xffffffffull << 0x20),
    /* df: e0 fnstsw %ax, e8-f7 fucomip/fcomip */
    (1ull << 0x20) | (0xffffull << 0x28),
};

static const struct entry nop_entry = E(0, I0, X64_K_NOP);
static const struct entry xchg_r8_entry = P(OR | ORW | W | O16);
static const struct entry plain_entry = P(0);
static const struct entry fence_entry = P(M | REGO | EXT);
static const struct entry mxcsr_ld_entry = P(M | MEMO | EXT | MR);
static const struct entry mxcsr_st_entry = P(M | MEMO | EXT | MW);
static const struct entry cx8_entry = P(M | MEMO | EXT | MW | MR | LK | W);

/* Decode the ModRM (and SIB, displacement) at p[i]. Returns the new
 * index, or -1 if truncated. Sets *used to the REX bits it consumed. */
static int decode_modrm(const uint8_t *p, int i, int avail, int rexr, int rexx,
                        int rexb, struct x64_insn *in, unsigned *used)
{
    (void)rexr;
    uint8_t m = p[i - 1];
    int mod = m >> 6, rm = m & 7;
    if (mod == 3) {
        in->has_mem = 0;
        *used |= 1; /* B */
        return i;
    }
    in->has_mem = 1;
    in->index = X64_NOREG;
    in->scale = 1;
    int dispsz = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    if (rm == 4) {
        if (i >= avail)
            return -1;
        uint8_t s = p[i++];
        int idx = ((s >> 3) & 7) | (rexx << 3);
        int base = s & 7;
        *used |= 2; /* X is meaningful whenever there is a SIB byte */
        in->scale = 1 << (s >> 6);
        if (idx != 4)
            in->index = idx;
        else if (s >> 6)
            return -2; /* scale without index: not canonical */
        if (base == 5 && mod == 0) {
            in->base = X64_NOREG;
            dispsz = 4;
        } else {
            in->base = base | (rexb << 3);
            *used |= 1;
        }
    } else if (rm == 5 && mod == 0) {
        in->base = X64_RIP;
        dispsz = 4;
    } else {
        in->base = rm | (rexb << 3);
        *used |= 1;
    }
    if (i + dispsz > avail)
        return -1;
    if (dispsz == 1)
        in->disp = (int8_t)p[i];
    else if (dispsz == 4)
        in->disp = (int32_t)((uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
                             (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24);
    else
        in->disp = 0;
    return i + dispsz;
}

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Legacy prefix bytes: their X64_P_* bit, PX_CS for 2e, PX_BAD for the
 * segment overrides we never accept. */
enum { PX_CS = 0x100, PX_BAD = 0x200 };
static const uint16_t pfxtab[256] = {
    [0x66] = X64_P_66, [0x67] = X64_P_67, [0xf2] = X64_P_F2, [0xf3] = X64_P_F3,
    [0xf0] = X64_P_LOCK, [0x65] = X64_P_GS, [0x2e] = PX_CS,
    [0x26] = PX_BAD, [0x36] = PX_BAD, [0x3e] = PX_BAD, [0x64] = PX_BAD,
};

/* Parse legacy prefixes: each at most once, except 66 (counted; repeats
 * are allowed on the nop only). Returns the index of the first other byte,
 * -1 if the bytes run out, -2 if the prefixes are not acceptable. */
static int parse_prefixes(const uint8_t *p, int avail, unsigned *pfx,
                          unsigned *n66, unsigned *cs)
{
    int i = 0;
    unsigned seen = 0;
    for (; i < avail; i++) {
        unsigned bit = pfxtab[p[i]];
        if (!bit)
            break;
        if (bit == PX_BAD)
            return -2;
        if (bit == X64_P_66) {
            (*n66)++;
        } else if (bit == PX_CS) {
            if ((*cs)++)
                return -2;
        } else if (seen & bit) {
            return -2;
        }
        seen |= bit;
    }
    if (i >= avail)
        return -1;
    if ((seen & (X64_P_F2 | X64_P_F3)) == (X64_P_F2 | X64_P_F3))
        return -2;
    *pfx = seen & 0xff;
    return i;
}

static const uint8_t imm_size[7][3] = {
    /* by opsize class: [0] 16-bit, [1] 32-bit, [2] 64-bit */
    [I0] = { 0, 0, 0 }, [I8] = { 1, 1, 1 }, [I16] = { 2, 2, 2 },
    [IZ] = { 2, 4, 4 }, [IV] = { 2, 4, 8 }, [R8] = { 1, 1, 1 },
    [R32] = { 4, 4, 4 },
};

int x64_decode_reference(const uint8_t *p, size_t avail_sz, struct x64_insn *in)
{
    int avail = avail_sz > 15 ? 15 : (int)avail_sz;
    /* What to return when the bytes run out: past 15 bytes the encoding is
     * invalid, before that the code is truncated. */
    int trunc = avail_sz > 15 ? 0 : -1;
    int i = 0;
    unsigned pfx = 0, n66 = 0, cs = 0;

    if (unlikely(avail <= 0))
        return -1;
    uint8_t b = p[0];
    if (unlikely(pfxtab[b])) {
        i = parse_prefixes(p, avail, &pfx, &n66, &cs);
        if (i < 0)
            return i == -1 ? trunc : 0;
        b = p[i];
    }

    int rexw = 0, rexr = 0, rexx = 0, rexb = 0, vvvv = 0;
    unsigned rexbits = 0; /* bit0 B, bit1 X, bit2 R */
    uint8_t rex = 0;
    if ((b & 0xf0) == 0x40) {
        rex = b;
        rexw = (b >> 3) & 1;
        rexr = (b >> 2) & 1;
        rexx = (b >> 1) & 1;
        rexb = b & 1;
        rexbits = b & 7u; /* R X B, matching the 'used' bits below */
        if (++i >= avail)
            return trunc;
        b = p[i];
    }

    const struct entry *e;
    int map = X64_MAP_1B, col = 0;
    if (likely(b != 0x0f && b != 0xc4)) {
        e = &map1b[b];
    } else if (b == 0x0f) {
        if (++i >= avail)
            return trunc;
        b = p[i];
        map = X64_MAP_0F;
        if (b == 0x38 || b == 0x3a) {
            map = b == 0x38 ? X64_MAP_0F38 : X64_MAP_0F3A;
            if (++i >= avail)
                return trunc;
            b = p[i];
        }
        if (pfx & (X64_P_66 | X64_P_F2 | X64_P_F3))
            col = (pfx & X64_P_F3) ? 2 : (pfx & X64_P_F2) ? 3 : 1;
        const struct entry (*tab)[256] = map == X64_MAP_0F ? map0f
                                       : map == X64_MAP_0F38 ? map0f38 : map0f3a;
        e = &tab[col][b];
        if (col == 1 && !(e->f & VALID)) {
            e = &tab[0][b];
            col = 0; /* 66 is an operand-size prefix, checked below */
        }
    } else {
        /* Three-byte VEX: only BMI1/BMI2 general-register instructions. */
        if (rex || (pfx & (X64_P_66 | X64_P_F2 | X64_P_F3 | X64_P_LOCK)) || cs)
            return 0;
        if (i + 3 >= avail)
            return trunc;
        uint8_t v1 = p[i + 1], v2 = p[i + 2];
        map = v1 & 0x1f;
        if ((map != 2 && map != 3) || (v2 & 4)) /* L must be 0 */
            return 0;
        rexr = !(v1 & 0x80);
        rexx = !(v1 & 0x40);
        rexb = !(v1 & 0x20);
        rexw = v2 >> 7;
        rexbits = ((unsigned)rexr << 2) | ((unsigned)rexx << 1) | (unsigned)rexb;
        vvvv = (~v2 >> 3) & 15;
        e = vex_lookup(map, v2 & 3, p[i + 3]);
        if (!e)
            return 0;
        i += 3;
        b = p[i];
        pfx |= X64_P_VEX;
    }
    i++; /* past the opcode byte */

    uint32_t f = e->f;
    if (unlikely(!(f & VALID)))
        return 0;

    uint8_t imm = e->imm, kind = e->kind;
    int is_nop66 = 0;

    if (unlikely(f & SPEC)) {
        /* The few opcodes whose meaning depends on exact bytes. */
        if (map == X64_MAP_1B) { /* 90: nop, pause, xchg %r8,%rax */
            if (rexb) {
                e = &xchg_r8_entry;
            } else if (pfx & X64_P_F3) {
                pfx &= ~X64_P_F3;
                e = &nop_entry;
            } else {
                e = &nop_entry;
                is_nop66 = 1;
            }
            f = e->f | VALID;
            kind = e->kind;
        } else if (map == X64_MAP_0F && b == 0x01) { /* xgetbv only */
            if (i >= avail)
                return trunc;
            if (p[i] != 0xd0)
                return 0;
            i++;
            f = plain_entry.f;
        } else if (map == X64_MAP_0F && b == 0x1e) { /* endbr64 */
            if (i >= avail)
                return trunc;
            if (p[i] != 0xfa)
                return 0;
            i++;
            pfx &= ~X64_P_F3;
            f = plain_entry.f;
            kind = X64_K_NOP;
        } else if (map == X64_MAP_0F && b == 0xae) {
            if (i >= avail)
                return trunc;
            uint8_t m = p[i];
            int reg = (m >> 3) & 7;
            if ((m >> 6) == 3) {
                if (m != 0xe8 && m != 0xf0 && m != 0xf8) /* lfence mfence sfence */
                    return 0;
                if (rex)
                    return 0; /* no register operand: REX has no effect */
                f = fence_entry.f;
            } else if (reg == 2) {
                f = mxcsr_ld_entry.f;
            } else if (reg == 3) {
                f = mxcsr_st_entry.f;
            } else {
                return 0;
            }
        } else if (map == X64_MAP_0F && b == 0xc7) {
            if (i >= avail)
                return trunc;
            uint8_t m = p[i];
            if ((m >> 6) == 3 || ((m >> 3) & 7) != 1)
                return 0;
            f = cx8_entry.f;
        } else {
            return 0;
        }
    }

    unsigned used = 0; /* REX bits consumed: bit0 B, bit1 X, bit2 R */
    int reg = 0, rm = 0, mod3 = 0;
    in->has_modrm = 0;
    in->modrm = 0;
    in->scale = 1;
    in->has_mem = 0;
    in->base = in->index = X64_NOREG;
    in->disp = 0;
    if (f & M) {
        if (unlikely(i >= avail))
            return trunc;
        uint8_t m = p[i++];
        in->modrm = m;
        in->has_modrm = 1;
        int mod = m >> 6;
        reg = ((m >> 3) & 7) | (rexr << 3);
        rm = (m & 7) | (rexb << 3);
        mod3 = mod == 3;
        if (unlikely(f & X87)) {
            if (pfx & (X64_P_66 | X64_P_LOCK))
                return 0;
            int k = b - 0xd8;
            if (mod3) {
                if (!(x87_reg[k] >> (m & 63) & 1))
                    return 0;
            } else {
                uint8_t acc = x87_mem[k][(m >> 3) & 7];
                if (!acc)
                    return 0;
                f |= acc == X64_MEM_R ? MR : MW;
            }
            f |= RMX;
        }
        if (f & GRP) {
            const struct entry *g = &groups[e->grp][(m >> 3) & 7];
            if (!(g->f & VALID))
                return 0;
            f |= g->f;
            if (g->imm)
                imm = g->imm;
            if (g->kind != X64_K_PLAIN)
                kind = g->kind;
        }
        if (unlikely(f & (MEMO | REGO)) && ((f & MEMO) ? mod3 : !mod3))
            return 0;
        if (!(f & EXT))
            used |= 4; /* R */
        if (mod3) {
            used |= 1;
        } else {
            int ni = decode_modrm(p, i, avail, rexr, rexx, rexb, in, &used);
            if (ni < 0)
                return ni == -2 ? 0 : trunc;
            i = ni;
            in->has_mem = (f & NA) ? X64_MEM_NOACCESS
                        : (uint8_t)(((f & MR) ? X64_MEM_R : 0) | ((f & MW) ? X64_MEM_W : 0));
            if (!in->has_mem) /* never leave an access unchecked */
                in->has_mem = X64_MEM_R | X64_MEM_W;
        }
    } else if (f & OR) {
        used |= 1;
        reg = (b & 7) | (rexb << 3);
    }

    if (unlikely(pfx | n66 | cs)) {
        if (map == X64_MAP_1B) {
            /* In the one-byte map, f2/f3 are rep prefixes: strings only. */
            if ((pfx & (X64_P_F2 | X64_P_F3)) && !(f & REP))
                return 0;
            if ((pfx & X64_P_F2) && !(f & REPNE))
                return 0;
        }
        /* 66: a mandatory prefix (consumed), or an operand-size prefix
         * where the instruction has one. Repeated 66 and 2e only on the
         * 0f 1f nop, as assemblers pad with them. */
        int consumed66 = map != X64_MAP_1B && col == 1;
        int nop0f = kind == X64_K_NOP && map == X64_MAP_0F && b == 0x1f;
        if (pfx & X64_P_66) {
            if (n66 > 1 && !nop0f)
                return 0;
            if (!consumed66 && !is_nop66 && !(f & O16))
                return 0;
            if (!consumed66 && rexw)
                return 0; /* REX.W overrides 66: the prefix has no effect */
            if (consumed66)
                pfx |= 0x80; /* internal: 66 is not an operand size */
        }
        if (cs && !nop0f)
            return 0;
        if ((pfx & X64_P_GS) && kind == X64_K_LEA)
            return 0;
        /* LOCK only on read-modify-write memory forms. */
        if ((pfx & X64_P_LOCK) && (!(f & LK) || in->has_mem == 0))
            return 0;
        /* %gs only with a memory operand and 32-bit addressing. */
        if ((pfx & X64_P_GS) && (!in->has_mem || !(pfx & X64_P_67)))
            return 0;
        /* 67 only with an explicit memory operand. */
        if ((pfx & X64_P_67) && !in->has_mem)
            return 0;
    }

    /* REX/VEX bits must all have an effect. */
    if (unlikely(rexbits | rexw | rex | vvvv)) {
        if (rexw && !(f & W))
            return 0;
        if (rexbits & ~used)
            return 0;
        if ((pfx & X64_P_VEX) && !(f & (VV | VW)) && vvvv != 0)
            return 0;
        /* A bare REX (40) must change %ah..%bh into %spl..%dil. */
        if (rex == 0x40) {
            int ok = 0;
            if ((f & B8) && !(f & EXT) && reg >= 4 && reg <= 7)
                ok = 1; /* ModRM.reg, or the opcode register */
            if ((f & (B8 | RMB)) && mod3 && rm >= 4 && rm <= 7)
                ok = 1;
            if (!ok)
                return 0;
        }
    }
    if (unlikely(f & WREQ) && !rexw)
        return 0;

    /* Operand size. */
    int opsize;
    if (f & B8)
        opsize = 1;
    else if (rexw)
        opsize = 8;
    else if ((pfx & (X64_P_66 | 0x80)) == X64_P_66 && (f & O16))
        opsize = 2;
    else if (f & D64)
        opsize = 8;
    else
        opsize = 4;
    in->opsize = (uint8_t)opsize;

    /* Immediates and branch displacements. */
    int isz = imm_size[imm][opsize == 2 ? 0 : opsize == 8 ? 2 : 1];
    in->imm = 0;
    in->rel = 0;
    if (isz) {
        if (unlikely(i + isz > avail))
            return trunc;
        if (isz == 1) {
            in->imm = (uint32_t)(int32_t)(int8_t)p[i];
        } else if (isz == 2) {
            in->imm = (uint32_t)(int32_t)(int16_t)(p[i] | p[i + 1] << 8);
        } else {
            in->imm = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
                      (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
        }
        if (imm >= R8) {
            in->rel = (int32_t)in->imm;
            /* Branches take no operand-size or address-size prefix. */
            if (pfx & (X64_P_66 | X64_P_67))
                return 0;
        }
        i += isz;
    }

    /* Registers written. A byte write of 4..7 without REX is %ah..%bh,
     * which never touches %rsp, so it is not reported. */
    in->wreg[0] = in->wreg[1] = in->wreg[2] = X64_NOREG;
    if (f & (RW | MW | ORW | VW)) {
        int nw = 0;
        int hi8 = !rex && (f & B8);
        if ((f & RW) && in->has_modrm && !(hi8 && reg >= 4 && reg <= 7))
            in->wreg[nw++] = (uint8_t)reg;
        if ((f & MW) && mod3 && !(f & RMX) &&
            !(!rex && (f & (B8 | RMB)) && rm >= 4 && rm <= 7))
            in->wreg[nw++] = (uint8_t)rm;
        if ((f & ORW) && !(hi8 && reg >= 4 && reg <= 7))
            in->wreg[nw++] = (uint8_t)reg;
        if (f & VW)
            in->wreg[nw++] = (uint8_t)vvvv;
    }

    in->wmask = 0;
    for (int k = 0; k < 3; k++)
        if (in->wreg[k] != X64_NOREG)
            in->wmask |= (uint16_t)(1u << in->wreg[k]);
    in->map = (uint8_t)map;
    in->op = b;
    in->rex = rex;
    in->kind = kind;
    in->str = e->str;
    in->pfx = (uint8_t)(pfx & 0x7f);
    in->len = (uint8_t)i;
    return i;
}

/* Fast path for the common encodings: no prefix or the segue pair 65 67,
 * an optional REX, the one-byte or 0f map (no mandatory prefix), no
 * special-cased opcode. It reads up to 16 bytes, so it needs avail >= 16.
 * It never rejects: anything it does not handle goes to the reference
 * decoder, and for everything it accepts it produces exactly what
 * x64_decode_reference produces (tests/fuzz/diff_decode.c checks this). */
static inline int decode_fast(const uint8_t *p, struct x64_insn *in)
{
    unsigned i = 0, pfx = 0, b = p[0];
    if (b == 0x65) {
        if (p[1] != 0x67)
            return -1;
        pfx = X64_P_GS | X64_P_67;
        i = 2;
        b = p[2];
    }
    unsigned rex = 0;
    if ((b & 0xf0) == 0x40) {
        rex = b;
        b = p[++i];
    }
    const struct entry *e;
    unsigned map = X64_MAP_1B;
    if (b == 0x0f) {
        b = p[++i];
        if (b == 0x38 || b == 0x3a)
            return -1;
        e = &map0f[0][b];
        map = X64_MAP_0F;
    } else {
        e = &map1b[b];
    }
    i++;
    uint32_t f = e->f;
    if (unlikely((f & (VALID | SPEC | X87)) != VALID))
        return -1; /* also prefixes, REX or c4 in opcode position */

    unsigned imm = e->imm, kind = e->kind, used = 0, reg = 0, rm = 0, mod3 = 0;
    unsigned has_mem = 0, base = X64_NOREG, index = X64_NOREG, scale = 1;
    int32_t disp = 0;
    uint8_t m = 0;
    if (f & M) {
        m = p[i++];
        reg = ((m >> 3) & 7) | ((rex & 4) << 1);
        rm = (m & 7) | ((rex & 1) << 3);
        if (f & GRP) {
            const struct entry *g = &groups[e->grp][(m >> 3) & 7];
            if (unlikely(!(g->f & VALID)))
                return -1;
            f |= g->f;
            imm |= g->imm;
            if (g->kind != X64_K_PLAIN)
                kind = g->kind;
        }
        if (!(f & EXT))
            used = 4;
        if (m >= 0xc0) {
            if (unlikely(f & MEMO))
                return -1;
            mod3 = 1;
            used |= 1;
        } else {
            if (unlikely(f & REGO))
                return -1;
            unsigned mod = m >> 6, rmf = m & 7;
            if (rmf == 4) {
                unsigned sb = p[i++];
                unsigned x = ((sb >> 3) & 7) | ((rex & 2) << 2);
                used |= 2;
                scale = 1u << (sb >> 6);
                if (x != 4)
                    index = x;
                else if (unlikely(sb >> 6))
                    return -1;
                if ((sb & 7) == 5 && mod == 0) {
                    mod = 2; /* disp32, no base */
                } else {
                    base = (sb & 7) | ((rex & 1) << 3);
                    used |= 1;
                }
            } else if (rmf == 5 && mod == 0) {
                base = X64_RIP;
                mod = 2;
            } else {
                base = rm;
                used |= 1;
            }
            if (mod == 1) {
                disp = (int8_t)p[i];
                i += 1;
            } else if (mod == 2) {
                uint32_t d;
                memcpy(&d, p + i, 4);
                disp = (int32_t)d;
                i += 4;
            }
            has_mem = (f & NA) ? X64_MEM_NOACCESS
                    : ((f & MR) ? X64_MEM_R : 0) | ((f & MW) ? X64_MEM_W : 0);
            if (!has_mem)
                has_mem = X64_MEM_R | X64_MEM_W;
        }
    } else if (f & OR) {
        reg = (b & 7) | ((rex & 1) << 3);
        used = 1;
    }

    if (unlikely(rex)) {
        if ((rex & 8) && !(f & W))
            return -1;
        if (rex & 7 & ~used)
            return -1;
        if (rex == 0x40 &&
            !(((f & B8) && !(f & EXT) && reg - 4 < 4) ||
              ((f & (B8 | RMB)) && mod3 && rm - 4 < 4)))
            return -1;
    }
    if (unlikely((f & WREQ) && !(rex & 8)))
        return -1;
    if (unlikely(pfx) && (!has_mem || kind == X64_K_LEA))
        return -1;

    unsigned opsize = (f & B8) ? 1 : ((rex & 8) || (f & D64)) ? 8 : 4;

    /* Immediate. */
    unsigned isz = imm_size[imm][opsize >> 3 ? 2 : 1];
    uint32_t iv = 0;
    if (isz) {
        if (isz == 1)
            iv = (uint32_t)(int32_t)(int8_t)p[i];
        else
            memcpy(&iv, p + i, 4);
        i += isz;
    }

    /* Registers written; byte writes of 4..7 without REX are %ah..%bh. */
    unsigned wmask = 0;
    in->wreg[0] = in->wreg[1] = in->wreg[2] = X64_NOREG;
    if (f & (RW | MW | ORW)) {
        unsigned nw = 0;
        int hi8 = !rex && (f & B8);
        if ((f & (RW | ORW)) && !(hi8 && reg - 4 < 4)) {
            in->wreg[nw++] = (uint8_t)reg;
            wmask = 1u << reg;
        }
        if ((f & MW) && mod3 && !(f & RMX) &&
            !(!rex && (f & (B8 | RMB)) && rm - 4 < 4)) {
            in->wreg[nw++] = (uint8_t)rm;
            wmask |= 1u << rm;
        }
    }
    in->wmask = (uint16_t)wmask;

    in->has_mem = (uint8_t)has_mem;
    in->base = (uint8_t)base;
    in->index = (uint8_t)index;
    in->scale = (uint8_t)scale;
    in->disp = disp;
    in->has_modrm = (uint8_t)((f & M) != 0);
    in->modrm = m;
    in->opsize = (uint8_t)opsize;
    in->imm = iv;
    in->rel = imm >= R8 ? (int32_t)iv : 0;
    in->map = (uint8_t)map;
    in->op = (uint8_t)b;
    in->rex = (uint8_t)rex;
    in->kind = (uint8_t)kind;
    in->str = e->str;
    in->pfx = (uint8_t)pfx;
    in->len = (uint8_t)i;
    return (int)i;
}

int x64_decode(const uint8_t *p, size_t avail, struct x64_insn *in)
{
    if (likely(avail >= 16)) {
        int n = decode_fast(p, in);
        if (likely(n > 0))
            return n;
    }
    return x64_decode_reference(p, avail, in);
}
