/* Emitting rewritten code: bundle-locked groups, calls that end at a bundle
 * end, runtime calls, the %rsp re-base. */
#include <stdio.h>
#include <string.h>

#include "x64/x64.h"

void x64_emit(struct x64_ctx *c, const char *fmt, ...)
{
    va_list ap;
    rw_buf_putc(&c->out, '\t');
    va_start(ap, fmt);
    rw_buf_vprintf(&c->out, fmt, ap);
    va_end(ap);
    rw_buf_putc(&c->out, '\n');
}

void x64_lock(struct x64_ctx *c) { rw_buf_puts(&c->out, "\t.bundle_lock\n"); }
void x64_unlock(struct x64_ctx *c) { rw_buf_puts(&c->out, "\t.bundle_unlock\n"); }

void x64_newlabel(struct x64_ctx *c, char *buf, size_t n, const char *what)
{
    snprintf(buf, n, ".Llfi_%s%u", what, c->nlabels++);
}

void x64_seclabel(int sec, char *buf, size_t n)
{
    snprintf(buf, n, ".Llfi_sec%d", sec);
}

/* GNU as: pad with NOPs whose size the assembler computes at layout time,
 * first to the next bundle if the body does not fit in the rest of this
 * one, then so that the body ends exactly at the bundle end. Both NOP runs
 * stay inside one bundle, so no NOP crosses a boundary. The expressions
 * use the offset from the section start, which is 32-byte aligned. */
static void gnu_pad(struct x64_ctx *c, int len)
{
    char s[32];
    x64_seclabel(c->sec, s, sizeof s);
    rw_buf_printf(&c->out,
                  "\t.nops ((%d < ((. - %s) & 31)) & ((32 - ((. - %s) & 31)) & 31))\n"
                  "\t.nops ((%d - ((. - %s) & 31)) & 31)\n",
                  32 - len, s, s, 32 - len, s);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

void x64_emit_call(struct x64_ctx *c, const char *body, int len)
{
    bool multi = count_lines(body) > 1;
    if (c->label_aligned && c->out.len == c->insn_start) {
        /* Right after an aligned label the offset is known: pad with a
         * constant, so that the label stays at the bundle start (LLVM
         * would put it after the padding of align_to_end). */
        rw_buf_printf(&c->out, "\t.nops %d\n", 32 - len);
        if (multi)
            x64_lock(c);
        rw_buf_puts(&c->out, body);
        if (multi)
            x64_unlock(c);
        return;
    }
    switch (c->o->assembler) {
    case LFI_RW_AS_GNU:
        gnu_pad(c, len);
        if (multi)
            x64_lock(c);
        rw_buf_puts(&c->out, body);
        if (multi)
            x64_unlock(c);
        break;
    case LFI_RW_AS_LLVM:
        rw_buf_puts(&c->out, "\t.bundle_lock align_to_end\n");
        rw_buf_puts(&c->out, body);
        x64_unlock(c);
        break;
    default:
        rw_buf_puts(&c->out, "\t.ifdef .gasversion.\n");
        gnu_pad(c, len);
        if (multi)
            x64_lock(c);
        rw_buf_puts(&c->out, body);
        if (multi)
            x64_unlock(c);
        rw_buf_puts(&c->out, "\t.else\n\t.bundle_lock align_to_end\n");
        rw_buf_puts(&c->out, body);
        rw_buf_puts(&c->out, "\t.bundle_unlock\n\t.endif\n");
        break;
    }
}

void x64_emit_rtcall(struct x64_ctx *c, int slot)
{
    char l[32];
    x64_newlabel(c, l, sizeof l, "rt");
    x64_lock(c);
    x64_emit(c, "leaq %s(%%rip), %%r11", l);
    x64_emit(c, "jmpq *%d(%%r14)", slot);
    rw_buf_printf(&c->out, "%s:\n", l);
    x64_unlock(c);
}

void x64_emit_rsp(struct x64_ctx *c, const char *first, bool keep_flags)
{
    x64_lock(c);
    x64_emit(c, "%s", first);
    x64_emit(c, "%s", keep_flags ? "leaq (%rsp,%r14,1), %rsp" : "addq %r14, %rsp");
    x64_unlock(c);
}
