/* Parsing AT&T instructions: prefixes, mnemonic, operands. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "x64/x64.h"

static void trim(const char **s, size_t *n)
{
    while (*n && rw_space((unsigned char)**s))
        (*s)++, (*n)--;
    while (*n && rw_space((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* ---- constant expressions ---- */

struct ev {
    const char *p;
    bool ok;
};

static void ev_skip(struct ev *e)
{
    while (rw_space((unsigned char)*e->p))
        e->p++;
}

static int64_t ev_or(struct ev *e);

static int64_t ev_primary(struct ev *e)
{
    ev_skip(e);
    const char *p = e->p;
    if (*p == '(') {
        e->p++;
        int64_t v = ev_or(e);
        ev_skip(e);
        if (*e->p != ')')
            e->ok = false;
        else
            e->p++;
        return v;
    }
    if (*p == '-') { e->p++; return (int64_t)(0 - (uint64_t)ev_primary(e)); }
    if (*p == '+') { e->p++; return ev_primary(e); }
    if (*p == '~') { e->p++; return ~ev_primary(e); }
    if (*p == '!') { e->p++; return !ev_primary(e); }
    if (isdigit((unsigned char)*p)) {
        uint64_t v = 0;
        int base = 10;
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
            base = 16;
            p += 2;
        } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B') &&
                   (p[2] == '0' || p[2] == '1')) {
            base = 2;
            p += 2;
        } else if (p[0] == '0') {
            base = 8;
        }
        const char *start = p;
        for (;; p++) {
            int d;
            if (isdigit((unsigned char)*p)) d = *p - '0';
            else if (*p >= 'a' && *p <= 'f') d = *p - 'a' + 10;
            else if (*p >= 'A' && *p <= 'F') d = *p - 'A' + 10;
            else break;
            if (d >= base) { e->ok = false; return 0; }
            v = v * (uint64_t)base + (uint64_t)d;
        }
        if (p == start && base != 8)
            e->ok = false;
        if (rw_symchar((unsigned char)*p)) /* 1f, 2b, 1e5: not a number */
            e->ok = false;
        e->p = p;
        return (int64_t)v;
    }
    e->ok = false;
    return 0;
}

static int64_t ev_mul(struct ev *e)
{
    int64_t v = ev_primary(e);
    for (;;) {
        ev_skip(e);
        char c = *e->p;
        if (c == '*') { e->p++; v = (int64_t)((uint64_t)v * (uint64_t)ev_primary(e)); }
        else if (c == '/' || c == '%') {
            e->p++;
            int64_t r = ev_primary(e);
            if (r == 0 || (r == -1 && v == INT64_MIN)) { e->ok = false; return 0; }
            v = c == '/' ? v / r : v % r;
        } else if (c == '<' && e->p[1] == '<') {
            e->p += 2;
            int64_t r = ev_primary(e);
            v = (r < 0 || r > 63) ? 0 : (int64_t)((uint64_t)v << r);
        } else if (c == '>' && e->p[1] == '>') {
            e->p += 2;
            int64_t r = ev_primary(e);
            v = (r < 0 || r > 63) ? (v < 0 ? -1 : 0) : v >> r;
        } else {
            return v;
        }
    }
}

static int64_t ev_add(struct ev *e)
{
    int64_t v = ev_mul(e);
    for (;;) {
        ev_skip(e);
        if (*e->p == '+') { e->p++; v = (int64_t)((uint64_t)v + (uint64_t)ev_mul(e)); }
        else if (*e->p == '-') { e->p++; v = (int64_t)((uint64_t)v - (uint64_t)ev_mul(e)); }
        else return v;
    }
}

static int64_t ev_or(struct ev *e)
{
    int64_t v = ev_add(e);
    for (;;) {
        ev_skip(e);
        char c = *e->p;
        if (c == '&' && e->p[1] != '&') { e->p++; v &= ev_add(e); }
        else if (c == '|' && e->p[1] != '|') { e->p++; v |= ev_add(e); }
        else if (c == '^') { e->p++; v ^= ev_add(e); }
        else return v;
    }
}

bool x64_eval(const char *s, int64_t *v)
{
    struct ev e = { s, true };
    ev_skip(&e);
    if (!*e.p) {
        *v = 0;
        return true;
    }
    int64_t r = ev_or(&e);
    ev_skip(&e);
    if (!e.ok || *e.p)
        return false;
    *v = r;
    return true;
}

/* ---- operands ---- */

static int err(char *buf, size_t n, const char *fmt, const char *a, size_t an)
{
    snprintf(buf, n, fmt, (int)an, a);
    return -1;
}

/* A register "%name" at s (n bytes, trimmed). */
static bool parse_reg(const char *s, size_t n, struct x64_reg *r)
{
    if (n < 2 || s[0] != '%')
        return false;
    return x64_reg_lookup(s + 1, n - 1, r);
}

static int parse_mem(const char *t, size_t n, struct x64_op *op, char *e, size_t en)
{
    op->kind = X64_OP_MEM;
    size_t dn = n;
    if (n && t[n - 1] == ')') {
        int depth = 0;
        size_t i = n;
        while (i > 0) {
            i--;
            if (t[i] == ')')
                depth++;
            else if (t[i] == '(' && --depth == 0)
                break;
        }
        if (depth != 0)
            return err(e, en, "unbalanced parentheses in '%.*s'", t, n);
        const char *in = t + i + 1;
        size_t inn = n - i - 2;
        const char *q = in;
        size_t qn = inn;
        trim(&q, &qn);
        if (qn == 0 || q[0] == '%' || q[0] == ',') {
            op->parens = true;
            dn = i;
            /* split base, index, scale */
            const char *part[3] = { 0 };
            size_t pn[3] = { 0 };
            int np = 0;
            const char *s = in;
            for (size_t k = 0; k <= inn; k++) {
                if (k == inn || in[k] == ',') {
                    if (np == 3)
                        return err(e, en, "bad memory operand '%.*s'", t, n);
                    part[np] = s;
                    pn[np] = (size_t)(in + k - s);
                    trim(&part[np], &pn[np]);
                    np++;
                    s = in + k + 1;
                }
            }
            if (pn[0] && !parse_reg(part[0], pn[0], &op->base))
                return err(e, en, "bad base register in '%.*s'", t, n);
            if (np > 1 && pn[1] && !parse_reg(part[1], pn[1], &op->index))
                return err(e, en, "bad index register in '%.*s'", t, n);
            if (np > 2 && pn[2]) {
                char sc[32];
                int64_t v;
                if (pn[2] >= sizeof sc)
                    return err(e, en, "bad scale in '%.*s'", t, n);
                memcpy(sc, part[2], pn[2]);
                sc[pn[2]] = 0;
                if (!x64_eval(sc, &v) || (v != 1 && v != 2 && v != 4 && v != 8))
                    return err(e, en, "bad scale in '%.*s'", t, n);
                op->scale = (int)v;
            }
            if (op->index.cls == X64_R_IZ)
                op->index = (struct x64_reg){ 0 }; /* %riz/%eiz: no index */
            if (op->base.cls != X64_R_NONE && op->base.cls != X64_R_GPR &&
                op->base.cls != X64_R_IP)
                return err(e, en, "bad base register in '%.*s'", t, n);
            if (op->index.cls != X64_R_NONE && op->index.cls != X64_R_GPR &&
                op->index.cls != X64_R_IZ)
                return err(e, en, "bad index register in '%.*s' (vector index: "
                           "gathers and scatters are AVX, not supported)", t, n);
        }
    }
    const char *d = t;
    trim(&d, &dn);
    int depth = 0;
    for (size_t i = 0; i < dn; i++) {
        if (d[i] == '(')
            depth++;
        else if (d[i] == ')' && --depth < 0)
            break;
        else if (d[i] == '%')
            return err(e, en, "cannot parse memory operand '%.*s'", t, n);
    }
    if (depth != 0)
        return err(e, en, "unbalanced parentheses in '%.*s'", t, n);
    op->disp = rw_strndup(d, dn);
    return op->disp ? 0 : (e[0] = 0, -1);
}

static int parse_op(const char *t, size_t n, struct x64_op *op, char *e, size_t en)
{
    memset(op, 0, sizeof *op);
    trim(&t, &n);
    if (n && t[0] == '*') {
        op->star = true;
        t++, n--;
        trim(&t, &n);
    }
    op->text = rw_strndup(t, n);
    if (!op->text)
        return e[0] = 0, -1;
    if (n == 0)
        return err(e, en, "empty operand%.*s", "", 0);
    if (memchr(t, '{', n))
        return err(e, en, "'%.*s': AVX-512 operand decorations are not supported", t, n);
    if (t[0] == '$') {
        op->kind = X64_OP_IMM;
        return 0;
    }
    if (t[0] == '%') {
        size_t k = 1;
        while (k < n && isalnum((unsigned char)t[k]))
            k++;
        struct x64_reg r;
        if (!x64_reg_lookup(t + 1, k - 1, &r))
            return err(e, en, "unknown register in '%.*s'", t, n);
        const char *rest = t + k;
        size_t rn = n - k;
        trim(&rest, &rn);
        if (rn == 0) {
            op->kind = X64_OP_REG;
            op->reg = r;
            return 0;
        }
        if (rest[0] == ':' && r.cls == X64_R_SEG) {
            op->seg = r;
            return parse_mem(rest + 1, rn - 1, op, e, en);
        }
        if (r.cls == X64_R_ST && rest[0] == '(' && rn >= 3 && rest[rn - 1] == ')') {
            int v = 0;
            for (size_t i = 1; i + 1 < rn; i++) {
                if (!isdigit((unsigned char)rest[i]))
                    return err(e, en, "bad register '%.*s'", t, n);
                v = v * 10 + rest[i] - '0';
            }
            if (v > 7)
                return err(e, en, "bad register '%.*s'", t, n);
            op->kind = X64_OP_REG;
            op->reg = r;
            op->reg.num = (uint8_t)v;
            return 0;
        }
        return err(e, en, "cannot parse operand '%.*s'", t, n);
    }
    return parse_mem(t, n, op, e, en);
}

static const struct { const char *name; unsigned bit; } prefixes[] = {
    { "lock", X64_PFX_LOCK }, { "rep", X64_PFX_REP }, { "repe", X64_PFX_REP },
    { "repz", X64_PFX_REP }, { "repne", X64_PFX_REPNE }, { "repnz", X64_PFX_REPNE },
    { "notrack", X64_PFX_NOTRACK }, { "bnd", X64_PFX_BND },
    { "data16", X64_PFX_OTHER }, { "data32", X64_PFX_OTHER },
    { "addr32", X64_PFX_OTHER }, { "addr16", X64_PFX_OTHER },
    { "rex", X64_PFX_OTHER }, { "rex64", X64_PFX_OTHER },
    { "xacquire", X64_PFX_OTHER }, { "xrelease", X64_PFX_OTHER },
    { "cs", X64_PFX_OTHER }, { "ds", X64_PFX_OTHER }, { "es", X64_PFX_OTHER },
    { "fs", X64_PFX_OTHER }, { "gs", X64_PFX_OTHER }, { "ss", X64_PFX_OTHER },
};

int x64_parse_insn(const char *text, struct x64_insn *in, char *e, size_t en)
{
    memset(in, 0, sizeof *in);
    const char *p = text;
    for (;;) {
        while (rw_space((unsigned char)*p))
            p++;
        const char *w = p;
        while (*p && !rw_space((unsigned char)*p))
            p++;
        size_t wn = (size_t)(p - w);
        if (wn == 0)
            return err(e, en, "missing mnemonic%.*s", "", 0);
        if (w[0] == '{')
            return err(e, en, "pseudo-prefix '%.*s' is not supported", w, wn);
        bool isp = false;
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
            if (strlen(prefixes[i].name) == wn &&
                strncasecmp(w, prefixes[i].name, wn) == 0) {
                isp = true;
                in->pfx |= prefixes[i].bit;
                if (prefixes[i].bit == X64_PFX_OTHER) {
                    if (!in->other[0])
                        snprintf(in->other, sizeof in->other, "%.*s", (int)wn, w);
                } else if (prefixes[i].bit != X64_PFX_NOTRACK &&
                           prefixes[i].bit != X64_PFX_BND) {
                    size_t l = strlen(in->pfxtext);
                    snprintf(in->pfxtext + l, sizeof in->pfxtext - l, "%s%.*s",
                             l ? " " : "", (int)wn, w);
                }
                break;
            }
        }
        if (isp)
            continue;
        if (wn >= sizeof in->mnem)
            return err(e, en, "unknown instruction '%.*s'", w, wn);
        for (size_t i = 0; i < wn; i++)
            in->mnem[i] = (char)tolower((unsigned char)w[i]);
        in->mnem[wn] = 0;
        break;
    }
    /* operands, split at top-level commas */
    while (rw_space((unsigned char)*p))
        p++;
    if (!*p)
        return 0;
    const char *s = p;
    int depth = 0;
    for (;; p++) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (!*p)
                return err(e, en, "unterminated string%.*s", "", 0);
            continue;
        }
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        if (*p == 0 || (*p == ',' && depth == 0)) {
            if (in->nops == 4)
                return err(e, en, "too many operands%.*s", "", 0);
            if (parse_op(s, (size_t)(p - s), &in->op[in->nops], e, en)) {
                in->nops++;
                return -1;
            }
            in->nops++;
            if (!*p)
                break;
            s = p + 1;
        }
    }
    return 0;
}

void x64_insn_free(struct x64_insn *in)
{
    for (int k = 0; k < in->nops; k++) {
        free(in->op[k].disp);
        free(in->op[k].text);
    }
    in->nops = 0;
}

void x64_format(struct rw_buf *b, const struct x64_insn *in, const char *mnem,
                char *const repl[4])
{
    if (in->pfxtext[0]) {
        rw_buf_puts(b, in->pfxtext);
        rw_buf_putc(b, ' ');
    }
    rw_buf_puts(b, mnem ? mnem : in->mnem);
    for (int k = 0; k < in->nops; k++) {
        rw_buf_puts(b, k ? ", " : "\t");
        if (in->op[k].star)
            rw_buf_putc(b, '*');
        rw_buf_puts(b, repl && repl[k] ? repl[k] : in->op[k].text);
    }
}
