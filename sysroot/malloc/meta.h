/* LFI's malloc for musl (musl's --with-malloc=lfi; sysroot/build.sh copies
 * this directory to src/malloc/lfi/): the shared definitions.
 *
 * Every block has an 8-byte header just before the pointer returned, so
 * chunks start at 8 mod 16 and user pointers are 16-aligned:
 *   bits 0-7  flags (F_*)
 *   bits 8-   small block: its size class; mmapped block: its mapping's
 *             length (a page multiple, low bits free); aligned block
 *             (aligned_alloc): the offset back to the block it lives in.
 */
#ifndef LFI_MALLOC_META_H
#define LFI_MALLOC_META_H

#include <stddef.h>
#include <stdint.h>
#include "libc.h"
#include "lock.h"

#define F_INUSE   1u /* allocated (cleared by free: double frees crash) */
#define F_MMAP    2u /* a mapping of its own (large.c) */
#define F_ALIGNED 4u /* inside another block, at an offset (aligned_alloc) */
#define F_FRESH   8u /* never used since mmap: all zero (calloc skips memset) */
#define F_SHIFT   8

#define NCLASS    96                 /* 64 of 16 bytes, then 4 per doubling */
#define MAX_CHUNK ((size_t)256 << 10) /* the largest class's chunk */
#define SMALL_MAX (MAX_CHUNK - 8)    /* larger requests are mmapped */
#define HUGE_REQ  ((size_t)1 << 46)  /* beyond any box: ENOMEM at once */

static inline size_t *hdr(void *p) { return (size_t *)p - 1; }

/* chunk size (header included) of class c */
static inline size_t class_size(unsigned c)
{
	if (c < 64) return (size_t)(c + 1) << 4;
	c -= 64;
	return (size_t)((c & 3) + 5) << (c / 4 + 8);
}

/* the class of a request of n <= SMALL_MAX bytes */
static inline unsigned class_of(size_t n)
{
	size_t need = n + 8;
	if (need <= 1024) return need <= 16 ? 0 : (unsigned)((need + 15) >> 4) - 1;
	size_t m = need - 1;
	unsigned k = 63 - (unsigned)__builtin_clzl(m);
	return 64 + (k - 10) * 4 + (unsigned)(m >> (k - 2)) - 4;
}

/* the global lock: taken only once the process has threads (musl's
 * libc.need_locks, like mallocng) */
extern hidden volatile int __lfi_malloc_lock[1];
static inline void heap_lock(void)
{
	if (libc.need_locks) LOCK(__lfi_malloc_lock);
}
static inline void heap_unlock(void)
{
	if (__lfi_malloc_lock[0]) UNLOCK(__lfi_malloc_lock);
}

/* large.c: requests above SMALL_MAX, each in a mapping of its own, freed
 * mappings kept in a small cache for reuse */
hidden void *__lfi_large_alloc(size_t n);
hidden void __lfi_large_free(void *p);
hidden void *__lfi_large_realloc(void *p, size_t n);
static inline size_t large_usable(void *p) { return (*hdr(p) >> F_SHIFT << F_SHIFT) - 16; }

hidden _Noreturn void __lfi_malloc_crash(void);

#endif
