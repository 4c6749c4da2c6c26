/* qsort with comparators (ints, strings, structs with several keys, a
 * reverse order through a comparator that uses a context global) and
 * bsearch for present and absent keys. All keys are distinct or the
 * comparator orders completely, so any correct qsort gives one result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); failures++; } } while (0)

static uint32_t rng = 12345;
static uint32_t next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 1;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct rec { char name[12]; int age; double score; int id; };

static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->age != y->age)
        return x->age - y->age;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;    /* descending */
    int c = strcmp(x->name, y->name);
    return c ? c : x->id - y->id;
}

static int descending;
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    int r = (x > y) - (x < y);
    return descending ? -r : r;
}

int main(void)
{
    enum { N = 20000 };
    static int v[N];
    for (int i = 0; i < N; i++)
        v[i] = (int)(next() % 1000000) - 500000;
    qsort(v, N, sizeof *v, cmp_int);
    int sorted = 1;
    long sum = 0;
    for (int i = 1; i < N; i++)
        sorted &= v[i - 1] <= v[i];
    for (int i = 0; i < N; i++)
        sum += (long)v[i] * (i % 7);
    printf("ints sorted %d min %d max %d median %d weighted %ld\n", sorted, v[0], v[N - 1], v[N / 2], sum);
    CHECK(sorted);

    int found = 0, absent = 0;
    for (int k = -500000; k < 500000; k += 997) {
        int *p = bsearch(&k, v, N, sizeof *v, cmp_int);
        if (p) {
            found++;
            CHECK(*p == k);
        } else {
            absent++;
        }
    }
    printf("bsearch: %d found, %d absent\n", found, absent);

    static const char *words[] = { "pear", "apple", "fig", "banana", "kiwi", "cherry", "date",
                                   "grape", "lemon", "mango", "apricot", "zucchini", "a", "" };
    int nw = sizeof words / sizeof *words;
    const char *w[sizeof words / sizeof *words];
    memcpy(w, words, sizeof w);
    qsort(w, (size_t)nw, sizeof *w, cmp_str);
    printf("words:");
    for (int i = 0; i < nw; i++)
        printf(" [%s]", w[i]);
    printf("\n");
    const char *key = "kiwi", *miss = "orange";
    CHECK(bsearch(&key, w, (size_t)nw, sizeof *w, cmp_str) != NULL);
    CHECK(bsearch(&miss, w, (size_t)nw, sizeof *w, cmp_str) == NULL);

    struct rec r[300];
    for (int i = 0; i < 300; i++) {
        snprintf(r[i].name, sizeof r[i].name, "n%03u", next() % 50);
        r[i].age = (int)(next() % 10) + 20;
        r[i].score = (double)(next() % 8) / 4;
        r[i].id = i;
    }
    qsort(r, 300, sizeof *r, cmp_rec);
    uint32_t h = 0;
    for (int i = 0; i < 300; i++)
        h = h * 31 + (uint32_t)r[i].id;
    printf("records: first %s/%d/%.2f last %s/%d/%.2f order hash %u\n", r[0].name, r[0].age,
           r[0].score, r[299].name, r[299].age, r[299].score, h);
    for (int i = 1; i < 300; i++)
        CHECK(cmp_rec(&r[i - 1], &r[i]) < 0);

    uint64_t u[1000];
    for (int i = 0; i < 1000; i++)
        u[i] = (uint64_t)next() << 32 | next();
    descending = 1;
    qsort(u, 1000, sizeof *u, cmp_u64);
    printf("u64 descending: first %llu last %llu\n", (unsigned long long)u[0],
           (unsigned long long)u[999]);
    for (int i = 1; i < 1000; i++)
        CHECK(u[i - 1] >= u[i]);
    qsort(u, 0, sizeof *u, cmp_u64);       /* empty: no calls */
    qsort(u, 1, sizeof *u, cmp_u64);

    printf("qsort_bsearch: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
