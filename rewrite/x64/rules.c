/* The instruction rewriter: checks that apply to every instruction, the
 * dispatch to the special rules, and the memory-operand rule. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x64/x64.h"

#define MAX_DISP ((int64_t)256 << 20) /* LFIV_X64_MAX_DISP */

void x64_error(struct x64_ctx *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rw_error(c->d, c->st->line, "%s", msg);
}

bool x64_r11_free(struct x64_ctx *c, bool dead, const char *what)
{
    if (dead || !c->fn->uses_r11)
        return true;
    x64_error(c, "%s: needs %%r11 as scratch register, but this function uses "
                 "%%r11 (compile with -ffixed-r11)", what);
    return false;
}

/* Register names for the %gs: form: 32-bit, or eiz/eip. */
static const char *reg32(struct x64_reg r)
{
    if (r.cls == X64_R_GPR)
        return x64_gpr_name(r.num, 4);
    if (r.cls == X64_R_IZ)
        return "eiz";
    if (r.cls == X64_R_IP)
        return "eip";
    return "?";
}

static bool small_disp(const char *disp)
{
    int64_t v;
    return x64_eval(disp, &v) && v <= MAX_DISP && v >= -MAX_DISP;
}

static char *gs_form(const struct x64_op *op)
{
    struct rw_buf b = { 0 };
    rw_buf_printf(&b, "%%gs:%s(", op->disp);
    if (op->base.cls != X64_R_NONE)
        rw_buf_printf(&b, "%%%s", reg32(op->base));
    if (op->index.cls != X64_R_NONE) {
        rw_buf_printf(&b, ",%%%s", reg32(op->index));
        if (op->scale)
            rw_buf_printf(&b, ",%d", op->scale);
    }
    rw_buf_putc(&b, ')');
    return rw_buf_take(&b);
}

/* Sandbox one memory operand. Returns the replacement text, or NULL if
 * the operand stays as it is (*err tells an error from that). `pre`
 * receives instructions that must come right before. */
static char *mem_sandbox(struct x64_ctx *c, const struct x64_op *op,
                         struct rw_buf *pre, bool *err)
{
    *err = false;
    struct x64_reg b = op->base, x = op->index;
    if (b.cls == X64_R_GPR && b.width == 2) {
        x64_error(c, "'%s': 16-bit addressing is not supported", op->text);
        *err = true;
        return NULL;
    }
    if (x.cls == X64_R_GPR && x.width == 2) {
        x64_error(c, "'%s': 16-bit addressing is not supported", op->text);
        *err = true;
        return NULL;
    }
    if (op->seg.cls == X64_R_SEG && op->seg.num == X64_GS) {
        bool narrow = (b.cls == X64_R_NONE || b.width == 4) &&
                      (x.cls == X64_R_NONE || x.width == 4);
        if (!narrow) {
            x64_error(c, "'%s': %%gs: operand with 64-bit address registers "
                         "(%%gs holds the sandbox base)", op->text);
            *err = true;
            return NULL;
        }
        if (b.cls != X64_R_NONE || x.cls != X64_R_NONE)
            return NULL; /* already a sandboxed form */
    } else if (op->seg.cls == X64_R_SEG && op->seg.num == X64_FS) {
        x64_error(c, "'%s': %%fs: operand in an instruction that cannot be "
                     "rewritten as a thread-pointer access", op->text);
        *err = true;
        return NULL;
    }
    /* %cs:, %ds:, %es:, %ss: have base 0 in 64-bit mode: drop them. */
    if (b.cls == X64_R_NONE && x.cls == X64_R_NONE) {
        /* absolute address: through %r11 (no moffs encodings) */
        if (!op->disp[0]) {
            x64_error(c, "'%s': empty memory operand", op->text);
            *err = true;
            return NULL;
        }
        if (!x64_r11_free(c, false, "absolute memory operand")) {
            *err = true;
            return NULL;
        }
        rw_buf_printf(pre, "\tmovl $%s, %%r11d\n", op->disp);
        return strdup("%gs:(%r11d)");
    }
    if (b.cls == X64_R_IP) {
        if (x.cls != X64_R_NONE) {
            x64_error(c, "'%s': %%rip-relative operand with an index", op->text);
            *err = true;
            return NULL;
        }
        int64_t v;
        if (b.width == 8 && op->seg.cls == X64_R_NONE &&
            (!x64_eval(op->disp, &v) || (v <= MAX_DISP && v >= -MAX_DISP)))
            return NULL; /* symbols: the linker resolves them; the verifier
                            bounds the displacement */
        return gs_form(op); /* %gs:D(%eip) */
    }
    if (b.cls == X64_R_GPR && b.num == X64_RSP && b.width == 8 &&
        x.cls == X64_R_NONE && op->seg.cls == X64_R_NONE && small_disp(op->disp))
        return NULL;
    if (strchr(op->disp, '@') && c->o->assembler != LFI_RW_AS_LLVM &&
        b.width == 8 && (x.cls == X64_R_NONE || x.width == 8)) {
        /* GNU as refuses signed relocations (x@tpoff) in the unsigned
         * 32-bit displacement of 32-bit addressing: compute the address
         * with a 64-bit lea into %r11 instead. */
        if (!x64_r11_free(c, false, "memory operand with a relocation")) {
            *err = true;
            return NULL;
        }
        rw_buf_printf(pre, "\tleaq %s, %%r11\n", op->text[0] == '%' ?
                      strchr(op->text, ':') + 1 : op->text);
        return strdup("%gs:(%r11d)");
    }
    return gs_form(op);
}

char *x64_mem_sandbox(struct x64_ctx *c, const struct x64_op *op, bool *err)
{
    struct rw_buf pre = { 0 };
    char *r = mem_sandbox(c, op, &pre, err);
    if (pre.len) {
        rw_buf_put(&c->out, pre.p, pre.len);
    }
    rw_buf_free(&pre);
    return r;
}

/* `mov %r14, M` under r14_is_base: a save of the base register. */
static bool r14_save(const struct x64_ctx *c, const struct x64_insn *in)
{
    return c->o->r14_is_base && x64_mnem_is(in->mnem, "mov", "q") &&
           in->nops == 2 && in->op[0].kind == X64_OP_REG &&
           x64_is_gpr(in->op[0].reg, X64_R14) && in->op[0].reg.width == 8 &&
           in->op[1].kind == X64_OP_MEM;
}

/* `mov M, %r14` under r14_is_base: a restore, which is dropped. */
static bool r14_restore(const struct x64_ctx *c, const struct x64_insn *in)
{
    return c->o->r14_is_base && x64_mnem_is(in->mnem, "mov", "q") &&
           in->nops == 2 && in->op[1].kind == X64_OP_REG &&
           x64_is_gpr(in->op[1].reg, X64_R14) && in->op[1].reg.width == 8 &&
           in->op[0].kind == X64_OP_MEM;
}

static bool check_regs(struct x64_ctx *c, const struct x64_insn *in)
{
    for (int k = 0; k < in->nops; k++) {
        const struct x64_op *op = &in->op[k];
        if (k == 0 && r14_save(c, in))
            continue;
        struct x64_reg rs[3] = { op->reg, op->base, op->index };
        int nr = op->kind == X64_OP_REG ? 1 : op->kind == X64_OP_MEM ? 3 : 0;
        for (int i = op->kind == X64_OP_MEM ? 1 : 0; i < nr; i++) {
            struct x64_reg r = rs[i];
            const char *why = NULL;
            switch (r.cls) {
            case X64_R_GPR:
                if (r.num == X64_R14)
                    why = c->o->rename_r14
                              ? "uses %r14, the sandbox base register, and the "
                                "function has no free callee-saved register to "
                                "rename it to"
                              : "uses %r14, the sandbox base register (compile "
                                "with -ffixed-r14, or rewrite with --rename-r14)";
                break;
            case X64_R_SEG:
                why = "segment register operand (segment registers must not "
                      "be read or written)";
                break;
            case X64_R_YMM: case X64_R_ZMM: case X64_R_K: case X64_R_TMM:
                why = "AVX register operand (the verifier rejects AVX: compile "
                      "with -mno-avx)";
                break;
            case X64_R_MM:
                why = "MMX register operand (not allowed by the verifier)";
                break;
            case X64_R_XMM:
                if (r.num >= 16)
                    why = "%xmm16-31 need AVX-512 (not allowed by the verifier)";
                break;
            case X64_R_CR: case X64_R_DR:
                why = "control or debug register (privileged)";
                break;
            case X64_R_BND:
                why = "MPX bound register (not supported)";
                break;
            default:
                break;
            }
            if (why) {
                x64_error(c, "%s: %s", in->mnem, why);
                return false;
            }
        }
    }
    return true;
}

static bool is_bit_insn(const char *m)
{
    return x64_mnem_is(m, "bt", "wlq") || x64_mnem_is(m, "bts", "wlq") ||
           x64_mnem_is(m, "btr", "wlq") || x64_mnem_is(m, "btc", "wlq");
}

/* Every memory operand sandboxed; everything else as it is. */
static void generic(struct x64_ctx *c, struct x64_insn *in)
{
    char *repl[4] = { 0 };
    struct rw_buf pre = { 0 };
    bool changed = false, bad = false;
    bool skip = x64_is_lea(in->mnem) || x64_is_nop(in->mnem);
    for (int k = 0; k < in->nops && !bad; k++) {
        const struct x64_op *op = &in->op[k];
        if (op->kind != X64_OP_MEM)
            continue;
        if (skip) {
            if (op->seg.cls == X64_R_SEG && op->seg.num == X64_FS &&
                x64_is_lea(in->mnem)) {
                /* lea ignores the segment: harmless, but surely a mistake */
                x64_error(c, "%s: lea with a %%fs: operand", in->mnem);
                bad = true;
            }
            continue;
        }
        if (c->o->sandbox == LFI_RW_STORES && !x64_writes_mem(in, k) &&
            !(op->seg.cls == X64_R_SEG && op->seg.num == X64_GS))
            continue;
        if (is_bit_insn(in->mnem) && in->op[0].kind == X64_OP_REG) {
            x64_error(c, "%s: bit test with a register bit offset and a memory "
                         "operand can address far outside the operand (load the "
                         "word first)", in->mnem);
            bad = true;
            break;
        }
        if (in->op[k].star) {
            x64_error(c, "%s: unexpected indirect operand", in->mnem);
            bad = true;
            break;
        }
        if (x64_mnem_is(in->mnem, "movabs", "bwlq")) {
            x64_error(c, "movabs: 64-bit absolute memory address cannot be "
                         "sandboxed");
            bad = true;
            break;
        }
        repl[k] = mem_sandbox(c, op, &pre, &bad);
        if (repl[k])
            changed = true;
    }
    if (!bad) {
        rw_buf_put(&c->out, pre.p ? pre.p : "", pre.len);
        rw_buf_putc(&c->out, '\t');
        x64_format(&c->out, in, NULL, repl);
        rw_buf_putc(&c->out, '\n');
        if (changed)
            c->n_rewritten++;
    }
    rw_buf_free(&pre);
    for (int k = 0; k < 4; k++)
        free(repl[k]);
}

static void rewrite(struct x64_ctx *c, struct x64_insn *in)
{
    const char *m = in->mnem;
    for (int k = 0; k < in->nops; k++)
        if (strstr(in->op[k].text, "@tlsgd") || strstr(in->op[k].text, "@TLSGD") ||
            strstr(in->op[k].text, "@tlsld") || strstr(in->op[k].text, "@TLSLD")) {
            /* The linker relaxes these sequences to %fs: accesses that
             * would not be rewritten. */
            x64_error(c, "%s: general- or local-dynamic TLS is not supported "
                         "(compile with -mtls-dialect=gnu2, or as PIE)", m);
            return;
        }
    if (in->pfx & X64_PFX_OTHER) {
        if (x64_is_nop(m)) {
            rw_buf_printf(&c->out, "\t%s\n", c->st->text);
            return;
        }
        x64_error(c, "%s: prefix '%s' is not supported", m, in->other);
        return;
    }
    if (strcmp(m, "endbr64") == 0 || strcmp(m, "endbr32") == 0) {
        c->n_rewritten++; /* no CET in a sandbox: dropped */
        return;
    }
    if (r14_restore(c, in)) {
        c->n_rewritten++; /* %r14 already holds the saved value: the base */
        return;
    }
    if (((c->o->rename_r14 && c->fn->uses_r14 && !c->fn->r14_general) ||
         c->o->r14_is_base) &&
        in->nops == 1 && in->op[0].kind == X64_OP_REG &&
        x64_is_gpr(in->op[0].reg, X64_R14) && in->op[0].reg.width == 8) {
        /* The function only saves and restores %r14, which always holds
         * the sandbox base: the restore becomes a plain stack adjustment. */
        if (x64_mnem_is(m, "push", "q")) {
            x64_emit(c, "pushq %%r14");
            return;
        }
        if (x64_mnem_is(m, "pop", "q")) {
            x64_emit_rsp(c, "leal 8(%rsp), %esp", true);
            c->n_rewritten++;
            return;
        }
    }
    if (!check_regs(c, in))
        return;
    const char *why = x64_forbidden(m);
    if (why) {
        x64_error(c, "%s: %s", m, why);
        return;
    }
    if (strcmp(m, "int") == 0) {
        int64_t v;
        if (in->nops == 1 && in->op[0].kind == X64_OP_IMM &&
            x64_eval(in->op[0].text + 1, &v) && v == 3) {
            x64_emit(c, "int3");
            c->n_rewritten++;
            return;
        }
        x64_error(c, "int: software interrupts leave the sandbox (use the "
                     "syscall instruction, which becomes a runtime call)");
        return;
    }
    if (x64_rule_branch(c, in) || x64_rule_string(c, in) || x64_rule_tls(c, in) ||
        x64_rule_stack(c, in))
        return;
    generic(c, in);
}

void x64_rewrite_insn(struct x64_ctx *c, const char *text)
{
    struct x64_insn in;
    char e[300];
    if (x64_parse_insn(text, &in, e, sizeof e)) {
        if (e[0])
            x64_error(c, "cannot parse '%s': %s", text, e);
        else
            c->out.oom = true;
        x64_insn_free(&in);
        return;
    }
    rewrite(c, &in);
    x64_insn_free(&in);
}
