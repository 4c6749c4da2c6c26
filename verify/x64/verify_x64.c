/* The LFI-x64 rules (docs/verifier.md), applied to decoded instructions. */
#include "x64/verify_x64.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "verify_internal.h"
#include "x64/decode.h"
#include "x64/fasttab.h"

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

struct pending {
    uint64_t target;
    size_t from; /* offset of the branch */
};

struct ctx {
    const struct lfiv_options *opts;
    const uint8_t *code;
    size_t size;
    uint64_t addr;
    struct lfiv_violation *v;
    struct pending *pend;
    size_t npend, cappend;
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

static int add_pending(struct ctx *c, uint64_t target, size_t from)
{
    if (c->npend == c->cappend) {
        size_t n = c->cappend ? c->cappend * 2 : 256;
        struct pending *p = realloc(c->pend, n * sizeof *p);
        if (!p)
            return LFIV_ENOMEM;
        c->pend = p;
        c->cappend = n;
    }
    c->pend[c->npend].target = target;
    c->pend[c->npend].from = from;
    c->npend++;
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
        if (add_pending(c, target, off))
            return LFIV_ENOMEM;
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

/* The fastest path, driven by x64_fasttab (generated from the reference
 * decoder): the common instruction shapes (no prefix or 65 67, optional
 * REX, one-byte or 0f map; plain instructions, nops, lea and direct
 * branches; no state-setting shape) with plain memory operands and
 * aligned branch targets. Returns the instruction's length when it has
 * checked everything and updated the state, or 0, having changed nothing,
 * to send the instruction to the full path. Needs 16 readable bytes. */
/* Assembler padding: 66 90, and 66... [2e] 0f 1f /0 (what GNU as and
 * LLVM emit). Keeps the register state. 0 for anything else. */
static inline unsigned fast_nop(struct ctx *c, struct bundle_state *s,
                                size_t off, unsigned boff)
{
    const uint8_t *p = c->code + off;
    unsigned j = 0;
    while (j < 14 && p[j] == 0x66)
        j++;
    if (p[j] == 0x90) {
        if (j != 1)
            return 0;
        j = 2;
    } else {
        if (p[j] == 0x2e)
            j++;
        if (p[j] != 0x0f || p[j + 1] != 0x1f)
            return 0;
        uint32_t e = x64_fasttab[1][0x1f][p[j + 2]];
        if (!(e & FT_OK) || !(e & FT_NOP))
            return 0;
        if ((e & FT_SIB) && (((p[j + 3] & 0x38) == 0x20 && (p[j + 3] >> 6)) ||
                             ((e & FT_MOD0) && (p[j + 3] & 7) == 5)))
            return 0;
        j += 1 + (e & FT_LEN);
    }
    if (j > 15 || boff + j > BUNDLE)
        return 0;
    s->starts |= 1u << boff;
    return j;
}

static inline unsigned fast_step(struct ctx *c, struct bundle_state *s,
                                 size_t off, unsigned boff)
{
    const uint8_t *p = c->code + off;
    unsigned i = 0, seg = 0;
    if (p[0] == 0x65) {
        if (p[1] != 0x67)
            return 0;
        seg = 1;
        i = 2;
    } else if (p[0] == 0x66 || p[0] == 0x2e) {
        return fast_nop(c, s, off, boff);
    }
    unsigned rex = 0;
    if ((p[i] & 0xf0) == 0x40)
        rex = p[i++];
    unsigned map = 0;
    if (p[i] == 0x0f) {
        map = 1;
        i++;
    }
    unsigned op = p[i], m = p[i + 1];
    uint32_t e = x64_fasttab[map][op][m];
    if (!(e & FT_OK))
        return 0;

    unsigned len = e & FT_LEN;
    if (rex) {
        unsigned allowed = ((e & FT_REXW) ? 8u : 0) | ((e & FT_REXR) ? 4u : 0) |
                           ((e & FT_REXX) ? 2u : 0) | ((e & FT_REXB) ? 1u : 0);
        if ((rex & 0xf & ~allowed) || (rex == 0x40 && !(e & FT_REX40)))
            return 0;
        if ((e & FT_IMMV) && (rex & 8))
            len += 4;
    }
    if ((e & FT_WREQ) && !(rex & 8))
        return 0;
    if (seg && !(e & FT_SEGUE))
        return 0;

    unsigned sb = 0, nobase = 0;
    if (e & FT_SIB) {
        sb = p[i + 2];
        if ((sb & 0x38) == 0x20 && !(rex & 2) && (sb >> 6))
            return 0; /* scale without index */
        if ((e & FT_MOD0) && (sb & 7) == 5) {
            nobase = 1;
            len += 4;
            if (rex & 1)
                return 0;
        }
    }
    len += i;
    if (len > 15 || boff + len > BUNDLE)
        return 0;

    /* Shapes that set register state (movl %eY,%eX; addq/orq %r14,%rX;
     * leaq (%r14,%rY),%rX; leaq L(%rip),%r11) take the full path. */
    if (e & FT_SETCHK) {
        if (map == 0 && (op == 0x89 || op == 0x8b)) {
            if (!(rex & 8))
                return 0;
        } else if (op == 0x8d) {
            if ((e & FT_RIP) && (((m >> 3) & 7) | ((rex & 4) << 1)) == X64_R11)
                return 0;
            if ((e & FT_SIB) && (((sb & 7) | ((rex & 1) << 3)) == X64_R14 ||
                                 (((sb >> 3) & 7) | ((rex & 2) << 2)) == X64_R14))
                return 0;
        } else if ((rex & 8) && ((((m >> 3) & 7) | ((rex & 4) << 1)) == X64_R14 ||
                                 ((m & 7) | ((rex & 1) << 3)) == X64_R14)) {
            return 0;
        }
    }

    /* Memory operand: %gs, or %rsp/%rip/%r14 without index. */
    if ((e & FT_MEM) && !seg &&
        (c->opts->mode == LFIV_MODE_FULL || (e & FT_MEMW))) {
        if (!(e & FT_RIP)) {
            unsigned base;
            if (e & FT_SIB) {
                if (nobase || ((sb & 0x38) != 0x20 || (rex & 2)))
                    return 0;
                base = (sb & 7) | ((rex & 1) << 3);
            } else {
                base = (m & 7) | ((rex & 1) << 3);
            }
            if (base != X64_RSP && base != X64_R14)
                return 0;
        }
        if ((e & FT_DISP32) && !disp_ok((int32_t)load32(p + i + 2 + ((e & FT_SIB) ? 1 : 0))))
            return 0;
    }

    /* Registers written: never %rsp (the re-base takes the full path) or
     * %r14; 8-bit numbers 4..7 without REX are %ah..%bh. */
    if (e & (FT_WREG | FT_WOPR)) {
        unsigned r = (e & FT_WREG) ? ((m >> 3) & 7) | ((rex & 4) << 1)
                                   : (op & 7) | ((rex & 1) << 3);
        if ((r == X64_RSP && !((e & FT_REGB) && !rex)) || r == X64_R14)
            return 0;
    }
    if (e & FT_WRM) {
        unsigned r = (m & 7) | ((rex & 1) << 3);
        if ((r == X64_RSP && !((e & FT_RMB) && !rex)) || r == X64_R14)
            return 0;
    }

    /* Direct branches: aligned targets inside the box. */
    if (e & (FT_BR8 | FT_BR32)) {
        int32_t rel = (e & FT_BR8) ? (int8_t)p[len - 1] : (int32_t)load32(p + len - 4);
        uint64_t target = c->addr + off + len + (uint64_t)(int64_t)rel;
        if ((target & BOX_MASK) != (c->addr & BOX_MASK) || target % BUNDLE)
            return 0;
    }

    if (!(e & FT_NOP))
        reset_state(s);
    s->starts |= 1u << boff;
    return len;
}

int lfiv_verify_x64(const struct lfiv_options *opts, const uint8_t *code,
                    size_t size, uint64_t addr, struct lfiv_violation *v,
                    struct lfiv_stats *stats)
{
    struct ctx c = { opts, code, size, addr, v, NULL, 0, 0 };
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
        valid = malloc(nbundles ? nbundles * sizeof *valid : 1);
        if (!valid)
            return LFIV_ENOMEM;
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
        if (likely(size - off >= 16) && !s.rsp_pending) {
            unsigned fn = fast_step(&c, &s, off, boff);
            if (fn) {
                ninsn++;
                off += fn;
                continue;
            }
        }
        int n = x64_decode(code + off, size - off, &in);
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
        rc = check_insn(&c, &s, &in, off, boff);
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
    if (valid && size)
        valid[nbundles - 1] = s.starts & ~s.nontarget;

    for (size_t k = 0; k < c.npend; k++) {
        uint64_t t = c.pend[k].target - addr;
        if (!(valid[t / BUNDLE] >> (t % BUNDLE) & 1)) {
            x64_decode(code + c.pend[k].from, size - c.pend[k].from, &in);
            rc = fail(&c, c.pend[k].from, in.len, LFIV_RULE_BRANCH_TARGET,
                      "direct branch target is not an instruction start, or is "
                      "inside a macro-instruction");
            goto out;
        }
    }

out:
    if (stats) {
        stats->bytes = rc == LFIV_OK ? size : off;
        stats->instructions = ninsn;
    }
    free(valid);
    free(c.pend);
    return rc;
}
