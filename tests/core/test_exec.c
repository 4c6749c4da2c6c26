/* W^X and verification of executable memory: refusals, what a refusal
 * leaves behind, file-backed code, shared mappings, the runtime's pages,
 * verified units, stores-only and no_verify engines, single-threaded boxes. */
#include "harness.h"

#include <sys/mman.h>

#define RW (LFI_PROT_READ | LFI_PROT_WRITE)
#define RX (LFI_PROT_READ | LFI_PROT_EXEC)
#define RWX (LFI_PROT_READ | LFI_PROT_WRITE | LFI_PROT_EXEC)
#define PA (LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS)

static size_t ps;

/* page-sized code buffers */
static uint8_t *page(const uint8_t *code, size_t n, size_t npages)
{
    uint8_t *p = malloc(npages * ps);
    memset(p, 0xcc, npages * ps);
    memcpy(p, code, n);
    return p;
}

static const uint8_t c_syscall[] = { 0x0f, 0x05 };                   /* syscall */
static const uint8_t c_load[] = { 0x48, 0x8b, 0x18 };                /* mov (%rax),%rbx */
static const uint8_t c_store[] = { 0x48, 0x89, 0x18 };               /* mov %rbx,(%rax) */
static const uint8_t c_ok[] = { 0xb8, 0x01, 0x00, 0x00, 0x00 };      /* mov $1,%eax */

/* Maps code RW, copies it, mprotects RX. Returns the address or -1. */
static lfiptr load(struct LFIBox *box, const uint8_t *code, size_t n, size_t npages)
{
    lfiptr p = lfi_box_mapany(box, npages * ps, RW, PA, -1, 0);
    uint8_t *buf = page(code, n, npages);
    lfi_box_copyto(box, p, buf, npages * ps);
    free(buf);
    if (lfi_box_mprotect(box, p, npages * ps, RX) < 0) {
        lfi_box_munmap(box, p, npages * ps);
        return (lfiptr)-1;
    }
    return p;
}

static void test_wx(struct LFIBox *box)
{
    lfi_clearerr();
    CHECK(lfi_box_mapany(box, ps, RWX, PA, -1, 0) == (lfiptr)-1, "RWX mapany");
    CHECK_ERR(LFI_ERR_PERM);
    lfiptr p = lfi_box_mapany(box, ps, RW, PA, -1, 0);
    lfi_clearerr();
    CHECK(lfi_box_mprotect(box, p, ps, RWX) == -1, "RWX mprotect");
    CHECK_ERR(LFI_ERR_PERM);
    CHECK(lfi_box_mprotect_noverify(box, p, ps, RWX) == -1, "RWX mprotect_noverify");
    CHECK(lfi_box_mapat(box, p, ps, LFI_PROT_WRITE | LFI_PROT_EXEC, PA, -1, 0) == (lfiptr)-1,
          "WX mapat");
    struct LFIMapInfo mi;
    CHECK(lfi_box_mquery(box, p, &mi) && mi.prot == RW, "unchanged after refusals");
    /* anonymous executable memory is zeros, which do not verify on x86-64 */
    lfi_clearerr();
    CHECK(lfi_box_mapany(box, ps, RX, PA, -1, 0) == (lfiptr)-1, "zeros");
    CHECK_ERR(LFI_ERR_VERIFY);
    lfi_box_munmap(box, p, ps);
}

static void test_verify(struct LFIBox *box)
{
    /* code with a syscall instruction is refused, and stays non-executable */
    lfiptr p = lfi_box_mapany(box, ps, RW, PA, -1, 0);
    uint8_t *buf = page(c_syscall, sizeof c_syscall, 1);
    lfi_box_copyto(box, p, buf, ps);
    lfi_clearerr();
    CHECK(lfi_box_mprotect(box, p, ps, RX) == -1, "syscall refused");
    CHECK_ERR(LFI_ERR_VERIFY);
    CHECK(strstr(lfi_errmsg(), "syscall") != NULL, "message names the instruction: %s",
          lfi_errmsg());
    struct LFIMapInfo mi;
    CHECK(lfi_box_mquery(box, p, &mi) && mi.prot == RW, "record unchanged");
    CHECK(lfi_box_copyto(box, p, "x", 1) == p, "still writable (old protection back)");
    /* fixing the code makes it acceptable */
    uint8_t *ok = page(c_ok, sizeof c_ok, 1);
    lfi_box_copyto(box, p, ok, ps);
    CHECK(lfi_box_mprotect(box, p, ps, RX) == 0, "valid code");
    CHECK(lfi_box_mquery(box, p, &mi) && mi.prot == RX, "now RX");
    lfi_clearerr();
    CHECK(lfi_box_copyto(box, p, "x", 1) == 0, "not writable");
    /* and back to RW is allowed (it stops being executable) */
    CHECK(lfi_box_mprotect(box, p, ps, RW) == 0, "RX -> RW");
    lfi_box_copyto(box, p, buf, ps);
    CHECK(lfi_box_mprotect(box, p, ps, LFI_PROT_EXEC) == -1, "X only, bad code");
    lfi_box_munmap(box, p, ps);
    /* full mode: unsandboxed loads and stores */
    CHECK(load(box, c_load, sizeof c_load, 1) == (lfiptr)-1, "load in full mode");
    CHECK(load(box, c_store, sizeof c_store, 1) == (lfiptr)-1, "store in full mode");
    free(buf);
    free(ok);
}

static void test_files(struct LFIBox *box)
{
    /* a file with valid code, mapped executable */
    int fd = memfd_create("code", 0);
    uint8_t *ok = page(c_ok, sizeof c_ok, 1);
    CHECK(write(fd, ok, ps) == (ssize_t)ps, "write");
    lfiptr p = lfi_box_mapany(box, ps, RX, LFI_MAP_PRIVATE, fd, 0);
    CHECK(p != (lfiptr)-1, "file code");
    /* the file changes afterwards: the mapped code does not */
    uint8_t *bad = page(c_syscall, sizeof c_syscall, 1);
    CHECK(pwrite(fd, bad, ps, 0) == (ssize_t)ps, "rewrite the file");
    CHECK(((const uint8_t *)p)[0] == 0xb8, "verified bytes unchanged: %#x", ((uint8_t *)p)[0]);
    lfi_box_munmap(box, p, ps);
    /* the file has bad code now */
    lfi_clearerr();
    CHECK(lfi_box_mapany(box, ps, RX, LFI_MAP_PRIVATE, fd, 0) == (lfiptr)-1, "bad file code");
    CHECK_ERR(LFI_ERR_VERIFY);
    /* map read-only, then mprotect to exec: also a private copy */
    CHECK(pwrite(fd, ok, ps, 0) == (ssize_t)ps, "good again");
    p = lfi_box_mapany(box, ps, LFI_PROT_READ, LFI_MAP_PRIVATE, fd, 0);
    CHECK(lfi_box_mprotect(box, p, ps, RX) == 0, "mprotect file pages to RX");
    CHECK(pwrite(fd, bad, ps, 0) == (ssize_t)ps, "rewrite");
    CHECK(((const uint8_t *)p)[0] == 0xb8, "verified bytes unchanged");
    lfi_box_munmap(box, p, ps);
    /* shared mappings are never executable */
    CHECK(pwrite(fd, ok, ps, 0) == (ssize_t)ps, "good again");
    lfi_clearerr();
    CHECK(lfi_box_mapany(box, ps, RX, LFI_MAP_SHARED, fd, 0) == (lfiptr)-1, "shared RX");
    CHECK_ERR(LFI_ERR_PERM);
    p = lfi_box_mapany(box, ps, LFI_PROT_READ, LFI_MAP_SHARED, fd, 0);
    lfi_clearerr();
    CHECK(lfi_box_mprotect(box, p, ps, RX) == -1, "shared to RX");
    CHECK_ERR(LFI_ERR_PERM);
    lfi_box_munmap(box, p, ps);
    close(fd);
    free(ok);
    free(bad);
}

static void test_runtime_pages(struct LFIBox *box)
{
    void *cb = lfi_box_register_cb(box, (void *)test_runtime_pages);
    lfiptr pg = (lfiptr)cb & ~(lfiptr)(ps - 1);
    lfi_clearerr();
    CHECK(lfi_box_munmap(box, pg, ps) == -1, "munmap of callback entries");
    CHECK_ERR(LFI_ERR_PERM);
    CHECK(lfi_box_mprotect(box, pg, ps, RW) == -1, "mprotect of callback entries");
    CHECK(lfi_box_mapat(box, pg, ps, RW, PA, -1, 0) == (lfiptr)-1, "mapat over them");
    struct LFIBoxInfo in = lfi_box_info(box);
    CHECK(lfi_box_munmap(box, in.min, in.max - in.min) == -1, "munmap of everything");
    struct LFIMapInfo mi;
    CHECK(lfi_box_mquery(box, pg, &mi) && mi.prot == RX, "still there");
}

/* Two pages verified together: page 0 jumps to an unaligned instruction in
 * page 1. The pieces do not verify alone, so splitting is refused. */
static void test_units(struct LFIBox *box)
{
    uint8_t *code = malloc(2 * ps);
    memset(code, 0xcc, 2 * ps);
    /* page 0: jmp rel32 to page 1 + 5 */
    code[0] = 0xe9;
    int32_t rel = (int32_t)(ps + 5 - 5);
    memcpy(code + 1, &rel, 4);
    /* page 1: nop x5, mov $1,%eax at +5 */
    memset(code + ps, 0x90, 5);
    memcpy(code + ps + 5, c_ok, sizeof c_ok);
    lfiptr p = lfi_box_mapany(box, 2 * ps, RW, PA, -1, 0);
    lfi_box_copyto(box, p, code, 2 * ps);
    CHECK(lfi_box_mprotect(box, p, ps, RX) == -1, "page 0 alone does not verify");
    CHECK(lfi_box_mprotect(box, p, 2 * ps, RX) == 0, "the two pages together do");
    lfi_clearerr();
    CHECK(lfi_box_munmap(box, p + ps, ps) == -1, "munmap of page 1 refused");
    CHECK_ERR(LFI_ERR_VERIFY);
    CHECK(lfi_box_mprotect(box, p + ps, ps, LFI_PROT_READ) == -1, "page 1 non-exec refused");
    CHECK(lfi_box_mapat(box, p + ps, ps, RW, PA, -1, 0) == (lfiptr)-1, "replace refused");
    struct LFIMapInfo mi;
    CHECK(lfi_box_mquery(box, p + ps, &mi) && mi.prot == RX, "page 1 intact");
    /* page 0 can go: page 1 alone verifies */
    CHECK(lfi_box_munmap(box, p, ps) == 0, "munmap of page 0");
    CHECK(lfi_box_munmap(box, p + ps, ps) == 0, "then page 1");

    /* with an aligned target the pieces are independent */
    rel = (int32_t)(ps + 32 - 5);
    memcpy(code + 1, &rel, 4);
    memset(code + ps, 0xcc, ps);
    memcpy(code + ps + 32, c_ok, sizeof c_ok);
    p = lfi_box_mapany(box, 2 * ps, RW, PA, -1, 0);
    lfi_box_copyto(box, p, code, 2 * ps);
    CHECK(lfi_box_mprotect(box, p, 2 * ps, RX) == 0, "aligned target");
    CHECK(lfi_box_mprotect(box, p + ps, ps, LFI_PROT_READ) == 0, "split allowed");
    CHECK(lfi_box_munmap(box, p, 2 * ps) == 0, "unmap");
    free(code);
}

/* lfi_box_single_thread: the return form of lfi-cc --single-thread
 * (pushq %r11 ; retq after the mask) is refused in an ordinary box, where
 * another thread could rewrite the slot before the ret, and accepted in a
 * single-threaded box, which holds one context at most. */
static const uint8_t c_st_ret[] = { 0x41, 0x83, 0xe3, 0xe0, 0x4d, 0x01, 0xf3, 0x41, 0x53, 0xc3 };

static void test_single_thread(void)
{
    struct LFIEngine *e = lfi_new((struct LFIOptions){ 0 }, 2);
    struct LFIBox *mt = lfi_box_new(e), *st = lfi_box_new(e);
    CHECK(e && mt && st, "engine and boxes");
    CHECK(!lfi_box_is_single_thread(st) && !lfi_box_is_single_thread(NULL), "not by default");
    lfi_clearerr();
    CHECK(load(mt, c_st_ret, sizeof c_st_ret, 1) == (lfiptr)-1,
          "push + ret refused in a multi-threaded box");
    CHECK_ERR(LFI_ERR_VERIFY);

    struct LFIContext *c1 = lfi_ctx_new(st, NULL);
    CHECK(c1 != NULL, "context");
    lfi_clearerr();
    CHECK(lfi_box_single_thread(st) == -1, "refused while the box has a context");
    CHECK_ERR(LFI_ERR_BUSY);
    CHECK(!lfi_box_is_single_thread(st), "unchanged after the refusal");
    lfi_ctx_free(c1);
    CHECK(lfi_box_single_thread(st) == 0 && lfi_box_is_single_thread(st), "single-threaded");
    CHECK(lfi_box_single_thread(st) == 0, "again: no change");
    CHECK(load(st, c_st_ret, sizeof c_st_ret, 1) != (lfiptr)-1,
          "push + ret accepted in the single-threaded box: %s", lfi_errmsg());

    c1 = lfi_ctx_new(st, NULL);
    CHECK(c1 != NULL, "one context");
    lfi_clearerr();
    CHECK(lfi_ctx_new(st, NULL) == NULL, "a second context is refused");
    CHECK_ERR(LFI_ERR_BUSY);
    struct LFIContext *m1 = lfi_ctx_new(mt, NULL), *m2 = lfi_ctx_new(mt, NULL);
    CHECK(m1 && m2, "other boxes are not affected");
    lfi_ctx_free(m1);
    lfi_ctx_free(m2);
    lfi_ctx_free(c1);
    struct LFIContext *c2 = lfi_ctx_new(st, NULL);
    CHECK(c2 != NULL, "a context again once the first is freed");
    lfi_ctx_free(c2);
    lfi_clearerr();
    CHECK(lfi_box_single_thread(NULL) == -1, "no box");
    CHECK_ERR(LFI_ERR_INVAL);

    /* back to multi-threaded: only when no code needs one thread */
    lfi_clearerr();
    CHECK(lfi_box_multi_thread(st) == -1, "push + ret still mapped: refused");
    CHECK_ERR(LFI_ERR_VERIFY);
    CHECK(lfi_box_is_single_thread(st), "still single-threaded after the refusal");
    c1 = lfi_ctx_new(st, NULL);
    CHECK(c1 && lfi_ctx_new(st, NULL) == NULL, "still one context at most");
    lfi_ctx_free(c1);
    lfi_box_free(st);
    st = lfi_box_new(e);
    CHECK(st && lfi_box_single_thread(st) == 0, "a fresh single-threaded box");
    lfiptr code = load(st, c_st_ret, sizeof c_st_ret, 1);
    lfiptr plain = load(st, c_ok, sizeof c_ok, 1);
    CHECK(code != (lfiptr)-1 && plain != (lfiptr)-1, "its code");
    CHECK(lfi_box_munmap(st, code, ps) == 0, "the single-thread code unmapped");
    CHECK(lfi_box_multi_thread(st) == 0, "then multi-threaded: %s", lfi_errmsg());
    CHECK(!lfi_box_is_single_thread(st), "no longer single-threaded");
    c1 = lfi_ctx_new(st, NULL);
    c2 = lfi_ctx_new(st, NULL);
    CHECK(c1 && c2, "two contexts");
    lfi_ctx_free(c1);
    lfi_ctx_free(c2);
    lfi_clearerr();
    CHECK(load(st, c_st_ret, sizeof c_st_ret, 1) == (lfiptr)-1,
          "push + ret refused from then on");
    CHECK_ERR(LFI_ERR_VERIFY);
    CHECK(lfi_box_multi_thread(st) == 0 && lfi_box_multi_thread(mt) == 0, "no-op: already");
    lfi_clearerr();
    CHECK(lfi_box_multi_thread(NULL) == -1, "no box");
    CHECK_ERR(LFI_ERR_INVAL);
    lfi_box_free(st);
    lfi_box_free(mt);
    lfi_free(e);
}

static void test_modes(void)
{
    /* stores-only: unsandboxed loads are fine, stores are not */
    struct LFIEngine *e = lfi_new((struct LFIOptions){ .stores_only = true }, 1);
    struct LFIBox *box = lfi_box_new(e);
    CHECK(load(box, c_load, sizeof c_load, 1) != (lfiptr)-1, "load in stores-only mode");
    CHECK(load(box, c_store, sizeof c_store, 1) == (lfiptr)-1, "store in stores-only mode");
    CHECK(load(box, c_syscall, sizeof c_syscall, 1) == (lfiptr)-1, "syscall in stores-only");
    lfi_box_free(box);
    lfi_free(e);

    /* no_verify: anything goes executable, W^X still holds */
    e = lfi_new((struct LFIOptions){ .no_verify = true }, 1);
    box = lfi_box_new(e);
    CHECK(load(box, c_syscall, sizeof c_syscall, 1) != (lfiptr)-1, "no_verify: syscall");
    CHECK(lfi_box_mapany(box, ps, RWX, PA, -1, 0) == (lfiptr)-1, "no_verify: still no RWX");
    CHECK(lfi_box_mapany(box, ps, RX, PA, -1, 0) != (lfiptr)-1, "no_verify: zeros RX");
    lfi_box_free(box);
    lfi_free(e);

    /* allow_wx only together with no_verify */
    e = lfi_new((struct LFIOptions){ .allow_wx = true }, 1);
    box = lfi_box_new(e);
    CHECK(lfi_box_mapany(box, ps, RWX, PA, -1, 0) == (lfiptr)-1, "allow_wx alone");
    lfi_box_free(box);
    lfi_free(e);
    e = lfi_new((struct LFIOptions){ .allow_wx = true, .no_verify = true }, 1);
    box = lfi_box_new(e);
    CHECK(lfi_box_mapany(box, ps, RWX, PA, -1, 0) != (lfiptr)-1, "allow_wx + no_verify");
    lfi_box_free(box);
    lfi_free(e);

    /* the _noverify variants skip the check in a verifying engine */
    e = lfi_new((struct LFIOptions){ 0 }, 1);
    box = lfi_box_new(e);
    lfiptr p = lfi_box_mapany(box, ps, RW, PA, -1, 0);
    uint8_t *buf = page(c_syscall, sizeof c_syscall, 1);
    lfi_box_copyto(box, p, buf, ps);
    CHECK(lfi_box_mprotect_noverify(box, p, ps, RX) == 0, "mprotect_noverify");
    CHECK(lfi_box_mapany_noverify(box, ps, RX, PA, -1, 0) != (lfiptr)-1, "mapany_noverify");
    free(buf);
    lfi_box_free(box);
    lfi_free(e);
}

int main(void)
{
    ps = (size_t)getpagesize();
    struct LFIEngine *e = lfi_new((struct LFIOptions){ 0 }, 1);
    struct LFIBox *box = lfi_box_new(e);
    test_wx(box);
    test_verify(box);
    test_files(box);
    test_runtime_pages(box);
    test_units(box);
    lfi_box_free(box);
    lfi_free(e);
    test_modes();
    test_single_thread();
    TEST_DONE();
}
