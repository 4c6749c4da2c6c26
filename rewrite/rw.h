/* Internals shared by the rewriter's parser and its architecture rules. */
#ifndef LFI_RW_H
#define LFI_RW_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "lfi_rewrite.h"

/* ---- growable string buffer (buf.c) ---- */

struct rw_buf {
    char *p;
    size_t len, cap;
    bool oom; /* an allocation failed: contents are incomplete */
};

void rw_buf_put(struct rw_buf *b, const char *s, size_t n);
void rw_buf_puts(struct rw_buf *b, const char *s);
void rw_buf_putc(struct rw_buf *b, char c);
void rw_buf_printf(struct rw_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rw_buf_vprintf(struct rw_buf *b, const char *fmt, va_list ap);
/* Take the contents (NUL-terminated) and reset the buffer. */
char *rw_buf_take(struct rw_buf *b);
void rw_buf_free(struct rw_buf *b);

char *rw_strndup(const char *s, size_t n);

/* ---- diagnostics (buf.c) ---- */

struct rw_diags {
    const char *file;
    struct lfi_rw_diag *d;
    size_t n, cap;
    bool oom;
};

/* Record "FILE:LINE: what: why". */
void rw_error(struct rw_diags *d, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- string -> integer hash map (map.c) ---- */

struct rw_map {
    struct rw_map_ent *e;
    size_t n, cap; /* cap is a power of two */
};
struct rw_map_ent {
    char *key;
    unsigned long hash;
    long val;
};

/* The value slot for key (n bytes), inserted with value `init` if new.
 * NULL if out of memory. */
long *rw_map_get(struct rw_map *m, const char *key, size_t n, long init);
/* The value slot, or NULL if absent. */
long *rw_map_find(const struct rw_map *m, const char *key, size_t n);
void rw_map_free(struct rw_map *m);

/* ---- statements (parse.c) ---- */

enum rw_kind {
    RW_LABEL,     /* text = the label's name, without the colon */
    RW_DIRECTIVE, /* text = ".name args" */
    RW_ASSIGN,    /* text = "sym = expr" */
    RW_INSN,      /* text = "[prefixes] mnemonic operands" */
    RW_ANNOT,     /* text = what follows "#lfi:" or "//lfi:" */
};

struct rw_stmt {
    enum rw_kind kind;
    unsigned line; /* physical line of the input, from 1 */
    char *text;    /* trimmed; comments removed */
};

struct rw_file {
    struct rw_stmt *st;
    size_t n, cap;
};

/* Split GNU assembly into statements: comments removed (#, / at the start
 * of a line, C comments), ';' and newlines separate statements, leading
 * labels become statements of their own, and a prefix standing alone
 * ("rep;" "lock" on its own line) is joined to the next instruction.
 * Returns 0, or -1 if out of memory. Lexical errors go to `d`. */
int rw_split(struct rw_file *f, const char *src, size_t len, struct rw_diags *d);
void rw_file_free(struct rw_file *f);

/* Character classes of GNU as symbols. */
static inline bool rw_symstart(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '.' || c == '$';
}
static inline bool rw_symchar(int c)
{
    return rw_symstart(c) || (c >= '0' && c <= '9');
}
static inline bool rw_space(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

#endif
