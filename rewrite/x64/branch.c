/* Control flow: indirect jumps and calls are masked to bundle starts inside
 * the sandbox, calls end at a bundle end, ret becomes pop + masked jump,
 * loop is emulated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "x64/x64.h"

/* Bytes of `andl $0xffffffe0,%eX ; addq %r14,%rX ; call *%rX`. */
static int masked_call_len(int r)
{
    return r >= 8 ? 10 : 8;
}

static void mask_lines(struct rw_buf *b, int r, const char *op)
{
    rw_buf_printf(b, "\tandl $0xffffffe0, %%%s\n", x64_gpr_name(r, 4));
    rw_buf_printf(b, "\taddq %%r14, %%%s\n", x64_gpr_name(r, 8));
    rw_buf_printf(b, "\t%s *%%%s\n", op, x64_gpr_name(r, 8));
}

static void masked_jump(struct x64_ctx *c, int r)
{
    struct rw_buf b = { 0 };
    mask_lines(&b, r, "jmpq");
    x64_lock(c);
    rw_buf_put(&c->out, b.p ? b.p : "", b.len);
    x64_unlock(c);
    rw_buf_free(&b);
}

static void masked_call(struct x64_ctx *c, int r)
{
    struct rw_buf b = { 0 };
    mask_lines(&b, r, "callq");
    if (b.oom)
        c->out.oom = true;
    else
        x64_emit_call(c, b.p, masked_call_len(r));
    rw_buf_free(&b);
}

static bool has_ci(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++)
        if (strncasecmp(s, needle, n) == 0)
            return true;
    return false;
}

/* Load an indirect branch target from memory into %r11. */
static bool load_target(struct x64_ctx *c, const struct x64_op *op)
{
    bool err = false;
    char *m = NULL;
    if (c->o->sandbox == LFI_RW_FULL ||
        (op->seg.cls == X64_R_SEG && op->seg.num != X64_GS))
        m = x64_mem_sandbox(c, op, &err);
    if (err)
        return false;
    x64_emit(c, "movq %s, %%r11", m ? m : op->text);
    free(m);
    return true;
}

/* The register of `*%rX`, or -1 with an error. */
static int target_reg(struct x64_ctx *c, const struct x64_insn *in)
{
    const struct x64_op *op = &in->op[0];
    if (op->reg.cls != X64_R_GPR || op->reg.width != 8) {
        x64_error(c, "%s: indirect branch through '%s' (64-bit register "
                     "needed)", in->mnem, op->text);
        return -1;
    }
    if (op->reg.num == X64_RSP) {
        x64_error(c, "%s: indirect branch through %%rsp cannot be masked",
                  in->mnem);
        return -1;
    }
    return op->reg.num;
}

static bool is_loop(const char *m)
{
    return strcmp(m, "loop") == 0 || strcmp(m, "loope") == 0 ||
           strcmp(m, "loopz") == 0 || strcmp(m, "loopne") == 0 ||
           strcmp(m, "loopnz") == 0;
}

bool x64_rule_branch(struct x64_ctx *c, struct x64_insn *in)
{
    const char *m = in->mnem;
    bool jmp = x64_is_jmp(m), call = x64_is_call(m);
    bool ret = x64_is_ret(m);

    if (x64_is_jcc(m) || strcmp(m, "jrcxz") == 0) {
        if (in->nops != 1 || in->op[0].star || in->op[0].kind == X64_OP_REG) {
            x64_error(c, "%s: conditional branches take a label", m);
            return true;
        }
        /* notrack/bnd are dropped by the parser */
        rw_buf_putc(&c->out, '\t');
        x64_format(&c->out, in, NULL, NULL);
        rw_buf_putc(&c->out, '\n');
        return true;
    }
    if (is_loop(m)) {
        /* loop: decrement %rcx without touching the flags, jump if not 0 */
        char skip[32];
        if (in->nops != 1 || in->op[0].star) {
            x64_error(c, "%s: expected a label", m);
            return true;
        }
        x64_newlabel(c, skip, sizeof skip, "loop");
        x64_emit(c, "leaq -1(%%rcx), %%rcx");
        x64_emit(c, "jrcxz %s", skip);
        const char *j = strcmp(m, "loop") == 0 ? "jmp"
                        : (strcmp(m, "loope") == 0 || strcmp(m, "loopz") == 0) ? "je"
                                                                               : "jne";
        x64_emit(c, "%s %s", j, in->op[0].text);
        if (c->o->align_labels) {
            x64_emit(c, ".p2align 5");
            c->ends_aligned = true;
        }
        rw_buf_printf(&c->out, "%s:\n", skip);
        c->n_rewritten++;
        return true;
    }
    if (ret) {
        if (in->nops > 1 || (in->nops == 1 && in->op[0].kind != X64_OP_IMM)) {
            x64_error(c, "%s: bad operand", m);
            return true;
        }
        x64_emit(c, "popq %%r11");
        x64_lock(c);
        if (in->nops == 1) {
            /* ret $N: also release N bytes of arguments */
            x64_emit(c, "leal %s(%%rsp), %%esp", in->op[0].text + 1);
            x64_emit(c, "leaq (%%rsp,%%r14,1), %%rsp");
        }
        x64_emit(c, "andl $0xffffffe0, %%r11d");
        x64_emit(c, "addq %%r14, %%r11");
        char mark[32] = "";
        if (c->o->single_thread) {
            x64_emit(c, "pushq %%r11");
            x64_emit(c, "retq");
        } else {
            if (c->o->mark_returns) {
                x64_newlabel(c, mark, sizeof mark, "ret");
                rw_buf_printf(&c->out, "%s:\n", mark);
            }
            x64_emit(c, "jmpq *%%r11");
        }
        x64_unlock(c);
        if (mark[0]) {
            rw_buf_puts(&c->out, "\t.pushsection .lfi.rets,\"\",@progbits\n");
            x64_emit(c, ".quad %s", mark);
            rw_buf_puts(&c->out, "\t.popsection\n");
        }
        c->n_rewritten++;
        return true;
    }
    if (!jmp && !call)
        return false;
    if (in->nops != 1) {
        x64_error(c, "%s: expected one operand", m);
        return true;
    }
    const struct x64_op *op = &in->op[0];
    bool indirect = op->star || op->kind == X64_OP_REG;
    if (!indirect) {
        if (op->kind == X64_OP_IMM) {
            x64_error(c, "%s: far or absolute branch target '%s'", m, op->text);
            return true;
        }
        if (jmp) {
            x64_emit(c, "%s %s", m, op->text);
        } else {
            struct rw_buf b = { 0 };
            rw_buf_printf(&b, "\t%s %s\n", m, op->text);
            if (b.oom)
                c->out.oom = true;
            else
                x64_emit_call(c, b.p, 5);
            rw_buf_free(&b);
            c->n_rewritten++;
        }
        return true;
    }
    c->n_rewritten++;
    if (op->kind == X64_OP_REG) {
        int r = target_reg(c, in);
        if (r < 0)
            return true;
        if (jmp)
            masked_jump(c, r);
        else
            masked_call(c, r);
        return true;
    }
    if (op->kind != X64_OP_MEM) {
        x64_error(c, "%s: bad indirect target '%s'", m, op->text);
        return true;
    }
    if (has_ci(op->disp, "@tlscall")) {
        /* TLS descriptor call: the linker relaxes it to a 2-byte nop in
         * static and initial-exec links; an unrelaxed one (dynamic
         * linking) is rejected by the verifier. */
        if (jmp) {
            x64_error(c, "jmp through a TLS descriptor");
            return true;
        }
        x64_emit(c, "call *%s", op->text);
        return true;
    }
    /* A jump through memory that names a local label is a jump table:
     * %r11 may be live there. Tail calls and calls make it dead. */
    bool table = jmp && strstr(op->disp, ".L") != NULL;
    if (!x64_r11_free(c, !table, "indirect jump through memory"))
        return true;
    if (!load_target(c, op))
        return true;
    if (jmp)
        masked_jump(c, X64_R11);
    else
        masked_call(c, X64_R11);
    return true;
}
