/* Access to sandbox memory from system-call handlers. Every pointer a
 * sandbox passes is checked against the box; copies go through the core,
 * whose copy routines turn faults into errors (no host crash). */
#include "internal.h"

#include <errno.h>
#include <string.h>

bool lx_bufok(struct LFILinuxProc *p, uint64_t addr, uint64_t n)
{
    return n == 0 || lfi_box_bufvalid(p->box, addr, n);
}

int lx_copyin(struct LFILinuxProc *p, void *dst, uint64_t src, size_t n)
{
    if (n == 0)
        return 0;
    if (!lfi_box_bufvalid(p->box, src, n) || !lfi_box_copyfm(p->box, dst, src, n))
        return -EFAULT;
    return 0;
}

int lx_copyout(struct LFILinuxProc *p, uint64_t dst, const void *src, size_t n)
{
    if (n == 0)
        return 0;
    if (!lfi_box_bufvalid(p->box, dst, n) || !lfi_box_copyto(p->box, dst, src, n))
        return -EFAULT;
    return 0;
}

int lx_getpath(struct LFILinuxProc *p, uint64_t addr, char *out, bool allow_empty)
{
    size_t len = lfi_box_strnlen(p->box, addr, PATH_MAX);
    if (len == SIZE_MAX) {
        /* no NUL within PATH_MAX: too long if PATH_MAX bytes are readable */
        if (lfi_box_bufvalid(p->box, addr, PATH_MAX) &&
            lfi_box_copyfm(p->box, out, addr, PATH_MAX))
            return -ENAMETOOLONG;
        return -EFAULT;
    }
    if (len >= PATH_MAX)
        return -ENAMETOOLONG;
    if (lx_copyin(p, out, addr, len + 1) < 0)
        return -EFAULT;
    out[len] = 0;
    if (len == 0 && !allow_empty)
        return -ENOENT;
    return 0;
}
