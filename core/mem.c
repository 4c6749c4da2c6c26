/* Box memory: the page allocator (a sorted list of mapping records), the
 * W^X and verification policy, and verified executable units.
 *
 * Policy (docs/runtime.md, "Memory"):
 *  - Nothing is ever writable and executable at once (unless no_verify and
 *    allow_wx). Memory becomes executable only through map/mprotect here,
 *    after the whole range, held read-only, passed the verifier at its final
 *    address. File contents are copied into private anonymous memory first,
 *    so a later write to the file cannot change verified code.
 *  - Shared mappings are never executable (another mapping could write them).
 *  - A range verified in one call is a unit: its code may jump directly to
 *    unaligned instruction starts inside it. Any change that removes part of
 *    a unit (unmap, replace, make non-executable) is allowed only if every
 *    remaining piece verifies on its own; otherwise it is refused.
 *  - Unmapped box memory is PROT_NONE, never returned to the OS, so nothing
 *    else in the process can be placed there.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define PROT_ALL (LFI_PROT_READ | LFI_PROT_WRITE | LFI_PROT_EXEC | LFI_PROT_BTI)
#define FLAGS_ALL (LFI_MAP_SHARED | LFI_MAP_PRIVATE | LFI_MAP_FIXED | LFI_MAP_ANONYMOUS | \
                   LFI_MAP_EXECUTABLE)

static int host_prot(int prot)
{
    return ((prot & LFI_PROT_READ) ? PROT_READ : 0) | ((prot & LFI_PROT_WRITE) ? PROT_WRITE : 0) |
           ((prot & LFI_PROT_EXEC) ? PROT_EXEC : 0);
}

static bool verifying(struct LFIBox *box)
{
    return !box->engine->opts.no_verify;
}

static bool wx_allowed(struct LFIBox *box)
{
    return box->engine->opts.no_verify && box->engine->opts.allow_wx;
}

/* Returns [addr, addr+len) to the reservation: PROT_NONE, no memory. */
static int reserve(uint64_t addr, uint64_t len)
{
    void *p = mmap((void *)(uintptr_t)addr, len, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return p == MAP_FAILED ? -1 : 0;
}

/* Verifies [addr, addr+size) in place, with LFIV_SINGLE_THREAD if
 * single_thread. */
static int verify_as(struct LFIBox *box, uint64_t addr, size_t size, bool single_thread)
{
    struct lfiv_violation v;
    struct lfiv_options o = box->engine->vopts;
    if (single_thread)
        o.flags |= LFIV_SINGLE_THREAD;
    int r = lfiv_verify(&o, (const void *)(uintptr_t)addr, size, addr, &v, NULL);
    if (r == LFIV_OK)
        return 0;
    char buf[400];
    if (r == LFIV_REJECTED)
        lfiv_format_violation(&v, buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "verifier error %d at %#llx", r, (unsigned long long)addr);
    lfi__seterr(LFI_ERR_VERIFY, "%s", buf);
    return -1;
}

int lfi__verify(struct LFIBox *box, uint64_t addr, size_t size)
{
    return verify_as(box, addr, size, __atomic_load_n(&box->single_thread, __ATOMIC_ACQUIRE));
}

int lfi_box_multi_thread(struct LFIBox *box)
{
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "lfi_box_multi_thread: no box");
        return -1;
    }
    pthread_mutex_lock(&box->lock);
    int rc = 0;
    if (box->single_thread && verifying(box)) {
        /* every unit once more, as a multi-threaded box would have */
        for (size_t i = 0; i < box->mm.nu && rc == 0; i++) {
            struct lfi__unit u = box->mm.u[i];
            rc = verify_as(box, u.start, u.end - u.start, false);
        }
    }
    if (rc == 0)
        __atomic_store_n(&box->single_thread, false, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&box->lock);
    return rc;
}

/* ---- the record lists ---- */

uint64_t lfi__rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t lfi__random_seed(void)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != sizeof seed) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed ^= (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)getpid();
    }
    return seed;
}

void lfi__mm_init(struct LFIBox *box, uint64_t seed)
{
    memset(&box->mm, 0, sizeof box->mm);
    box->mm.rng = seed;
}

void lfi__mm_free(struct LFIBox *box)
{
    free(box->mm.r);
    free(box->mm.u);
    memset(&box->mm, 0, sizeof box->mm);
}

static bool reserve_records(struct lfi__mm *mm, size_t more)
{
    if (mm->n + more > mm->cap) {
        size_t cap = mm->cap ? mm->cap * 2 : 16;
        while (cap < mm->n + more)
            cap *= 2;
        struct lfi__region *r = realloc(mm->r, cap * sizeof *r);
        if (!r)
            return false;
        mm->r = r;
        mm->cap = cap;
    }
    if (mm->nu + more > mm->capu) {
        size_t cap = mm->capu ? mm->capu * 2 : 8;
        while (cap < mm->nu + more)
            cap *= 2;
        struct lfi__unit *u = realloc(mm->u, cap * sizeof *u);
        if (!u)
            return false;
        mm->u = u;
        mm->capu = cap;
    }
    return true;
}

/* Index of the first region that ends after addr. */
static size_t first_after(struct lfi__mm *mm, uint64_t addr)
{
    size_t lo = 0, hi = mm->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (mm->r[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Splits the region containing addr (strictly inside) in two. Capacity must
 * have been reserved. */
static void split_at(struct lfi__mm *mm, uint64_t addr)
{
    size_t i = first_after(mm, addr);
    if (i == mm->n || mm->r[i].start >= addr)
        return;
    memmove(&mm->r[i + 1], &mm->r[i], (mm->n - i) * sizeof mm->r[0]);
    mm->n++;
    mm->r[i].end = addr;
    mm->r[i + 1].start = addr;
    if (mm->r[i + 1].fd >= 0)
        mm->r[i + 1].off += (off_t)(addr - mm->r[i].start);
}

/* Removes every record inside [lo, hi). */
static void punch(struct lfi__mm *mm, uint64_t lo, uint64_t hi)
{
    split_at(mm, lo);
    split_at(mm, hi);
    size_t i = first_after(mm, lo), j = i;
    while (j < mm->n && mm->r[j].start < hi)
        j++;
    memmove(&mm->r[i], &mm->r[j], (mm->n - j) * sizeof mm->r[0]);
    mm->n -= j - i;
}

static void insert(struct lfi__mm *mm, const struct lfi__region *reg)
{
    size_t i = first_after(mm, reg->start);
    memmove(&mm->r[i + 1], &mm->r[i], (mm->n - i) * sizeof mm->r[0]);
    mm->r[i] = *reg;
    mm->n++;
}

static bool overlaps_runtime(struct lfi__mm *mm, uint64_t lo, uint64_t hi)
{
    for (size_t i = first_after(mm, lo); i < mm->n && mm->r[i].start < hi; i++)
        if (mm->r[i].runtime)
            return true;
    return false;
}

static bool fully_mapped(struct lfi__mm *mm, uint64_t lo, uint64_t hi)
{
    uint64_t at = lo;
    for (size_t i = first_after(mm, lo); i < mm->n && mm->r[i].start < hi; i++) {
        if (mm->r[i].start > at)
            return false;
        at = mm->r[i].end;
    }
    return at >= hi;
}

/* ---- units ---- */

/* The pieces of units that a change of [lo, hi) leaves behind must each
 * verify on their own. */
static int check_cut(struct LFIBox *box, uint64_t lo, uint64_t hi)
{
    struct lfi__mm *mm = &box->mm;
    if (!verifying(box))
        return 0;
    for (size_t i = 0; i < mm->nu; i++) {
        struct lfi__unit u = mm->u[i];
        if (u.end <= lo || u.start >= hi)
            continue;
        if ((u.start < lo && lfi__verify(box, u.start, lo - u.start) < 0) ||
            (u.end > hi && lfi__verify(box, hi, u.end - hi) < 0)) {
            lfi__seterr(LFI_ERR_VERIFY,
                        "changing [%#llx, %#llx) would split the verified code region "
                        "[%#llx, %#llx) into pieces that do not verify on their own",
                        (unsigned long long)lo, (unsigned long long)hi,
                        (unsigned long long)u.start, (unsigned long long)u.end);
            return -1;
        }
    }
    return 0;
}

/* Records the cut (after check_cut) and, if exec, the new unit [lo, hi). */
static void apply_cut(struct lfi__mm *mm, uint64_t lo, uint64_t hi, bool exec)
{
    size_t n = 0;
    struct lfi__unit add[2];
    int nadd = 0;
    for (size_t i = 0; i < mm->nu; i++) {
        struct lfi__unit u = mm->u[i];
        if (u.end <= lo || u.start >= hi) {
            mm->u[n++] = u;
            continue;
        }
        if (u.start < lo)
            add[nadd++] = (struct lfi__unit){ u.start, lo };
        if (u.end > hi)
            add[nadd++] = (struct lfi__unit){ hi, u.end };
    }
    mm->nu = n;
    /* a contiguous [lo, hi) cuts at most two units, leaving at most two pieces */
    for (int k = 0; k < nadd; k++)
        mm->u[mm->nu++] = add[k];
    if (exec)
        mm->u[mm->nu++] = (struct lfi__unit){ lo, hi };
}

/* ---- argument checks ---- */

static int check_range(struct LFIBox *box, uint64_t addr, size_t size, uint64_t *len)
{
    size_t ps = box->engine->pagesize;
    if (addr % ps) {
        lfi__seterr(LFI_ERR_INVAL, "address %#llx is not page-aligned", (unsigned long long)addr);
        return -1;
    }
    if (size == 0 || size > LFI_BOXSIZE) {
        lfi__seterr(LFI_ERR_INVAL, "bad length %zu", size);
        return -1;
    }
    uint64_t l = (size + ps - 1) & ~(uint64_t)(ps - 1);
    if (addr < box->min || addr > box->max || l > box->max - addr) {
        lfi__seterr(LFI_ERR_INVAL, "[%#llx, +%#llx) is outside the box's usable range "
                    "[%#llx, %#llx)", (unsigned long long)addr, (unsigned long long)l,
                    (unsigned long long)box->min, (unsigned long long)box->max);
        return -1;
    }
    *len = l;
    return 0;
}

static int check_prot(struct LFIBox *box, int prot)
{
    if (prot & ~PROT_ALL) {
        lfi__seterr(LFI_ERR_INVAL, "bad protection %#x", prot);
        return -1;
    }
    if ((prot & LFI_PROT_WRITE) && (prot & LFI_PROT_EXEC) && !wx_allowed(box)) {
        lfi__seterr(LFI_ERR_PERM, "writable and executable at once (W^X)");
        return -1;
    }
    return 0;
}

static int check_map_args(struct LFIBox *box, int prot, int flags, int fd, off_t off)
{
    if (check_prot(box, prot) < 0)
        return -1;
    if (flags & ~FLAGS_ALL) {
        lfi__seterr(LFI_ERR_INVAL, "bad flags %#x", flags);
        return -1;
    }
    if (!(flags & LFI_MAP_SHARED) == !(flags & LFI_MAP_PRIVATE)) {
        lfi__seterr(LFI_ERR_INVAL, "exactly one of MAP_SHARED and MAP_PRIVATE is required");
        return -1;
    }
    if (!(flags & LFI_MAP_ANONYMOUS) &&
        (fd < 0 || off < 0 || (uint64_t)off % box->engine->pagesize)) {
        lfi__seterr(LFI_ERR_INVAL, "file mapping needs a file descriptor and a page-aligned "
                    "offset (fd %d, offset %lld)", fd, (long long)off);
        return -1;
    }
    if ((prot & LFI_PROT_EXEC) && (flags & LFI_MAP_SHARED) && verifying(box)) {
        lfi__seterr(LFI_ERR_PERM, "shared mappings cannot be executable");
        return -1;
    }
    return 0;
}

/* ---- mapping ---- */

/* Reads the file into the (anonymous, writable) pages at addr. */
static int fill_from_file(uint64_t addr, uint64_t len, int fd, off_t off)
{
    uint64_t done = 0;
    while (done < len) {
        ssize_t r = pread(fd, (char *)(uintptr_t)(addr + done), len - done, off + (off_t)done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break; /* past the end of the file: the rest stays zero */
        done += (uint64_t)r;
    }
    return 0;
}

/* Maps [addr, addr+len) (free or to be replaced), verifying exec memory. */
static int do_map(struct LFIBox *box, uint64_t addr, uint64_t len, int prot, int flags,
                  int fd, off_t off, bool verify)
{
    struct lfi__mm *mm = &box->mm;
    bool anon = flags & LFI_MAP_ANONYMOUS;
    bool exec = prot & LFI_PROT_EXEC;
    if (overlaps_runtime(mm, addr, addr + len)) {
        lfi__seterr(LFI_ERR_PERM, "[%#llx, +%#llx) overlaps the runtime's own pages",
                    (unsigned long long)addr, (unsigned long long)len);
        return -1;
    }
    if (!reserve_records(mm, 3)) {
        lfi__seterr(LFI_ERR_ALLOC, "mapping records");
        return -1;
    }
    if (check_cut(box, addr, addr + len) < 0)
        return -1;

    int hflags = MAP_FIXED | ((flags & LFI_MAP_SHARED) ? MAP_SHARED : MAP_PRIVATE) |
                 (anon ? MAP_ANONYMOUS : 0);
    void *want = (void *)(uintptr_t)addr;
    void *p;
    if (!exec || !verify) {
        p = mmap(want, len, host_prot(prot), hflags, anon ? -1 : fd, anon ? 0 : off);
    } else if (anon) {
        p = mmap(want, len, PROT_READ, hflags, -1, 0);
    } else {
        /* Private copy of the file: verified bytes stay what they are. */
        p = mmap(want, len, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED && (fill_from_file(addr, len, fd, off) < 0 ||
                                mprotect(want, len, PROT_READ) < 0)) {
            lfi__seterr(LFI_ERR_MMAP, "reading fd %d: %s", fd, strerror(errno));
            goto undo;
        }
    }
    if (p == MAP_FAILED) {
        lfi__seterr(LFI_ERR_MMAP, "mmap [%#llx, +%#llx): %s", (unsigned long long)addr,
                    (unsigned long long)len, strerror(errno));
        goto undo;
    }
    if (exec && verify) {
        if (lfi__verify(box, addr, len) < 0)
            goto undo;
        if (mprotect(want, len, host_prot(prot)) < 0) {
            lfi__seterr(LFI_ERR_MMAP, "mprotect: %s", strerror(errno));
            goto undo;
        }
    }
    punch(mm, addr, addr + len);
    apply_cut(mm, addr, addr + len, exec);
    struct lfi__region reg = {
        .start = addr, .end = addr + len, .prot = prot & ~LFI_PROT_BTI,
        .flags = flags & (LFI_MAP_SHARED | LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS),
        .fd = anon ? -1 : fd, .off = anon ? 0 : off, .runtime = false,
    };
    insert(mm, &reg);
    return 0;
undo:
    /* The old contents of the range are gone (MAP_FIXED); leave it reserved. */
    reserve(addr, len);
    punch(mm, addr, addr + len);
    apply_cut(mm, addr, addr + len, false);
    return -1;
}

/* Picks a free range of len bytes: uniformly at random among all page
 * positions that fit, or the lowest one with no_aslr. Returns 0 if none. */
static uint64_t find_free(struct LFIBox *box, uint64_t len)
{
    struct lfi__mm *mm = &box->mm;
    uint64_t ps = box->engine->pagesize;
    bool aslr = !box->engine->opts.no_aslr;
    uint64_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t pick = 0;
        if (pass == 1) {
            if (!total)
                return 0;
            pick = lfi__rng_next(&mm->rng) % total;
        }
        uint64_t at = box->min;
        for (size_t i = 0; i <= mm->n; i++) {
            uint64_t gap_end = i < mm->n ? mm->r[i].start : box->max;
            if (gap_end > at && gap_end - at >= len) {
                uint64_t npos = (gap_end - at - len) / ps + 1;
                if (!aslr)
                    return at;
                if (pass == 0)
                    total += npos;
                else if (pick < npos)
                    return at + pick * ps;
                else
                    pick -= npos;
            }
            if (i < mm->n)
                at = mm->r[i].end;
        }
    }
    return 0;
}

static lfiptr mapany(struct LFIBox *box, size_t size, int prot, int flags, int fd, off_t off,
                     bool verify)
{
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "no box");
        return (lfiptr)-1;
    }
    if (check_map_args(box, prot, flags, fd, off) < 0)
        return (lfiptr)-1;
    uint64_t ps = box->engine->pagesize;
    if (size == 0 || size > box->max - box->min) {
        lfi__seterr(LFI_ERR_INVAL, "bad length %zu", size);
        return (lfiptr)-1;
    }
    uint64_t len = (size + ps - 1) & ~(ps - 1);
    pthread_mutex_lock(&box->lock);
    uint64_t addr = find_free(box, len);
    int r = -1;
    if (!addr)
        lfi__seterr(LFI_ERR_NOSPACE, "no free range of %#llx bytes", (unsigned long long)len);
    else
        r = do_map(box, addr, len, prot, flags, fd, off, verify && verifying(box));
    pthread_mutex_unlock(&box->lock);
    if (r < 0)
        return (lfiptr)-1;
    return addr;
}

lfiptr lfi_box_mapany(struct LFIBox *box, size_t size, int prot, int flags, int fd, off_t off)
{
    return mapany(box, size, prot, flags, fd, off, true);
}

lfiptr lfi_box_mapany_noverify(struct LFIBox *box, size_t size, int prot, int flags, int fd,
                               off_t off)
{
    return mapany(box, size, prot, flags, fd, off, false);
}

lfiptr lfi_box_mapat(struct LFIBox *box, lfiptr addr, size_t size, int prot, int flags, int fd,
                     off_t off)
{
    uint64_t len;
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "no box");
        return (lfiptr)-1;
    }
    if (check_range(box, addr, size, &len) < 0 || check_map_args(box, prot, flags, fd, off) < 0)
        return (lfiptr)-1;
    pthread_mutex_lock(&box->lock);
    int r = do_map(box, addr, len, prot, flags, fd, off, verifying(box));
    pthread_mutex_unlock(&box->lock);
    return r < 0 ? (lfiptr)-1 : addr;
}

static int do_protect(struct LFIBox *box, uint64_t addr, uint64_t len, int prot, bool verify)
{
    struct lfi__mm *mm = &box->mm;
    uint64_t end = addr + len;
    bool exec = prot & LFI_PROT_EXEC;
    if (!fully_mapped(mm, addr, end)) {
        lfi__seterr(LFI_ERR_NOTMAPPED, "[%#llx, %#llx) is not entirely mapped",
                    (unsigned long long)addr, (unsigned long long)end);
        return -1;
    }
    if (overlaps_runtime(mm, addr, end)) {
        lfi__seterr(LFI_ERR_PERM, "[%#llx, %#llx) overlaps the runtime's own pages",
                    (unsigned long long)addr, (unsigned long long)end);
        return -1;
    }
    if (exec && verifying(box)) {
        for (size_t i = first_after(mm, addr); i < mm->n && mm->r[i].start < end; i++)
            if (mm->r[i].flags & LFI_MAP_SHARED) {
                lfi__seterr(LFI_ERR_PERM, "shared mappings cannot be executable");
                return -1;
            }
    }
    if (!reserve_records(mm, 3)) {
        lfi__seterr(LFI_ERR_ALLOC, "mapping records");
        return -1;
    }
    if (check_cut(box, addr, end) < 0)
        return -1;
    split_at(mm, addr);
    split_at(mm, end);
    size_t first = first_after(mm, addr), last = first;
    while (last < mm->n && mm->r[last].start < end)
        last++;
    void *want = (void *)(uintptr_t)addr;

    if (exec && verify) {
        /* File-backed pages become private anonymous copies: a write to the
         * file must not reach verified code. */
        for (size_t i = first; i < last; i++) {
            struct lfi__region *r = &mm->r[i];
            if (r->fd < 0)
                continue;
            uint64_t n = r->end - r->start;
            void *tmp = malloc(n);
            void *at = (void *)(uintptr_t)r->start;
            if (!tmp) {
                lfi__seterr(LFI_ERR_ALLOC, "copy of file pages");
                goto restore;
            }
            if (mprotect(at, n, PROT_READ) < 0 || lfi__safe_copy(tmp, at, n) < 0 ||
                mmap(at, n, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0) == MAP_FAILED) {
                free(tmp);
                lfi__seterr(LFI_ERR_MMAP, "cannot copy file pages at %#llx",
                            (unsigned long long)r->start);
                goto restore;
            }
            memcpy(at, tmp, n);
            free(tmp);
        }
        /* Read-only while the verifier looks at it: no thread can change it. */
        if (mprotect(want, len, PROT_READ) < 0) {
            lfi__seterr(LFI_ERR_MMAP, "mprotect: %s", strerror(errno));
            goto restore;
        }
        if (lfi__verify(box, addr, len) < 0)
            goto restore;
    }
    if (mprotect(want, len, host_prot(prot)) < 0) {
        lfi__seterr(LFI_ERR_MMAP, "mprotect: %s", strerror(errno));
        goto restore;
    }
    for (size_t i = first; i < last; i++)
        mm->r[i].prot = prot & ~LFI_PROT_BTI;
    apply_cut(mm, addr, end, exec);
    return 0;
restore:
    /* Put back the protections the records describe. */
    for (size_t i = first; i < last; i++)
        mprotect((void *)(uintptr_t)mm->r[i].start, mm->r[i].end - mm->r[i].start,
                 host_prot(mm->r[i].prot));
    return -1;
}

static int mprotect_common(struct LFIBox *box, lfiptr addr, size_t size, int prot, bool verify)
{
    uint64_t len;
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "no box");
        return -1;
    }
    if (check_range(box, addr, size, &len) < 0 || check_prot(box, prot) < 0)
        return -1;
    pthread_mutex_lock(&box->lock);
    int r = do_protect(box, addr, len, prot, verify && verifying(box));
    pthread_mutex_unlock(&box->lock);
    return r;
}

int lfi_box_mprotect(struct LFIBox *box, lfiptr addr, size_t size, int prot)
{
    return mprotect_common(box, addr, size, prot, true);
}

int lfi_box_mprotect_noverify(struct LFIBox *box, lfiptr addr, size_t size, int prot)
{
    return mprotect_common(box, addr, size, prot, false);
}

int lfi_box_munmap(struct LFIBox *box, lfiptr addr, size_t size)
{
    uint64_t len;
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "no box");
        return -1;
    }
    if (check_range(box, addr, size, &len) < 0)
        return -1;
    struct lfi__mm *mm = &box->mm;
    int r = -1;
    pthread_mutex_lock(&box->lock);
    if (overlaps_runtime(mm, addr, addr + len))
        lfi__seterr(LFI_ERR_PERM, "[%#llx, +%#llx) overlaps the runtime's own pages",
                    (unsigned long long)addr, (unsigned long long)len);
    else if (!reserve_records(mm, 2))
        lfi__seterr(LFI_ERR_ALLOC, "mapping records");
    else if (check_cut(box, addr, addr + len) == 0) {
        if (reserve(addr, len) < 0) {
            lfi__seterr(LFI_ERR_MMAP, "munmap: %s", strerror(errno));
        } else {
            punch(mm, addr, addr + len);
            apply_cut(mm, addr, addr + len, false);
            r = 0;
        }
    }
    pthread_mutex_unlock(&box->lock);
    return r;
}

lfiptr lfi_box_mapat_register(struct LFIBox *box, lfiptr addr, size_t size, int prot, int flags,
                              int fd, off_t off)
{
    uint64_t len;
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "no box");
        return (lfiptr)-1;
    }
    if (check_range(box, addr, size, &len) < 0 || check_map_args(box, prot, flags, fd, off) < 0)
        return (lfiptr)-1;
    struct lfi__mm *mm = &box->mm;
    int r = -1;
    pthread_mutex_lock(&box->lock);
    if (overlaps_runtime(mm, addr, addr + len))
        lfi__seterr(LFI_ERR_PERM, "the range overlaps the runtime's own pages");
    else if (!reserve_records(mm, 3))
        lfi__seterr(LFI_ERR_ALLOC, "mapping records");
    else if (check_cut(box, addr, addr + len) == 0) {
        bool exec = prot & LFI_PROT_EXEC;
        /* The pages are already there; executable ones are checked now and
         * taken away if they fail. */
        if (exec && verifying(box) &&
            (mprotect((void *)(uintptr_t)addr, len, PROT_READ) < 0 ||
             lfi__verify(box, addr, len) < 0 ||
             mprotect((void *)(uintptr_t)addr, len, host_prot(prot)) < 0)) {
            if (lfi_errno() != LFI_ERR_VERIFY)
                lfi__seterr(LFI_ERR_MMAP, "mprotect: %s", strerror(errno));
            reserve(addr, len);
            punch(mm, addr, addr + len);
            apply_cut(mm, addr, addr + len, false);
        } else {
            punch(mm, addr, addr + len);
            apply_cut(mm, addr, addr + len, exec);
            struct lfi__region reg = {
                .start = addr, .end = addr + len, .prot = prot & ~LFI_PROT_BTI,
                .flags = flags & (LFI_MAP_SHARED | LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS),
                .fd = (flags & LFI_MAP_ANONYMOUS) ? -1 : fd,
                .off = (flags & LFI_MAP_ANONYMOUS) ? 0 : off,
            };
            insert(mm, &reg);
            r = 0;
        }
    }
    pthread_mutex_unlock(&box->lock);
    return r < 0 ? (lfiptr)-1 : addr;
}

void lfi_box_mark_original(struct LFIBox *box)
{
    if (!box)
        return;
    pthread_mutex_lock(&box->lock);
    for (size_t i = 0; i < box->mm.n; i++)
        box->mm.r[i].original = true;
    pthread_mutex_unlock(&box->lock);
}

bool lfi_box_unmap_non_original(struct LFIBox *box)
{
    if (!box)
        return false;
    bool ok = true;
    for (;;) {
        uint64_t lo = 0, hi = 0;
        pthread_mutex_lock(&box->lock);
        for (size_t i = 0; i < box->mm.n; i++) {
            struct lfi__region *r = &box->mm.r[i];
            if (!r->original && !r->runtime) {
                lo = r->start;
                hi = r->end;
                /* neighbours that go too: one call */
                while (i + 1 < box->mm.n && box->mm.r[i + 1].start == hi &&
                       !box->mm.r[i + 1].original && !box->mm.r[i + 1].runtime)
                    hi = box->mm.r[++i].end;
                break;
            }
        }
        pthread_mutex_unlock(&box->lock);
        if (!hi)
            return ok;
        if (lfi_box_munmap(box, lo, hi - lo) < 0) {
            ok = false;
            /* cannot go (it would split verified code): keep it, mark it */
            pthread_mutex_lock(&box->lock);
            for (size_t i = 0; i < box->mm.n; i++)
                if (box->mm.r[i].start >= lo && box->mm.r[i].end <= hi)
                    box->mm.r[i].original = true;
            pthread_mutex_unlock(&box->lock);
        }
    }
}

bool lfi_box_mquery(struct LFIBox *box, lfiptr addr, struct LFIMapInfo *info)
{
    if (!box || !info)
        return false;
    bool found = false;
    pthread_mutex_lock(&box->lock);
    struct lfi__mm *mm = &box->mm;
    size_t i = first_after(mm, addr);
    if (i < mm->n && mm->r[i].start <= addr) {
        info->prot = mm->r[i].prot;
        info->flags = mm->r[i].flags;
        info->fd = mm->r[i].fd;
        info->offset = mm->r[i].fd >= 0 ? mm->r[i].off + (off_t)((addr - mm->r[i].start) &
                                                      ~(uint64_t)(box->engine->pagesize - 1))
                                        : 0;
        found = true;
    }
    pthread_mutex_unlock(&box->lock);
    return found;
}

bool lfi__exec_bytes(struct LFIBox *box, uint64_t addr, void *dst, size_t n)
{
    bool ok = false;
    pthread_mutex_lock(&box->lock);
    struct lfi__mm *mm = &box->mm;
    size_t i = first_after(mm, addr);
    if (i < mm->n && mm->r[i].start <= addr && n <= mm->r[i].end - addr &&
        (mm->r[i].prot & LFI_PROT_EXEC) && !mm->r[i].runtime)
        ok = lfi__safe_copy(dst, (const void *)(uintptr_t)addr, n) == 0;
    pthread_mutex_unlock(&box->lock);
    return ok;
}

/* Runtime-owned code (stub pages): a sealed memfd mapped read-only and
 * shared, verified like sandbox code (unless no_verify), pinned. Called with
 * the box lock held. */
uint64_t lfi__map_runtime_code(struct LFIBox *box, int memfd, size_t size)
{
    struct lfi__mm *mm = &box->mm;
    if (!reserve_records(mm, 3)) {
        lfi__seterr(LFI_ERR_ALLOC, "mapping records");
        return 0;
    }
    uint64_t addr = find_free(box, size);
    if (!addr) {
        lfi__seterr(LFI_ERR_NOSPACE, "no room for the runtime's stub pages");
        return 0;
    }
    void *p = mmap((void *)(uintptr_t)addr, size, PROT_READ, MAP_SHARED | MAP_FIXED, memfd, 0);
    if (p == MAP_FAILED) {
        lfi__seterr(LFI_ERR_MMAP, "runtime stub pages: %s", strerror(errno));
        return 0;
    }
    if ((verifying(box) && lfi__verify(box, addr, size) < 0) ||
        mprotect(p, size, PROT_READ | PROT_EXEC) < 0) {
        reserve(addr, size);
        return 0;
    }
    struct lfi__region reg = {
        .start = addr, .end = addr + size, .prot = LFI_PROT_READ | LFI_PROT_EXEC,
        .flags = LFI_MAP_SHARED, .fd = -1, .off = 0, .runtime = true,
    };
    insert(mm, &reg);
    apply_cut(mm, addr, addr + size, true);
    return addr;
}
