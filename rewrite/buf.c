/* Growable strings and the diagnostics list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw.h"

static bool grow(struct rw_buf *b, size_t need)
{
    if (b->oom)
        return false;
    if (b->len + need + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + need + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void rw_buf_put(struct rw_buf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void rw_buf_puts(struct rw_buf *b, const char *s)
{
    rw_buf_put(b, s, strlen(s));
}

void rw_buf_putc(struct rw_buf *b, char c)
{
    rw_buf_put(b, &c, 1);
}

void rw_buf_vprintf(struct rw_buf *b, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0 || !grow(b, (size_t)n))
        return;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void rw_buf_printf(struct rw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rw_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *rw_buf_take(struct rw_buf *b)
{
    if (b->oom) {
        rw_buf_free(b);
        return NULL;
    }
    if (!b->p) {
        if (!grow(b, 0))
            return NULL;
        b->p[0] = 0;
    }
    char *p = b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void rw_buf_free(struct rw_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

char *rw_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void rw_error(struct rw_diags *d, unsigned line, const char *fmt, ...)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        struct lfi_rw_diag *p = realloc(d->d, cap * sizeof *p);
        if (!p) {
            d->oom = true;
            return;
        }
        d->d = p;
        d->cap = cap;
    }
    struct rw_buf b = { 0 };
    rw_buf_printf(&b, "%s:%u: ", d->file, line);
    va_list ap;
    va_start(ap, fmt);
    rw_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *msg = rw_buf_take(&b);
    if (!msg) {
        d->oom = true;
        return;
    }
    d->d[d->n].line = line;
    d->d[d->n].msg = msg;
    d->n++;
}
