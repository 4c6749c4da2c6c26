/* The x86-64 rewriter: statements in, LFI-x64 assembly out. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "x64/x64.h"

/* Replace %r14 (any width) by register `to` in an instruction's text. */
static char *rename_r14(const char *text, int to)
{
    struct rw_buf b = { 0 };
    const char *p = text;
    while (*p) {
        if (p[0] == '%' && (p[1] == 'r' || p[1] == 'R') && p[2] == '1' && p[3] == '4') {
            const char *q = p + 4;
            int w = 8;
            if (*q == 'd' || *q == 'D') w = 4, q++;
            else if (*q == 'w' || *q == 'W') w = 2, q++;
            else if (*q == 'b' || *q == 'B') w = 1, q++;
            if (!isalnum((unsigned char)*q)) {
                rw_buf_printf(&b, "%%%s", x64_gpr_name(to, w));
                p = q;
                continue;
            }
        }
        rw_buf_putc(&b, *p++);
    }
    return rw_buf_take(&b);
}

/* The same in a CFI directive, whose register arguments may also be DWARF
 * numbers: the first argument, and the second of .cfi_register. */
static char *rename_r14_cfi(const char *text, int to)
{
    static const char *const regdirs[] = {
        ".cfi_offset", ".cfi_rel_offset", ".cfi_restore", ".cfi_undefined",
        ".cfi_same_value", ".cfi_register", ".cfi_def_cfa", ".cfi_def_cfa_register",
        ".cfi_val_offset", NULL,
    };
    size_t n = 0;
    while (text[n] && !rw_space((unsigned char)text[n]))
        n++;
    bool regdir = false;
    for (int k = 0; regdirs[k]; k++)
        if (strlen(regdirs[k]) == n && strncmp(text, regdirs[k], n) == 0)
            regdir = true;
    if (!regdir)
        return rename_r14(text, to);
    int nregs = strncmp(text, ".cfi_register", n) == 0 ? 2 : 1;
    struct rw_buf b = { 0 };
    rw_buf_put(&b, text, n);
    const char *p = text + n;
    for (int field = 0; *p; field++) {
        const char *e = strchr(p, ',');
        size_t fl = e ? (size_t)(e - p) : strlen(p);
        const char *t = p;
        size_t tl = fl;
        while (tl && rw_space((unsigned char)*t))
            t++, tl--;
        while (tl && rw_space((unsigned char)t[tl - 1]))
            tl--;
        if (field < nregs && ((tl == 2 && strncmp(t, "14", 2) == 0) ||
                              (tl == 4 && strncmp(t, "%r14", 4) == 0)))
            rw_buf_printf(&b, "%s%%%s", field ? " " : " ", x64_gpr_name(to, 8));
        else
            rw_buf_put(&b, p, fl);
        p += fl;
        if (*p == ',') {
            rw_buf_putc(&b, ',');
            p++;
        }
    }
    return rw_buf_take(&b);
}

static bool dir_is(const char *text, const char *name)
{
    size_t n = strlen(name);
    return strncasecmp(text, name, n) == 0 &&
           (text[n] == 0 || rw_space((unsigned char)text[n]));
}

static bool dir_prefix(const char *text, const char *name)
{
    return strncasecmp(text, name, strlen(name)) == 0;
}

/* Directives that put data (or raw instruction bytes) where they are. */
static bool is_data(const char *text)
{
    static const char *const t[] = {
        ".byte", ".2byte", ".4byte", ".8byte", ".short", ".hword", ".word",
        ".int", ".long", ".quad", ".octa", ".value", ".ascii", ".asciz",
        ".string", ".string8", ".string16", ".string32", ".string64", ".float",
        ".double", ".single", ".dc", ".dc.a", ".dc.b", ".dc.w", ".dc.l",
        ".dc.q", ".insn", ".inst", ".skip", ".space", ".zero", ".fill",
        ".uleb128", ".sleb128", ".incbin", ".tfloat", ".ds", NULL,
    };
    for (int k = 0; t[k]; k++)
        if (dir_is(text, t[k]))
            return true;
    return false;
}

struct state {
    bool *started;        /* per section: start label emitted */
    char **enter;         /* per section: the directive that entered it */
    int locked;           /* inside an input .bundle_lock group */
};

static void start_section(struct x64_ctx *c, struct state *s, int sec)
{
    if (sec < 0 || s->started[sec] || !c->a->secs[sec].exec)
        return;
    char l[32];
    x64_seclabel(sec, l, sizeof l);
    rw_buf_printf(&c->out, "\t.p2align 5\n%s:\n", l);
    s->started[sec] = true;
}

static bool over_bundle_align(const char *text);

static void directive(struct x64_ctx *c, struct state *s, const char *text, size_t i)
{
    static const char *const macro[] = {
        ".macro", ".endm", ".rept", ".endr", ".irp", ".irpc", ".include", ".if",
        ".else", ".elseif", ".endif", ".exitm", ".purgem", ".altmacro", ".incbin",
        NULL,
    };
    for (int k = 0; macro[k]; k++) {
        if (dir_prefix(text, macro[k])) {
            x64_error(c, "%s: assembler macros, conditionals and includes are "
                         "not supported (give the rewriter preprocessed, expanded "
                         "assembly)", macro[k]);
            return;
        }
    }
    if (dir_is(text, ".code16") || dir_is(text, ".code32") ||
        dir_is(text, ".code16gcc")) {
        x64_error(c, "%.7s: only 64-bit code can be sandboxed", text);
        return;
    }
    if (dir_prefix(text, ".intel_syntax") || dir_prefix(text, ".intel_mnemonic")) {
        x64_error(c, ".intel_syntax: only AT&T syntax is supported");
        return;
    }
    if (c->a->secs[c->sec].exec && is_data(text)) {
        x64_error(c, "%s: data or raw instruction bytes in a code section "
                     "cannot be checked by the rewriter", text);
        return;
    }
    if (dir_is(text, ".bundle_align_mode")) {
        int64_t v;
        if (!x64_eval(text + strlen(".bundle_align_mode"), &v) || (v != 5 && v != 0))
            x64_error(c, ".bundle_align_mode: bundles are 32 bytes (mode 5)");
        return; /* ours is at the top */
    }
    if (dir_is(text, ".bundle_lock")) {
        /* an already sandboxed group: copied as it is (the verifier decides) */
        s->locked++;
    } else if (dir_is(text, ".bundle_unlock")) {
        if (s->locked > 0)
            s->locked--;
    }
    if (c->sec >= 0 && c->a->secs[c->sec].exec && over_bundle_align(text)) {
        /* GNU as fills alignment beyond the bundle size with NOPs that
         * cross bundle boundaries: code is aligned to at most a bundle. */
        rw_buf_puts(&c->out, "\t.p2align 5\n");
        c->n_rewritten++;
        return;
    }
    char *ren = NULL;
    if (c->fn->r14_to >= 0 && dir_prefix(text, ".cfi_"))
        ren = rename_r14_cfi(text, c->fn->r14_to);
    rw_buf_printf(&c->out, "\t%s\n", ren ? ren : text);
    free(ren);
    /* entering a code section for the first time: align it, label it */
    int sec = c->a->info[i].sec;
    if (sec >= 0 && !s->started[sec] && c->a->secs[sec].exec) {
        if (dir_prefix(text, ".pushsection")) {
            struct rw_buf b = { 0 };
            rw_buf_printf(&b, ".section%s", text + strlen(".pushsection"));
            s->enter[sec] = rw_buf_take(&b);
        } else {
            s->enter[sec] = strdup(text);
        }
        if (!s->enter[sec])
            c->out.oom = true;
    }
    start_section(c, s, sec);
    c->sec = sec;
}

/* .p2align/.balign/.align asking for more than 32-byte alignment. */
static bool over_bundle_align(const char *text)
{
    const char *arg;
    bool log2;
    if (dir_is(text, ".p2align") || dir_prefix(text, ".p2align ") || dir_prefix(text, ".p2align\t")) {
        arg = text + 8;
        log2 = true;
    } else if (dir_prefix(text, ".balign ") || dir_prefix(text, ".balign\t") ||
               dir_prefix(text, ".align ") || dir_prefix(text, ".align\t")) {
        arg = text + (text[1] == 'b' ? 7 : 6);
        log2 = false;
    } else {
        return false;
    }
    char num[32];
    size_t n = strcspn(arg, ",");
    if (n >= sizeof num)
        return false;
    memcpy(num, arg, n);
    num[n] = 0;
    int64_t v;
    if (!x64_eval(num, &v))
        return false;
    return log2 ? v > 5 : v > 32;
}

/* Directives that emit nothing in the current section. */
static bool keeps_position(const char *text)
{
    static const char *const t[] = {
        ".cfi_", ".loc", ".type", ".globl", ".global", ".hidden", ".local",
        ".weak", ".size", ".p2align", ".balign", ".align", ".file", ".protected",
        ".internal", ".ident", NULL,
    };
    for (int k = 0; t[k]; k++)
        if (dir_prefix(text, t[k]))
            return true;
    return false;
}

static void annotation(struct x64_ctx *c, const char *text)
{
    if (strcmp(text, "rtcall_return") == 0) {
        x64_emit_rtcall(c, -32);
        c->n_rewritten++;
        return;
    }
    x64_error(c, "unknown annotation 'lfi:%s'", text);
}

int lfi_rewrite_x64(const struct lfi_rw_options *opts, const char *name,
                    const char *src, size_t len, struct lfi_rw_result *res)
{
    struct rw_diags d = { .file = name ? name : "<input>" };
    struct rw_file f = { 0 };
    struct x64_analysis a = { 0 };
    struct x64_ctx c = { 0 };
    struct state s = { 0 };
    int rc = -1;

    memset(res, 0, sizeof *res);
    if (rw_split(&f, src, len, &d))
        goto out;
    if (x64_analyze(opts, &f, &a, &d))
        goto out;
    s.started = calloc(a.nsecs ? a.nsecs : 1, sizeof *s.started);
    s.enter = calloc(a.nsecs ? a.nsecs : 1, sizeof *s.enter);
    if (!s.started || !s.enter)
        goto out;

    c.o = opts;
    c.f = &f;
    c.a = &a;
    c.d = &d;
    c.sec = 0;
    rw_buf_puts(&c.out, "\t.bundle_align_mode 5\n\t.text\n");
    start_section(&c, &s, 0);

    bool aligned = false; /* at a label just aligned to 32 bytes */
    for (size_t i = 0; i < f.n; i++) {
        const struct rw_stmt *st = &f.st[i];
        c.st = st;
        c.fn = &a.funcs[a.info[i].func];
        bool exec = a.secs[a.info[i].sec].exec;
        switch (st->kind) {
        case RW_LABEL:
            if (a.info[i].align && !s.locked && exec) {
                rw_buf_puts(&c.out, "\t.p2align 5\n");
                aligned = true;
            }
            rw_buf_printf(&c.out, "%s:\n", st->text);
            break;
        case RW_DIRECTIVE:
            directive(&c, &s, st->text, i);
            if (!keeps_position(st->text))
                aligned = false;
            break;
        case RW_ASSIGN:
            rw_buf_printf(&c.out, "\t%s\n", st->text);
            break;
        case RW_ANNOT:
            if (exec && !s.locked)
                annotation(&c, st->text);
            aligned = false;
            break;
        case RW_INSN:
            res->n_insns++;
            c.label_aligned = aligned;
            c.insn_start = c.out.len;
            c.ends_aligned = false;
            if (!exec) {
                x64_error(&c, "instruction in a section that is not executable");
            } else if (s.locked) {
                rw_buf_printf(&c.out, "\t%s\n", st->text);
            } else if (c.fn->r14_to >= 0) {
                char *t = rename_r14(st->text, c.fn->r14_to);
                if (!t)
                    c.out.oom = true;
                else
                    x64_rewrite_insn(&c, t);
                free(t);
            } else {
                x64_rewrite_insn(&c, st->text);
            }
            aligned = c.ends_aligned;
            break;
        }
        if (c.out.oom || d.oom)
            goto out;
    }
    if (s.locked)
        rw_error(&d, f.n ? f.st[f.n - 1].line : 1, ".bundle_lock without .bundle_unlock");
    /* Pad the end of every code section to a bundle boundary with NOPs,
     * so that sections concatenated by the linker (.init pieces, or one
     * output section after another) leave no gap filled with zeros. */
    for (size_t k = 0; k < a.nsecs; k++) {
        if (!s.started[k])
            continue;
        rw_buf_printf(&c.out, "\t%s\n\t.p2align 5\n", k == 0 ? ".text" :
                      s.enter[k] ? s.enter[k] : ".text");
    }
    res->n_stmts = f.n;
    res->n_rewritten = c.n_rewritten;
    if (d.n) {
        rc = 1;
    } else {
        res->outlen = c.out.len;
        res->out = rw_buf_take(&c.out);
        rc = res->out ? 0 : -1;
    }
out:
    if (rc < 0 && !d.oom && d.n == 0)
        rw_error(&d, 0, "out of memory");
    res->diags = d.d;
    res->ndiags = d.n;
    rw_buf_free(&c.out);
    for (size_t k = 0; s.enter && k < a.nsecs; k++)
        free(s.enter[k]);
    free(s.enter);
    free(s.started);
    x64_analysis_free(&a);
    rw_file_free(&f);
    return rc;
}

void lfi_rw_result_free(struct lfi_rw_result *res)
{
    for (size_t i = 0; i < res->ndiags; i++)
        free(res->diags[i].msg);
    free(res->diags);
    free(res->out);
    memset(res, 0, sizeof *res);
}
