/* Differential test of the allowlist decoder (verify/x64/decode.c) against
 * Zydis, and of the single-instruction verdicts of liblfiv against the
 * Zydis-based oracle.
 *
 * For a systematic enumeration of encodings (every 1-byte, 0F, 0F38 and
 * 0F3A opcode with every ModRM form, SIB variants, displacements, under many
 * legacy-prefix and REX combinations, plus VEX encodings) and for millions of
 * random 15-byte windows (fixed seed), every encoding x64_decode accepts must
 *  - decode with Zydis to the same length, with Intel and AMD semantics;
 *  - be reported as truncated (-1) when fewer bytes are available;
 *  - pass the oracle's context-free policy (no forbidden instruction, no AVX,
 *    no MMX, no stray prefix);
 *  - agree with Zydis on the facts the verifier relies on: the memory
 *    operand (base, index, scale, displacement), whether it is read or
 *    written, the general-purpose registers written, and the instruction kind
 *    (direct/indirect branch, call, string, lea, nop, bt with a register
 *    offset);
 * and every single-instruction buffer that lfiv_verify accepts (full and
 * stores-only mode) must pass the whole oracle. A sample of the accepted
 * encodings is also compared with objdump when it is installed.
 *
 * Usage: diff_decode [--scale N] [--seed S] [--no-objdump]
 * Exit status 0 when there is no disagreement. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <Zydis/Zydis.h>
#include <lfiv.h>

#include "x64/decode.h"
#include "x64_oracle.h"

/* Bytes available behind every encoding (the fast path wants 16). */
#define WIN 32

/* ---- disagreement bookkeeping -------------------------------------------- */

enum {
    C_LENGTH, C_UNDECODABLE, C_AMD, C_TRUNC, C_POLICY, C_MEMOP, C_MEMACC, C_WREG,
    C_KIND, C_NOP, C_VERIFY, C_OBJDUMP, C_FAST, C_N
};
static const char *cat_name[C_N] = {
    "length", "zydis-undecodable", "amd-length", "truncation", "policy",
    "memory-operand", "memory-access", "register-write", "kind", "nop-effect",
    "verify-oracle", "objdump", "fast-vs-reference",
};
static uint64_t cat_count[C_N];

/* Distinct disagreements: category + Zydis mnemonic + the message up to its
 * first digit, with a count and the first example. */
struct sig {
    int cat;
    char key[96];
    char example[800];
    uint64_t count;
};
#define MAX_SIGS 4096
static struct sig sigs[MAX_SIGS];
static unsigned nsigs;
#define MAX_SHOWN 20

static ZydisDecoder zdec;
static ZydisFormatter zfmt;

static void hexstr(const uint8_t *p, size_t n, char *buf, size_t bn)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < n && o + 4 < bn; i++)
        o += (size_t)snprintf(buf + o, bn - o, "%02x ", p[i]);
}

static void report(int cat, const uint8_t *p, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(int cat, const uint8_t *p, size_t n, const char *fmt, ...)
{
    cat_count[cat]++;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ZydisDecodedInstruction in;
    const char *mn = "(bad)";
    if (ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zdec, NULL, p, n, &in)))
        mn = ZydisMnemonicGetString(in.mnemonic);
    char key[96];
    size_t k = (size_t)snprintf(key, sizeof key, "%d|%s|", cat, mn);
    for (const char *m = msg; *m && k + 1 < sizeof key && !(*m >= '0' && *m <= '9'); m++)
        key[k++] = *m;
    key[k < sizeof key ? k : sizeof key - 1] = 0;
    for (unsigned i = 0; i < nsigs; i++) {
        if (sigs[i].cat == cat && !strcmp(sigs[i].key, key)) {
            sigs[i].count++;
            return;
        }
    }
    if (nsigs == MAX_SIGS)
        return;
    struct sig *s = &sigs[nsigs++];
    s->cat = cat;
    s->count = 1;
    snprintf(s->key, sizeof s->key, "%s", key);
    char hex[64], dis[128];
    hexstr(p, n, hex, sizeof hex);
    x64_oracle_disasm(p, n, dis, sizeof dis);
    snprintf(s->example, sizeof s->example, "%s| %s | %s", hex, dis, msg);
}

static void print_sigs(void)
{
    for (int c = 0; c < C_N; c++) {
        unsigned shown = 0, distinct = 0;
        for (unsigned i = 0; i < nsigs; i++)
            if (sigs[i].cat == c)
                distinct++;
        if (!distinct)
            continue;
        printf("[%s] %" PRIu64 " disagreements, %u distinct (mnemonic, message) kinds; first %d:\n",
               cat_name[c], cat_count[c], distinct, MAX_SHOWN);
        for (unsigned i = 0; i < nsigs && shown < MAX_SHOWN; i++) {
            if (sigs[i].cat != c)
                continue;
            shown++;
            printf("  %8" PRIu64 "x  %s\n", sigs[i].count, sigs[i].example);
        }
    }
}

/* ---- statistics ------------------------------------------------------------ */

static uint64_t n_distinct;
static uint64_t n_tried, n_accepted, n_verified_full, n_verified_stores, n_over_mem,
    n_over_wreg, n_implicit_wreg;

/* Sample of accepted encodings for objdump. */
#define OBJ_SLOT 16
#define OBJ_MAX 40000
static uint8_t *obj_buf;
static uint8_t obj_len[OBJ_MAX];
static size_t obj_n;
static uint64_t obj_seen, obj_rng = 12345;

/* ---- one encoding ---------------------------------------------------------- */

static int x64_of_zydis_reg(ZydisRegister r)
{
    if (r == ZYDIS_REGISTER_NONE)
        return X64_NOREG;
    if (r == ZYDIS_REGISTER_RIP || r == ZYDIS_REGISTER_EIP)
        return X64_RIP;
    ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
    if (big >= ZYDIS_REGISTER_RAX && big <= ZYDIS_REGISTER_R15)
        return (int)(big - ZYDIS_REGISTER_RAX);
    return -2;
}

static bool is_high_byte(ZydisRegister r)
{
    return r == ZYDIS_REGISTER_AH || r == ZYDIS_REGISTER_CH || r == ZYDIS_REGISTER_DH ||
           r == ZYDIS_REGISTER_BH;
}

static bool is_gpr(ZydisRegister r)
{
    ZydisRegisterClass k = ZydisRegisterGetClass(r);
    return k == ZYDIS_REGCLASS_GPR8 || k == ZYDIS_REGCLASS_GPR16 ||
           k == ZYDIS_REGCLASS_GPR32 || k == ZYDIS_REGCLASS_GPR64;
}

static void semantic_compare(const uint8_t *p, int len, const struct x64_insn *xi,
                             const ZydisDecodedInstruction *in, const ZydisDecodedOperand *op)
{
    /* The explicit memory operand. */
    const ZydisDecodedOperand *mem = NULL;
    for (int i = 0; i < in->operand_count; i++)
        if (op[i].type == ZYDIS_OPERAND_TYPE_MEMORY &&
            op[i].visibility != ZYDIS_OPERAND_VISIBILITY_HIDDEN)
            mem = &op[i];
    bool nop = in->mnemonic == ZYDIS_MNEMONIC_NOP;
    if (!mem && xi->has_mem) {
        report(C_MEMOP, p, (size_t)len, "x64_decode has a memory operand, Zydis none");
    } else if (mem && !xi->has_mem) {
        report(C_MEMOP, p, (size_t)len, "Zydis has a memory operand, x64_decode none");
    } else if (mem) {
        int zb = x64_of_zydis_reg(mem->mem.base), zx = x64_of_zydis_reg(mem->mem.index);
        int64_t zd = mem->mem.disp.has_displacement ? mem->mem.disp.value : 0;
        bool bad = zb != xi->base || zx != xi->index || zd != xi->disp;
        if (zx != X64_NOREG && mem->mem.scale != xi->scale)
            bad = true;
        if (bad)
            report(C_MEMOP, p, (size_t)len,
                   "Zydis base %d index %d scale %u disp %" PRId64
                   "; x64_decode base %u index %u scale %u disp %" PRId32,
                   zb, zx, mem->mem.scale, zd, xi->base, xi->index, xi->scale, xi->disp);
        bool agen = mem->mem.type == ZYDIS_MEMOP_TYPE_AGEN || nop;
        unsigned want = 0;
        if (agen) {
            want = X64_MEM_NOACCESS;
        } else {
            if (mem->actions & ZYDIS_OPERAND_ACTION_MASK_READ)
                want |= X64_MEM_R;
            if (mem->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)
                want |= X64_MEM_W;
        }
        if ((xi->has_mem & want) != want)
            report(C_MEMACC, p, (size_t)len, "Zydis access %s%s%s, x64_decode has_mem %u",
                   want & X64_MEM_R ? "R" : "", want & X64_MEM_W ? "W" : "",
                   want & X64_MEM_NOACCESS ? "none" : "", xi->has_mem);
        else if (xi->has_mem != want)
            n_over_mem++;
        if (!agen && (xi->has_mem & X64_MEM_NOACCESS))
            report(C_MEMACC, p, (size_t)len, "x64_decode says the operand is not accessed");
    }

    /* General-purpose registers written. */
    bool is_ppc = in->mnemonic == ZYDIS_MNEMONIC_PUSH || in->mnemonic == ZYDIS_MNEMONIC_POP ||
                  in->mnemonic == ZYDIS_MNEMONIC_CALL;
    unsigned zw = 0;
    for (int i = 0; i < in->operand_count; i++) {
        const ZydisDecodedOperand *o = &op[i];
        if (o->type != ZYDIS_OPERAND_TYPE_REGISTER || !is_gpr(o->reg.value) ||
            !(o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
            continue;
        int g = x64_of_zydis_reg(o->reg.value);
        if (is_high_byte(o->reg.value))
            continue;
        if (g == X64_RSP && is_ppc && o->visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN)
            continue;
        zw |= 1u << g;
    }
    unsigned xw = 0;
    for (int i = 0; i < 3; i++)
        if (xi->wreg[i] != X64_NOREG && xi->wreg[i] < 16)
            xw |= 1u << xi->wreg[i];
    /* The verifier uses wreg for the %r14/%rsp checks and for the destination
     * of the state-setting shapes; every other instruction resets the
     * register state. So a missing %rsp or %r14 is an error, and so is a
     * missing explicit destination; other implicit writes (cpuid, cqo,
     * string pointers...) are only counted. */
    unsigned expl = 0;
    for (int i = 0; i < in->operand_count; i++) {
        const ZydisDecodedOperand *o = &op[i];
        if (o->type == ZYDIS_OPERAND_TYPE_REGISTER && is_gpr(o->reg.value) &&
            o->visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT &&
            (o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) && !is_high_byte(o->reg.value))
            expl |= 1u << x64_of_zydis_reg(o->reg.value);
    }
    unsigned must = (zw & ((1u << X64_RSP) | (1u << X64_R14))) | expl;
    if ((must & xw) != must)
        report(C_WREG, p, (size_t)len, "Zydis writes GPR mask 0x%04x, x64_decode wreg %u,%u,%u",
               zw, xi->wreg[0], xi->wreg[1], xi->wreg[2]);
    else if ((zw & xw) != zw)
        n_implicit_wreg++;
    else if (zw != xw)
        n_over_wreg++;
    if (xi->wmask != xw)
        report(C_WREG, p, (size_t)len, "wmask 0x%04x does not match wreg %u,%u,%u", xi->wmask,
               xi->wreg[0], xi->wreg[1], xi->wreg[2]);

    /* Kind. */
    bool writes_rip = false;
    for (int i = 0; i < in->operand_count; i++)
        if (op[i].type == ZYDIS_OPERAND_TYPE_REGISTER &&
            ZydisRegisterGetClass(op[i].reg.value) == ZYDIS_REGCLASS_IP &&
            (op[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
            writes_rip = true;
    const ZydisDecodedOperand *o0 = &op[0];
    int want_kind = -1;
    if (in->mnemonic == ZYDIS_MNEMONIC_CALL)
        want_kind = o0->type == ZYDIS_OPERAND_TYPE_IMMEDIATE ? X64_K_CALL : X64_K_CALL_IND;
    else if (in->mnemonic == ZYDIS_MNEMONIC_JMP && o0->type != ZYDIS_OPERAND_TYPE_IMMEDIATE)
        want_kind = X64_K_JMP_IND;
    else if (writes_rip && in->mnemonic != ZYDIS_MNEMONIC_INT3)
        want_kind = X64_K_BRANCH;
    else if (in->meta.category == ZYDIS_CATEGORY_STRINGOP)
        want_kind = X64_K_STRING;
    else if (in->mnemonic == ZYDIS_MNEMONIC_LEA)
        want_kind = X64_K_LEA;
    else if ((in->mnemonic == ZYDIS_MNEMONIC_BT || in->mnemonic == ZYDIS_MNEMONIC_BTS ||
              in->mnemonic == ZYDIS_MNEMONIC_BTR || in->mnemonic == ZYDIS_MNEMONIC_BTC) &&
             op[1].type == ZYDIS_OPERAND_TYPE_REGISTER)
        want_kind = X64_K_BT_REG; /* the verifier looks at it only with a memory operand */
    if (want_kind == X64_K_BT_REG && op[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        xi->kind == X64_K_PLAIN)
        want_kind = X64_K_PLAIN;
    if (want_kind >= 0 && xi->kind != want_kind) {
        report(C_KIND, p, (size_t)len, "Zydis implies kind %d, x64_decode kind %u", want_kind,
               xi->kind);
    } else if (want_kind < 0 && xi->kind != X64_K_PLAIN && xi->kind != X64_K_NOP) {
        report(C_KIND, p, (size_t)len, "x64_decode kind %u for a plain instruction", xi->kind);
    }
    if ((want_kind == X64_K_BRANCH || want_kind == X64_K_CALL) &&
        o0->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && o0->imm.value.s != xi->rel)
        report(C_KIND, p, (size_t)len, "rel: Zydis %" PRId64 ", x64_decode %" PRId32,
               o0->imm.value.s, xi->rel);
    if (want_kind == X64_K_STRING) {
        unsigned s = 0;
        for (int i = 0; i < in->operand_count; i++) {
            if (op[i].type != ZYDIS_OPERAND_TYPE_MEMORY)
                continue;
            ZydisRegister b = op[i].mem.base;
            if (b == ZYDIS_REGISTER_RDI || b == ZYDIS_REGISTER_EDI) {
                if (op[i].actions & ZYDIS_OPERAND_ACTION_MASK_READ)
                    s |= X64_STR_RDI_R;
                if (op[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)
                    s |= X64_STR_RDI_W;
            } else if (b == ZYDIS_REGISTER_RSI || b == ZYDIS_REGISTER_ESI) {
                s |= X64_STR_RSI_R;
            }
        }
        if ((xi->str & s) != s)
            report(C_KIND, p, (size_t)len, "string pointers: Zydis %u, x64_decode %u", s, xi->str);
    }
    /* Whatever x64_decode calls a no-op must not write anything. */
    if (xi->kind == X64_K_NOP) {
        bool writes = zw != 0 || writes_rip;
        for (int i = 0; i < in->operand_count; i++)
            if (op[i].type == ZYDIS_OPERAND_TYPE_MEMORY && !nop &&
                op[i].mem.type == ZYDIS_MEMOP_TYPE_MEM)
                writes = true;
        if (writes)
            report(C_NOP, p, (size_t)len, "x64_decode kind NOP, but Zydis sees an effect");
    }
}

static bool do_verify = true;
static bool scale_full; /* --scale 2 or more: the slower checks too */

/* Verify the instruction alone, and followed by nops to the bundle end. */
static void verify_single(const uint8_t *insn, int ilen)
{
    static const int modes[2] = { LFIV_MODE_FULL, LFIV_MODE_STORES };
    uint8_t padded[32];
    memcpy(padded, insn, (size_t)ilen);
    memset(padded + ilen, 0x90, sizeof padded - (size_t)ilen);
    for (int k = 0; k < 4; k++) {
        int m = k & 1;
        const uint8_t *p = k < 2 ? insn : padded;
        int len = k < 2 ? ilen : 32;
        struct lfiv_options o = { LFIV_ARCH_X64, (enum lfiv_mode)modes[m], 0 };
        struct lfiv_violation v;
        if (lfiv_verify(&o, p, (size_t)len, 0x10000, &v, NULL) != LFIV_OK)
            continue;
        if (m == 0)
            n_verified_full++;
        else
            n_verified_stores++;
        struct x64_oracle_report r;
        int rc = x64_oracle_check(p, (size_t)len, 0x10000, modes[m], 0, &r);
        if (rc != 0) {
            char line[512];
            x64_oracle_format(&r, line, sizeof line);
            report(C_VERIFY, p, (size_t)len, "%s mode: lfiv_verify accepts, oracle: %s",
                   m ? "stores" : "full", line);
        }
    }
}

static bool same_insn(const struct x64_insn *a, const struct x64_insn *b)
{
    bool eq = a->len == b->len && a->kind == b->kind && a->map == b->map && a->op == b->op &&
              a->has_modrm == b->has_modrm && a->pfx == b->pfx && a->rex == b->rex &&
              a->opsize == b->opsize && a->str == b->str && a->wmask == b->wmask &&
              a->has_mem == b->has_mem && a->imm == b->imm && a->rel == b->rel &&
              !memcmp(a->wreg, b->wreg, sizeof a->wreg);
    if (a->has_modrm)
        eq = eq && a->modrm == b->modrm;
    if (a->has_mem)
        eq = eq && a->base == b->base && a->index == b->index && a->disp == b->disp &&
             (a->index == X64_NOREG || a->scale == b->scale);
    return eq;
}

/* A direct-mapped cache of recently checked encodings: the enumeration
 * produces the same instruction bytes many times (opcodes without ModRM,
 * say), and the checks below are the expensive part. */
#define SEEN_BITS 22
static uint64_t *seen;

static bool seen_before(const uint8_t *p, int len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    h ^= (uint64_t)len << 56;
    h |= 1; /* never 0, the empty slot */
    uint64_t *slot = &seen[(h >> 7) & ((1u << SEEN_BITS) - 1)];
    if (*slot == h)
        return true;
    *slot = h;
    return false;
}

/* p points to WIN bytes; the instruction starts at p[0]. */
static void check_one(const uint8_t *p)
{
    struct x64_insn xi, xr, x15;
    memset(&xi, 0, sizeof xi);
    memset(&xr, 0, sizeof xr);
    memset(&x15, 0, sizeof x15);
    n_tried++;
    int xl = x64_decode(p, WIN, &xi);          /* the fast path when it applies */
    int rl = x64_decode_reference(p, WIN, &xr);
    int l15 = scale_full ? x64_decode(p, 15, &x15) : rl; /* the reference path */
    if (!scale_full)
        x15 = xr;
    if (xl != rl || xl != l15 || (xl > 0 && (!same_insn(&xi, &xr) || !same_insn(&xi, &x15)))) {
        report(C_FAST, p, 15, "x64_decode %d, x64_decode_reference %d, with 15 bytes %d%s", xl,
               rl, l15, xl == rl && xl == l15 ? " (decoded fields differ)" : "");
        return;
    }
    if (xl <= 0)
        return;
    n_accepted++;
    if (seen_before(p, xl))
        return;
    n_distinct++;
    ZydisDecodedInstruction in;
    ZydisDecodedOperand op[ZYDIS_MAX_OPERAND_COUNT];
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zdec, p, 15, &in, op))) {
        report(C_UNDECODABLE, p, (size_t)xl, "x64_decode accepts (length %d), Zydis cannot decode",
               xl);
        return;
    }
    if (in.length != xl) {
        report(C_LENGTH, p, (size_t)(xl > in.length ? xl : in.length),
               "x64_decode %d, Zydis %u", xl, in.length);
        return;
    }
    int al = x64_oracle_zydis_length(p, 15, 1);
    if (al != xl)
        report(C_AMD, p, (size_t)xl, "AMD length %d, Intel %d", al, xl);
    for (int k = 0; k < xl; k++) {
        struct x64_insn t;
        int r = x64_decode(p, (size_t)k, &t);
        if (r != -1) {
            report(C_TRUNC, p, (size_t)xl, "x64_decode with %d of %d bytes returns %d", k, xl, r);
            break;
        }
    }
    struct x64_oracle_report rep;
    if (x64_oracle_insn_policy(p, (size_t)xl, &rep) == 1)
        report(C_POLICY, p, (size_t)xl, "%s", rep.message);
    semantic_compare(p, xl, &xi, &in, op);
    if (do_verify)
        verify_single(p, xl);
    if (obj_buf) {
        /* reservoir sample of the accepted encodings */
        size_t slot = obj_n;
        obj_seen++;
        if (obj_n == OBJ_MAX) {
            obj_rng = obj_rng * 6364136223846793005ull + 1442695040888963407ull;
            slot = (size_t)((obj_rng >> 11) % obj_seen);
        } else {
            obj_n++;
        }
        if (slot < OBJ_MAX) {
            memcpy(obj_buf + slot * OBJ_SLOT, p, (size_t)xl);
            memset(obj_buf + slot * OBJ_SLOT + xl, 0x90, OBJ_SLOT - (size_t)xl);
            obj_len[slot] = (uint8_t)xl;
        }
    }
}

/* ---- systematic enumeration ------------------------------------------------ */

struct pfx {
    uint8_t n;
    uint8_t b[3];
};

static const struct pfx legacy_pfx[] = {
    { 0, { 0 } },
    { 1, { 0x66 } },
    { 1, { 0xf2 } },
    { 1, { 0xf3 } },
    { 1, { 0x67 } },
    { 1, { 0x65 } },
    { 2, { 0x65, 0x67 } },
    { 2, { 0x67, 0x65 } },
    { 1, { 0xf0 } },
    { 2, { 0xf0, 0x66 } },
    { 3, { 0x65, 0x67, 0x66 } },
    { 3, { 0x65, 0x67, 0xf0 } },
    { 3, { 0x65, 0x67, 0xf2 } },
    { 3, { 0x65, 0x67, 0xf3 } },
    { 2, { 0x66, 0xf2 } },
    { 2, { 0x66, 0xf3 } },
    { 2, { 0xf2, 0xf3 } },
    { 2, { 0x66, 0x66 } },
    { 1, { 0x2e } },
    { 2, { 0x66, 0x2e } },
    { 1, { 0x3e } },
    { 1, { 0x64 } },
    { 1, { 0x26 } },
    { 1, { 0x36 } },
    { 2, { 0x65, 0x65 } },
    { 2, { 0x67, 0x67 } },
    { 2, { 0x48, 0x66 } }, /* REX not right before the opcode */
    { 2, { 0x41, 0x67 } },
};
#define N_LEGACY_PFX (sizeof legacy_pfx / sizeof legacy_pfx[0])

/* SIB bytes used when the full 256 would cost too much: every special base
 * and index, scale 1 and 8. */
static const uint8_t sib_sample[] = { 0x24, 0x25, 0x20, 0x04, 0x0c, 0x65, 0xe5, 0xe6,
                                      0x35, 0xf4, 0x2c, 0x1d };

static const uint8_t filler[32] = { 0xe0, 0xff, 0xff, 0xff, 0x10, 0x20, 0x30, 0x40,
                                    0x50, 0x60, 0x70, 0x01, 0x02, 0x03, 0x04, 0x05,
                                    0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
                                    0x0e, 0x0f, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16 };

static void emit(uint8_t *buf, size_t n)
{
    memcpy(buf + n, filler, WIN - n);
    check_one(buf);
}

static void enum_opcode(uint8_t *buf, size_t n, bool full_sib, bool all_modrm)
{
    for (int modrm = 0; modrm < 256; modrm++) {
        if (!all_modrm && (modrm & 0x38) != 0 && (modrm & 0x38) != 0x28 &&
            (modrm & 0x38) != 0x10)
            continue;
        buf[n] = (uint8_t)modrm;
        int mod = modrm >> 6, rm = modrm & 7;
        if (mod != 3 && rm == 4) {
            if (full_sib) {
                for (int sib = 0; sib < 256; sib++) {
                    buf[n + 1] = (uint8_t)sib;
                    emit(buf, n + 2);
                }
            } else {
                for (size_t s = 0; s < sizeof sib_sample; s++) {
                    buf[n + 1] = sib_sample[s];
                    emit(buf, n + 2);
                }
            }
        } else {
            emit(buf, n + 1);
        }
    }
}

static void enum_legacy(int scale)
{
    uint8_t buf[WIN];
    for (size_t pi = 0; pi < N_LEGACY_PFX; pi++) {
        const struct pfx *P = &legacy_pfx[pi];
        for (int rex = -1; rex < 16; rex++) {
            /* the rarer prefix combinations with the main REX forms only */
            if (scale < 2 && pi >= 8 && rex >= 0 && rex != 0x8 && rex != 0x1 && rex != 0xc &&
                rex != 0x0)
                continue;
            size_t n = 0;
            memcpy(buf, P->b, P->n);
            n = P->n;
            if (rex >= 0)
                buf[n++] = (uint8_t)(0x40 | rex);
            /* the full SIB byte range for the common prefixes */
            bool full_sib = (pi == 0 || pi == 6) &&
                            (rex < 0 || rex == 1 || rex == 2 || rex == 3 || rex == 8 ||
                             rex == 0xb);
            bool all_modrm = scale >= 2 || pi < 8 || rex < 0 || rex == 8;
            for (int map = 0; map < 4; map++) {
                size_t m = n;
                if (map >= 1)
                    buf[m++] = 0x0f;
                if (map == 2)
                    buf[m++] = 0x38;
                if (map == 3)
                    buf[m++] = 0x3a;
                for (int opc = 0; opc < 256; opc++) {
                    buf[m] = (uint8_t)opc;
                    enum_opcode(buf, m + 1, full_sib, all_modrm);
                }
            }
        }
    }
}

static void enum_vex(int scale)
{
    static const struct pfx vpfx[] = {
        { 0, { 0 } }, { 2, { 0x65, 0x67 } }, { 1, { 0x67 } }, { 1, { 0x66 } },
        { 1, { 0xf2 } }, { 1, { 0x48 } }, { 1, { 0xf0 } },
    };
    static const uint8_t mmmmm[] = { 2, 3, 1, 0, 4 };
    static const uint8_t vvvv[] = { 0xf, 0x0, 0x7, 0x1 }; /* inverted: none, r15, r8, r14 */
    uint8_t buf[WIN];
    for (size_t pi = 0; pi < sizeof vpfx / sizeof vpfx[0]; pi++) {
        for (size_t mi = 0; mi < sizeof mmmmm; mi++) {
            bool bmi_map = mmmmm[mi] == 2 || mmmmm[mi] == 3;
            if (pi > 0 && !bmi_map)
                continue;
            for (int rxb = 0; rxb < 8; rxb++) {
                if (!bmi_map && rxb != 7 && rxb != 0)
                    continue;
                for (int w = 0; w < 2; w++)
                    for (unsigned v = 0; v < 16; v++)
                        for (int l = 0; l < 2; l++)
                            for (int pp = 0; pp < 4; pp++) {
                                /* every vvvv (it can name a destination) for the
                                 * BMI opcodes f0..f7, four values for the rest */
                                bool vsample = memchr(vvvv, (int)v, sizeof vvvv) != NULL;
                                size_t n = vpfx[pi].n;
                                memcpy(buf, vpfx[pi].b, n);
                                buf[n++] = 0xc4;
                                buf[n++] = (uint8_t)((rxb << 5) | mmmmm[mi]);
                                buf[n++] = (uint8_t)((w << 7) | (v << 3) | (l << 2) | pp);
                                for (int opc = 0; opc < 256; opc++) {
                                    bool bmi_op = bmi_map && (opc & 0xf8) == 0xf0;
                                    if (!bmi_op && !vsample)
                                        continue;
                                    bool all = bmi_op && (pi == 0 || scale >= 2) &&
                                               (vsample || l == 0);
                                    buf[n] = (uint8_t)opc;
                                    enum_opcode(buf, n + 1, false, all);
                                }
                            }
            }
        }
    }
    /* two-byte VEX (C5: R vvvv L pp), only map 0F: never BMI */
    for (int b1 = 0; b1 < 256; b1 += scale >= 2 ? 1 : 3) {
        buf[0] = 0xc5;
        buf[1] = (uint8_t)b1;
        for (int opc = 0; opc < 256; opc++) {
            buf[2] = (uint8_t)opc;
            enum_opcode(buf, 3, false, false);
        }
    }
    /* EVEX (62) and XOP (8F) headers with a few payloads */
    for (int b1 = 0; b1 < 256; b1++)
        for (int b2 = 0; b2 < 256; b2 += 5) {
            buf[0] = 0x62;
            buf[1] = (uint8_t)b1;
            buf[2] = (uint8_t)b2;
            buf[3] = 0x08;
            buf[4] = 0xf2;
            emit(buf, 5);
            buf[0] = 0x8f;
            emit(buf, 5);
        }
}

/* ---- random windows -------------------------------------------------------- */

#include "fuzz_standalone.h" /* splitmix64: rng, next() */

static void random_windows(uint64_t n_plain, uint64_t n_biased)
{
    static const uint8_t pool[] = { 0x66, 0x67, 0x65, 0xf2, 0xf3, 0xf0, 0x2e, 0x3e, 0x64,
                                    0x26, 0x36 };
    uint8_t buf[WIN];
    for (uint64_t i = 0; i < n_plain; i++) {
        for (size_t k = 0; k < WIN; k += 8) {
            uint64_t a = next();
            memcpy(buf + k, &a, 8);
        }
        check_one(buf);
    }
    for (uint64_t i = 0; i < n_biased; i++) {
        for (size_t k = 0; k < WIN; k += 8) {
            uint64_t a = next();
            memcpy(buf + k, &a, 8);
        }
        uint64_t c = next();
        size_t n = 0;
        int np = (int)(c & 3);
        c >>= 2;
        if ((c & 3) == 0) { /* gs macro */
            buf[n++] = 0x65;
            buf[n++] = 0x67;
        }
        c >>= 2;
        for (int k = 0; k < np; k++) {
            buf[n++] = pool[(c & 0xff) % sizeof pool];
            c >>= 8;
        }
        if (c & 1)
            buf[n++] = (uint8_t)(0x40 | ((c >> 1) & 15));
        c >>= 5;
        switch (c & 7) {
        case 0: case 1: break;               /* one-byte map */
        case 2: case 3: buf[n++] = 0x0f; break;
        case 4: buf[n++] = 0x0f; buf[n++] = 0x38; break;
        case 5: buf[n++] = 0x0f; buf[n++] = 0x3a; break;
        case 6: /* VEX3 with a BMI map */
            buf[n++] = 0xc4;
            buf[n] = (uint8_t)((buf[n] & 0xe0) | (2 + ((c >> 3) & 1)));
            n++;
            break;
        default: break;
        }
        check_one(buf);
    }
}

/* ---- objdump --------------------------------------------------------------- */

static void objdump_compare(void)
{
    if (obj_n == 0)
        return;
    char path[] = "/tmp/lfi-diff-decode-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        printf("objdump: cannot create a temporary file, skipped\n");
        return;
    }
    size_t total = obj_n * OBJ_SLOT;
    if (write(fd, obj_buf, total) != (ssize_t)total) {
        close(fd);
        unlink(path);
        return;
    }
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "objdump -D -b binary -m i386:x86-64 --no-show-raw-insn %s 2>/dev/null", path);
    FILE *f = popen(cmd, "r");
    if (!f) {
        unlink(path);
        return;
    }
    /* starts[] marks offsets objdump decoded an instruction at; bad[] "(bad)" */
    uint8_t *starts = calloc(total + 1, 1), *bad = calloc(total + 1, 1);
    char line[512];
    size_t nlines = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long off;
        char *colon = strchr(line, ':');
        if (!colon || line[0] != ' ' || sscanf(line, " %lx:", &off) != 1 || off >= total)
            continue;
        starts[off] = 1;
        if (strstr(colon, "(bad)"))
            bad[off] = 1;
        nlines++;
    }
    int rc = pclose(f);
    unlink(path);
    if (rc != 0 || nlines == 0) {
        printf("objdump: not available, skipped\n");
        free(starts);
        free(bad);
        return;
    }
    starts[total] = 1;
    uint64_t checked = 0;
    for (size_t i = 0; i < obj_n; i++) {
        size_t s = i * OBJ_SLOT, l = obj_len[i];
        const uint8_t *p = obj_buf + s;
        checked++;
        if (!starts[s]) {
            report(C_OBJDUMP, p, l, "objdump is out of step at this slot");
            continue;
        }
        if (bad[s]) {
            report(C_OBJDUMP, p, l, "objdump says (bad)");
            continue;
        }
        size_t e = s + 1;
        while (e < s + OBJ_SLOT && !starts[e])
            e++;
        if (e - s != l)
            report(C_OBJDUMP, p, l, "objdump length %zu, x64_decode %zu", e - s, l);
    }
    printf("objdump: compared %" PRIu64 " sampled accepted encodings\n", checked);
    free(starts);
    free(bad);
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    int scale = 1;
    uint64_t seed = 0x4c46492d66757a7aull; /* "LFI-fuzz" */
    bool objdump = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--scale") && i + 1 < argc)
            scale = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--no-objdump"))
            objdump = false;
        else if (!strcmp(argv[i], "--no-verify"))
            do_verify = false;
        else {
            fprintf(stderr, "usage: %s [--scale N] [--seed S] [--no-objdump] [--no-verify]\n",
                    argv[0]);
            return 2;
        }
    }
    if (scale < 1)
        scale = 1;
    scale_full = scale >= 2;
    setvbuf(stdout, NULL, _IOLBF, 0);
    ZydisDecoderInit(&zdec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisFormatterInit(&zfmt, ZYDIS_FORMATTER_STYLE_ATT);
    if (objdump)
        obj_buf = malloc((size_t)OBJ_MAX * OBJ_SLOT);
    rng = seed;
    seen = calloc((size_t)1 << SEEN_BITS, sizeof *seen);
    if (!seen)
        return 2;

    clock_t t0 = clock();
    enum_legacy(scale);
    uint64_t sys_tried = n_tried, sys_acc = n_accepted;
    printf("legacy enumeration: %" PRIu64 " encodings, %" PRIu64 " accepted by x64_decode "
           "(%.1fs)\n", sys_tried, sys_acc, (double)(clock() - t0) / CLOCKS_PER_SEC);
    t0 = clock();
    enum_vex(scale);
    printf("VEX/EVEX/XOP enumeration: %" PRIu64 " encodings, %" PRIu64 " accepted (%.1fs)\n",
           n_tried - sys_tried, n_accepted - sys_acc, (double)(clock() - t0) / CLOCKS_PER_SEC);
    sys_tried = n_tried;
    sys_acc = n_accepted;
    t0 = clock();
    uint64_t nr = (uint64_t)scale * 8000000u;
    random_windows(nr, nr);
    printf("random windows (seed 0x%" PRIx64 "): %" PRIu64 " windows, %" PRIu64
           " accepted (%.1fs)\n", seed, n_tried - sys_tried, n_accepted - sys_acc,
           (double)(clock() - t0) / CLOCKS_PER_SEC);
    if (obj_buf)
        objdump_compare();

    printf("total: %" PRIu64 " encodings tried, %" PRIu64 " accepted by x64_decode, %" PRIu64
           " distinct instructions checked in depth\n", n_tried, n_accepted, n_distinct);
    if (do_verify)
        printf("single-instruction buffers accepted by lfiv_verify and checked by the oracle: "
               "%" PRIu64 " full, %" PRIu64 " stores-only\n", n_verified_full, n_verified_stores);
    printf("x64_decode over-approximations (sound): %" PRIu64 " memory-access, %" PRIu64
           " register-write\n", n_over_mem, n_over_wreg);
    printf("implicit GPR writes (not %%rsp/%%r14) that wreg leaves out (the verifier resets its "
           "state on such instructions): %" PRIu64 "\n", n_implicit_wreg);
    print_sigs();
    uint64_t bad = 0;
    for (int c = 0; c < C_N; c++) {
        printf("  %-18s %" PRIu64 " disagreements\n", cat_name[c], cat_count[c]);
        bad += cat_count[c];
    }
    printf("disagreements: %" PRIu64 "\n", bad);
    free(obj_buf);
    free(seen);
    return bad ? 1 : 0;
}
