/* A small open-addressing hash map from strings to integers. */
#include <stdlib.h>
#include <string.h>

#include "rw.h"

static unsigned long hash(const char *s, size_t n)
{
    unsigned long h = 1469598103934665603ul;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ul;
    return h;
}

static struct rw_map_ent *slot(struct rw_map_ent *e, size_t cap, const char *key,
                               size_t n, unsigned long h)
{
    size_t i = h & (cap - 1);
    while (e[i].key) {
        if (e[i].hash == h && strncmp(e[i].key, key, n) == 0 && e[i].key[n] == 0)
            return &e[i];
        i = (i + 1) & (cap - 1);
    }
    return &e[i];
}

long *rw_map_find(const struct rw_map *m, const char *key, size_t n)
{
    if (!m->cap)
        return NULL;
    struct rw_map_ent *s = slot(m->e, m->cap, key, n, hash(key, n));
    return s->key ? &s->val : NULL;
}

long *rw_map_get(struct rw_map *m, const char *key, size_t n, long init)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        struct rw_map_ent *e = calloc(cap, sizeof *e);
        if (!e)
            return NULL;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->e[i].key)
                continue;
            struct rw_map_ent *s = slot(e, cap, m->e[i].key, strlen(m->e[i].key),
                                        m->e[i].hash);
            *s = m->e[i];
        }
        free(m->e);
        m->e = e;
        m->cap = cap;
    }
    unsigned long h = hash(key, n);
    struct rw_map_ent *s = slot(m->e, m->cap, key, n, h);
    if (!s->key) {
        s->key = rw_strndup(key, n);
        if (!s->key)
            return NULL;
        s->hash = h;
        s->val = init;
        m->n++;
    }
    return &s->val;
}

void rw_map_free(struct rw_map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->e[i].key);
    free(m->e);
    m->e = NULL;
    m->n = m->cap = 0;
}
