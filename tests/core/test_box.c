/* Engines and boxes: options, layout (reach guards, runtime-call tables),
 * slot exhaustion and reuse, 20,000 boxes in one process. */
#include "harness.h"

#include <lfiv.h>
#include <sys/mman.h>

#define GIB (1ull << 30)

static void test_options(void)
{
    lfi_clearerr();
    CHECK(lfi_new((struct LFIOptions){ .boxsize = 8 * GIB }, 1) == NULL, "8 GiB boxes");
    CHECK_ERR(LFI_ERR_INVAL);
    CHECK(lfi_new((struct LFIOptions){ .pagesize = 3000 }, 1) == NULL, "page size 3000");
    CHECK_ERR(LFI_ERR_INVAL);
    CHECK(lfi_new((struct LFIOptions){ .pagesize = 2048 }, 1) == NULL, "page size 2048");
    CHECK(lfi_new((struct LFIOptions){ 0 }, (size_t)1 << 40) == NULL, "too many boxes");
    CHECK_ERR(LFI_ERR_RESERVE);

    struct LFIEngine *e = lfi_new((struct LFIOptions){ .boxsize = 4 * GIB,
                                                       .pagesize = (size_t)getpagesize(),
                                                       .no_aslr = true }, 0);
    CHECK(e != NULL, "0 boxes");
    struct LFIOptions o = lfi_opts(e);
    CHECK(o.boxsize == 4 * GIB && o.pagesize == (size_t)getpagesize() && o.no_aslr, "lfi_opts");
    lfi_clearerr();
    CHECK(lfi_box_new(e) == NULL, "no slot in an empty engine");
    CHECK_ERR(LFI_ERR_BOXMAP);
    lfi_free(e);
    lfi_free(NULL);
}

static void test_layout(void)
{
    struct LFIEngine *e = lfi_new((struct LFIOptions){ 0 }, 3);
    struct LFIBox *a = lfi_box_new(e), *b = lfi_box_new(e);
    CHECK(a && b, "boxes");
    struct LFIBoxInfo ia = lfi_box_info(a), ib = lfi_box_info(b);
    CHECK(ia.size == 4 * GIB && ia.base % (4 * GIB) == 0, "base %#lx", (unsigned long)ia.base);
    CHECK(ia.min == ia.base + LFIV_X64_REACH, "min = base + reach");
    CHECK(ia.max == ia.base + 4 * GIB - LFIV_X64_REACH, "max = base + 4 GiB - reach");
    CHECK(ia.max_exec == ia.max, "max_exec");
    uint64_t d = ia.base > ib.base ? ia.base - ib.base : ib.base - ia.base;
    CHECK(d == 4 * GIB, "boxes at a 4 GiB stride: %#llx", (unsigned long long)d);
    CHECK(lfi_box_engine(a) == e, "engine");
    int tag;
    lfi_box_setdata(a, &tag);
    CHECK(lfi_box_data(a) == &tag && lfi_box_data(b) == NULL, "data");

    /* the runtime-call tables are readable, identical, and point at one
     * gateway page outside the boxes */
    const uint64_t *below = (const uint64_t *)(ia.base - 32);
    const uint64_t *legacy = (const uint64_t *)ia.base;
    CHECK(below[3] == legacy[0] && below[2] == legacy[1] && below[1] == legacy[2] &&
          below[0] == legacy[3], "the two tables agree");
    for (int i = 0; i < 4; i++)
        CHECK(legacy[i] / 4096 == legacy[0] / 4096 &&
              (legacy[i] < ia.base - LFIV_X64_REACH || legacy[i] >= ia.base + 5 * GIB) &&
              (legacy[i] < ib.base - LFIV_X64_REACH || legacy[i] >= ib.base + 5 * GIB),
              "table entry %d = %#llx", i, (unsigned long long)legacy[i]);
    CHECK(*(const uint64_t *)(ib.base - 8) == legacy[0], "every box has the table");

    /* nothing else is mapped in the reach zones: mapping there is refused */
    CHECK(lfi_box_mapat(a, ia.base + 4096, 4096, LFI_PROT_READ,
                        LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) == (lfiptr)-1, "low zone");
    CHECK(lfi_box_mapat(a, ia.max, 4096, LFI_PROT_READ, LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1,
                        0) == (lfiptr)-1, "high zone");
    CHECK(lfi_box_mapat(a, ia.max - 4096, 4096, LFI_PROT_READ,
                        LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) == ia.max - 4096, "last page");
    CHECK(lfi_box_mapat(a, ia.min, 4096, LFI_PROT_READ,
                        LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) == ia.min, "first page");

    /* slots run out, and come back */
    struct LFIBox *c = lfi_box_new(e);
    CHECK(c != NULL, "third box");
    lfi_clearerr();
    CHECK(lfi_box_new(e) == NULL, "fourth box");
    CHECK_ERR(LFI_ERR_BOXMAP);
    lfi_clearerr();
    lfi_free(e);
    CHECK_ERR(LFI_ERR_BUSY);
    lfi_box_free(c);
    c = lfi_box_new(e);
    CHECK(c != NULL, "slot reused");
    /* a reused box starts empty */
    struct LFIMapInfo mi;
    CHECK(!lfi_box_mquery(c, lfi_box_info(c).min, &mi), "empty");
    lfi_box_free(a);
    lfi_box_free(b);
    lfi_box_free(c);
    lfi_free(e);
}

static void test_many(void)
{
    enum { N = 20000 };
    if (UNDER_ASAN) {
        printf("skipping %d boxes: AddressSanitizer holds the address space\n", N);
        return;
    }
    struct LFIEngine *e = lfi_new((struct LFIOptions){ 0 }, N);
    CHECK(e != NULL, "engine for %d boxes", N);
    if (!e)
        return;
    struct LFIBox **boxes = calloc(N, sizeof *boxes);
    int made = 0;
    for (int i = 0; i < N; i++) {
        boxes[i] = lfi_box_new(e);
        if (!boxes[i]) {
            printf("box %d: %s\n", i, lfi_errmsg());
            break;
        }
        made++;
    }
    CHECK(made == N, "%d boxes alive at once", made);
    /* each box works: map, write, read back in a few of them */
    for (int i = 0; i < made; i += 997) {
        lfiptr p = lfi_box_mapany(boxes[i], 4096, LFI_PROT_READ | LFI_PROT_WRITE,
                                  LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0);
        CHECK(p != (lfiptr)-1, "map in box %d", i);
        int v = i, w = -1;
        lfi_box_copyto(boxes[i], p, &v, sizeof v);
        lfi_box_copyfm(boxes[i], &w, p, sizeof w);
        CHECK(w == i, "box %d", i);
    }
    for (int i = 0; i < made; i++)
        lfi_box_free(boxes[i]);
    /* and again, after freeing */
    for (int round = 0; round < 2; round++) {
        int again = 0;
        for (int i = 0; i < N; i++) {
            boxes[i] = lfi_box_new(e);
            if (boxes[i])
                again++;
        }
        CHECK(again == N, "round %d: %d boxes", round, again);
        for (int i = 0; i < N; i++)
            lfi_box_free(boxes[i]);
    }
    free(boxes);
    lfi_free(e);
}

int main(void)
{
    test_options();
    test_layout();
    test_many();
    TEST_DONE();
}
