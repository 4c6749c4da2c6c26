/* Splitting GNU assembly into statements (architecture independent). */
#include <stdlib.h>
#include <string.h>

#include "rw.h"

struct splitter {
    struct rw_file *f;
    struct rw_diags *d;
    struct rw_buf cur;   /* text of the statement being read */
    unsigned cur_line;   /* line where it started */
    char *prefix;        /* a lone prefix waiting for its instruction */
    unsigned prefix_line;
    bool oom;
};

static int push(struct splitter *s, enum rw_kind kind, unsigned line,
                const char *text, size_t n)
{
    struct rw_file *f = s->f;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 1024;
        struct rw_stmt *p = realloc(f->st, cap * sizeof *p);
        if (!p)
            return -1;
        f->st = p;
        f->cap = cap;
    }
    char *t = rw_strndup(text, n);
    if (!t)
        return -1;
    f->st[f->n].kind = kind;
    f->st[f->n].line = line;
    f->st[f->n].text = t;
    f->n++;
    return 0;
}

/* Instruction prefixes that may stand alone as a statement ("rep; movsb"). */
static bool lone_prefix(const char *t, size_t n)
{
    static const char *const names[] = {
        "lock", "rep", "repe", "repz", "repne", "repnz", "notrack", "bnd",
        "data16", "data32", "addr32", "rex", "rex64", "xacquire", "xrelease",
        "cs", "ds", "es", "fs", "gs", "ss", NULL,
    };
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == n && strncmp(t, names[i], n) == 0)
            return true;
    return false;
}

/* Length of a label name at the start of t followed by ':', or 0. */
static size_t label_len(const char *t, size_t n)
{
    size_t i = 0;
    if (n == 0)
        return 0;
    if (t[0] == '"') {
        for (i = 1; i < n && t[i] != '"'; i++)
            if (t[i] == '\\')
                i++;
        if (i >= n)
            return 0;
        i++;
    } else if (t[0] >= '0' && t[0] <= '9') {
        while (i < n && t[i] >= '0' && t[i] <= '9')
            i++;
    } else if (rw_symstart((unsigned char)t[0])) {
        while (i < n && rw_symchar((unsigned char)t[i]))
            i++;
    } else {
        return 0;
    }
    if (i < n && t[i] == ':')
        return i;
    return 0;
}

static bool is_assignment(const char *t, size_t n)
{
    size_t i = 0;
    if (n == 0 || !rw_symstart((unsigned char)t[0]))
        return false;
    while (i < n && rw_symchar((unsigned char)t[i]))
        i++;
    while (i < n && rw_space((unsigned char)t[i]))
        i++;
    return i < n && t[i] == '=' && (i + 1 >= n || t[i + 1] != '=');
}

/* The statement in s->cur is complete. */
static int finish(struct splitter *s)
{
    const char *t = s->cur.p ? s->cur.p : "";
    size_t n = s->cur.len;
    unsigned line = s->cur_line;
    if (s->cur.oom)
        return -1;
    for (;;) {
        while (n && rw_space((unsigned char)*t))
            t++, n--;
        while (n && rw_space((unsigned char)t[n - 1]))
            n--;
        size_t l = label_len(t, n);
        if (!l)
            break;
        if (push(s, RW_LABEL, line, t, l))
            return -1;
        t += l + 1;
        n -= l + 1;
    }
    int rc = 0;
    if (n == 0) {
        /* nothing */
    } else if (is_assignment(t, n)) {
        rc = push(s, RW_ASSIGN, line, t, n);
    } else if (t[0] == '.') {
        rc = push(s, RW_DIRECTIVE, line, t, n);
    } else if (lone_prefix(t, n)) {
        struct rw_buf b = { 0 };
        if (s->prefix) {
            rw_buf_puts(&b, s->prefix);
            rw_buf_putc(&b, ' ');
            free(s->prefix);
        } else {
            s->prefix_line = line;
        }
        rw_buf_put(&b, t, n);
        s->prefix = rw_buf_take(&b);
        if (!s->prefix)
            rc = -1;
    } else if (s->prefix) {
        struct rw_buf b = { 0 };
        rw_buf_puts(&b, s->prefix);
        rw_buf_putc(&b, ' ');
        rw_buf_put(&b, t, n);
        free(s->prefix);
        s->prefix = NULL;
        if (b.oom) {
            rc = -1;
        } else {
            rc = push(s, RW_INSN, line, b.p, b.len);
        }
        rw_buf_free(&b);
    } else {
        rc = push(s, RW_INSN, line, t, n);
    }
    s->cur.len = 0;
    if (s->cur.p)
        s->cur.p[0] = 0;
    return rc;
}

static bool cur_empty(const struct splitter *s)
{
    for (size_t i = 0; i < s->cur.len; i++)
        if (!rw_space((unsigned char)s->cur.p[i]))
            return false;
    return true;
}

/* "lfi:NAME" annotation in a comment starting at p (after the comment
 * marker). Returns its length up to the end of line, or 0. */
static size_t annotation(const char *p, const char *end)
{
    if (end - p < 4 || strncmp(p, "lfi:", 4) != 0)
        return 0;
    const char *q = p;
    while (q < end && *q != '\n')
        q++;
    return (size_t)(q - p);
}

int rw_split(struct rw_file *f, const char *src, size_t len, struct rw_diags *d)
{
    struct splitter s = { .f = f, .d = d };
    const char *p = src, *end = src + len;
    unsigned line = 1;
    bool line_start = true; /* only blanks so far on this physical line */
    int rc = 0;

    s.cur_line = 1;
    while (p < end && rc == 0) {
        char c = *p;
        if (c == '\n') {
            rc = finish(&s);
            line++;
            p++;
            line_start = true;
            s.cur_line = line;
            continue;
        }
        if (c == ';') {
            rc = finish(&s);
            p++;
            s.cur_line = line;
            continue;
        }
        if (c == '/' && p + 1 < end && p[1] == '*') {
            const char *q = p + 2;
            while (q + 1 < end && !(q[0] == '*' && q[1] == '/')) {
                if (*q == '\n')
                    line++;
                q++;
            }
            if (q + 1 >= end) {
                rw_error(d, line, "unterminated comment");
                break;
            }
            p = q + 2;
            rw_buf_putc(&s.cur, ' ');
            continue;
        }
        if (c == '#' || (c == '/' && line_start)) {
            const char *q = p + 1;
            if (c == '/' && q < end && *q == '/')
                q++;
            size_t an = annotation(q, end);
            if (an && cur_empty(&s)) {
                if (finish(&s) || push(&s, RW_ANNOT, line, q + 4, an - 4)) {
                    rc = -1;
                    break;
                }
            }
            while (p < end && *p != '\n')
                p++;
            continue;
        }
        if (!rw_space((unsigned char)c)) {
            if (cur_empty(&s))
                s.cur_line = line;
            line_start = false;
        }
        if (c == '"') {
            const char *q = p + 1;
            while (q < end && *q != '"' && *q != '\n') {
                if (*q == '\\' && q + 1 < end && q[1] != '\n')
                    q++;
                q++;
            }
            if (q >= end || *q != '"') {
                rw_error(d, line, "unterminated string");
                rw_buf_put(&s.cur, p, (size_t)(q - p));
                p = q;
                continue;
            }
            rw_buf_put(&s.cur, p, (size_t)(q + 1 - p));
            p = q + 1;
            continue;
        }
        if (c == '\'') {
            /* character constant: 'c, '\n, or 'c' */
            const char *q = p + 1;
            if (q < end && *q == '\\' && q + 1 < end)
                q += 2;
            else if (q < end && *q != '\n')
                q++;
            if (q < end && *q == '\'')
                q++;
            rw_buf_put(&s.cur, p, (size_t)(q - p));
            p = q;
            continue;
        }
        rw_buf_putc(&s.cur, c);
        p++;
    }
    if (rc == 0)
        rc = finish(&s);
    if (rc == 0 && s.prefix) {
        rw_error(d, s.prefix_line, "%s: prefix without an instruction", s.prefix);
    }
    free(s.prefix);
    rw_buf_free(&s.cur);
    return rc;
}

void rw_file_free(struct rw_file *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->st[i].text);
    free(f->st);
    f->st = NULL;
    f->n = f->cap = 0;
}
