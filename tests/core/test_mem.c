/* Box memory: argument checking (unaligned, zero length, outside the box,
 * bad flags), replacement and overlap, records (mquery), placement (ASLR
 * and no_aslr), files, checked copies and strings. */
#include "harness.h"

#include <sys/mman.h>

#define RW (LFI_PROT_READ | LFI_PROT_WRITE)
#define PA (LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS)
#define FAILS(expr, err) do { \
    lfi_clearerr(); \
    CHECK((expr) == (__typeof__(expr))-1, "should fail"); \
    CHECK_ERR(err); \
} while (0)

static size_t ps;

static void test_args(struct LFIBox *box)
{
    struct LFIBoxInfo in = lfi_box_info(box);
    lfiptr a = in.min + 16 * ps;
    /* mapat */
    FAILS(lfi_box_mapat(box, a + 1, ps, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, a, 0, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, in.min - ps, ps, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, in.max, ps, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, in.max - ps, 2 * ps, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, in.base, ps, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, 0x10000, ps, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, a, (size_t)-4096, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, (lfiptr)-4096, 8192, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, in.base + (8ull << 30), ps, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, a, ps, 0x40, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, a, ps, RW, LFI_MAP_ANONYMOUS, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, a, ps, RW, PA | LFI_MAP_SHARED, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, a, ps, RW, PA | 0x100, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, a, ps, RW, LFI_MAP_PRIVATE, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, a, ps, RW, LFI_MAP_PRIVATE, 0, 100), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, a, ps, RW, LFI_MAP_PRIVATE, 0, -4096), LFI_ERR_INVAL);
    FAILS(lfi_box_mapat(box, a, ps, RW, LFI_MAP_PRIVATE, 12345, 0), LFI_ERR_MMAP);
    FAILS(lfi_box_mapat(NULL, a, ps, RW, PA, -1, 0), LFI_ERR_INVAL);
    /* mapany */
    FAILS(lfi_box_mapany(box, 0, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapany(box, (size_t)8 << 30, RW, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapany(box, ps, 0x80, PA, -1, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_mapany(box, ps, RW, 0, -1, 0), LFI_ERR_INVAL);
    /* mprotect */
    FAILS(lfi_box_mprotect(box, a + 8, ps, LFI_PROT_READ), LFI_ERR_INVAL);
    FAILS(lfi_box_mprotect(box, a, 0, LFI_PROT_READ), LFI_ERR_INVAL);
    FAILS(lfi_box_mprotect(box, in.base, ps, LFI_PROT_READ), LFI_ERR_INVAL);
    FAILS(lfi_box_mprotect(box, a, ps, LFI_PROT_READ), LFI_ERR_NOTMAPPED);
    FAILS(lfi_box_mprotect(box, a, ps, 0x100), LFI_ERR_INVAL);
    /* munmap */
    FAILS(lfi_box_munmap(box, a + 1, ps), LFI_ERR_INVAL);
    FAILS(lfi_box_munmap(box, a, 0), LFI_ERR_INVAL);
    FAILS(lfi_box_munmap(box, in.base, ps), LFI_ERR_INVAL);
    FAILS(lfi_box_munmap(box, in.max - ps, 2 * ps), LFI_ERR_INVAL);
    CHECK(lfi_box_munmap(box, a, ps) == 0, "unmapping nothing is fine");
    /* a refused call changes nothing */
    struct LFIMapInfo mi;
    CHECK(!lfi_box_mquery(box, a, &mi), "still unmapped");
}

static void test_records(struct LFIBox *box)
{
    struct LFIBoxInfo in = lfi_box_info(box);
    lfiptr a = in.min + 64 * ps;
    CHECK(lfi_box_mapat(box, a, 4 * ps, RW, PA, -1, 0) == a, "mapat");
    struct LFIMapInfo mi;
    CHECK(lfi_box_mquery(box, a + 3 * ps, &mi) && mi.prot == RW && mi.fd == -1 &&
          mi.offset == 0 && (mi.flags & LFI_MAP_PRIVATE), "query");
    CHECK(!lfi_box_mquery(box, a + 4 * ps, &mi), "after the end");
    CHECK(!lfi_box_mquery(box, a - 1, &mi), "before");
    /* length rounded up to pages */
    CHECK(lfi_box_mapat(box, a + 8 * ps, 1, RW, PA, -1, 0) == a + 8 * ps, "1 byte");
    CHECK(lfi_box_mquery(box, a + 8 * ps + ps - 1, &mi) && !lfi_box_mquery(box, a + 9 * ps, &mi),
          "one page");
    /* partial mprotect splits */
    CHECK(lfi_box_mprotect(box, a + ps, ps, LFI_PROT_READ) == 0, "mprotect middle");
    CHECK(lfi_box_mquery(box, a, &mi) && mi.prot == RW, "first");
    CHECK(lfi_box_mquery(box, a + ps, &mi) && mi.prot == LFI_PROT_READ, "second");
    CHECK(lfi_box_mquery(box, a + 2 * ps, &mi) && mi.prot == RW, "third");
    /* the protection is real: copyto into the read-only page fails */
    int v = 7;
    lfi_clearerr();
    CHECK(lfi_box_copyto(box, a + ps, &v, sizeof v) == 0, "copyto read-only page");
    CHECK_ERR(LFI_ERR_NOTMAPPED);
    CHECK(lfi_box_copyto(box, a + 2 * ps, &v, sizeof v) == a + 2 * ps, "copyto rw page");
    /* mprotect across a gap fails and changes nothing */
    FAILS(lfi_box_mprotect(box, a + 3 * ps, 2 * ps, LFI_PROT_READ), LFI_ERR_NOTMAPPED);
    CHECK(lfi_box_mquery(box, a + 3 * ps, &mi) && mi.prot == RW, "unchanged");
    /* overlapping mapat replaces (MAP_FIXED semantics), with fresh pages */
    CHECK(lfi_box_mapat(box, a + 2 * ps, 2 * ps, LFI_PROT_READ, PA, -1, 0) == a + 2 * ps,
          "overlap");
    int w = -1;
    CHECK(lfi_box_copyfm(box, &w, a + 2 * ps, sizeof w) && w == 0, "fresh: %d", w);
    CHECK(lfi_box_mquery(box, a + 3 * ps, &mi) && mi.prot == LFI_PROT_READ, "replaced");
    /* munmap of a part */
    CHECK(lfi_box_munmap(box, a + ps, ps) == 0, "munmap");
    CHECK(!lfi_box_mquery(box, a + ps, &mi) && lfi_box_mquery(box, a, &mi), "hole");
    CHECK(lfi_box_copyfm(box, &w, a + ps, sizeof w) == NULL, "read of a hole");
    CHECK_ERR(LFI_ERR_NOTMAPPED);
    /* mapany never overlaps */
    for (int i = 0; i < 50; i++) {
        lfiptr p = lfi_box_mapany(box, 3 * ps, RW, PA, -1, 0);
        CHECK(p != (lfiptr)-1 && (p + 3 * ps <= a || p >= a + 9 * ps), "mapany %#lx",
              (unsigned long)p);
    }
    CHECK(lfi_box_munmap(box, in.min, in.max - in.min) == 0, "unmap everything");
    CHECK(!lfi_box_mquery(box, a, &mi), "empty");
}

static void layout(struct LFIBox *box, lfiptr out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = lfi_box_mapany(box, (size_t)(i + 1) * ps, RW, PA, -1, 0) -
                 lfi_box_info(box).base;
}

static void test_placement(void)
{
    struct LFIEngine *r = lfi_new((struct LFIOptions){ 0 }, 2);
    struct LFIEngine *d = lfi_new((struct LFIOptions){ .no_aslr = true }, 2);
    struct LFIBox *r1 = lfi_box_new(r), *r2 = lfi_box_new(r);
    struct LFIBox *d1 = lfi_box_new(d), *d2 = lfi_box_new(d);
    lfiptr lr1[8], lr2[8], ld1[8], ld2[8];
    layout(r1, lr1);
    layout(r2, lr2);
    layout(d1, ld1);
    layout(d2, ld2);
    CHECK(memcmp(lr1, lr2, sizeof lr1) != 0, "random layouts differ");
    CHECK(memcmp(ld1, ld2, sizeof ld1) == 0, "no_aslr layouts are equal");
    CHECK(memcmp(lr1, ld1, sizeof ld1) != 0, "and differ from random ones");
    struct LFIBoxInfo in = lfi_box_info(d1);
    CHECK(ld1[0] == in.min - in.base, "no_aslr: first fit at min");
    /* after unmapping all, one mapping of the whole range lands at min */
    struct LFIBoxInfo ri = lfi_box_info(r1);
    CHECK(lfi_box_munmap(r1, ri.min, ri.max - ri.min) == 0, "unmap");
    lfiptr all = lfi_box_mapany(r1, ri.max - ri.min, LFI_PROT_NONE, PA, -1, 0);
    CHECK(all == ri.min, "max-size mapping at min: %#lx", (unsigned long)all);
    lfi_clearerr();
    CHECK(lfi_box_mapany(r1, ps, RW, PA, -1, 0) == (lfiptr)-1, "full");
    CHECK_ERR(LFI_ERR_NOSPACE);
    lfi_box_free(r1);
    lfi_box_free(r2);
    lfi_box_free(d1);
    lfi_box_free(d2);
    lfi_free(r);
    lfi_free(d);
}

static void test_files(struct LFIBox *box)
{
    int fd = memfd_create("test", 0);
    char buf[3 * 4096];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)(i / 4096 + 'a');
    CHECK(write(fd, buf, sizeof buf) == (ssize_t)sizeof buf, "write");
    lfiptr p = lfi_box_mapany(box, 2 * ps, LFI_PROT_READ, LFI_MAP_PRIVATE, fd, (off_t)ps);
    CHECK(p != (lfiptr)-1, "file mapping");
    char c[2] = { 0, 0 };
    lfi_box_copyfm(box, &c[0], p, 1);
    lfi_box_copyfm(box, &c[1], p + ps, 1);
    CHECK(c[0] == 'b' && c[1] == 'c', "contents %c%c", c[0], c[1]);
    struct LFIMapInfo mi;
    CHECK(lfi_box_mquery(box, p + ps, &mi) && mi.fd == fd && mi.offset == 2 * (off_t)ps,
          "query: fd %d offset %lld", mi.fd, (long long)mi.offset);
    /* shared writable mapping: writes reach the file */
    lfiptr s = lfi_box_mapany(box, ps, RW, LFI_MAP_SHARED, fd, 0);
    CHECK(s != (lfiptr)-1, "shared");
    lfi_box_copyto(box, s, "Z", 1);
    char z = 0;
    CHECK(pread(fd, &z, 1, 0) == 1 && z == 'Z', "shared write reached the file");
    CHECK(lfi_box_munmap(box, p, 2 * ps) == 0 && lfi_box_munmap(box, s, ps) == 0, "unmap");
    close(fd);
}

static void test_copies(struct LFIBox *box)
{
    struct LFIBoxInfo in = lfi_box_info(box);
    lfiptr p = lfi_box_mapany(box, 2 * ps, RW, PA, -1, 0);
    char buf[16];
    CHECK(lfi_box_copyto(box, p, "hello", 6) == p, "copyto");
    CHECK(lfi_box_copyfm(box, buf, p, 6) == buf && strcmp(buf, "hello") == 0, "copyfm");
    CHECK(lfi_box_strnlen(box, p, 100) == 5, "strnlen");
    CHECK(lfi_box_strnlen(box, p, 5) == SIZE_MAX, "no NUL within the limit");
    CHECK(lfi_box_strnlen(box, p, 6) == 5, "NUL at the limit");
    CHECK(lfi_box_strnlen(box, in.base, 10) == SIZE_MAX, "outside");
    /* a string running into an unmapped page */
    char fill[4096];
    memset(fill, 'x', sizeof fill);
    lfi_box_copyto(box, p + ps, fill, ps);
    lfi_box_munmap(box, p + 2 * ps, ps);
    CHECK(lfi_box_strnlen(box, p + ps, 1 << 20) == SIZE_MAX, "runs into a hole");
    /* ranges */
    lfi_clearerr();
    CHECK(lfi_box_copyto(box, in.max - 2, "abc", 3) == 0, "past max");
    CHECK_ERR(LFI_ERR_INVAL);
    CHECK(lfi_box_copyfm(box, buf, in.min - 1, 2) == NULL, "before min");
    CHECK(lfi_box_copyfm(box, buf, (lfiptr)-8, 16) == NULL, "wraps");
    CHECK(lfi_box_copyto(box, p, "x", 0) == p, "empty copy");
    CHECK(lfi_box_ptrvalid(box, in.min) && !lfi_box_ptrvalid(box, in.max) &&
          !lfi_box_ptrvalid(box, in.min - 1), "ptrvalid");
    CHECK(lfi_box_bufvalid(box, in.max - 4, 4) && !lfi_box_bufvalid(box, in.max - 4, 5) &&
          lfi_box_bufvalid(box, in.max, 0) && !lfi_box_bufvalid(box, in.min, (size_t)-1),
          "bufvalid");
    CHECK(lfi_box_l2p(box, p) == p && lfi_box_p2l(box, p) == p, "identity");
    lfi_box_munmap(box, p, 2 * ps);
}

static void test_reset(struct LFIBox *box)
{
    lfiptr a = lfi_box_mapany(box, ps, RW, PA, -1, 0);
    lfi_box_mark_original(box);
    lfiptr b = lfi_box_mapany(box, 2 * ps, RW, PA, -1, 0);
    lfiptr c = lfi_box_mapany(box, ps, LFI_PROT_READ, PA, -1, 0);
    CHECK(lfi_box_mprotect(box, a, ps, LFI_PROT_READ) == 0, "change an original mapping");
    CHECK(lfi_box_unmap_non_original(box), "unmap_non_original");
    struct LFIMapInfo mi;
    CHECK(lfi_box_mquery(box, a, &mi) && mi.prot == LFI_PROT_READ, "original kept");
    CHECK(!lfi_box_mquery(box, b, &mi) && !lfi_box_mquery(box, c, &mi), "others gone");
    lfi_box_munmap(box, a, ps);
}

static void test_register(struct LFIBox *box)
{
    struct LFIBoxInfo in = lfi_box_info(box);
    lfiptr a = in.min + 1024 * ps;
    /* pages mapped by someone else, then registered */
    void *p = mmap((void *)a, 2 * ps, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE |
                   MAP_ANONYMOUS, -1, 0);
    CHECK(p == (void *)a, "raw mmap");
    memset(p, 0xcc, 2 * ps);
    CHECK(lfi_box_mapat_register(box, a, 2 * ps, LFI_PROT_READ | LFI_PROT_EXEC,
                                 LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) == a, "register");
    struct LFIMapInfo mi;
    CHECK(lfi_box_mquery(box, a + ps, &mi) && mi.prot == (LFI_PROT_READ | LFI_PROT_EXEC),
          "recorded");
    CHECK(lfi_box_munmap(box, a, 2 * ps) == 0, "unmap");
    /* bad code: refused and taken away */
    p = mmap((void *)a, ps, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1,
             0);
    memset(p, 0xcc, ps);
    ((uint8_t *)p)[0] = 0x0f;
    ((uint8_t *)p)[1] = 0x05; /* syscall */
    lfi_clearerr();
    CHECK(lfi_box_mapat_register(box, a, ps, LFI_PROT_READ | LFI_PROT_EXEC,
                                 LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) == (lfiptr)-1,
          "bad code registered");
    CHECK_ERR(LFI_ERR_VERIFY);
    CHECK(!lfi_box_mquery(box, a, &mi), "not recorded");
    CHECK(lfi_box_copyfm(box, &mi, a, 1) == NULL, "and gone");
}

int main(void)
{
    ps = (size_t)getpagesize();
    struct LFIEngine *e = lfi_new((struct LFIOptions){ 0 }, 1);
    struct LFIBox *box = lfi_box_new(e);
    test_args(box);
    test_records(box);
    test_files(box);
    test_copies(box);
    test_reset(box);
    test_register(box);
    lfi_box_free(box);
    lfi_free(e);
    test_placement();
    TEST_DONE();
}
