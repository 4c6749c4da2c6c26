/* Boxes: slots of the engine's reservation, their runtime-call tables, and
 * the checked accessors (ptrvalid, copyto, ...). */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct LFIBox *lfi_box_new(struct LFIEngine *e)
{
    if (!e) {
        lfi__seterr(LFI_ERR_INVAL, "no engine");
        return NULL;
    }
    struct LFIBox *box = calloc(1, sizeof *box);
    if (!box) {
        lfi__seterr(LFI_ERR_ALLOC, "box");
        return NULL;
    }
    pthread_mutex_lock(&e->lock);
    if (!e->nfree) {
        pthread_mutex_unlock(&e->lock);
        free(box);
        lfi__seterr(LFI_ERR_BOXMAP, "all %zu sandbox slots are in use", e->nslots);
        return NULL;
    }
    box->slot = e->freeslots[--e->nfree];
    e->nboxes++;
    uint64_t seed = lfi__rng_next(&e->rng);
    bool tables = e->tables[box->slot];
    pthread_mutex_unlock(&e->lock);

    size_t ps = e->pagesize;
    uint64_t reach = (LFI_REACH + ps - 1) & ~(uint64_t)(ps - 1);
    box->engine = e;
    box->base = e->boxes + box->slot * LFI_BOXSIZE;
    box->min = box->base + reach;
    box->max = box->base + LFI_BOXSIZE - reach;
    pthread_mutex_init(&box->lock, NULL);
    lfi__mm_init(box, seed);

    /* Both runtime-call tables, read-only: [B-page, B+page). They stay
     * when the box is freed (their contents are the same for every box). */
    void *t = tables ? NULL : mmap((void *)(uintptr_t)(box->base - ps), 2 * ps, PROT_READ,
                                   MAP_SHARED | MAP_FIXED, e->tabfd, 0);
    if (t == MAP_FAILED) {
        lfi__seterr(LFI_ERR_MMAP, "runtime-call tables: %s", strerror(errno));
        pthread_mutex_lock(&e->lock);
        e->freeslots[e->nfree++] = (uint32_t)box->slot;
        e->nboxes--;
        pthread_mutex_unlock(&e->lock);
        pthread_mutex_destroy(&box->lock);
        free(box);
        return NULL;
    }
    if (!tables) {
        pthread_mutex_lock(&e->lock);
        e->tables[box->slot] = 1;
        pthread_mutex_unlock(&e->lock);
    }
    LFI_LOG("box %zu at %#llx", box->slot, (unsigned long long)box->base);
    return box;
}

void lfi_box_free(struct LFIBox *box)
{
    if (!box)
        return;
    /* Its contexts outlive it, detached (ctx.c); refused if one runs. */
    if (!lfi__box_detach_ctxs(box))
        return;
    struct LFIEngine *e = box->engine;
    /* The box's memory back to PROT_NONE (all of [min, max), if anything
     * was ever mapped there); the table pages stay for the next box. */
    void *p = NULL;
    if (box->mm.n || box->rtpage || box->cb_size)
        p = mmap((void *)(uintptr_t)box->min, box->max - box->min, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    lfi__mm_free(box);
    free(box->cb_fns);
    free(box->cb_kinds);
    pthread_mutex_destroy(&box->lock);
    pthread_mutex_lock(&e->lock);
    if (p != MAP_FAILED)
        e->freeslots[e->nfree++] = (uint32_t)box->slot;
    else
        LFI_LOG("box %zu: cannot reset its memory (%s); slot retired", box->slot,
                strerror(errno));
    e->nboxes--;
    pthread_mutex_unlock(&e->lock);
    free(box);
}

struct LFIEngine *lfi_box_engine(struct LFIBox *box)
{
    return box->engine;
}

void lfi_box_setdata(struct LFIBox *box, void *data)
{
    box->data = data;
}

void *lfi_box_data(struct LFIBox *box)
{
    return box->data;
}

int lfi_box_single_thread(struct LFIBox *box)
{
    if (!box) {
        lfi__seterr(LFI_ERR_INVAL, "lfi_box_single_thread: no box");
        return -1;
    }
    pthread_mutex_lock(&box->lock);
    if (box->nctx > 0 && !box->single_thread) {
        pthread_mutex_unlock(&box->lock);
        lfi__seterr(LFI_ERR_BUSY, "lfi_box_single_thread: the box already has a context");
        return -1;
    }
    __atomic_store_n(&box->single_thread, true, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&box->lock);
    return 0;
}

bool lfi_box_is_single_thread(struct LFIBox *box)
{
    return box && __atomic_load_n(&box->single_thread, __ATOMIC_ACQUIRE);
}

struct LFIBoxInfo lfi_box_info(struct LFIBox *box)
{
    return (struct LFIBoxInfo){
        .base = box->base, .size = LFI_BOXSIZE, .min = box->min, .max = box->max,
        .max_exec = box->max,
    };
}

bool lfi_box_ptrvalid(struct LFIBox *box, lfiptr addr)
{
    return box && addr >= box->min && addr < box->max;
}

bool lfi_box_bufvalid(struct LFIBox *box, lfiptr addr, size_t size)
{
    return box && addr >= box->min && addr <= box->max && size <= box->max - addr;
}

size_t lfi_box_strnlen(struct LFIBox *box, lfiptr addr, size_t maxlen)
{
    if (!lfi_box_ptrvalid(box, addr))
        return SIZE_MAX;
    size_t limit = box->max - addr < maxlen ? box->max - addr : maxlen;
    size_t n = lfi__safe_strnlen((const char *)addr, limit);
    if (n == SIZE_MAX || n >= limit)
        return SIZE_MAX;
    return n;
}

void *lfi_box_copyfm(struct LFIBox *box, void *dst, lfiptr src, size_t size)
{
    if (!lfi_box_bufvalid(box, src, size)) {
        lfi__seterr(LFI_ERR_INVAL, "copy from [%#llx, +%zu): outside the box",
                    (unsigned long long)src, size);
        return NULL;
    }
    if (lfi__safe_copy(dst, (const void *)src, size) < 0) {
        lfi__seterr(LFI_ERR_NOTMAPPED, "copy from [%#llx, +%zu): not readable",
                    (unsigned long long)src, size);
        return NULL;
    }
    return dst;
}

lfiptr lfi_box_copyto(struct LFIBox *box, lfiptr dst, const void *src, size_t size)
{
    if (!lfi_box_bufvalid(box, dst, size)) {
        lfi__seterr(LFI_ERR_INVAL, "copy to [%#llx, +%zu): outside the box",
                    (unsigned long long)dst, size);
        return 0;
    }
    if (lfi__safe_copy((void *)dst, src, size) < 0) {
        lfi__seterr(LFI_ERR_NOTMAPPED, "copy to [%#llx, +%zu): not writable",
                    (unsigned long long)dst, size);
        return 0;
    }
    return dst;
}

uintptr_t lfi_box_l2p(struct LFIBox *box, lfiptr l)
{
    (void)box;
    return l;
}

lfiptr lfi_box_p2l(struct LFIBox *box, uintptr_t p)
{
    (void)box;
    return p;
}
