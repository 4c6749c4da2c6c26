/* The LFI-x64 rules (docs/verifier.md), applied to decoded instructions. */
#include "x64/verify_x64.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "verify_internal.h"
#include "x64/decode.h"
#include "x64/dfa.h"
#include "x64/fasttab.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define BUNDLE 32u
#define BOX_MASK (~(uint64_t)0xffffffffu)

/* Per-bundle register state, one bit per register in each 16-bit lane. */
enum {
    ST_ZX32 = 0,  /* upper 32 bits are zero */
    ST_MASK = 16, /* zero-extended and 32-byte aligned */
    ST_BOX = 32,  /* inside [r14, r14 + 4 GiB) */
    ST_TGT = 48,  /* inside the box and 32-byte aligned */
};

struct bundle_state {
    uint64_t regs;          /* ST_* bits */
    uint8_t origin[16];     /* bundle offset where each register's chain began */
    bool rt_valid;          /* %r11 holds a runtime-call return address */
    uint8_t rt_origin;
    uint64_t rt_target;
    bool rsp_pending;       /* %esp written, re-base must follow */
    uint32_t starts;        /* instruction starts in this bundle */
    uint32_t nontarget;     /* starts inside macro-instructions */
};

struct ctx {
    const struct lfiv_options *opts;
    const uint8_t *code;
    size_t size;
    uint64_t addr;
    struct lfiv_violation *v;
    /* Direct branch targets inside the buffer that are not bundle starts,
     * one bit per byte (NULL with LFIV_ALIGNED_TARGETS). They are checked
     * against the instruction starts once the whole buffer is decoded. */
    uint32_t *tgt;
    uint32_t memchk; /* FT_MEM|FT_MEMW (full mode) or FT_MEMW (stores) */
    size_t fail_off; /* offset passed to the last fail() */
};

static inline bool has(const struct bundle_state *s, int lane, int r)
{
    return (s->regs >> (lane + r)) & 1;
}

static inline void mark_chain(struct bundle_state *s, unsigned origin, unsigned off)
{
    /* Instruction starts in (origin, off] are inside a macro-instruction. */
    uint64_t upto = ((uint64_t)1 << (off + 1)) - 1;
    uint64_t from = ((uint64_t)1 << (origin + 1)) - 1;
    s->nontarget |= (uint32_t)(upto & ~from);
}

static int fail(struct ctx *c, size_t off, int len, enum lfiv_rule rule,
                const char *msg)
{
    c->fail_off = off;
    lfiv_set_violation(c->v, LFIV_ARCH_X64, c->code, c->size, off, c->addr,
                       len, rule, msg);
    return LFIV_REJECTED;
}

static bool disp_ok(int32_t d)
{
    int64_t x = d;
    return x <= (int64_t)LFIV_X64_MAX_DISP && x >= -(int64_t)LFIV_X64_MAX_DISP;
}

/* Is the memory operand safe? Sets *origin (bundle offset of the guard it
 * relies on, or -1). */
static bool mem_ok(const struct bundle_state *s, const struct x64_insn *in,
                   int *origin)
{
    *origin = -1;
    if (in->pfx & X64_P_GS)
        return true; /* the decoder requires 67 with gs */
    if (in->pfx & X64_P_67)
        return false;
    if (!disp_ok(in->disp))
        return false;
    int b = in->base, x = in->index;
    if (x == X64_NOREG) {
        if (b == X64_RSP || b == X64_RIP || b == X64_R14)
            return true;
        if (b < 16 && has(s, ST_BOX, b)) {
            *origin = s->origin[b];
            return true;
        }
        return false;
    }
    if (in->scale != 1)
        return false;
    if (b == X64_R14 && has(s, ST_ZX32, x)) {
        *origin = s->origin[x];
        return true;
    }
    if (x == X64_R14 && b < 16 && has(s, ST_ZX32, b)) {
        *origin = s->origin[b];
        return true;
    }
    return false;
}

static inline int modrm_reg(const struct x64_insn *in)
{
    return ((in->modrm >> 3) & 7) | ((in->rex & 4) << 1);
}

static inline int modrm_rm(const struct x64_insn *in)
{
    return (in->modrm & 7) | ((in->rex & 1) << 3);
}

static inline bool is_mod3(const struct x64_insn *in)
{
    return in->has_modrm && (in->modrm >> 6) == 3;
}

/* No prefix other than REX. */
static inline bool plain(const struct x64_insn *in)
{
    return in->pfx == 0;
}

/* 32-bit write to %esp that may start the re-base macro. */
static bool is_esp_writer(const struct x64_insn *in)
{
    if (in->map != X64_MAP_1B || in->opsize != 4 || (in->pfx & X64_P_LOCK))
        return false;
    switch (in->op) {
    case 0x89: case 0x8b: case 0x01: case 0x03: case 0x29: case 0x2b:
    case 0x21: case 0x23: case 0x09: case 0x0b: case 0x8d: case 0xbc:
        return true;
    case 0x81: case 0x83: {
        int r = (in->modrm >> 3) & 7;
        return r == 0 || r == 1 || r == 4 || r == 5;
    }
    case 0xc7:
        return true; /* the decoder allows only /0 */
    }
    return false;
}

/* addq/orq %r14,%rsp or leaq (%rsp,%r14,1),%rsp. */
static bool is_rebase(const struct x64_insn *in)
{
    if (in->map != X64_MAP_1B || in->opsize != 8 || !plain(in))
        return false;
    switch (in->op) {
    case 0x01: case 0x09:
        return is_mod3(in) && modrm_reg(in) == X64_R14 && modrm_rm(in) == X64_RSP;
    case 0x03: case 0x0b:
        return is_mod3(in) && modrm_reg(in) == X64_RSP && modrm_rm(in) == X64_R14;
    case 0x8d:
        return modrm_reg(in) == X64_RSP && in->base == X64_RSP &&
               in->index == X64_R14 && in->scale == 1 && in->disp == 0;
    }
    return false;
}

static inline void forget(struct bundle_state *s, int d);

/* Update the register state after an instruction that passed the checks.
 * Returns true if the instruction is one of the state-setting shapes. */
static bool update_state(struct bundle_state *s, const struct x64_insn *in,
                         unsigned off, uint64_t next_addr)
{
    if (in->map != X64_MAP_1B || (in->pfx & ~X64_P_67))
        return false;
    int d;
    switch (in->op) {
    case 0x89: case 0x8b: /* movl %eY,%eX */
        if (!is_mod3(in) || in->opsize != 4 || in->pfx)
            return false;
        d = in->wreg[0];
        forget(s, d);
        s->regs |= 1ull << (ST_ZX32 + d);
        s->origin[d] = (uint8_t)off;
        return true;
    case 0x25: /* andl $0xffffffe0,%eax (short form) */
    case 0x81: case 0x83: /* andl $0xffffffe0,%eX */
        if (in->opsize != 4 || in->pfx || in->imm != 0xffffffe0u)
            return false;
        if (in->op == 0x25)
            d = X64_RAX;
        else if (!is_mod3(in) || ((in->modrm >> 3) & 7) != 4)
            return false;
        else
            d = in->wreg[0];
        forget(s, d);
        s->regs |= (1ull << (ST_ZX32 + d)) | (1ull << (ST_MASK + d));
        s->origin[d] = (uint8_t)off;
        return true;
    case 0x01: case 0x09: case 0x03: case 0x0b: { /* addq/orq %r14,%rX */
        if (!is_mod3(in) || in->opsize != 8 || in->pfx)
            return false;
        int reg = modrm_reg(in), rm = modrm_rm(in);
        int x = (in->op == 0x01 || in->op == 0x09) ? rm : reg;
        int src = x == rm ? reg : rm;
        if (src != X64_R14 || !has(s, ST_ZX32, x))
            return false;
        bool aligned = has(s, ST_MASK, x);
        forget(s, x);
        s->regs |= 1ull << (ST_BOX + x);
        if (aligned)
            s->regs |= 1ull << (ST_TGT + x);
        return true;
    }
    case 0x8d: { /* leaq (%r14,%rX),%rY ; leaq L(%rip),%r11 */
        if (in->opsize != 8 || (in->pfx & X64_P_67))
            return false;
        d = in->wreg[0];
        if (in->base == X64_RIP && d == X64_R11) {
            forget(s, d);
            s->rt_valid = true;
            s->rt_origin = (uint8_t)off;
            s->rt_target = next_addr + (uint64_t)(int64_t)in->disp;
            return true;
        }
        if (in->disp != 0 || in->scale != 1 || in->index == X64_NOREG)
            return false;
        int x;
        if (in->base == X64_R14)
            x = in->index;
        else if (in->index == X64_R14 && in->base < 16)
            x = in->base;
        else
            return false;
        if (!has(s, ST_ZX32, x))
            return false;
        uint8_t org = s->origin[x];
        forget(s, d);
        s->regs |= 1ull << (ST_BOX + d);
        s->origin[d] = org;
        return true;
    }
    }
    return false;
}

/* Register d gets a new value: drop what was known about it. */
static inline void forget(struct bundle_state *s, int d)
{
    s->regs &= ~(0x0001000100010001ull << d);
    if (d == X64_R11)
        s->rt_valid = false;
}

static void reset_state(struct bundle_state *s)
{
    s->regs = 0;
    s->rt_valid = false;
}

/* Record a direct branch target inside the buffer (not a bundle start). */
static inline void add_target(struct ctx *c, uint64_t target)
{
    uint64_t t = target - c->addr;
    c->tgt[t / BUNDLE] |= 1u << (t % BUNDLE);
}

/* LFIV_SINGLE_THREAD: the return of lfi-cc --single-thread, `ret` right
 * after `andl $0xffffffe0,%r11d ; addq %r14,%r11 ; pushq %r11` in the same
 * bundle, in exactly these encodings (41 83 e3 e0, 4d 01 f3, 41 53). The
 * decoder does not know `ret` (c3); the verifiers come here when it refuses
 * a c3 byte in this mode. The add, push and ret become non-targets, so the
 * ret always reads the masked address just pushed, unless another thread
 * writes the slot in between: hence single-threaded boxes only. */
static const uint8_t st_ret_head[9] = { 0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0x53 };

static int check_st_ret(struct ctx *c, struct bundle_state *s, size_t off, unsigned boff)
{
    if (s->rsp_pending)
        return fail(c, off, 1, LFIV_RULE_RSP_REBASE,
                    "a 32-bit write to %esp must be followed in the same "
                    "bundle by addq %r14,%rsp, orq %r14,%rsp or "
                    "leaq (%rsp,%r14,1),%rsp");
    const unsigned h = sizeof st_ret_head; /* andl at boff-h, addq at boff-5, pushq at boff-2 */
    if (boff < h || memcmp(c->code + off - h, st_ret_head, h) != 0 ||
        !((s->starts >> (boff - h)) & (s->starts >> (boff - 5)) & (s->starts >> (boff - 2)) & 1))
        return fail(c, off, 1, LFIV_RULE_INDIRECT_BRANCH,
                    "ret (single-thread form) must directly follow andl "
                    "$0xffffffe0,%r11d ; addq %r14,%r11 ; pushq %r11 in the same bundle");
    s->starts |= 1u << boff;
    mark_chain(s, boff - h, boff);
    reset_state(s);
    return 0;
}

/* All the rules, for any instruction. check_insn screens the common case
 * first and sends everything else here. */
static int check_insn_full(struct ctx *c, struct bundle_state *s,
                           const struct x64_insn *in, size_t off, unsigned boff)
{
    bool full = c->opts->mode == LFIV_MODE_FULL;
    uint64_t next = c->addr + off + in->len;
    int origin;

    /* The %rsp re-base must directly follow the 32-bit %esp write. */
    if (s->rsp_pending) {
        if (!is_rebase(in))
            return fail(c, off, in->len, LFIV_RULE_RSP_REBASE,
                        "a 32-bit write to %esp must be followed in the same "
                        "bundle by addq %r14,%rsp, orq %r14,%rsp or "
                        "leaq (%rsp,%r14,1),%rsp");
        s->rsp_pending = false;
        mark_chain(s, s->origin[X64_RSP], boff);
        reset_state(s);
        return 0;
    }

    /* Indirect branches through memory: only the runtime-call shape. */
    if ((in->kind == X64_K_JMP_IND || in->kind == X64_K_CALL_IND) && in->has_mem &&
        !(in->kind == X64_K_JMP_IND && in->base == X64_R14 && in->index == X64_NOREG))
        return fail(c, off, in->len, LFIV_RULE_INDIRECT_BRANCH,
                    "indirect branches through memory are not allowed");

    /* Memory operands. */
    if (in->has_mem && !(in->has_mem & X64_MEM_NOACCESS)) {
        if (in->kind == X64_K_BT_REG && (full || (in->has_mem & X64_MEM_W)))
            return fail(c, off, in->len, LFIV_RULE_BIT_OFFSET,
                        "bt/bts/btr/btc with a register bit offset can address "
                        "about 2^60 bytes around the operand");
        if (full || (in->has_mem & X64_MEM_W)) {
            if (!mem_ok(s, in, &origin))
                return fail(c, off, in->len, LFIV_RULE_MEMORY,
                            "memory operand must be %gs: with 32-bit addressing, "
                            "or disp(%rsp|%rip|%r14) with |disp| <= 256 MiB, "
                            "or a guarded form");
            if (origin >= 0)
                mark_chain(s, (unsigned)origin, boff);
        }
    }

    /* Register writes. */
    for (int k = 0; k < 3 && in->wreg[k] != X64_NOREG; k++) {
        int r = in->wreg[k];
        if (r == X64_R14)
            return fail(c, off, in->len, LFIV_RULE_RESERVED_WRITE,
                        "%r14 (the sandbox base) must never be written");
        if (r == X64_RSP) {
            if (k == 0 && in->wreg[1] == X64_NOREG && is_esp_writer(in)) {
                s->rsp_pending = true;
                s->origin[X64_RSP] = (uint8_t)boff;
                continue;
            }
            return fail(c, off, in->len, LFIV_RULE_RESERVED_WRITE,
                        "%rsp may only be written by push/pop/call or by a "
                        "32-bit write to %esp followed by the re-base");
        }
    }

    /* Control flow and string instructions. */
    switch (in->kind) {
    case X64_K_BRANCH:
    case X64_K_CALL: {
        uint64_t target = next + (uint64_t)(int64_t)in->rel;
        if ((target & BOX_MASK) != (c->addr & BOX_MASK))
            return fail(c, off, in->len, LFIV_RULE_BRANCH_TARGET,
                        "direct branch target is outside the 4 GiB sandbox");
        if (target % BUNDLE == 0)
            break;
        if (c->opts->flags & LFIV_ALIGNED_TARGETS)
            return fail(c, off, in->len, LFIV_RULE_BRANCH_TARGET,
                        "direct branch target is not 32-byte aligned");
        if (target < c->addr || target - c->addr >= c->size)
            return fail(c, off, in->len, LFIV_RULE_BRANCH_TARGET,
                        "direct branch target outside the verified code must "
                        "be 32-byte aligned");
        add_target(c, target);
        break;
    }
    case X64_K_JMP_IND:
    case X64_K_CALL_IND:
        if (is_mod3(in)) {
            int x = modrm_rm(in);
            if (!has(s, ST_TGT, x))
                return fail(c, off, in->len, LFIV_RULE_INDIRECT_BRANCH,
                            "indirect branch register must be masked in the "
                            "same bundle: andl $0xffffffe0,%eX then "
                            "addq %r14,%rX");
            if (in->kind == X64_K_CALL_IND && boff + in->len != BUNDLE)
                return fail(c, off, in->len, LFIV_RULE_CALL_PLACEMENT,
                            "a masked indirect call must end at the bundle end");
            mark_chain(s, s->origin[x], boff);
            break;
        }
        if (in->kind == X64_K_JMP_IND && in->pfx == 0 &&
            in->base == X64_R14 && in->index == X64_NOREG &&
            in->disp >= -32 && in->disp <= 24 && in->disp % 8 == 0) {
            uint64_t t = s->rt_target;
            bool next_ok = t == next && off + in->len < c->size;
            bool aligned_ok = t % BUNDLE == 0 && t >= c->addr &&
                              t - c->addr < c->size;
            if (!s->rt_valid || !(next_ok || aligned_ok))
                return fail(c, off, in->len, LFIV_RULE_RUNTIME_CALL,
                            "runtime call needs leaq L(%rip),%r11 right before, "
                            "in the same bundle, with L the next instruction or "
                            "a bundle start in this code");
            mark_chain(s, s->rt_origin, boff);
            break;
        }
        if (in->kind == X64_K_JMP_IND && in->base == X64_R14)
            return fail(c, off, in->len, LFIV_RULE_RUNTIME_CALL,
                        "runtime calls are jmpq *N(%r14) with N in "
                        "{-32,-24,...,24}, no prefixes");
        return fail(c, off, in->len, LFIV_RULE_INDIRECT_BRANCH,
                    "indirect branches through memory are not allowed");
    case X64_K_STRING: {
        unsigned need = 0;
        if (in->str & X64_STR_RDI_W)
            need |= 1u << X64_RDI;
        if (full && (in->str & X64_STR_RDI_R))
            need |= 1u << X64_RDI;
        if (full && (in->str & X64_STR_RSI_R))
            need |= 1u << X64_RSI;
        unsigned org = boff;
        for (int r = X64_RSI; r <= X64_RDI; r++) {
            if (!(need >> r & 1))
                continue;
            if (!has(s, ST_BOX, r))
                return fail(c, off, in->len, LFIV_RULE_STRING,
                            "string instruction needs movl %eR,%eR ; "
                            "leaq (%r14,%rR),%rR for %rdi/%rsi in the same bundle");
            if (s->origin[r] < org)
                org = s->origin[r];
        }
        if (org < boff)
            mark_chain(s, org, boff);
        break;
    }
    }

    if (s->rsp_pending)
        return 0; /* the %esp writer itself: state is reset by the re-base */

    /* State: the setter shapes update, nops keep, everything else forgets. */
    if (in->kind == X64_K_NOP)
        return 0;
    if (!update_state(s, in, boff, next))
        reset_state(s);
    return 0;
}

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Opcodes (one-byte map) of the state-setting shapes. */
static const uint8_t setter_op[256] = {
    [0x89] = 1, [0x8b] = 1, [0x25] = 1, [0x81] = 1, [0x83] = 1,
    [0x01] = 1, [0x03] = 1, [0x09] = 1, [0x0b] = 1, [0x8d] = 1,
};

/* The common case first: no re-base pending, no memory operand or a plain
 * one (%gs, or %rsp/%rip/%r14 with a small displacement), no reserved
 * register written, nothing but plain instructions, nops and aligned
 * direct branches. Everything else goes through check_insn_full, which
 * gives the same verdict for these too. */
static inline int check_insn(struct ctx *c, struct bundle_state *s,
                             const struct x64_insn *in, size_t off, unsigned boff)
{
    unsigned kind = in->kind;
    if (unlikely(s->rsp_pending || kind >= X64_K_JMP_IND ||
                 (in->wmask & ((1u << X64_RSP) | (1u << X64_R14)))))
        return check_insn_full(c, s, in, off, boff);
    if (in->has_mem & (X64_MEM_R | X64_MEM_W)) {
        bool need = c->opts->mode == LFIV_MODE_FULL || (in->has_mem & X64_MEM_W);
        if (need && !(in->pfx & X64_P_GS) &&
            ((in->pfx & X64_P_67) || in->index != X64_NOREG ||
             !(in->base == X64_RSP || in->base == X64_RIP || in->base == X64_R14) ||
             !disp_ok(in->disp)))
            return check_insn_full(c, s, in, off, boff);
    }
    if (kind == X64_K_BRANCH || kind == X64_K_CALL) {
        uint64_t target = c->addr + off + in->len + (uint64_t)(int64_t)in->rel;
        if (unlikely((target & BOX_MASK) != (c->addr & BOX_MASK) || target % BUNDLE))
            return check_insn_full(c, s, in, off, boff);
    }
    /* Register state: setters update, nops keep, the rest forgets. */
    if (kind == X64_K_NOP)
        return 0;
    if (in->map == X64_MAP_1B && setter_op[in->op] &&
        update_state(s, in, boff, c->addr + off + in->len))
        return 0;
    reset_state(s);
    return 0;
}

static inline uint32_t load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Assembler padding: 66 90, and 66... [2e] 0f 1f /0 (what GNU as and
 * LLVM emit). Keeps the register state. 0 for anything else. Needs 16
 * readable bytes. */
static inline unsigned fast_nop(struct ctx *c, struct bundle_state *s,
                                size_t off, unsigned boff)
{
    const uint8_t *p = c->code + off;
    /* j = the number of leading 66 bytes (at most 8 here; more go to the
     * full path), without a loop. */
    uint64_t w;
    memcpy(&w, p, 8);
    w ^= 0x6666666666666666ull;
    if (!w)
        return 0;
    unsigned j = (unsigned)__builtin_ctzll(w) / 8;
    if (p[j] == 0x90) {
        if (j != 1)
            return 0;
        j = 2;
    } else {
        if (p[j] == 0x2e)
            j++;
        if (p[j] != 0x0f || p[j + 1] != 0x1f)
            return 0;
        unsigned m = p[j + 2];
        uint32_t e = x64_fasttab[1][0x1f][m];
        if (!(e >> (FT_OKX_SHIFT + FT_OKX_NOREX) & 1) || !(e & FT_NOP))
            return 0;
        if ((e & FT_SIB) && (((p[j + 3] & 0x38) == 0x20 && (p[j + 3] >> 6)) ||
                             ((m >> 6) == 0 && (p[j + 3] & 7) == 5)))
            return 0;
        j += 1 + (e & FT_LEN);
    }
    if (j > 15 || boff + j > BUNDLE)
        return 0;
    s->starts |= 1u << boff;
    return j;
}

/* State transitions of check_insn_full/update_state, for the fast paths. */
static inline void set_zx32(struct bundle_state *s, unsigned d, unsigned boff,
                            bool masked)
{
    forget(s, (int)d);
    s->regs |= (1ull << (ST_ZX32 + d)) | ((uint64_t)masked << (ST_MASK + d));
    s->origin[d] = (uint8_t)boff;
}

static inline void esp_write(struct bundle_state *s, unsigned boff)
{
    /* The first half of the %rsp re-base: nothing else changes. */
    s->rsp_pending = true;
    s->origin[X64_RSP] = (uint8_t)boff;
}

/* The instructions of FT_SETCHK entries (one-byte map, no prefix other
 * than REX; no memory access, no direct branch): the register-state
 * setters, the masked indirect branches and the 32-bit writes to %esp
 * that start the re-base, with exactly the verdicts and state changes of
 * check_insn_full. Anything else it is unsure about: 0, nothing changed.
 * i: index of the opcode byte; len: the whole instruction's length. */
static inline unsigned fast_setter(struct bundle_state *s, const uint8_t *p,
                                   unsigned i, unsigned rex, unsigned len,
                                   unsigned boff)
{
    unsigned op = p[i], m = p[i + 1];
    unsigned wide = rex & 8;
    unsigned reg = ((m >> 3) & 7) | ((rex & 4) << 1);
    unsigned rm = (m & 7) | ((rex & 1) << 3);

    switch (op) {
    case 0x89: case 0x8b: { /* mov reg/reg: movl is a setter */
        unsigned d = op == 0x89 ? rm : reg;
        if (d == X64_R14)
            return 0;
        if (d == X64_RSP) {
            if (wide)
                return 0;
            esp_write(s, boff);
            break;
        }
        if (wide)
            reset_state(s);
        else
            set_zx32(s, d, boff, false);
        break;
    }
    case 0x01: case 0x09: case 0x03: case 0x0b: { /* add/or reg/reg */
        unsigned x = (op == 0x01 || op == 0x09) ? rm : reg;
        unsigned src = (op == 0x01 || op == 0x09) ? reg : rm;
        if (x == X64_R14)
            return 0;
        if (!wide) {
            if (x == X64_RSP)
                esp_write(s, boff);
            else
                reset_state(s);
            break;
        }
        if (x == X64_RSP)
            return 0; /* only as the re-base (fast_rebase) */
        if (src == X64_R14 && has(s, ST_ZX32, (int)x)) { /* addq/orq %r14,%rX */
            bool aligned = has(s, ST_MASK, (int)x);
            forget(s, (int)x);
            s->regs |= (1ull << (ST_BOX + x)) | ((uint64_t)aligned << (ST_TGT + x));
        } else {
            reset_state(s);
        }
        break;
    }
    case 0x81: case 0x83: { /* ALU $imm,reg */
        unsigned r = (m >> 3) & 7;
        if (r == 7) { /* cmp: writes nothing */
            reset_state(s);
            break;
        }
        if (rm == X64_R14)
            return 0;
        if (rm == X64_RSP) {
            if (wide || !(r == 0 || r == 1 || r == 4 || r == 5))
                return 0;
            esp_write(s, boff);
            break;
        }
        uint32_t imm = op == 0x83 ? (uint32_t)(int32_t)(int8_t)p[i + 2] : load32(p + i + 2);
        if (!wide && r == 4 && imm == 0xffffffe0u) /* andl $0xffffffe0,%eX */
            set_zx32(s, rm, boff, true);
        else
            reset_state(s);
        break;
    }
    case 0x25: /* and $imm,%eax/%rax */
        if (!wide && load32(p + i + 1) == 0xffffffe0u)
            set_zx32(s, X64_RAX, boff, true);
        else
            reset_state(s);
        break;
    case 0x8d: /* lea */
        if (reg == X64_R14)
            return 0;
        if (reg == X64_RSP) {
            if (wide)
                return 0;
            esp_write(s, boff);
            break;
        }
        if (wide) {
            /* leaq L(%rip),%r11 and leaq (%r14,%rX),%rY: the full path. */
            if ((m & 0xc7) == 0x05 && reg == X64_R11)
                return 0;
            if ((m & 0xc0) != 0xc0 && (m & 7) == 4) {
                unsigned sb = p[i + 2];
                if (((sb & 7) | ((rex & 1) << 3)) == X64_R14 ||
                    (((sb >> 3) & 7) | ((rex & 2) << 2)) == X64_R14)
                    return 0;
            }
        }
        reset_state(s);
        break;
    case 0xff: { /* jmp/call *%rX: must be masked in this bundle */
        if (!has(s, ST_TGT, (int)rm))
            return 0;
        if (((m >> 3) & 7) == 2 && boff + len != BUNDLE)
            return 0;
        mark_chain(s, s->origin[rm], boff);
        reset_state(s);
        break;
    }
    default:
        return 0;
    }
    s->starts |= 1u << boff;
    return len;
}

/* The second half of the %rsp re-base, when a 32-bit write to %esp is
 * pending: addq/orq %r14,%rsp (both directions) or leaq (%rsp,%r14,1),%rsp
 * in their shortest encodings. 0 for anything else (the full path
 * decides). */
static inline unsigned fast_rebase(struct bundle_state *s, const uint8_t *p,
                                   unsigned boff)
{
    unsigned len;
    uint32_t w = load32(p);
    if ((w & 0xffffff) == 0xf4014c || (w & 0xffffff) == 0xf4094c ||
        (w & 0xffffff) == 0xe60349 || (w & 0xffffff) == 0xe60b49)
        len = 3;
    else if (w == 0x34248d4a)
        len = 4;
    else
        return 0;
    if (boff + len > BUNDLE)
        return 0;
    s->rsp_pending = false;
    mark_chain(s, s->origin[X64_RSP], boff);
    reset_state(s);
    s->starts |= 1u << boff;
    return len;
}

/* Legacy prefixes fast_step looks at. */
static const uint8_t first_pfx[256] = {
    [0x65] = 1, [0x66] = 1, [0xf2] = 1, [0xf3] = 1, [0x2e] = 1,
};

/* The fastest path, driven by the tables generated from the reference
 * decoder (fasttab.h): prefixes 65 67 and one of 66/f2/f3 (in either
 * order), optional REX, the one-byte, 0f, 0f 38 and 0f 3a maps, with
 * plain memory operands (%gs, or %rsp/%rip/%r14 without index) and
 * direct branches; the state-setting shapes through fast_setter.
 * Returns the instruction's length when it has checked everything and
 * updated the state, or 0, having changed nothing, to send the
 * instruction to the full path. Needs 16 readable bytes. */
static inline unsigned fast_step(struct ctx *c, struct bundle_state *s,
                                 size_t off, unsigned boff)
{
    const uint8_t *p = c->code + off;
    unsigned i = 0, seg = 0, mp = 0, b = p[0];
    if (unlikely(first_pfx[b])) {
        if (b == 0x65) {
            if (p[1] != 0x67)
                return 0;
            seg = 1;
            i = 2;
            b = p[2];
        }
        if (b == 0x66 || b == 0xf2 || b == 0xf3) {
            unsigned n = p[i + 1];
            if (b == 0x66 && (n == 0x66 || n == 0x2e || n == 0x90))
                return seg ? 0 : fast_nop(c, s, off, boff);
            mp = b;
            b = n;
            i++;
            if (b == 0x65 && !seg) {
                if (p[i + 1] != 0x67)
                    return 0;
                seg = 1;
                i += 2;
                b = p[i];
            }
        } else if (b == 0x2e) {
            return fast_nop(c, s, off, boff);
        }
    }
    unsigned rex = 0;
    if ((b & 0xf0) == 0x40) {
        rex = b;
        b = p[++i];
    }
    uint32_t e;
    if (likely(!mp)) {
        unsigned map = 0;
        if (b == 0x0f) {
            map = 1;
            b = p[++i];
        }
        e = x64_fasttab[map][b][p[i + 1]];
    } else {
        unsigned fm;
        if (b == 0x0f) {
            b = p[++i];
            if (b == 0x38 || b == 0x3a) {
                if (mp != 0x66)
                    return 0;
                fm = b == 0x38 ? FM_66_0F38 : FM_66_0F3A;
                b = p[++i];
            } else {
                fm = mp == 0x66 ? FM_66_0F : mp == 0xf3 ? FM_F3_0F : FM_F2_0F;
            }
        } else {
            if (mp != 0x66)
                return 0;
            fm = FM_66_1B;
        }
        e = x64_fastpfx_rows[x64_fastpfx_row[fm - FM_66_1B][b]][p[i + 1]];
    }
    /* REX legality and register writes (FT_OKX). */
    unsigned ridx = rex ? (rex & 15) : FT_OKX_NOREX;
    if (((~e >> (FT_OKX_SHIFT + ridx)) | (seg & ~(e / FT_SEGUE))) & 1)
        return 0; /* REX not allowed here, or 65 67 not allowed */

    unsigned m = p[i + 1];
    unsigned len = (e & FT_LEN) + i + ((rex >> 3) & (e / FT_IMMV) & 1) * 4;
    unsigned sb = 0;
    if (e & FT_SIB) {
        sb = p[i + 2];
        if ((sb & 0x38) == 0x20 && !(rex & 2) && (sb >> 6))
            return 0; /* scale without index */
        if ((m >> 6) == 0 && (sb & 7) == 5) {
            if (rex & 1)
                return 0;
            len += 4; /* no base: disp32 */
        }
    }
    if (len > 15 || boff + len > BUNDLE)
        return 0;

    if (e & FT_SETCHK)
        return fast_setter(s, p, i, rex, len, boff);

    /* Memory operand (unless %gs): %rsp or %r14 without index, or %rip,
     * with |disp| <= 256 MiB. */
    if ((e & c->memchk) && !seg) {
        unsigned mod = m >> 6;
        unsigned at = i + 2; /* the displacement */
        if (e & FT_SIB) {
            if (rex & 2)
                return 0;
            if (!(sb == 0x24 && !(rex & 1)) && !(sb == 0x26 && (rex & 1)))
                return 0;
            at++;
        } else if (mod == 0 && (m & 7) == 5) {
            mod = 2; /* %rip */
        } else if ((m & 7) != 6 || !(rex & 1)) {
            return 0;
        }
        if (mod == 2 && !disp_ok((int32_t)load32(p + at)))
            return 0;
    }

    /* Direct branches: targets inside the box, bundle starts or (unless
     * LFIV_ALIGNED_TARGETS) inside the buffer, checked at the end. */
    if (e & (FT_BR8 | FT_BR32)) {
        int32_t rel = (e & FT_BR8) ? (int8_t)p[len - 1] : (int32_t)load32(p + len - 4);
        uint64_t target = c->addr + off + len + (uint64_t)(int64_t)rel;
        if ((target & BOX_MASK) != (c->addr & BOX_MASK))
            return 0;
        if (target % BUNDLE) {
            if (!c->tgt || target - c->addr >= c->size)
                return 0;
            add_target(c, target);
        }
    }

    /* Nops keep the register state, everything else forgets it. */
    uint64_t keep = 0 - (uint64_t)((e / FT_NOP) & 1);
    s->regs &= keep;
    s->rt_valid &= (bool)keep;
    s->starts |= 1u << boff;
    return len;
}

/* After a successful pass: is every recorded branch target an
 * instruction start outside macro-instructions? valid[k] holds those of
 * bundle k. If not, report the first branch (in address order) whose
 * target is bad; every instruction decoded in the pass, so a linear
 * decode finds the same instructions again. */
static int check_targets(struct ctx *c, const uint32_t *valid, size_t nbundles)
{
    size_t k;
    for (k = 0; k < nbundles; k++)
        if (c->tgt[k] & ~valid[k])
            break;
    if (k == nbundles)
        return LFIV_OK;
    struct x64_insn in;
    for (size_t off = 0; off < c->size;) {
        int n = x64_decode_reference(c->code + off, c->size - off, &in);
        if (n <= 0)
            break; /* cannot happen */
        if (in.kind == X64_K_BRANCH || in.kind == X64_K_CALL) {
            uint64_t target = c->addr + off + (unsigned)n + (uint64_t)(int64_t)in.rel;
            uint64_t t = target - c->addr;
            if (target % BUNDLE && t < c->size && !(valid[t / BUNDLE] >> (t % BUNDLE) & 1))
                return fail(c, off, n, LFIV_RULE_BRANCH_TARGET,
                            "direct branch target is not an instruction start, or is "
                            "inside a macro-instruction");
        }
        off += (unsigned)n;
    }
    return fail(c, 0, 0, LFIV_RULE_BRANCH_TARGET, "direct branch target is not an "
                "instruction start, or is inside a macro-instruction");
}

/* The reference path: every instruction through x64_decode_reference and
 * check_insn_full, one at a time; no table path, no screening. The fast
 * verifier (verify_fast) must agree with it exactly. */
static int verify_reference(const struct lfiv_options *opts, const uint8_t *code,
                            size_t size, uint64_t addr, struct lfiv_violation *v,
                            struct lfiv_stats *stats)
{
    struct ctx c = { opts, code, size, addr, v, NULL,
                     opts->mode == LFIV_MODE_FULL ? FT_MEM | FT_MEMW : FT_MEMW, 0 };
    struct bundle_state s;
    struct x64_insn in;
    uint64_t ninsn = 0;
    int rc = LFIV_OK;

    if (addr % BUNDLE) {
        lfiv_set_violation(v, LFIV_ARCH_X64, code, size, 0, addr, 0,
                           LFIV_RULE_ADDRESS,
                           "code must be verified at a 32-byte aligned address "
                           "(bundles are counted from absolute addresses)");
        return LFIV_REJECTED;
    }
    if (size > (uint64_t)1 << 32 ||
        (size && ((addr + size - 1) & BOX_MASK) != (addr & BOX_MASK))) {
        lfiv_set_violation(v, LFIV_ARCH_X64, code, 0, 0, addr, 0,
                           LFIV_RULE_ADDRESS,
                           "code does not fit inside one 4 GiB sandbox");
        return LFIV_REJECTED;
    }

    size_t nbundles = (size + BUNDLE - 1) / BUNDLE;
    uint32_t *valid = NULL;
    if (!(opts->flags & LFIV_ALIGNED_TARGETS)) {
        /* valid[0..nbundles) and the targets c.tgt[0..nbundles) */
        valid = malloc(nbundles ? 2 * nbundles * sizeof *valid : 1);
        if (!valid)
            return LFIV_ENOMEM;
        c.tgt = valid + nbundles;
        memset(c.tgt, 0, nbundles * sizeof *c.tgt);
    }

    memset(&s, 0, sizeof s);
    size_t off = 0;
    while (off < size) {
        unsigned boff = off % BUNDLE;
        if (boff == 0 && off) {
            if (s.rsp_pending) {
                rc = fail(&c, off - BUNDLE + s.origin[X64_RSP], 0,
                          LFIV_RULE_RSP_REBASE,
                          "a 32-bit write to %esp must be followed in the same "
                          "bundle by the re-base");
                goto out;
            }
            if (valid)
                valid[off / BUNDLE - 1] = s.starts & ~s.nontarget;
            memset(&s, 0, sizeof s);
        }
        int n = x64_decode_reference(code + off, size - off, &in);
        if (n == 0 && code[off] == 0xc3 && (opts->flags & LFIV_SINGLE_THREAD)) {
            ninsn++;
            rc = check_st_ret(&c, &s, off, boff);
            if (rc)
                goto out;
            off++;
            continue;
        }
        if (n <= 0) {
            rc = fail(&c, off, 0, n == 0 ? LFIV_RULE_ENCODING : LFIV_RULE_TRUNCATED,
                      n == 0 ? "instruction or encoding is not in the allowlist"
                             : "instruction runs past the end of the code");
            goto out;
        }
        ninsn++;
        if (boff + (unsigned)n > BUNDLE) {
            rc = fail(&c, off, n, LFIV_RULE_BUNDLE_CROSSING,
                      "instruction crosses a 32-byte bundle boundary");
            goto out;
        }
        s.starts |= 1u << boff;
        rc = check_insn_full(&c, &s, &in, off, boff);
        if (rc)
            goto out;
        off += (unsigned)n;
    }
    if (s.rsp_pending) {
        rc = fail(&c, (size - 1) / BUNDLE * BUNDLE + s.origin[X64_RSP], 0,
                  LFIV_RULE_RSP_REBASE,
                  "a 32-bit write to %esp must be followed in the same bundle "
                  "by the re-base");
        goto out;
    }
    if (valid && size) {
        valid[nbundles - 1] = s.starts & ~s.nontarget;
        rc = check_targets(&c, valid, nbundles);
    }

out:
    if (stats) {
        stats->bytes = rc == LFIV_OK ? size : off;
        stats->instructions = ninsn;
    }
    free(valid);
    return rc;
}

/* One bundle from bundle offset boff (state *s so far) to its end, or to
 * the end of the code: the table paths while they can, the decoder and
 * check_insn otherwise. */
static inline int finish_bundle(struct ctx *c, struct bundle_state *s, size_t bs,
                                unsigned boff, uint64_t *ninsn)
{
    size_t end = c->size - bs < BUNDLE ? c->size - bs : BUNDLE;
    size_t fast_lim = c->size - bs >= BUNDLE + 15 ? BUNDLE : 0;
    if (!fast_lim && c->size - bs >= 16)
        fast_lim = c->size - bs - 15;
    struct x64_insn in;
    while (boff < end) {
        size_t off = bs + boff;
        if (boff < fast_lim) {
            unsigned fn = likely(!s->rsp_pending) ? fast_step(c, s, off, boff)
                                                  : fast_rebase(s, c->code + off, boff);
            if (fn) {
                ++*ninsn;
                boff += fn;
                continue;
            }
        }
        int n = x64_decode(c->code + off, c->size - off, &in);
        if (n == 0 && c->code[off] == 0xc3 && (c->opts->flags & LFIV_SINGLE_THREAD)) {
            ++*ninsn;
            int rc = check_st_ret(c, s, off, boff);
            if (rc)
                return rc;
            boff++;
            continue;
        }
        if (n <= 0)
            return fail(c, off, 0, n == 0 ? LFIV_RULE_ENCODING : LFIV_RULE_TRUNCATED,
                        n == 0 ? "instruction or encoding is not in the allowlist"
                               : "instruction runs past the end of the code");
        ++*ninsn;
        if (boff + (unsigned)n > BUNDLE)
            return fail(c, off, n, LFIV_RULE_BUNDLE_CROSSING,
                        "instruction crosses a 32-byte bundle boundary");
        s->starts |= 1u << boff;
        int rc = check_insn(c, s, &in, off, boff);
        if (rc)
            return rc;
        boff += (unsigned)n;
    }
    return LFIV_OK;
}

/* After a bundle: the re-base must not be pending; record its targets. */
static inline int close_bundle(struct ctx *c, const struct bundle_state *s, size_t bs,
                               uint32_t *valid)
{
    if (s->rsp_pending)
        return fail(c, bs + s->origin[X64_RSP], 0, LFIV_RULE_RSP_REBASE,
                    "a 32-bit write to %esp must be followed in the same "
                    "bundle by the re-base");
    if (valid)
        valid[bs / BUNDLE] = s->starts & ~s->nontarget;
    return LFIV_OK;
}

/* The bundle automaton (dfa.h), DFA_LANES bundles at a time: their byte
 * chains are independent, so the table loads of one overlap those of the
 * others, and nothing branches on the code (8 lanes: about 20% faster
 * than 4 on the corpus, 16 hardly more). tr[k][i]: the state after byte i
 * of bundle k. */
#define DFA_LANES 8

static inline void dfa_run(const uint16_t *t, const uint8_t *p,
                           uint16_t tr[DFA_LANES][BUNDLE])
{
    unsigned s[DFA_LANES];
    for (unsigned k = 0; k < DFA_LANES; k++)
        s[k] = DFA_START;
    for (unsigned i = 0; i < BUNDLE; i++) {
        for (unsigned k = 0; k < DFA_LANES; k++) {
            s[k] = t[(size_t)s[k] << 8 | p[k * BUNDLE + i]];
            tr[k][i] = (uint16_t)s[k];
        }
    }
}

/* One bundle alone (the last whole bundles of a buffer). */
static inline void dfa_run1(const uint16_t *t, const uint8_t *p, uint16_t *tr)
{
    unsigned s = DFA_START;
    for (unsigned i = 0; i < BUNDLE; i++) {
        s = t[(size_t)s << 8 | p[i]];
        tr[i] = (uint16_t)s;
    }
}

/* Bit i set where tr[i] is an end state (lo <= tr[i] < DFA_NEND). */
static inline uint32_t dfa_mask(const uint16_t *tr, unsigned lo)
{
#ifdef __SSE2__
    const __m128i below = _mm_set1_epi16(DFA_NEND), above = _mm_set1_epi16((short)(lo - 1));
    uint32_t m = 0;
    for (unsigned q = 0; q < BUNDLE; q += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(tr + q));
        __m128i b = _mm_loadu_si128((const __m128i *)(tr + q + 8));
        __m128i ia = _mm_cmplt_epi16(a, below), ib = _mm_cmplt_epi16(b, below);
        if (lo) {
            ia = _mm_and_si128(ia, _mm_cmpgt_epi16(a, above));
            ib = _mm_and_si128(ib, _mm_cmpgt_epi16(b, above));
        }
        m |= (uint32_t)_mm_movemask_epi8(_mm_packs_epi16(ia, ib)) << q;
    }
    return m;
#else
    uint32_t m = 0;
    for (unsigned i = 0; i < BUNDLE; i++)
        m |= (uint32_t)(tr[i] >= lo && tr[i] < DFA_NEND) << i;
    return m;
#endif
}

/* The automaton's verdict on the bundle at bs (trace tr): if it proved
 * the bundle fine and its direct branches pass fast_step's target
 * checks, record what the exact loop would have (instruction starts,
 * non-targets, branch targets, instruction count) and return true;
 * otherwise change nothing and return false. */
static inline bool dfa_commit(struct ctx *c, const uint16_t *tr, size_t bs,
                              uint32_t *valid, uint64_t *ninsn)
{
    unsigned last = tr[BUNDLE - 1];
    if (last >= DFA_NEND || last == DFA_PENDING)
        return false;
    const uint8_t *p = c->code + bs;
    uint32_t special = dfa_mask(tr, DFA_SPECIAL_LO), nontarget = 0;
    uint64_t targets[BUNDLE / 2];
    unsigned ntargets = 0;
    for (uint32_t m = special; m; m &= m - 1) {
        unsigned i = (unsigned)__builtin_ctz(m), e = i + 1; /* end offset */
        switch (tr[i]) {
        case DFA_BR8:
        case DFA_BR32: {
            int32_t rel = tr[i] == DFA_BR8 ? (int8_t)p[i] : (int32_t)load32(p + i - 3);
            uint64_t target = c->addr + bs + e + (uint64_t)(int64_t)rel;
            if ((target & BOX_MASK) != (c->addr & BOX_MASK))
                return false;
            if (target % BUNDLE) {
                if (!c->tgt || target - c->addr >= c->size)
                    return false;
                targets[ntargets++] = target;
            }
            break;
        }
        case DFA_JMPCHAIN:
        case DFA_CALLCHAIN: /* the add and the branch */
            nontarget |= (1u << (e - 3)) | (1u << (e - 6));
            break;
        case DFA_REB3:
            nontarget |= 1u << (e - 3);
            break;
        case DFA_REB4:
            nontarget |= 1u << (e - 4);
            break;
        case DFA_STRET: /* the add, the push and the ret (check_st_ret) */
            if (!(c->opts->flags & LFIV_SINGLE_THREAD))
                return false;
            nontarget |= (1u << (e - 1)) | (1u << (e - 3)) | (1u << (e - 6));
            break;
        }
    }
    for (unsigned k = 0; k < ntargets; k++)
        add_target(c, targets[k]);
    /* An instruction starts at 0 and after every end but the last. */
    uint32_t starts = 1u | dfa_mask(tr, 0) << 1;
    if (valid)
        valid[bs / BUNDLE] = starts & ~nontarget;
    *ninsn += (unsigned)__builtin_popcount(starts);
    return true;
}

/* The fast verifier: bundle by bundle through finish_bundle. Same
 * verdicts, violations and statistics as verify_reference
 * (the reference path; tests/verify/diff_fastpath.c checks this). */
static int verify_fast(const struct lfiv_options *opts, const uint8_t *code,
                       size_t size, uint64_t addr, struct lfiv_violation *v,
                       struct lfiv_stats *stats)
{
    struct ctx c = { opts, code, size, addr, v, NULL,
                     opts->mode == LFIV_MODE_FULL ? FT_MEM | FT_MEMW : FT_MEMW, 0 };
    uint64_t ninsn = 0;
    int rc = LFIV_OK;

    if (addr % BUNDLE) {
        lfiv_set_violation(v, LFIV_ARCH_X64, code, size, 0, addr, 0,
                           LFIV_RULE_ADDRESS,
                           "code must be verified at a 32-byte aligned address "
                           "(bundles are counted from absolute addresses)");
        return LFIV_REJECTED;
    }
    if (size > (uint64_t)1 << 32 ||
        (size && ((addr + size - 1) & BOX_MASK) != (addr & BOX_MASK))) {
        lfiv_set_violation(v, LFIV_ARCH_X64, code, 0, 0, addr, 0,
                           LFIV_RULE_ADDRESS,
                           "code does not fit inside one 4 GiB sandbox");
        return LFIV_REJECTED;
    }

    size_t nbundles = (size + BUNDLE - 1) / BUNDLE;
    uint32_t *valid = NULL;
    if (!(opts->flags & LFIV_ALIGNED_TARGETS)) {
        valid = malloc(nbundles ? 2 * nbundles * sizeof *valid : 1);
        if (!valid)
            return LFIV_ENOMEM;
        c.tgt = valid + nbundles;
        memset(c.tgt, 0, nbundles * sizeof *c.tgt);
    }

    /* DFA_LANES whole bundles at a time through the automaton (the last
     * few one at a time); the bundles it does not prove fine, and a last
     * partial bundle, through finish_bundle, in address order (so the
     * first violation is the reference's). */
    const uint16_t *dfa = opts->mode == LFIV_MODE_FULL ? x64_dfa_full : x64_dfa_stores;
    uint16_t tr[DFA_LANES][BUNDLE];
    struct bundle_state s;
    size_t bs = 0;
    while (bs < size) {
        unsigned lanes = size - bs >= DFA_LANES * BUNDLE ? DFA_LANES : 1;
        bool whole = size - bs >= BUNDLE;
        if (lanes > 1)
            dfa_run(dfa, code + bs, tr);
        else if (whole)
            dfa_run1(dfa, code + bs, tr[0]);
        for (unsigned k = 0; k < lanes; k++, bs += BUNDLE) {
            if (whole && dfa_commit(&c, tr[k], bs, valid, &ninsn))
                continue;
            memset(&s, 0, sizeof s);
            rc = finish_bundle(&c, &s, bs, 0, &ninsn);
            if (rc) {
                bs = c.fail_off;
                goto out;
            }
            if ((rc = close_bundle(&c, &s, bs, valid))) {
                bs += BUNDLE;
                goto out;
            }
        }
    }
    if (valid && size)
        rc = check_targets(&c, valid, nbundles);
    bs = size;

out:
    if (bs > size)
        bs = size;
    if (stats) {
        stats->bytes = rc == LFIV_OK ? size : bs;
        stats->instructions = ninsn;
    }
    free(valid);
    return rc;
}

int lfiv_verify_x64(const struct lfiv_options *opts, const uint8_t *code,
                    size_t size, uint64_t addr, struct lfiv_violation *v,
                    struct lfiv_stats *stats)
{
    return verify_fast(opts, code, size, addr, v, stats);
}

unsigned lfiv_x64_dfa_bundle(const uint8_t *bundle, int mode)
{
    const uint16_t *t = mode == LFIV_MODE_FULL ? x64_dfa_full : x64_dfa_stores;
    unsigned st = DFA_START;
    for (unsigned i = 0; i < BUNDLE; i++)
        st = t[(size_t)st << 8 | bundle[i]];
    return st;
}

int lfiv_verify_x64_reference(const struct lfiv_options *opts, const uint8_t *code,
                              size_t size, uint64_t addr, struct lfiv_violation *v,
                              struct lfiv_stats *stats)
{
    return verify_reference(opts, code, size, addr, v, stats);
}
