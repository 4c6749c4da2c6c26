/* Memory system calls: mmap, munmap, mprotect, mremap, madvise, brk. All
 * mapping goes through the core, which verifies anything that becomes
 * executable and keeps W^X. Memory is charged against max_memory (bytes
 * of pages that are not PROT_NONE); beyond it the sandbox gets ENOMEM. */
#include "../internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>

bool lx_mem_charge(struct LFILinuxProc *p, size_t bytes)
{
    if (!p->mem_limit) {
        atomic_fetch_add(&p->mem_used, bytes);
        return true;
    }
    size_t cur = atomic_load(&p->mem_used);
    do {
        if (bytes > p->mem_limit || cur > p->mem_limit - bytes)
            return false;
    } while (!atomic_compare_exchange_weak(&p->mem_used, &cur, cur + bytes));
    return true;
}

void lx_mem_uncharge(struct LFILinuxProc *p, size_t bytes)
{
    size_t cur = atomic_load(&p->mem_used);
    size_t next;
    do
        next = cur > bytes ? cur - bytes : 0;
    while (!atomic_compare_exchange_weak(&p->mem_used, &cur, next));
}

size_t lx_mem_mapped(struct LFILinuxProc *p, lfiptr addr, size_t len)
{
    if (!p->mem_limit)
        return 0; /* no limit: no need to know */
    size_t n = 0;
    struct LFIMapInfo mi;
    for (size_t off = 0; off < len; off += p->pagesize)
        if (lfi_box_mquery(p->box, addr + off, &mi) && mi.prot != LFI_PROT_NONE)
            n += p->pagesize;
    return n;
}

static bool any_exec(struct LFILinuxProc *p, lfiptr addr, size_t len)
{
    struct LFIMapInfo mi;
    for (size_t off = 0; off < len; off += p->pagesize)
        if (lfi_box_mquery(p->box, addr + off, &mi) && (mi.prot & LFI_PROT_EXEC))
            return true;
    return false;
}

static bool any_mapped(struct LFILinuxProc *p, lfiptr addr, size_t len)
{
    struct LFIMapInfo mi;
    for (size_t off = 0; off < len; off += p->pagesize)
        if (lfi_box_mquery(p->box, addr + off, &mi))
            return true;
    return false;
}

/* The core's error as an errno. */
static long core_errno(const char *what)
{
    int e = lfi_errno();
    LX_LOG("%s: %s", what, lfi_errmsg());
    switch (e) {
    case LFI_ERR_VERIFY:
    case LFI_ERR_PERM:
        return -EACCES;
    case LFI_ERR_INVAL:
        return -EINVAL;
    default:
        return -ENOMEM;
    }
}

static uint64_t page_up(struct LFILinuxProc *p, uint64_t n)
{
    uint64_t ps = p->pagesize;
    return n > UINT64_MAX - ps ? 0 : (n + ps - 1) & ~(ps - 1);
}

LX_SYS(mmap)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t addr = a[0], len = a[1], prot = a[2], flags = a[3], off = a[5];
    int fd = (int)(int32_t)a[4];
    if (len == 0 || off % p->pagesize)
        return -EINVAL;
    len = page_up(p, len);
    if (len == 0 || len > p->info.max - p->info.min)
        return -ENOMEM;
    if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
        return -EINVAL;
    uint64_t type = flags & MAP_TYPE;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (flags & (MAP_HUGETLB | MAP_GROWSDOWN))
        return -EINVAL;
    bool anon = flags & MAP_ANONYMOUS;
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    int lflags = (type == MAP_PRIVATE ? LFI_MAP_PRIVATE : LFI_MAP_SHARED) |
                 (anon ? LFI_MAP_ANONYMOUS : 0);
    struct lx_file *f = NULL;
    int hostfd = -1;
    if (!anon) {
        if ((int64_t)off < 0)
            return -EINVAL;
        f = lx_fd_get(p, fd);
        if (!f)
            return -EBADF;
        if (f->kind != LX_F_FILE || (atomic_load(&f->flags) & O_PATH)) {
            lx_file_put(f);
            return -EACCES;
        }
        hostfd = f->hostfd;
    }
    long ret;
    size_t charge = prot ? len : 0, replaced = 0;
    if (fixed) {
        if (addr % p->pagesize || !lfi_box_bufvalid(p->box, addr, len)) {
            ret = -ENOMEM;
            goto out;
        }
        if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && any_mapped(p, addr, len)) {
            ret = -EEXIST;
            goto out;
        }
        replaced = lx_mem_mapped(p, addr, len);
    }
    if (!lx_mem_charge(p, charge)) {
        ret = -ENOMEM;
        goto out;
    }
    lfiptr r = fixed ? lfi_box_mapat(p->box, addr, len, (int)prot, lflags, hostfd, (off_t)off)
                     : lfi_box_mapany(p->box, len, (int)prot, lflags, hostfd, (off_t)off);
    if (r == (lfiptr)-1) {
        lx_mem_uncharge(p, charge);
        ret = core_errno("mmap");
        if (fixed && ret != -EINVAL)
            lx_mem_uncharge(p, replaced); /* the old pages are gone too */
        goto out;
    }
    lx_mem_uncharge(p, replaced);
    ret = (long)r;
out:
    lx_file_put(f);
    return ret;
}

LX_SYS(munmap)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t addr = a[0], len = page_up(p, a[1]);
    if (addr % p->pagesize || len == 0 || !lfi_box_bufvalid(p->box, addr, len))
        return -EINVAL;
    size_t was = lx_mem_mapped(p, addr, len);
    if (lfi_box_munmap(p->box, addr, len) < 0)
        return core_errno("munmap") == -ENOMEM ? -ENOMEM : -EINVAL;
    lx_mem_uncharge(p, was);
    return 0;
}

LX_SYS(mprotect)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t addr = a[0], len = page_up(p, a[1]), prot = a[2];
    if (addr % p->pagesize)
        return -EINVAL;
    if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
        return -EINVAL;
    if (a[1] == 0)
        return 0;
    if (len == 0 || !lfi_box_bufvalid(p->box, addr, len))
        return -ENOMEM;
    size_t was = lx_mem_mapped(p, addr, len);
    size_t now = p->mem_limit && prot ? len : 0;
    if (now > was && !lx_mem_charge(p, now - was))
        return -ENOMEM;
    if (lfi_box_mprotect(p->box, addr, len, (int)prot) < 0) {
        if (now > was)
            lx_mem_uncharge(p, now - was);
        return core_errno("mprotect");
    }
    if (was > now)
        lx_mem_uncharge(p, was - now);
    return 0;
}

LX_SYS(mremap)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t old = a[0], oldlen = page_up(p, a[1]), newlen = page_up(p, a[2]), fl = a[3];
    if (old % p->pagesize || newlen == 0 || oldlen == 0)
        return -EINVAL;
    if (fl & ~(uint64_t)MREMAP_MAYMOVE)
        return -EINVAL; /* MREMAP_FIXED, MREMAP_DONTUNMAP: not supported */
    if (!lfi_box_bufvalid(p->box, old, oldlen))
        return -EFAULT;
    struct LFIMapInfo mi;
    for (uint64_t off = 0; off < oldlen; off += p->pagesize)
        if (!lfi_box_mquery(p->box, old + off, &mi))
            return -EFAULT;
    lfi_box_mquery(p->box, old, &mi);
    if (newlen == oldlen)
        return (long)old;
    if (newlen < oldlen) {
        size_t was = lx_mem_mapped(p, old + newlen, oldlen - newlen);
        if (lfi_box_munmap(p->box, old + newlen, oldlen - newlen) < 0)
            return core_errno("mremap");
        lx_mem_uncharge(p, was);
        return (long)old;
    }
    if (mi.prot & LFI_PROT_EXEC || (mi.flags & LFI_MAP_SHARED))
        return -EINVAL; /* code and shared memory do not move */
    uint64_t grow = newlen - oldlen;
    size_t charge = mi.prot ? grow : 0;
    /* in place, if the pages after it are free */
    if ((mi.flags & LFI_MAP_ANONYMOUS) && lfi_box_bufvalid(p->box, old + oldlen, grow) &&
        !any_mapped(p, old + oldlen, grow)) {
        if (!lx_mem_charge(p, charge))
            return -ENOMEM;
        if (lfi_box_mapat(p->box, old + oldlen, grow, mi.prot,
                          LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0) != (lfiptr)-1)
            return (long)old;
        lx_mem_uncharge(p, charge);
    }
    if (!(fl & MREMAP_MAYMOVE))
        return -ENOMEM;
    if (!lx_mem_charge(p, charge))
        return -ENOMEM;
    lfiptr n = lfi_box_mapany(p->box, newlen, LFI_PROT_READ | LFI_PROT_WRITE,
                              LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS, -1, 0);
    if (n == (lfiptr)-1) {
        lx_mem_uncharge(p, charge);
        return core_errno("mremap");
    }
    if ((mi.prot & LFI_PROT_READ) && !lfi_box_copyfm(p->box, (void *)(uintptr_t)n, old, oldlen)) {
        lfi_box_munmap(p->box, n, newlen);
        lx_mem_uncharge(p, charge);
        return -EFAULT;
    }
    if (mi.prot != (LFI_PROT_READ | LFI_PROT_WRITE))
        lfi_box_mprotect(p->box, n, newlen, mi.prot);
    size_t was = lx_mem_mapped(p, old, oldlen);
    lfi_box_munmap(p->box, old, oldlen);
    lx_mem_uncharge(p, was);
    if (!p->mem_limit)
        lx_mem_uncharge(p, 0);
    return (long)n;
}

LX_SYS(madvise)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t addr = a[0], len = page_up(p, a[1]);
    if (addr % p->pagesize)
        return -EINVAL;
    if (a[1] == 0)
        return 0;
    if (len == 0 || !lfi_box_bufvalid(p->box, addr, len))
        return -ENOMEM;
    switch (a[2]) {
    case MADV_DONTNEED:
        /* zeroing code would make unverified bytes (00 00 is a store)
         * executable: refuse on executable pages */
        if (any_exec(p, addr, len))
            return -EINVAL;
        return madvise((void *)(uintptr_t)addr, len, MADV_DONTNEED) < 0 ? -errno : 0;
    case MADV_REMOVE:
    case MADV_HWPOISON:
        return -EINVAL;
    default:
        return 0; /* advice: accepted, no effect */
    }
}

LX_SYS(brk)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t want = a[0];
    pthread_mutex_lock(&p->lock);
    uint64_t cur = p->brk_cur;
    if (want < p->brk_base || want > p->brk_end) {
        pthread_mutex_unlock(&p->lock);
        return (long)cur;
    }
    uint64_t top = page_up(p, want);
    if (top > p->brk_top) {
        size_t grow = top - p->brk_top;
        if (!lx_mem_charge(p, grow)) {
            pthread_mutex_unlock(&p->lock);
            return (long)cur;
        }
        if (lfi_box_mprotect(p->box, p->brk_top, grow, LFI_PROT_READ | LFI_PROT_WRITE) < 0) {
            lx_mem_uncharge(p, grow);
            pthread_mutex_unlock(&p->lock);
            return (long)cur;
        }
    } else if (top < p->brk_top) {
        /* give the pages back (zero again if the heap grows later) */
        size_t shrink = p->brk_top - top;
        if (lfi_box_mapat(p->box, top, shrink, LFI_PROT_NONE, LFI_MAP_PRIVATE | LFI_MAP_ANONYMOUS,
                          -1, 0) == (lfiptr)-1) {
            pthread_mutex_unlock(&p->lock);
            return (long)cur;
        }
        lx_mem_uncharge(p, shrink);
    }
    p->brk_top = top;
    p->brk_cur = want;
    pthread_mutex_unlock(&p->lock);
    return (long)want;
}

LX_SYS(msync)
{
    if (a[0] % t->proc->pagesize)
        return -EINVAL;
    return lx_bufok(t->proc, a[0], a[1]) ? 0 : -ENOMEM;
}

LX_SYS(mincore)
{
    struct LFILinuxProc *p = t->proc;
    uint64_t len = page_up(p, a[1]);
    if (a[0] % p->pagesize)
        return -EINVAL;
    if (!lx_bufok(p, a[0], len))
        return -ENOMEM;
    uint64_t n = len / p->pagesize;
    if (!lx_bufok(p, a[2], n))
        return -EFAULT;
    uint8_t one = 1;
    struct LFIMapInfo mi;
    for (uint64_t i = 0; i < n; i++) {
        if (!lfi_box_mquery(p->box, a[0] + i * p->pagesize, &mi))
            return -ENOMEM;
        if (lx_copyout(p, a[2] + i, &one, 1) < 0)
            return -EFAULT;
    }
    return 0;
}

LX_SYS(mlock) { return lx_bufok(t->proc, a[0], a[1]) ? 0 : -ENOMEM; }
LX_SYS(munlock) { return lx_bufok(t->proc, a[0], a[1]) ? 0 : -ENOMEM; }
LX_SYS(mlockall) { (void)t; (void)a; return 0; }
LX_SYS(munlockall) { (void)t; (void)a; return 0; }
