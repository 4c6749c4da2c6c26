/* Runtime calls: syscall, and thread-pointer (%fs) accesses, which become
 * the get-thread-pointer runtime call (slot -16, result in %rax). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x64/x64.h"

#define RT_SYSCALL (-8)
#define RT_GET_TP (-16)

/* Step over the red zone (128 bytes below %rsp that leaf functions may
 * use) before pushing, and back after popping. Flags are kept. */
static void redzone(struct x64_ctx *c, bool enter)
{
    x64_emit_rsp(c, enter ? "leal -128(%rsp), %esp" : "leal 128(%rsp), %esp", true);
}

/* %r11 = thread pointer; %rax and the flags are kept. Clobbers the
 * stack below the red zone. */
static void tp_to_r11(struct x64_ctx *c)
{
    redzone(c, true);
    x64_emit(c, "pushq %%rax");
    x64_emit_rtcall(c, RT_GET_TP);
    x64_emit(c, "movq %%rax, %%r11");
    x64_emit(c, "popq %%rax");
    redzone(c, false);
}

/* The 64-bit register r = thread pointer, every other register kept. */
static void tp_to_reg(struct x64_ctx *c, int r)
{
    bool save11 = c->fn->uses_r11 && r != X64_R11;
    if (r == X64_R11) {
        tp_to_r11(c);
        return;
    }
    if (save11) {
        /* %r11 is live in this function: keep it on the stack */
        redzone(c, true);
        x64_emit(c, "pushq %%r11");
    }
    if (r == X64_RAX) {
        x64_emit_rtcall(c, RT_GET_TP);
    } else {
        const char *n = x64_gpr_name(r, 8);
        x64_emit(c, "movq %%rax, %%%s", n);
        x64_emit_rtcall(c, RT_GET_TP);
        x64_emit(c, "xchgq %%rax, %%%s", n);
    }
    if (save11) {
        x64_emit(c, "popq %%r11");
        redzone(c, false);
    }
}

static bool is_zero(const char *s)
{
    int64_t v;
    return x64_eval(s, &v) && v == 0;
}

static bool uses(const struct x64_op *op, int r)
{
    return (op->base.cls == X64_R_GPR && op->base.num == r) ||
           (op->index.cls == X64_R_GPR && op->index.num == r);
}

/* Loads that only write their destination register. */
static bool pure_load(const char *m)
{
    static const char *const t[] = {
        "mov", "movb", "movw", "movl", "movq", "movzbl", "movzbw", "movzbq",
        "movzwl", "movzwq", "movsbl", "movsbw", "movsbq", "movswl", "movswq",
        "movslq", "movzx", "movsx", "movsxd", NULL,
    };
    for (int i = 0; t[i]; i++)
        if (strcmp(m, t[i]) == 0)
            return true;
    return false;
}

/* "%gs:D(%eT,%eI,s)" for a %fs: operand with the thread pointer in T and,
 * if the operand has a base, the base already added to T. */
static char *tp_operand(const struct x64_op *op, int t)
{
    struct rw_buf b = { 0 };
    rw_buf_printf(&b, "%%gs:%s(%%%s", op->disp, x64_gpr_name(t, 4));
    if (op->index.cls == X64_R_GPR) {
        rw_buf_printf(&b, ",%%%s", x64_gpr_name(op->index.num, 4));
        if (op->scale)
            rw_buf_printf(&b, ",%d", op->scale);
    }
    rw_buf_putc(&b, ')');
    return rw_buf_take(&b);
}

static void emit_with(struct x64_ctx *c, const struct x64_insn *in, int k, char *opnd)
{
    char *repl[4] = { 0 };
    repl[k] = opnd;
    rw_buf_putc(&c->out, '\t');
    x64_format(&c->out, in, NULL, repl);
    rw_buf_putc(&c->out, '\n');
}

bool x64_rule_tls(struct x64_ctx *c, struct x64_insn *in)
{
    const char *m = in->mnem;
    bool fs = strncmp(m, "rdfsbase", 8) == 0;
    for (int i = 0; i < in->nops; i++)
        if (in->op[i].kind == X64_OP_MEM && in->op[i].seg.cls == X64_R_SEG &&
            in->op[i].seg.num == X64_FS)
            fs = true;
    for (int i = 0; fs && i < in->nops; i++)
        if (in->op[i].kind == X64_OP_REG && x64_is_gpr(in->op[i].reg, X64_RSP)) {
            x64_error(c, "%s: thread-pointer access together with %%rsp", m);
            return true;
        }
    if (strcmp(m, "syscall") == 0) {
        if (in->nops || in->pfxtext[0]) {
            x64_error(c, "syscall: unexpected operands or prefixes");
            return true;
        }
        x64_emit_rtcall(c, RT_SYSCALL);
        c->n_rewritten++;
        return true;
    }
    if (strcmp(m, "rdfsbase") == 0 || strcmp(m, "rdfsbaseq") == 0 ||
        strcmp(m, "rdfsbasel") == 0) {
        if (in->nops != 1 || in->op[0].kind != X64_OP_REG ||
            in->op[0].reg.cls != X64_R_GPR || in->op[0].reg.width < 4) {
            x64_error(c, "rdfsbase: expected a 32- or 64-bit register");
            return true;
        }
        int r = in->op[0].reg.num;
        tp_to_reg(c, r);
        if (in->op[0].reg.width == 4)
            x64_emit(c, "movl %%%s, %%%s", x64_gpr_name(r, 4), x64_gpr_name(r, 4));
        c->n_rewritten++;
        return true;
    }
    int k = -1;
    for (int i = 0; i < in->nops; i++)
        if (in->op[i].kind == X64_OP_MEM && in->op[i].seg.cls == X64_R_SEG &&
            in->op[i].seg.num == X64_FS)
            k = i;
    if (k < 0)
        return false;
    const struct x64_op *op = &in->op[k];
    if (x64_is_lea(m) || x64_is_nop(m) || op->star) {
        x64_error(c, "%s: unsupported use of a %%fs: operand", m);
        return true;
    }
    c->n_rewritten++;
    const struct x64_op *dst = &in->op[in->nops - 1];
    bool plain = op->base.cls == X64_R_NONE && op->index.cls == X64_R_NONE;
    if (plain && is_zero(op->disp) && in->nops == 2 && k == 0 &&
        (strcmp(m, "mov") == 0 || strcmp(m, "movq") == 0) &&
        dst->kind == X64_OP_REG && dst->reg.cls == X64_R_GPR && dst->reg.width == 8) {
        /* mov %fs:0, %rR: the thread pointer itself */
        tp_to_reg(c, dst->reg.num);
        return true;
    }
    if ((op->base.cls != X64_R_NONE && op->base.cls != X64_R_GPR) ||
        (op->base.cls == X64_R_GPR && op->base.width != 8) ||
        (op->index.cls != X64_R_NONE &&
         (op->index.cls != X64_R_GPR || op->index.width != 8))) {
        x64_error(c, "%s: %%fs: operand '%s' with unsupported registers", m, op->text);
        return true;
    }
    if (pure_load(m) && in->nops == 2 && k == 0 && dst->kind == X64_OP_REG &&
        dst->reg.cls == X64_R_GPR && dst->reg.width >= 4 && !uses(op, dst->reg.num) &&
        !(dst->reg.num == X64_R11)) {
        /* load through %fs: the thread pointer goes to the destination */
        int t = dst->reg.num;
        tp_to_reg(c, t);
        if (op->base.cls == X64_R_GPR)
            x64_emit(c, "leaq (%%%s,%%%s,1), %%%s", x64_gpr_name(t, 8),
                     x64_gpr_name(op->base.num, 8), x64_gpr_name(t, 8));
        char *o = tp_operand(op, t);
        emit_with(c, in, k, o);
        free(o);
        return true;
    }
    /* general case: the thread pointer in %r11 */
    if (!x64_r11_free(c, false, "thread-pointer access"))
        return true;
    tp_to_r11(c);
    if (op->base.cls == X64_R_GPR)
        x64_emit(c, "leaq (%%r11,%%%s,1), %%r11", x64_gpr_name(op->base.num, 8));
    char *o = tp_operand(op, X64_R11);
    emit_with(c, in, k, o);
    free(o);
    return true;
}
