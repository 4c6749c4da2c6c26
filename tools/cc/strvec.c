/* Small string helpers for the driver. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc.h"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "lfi-cc: out of memory\n");
        exit(2);
    }
    return q;
}

void sv_push(struct strvec *s, const char *a)
{
    if (s->n + 2 > s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = a;
    s->v[s->n] = NULL;
}

void sv_append(struct strvec *s, const struct strvec *t)
{
    for (size_t i = 0; i < t->n; i++)
        sv_push(s, t->v[i]);
}

void sv_free(struct strvec *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

char *cc_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

char *cc_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fprintf(stderr, "lfi-cc: cannot format \"%s\"\n", fmt);
        exit(1);
    }
    char *p = xrealloc(NULL, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
