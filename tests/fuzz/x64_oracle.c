/* Independent Zydis-based checker of verified x86-64 LFI code.
 * See x64_oracle.h. The model, per 32-byte bundle:
 *
 *  - A general-purpose register is CLEAN (holds a value < 2^32) after any
 *    unconditional, explicit 32-bit write to it (bsf/bsr excepted: with a
 *    zero source they leave the destination unchanged). It is also ALIGNED
 *    after `and $imm32,%eX` with the low five bits of imm zero.
 *  - It is BOXED (holds B + a 32-bit value) after `add/or %r14,%rX` with %rX
 *    CLEAN, or `lea (%r14,%rY,1),%rX` / `lea (%rY,%r14,1),%rX` with %rY
 *    CLEAN; ALIGNED carries over.
 *  - Any other write to a register (any width, any visibility, conditional
 *    or not) forgets what was known about it; a bundle start forgets
 *    everything.
 *  - An instruction that relies on a register fact makes every instruction
 *    after the one that established the fact, up to and including itself, a
 *    forbidden target for direct branches.
 */
#include "x64_oracle.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Zydis/Zydis.h>
#include <lfiv.h>

#include "x64/decode.h"

#define BUNDLE 32u
#define MAXDISP ((int64_t)256 << 20)

enum { S_CLEAN = 1, S_ALIGNED = 2, S_BOXED = 4 };

struct regstate {
    uint8_t bits;
    int chain; /* index (in the bundle list) of the instruction that began it */
};

struct branch {
    size_t off;
    uint64_t target;
};

struct ctx {
    const uint8_t *code;
    size_t size;
    uint64_t addr;
    int mode;
    unsigned flags;
    struct x64_oracle_report *r;
    ZydisDecoder intel, amd;
    /* per-byte maps over the buffer */
    uint8_t *start;     /* an instruction starts here */
    uint8_t *nontarget; /* direct branches may not land here */
    struct branch *br;
    size_t nbr;
    /* the current bundle */
    size_t boff[BUNDLE];
    size_t blen[BUNDLE];
    int bn;
    struct regstate st[16];
    /* the previous instruction (same bundle only) */
    bool prev_esp32;     /* it was a 32-bit write to %esp */
    /* lea L(%rip),%r11 earlier in this bundle, %r11 not written since */
    bool rt_valid;
    uint64_t rt_target;
    int rt_chain;
};

static int gpr_index(ZydisRegister reg)
{
    ZydisRegister big = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, reg);
    if (big >= ZYDIS_REGISTER_RAX && big <= ZYDIS_REGISTER_R15)
        return (int)(big - ZYDIS_REGISTER_RAX);
    return -1;
}

static bool is_gpr_class(ZydisRegister reg)
{
    switch (ZydisRegisterGetClass(reg)) {
    case ZYDIS_REGCLASS_GPR8:
    case ZYDIS_REGCLASS_GPR16:
    case ZYDIS_REGCLASS_GPR32:
    case ZYDIS_REGCLASS_GPR64:
        return true;
    default:
        return false;
    }
}

static void disasm_at(const ZydisFormatter *f, const ZydisDecodedInstruction *in,
                      const ZydisDecodedOperand *op, uint64_t ip, char *buf, size_t n)
{
    if (!ZYAN_SUCCESS(ZydisFormatterFormatInstruction(f, in, op, in->operand_count_visible,
                                                      buf, n, ip, NULL)))
        snprintf(buf, n, "(format error)");
}

/* Record a disagreement at offset `off` (first one wins). Returns 1. */
static int fail(struct ctx *c, size_t off, const char *fmt, ...)
{
    struct x64_oracle_report *r = c->r;
    r->offset = off;
    r->addr = c->addr + off;
    size_t n = c->size - off < 15 ? c->size - off : 15;
    memcpy(r->bytes, c->code + off, n);
    r->nbytes = (uint8_t)n;
    ZydisDecodedInstruction in;
    ZydisDecodedOperand op[ZYDIS_MAX_OPERAND_COUNT];
    if (ZYAN_SUCCESS(ZydisDecoderDecodeFull(&c->intel, c->code + off, n, &in, op))) {
        r->nbytes = in.length;
        ZydisFormatter zf;
        ZydisFormatterInit(&zf, ZYDIS_FORMATTER_STYLE_ATT);
        disasm_at(&zf, &in, op, c->addr + off, r->disasm, sizeof r->disasm);
    } else {
        snprintf(r->disasm, sizeof r->disasm, "(bad)");
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    return 1;
}

static void init_decoders(ZydisDecoder *intel, ZydisDecoder *amd)
{
    ZydisDecoderInit(intel, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisDecoderInit(amd, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisDecoderEnableMode(amd, ZYDIS_DECODER_MODE_AMD_BRANCHES, ZYAN_TRUE);
}

int x64_oracle_zydis_length(const uint8_t *p, size_t avail, int vendor)
{
    ZydisDecoder intel, amd;
    init_decoders(&intel, &amd);
    ZydisDecodedInstruction in;
    if (avail > 15)
        avail = 15;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(vendor ? &amd : &intel, NULL, p, avail, &in)))
        return 0;
    return in.length;
}

void x64_oracle_disasm(const uint8_t *p, size_t avail, char *buf, size_t n)
{
    ZydisDecoder intel, amd;
    init_decoders(&intel, &amd);
    ZydisFormatter f;
    ZydisFormatterInit(&f, ZYDIS_FORMATTER_STYLE_ATT);
    ZydisDecodedInstruction in;
    ZydisDecodedOperand op[ZYDIS_MAX_OPERAND_COUNT];
    if (avail > 15)
        avail = 15;
    if (ZYAN_SUCCESS(ZydisDecoderDecodeFull(&intel, p, avail, &in, op)))
        disasm_at(&f, &in, op, 0, buf, n);
    else
        snprintf(buf, n, "(bad)");
}

/* ---- (b) the instruction itself ----------------------------------------- */

static bool mnemonic_forbidden(ZydisMnemonic m)
{
    switch (m) {
    case ZYDIS_MNEMONIC_SYSCALL: case ZYDIS_MNEMONIC_SYSENTER:
    case ZYDIS_MNEMONIC_SYSEXIT: case ZYDIS_MNEMONIC_SYSRET:
    case ZYDIS_MNEMONIC_INT: case ZYDIS_MNEMONIC_INT1: case ZYDIS_MNEMONIC_INTO:
    case ZYDIS_MNEMONIC_IRET: case ZYDIS_MNEMONIC_IRETD: case ZYDIS_MNEMONIC_IRETQ:
    case ZYDIS_MNEMONIC_RET: case ZYDIS_MNEMONIC_ENTER: case ZYDIS_MNEMONIC_LEAVE:
    case ZYDIS_MNEMONIC_LOOP: case ZYDIS_MNEMONIC_LOOPE: case ZYDIS_MNEMONIC_LOOPNE:
    case ZYDIS_MNEMONIC_JECXZ: case ZYDIS_MNEMONIC_JCXZ:
    case ZYDIS_MNEMONIC_LFS: case ZYDIS_MNEMONIC_LGS: case ZYDIS_MNEMONIC_LSS:
    case ZYDIS_MNEMONIC_LDS: case ZYDIS_MNEMONIC_LES:
    case ZYDIS_MNEMONIC_RDFSBASE: case ZYDIS_MNEMONIC_RDGSBASE:
    case ZYDIS_MNEMONIC_WRFSBASE: case ZYDIS_MNEMONIC_WRGSBASE:
    case ZYDIS_MNEMONIC_SWAPGS:
    case ZYDIS_MNEMONIC_RDTSC: case ZYDIS_MNEMONIC_RDTSCP: case ZYDIS_MNEMONIC_RDPID:
    case ZYDIS_MNEMONIC_RDRAND: case ZYDIS_MNEMONIC_RDSEED:
    case ZYDIS_MNEMONIC_RDPKRU: case ZYDIS_MNEMONIC_WRPKRU:
    case ZYDIS_MNEMONIC_XSAVE: case ZYDIS_MNEMONIC_XSAVE64:
    case ZYDIS_MNEMONIC_XSAVEC: case ZYDIS_MNEMONIC_XSAVEC64:
    case ZYDIS_MNEMONIC_XSAVEOPT: case ZYDIS_MNEMONIC_XSAVEOPT64:
    case ZYDIS_MNEMONIC_XSAVES: case ZYDIS_MNEMONIC_XSAVES64:
    case ZYDIS_MNEMONIC_XRSTOR: case ZYDIS_MNEMONIC_XRSTOR64:
    case ZYDIS_MNEMONIC_XRSTORS: case ZYDIS_MNEMONIC_XRSTORS64:
    case ZYDIS_MNEMONIC_XSETBV:
    case ZYDIS_MNEMONIC_FXSAVE: case ZYDIS_MNEMONIC_FXSAVE64:
    case ZYDIS_MNEMONIC_FXRSTOR: case ZYDIS_MNEMONIC_FXRSTOR64:
    case ZYDIS_MNEMONIC_FNSAVE: case ZYDIS_MNEMONIC_FRSTOR:
    case ZYDIS_MNEMONIC_PUSHF: case ZYDIS_MNEMONIC_PUSHFD: case ZYDIS_MNEMONIC_PUSHFQ:
    case ZYDIS_MNEMONIC_POPF: case ZYDIS_MNEMONIC_POPFD: case ZYDIS_MNEMONIC_POPFQ:
    case ZYDIS_MNEMONIC_XLAT:
    case ZYDIS_MNEMONIC_MASKMOVQ: case ZYDIS_MNEMONIC_MASKMOVDQU:
    case ZYDIS_MNEMONIC_VMASKMOVDQU:
    case ZYDIS_MNEMONIC_MOVDIRI: case ZYDIS_MNEMONIC_MOVDIR64B:
    case ZYDIS_MNEMONIC_XBEGIN: case ZYDIS_MNEMONIC_XEND:
    case ZYDIS_MNEMONIC_XABORT: case ZYDIS_MNEMONIC_XTEST:
    case ZYDIS_MNEMONIC_IN: case ZYDIS_MNEMONIC_OUT:
    case ZYDIS_MNEMONIC_INSB: case ZYDIS_MNEMONIC_INSW: case ZYDIS_MNEMONIC_INSD:
    case ZYDIS_MNEMONIC_OUTSB: case ZYDIS_MNEMONIC_OUTSW: case ZYDIS_MNEMONIC_OUTSD:
    case ZYDIS_MNEMONIC_CLI: case ZYDIS_MNEMONIC_STI:
    case ZYDIS_MNEMONIC_RDPMC: case ZYDIS_MNEMONIC_RDMSR: case ZYDIS_MNEMONIC_WRMSR:
    case ZYDIS_MNEMONIC_CLZERO: case ZYDIS_MNEMONIC_MONITOR: case ZYDIS_MNEMONIC_MWAIT:
    case ZYDIS_MNEMONIC_LAR: case ZYDIS_MNEMONIC_LSL:
    case ZYDIS_MNEMONIC_VERR: case ZYDIS_MNEMONIC_VERW:
        return true;
    default:
        return false;
    }
}

static bool category_forbidden(const ZydisDecodedInstruction *in)
{
    switch (in->meta.category) {
    case ZYDIS_CATEGORY_INTERRUPT:
        return in->mnemonic != ZYDIS_MNEMONIC_INT3;
    case ZYDIS_CATEGORY_SYSTEM:
        return in->mnemonic != ZYDIS_MNEMONIC_HLT;
    case ZYDIS_CATEGORY_CET:
        return in->mnemonic != ZYDIS_MNEMONIC_ENDBR64;
    case ZYDIS_CATEGORY_XSAVE:
        return in->mnemonic != ZYDIS_MNEMONIC_XGETBV;
    case ZYDIS_CATEGORY_RET: case ZYDIS_CATEGORY_SYSCALL: case ZYDIS_CATEGORY_SYSRET:
    case ZYDIS_CATEGORY_IO: case ZYDIS_CATEGORY_IOSTRINGOP: case ZYDIS_CATEGORY_SEGOP:
    case ZYDIS_CATEGORY_MMX: case ZYDIS_CATEGORY_AMD3DNOW:
    case ZYDIS_CATEGORY_XSAVEOPT:
    case ZYDIS_CATEGORY_RDRAND: case ZYDIS_CATEGORY_RDSEED: case ZYDIS_CATEGORY_RDPID:
    case ZYDIS_CATEGORY_RDPRU: case ZYDIS_CATEGORY_RDWRFSGS: case ZYDIS_CATEGORY_PKU:
    case ZYDIS_CATEGORY_MOVDIR: case ZYDIS_CATEGORY_CLZERO: case ZYDIS_CATEGORY_SGX:
    case ZYDIS_CATEGORY_VTX: case ZYDIS_CATEGORY_UINTR: case ZYDIS_CATEGORY_WAITPKG:
    case ZYDIS_CATEGORY_MPX: case ZYDIS_CATEGORY_PT: case ZYDIS_CATEGORY_SMAP:
    case ZYDIS_CATEGORY_PCONFIG: case ZYDIS_CATEGORY_KEYLOCKER:
    case ZYDIS_CATEGORY_KEYLOCKER_WIDE: case ZYDIS_CATEGORY_AMX_TILE:
    case ZYDIS_CATEGORY_KNC: case ZYDIS_CATEGORY_KNCMASK: case ZYDIS_CATEGORY_KNCSCALAR:
    case ZYDIS_CATEGORY_TSX_LDTRK: case ZYDIS_CATEGORY_ENQCMD: case ZYDIS_CATEGORY_HRESET:
    case ZYDIS_CATEGORY_PADLOCK: case ZYDIS_CATEGORY_SERIALIZE:
        return true;
    default:
        return false;
    }
}

/* The ISA extensions docs/verifier.md lists. */
static bool isa_documented(const ZydisDecodedInstruction *in)
{
    switch (in->meta.isa_ext) {
    case ZYDIS_ISA_EXT_BASE: case ZYDIS_ISA_EXT_LONGMODE: case ZYDIS_ISA_EXT_X87:
    case ZYDIS_ISA_EXT_SSE: case ZYDIS_ISA_EXT_SSE2: case ZYDIS_ISA_EXT_SSE3:
    case ZYDIS_ISA_EXT_SSSE3: case ZYDIS_ISA_EXT_SSE4: case ZYDIS_ISA_EXT_AES:
    case ZYDIS_ISA_EXT_PCLMULQDQ: case ZYDIS_ISA_EXT_BMI1: case ZYDIS_ISA_EXT_BMI2:
    case ZYDIS_ISA_EXT_ADOX_ADCX: case ZYDIS_ISA_EXT_LZCNT: case ZYDIS_ISA_EXT_PAUSE:
    case ZYDIS_ISA_EXT_AMD3DNOW_PREFETCH: /* prefetchw */
    case ZYDIS_ISA_EXT_MOVBE: /* a load or store with a byte swap */
        return true;
    case ZYDIS_ISA_EXT_CET:
        return in->mnemonic == ZYDIS_MNEMONIC_ENDBR64;
    case ZYDIS_ISA_EXT_XSAVE:
        return in->mnemonic == ZYDIS_MNEMONIC_XGETBV;
    default:
        return false;
    }
}

static bool has_raw_prefix(const ZydisDecodedInstruction *in, uint8_t v)
{
    for (int i = 0; i < in->raw.prefix_count; i++)
        if (in->raw.prefixes[i].value == v &&
            in->raw.prefixes[i].type != ZYDIS_PREFIX_TYPE_MANDATORY)
            return true;
    return false;
}

static bool is_branch_insn(const ZydisDecodedInstruction *in)
{
    return in->meta.category == ZYDIS_CATEGORY_COND_BR ||
           in->meta.category == ZYDIS_CATEGORY_UNCOND_BR ||
           in->meta.category == ZYDIS_CATEGORY_CALL;
}

static int check_encoding(struct ctx *c, size_t off, const ZydisDecodedInstruction *in,
                          const ZydisDecodedOperand *op)
{
    const char *mn = ZydisMnemonicGetString(in->mnemonic);
    if (mnemonic_forbidden(in->mnemonic))
        return fail(c, off, "forbidden instruction %s", mn);
    if (category_forbidden(in))
        return fail(c, off, "forbidden instruction category %s (%s)",
                    ZydisCategoryGetString(in->meta.category), mn);
    if (in->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
        return fail(c, off, "far branch %s", mn);
    if (in->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY) {
        bool bmi = in->encoding == ZYDIS_INSTRUCTION_ENCODING_VEX &&
                   (in->meta.isa_ext == ZYDIS_ISA_EXT_BMI1 ||
                    in->meta.isa_ext == ZYDIS_ISA_EXT_BMI2);
        if (!bmi)
            return fail(c, off, "AVX/EVEX/XOP/3DNow! encoding (%s, %s)", mn,
                        ZydisISAExtGetString(in->meta.isa_ext));
    }
    if (!isa_documented(in))
        return fail(c, off, "ISA extension %s (%s) is not in the documented allowlist",
                    ZydisISAExtGetString(in->meta.isa_ext), mn);
    for (int i = 0; i < in->operand_count; i++) {
        if (op[i].type != ZYDIS_OPERAND_TYPE_REGISTER)
            continue;
        ZydisRegister reg = op[i].reg.value;
        switch (ZydisRegisterGetClass(reg)) {
        case ZYDIS_REGCLASS_MMX:
            return fail(c, off, "MMX register operand %s", ZydisRegisterGetString(reg));
        case ZYDIS_REGCLASS_YMM: case ZYDIS_REGCLASS_ZMM: case ZYDIS_REGCLASS_TMM:
        case ZYDIS_REGCLASS_MASK: case ZYDIS_REGCLASS_BOUND:
            return fail(c, off, "vector/mask/bound register operand %s",
                        ZydisRegisterGetString(reg));
        case ZYDIS_REGCLASS_SEGMENT:
            return fail(c, off, "segment register operand %s", ZydisRegisterGetString(reg));
        case ZYDIS_REGCLASS_CONTROL: case ZYDIS_REGCLASS_DEBUG:
        case ZYDIS_REGCLASS_TABLE: case ZYDIS_REGCLASS_TEST:
            return fail(c, off, "system register operand %s", ZydisRegisterGetString(reg));
        default:
            break;
        }
        if (reg == ZYDIS_REGISTER_PKRU || reg == ZYDIS_REGISTER_UIF ||
            (reg == ZYDIS_REGISTER_XCR0 && (op[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)))
            return fail(c, off, "access to %s", ZydisRegisterGetString(reg));
    }

    /* Prefixes. */
    ZydisInstructionAttributes a = in->attributes;
    if (a & ZYDIS_ATTRIB_HAS_SEGMENT_FS)
        return fail(c, off, "%%fs segment override");
    if (a & (ZYDIS_ATTRIB_HAS_SEGMENT_SS | ZYDIS_ATTRIB_HAS_SEGMENT_DS |
             ZYDIS_ATTRIB_HAS_SEGMENT_ES))
        return fail(c, off, "segment override other than %%gs");
    if ((a & ZYDIS_ATTRIB_HAS_SEGMENT_CS) && in->mnemonic != ZYDIS_MNEMONIC_NOP)
        return fail(c, off, "%%cs segment override on something other than nop");
    if (a & ZYDIS_ATTRIB_HAS_SEGMENT_GS) {
        bool mem = false;
        for (int i = 0; i < in->operand_count; i++)
            if (op[i].visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT &&
                op[i].type == ZYDIS_OPERAND_TYPE_MEMORY)
                mem = true;
        if (!mem)
            return fail(c, off, "%%gs prefix without an explicit memory operand");
        if (in->address_width != 32)
            return fail(c, off, "%%gs prefix without 32-bit addressing");
    }
    if (a & (ZYDIS_ATTRIB_HAS_BND | ZYDIS_ATTRIB_HAS_XACQUIRE | ZYDIS_ATTRIB_HAS_XRELEASE |
             ZYDIS_ATTRIB_HAS_NOTRACK | ZYDIS_ATTRIB_HAS_BRANCH_TAKEN |
             ZYDIS_ATTRIB_HAS_BRANCH_NOT_TAKEN))
        return fail(c, off, "bnd/hle/notrack/branch-hint prefix");
    if ((a & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE | ZYDIS_ATTRIB_HAS_REPNE)) &&
        in->meta.category != ZYDIS_CATEGORY_STRINGOP)
        return fail(c, off, "rep prefix on a non-string instruction");
    if (is_branch_insn(in) && has_raw_prefix(in, 0x66))
        return fail(c, off, "operand-size prefix on a branch (16-bit target on AMD)");
    if (in->meta.category == ZYDIS_CATEGORY_STRINGOP) {
        if (in->address_width != 64)
            return fail(c, off, "string instruction with 32-bit addressing");
        if (a & ZYDIS_ATTRIB_HAS_SEGMENT)
            return fail(c, off, "string instruction with a segment override");
    }
    return 0;
}

int x64_oracle_insn_policy(const uint8_t *p, size_t avail, struct x64_oracle_report *r)
{
    struct ctx c;
    memset(&c, 0, sizeof c);
    memset(r, 0, sizeof *r);
    if (avail > 15)
        avail = 15;
    c.code = p;
    c.size = avail;
    c.r = r;
    init_decoders(&c.intel, &c.amd);
    ZydisDecodedInstruction in;
    ZydisDecodedOperand op[ZYDIS_MAX_OPERAND_COUNT];
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&c.intel, p, avail, &in, op))) {
        fail(&c, 0, "Zydis cannot decode this instruction");
        return 2;
    }
    return check_encoding(&c, 0, &in, op);
}

/* ---- register state -------------------------------------------------------- */

static void mark_chain(struct ctx *c, int from)
{
    /* every instruction after `from` in this bundle, through the current one */
    for (int k = from + 1; k < c->bn; k++)
        c->nontarget[c->boff[k]] = 1;
}

static bool in_disp_bound(int64_t d)
{
    return d >= -MAXDISP && d <= MAXDISP;
}

/* (e) one memory operand. */
static int check_mem(struct ctx *c, size_t off, const ZydisDecodedInstruction *in,
                     const ZydisDecodedOperand *o)
{
    const ZydisDecodedOperandMem *m = &o->mem;
    if (m->type == ZYDIS_MEMOP_TYPE_AGEN)
        return 0; /* lea: no access */
    if (in->mnemonic == ZYDIS_MNEMONIC_NOP)
        return 0; /* the multi-byte nop does not access memory */
    if (m->type != ZYDIS_MEMOP_TYPE_MEM)
        return fail(c, off, "MIB/VSIB memory operand");
    if (c->mode == LFIV_MODE_STORES && !(o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
        return 0;
    /* The stack access of push/pop/call: it always uses the 64-bit %rsp
     * (the stack address size ignores 67), which stays in the box. */
    if (o->visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN && m->base == ZYDIS_REGISTER_RSP &&
        m->index == ZYDIS_REGISTER_NONE && !m->disp.has_displacement &&
        (in->mnemonic == ZYDIS_MNEMONIC_PUSH || in->mnemonic == ZYDIS_MNEMONIC_POP ||
         in->mnemonic == ZYDIS_MNEMONIC_CALL))
        return 0;
    if (m->segment == ZYDIS_REGISTER_FS)
        return fail(c, off, "%%fs memory operand");
    if (m->segment == ZYDIS_REGISTER_GS) {
        if (in->address_width != 32)
            return fail(c, off, "%%gs memory operand with 64-bit addressing");
        return 0; /* 32-bit offset from the %gs base: inside the box */
    }
    if (in->address_width != 64)
        return fail(c, off, "32-bit addressing without %%gs");
    int64_t d = m->disp.has_displacement ? m->disp.value : 0;
    if (!in_disp_bound(d))
        return fail(c, off, "displacement %" PRId64 " exceeds 256 MiB", d);
    ZydisRegister b = m->base, x = m->index;
    if (x == ZYDIS_REGISTER_NONE &&
        (b == ZYDIS_REGISTER_RSP || b == ZYDIS_REGISTER_RIP || b == ZYDIS_REGISTER_R14))
        return 0;
    if (x == ZYDIS_REGISTER_NONE && b != ZYDIS_REGISTER_NONE) {
        int g = gpr_index(b);
        if (g >= 0 && (c->st[g].bits & S_BOXED) && (int)b == (int)ZYDIS_REGISTER_RAX + g) {
            mark_chain(c, c->st[g].chain);
            return 0;
        }
    }
    if (m->scale == 1 && b != ZYDIS_REGISTER_NONE && x != ZYDIS_REGISTER_NONE) {
        ZydisRegister other = ZYDIS_REGISTER_NONE;
        if (b == ZYDIS_REGISTER_R14)
            other = x;
        else if (x == ZYDIS_REGISTER_R14)
            other = b;
        int g = other != ZYDIS_REGISTER_NONE ? gpr_index(other) : -1;
        if (g >= 0 && (int)other == (int)ZYDIS_REGISTER_RAX + g && (c->st[g].bits & S_CLEAN)) {
            mark_chain(c, c->st[g].chain);
            return 0;
        }
    }
    return fail(c, off, "unsafe memory operand (base %s, index %s, scale %u, disp %" PRId64
                ", %s)", ZydisRegisterGetString(b), ZydisRegisterGetString(x), m->scale, d,
                o->visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN ? "implicit" : "explicit");
}

static bool is_reg(const ZydisDecodedOperand *o, ZydisRegister r)
{
    return o->type == ZYDIS_OPERAND_TYPE_REGISTER && o->reg.value == r;
}

static bool is_rebase(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *op)
{
    if (in->operand_count_visible != 2)
        return false;
    if ((in->mnemonic == ZYDIS_MNEMONIC_ADD || in->mnemonic == ZYDIS_MNEMONIC_OR) &&
        is_reg(&op[0], ZYDIS_REGISTER_RSP) && is_reg(&op[1], ZYDIS_REGISTER_R14))
        return true;
    if (in->mnemonic == ZYDIS_MNEMONIC_LEA && is_reg(&op[0], ZYDIS_REGISTER_RSP) &&
        op[1].type == ZYDIS_OPERAND_TYPE_MEMORY && in->address_width == 64 &&
        !(in->attributes & ZYDIS_ATTRIB_HAS_SEGMENT) &&
        op[1].mem.base == ZYDIS_REGISTER_RSP && op[1].mem.index == ZYDIS_REGISTER_R14 &&
        op[1].mem.scale == 1 && (!op[1].mem.disp.has_displacement || op[1].mem.disp.value == 0))
        return true;
    return false;
}

/* (c), (d): register writes. */
static int check_writes(struct ctx *c, size_t off, const ZydisDecodedInstruction *in,
                        const ZydisDecodedOperand *op, bool *esp32, bool *rebase)
{
    *esp32 = false;
    *rebase = false;
    for (int i = 0; i < in->operand_count; i++) {
        const ZydisDecodedOperand *o = &op[i];
        if (o->type != ZYDIS_OPERAND_TYPE_REGISTER ||
            !(o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) || !is_gpr_class(o->reg.value))
            continue;
        int g = gpr_index(o->reg.value);
        if (g == X64_R14)
            return fail(c, off, "writes %s (reserved %%r14)", ZydisRegisterGetString(o->reg.value));
        if (g != X64_RSP)
            continue;
        if (o->visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN) {
            if (in->mnemonic == ZYDIS_MNEMONIC_PUSH || in->mnemonic == ZYDIS_MNEMONIC_POP ||
                in->mnemonic == ZYDIS_MNEMONIC_CALL)
                continue;
            return fail(c, off, "implicitly writes %%rsp");
        }
        if (o->reg.value == ZYDIS_REGISTER_ESP) {
            *esp32 = true;
            continue;
        }
        if (o->reg.value == ZYDIS_REGISTER_RSP && is_rebase(in, op)) {
            if (!c->prev_esp32)
                return fail(c, off, "%%rsp re-base not preceded by a 32-bit write to %%esp "
                            "in the same bundle");
            *rebase = true;
            continue;
        }
        return fail(c, off, "writes %s", ZydisRegisterGetString(o->reg.value));
    }
    return 0;
}

static void update_state(struct ctx *c, const ZydisDecodedInstruction *in,
                         const ZydisDecodedOperand *op)
{
    struct regstate old[16];
    memcpy(old, c->st, sizeof old);
    int cur = c->bn - 1;
    for (int i = 0; i < in->operand_count; i++) {
        const ZydisDecodedOperand *o = &op[i];
        if (o->type == ZYDIS_OPERAND_TYPE_REGISTER &&
            (o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) && is_gpr_class(o->reg.value)) {
            int g = gpr_index(o->reg.value);
            c->st[g].bits = 0;
        }
    }
    /* New facts from explicit destinations. */
    const ZydisDecodedOperand *d = &op[0];
    for (int i = 0; i < in->operand_count; i++) {
        const ZydisDecodedOperand *o = &op[i];
        if (o->type != ZYDIS_OPERAND_TYPE_REGISTER ||
            o->visibility != ZYDIS_OPERAND_VISIBILITY_EXPLICIT ||
            ZydisRegisterGetClass(o->reg.value) != ZYDIS_REGCLASS_GPR32 ||
            !(o->actions & ZYDIS_OPERAND_ACTION_WRITE) ||
            (o->actions & ZYDIS_OPERAND_ACTION_CONDWRITE))
            continue;
        if (in->mnemonic == ZYDIS_MNEMONIC_BSF || in->mnemonic == ZYDIS_MNEMONIC_BSR)
            continue;
        int g = gpr_index(o->reg.value);
        c->st[g].bits = S_CLEAN;
        c->st[g].chain = cur;
        if (in->mnemonic == ZYDIS_MNEMONIC_AND && i == 0 && in->operand_count_visible == 2 &&
            op[1].type == ZYDIS_OPERAND_TYPE_IMMEDIATE && (op[1].imm.value.u & 31) == 0)
            c->st[g].bits |= S_ALIGNED;
    }
    if (in->operand_count_visible != 2 || d->type != ZYDIS_OPERAND_TYPE_REGISTER ||
        ZydisRegisterGetClass(d->reg.value) != ZYDIS_REGCLASS_GPR64)
        return;
    int g = gpr_index(d->reg.value);
    if ((in->mnemonic == ZYDIS_MNEMONIC_ADD || in->mnemonic == ZYDIS_MNEMONIC_OR) &&
        is_reg(&op[1], ZYDIS_REGISTER_R14) && (old[g].bits & S_CLEAN)) {
        c->st[g].bits = S_BOXED | (old[g].bits & S_ALIGNED);
        c->st[g].chain = old[g].chain;
        return;
    }
    if (in->mnemonic == ZYDIS_MNEMONIC_LEA && in->address_width == 64) {
        const ZydisDecodedOperandMem *m = &op[1].mem;
        if (m->scale != 1 || (m->disp.has_displacement && m->disp.value != 0))
            return;
        ZydisRegister other = ZYDIS_REGISTER_NONE;
        if (m->base == ZYDIS_REGISTER_R14)
            other = m->index;
        else if (m->index == ZYDIS_REGISTER_R14)
            other = m->base;
        if (other < ZYDIS_REGISTER_RAX || other > ZYDIS_REGISTER_R15)
            return;
        int y = (int)(other - ZYDIS_REGISTER_RAX);
        if (!(old[y].bits & S_CLEAN))
            return;
        c->st[g].bits = S_BOXED | (old[y].bits & S_ALIGNED);
        c->st[g].chain = old[y].chain;
    }
}

/* ---- (f) control flow ------------------------------------------------------ */

static int check_control(struct ctx *c, size_t off, const ZydisDecodedInstruction *in,
                         const ZydisDecodedOperand *op)
{
    bool writes_rip = false;
    for (int i = 0; i < in->operand_count; i++)
        if (op[i].type == ZYDIS_OPERAND_TYPE_REGISTER &&
            ZydisRegisterGetClass(op[i].reg.value) == ZYDIS_REGCLASS_IP &&
            (op[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
            writes_rip = true;
    bool branch = is_branch_insn(in);
    if (!writes_rip && !branch)
        return 0;
    if (in->mnemonic == ZYDIS_MNEMONIC_INT3 || in->mnemonic == ZYDIS_MNEMONIC_UD2)
        return 0;
    uint64_t end = c->addr + off + in->length;
    bool jmp = in->mnemonic == ZYDIS_MNEMONIC_JMP, call = in->mnemonic == ZYDIS_MNEMONIC_CALL;
    if (!branch || (!jmp && !call && in->meta.category == ZYDIS_CATEGORY_UNCOND_BR))
        return fail(c, off, "control transfer %s not allowed", ZydisMnemonicGetString(in->mnemonic));
    const ZydisDecodedOperand *t = &op[0];
    if (t->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && t->imm.is_relative) {
        if (in->mnemonic == ZYDIS_MNEMONIC_JRCXZ && in->address_width != 64)
            return fail(c, off, "jecxz");
        struct branch b = { off, end + (uint64_t)t->imm.value.s };
        c->br[c->nbr++] = b;
        return 0;
    }
    if (!jmp && !call)
        return fail(c, off, "indirect conditional branch?");
    if (t->type == ZYDIS_OPERAND_TYPE_REGISTER) {
        ZydisRegister reg = t->reg.value;
        if (ZydisRegisterGetClass(reg) != ZYDIS_REGCLASS_GPR64)
            return fail(c, off, "indirect branch through %s (not 64-bit)",
                        ZydisRegisterGetString(reg));
        int g = gpr_index(reg);
        if ((c->st[g].bits & (S_BOXED | S_ALIGNED)) != (S_BOXED | S_ALIGNED))
            return fail(c, off, "indirect branch through %s that is not masked and "
                        "re-based in this bundle", ZydisRegisterGetString(reg));
        mark_chain(c, c->st[g].chain);
        if (call && end % BUNDLE != 0)
            return fail(c, off, "masked indirect call does not end its bundle");
        return 0;
    }
    if (t->type == ZYDIS_OPERAND_TYPE_MEMORY && jmp) {
        /* runtime call: leaq L(%rip),%r11 ; jmpq *N(%r14) */
        const ZydisDecodedOperandMem *m = &t->mem;
        int64_t d = m->disp.has_displacement ? m->disp.value : 0;
        if (m->base != ZYDIS_REGISTER_R14 || m->index != ZYDIS_REGISTER_NONE ||
            in->address_width != 64 || (in->attributes & ZYDIS_ATTRIB_HAS_SEGMENT) ||
            d < -32 || d > 24 || d % 8 != 0)
            return fail(c, off, "indirect jump through memory that is not a runtime call");
        if (!c->rt_valid)
            return fail(c, off, "runtime call without leaq L(%%rip),%%r11 earlier in its "
                        "bundle (and %%r11 unchanged since)");
        uint64_t L = c->rt_target;
        bool ok = (L == end && off + in->length < c->size) ||
                  (L % BUNDLE == 0 && L - c->addr < c->size);
        if (!ok)
            return fail(c, off, "runtime call return address 0x%" PRIx64 " is neither the next "
                        "instruction nor a bundle start in the buffer", L);
        mark_chain(c, c->rt_chain);
        return 0;
    }
    return fail(c, off, "indirect %s through memory", ZydisMnemonicGetString(in->mnemonic));
}

/* ---- driver ------------------------------------------------------------------ */

static int check_insn(struct ctx *c, size_t off, const ZydisDecodedInstruction *in,
                      const ZydisDecodedOperand *op)
{
    if (check_encoding(c, off, in, op))
        return 1;
    /* (e) memory operands, against the state before this instruction. */
    for (int i = 0; i < in->operand_count; i++)
        if (op[i].type == ZYDIS_OPERAND_TYPE_MEMORY && check_mem(c, off, in, &op[i]))
            return 1;
    /* bt* with a register bit offset into memory */
    if ((in->mnemonic == ZYDIS_MNEMONIC_BT || in->mnemonic == ZYDIS_MNEMONIC_BTS ||
         in->mnemonic == ZYDIS_MNEMONIC_BTR || in->mnemonic == ZYDIS_MNEMONIC_BTC) &&
        op[0].type == ZYDIS_OPERAND_TYPE_MEMORY && op[1].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        !(c->mode == LFIV_MODE_STORES && in->mnemonic == ZYDIS_MNEMONIC_BT))
        return fail(c, off, "%s with a register bit offset into memory",
                    ZydisMnemonicGetString(in->mnemonic));
    if (check_control(c, off, in, op))
        return 1;
    bool esp32, rebase;
    if (check_writes(c, off, in, op, &esp32, &rebase))
        return 1;
    if (c->prev_esp32 && !rebase)
        return fail(c, c->boff[c->bn - 2], "32-bit write to %%esp not immediately followed by "
                    "the %%rsp re-base");
    if (rebase)
        c->nontarget[off] = 1;
    update_state(c, in, op);
    c->prev_esp32 = esp32;
    for (int i = 0; i < in->operand_count; i++)
        if (op[i].type == ZYDIS_OPERAND_TYPE_REGISTER &&
            (op[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) && is_gpr_class(op[i].reg.value) &&
            gpr_index(op[i].reg.value) == X64_R11)
            c->rt_valid = false;
    if (in->mnemonic == ZYDIS_MNEMONIC_LEA && is_reg(&op[0], ZYDIS_REGISTER_R11) &&
        op[1].mem.base == ZYDIS_REGISTER_RIP && op[1].mem.index == ZYDIS_REGISTER_NONE &&
        in->address_width == 64) {
        c->rt_valid = true;
        c->rt_chain = c->bn - 1;
        c->rt_target = c->addr + off + in->length + (uint64_t)op[1].mem.disp.value;
    }
    return 0;
}

static int run(struct ctx *c)
{
    size_t off = 0;
    while (off < c->size) {
        size_t avail = c->size - off < 15 ? c->size - off : 15;
        ZydisDecodedInstruction in;
        ZydisDecodedOperand op[ZYDIS_MAX_OPERAND_COUNT];
        ZyanStatus s = ZydisDecoderDecodeFull(&c->intel, c->code + off, avail, &in, op);
        if (!ZYAN_SUCCESS(s))
            return fail(c, off, "Zydis cannot decode this instruction (status 0x%x)",
                        (unsigned)s);
        /* (a) boundaries */
        struct x64_insn xi;
        int xl = x64_decode(c->code + off, c->size - off, &xi);
        if (xl != in.length)
            return fail(c, off, "length: x64_decode %d, Zydis %d", xl, in.length);
        ZydisDecodedInstruction ia;
        if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&c->amd, NULL, c->code + off, avail, &ia)) ||
            ia.length != in.length)
            return fail(c, off, "length differs between Intel and AMD decoding");
        uint64_t a = c->addr + off;
        if (a / BUNDLE != (a + in.length - 1) / BUNDLE)
            return fail(c, off, "instruction crosses a bundle boundary");
        if (a % BUNDLE == 0) {
            if (c->prev_esp32)
                return fail(c, c->boff[c->bn - 1], "32-bit write to %%esp ends its bundle");
            memset(c->st, 0, sizeof c->st);
            c->bn = 0;
            c->prev_esp32 = false;
            c->rt_valid = false;
        }
        c->start[off] = 1;
        c->boff[c->bn] = off;
        c->blen[c->bn] = in.length;
        c->bn++;
        if (check_insn(c, off, &in, op))
            return 1;
        off += in.length;
    }
    if (c->prev_esp32)
        return fail(c, c->boff[c->bn - 1], "32-bit write to %%esp ends the code");
    /* Direct branch targets. */
    uint64_t box = c->addr >> 32;
    for (size_t i = 0; i < c->nbr; i++) {
        uint64_t t = c->br[i].target;
        if (t >> 32 != box)
            return fail(c, c->br[i].off, "branch target 0x%" PRIx64 " outside the 4 GiB box", t);
        if ((c->flags & LFIV_ALIGNED_TARGETS) && t % BUNDLE != 0)
            return fail(c, c->br[i].off, "branch target 0x%" PRIx64 " not 32-byte aligned", t);
        if (t - c->addr < c->size) { /* inside the buffer (no overflow) */
            size_t to = (size_t)(t - c->addr);
            if (!c->start[to])
                return fail(c, c->br[i].off, "branch target 0x%" PRIx64
                            " is not an instruction start", t);
            if (c->nontarget[to])
                return fail(c, c->br[i].off, "branch target 0x%" PRIx64
                            " is inside a guarded sequence", t);
        } else if (t % BUNDLE != 0) {
            return fail(c, c->br[i].off, "branch target 0x%" PRIx64
                        " outside the buffer is not 32-byte aligned", t);
        }
    }
    return 0;
}

int x64_oracle_check(const uint8_t *code, size_t size, uint64_t addr, int mode,
                     unsigned flags, struct x64_oracle_report *r)
{
    struct ctx c;
    memset(&c, 0, sizeof c);
    memset(r, 0, sizeof *r);
    c.code = code;
    c.size = size;
    c.addr = addr;
    c.mode = mode;
    c.flags = flags;
    c.r = r;
    init_decoders(&c.intel, &c.amd);
    if (addr % BUNDLE != 0)
        return fail(&c, 0, "code address not 32-byte aligned");
    if (size == 0)
        return 0;
    if (size > ((uint64_t)1 << 32) - (addr & 0xffffffffu))
        return fail(&c, 0, "code does not fit in one 4 GiB box");
    c.start = calloc(size, 1);
    c.nontarget = calloc(size, 1);
    c.br = calloc(size, sizeof *c.br);
    int ret = -1;
    if (c.start && c.nontarget && c.br)
        ret = run(&c);
    free(c.start);
    free(c.nontarget);
    free(c.br);
    return ret;
}

int x64_oracle_format(const struct x64_oracle_report *r, char *buf, size_t n)
{
    char hex[15 * 3 + 1] = "";
    for (int i = 0; i < r->nbytes; i++)
        snprintf(hex + 3 * i, sizeof hex - 3 * (size_t)i, "%02x ", r->bytes[i]);
    return snprintf(buf, n, "0x%" PRIx64 " (+0x%zx): %s %s: %s", r->addr, r->offset, hex,
                    r->disasm, r->message);
}
