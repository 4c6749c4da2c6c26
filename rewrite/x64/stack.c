/* Writes of %rsp: "32-bit operation on %esp, then add the base" in one
 * bundle; leave and enter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x64/x64.h"

static bool is_rsp(const struct x64_op *op)
{
    return op->kind == X64_OP_REG && x64_is_gpr(op->reg, X64_RSP);
}

/* add/sub/and/or/mov with an optional l or q suffix: the base name. */
static const char *simple_op(const char *m)
{
    static const char *const ops[] = { "add", "sub", "and", "or", "mov", NULL };
    for (int i = 0; ops[i]; i++)
        if (x64_mnem_is(m, ops[i], "lq"))
            return ops[i];
    return NULL;
}

/* Text of a source operand for the 32-bit form. */
static char *src32(struct x64_ctx *c, const struct x64_op *op, bool *err)
{
    *err = false;
    if (op->kind == X64_OP_IMM)
        return strdup(op->text);
    if (op->kind == X64_OP_REG) {
        if (op->reg.cls != X64_R_GPR || op->reg.width < 4) {
            x64_error(c, "bad source operand '%s' for %%rsp", op->text);
            *err = true;
            return NULL;
        }
        char b[16];
        snprintf(b, sizeof b, "%%%s", x64_gpr_name(op->reg.num, 4));
        return strdup(b);
    }
    char *m = NULL;
    if (c->o->sandbox == LFI_RW_FULL)
        m = x64_mem_sandbox(c, op, err);
    if (*err)
        return NULL;
    return m ? m : strdup(op->text);
}

/* Any other instruction writing %rsp/%esp/%sp/%spl: compute in %r11. */
static void via_r11(struct x64_ctx *c, struct x64_insn *in)
{
    if (!x64_r11_free(c, false, "write of %rsp"))
        return;
    for (int k = 0; k < in->nops; k++) {
        const struct x64_op *op = &in->op[k];
        if (op->kind == X64_OP_MEM && op->base.cls == X64_R_NONE &&
            op->index.cls == X64_R_NONE) {
            x64_error(c, "%s: write of %%rsp with an absolute memory operand", in->mnem);
            return;
        }
    }
    char *repl[4] = { 0 };
    bool err = false;
    x64_emit(c, "movq %%rsp, %%r11");
    for (int k = 0; k < in->nops && !err; k++) {
        const struct x64_op *op = &in->op[k];
        if (op->kind == X64_OP_REG && x64_is_gpr(op->reg, X64_RSP)) {
            char b[16];
            snprintf(b, sizeof b, "%%%s", x64_gpr_name(X64_R11, op->reg.width));
            repl[k] = strdup(b);
        } else if (op->kind == X64_OP_MEM &&
                   (c->o->sandbox == LFI_RW_FULL || x64_writes_mem(in, k))) {
            repl[k] = x64_mem_sandbox(c, op, &err);
        }
    }
    if (!err) {
        rw_buf_putc(&c->out, '\t');
        x64_format(&c->out, in, NULL, repl);
        rw_buf_putc(&c->out, '\n');
        x64_emit_rsp(c, "movl %r11d, %esp", true);
        c->n_rewritten++;
    }
    for (int k = 0; k < 4; k++)
        free(repl[k]);
}

bool x64_rule_stack(struct x64_ctx *c, struct x64_insn *in)
{
    const char *m = in->mnem;
    if (x64_mnem_is(m, "leave", "q")) {
        x64_emit_rsp(c, "movl %ebp, %esp", true);
        x64_emit(c, "popq %%rbp");
        c->n_rewritten++;
        return true;
    }
    if (x64_mnem_is(m, "enter", "q")) {
        int64_t n, lvl;
        if (in->nops != 2 || in->op[0].kind != X64_OP_IMM ||
            in->op[1].kind != X64_OP_IMM || !x64_eval(in->op[0].text + 1, &n) ||
            !x64_eval(in->op[1].text + 1, &lvl) || lvl != 0) {
            x64_error(c, "enter: only 'enter $N, $0' is supported");
            return true;
        }
        x64_emit(c, "pushq %%rbp");
        x64_emit(c, "movq %%rsp, %%rbp");
        if (n) {
            char b[64];
            snprintf(b, sizeof b, "leal -%lld(%%rsp), %%esp", (long long)n);
            x64_emit_rsp(c, b, true);
        }
        c->n_rewritten++;
        return true;
    }
    if (x64_mnem_is(m, "pop", "q") && in->nops == 1 && is_rsp(&in->op[0])) {
        if (in->op[0].reg.width != 8) {
            via_r11(c, in);
            return true;
        }
        if (!x64_r11_free(c, false, "pop %rsp"))
            return true;
        x64_emit(c, "popq %%r11");
        x64_emit_rsp(c, "movl %r11d, %esp", true);
        c->n_rewritten++;
        return true;
    }
    int k = -1;
    for (int i = 0; i < in->nops; i++)
        if (is_rsp(&in->op[i]) && x64_writes_reg(in, i))
            k = i;
    if (k < 0)
        return false;
    int width = in->op[k].reg.width;
    const char *base = simple_op(m);
    bool err;
    if (base && in->nops == 2 && k == 1 && width >= 4 &&
        !(in->pfx & X64_PFX_LOCK) &&
        !(in->op[0].kind == X64_OP_REG && in->op[0].reg.width != width)) {
        char *s = src32(c, &in->op[0], &err);
        if (err)
            return true;
        char b[512];
        snprintf(b, sizeof b, "%sl %s, %%esp", base, s);
        free(s);
        x64_emit_rsp(c, b, strcmp(base, "mov") == 0);
        c->n_rewritten++;
        return true;
    }
    if (x64_is_lea(m) && in->nops == 2 && k == 1 && width >= 4 &&
        in->op[0].kind == X64_OP_MEM && in->op[0].seg.cls == X64_R_NONE) {
        char b[512];
        snprintf(b, sizeof b, "leal %s, %%esp", in->op[0].text);
        x64_emit_rsp(c, b, true);
        c->n_rewritten++;
        return true;
    }
    if (x64_mnem_is(m, "xchg", "q") && in->nops == 2 && width == 8 &&
        !(in->pfx & X64_PFX_LOCK)) {
        const struct x64_op *o = &in->op[1 - k];
        if (is_rsp(o)) {
            c->n_rewritten++; /* xchg %rsp,%rsp: nothing */
            return true;
        }
        if (!x64_r11_free(c, false, "xchg with %rsp"))
            return true;
        if (o->kind == X64_OP_REG && o->reg.cls == X64_R_GPR && o->reg.width == 8) {
            x64_emit(c, "movq %%rsp, %%r11");
            char b[64];
            snprintf(b, sizeof b, "movl %%%s, %%esp", x64_gpr_name(o->reg.num, 4));
            x64_emit_rsp(c, b, true);
            x64_emit(c, "movq %%r11, %%%s", x64_gpr_name(o->reg.num, 8));
            c->n_rewritten++;
            return true;
        }
    }
    via_r11(c, in);
    return true;
}
