/* String instructions: every pointer register they use is re-based into
 * the sandbox in the same bundle (movl %eR,%eR ; leaq (%r14,%rR),%rR).
 * xlat is emulated. */
#include <stdio.h>
#include <string.h>

#include "x64/x64.h"

static void guard(struct x64_ctx *c, const char *r32, const char *r64)
{
    x64_emit(c, "movl %%%s, %%%s", r32, r32);
    x64_emit(c, "leaq (%%r14,%%%s), %%%s", r64, r64);
}

bool x64_rule_string(struct x64_ctx *c, struct x64_insn *in)
{
    const char *m = in->mnem;
    bool full = c->o->sandbox == LFI_RW_FULL;
    if (strcmp(m, "xlat") == 0 || strcmp(m, "xlatb") == 0) {
        /* %al = [%rbx + %al] */
        if (!x64_r11_free(c, false, "xlat"))
            return true;
        x64_emit(c, "movzbl %%al, %%r11d");
        x64_emit(c, "movb %%gs:(%%ebx,%%r11d), %%al");
        c->n_rewritten++;
        return true;
    }
    enum x64_strop op = x64_string_op(in);
    if (op == X64_STR_NONE)
        return false;
    if (op == X64_STR_INS || op == X64_STR_OUTS) {
        x64_error(c, "%s: I/O string instruction", m);
        return true;
    }
    for (int k = 0; k < in->nops; k++) {
        const struct x64_op *o = &in->op[k];
        if (o->kind == X64_OP_REG)
            continue;
        bool seg_ok = o->seg.cls == X64_R_NONE ||
                      (o->seg.cls == X64_R_SEG && (o->seg.num == X64_ES ||
                                                   o->seg.num == X64_DS));
        if (o->kind != X64_OP_MEM || !seg_ok || o->index.cls != X64_R_NONE ||
            o->base.cls != X64_R_GPR || o->base.width != 8 ||
            (o->base.num != X64_RSI && o->base.num != X64_RDI) ||
            (o->disp[0] && strcmp(o->disp, "0") != 0)) {
            x64_error(c, "%s: string instruction operand '%s' (only (%%rsi) and "
                         "(%%rdi) with their default segments are supported)",
                      m, o->text);
            return true;
        }
        if (o->seg.cls == X64_R_SEG && o->seg.num == X64_DS && o->base.num == X64_RDI) {
            x64_error(c, "%s: segment override on a string instruction", m);
            return true;
        }
    }
    bool rdi = false, rsi = false;
    switch (op) {
    case X64_STR_MOVS: rdi = true; rsi = full; break;
    case X64_STR_STOS: rdi = true; break;
    case X64_STR_CMPS: rdi = rsi = full; break;
    case X64_STR_LODS: rsi = full; break;
    case X64_STR_SCAS: rdi = full; break;
    default: break;
    }
    if (!rdi && !rsi) {
        rw_buf_putc(&c->out, '\t');
        x64_format(&c->out, in, NULL, NULL);
        rw_buf_putc(&c->out, '\n');
        return true;
    }
    x64_lock(c);
    if (rdi)
        guard(c, "edi", "rdi");
    if (rsi)
        guard(c, "esi", "rsi");
    rw_buf_putc(&c->out, '\t');
    x64_format(&c->out, in, NULL, NULL);
    rw_buf_putc(&c->out, '\n');
    x64_unlock(c);
    c->n_rewritten++;
    return true;
}
