/* malloc/calloc/realloc/free stress: a deterministic random mix of
 * allocations from 0 bytes to 256 KiB over a table of live blocks, each
 * filled with a pattern that is checked before it is freed or resized;
 * plus aligned_alloc/posix_memalign and calloc zeroing. Only contents
 * and counts are printed, never addresses. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c) && failures++ < 20) printf("FAIL line %d: %s\n", __LINE__, #c); } while (0)

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

enum { SLOTS = 256, ROUNDS = 12000 };
struct slot { unsigned char *p; size_t n; unsigned char tag; };
static struct slot slots[SLOTS];

/* The pattern covers the first and last 64 bytes and every 61st byte:
 * enough to see a lost or misplaced block, cheap at -O0. */
static size_t step(size_t i, size_t n)
{
    return i < 64 || i + 65 >= n ? 1 : 61;
}

static void fill(struct slot *s)
{
    for (size_t i = 0; i < s->n; i += step(i, s->n))
        s->p[i] = (unsigned char)(s->tag + i * 3);
}

static int intact(const struct slot *s, size_t n)
{
    for (size_t i = 0; i < n; i += step(i, s->n))
        if (s->p[i] != (unsigned char)(s->tag + i * 3))
            return 0;
    return 1;
}

static size_t rnd_size(void)
{
    switch (next() % 8) {
    case 0: return 0;
    case 1: return next() % 16;
    case 2: case 3: return next() % 256;
    case 4: case 5: return next() % 4096;
    case 6: return next() % 32768;
    default: return next() % 8 ? next() % 8192 : next() % 262144;
    }
}

int main(void)
{
    unsigned long mallocs = 0, reallocs = 0, frees = 0, callocs = 0;
    uint64_t bytes = 0;
    for (int r = 0; r < ROUNDS; r++) {
        struct slot *s = &slots[next() % SLOTS];
        unsigned op = (unsigned)(next() % 4);
        if (s->p == NULL && op != 3) {
            s->n = rnd_size();
            s->tag = (unsigned char)next();
            s->p = malloc(s->n ? s->n : 1);
            CHECK(s->p != NULL);
            CHECK(((uintptr_t)s->p & 15) == 0);
            fill(s);
            mallocs++;
            bytes += s->n;
        } else if (s->p && op == 0) {
            CHECK(intact(s, s->n));
            free(s->p);
            s->p = NULL;
            frees++;
        } else if (s->p && (op == 1 || op == 2)) {
            size_t n = rnd_size();
            unsigned char *q = realloc(s->p, n ? n : 1);
            CHECK(q != NULL);
            s->p = q;
            CHECK(intact(s, n < s->n ? n : s->n));
            s->n = n;
            fill(s);
            reallocs++;
        } else if (op == 3 && s->p == NULL) {
            size_t n = rnd_size(), m = next() % 4 + 1;
            s->p = calloc(n / m + 1, m);
            CHECK(s->p != NULL);
            int zero = 1;
            for (size_t i = 0; i < (n / m + 1) * m; i++)
                zero &= s->p[i] == 0;
            CHECK(zero);
            s->n = (n / m + 1) * m;
            s->tag = (unsigned char)next();
            fill(s);
            callocs++;
        }
    }
    unsigned long live = 0;
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].p) {
            CHECK(intact(&slots[i], slots[i].n));
            free(slots[i].p);
            live++;
        }
    printf("malloc %lu calloc %lu realloc %lu free %lu live at end %lu bytes %llu\n",
           mallocs, callocs, reallocs, frees, live, (unsigned long long)bytes);

    /* Aligned allocations. */
    for (size_t al = 16; al <= 65536; al *= 4) {
        void *p = aligned_alloc(al, al * 3);
        void *q = NULL;
        int rc = posix_memalign(&q, al, 100);
        CHECK(p && ((uintptr_t)p % al) == 0 && rc == 0 && ((uintptr_t)q % al) == 0);
        memset(p, 1, al * 3);
        free(p);
        free(q);
    }
    printf("aligned allocations ok\n");

    /* Many small blocks, freed in a different order. */
    enum { SMALL = 20000 };
    static void *many[SMALL];
    for (int i = 0; i < SMALL; i++) {
        many[i] = malloc((size_t)(i % 64) + 1);
        memset(many[i], i, (size_t)(i % 64) + 1);
    }
    for (int i = 1; i < SMALL; i += 2)
        free(many[i]);
    int ok = 1;
    for (int i = 0; i < SMALL; i += 2) {
        ok &= ((unsigned char *)many[i])[i % 64] == (unsigned char)i;
        free(many[i]);
    }
    printf("small blocks intact: %d\n", ok);
    CHECK(ok);
    free(NULL);
    void *z = realloc(NULL, 10);
    CHECK(z != NULL);
    free(z);

    printf("malloc_stress: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
