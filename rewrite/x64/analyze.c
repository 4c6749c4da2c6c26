/* Whole-file analysis before rewriting: sections, which labels must be
 * bundle-aligned, function boundaries and their use of %r11/%r14. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "x64/x64.h"

enum {
    L_BRANCH = 1, /* target of a direct jmp/jcc/call */
    L_ADDR = 2,   /* address taken: data, lea, immediates, ... */
    L_FUNC = 4,   /* .type NAME,@function */
    L_GLOBAL = 8, /* .globl/.weak/.hidden...: may be called from elsewhere */
};

/* ---- expressions ---- */

/* Call fn for every symbol referenced in an expression text (skipping
 * registers, relocation specifiers after '@', character constants).
 * Numeric label references ("1b", "2f") are passed with numeric = true. */
static void expr_symbols(const char *s, void (*fn)(void *, const char *, size_t, bool),
                      void *arg)
{
    const char *p = s;
    while (*p) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            /* a quoted symbol name */
            const char *q = p + 1;
            while (*q && *q != '"') {
                if (*q == '\\' && q[1])
                    q++;
                q++;
            }
            fn(arg, p, (size_t)(q - p) + (*q ? 1 : 0), false);
            p = *q ? q + 1 : q;
            continue;
        }
        if (c == '\'') {
            p++;
            if (*p == '\\' && p[1])
                p++;
            if (*p)
                p++;
            continue;
        }
        if (c == '%' || c == '@') {
            /* register or relocation specifier */
            p++;
            while (rw_symchar((unsigned char)*p))
                p++;
            continue;
        }
        if (isdigit(c)) {
            const char *q = p;
            while (rw_symchar((unsigned char)*q))
                q++;
            size_t n = (size_t)(q - p);
            bool numlab = n >= 2 && (q[-1] == 'b' || q[-1] == 'f');
            for (size_t i = 0; numlab && i + 1 < n; i++)
                if (!isdigit((unsigned char)p[i]))
                    numlab = false;
            if (numlab)
                fn(arg, p, n, true);
            p = q;
            continue;
        }
        if (rw_symstart(c) && c != '$') {
            const char *q = p;
            while (rw_symchar((unsigned char)*q))
                q++;
            if (!(q - p == 1 && *p == '.'))
                fn(arg, p, (size_t)(q - p), false);
            p = q;
            continue;
        }
        p++;
    }
}

/* ---- sections ---- */

static int find_section(struct x64_analysis *a, const char *key, bool exec,
                        bool debug, bool *first)
{
    for (size_t i = 0; i < a->nsecs; i++)
        if (strcmp(a->secs[i].key, key) == 0) {
            *first = false;
            return (int)i;
        }
    if (a->nsecs == a->capsecs) {
        size_t cap = a->capsecs ? a->capsecs * 2 : 16;
        struct x64_section *p = realloc(a->secs, cap * sizeof *p);
        if (!p)
            return -1;
        a->secs = p;
        a->capsecs = cap;
    }
    char *k = strdup(key);
    if (!k)
        return -1;
    a->secs[a->nsecs] = (struct x64_section){ k, exec, debug };
    *first = true;
    return (int)a->nsecs++;
}

/* Split "a, b, c" at top-level commas (quotes respected) into at most max
 * trimmed fields (copied into buf). */
static int fields(const char *s, char f[][256], int max)
{
    int n = 0;
    while (*s && n < max) {
        while (rw_space((unsigned char)*s))
            s++;
        size_t k = 0;
        bool q = false;
        while (*s && (q || *s != ',')) {
            if (*s == '"')
                q = !q;
            if (*s == '\\' && q && s[1]) {
                if (k < 255) f[n][k++] = *s;
                s++;
            }
            if (k < 255)
                f[n][k++] = *s;
            s++;
        }
        while (k && rw_space((unsigned char)f[n][k - 1]))
            k--;
        f[n][k] = 0;
        n++;
        if (*s == ',')
            s++;
        else
            break;
    }
    return n;
}

static void unquote(char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        memmove(s, s + 1, n - 2);
        s[n - 2] = 0;
    }
}

static bool starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static bool default_exec(const char *name)
{
    return strcmp(name, ".text") == 0 || starts(name, ".text.") ||
           strcmp(name, ".init") == 0 || strcmp(name, ".fini") == 0 ||
           starts(name, ".gnu.linkonce.t.");
}

static bool debug_section(const char *name)
{
    return starts(name, ".debug") || starts(name, ".zdebug") ||
           starts(name, ".stab") || starts(name, ".line") ||
           starts(name, ".comment") || starts(name, ".note") ||
           starts(name, ".gnu_debug") || starts(name, ".llvm_addrsig") ||
           starts(name, ".eh_frame");
}

/* Directive name (without the dot) into buf; returns the argument text. */
static const char *dname(const char *text, char *buf, size_t n)
{
    const char *p = text + 1;
    size_t k = 0;
    while (*p && !rw_space((unsigned char)*p) && k + 1 < n)
        buf[k++] = (char)tolower((unsigned char)*p++);
    buf[k] = 0;
    while (rw_space((unsigned char)*p))
        p++;
    return p;
}

static int enter(struct x64_analysis *a, const char *name, const char *flags,
                 const char *group, bool *first)
{
    char key[600];
    bool exec = flags ? strchr(flags, 'x') != NULL : default_exec(name);
    snprintf(key, sizeof key, "%s%s%s", name, group ? "," : "", group ? group : "");
    return find_section(a, key, exec, debug_section(name), first);
}

/* Section tracking: the current and previous section, and the stack of
 * .pushsection. */
struct secstate {
    int cur, prev;
    int stack[64], prevstack[64];
    int depth;
};

/* Apply a section directive (*is_sec tells whether `text` was one). */
static int section_directive(struct x64_analysis *a, struct secstate *s,
                             const char *text, bool *is_sec, bool *first)
{
    char d[32];
    const char *args = dname(text, d, sizeof d);
    *is_sec = true;
    *first = false;
    int sec = -2;
    if (strcmp(d, "text") == 0 || strcmp(d, "data") == 0 || strcmp(d, "bss") == 0) {
        char name[8];
        name[0] = '.';
        strcpy(name + 1, d);
        sec = enter(a, name, NULL, NULL, first);
    } else if (strcmp(d, "section") == 0 || strcmp(d, "pushsection") == 0) {
        char f[5][256];
        int n = fields(args, f, 5);
        if (n < 1 || !f[0][0])
            return *is_sec = false, 0;
        unquote(f[0]);
        const char *flags = NULL, *group = NULL;
        if (n >= 2 && f[1][0] == '"') {
            unquote(f[1]);
            flags = f[1];
            if (strchr(flags, 'G') && n >= 4)
                group = f[3];
        }
        if (strcmp(d, "pushsection") == 0 && s->depth < 64) {
            s->stack[s->depth] = s->cur;
            s->prevstack[s->depth] = s->prev;
            s->depth++;
        }
        sec = enter(a, f[0], flags, group, first);
    } else if (strcmp(d, "popsection") == 0) {
        if (s->depth > 0) {
            s->depth--;
            s->cur = s->stack[s->depth];
            s->prev = s->prevstack[s->depth];
        }
        return 0;
    } else if (strcmp(d, "previous") == 0) {
        int t = s->cur;
        s->cur = s->prev;
        s->prev = t;
        return 0;
    } else {
        *is_sec = false;
        return 0;
    }
    if (sec < 0)
        return -1;
    if (strcmp(d, "pushsection") != 0)
        s->prev = s->cur;
    s->cur = sec;
    return 0;
}

/* ---- references ---- */

struct refs {
    struct rw_map labels;   /* name -> L_* flags */
    struct rw_map numlast;  /* "N" -> statement of the last definition */
    struct rw_map numfwd;   /* "N" -> flags waiting for the next definition */
    unsigned *numflags;     /* per statement: flags of a numeric label */
    bool oom;
    unsigned flag;          /* flags for the current callback */
};

static void ref_cb(void *arg, const char *s, size_t n, bool numeric)
{
    struct refs *r = arg;
    if (numeric) {
        long *v;
        if (s[n - 1] == 'b') {
            v = rw_map_find(&r->numlast, s, n - 1);
            if (v && *v >= 0)
                r->numflags[*v] |= r->flag;
        } else {
            v = rw_map_get(&r->numfwd, s, n - 1, 0);
            if (!v)
                r->oom = true;
            else
                *v |= r->flag;
        }
        return;
    }
    long *v = rw_map_get(&r->labels, s, n, 0);
    if (!v)
        r->oom = true;
    else
        *v |= r->flag;
}

static void refs_in(struct refs *r, const char *text, unsigned flag)
{
    r->flag = flag;
    expr_symbols(text, ref_cb, r);
}

static void name_list(struct refs *r, const char *args, unsigned flag)
{
    const char *p = args;
    while (*p) {
        while (rw_space((unsigned char)*p) || *p == ',')
            p++;
        const char *q = p;
        bool quoted = *q == '"';
        if (quoted) {
            for (q++; *q && *q != '"'; q++)
                if (*q == '\\' && q[1])
                    q++;
            if (*q)
                q++;
        } else {
            while (*q && *q != ',' && !rw_space((unsigned char)*q))
                q++;
        }
        if (q > p) {
            long *v = rw_map_get(&r->labels, p, (size_t)(q - p), 0);
            if (!v)
                r->oom = true;
            else
                *v |= flag;
        }
        p = q;
        while (*p && *p != ',')
            p++;
    }
}

static bool data_directive(const char *d)
{
    static const char *const t[] = {
        "byte", "2byte", "4byte", "8byte", "short", "hword", "word", "int",
        "long", "quad", "octa", "value", "uleb128", "sleb128", "dc", "dc.a",
        "dc.b", "dc.w", "dc.l", "dc.q", "rva", "reloc", "set", "equ", "equiv",
        "eqv", NULL,
    };
    for (int i = 0; t[i]; i++)
        if (strcmp(d, t[i]) == 0)
            return true;
    return false;
}

/* The first word of an instruction that is not a prefix; *rest = operands. */
static void insn_mnem(const char *text, char *m, size_t mn, const char **rest)
{
    static const char *const pf[] = {
        "lock", "rep", "repe", "repz", "repne", "repnz", "notrack", "bnd",
        "data16", "data32", "addr32", "addr16", "rex", "rex64", "xacquire",
        "xrelease", "cs", "ds", "es", "fs", "gs", "ss", NULL,
    };
    const char *p = text;
    for (;;) {
        while (rw_space((unsigned char)*p))
            p++;
        size_t k = 0;
        while (*p && !rw_space((unsigned char)*p)) {
            if (k + 1 < mn)
                m[k++] = (char)tolower((unsigned char)*p);
            p++;
        }
        m[k] = 0;
        bool isp = false;
        for (int i = 0; pf[i]; i++)
            if (strcmp(m, pf[i]) == 0)
                isp = true;
        if (!isp || !*p)
            break;
    }
    while (rw_space((unsigned char)*p))
        p++;
    *rest = p;
}

static bool direct_branch(const char *m)
{
    return x64_is_jcc(m) || x64_is_jmp(m) || x64_is_call(m) || strcmp(m, "jrcxz") == 0 ||
           strcmp(m, "jecxz") == 0 || x64_mnem_is(m, "loop", NULL) ||
           strcmp(m, "loope") == 0 || strcmp(m, "loopne") == 0 ||
           strcmp(m, "loopz") == 0 || strcmp(m, "loopnz") == 0 ||
           strcmp(m, "xbegin") == 0;
}

/* General-purpose registers named in an instruction or directive. */
static uint32_t gprs_in(const char *s)
{
    uint32_t set = 0;
    for (const char *p = s; (p = strchr(p, '%')) != NULL;) {
        p++;
        size_t n = 0;
        while (isalnum((unsigned char)p[n]))
            n++;
        struct x64_reg r;
        if (x64_reg_lookup(p, n, &r) && r.cls == X64_R_GPR)
            set |= 1u << r.num;
        else if (x64_reg_lookup(p, n, &r) && r.cls == X64_R_GPR8H)
            set |= 1u << (r.num - 4);
        p += n;
    }
    return set;
}

/* "pushq %r14" or "popq %r14": a callee-saved register saved and restored. */
static bool push_pop_r14(const char *t)
{
    return strcmp(t, "pushq\t%r14") == 0 || strcmp(t, "popq\t%r14") == 0 ||
           strcmp(t, "pushq %r14") == 0 || strcmp(t, "popq %r14") == 0 ||
           strcmp(t, "push\t%r14") == 0 || strcmp(t, "pop\t%r14") == 0 ||
           strcmp(t, "push %r14") == 0 || strcmp(t, "pop %r14") == 0;
}

static int new_func(struct x64_analysis *a, unsigned line)
{
    if (a->nfuncs == a->capfuncs) {
        size_t cap = a->capfuncs ? a->capfuncs * 2 : 64;
        struct x64_func *p = realloc(a->funcs, cap * sizeof *p);
        if (!p)
            return -1;
        a->funcs = p;
        a->capfuncs = cap;
    }
    a->funcs[a->nfuncs] = (struct x64_func){ .r14_to = -1, .line = line };
    return (int)a->nfuncs++;
}

static bool numeric_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

int x64_analyze(const struct lfi_rw_options *o, const struct rw_file *f,
                struct x64_analysis *a, struct rw_diags *d)
{
    (void)d;
    struct refs r = { 0 };
    struct secstate ss = { 0 };
    bool first;
    int rc = -1;

    memset(a, 0, sizeof *a);
    a->info = calloc(f->n ? f->n : 1, sizeof *a->info);
    r.numflags = calloc(f->n ? f->n : 1, sizeof *r.numflags);
    if (!a->info || !r.numflags)
        goto out;
    ss.cur = ss.prev = enter(a, ".text", NULL, NULL, &first);
    if (ss.cur < 0)
        goto out;

    /* Pass 1: sections and references. */
    for (size_t i = 0; i < f->n; i++) {
        const struct rw_stmt *st = &f->st[i];
        bool is_sec;
        if (st->kind == RW_DIRECTIVE &&
            section_directive(a, &ss, st->text, &is_sec, &first))
            goto out;
        a->info[i].sec = ss.cur;
        bool debug = a->secs[ss.cur].debug;
        switch (st->kind) {
        case RW_LABEL:
            if (numeric_name(st->text)) {
                long *fw = rw_map_find(&r.numfwd, st->text, strlen(st->text));
                if (fw) {
                    r.numflags[i] |= (unsigned)*fw;
                    *fw = 0;
                }
                long *v = rw_map_get(&r.numlast, st->text, strlen(st->text), -1);
                if (!v)
                    goto out;
                *v = (long)i;
            }
            break;
        case RW_DIRECTIVE: {
            char dn[32];
            const char *args = dname(st->text, dn, sizeof dn);
            if (strcmp(dn, "globl") == 0 || strcmp(dn, "global") == 0 ||
                strcmp(dn, "weak") == 0 || strcmp(dn, "hidden") == 0 ||
                strcmp(dn, "protected") == 0 || strcmp(dn, "internal") == 0 ||
                strcmp(dn, "weakref") == 0) {
                name_list(&r, args, L_GLOBAL);
            } else if (strcmp(dn, "type") == 0) {
                char fl[3][256];
                if (fields(args, fl, 3) >= 2 &&
                    (strstr(fl[1], "function") || strstr(fl[1], "FUNC")))
                    name_list(&r, fl[0], L_FUNC);
                /* fl[0] came through fields(): at most 255 characters */
            } else if (data_directive(dn) && !debug) {
                refs_in(&r, args, L_ADDR);
            }
            break;
        }
        case RW_ASSIGN: {
            const char *eq = strchr(st->text, '=');
            refs_in(&r, eq + 1, L_ADDR);
            break;
        }
        case RW_INSN: {
            char m[32];
            const char *rest;
            insn_mnem(st->text, m, sizeof m, &rest);
            if (direct_branch(m) && *rest != '*' && *rest != '%')
                refs_in(&r, rest, L_BRANCH);
            else
                refs_in(&r, rest, L_ADDR);
            break;
        }
        case RW_ANNOT:
            break;
        }
        if (r.oom)
            goto out;
    }

    /* Pass 2: functions, alignment, register use. */
    int *cur = malloc(a->nsecs * sizeof *cur);
    if (!cur)
        goto out;
    for (size_t k = 0; k < a->nsecs; k++)
        cur[k] = -1;
    for (size_t i = 0; i < f->n; i++) {
        const struct rw_stmt *st = &f->st[i];
        int sec = a->info[i].sec;
        bool exec = a->secs[sec].exec;
        if (st->kind == RW_LABEL && exec) {
            unsigned fl;
            if (numeric_name(st->text)) {
                fl = r.numflags[i];
            } else {
                long *v = rw_map_find(&r.labels, st->text, strlen(st->text));
                fl = v ? (unsigned)*v : 0;
            }
            bool fn = (fl & (L_FUNC | L_GLOBAL)) != 0;
            if (fn) {
                cur[sec] = new_func(a, st->line);
                if (cur[sec] < 0) {
                    free(cur);
                    goto out;
                }
            }
            /* A local function that is only called directly needs no
             * alignment; one that is visible to other files, or whose
             * address is taken, may be reached by an indirect call. */
            a->info[i].align = (fl & (L_GLOBAL | L_ADDR)) ||
                               (o->align_labels && (fl & (L_BRANCH | L_FUNC)));
        }
        if (cur[sec] < 0) {
            cur[sec] = new_func(a, st->line);
            if (cur[sec] < 0) {
                free(cur);
                goto out;
            }
        }
        a->info[i].func = cur[sec];
        if (st->kind == RW_INSN && exec) {
            struct x64_func *fn = &a->funcs[cur[sec]];
            uint32_t g = gprs_in(st->text);
            fn->gprs |= g;
            if (g & (1u << X64_R11))
                fn->uses_r11 = true;
            if (g & (1u << X64_R14)) {
                fn->uses_r14 = true;
                if (!push_pop_r14(st->text))
                    fn->r14_general = true;
            }
        }
    }
    free(cur);

    if (o->rename_r14) {
        static const int pref[] = { X64_R15, X64_R13, X64_R12, X64_RBX, X64_RBP };
        for (size_t k = 0; k < a->nfuncs; k++) {
            struct x64_func *fn = &a->funcs[k];
            if (!fn->r14_general)
                continue; /* unused, or only saved and restored */
            for (size_t j = 0; j < sizeof pref / sizeof pref[0]; j++)
                if (!(fn->gprs & (1u << pref[j]))) {
                    fn->r14_to = pref[j];
                    break;
                }
        }
    }
    rc = 0;
out:
    rw_map_free(&r.labels);
    rw_map_free(&r.numlast);
    rw_map_free(&r.numfwd);
    free(r.numflags);
    return rc;
}

void x64_analysis_free(struct x64_analysis *a)
{
    for (size_t i = 0; i < a->nsecs; i++)
        free(a->secs[i].key);
    free(a->secs);
    free(a->funcs);
    free(a->info);
    memset(a, 0, sizeof *a);
}
